//! Zones over HTTP.

use super::models::{
    self, bad_account, NewZone, TextFilter, ZonePatch, ZoneQuery, ZONE_STATUSES, ZONE_TYPES,
};
use crate::app::{Call, InZone};
use crate::auth::Access;
use crate::envelope::{ok, ok_page};
use crate::errors::{codes, ApiError, ApiResult};
use crate::input::{
    normalize_domain, one_of, opt_object, opt_str, type_name, JsonObject, QueryPairs,
};
use serde_json::Value;

fn parse_zone_type(raw: &str) -> Result<&'static str, ApiError> {
    one_of("type", raw, &ZONE_TYPES, "full, partial or secondary")
}

fn parse_vanity(value: &Value) -> Result<Vec<String>, ApiError> {
    let Value::Array(items) = value else {
        return Err(ApiError::validation(format!(
            "vanity_name_servers: expected an array of hostnames, got {}",
            type_name(value)
        )));
    };
    if items.len() > 5 {
        return Err(ApiError::validation(
            "vanity_name_servers: at most 5 hostnames",
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::String(s) => normalize_domain(s).ok_or_else(|| {
                ApiError::validation(format!(
                    "vanity_name_servers[{i}]: '{s}' is not a valid hostname"
                ))
            }),
            other => Err(ApiError::validation(format!(
                "vanity_name_servers[{i}]: expected a string, got {}",
                type_name(other)
            ))),
        })
        .collect()
}

/// `POST /zones`
pub async fn create(call: Call, JsonObject(body): JsonObject) -> ApiResult {
    let raw_name = opt_str(&body, "name")?
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::validation("name: is required"))?;
    let name = normalize_domain(raw_name.trim()).ok_or_else(|| {
        ApiError::validation(format!(
            "name: '{raw_name}' is not a valid domain name (labels of 1-63 characters a-z, 0-9 and '-', at least two labels, at most 253 characters, under a public suffix)"
        ))
    })?;
    let account_obj = match opt_object(&body, "account")? {
        Some(obj) => Some(obj),
        None => opt_object(&body, "organization")?,
    };
    let account_id = account_obj
        .and_then(|obj| obj.get("id"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(bad_account)?;
    let zone_type = parse_zone_type(opt_str(&body, "type")?.unwrap_or("full"))?;
    let new = NewZone {
        name,
        account_id,
        zone_type,
    };
    call.write(Access::Anyone, |state| {
        models::create(state, &call.caller, new)
    })
    .await
    .map(ok)
}

/// `GET /zones/{zone_id}`
pub async fn get_one(zone: InZone) -> ApiResult {
    zone.read(models::get).await.map(ok)
}

/// `PATCH /zones/{zone_id}` — exactly one of `paused`, `type`, `vanity_name_servers`.
pub async fn update(zone: InZone, JsonObject(body): JsonObject) -> ApiResult {
    if body.len() != 1 {
        let keys: Vec<&str> = body.keys().map(String::as_str).collect();
        return Err(ApiError::bad_request(
            codes::ZONE_PATCH_ONE_PROPERTY,
            format!(
                "PATCH /zones/{{zone_id}} changes exactly one property per request; got {} ({})",
                keys.len(),
                if keys.is_empty() {
                    "none".to_string()
                } else {
                    keys.join(", ")
                }
            ),
        ));
    }
    let Some((key, value)) = body.iter().next() else {
        return Err(ApiError::internal("empty PATCH body"));
    };
    let patch = match key.as_str() {
        "paused" => {
            let Value::Bool(paused) = value else {
                return Err(ApiError::validation(format!("paused: expected a boolean, got {}", type_name(value))));
            };
            ZonePatch::Paused(*paused)
        }
        "type" => {
            let Value::String(raw) = value else {
                return Err(ApiError::validation(format!("type: expected a string, got {}", type_name(value))));
            };
            ZonePatch::Type(parse_zone_type(raw)?)
        }
        "vanity_name_servers" => ZonePatch::VanityNameServers(parse_vanity(value)?),
        "plan" => {
            return Err(ApiError::validation(
                "plan: changing the plan with PATCH is deprecated and not simulated; use /zones/{zone_id}/subscription",
            ))
        }
        _ => {
            return Err(ApiError::validation(format!(
                "{key}: cannot be changed with PATCH (supported: paused, type, vanity_name_servers)"
            )))
        }
    };
    zone.write(|state, id| models::update(state, id, patch))
        .await
        .map(ok)
}

/// `DELETE /zones/{zone_id}` — also removes its subscription.
pub async fn delete_one(zone: InZone) -> ApiResult {
    zone.write(models::delete).await.map(ok)
}

/// `GET /zones` — filters `name`, `account.id`, `account.name`, `status`, `type`
/// (combined with `match=all|any`), `order`, `direction`, `page`, `per_page` (5–50).
pub async fn list(call: Call, query: QueryPairs) -> ApiResult {
    let page = query.page_request(20, 5, 50)?;
    let descending = query.descending()?;
    let match_any = query.one_of("match", &["all", "any"], "'all' or 'any'")? == Some("any");
    let statuses = format!("one of {}", ZONE_STATUSES.join(", "));
    let status = query.one_of("status", &ZONE_STATUSES, &statuses)?;
    let orders = ["name", "status", "account.id", "account.name", "plan.id"];
    let order = query
        .one_of(
            "order",
            &orders,
            "name, status, account.id, account.name or plan.id",
        )?
        .unwrap_or("name");
    let zones = ZoneQuery {
        name: query.get("name").map(TextFilter::parse),
        account_name: query.get("account.name").map(TextFilter::parse),
        account_id: query.get("account.id").map(str::to_string),
        status: status.map(str::to_string),
        types: query
            .get("type")
            .map(|t| {
                t.split(',')
                    .map(|s| parse_zone_type(s.trim()).map(str::to_string))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?,
        match_any,
        order: order.to_string(),
        descending,
    };
    let items = call
        .read(Access::Anyone, |state| {
            Ok(models::list(state, &call.caller, &zones))
        })
        .await?;
    Ok(ok_page(items, page, call.dialect()))
}
