//! Custom nameservers over HTTP.

use super::models::{self, NewNameserver};
use crate::app::Call;
use crate::envelope::{ok, ok_list};
use crate::errors::{ApiError, ApiResult};
use crate::input::{discard_body, normalize_domain, req_str, JsonObject};
use axum::extract::Path;
use serde_json::Value;

/// `GET /tenants/{tenant_tag}/custom_ns` — single page.
pub async fn list(call: Call, Path(tenant_tag): Path<String>) -> ApiResult {
    call.read(|state, caller| models::list(state, caller, &tenant_tag))
        .await
        .map(ok_list)
}

/// `POST /tenants/{tenant_tag}/custom_ns` — `ns_name` (a hostname),
/// `ns_set` (1–5, default 1).
pub async fn create(
    call: Call,
    Path(tenant_tag): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let raw = req_str(&body, "ns_name")?;
    let ns_name = normalize_domain(raw)
        .ok_or_else(|| ApiError::validation(format!("ns_name: '{raw}' is not a valid hostname")))?;
    let ns_set = match body.get("ns_set") {
        None | Some(Value::Null) => 1,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(set @ 1..=5) => set as u8,
            _ => {
                return Err(ApiError::validation(
                    "ns_set: must be a whole number from 1 to 5",
                ))
            }
        },
        Some(_) => {
            return Err(ApiError::validation(
                "ns_set: must be a whole number from 1 to 5",
            ))
        }
    };
    call.write(|state, caller| {
        models::create(
            state,
            caller,
            &tenant_tag,
            NewNameserver { ns_name, ns_set },
        )
    })
    .await
    .map(ok)
}

/// `DELETE /tenants/{tenant_tag}/custom_ns/{custom_ns_id}`: the id is the
/// name. Answers `result: []`.
pub async fn delete_one(
    call: Call,
    Path((tenant_tag, ns_name)): Path<(String, String)>,
    body: axum::body::Body,
) -> ApiResult {
    discard_body(body).await;
    call.write(|state, caller| models::delete(state, caller, &tenant_tag, &ns_name))
        .await
        .map(ok)
}
