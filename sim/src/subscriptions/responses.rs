//! Subscriptions over HTTP.

use super::models::{
    self, ComponentValue, Frequency, SubscriptionRequest, MAX_COMPONENT_VALUE, NOT_APPLICABLE,
};
use crate::app::Call;
use crate::envelope::{ok, ok_list};
use crate::errors::{ApiError, ApiResult};
use crate::input::{discard_body, opt_array, opt_object, opt_str, type_name, JsonObject};
use axum::extract::Path;
use serde_json::{Map, Value};

/// The body's fields; the plan id is resolved with the state (which ids a
/// tenant may use depends on the tenant).
fn parse_request(
    body: &Map<String, Value>,
    plan_required: bool,
) -> Result<SubscriptionRequest, ApiError> {
    let plan_id = match opt_object(body, "rate_plan")? {
        Some(rate_plan) => match rate_plan.get("id") {
            Some(Value::String(id)) if !id.trim().is_empty() => Some(id.clone()),
            _ => {
                return Err(ApiError::validation(
                    "rate_plan.id: is required and must be a string",
                ))
            }
        },
        None if plan_required => {
            return Err(ApiError::validation(
                "rate_plan: is required (e.g. {\"id\": \"PARTNERS_PRO\"})",
            ))
        }
        None => None,
    };
    let frequency = match opt_str(body, "frequency")? {
        None => None,
        Some(NOT_APPLICABLE) => Some(None),
        Some(raw) => Some(Some(Frequency::parse(raw).ok_or_else(|| {
            ApiError::validation(format!(
                "frequency: '{raw}' is not one of weekly, monthly, quarterly, yearly (or annual, the same as yearly)"
            ))
        })?)),
    };
    let components = match opt_array(body, "component_values")? {
        None => None,
        Some(items) => {
            let mut parsed: Vec<ComponentValue> = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let Value::Object(obj) = item else {
                    return Err(ApiError::validation(format!(
                        "component_values[{i}]: expected an object {{\"name\", \"value\"}}, got {}",
                        type_name(item)
                    )));
                };
                let name = match obj.get("name") {
                    Some(Value::String(n)) if !n.is_empty() => n.clone(),
                    _ => {
                        return Err(ApiError::validation(format!(
                            "component_values[{i}].name: is required"
                        )))
                    }
                };
                let value = obj
                    .get("value")
                    .and_then(Value::as_u64)
                    .filter(|v| *v <= MAX_COMPONENT_VALUE)
                    .ok_or_else(|| {
                        ApiError::validation(format!(
                            "component_values[{i}].value: must be an integer between 0 and {MAX_COMPONENT_VALUE}"
                        ))
                    })?;
                if parsed.iter().any(|c| c.name == name) {
                    return Err(ApiError::validation(format!(
                        "component_values[{i}].name: '{name}' is listed twice"
                    )));
                }
                parsed.push(ComponentValue { name, value });
            }
            Some(parsed)
        }
    };
    Ok(SubscriptionRequest {
        plan_id,
        frequency,
        components,
    })
}

/// `GET /zones/{zone_id}/subscription` — 404 / 1207 until one is created.
pub async fn get_zone(call: Call, Path(zone_id): Path<String>) -> ApiResult {
    call.read(|state, caller| models::zone_subscription(state, caller, &zone_id))
        .await
        .map(ok)
}

/// `POST /zones/{zone_id}/subscription` — creates the record; 400 / 1205 if one exists.
pub async fn create_zone(
    call: Call,
    Path(zone_id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let request = parse_request(&body, true)?;
    call.write(|state, caller| models::create_zone_subscription(state, caller, &zone_id, request))
        .await
        .map(ok)
}

/// `PUT /zones/{zone_id}/subscription` — changes the record; 404 / 1207 if none.
pub async fn update_zone(
    call: Call,
    Path(zone_id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let request = parse_request(&body, false)?;
    call.write(|state, caller| models::update_zone_subscription(state, caller, &zone_id, request))
        .await
        .map(ok)
}

/// `GET /zones/{zone_id}/available_rate_plans`
pub async fn available_rate_plans(call: Call, Path(zone_id): Path<String>) -> ApiResult {
    call.read(|state, caller| models::available_rate_plans(state, caller, &zone_id))
        .await
        .map(ok_list)
}

/// `GET /accounts/{account_id}/subscriptions` — single page.
pub async fn list_account(call: Call, Path(account_id): Path<String>) -> ApiResult {
    call.read(|state, caller| models::account_subscriptions(state, caller, &account_id))
        .await
        .map(ok_list)
}

/// `GET /accounts/{account_id}/subscriptions/{subscription_id}`
pub async fn get_account(
    call: Call,
    Path((account_id, subscription_id)): Path<(String, String)>,
) -> ApiResult {
    call.read(|state, caller| {
        models::account_subscription(state, caller, &account_id, &subscription_id)
    })
    .await
    .map(ok)
}

/// `POST /accounts/{account_id}/subscriptions` — one subscription per plan per account.
pub async fn create_account(
    call: Call,
    Path(account_id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let request = parse_request(&body, true)?;
    call.write(|state, caller| {
        models::create_account_subscription(state, caller, &account_id, request)
    })
    .await
    .map(ok)
}

/// `PUT /accounts/{account_id}/subscriptions/{subscription_id}`
pub async fn update_account(
    call: Call,
    Path((account_id, subscription_id)): Path<(String, String)>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let request = parse_request(&body, false)?;
    call.write(|state, caller| {
        models::update_account_subscription(state, caller, &account_id, &subscription_id, request)
    })
    .await
    .map(ok)
}

/// `DELETE /accounts/{account_id}/subscriptions/{subscription_id}` → `{subscription_id}`.
/// `DELETE /zones/{zone_id}/subscription` (in Cloudflare's definition; our
/// reference has none).
pub async fn delete_zone(
    call: Call,
    Path(zone_id): Path<String>,
    body: axum::body::Body,
) -> ApiResult {
    discard_body(body).await;
    call.write(|state, caller| models::delete_zone_subscription(state, caller, &zone_id))
        .await
        .map(ok)
}

pub async fn delete_account(
    call: Call,
    Path((account_id, subscription_id)): Path<(String, String)>,
    body: axum::body::Body,
) -> ApiResult {
    discard_body(body).await;
    call.write(|state, caller| {
        models::delete_account_subscription(state, caller, &account_id, &subscription_id)
    })
    .await
    .map(ok)
}
