//! Subscriptions over HTTP.

use super::models::{
    self, Frequency, Owner, SubscriptionRequest, Target, MAX_COMPONENT_VALUE, NOT_APPLICABLE,
};
use super::records::ComponentValue;
use crate::app::{Call, InAccount, InZone};
use crate::auth::Access;
use crate::envelope::{ok, ok_list};
use crate::errors::{ApiError, ApiResult};
use crate::input::{opt_array, opt_object, opt_str, type_name, JsonObject};
use axum::extract::Path;
use serde::Deserialize;
use serde_json::{Map, Value};

/// The body's fields; the rate plan id is resolved with the state (which
/// ids a tenant may use depends on the tenant).
fn parse_request(
    body: &Map<String, Value>,
    rate_plan_required: bool,
) -> Result<SubscriptionRequest, ApiError> {
    Ok(SubscriptionRequest {
        rate_plan_id: parse_rate_plan_id(body, rate_plan_required)?,
        frequency: parse_frequency(body)?,
        components: opt_array(body, "component_values")?
            .map(|items| parse_components(items))
            .transpose()?,
    })
}

/// `rate_plan.id`: a non-empty string; `rate_plan` itself may be left out
/// when not required.
fn parse_rate_plan_id(
    body: &Map<String, Value>,
    required: bool,
) -> Result<Option<String>, ApiError> {
    match opt_object(body, "rate_plan")? {
        Some(rate_plan) => match rate_plan.get("id") {
            Some(Value::String(id)) if !id.trim().is_empty() => Ok(Some(id.clone())),
            _ => Err(ApiError::validation(
                "rate_plan.id: is required and must be a string",
            )),
        },
        None if required => Err(ApiError::validation(
            "rate_plan: is required (e.g. {\"id\": \"PARTNERS_PRO\"})",
        )),
        None => Ok(None),
    }
}

/// `frequency`: `Some(None)` for `not-applicable`.
fn parse_frequency(body: &Map<String, Value>) -> Result<Option<Option<Frequency>>, ApiError> {
    match opt_str(body, "frequency")? {
        None => Ok(None),
        Some(NOT_APPLICABLE) => Ok(Some(None)),
        Some(raw) => Frequency::parse(raw).map(|f| Some(Some(f))).ok_or_else(|| {
            ApiError::validation(format!(
                "frequency: '{raw}' is not one of weekly, monthly, quarterly, yearly (or annual, the same as yearly)"
            ))
        }),
    }
}

/// `component_values`: `{name, value}` objects, each name once.
fn parse_components(items: &[Value]) -> Result<Vec<ComponentValue>, ApiError> {
    let mut parsed: Vec<ComponentValue> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let component = parse_component(i, item)?;
        if parsed.iter().any(|c| c.name == component.name) {
            return Err(ApiError::validation(format!(
                "component_values[{i}].name: '{}' is listed twice",
                component.name
            )));
        }
        parsed.push(component);
    }
    Ok(parsed)
}

fn parse_component(i: usize, item: &Value) -> Result<ComponentValue, ApiError> {
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
    Ok(ComponentValue { name, value })
}

/// What a subscription route's path names: a zone (`{zone_id}`) or an
/// account (`{account_id}`), and one of the account's subscriptions
/// (`{subscription_id}`).
#[derive(Deserialize)]
pub struct SubscriptionPath {
    zone_id: Option<String>,
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    subscription_id: String,
}

impl SubscriptionPath {
    fn owner(&self) -> Owner<'_> {
        match &self.zone_id {
            Some(zone_id) => Owner::Zone(zone_id),
            None => Owner::Account(&self.account_id),
        }
    }

    fn target(&self) -> Target<'_> {
        match &self.zone_id {
            Some(zone_id) => Target::Zone(zone_id),
            None => Target::Account {
                account_id: &self.account_id,
                subscription_id: &self.subscription_id,
            },
        }
    }
}

/// What the caller must be allowed to touch `owner`'s subscriptions.
fn access_to(owner: Owner<'_>) -> Access<'_> {
    match owner {
        Owner::Zone(zone_id) => Access::Zone(zone_id),
        Owner::Account(account_id) => Access::Account(account_id),
    }
}

/// `GET /zones/{zone_id}/subscription` (404 / 1207 until one is created),
/// `GET /accounts/{account_id}/subscriptions/{subscription_id}`.
pub async fn get_one(call: Call, Path(path): Path<SubscriptionPath>) -> ApiResult {
    let target = path.target();
    call.read(access_to(target.owner()), |state| {
        models::get(state, target)
    })
    .await
    .map(ok)
}

/// `POST /zones/{zone_id}/subscription` (400 / 1205 if the zone has one),
/// `POST /accounts/{account_id}/subscriptions` (one per rate plan per
/// account).
pub async fn create(
    call: Call,
    Path(path): Path<SubscriptionPath>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let request = parse_request(&body, true)?;
    let owner = path.owner();
    call.write(access_to(owner), |state| {
        models::create(state, owner, request)
    })
    .await
    .map(ok)
}

/// `PUT /zones/{zone_id}/subscription` (404 / 1207 if none),
/// `PUT /accounts/{account_id}/subscriptions/{subscription_id}`.
pub async fn update(
    call: Call,
    Path(path): Path<SubscriptionPath>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let request = parse_request(&body, false)?;
    let target = path.target();
    call.write(access_to(target.owner()), |state| {
        models::update(state, target, request)
    })
    .await
    .map(ok)
}

/// `DELETE /zones/{zone_id}/subscription` (in Cloudflare's definition; our
/// reference has none), `DELETE
/// /accounts/{account_id}/subscriptions/{subscription_id}`: both answer
/// `{subscription_id}`.
pub async fn delete_one(call: Call, Path(path): Path<SubscriptionPath>) -> ApiResult {
    let target = path.target();
    call.write(access_to(target.owner()), |state| {
        models::delete(state, target)
    })
    .await
    .map(ok)
}

/// `GET /zones/{zone_id}/available_rate_plans`
pub async fn available_rate_plans(zone: InZone) -> ApiResult {
    zone.read(|state, _| Ok(models::available_rate_plans(state)))
        .await
        .map(ok_list)
}

/// `GET /accounts/{account_id}/subscriptions` — single page.
pub async fn list_account(account: InAccount) -> ApiResult {
    account
        .read(|state, id| Ok(models::list_of_account(state, id)))
        .await
        .map(ok_list)
}
