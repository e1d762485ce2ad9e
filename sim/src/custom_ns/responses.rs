//! Custom nameservers over HTTP.

use super::models::{self, NewNameserver};
use crate::app::InTenant;
use crate::envelope::{ok, ok_list};
use crate::errors::{ApiError, ApiResult};
use crate::input::{normalize_domain, req_str, JsonObject};
use axum::extract::Path;
use serde_json::Value;

/// `GET /tenants/{tenant_tag}/custom_ns` — single page.
pub async fn list(tenant: InTenant) -> ApiResult {
    tenant
        .read(|state, tag| Ok(models::list(state, tag)))
        .await
        .map(ok_list)
}

/// `POST /tenants/{tenant_tag}/custom_ns` — `ns_name` (a hostname),
/// `ns_set` (1–5, default 1).
pub async fn create(tenant: InTenant, JsonObject(body): JsonObject) -> ApiResult {
    let raw = req_str(&body, "ns_name")?;
    let ns_name = normalize_domain(raw)
        .ok_or_else(|| ApiError::validation(format!("ns_name: '{raw}' is not a valid hostname")))?;
    let ns_set = match body.get("ns_set") {
        None | Some(Value::Null) => 1,
        Some(value) => match value.as_u64() {
            Some(set @ 1..=5) => set as u8,
            _ => {
                return Err(ApiError::validation(
                    "ns_set: must be a whole number from 1 to 5",
                ))
            }
        },
    };
    let new = NewNameserver { ns_name, ns_set };
    tenant
        .write(|state, tag| models::create(state, tag, new))
        .await
        .map(ok)
}

/// `DELETE /tenants/{tenant_tag}/custom_ns/{custom_ns_id}`: the id is the
/// name. Answers `result: []`.
pub async fn delete_one(tenant: InTenant, Path((_, ns_name)): Path<(String, String)>) -> ApiResult {
    tenant
        .write(|state, tag| models::delete(state, tag, &ns_name))
        .await
        .map(ok)
}
