//! Zones (reference §5): create, read, one-property PATCH, delete, list.

use std::cmp::Ordering;

use axum::extract::{Path, State};
use axum::Extension;
use serde_json::{json, Value};

use super::auth::{unauthorized_resource, Caller};
use super::envelope::{codes, ok, ok_page, ApiError, ApiResult};
use super::input::{normalize_domain, opt_object, opt_str, type_name, JsonObject, QueryPairs};
use super::store::{derive_hex, random_digits, random_id, SimState, Zone};
use super::subscriptions::{plan_by_id, zone_plan_legacy_id};
use super::App;

const ZONE_TYPES: [&str; 3] = ["full", "partial", "secondary"];
const ZONE_STATUSES: [&str; 4] = ["initializing", "pending", "active", "moved"];

/// Cloudflare-style nameserver names; each account gets a fixed pair from this pool.
const NAMESERVER_POOL: [&str; 12] = [
    "ada", "bob", "cruz", "dina", "elle", "fred", "gina", "hugo", "iris", "jack", "kate", "leo",
];

/// The real id of the Free plan; other plan ids are derived.
const FREE_PLAN_ID: &str = "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee";

/// Two distinct pool names chosen from a hash of the account id.
fn nameservers_for(account_id: &str) -> Vec<String> {
    let hash = derive_hex(&["nameservers", account_id]);
    let pick = |offset: usize| {
        usize::from_str_radix(&hash[offset..offset + 4], 16).unwrap_or(0) % NAMESERVER_POOL.len()
    };
    let first = pick(0);
    let mut second = pick(4);
    if second == first {
        second = (first + 1) % NAMESERVER_POOL.len();
    }
    [first, second]
        .iter()
        .map(|i| format!("{}.ns.cloudflare.com", NAMESERVER_POOL[*i]))
        .collect()
}

/// The deprecated `plan` object: the public plan matching the zone's subscription.
fn plan_object(state: &SimState, zone_id: &str) -> Value {
    let legacy_id = zone_plan_legacy_id(state, zone_id);
    let subscribed = state
        .zone_subscriptions
        .iter()
        .any(|s| s.owner_id == zone_id);
    let (id, name) = match legacy_id {
        "free" => (FREE_PLAN_ID.to_string(), "Free Website"),
        "lite" => (derive_hex(&["plan", "lite"]), "Lite Website"),
        "pro" => (derive_hex(&["plan", "pro"]), "Pro Website"),
        "pro_plus" => (derive_hex(&["plan", "pro_plus"]), "Pro Plus Website"),
        "business" => (derive_hex(&["plan", "business"]), "Business Website"),
        _ => (derive_hex(&["plan", "enterprise"]), "Enterprise Website"),
    };
    let plan = plan_by_id(legacy_id);
    let fixed = plan.is_none_or(|p| p.fixed_price);
    json!({
        "id": id,
        "name": name,
        "price": plan.map_or(0.0, |p| p.monthly_price),
        "currency": "USD",
        "frequency": if fixed { "" } else { "monthly" },
        "is_subscribed": subscribed,
        "can_subscribe": false,
        "legacy_id": legacy_id,
        "legacy_discount": false,
        "externally_managed": false,
    })
}

/// Current value of a zone-plan component (subscription value, or the plan default).
fn component_value(state: &SimState, zone_id: &str, name: &str) -> u64 {
    let sub = state
        .zone_subscriptions
        .iter()
        .find(|s| s.owner_id == zone_id);
    let from_sub = sub
        .and_then(|s| s.components.iter().find(|c| c.name == name))
        .map(|c| c.value);
    from_sub.unwrap_or_else(|| {
        plan_by_id(zone_plan_legacy_id(state, zone_id))
            .and_then(|p| p.components.iter().find(|c| c.name == name))
            .map_or(0, |c| c.default)
    })
}

/// The zone object of §5.1.
pub fn render(zone: &Zone, state: &SimState) -> Value {
    let account = state.accounts.iter().find(|a| a.id == zone.account_id);
    let mut value = json!({
        "id": zone.id,
        "name": zone.name,
        "status": zone.status,
        "paused": zone.paused,
        "type": zone.zone_type,
        "development_mode": 0,
        "name_servers": zone.name_servers,
        "vanity_name_servers": zone.vanity_name_servers,
        "original_name_servers": null,
        "original_registrar": null,
        "original_dnshost": null,
        "created_on": zone.created_on,
        "modified_on": zone.modified_on,
        "activated_on": zone.activated_on,
        "meta": {
            "step": if zone.zone_type == "partial" { 3 } else { 2 },
            "custom_certificate_quota": component_value(state, &zone.id, "dedicated_certificates_custom"),
            "page_rule_quota": component_value(state, &zone.id, "page_rules"),
            "phishing_detected": false,
            "cdn_only": false,
            "dns_only": false,
            "foundation_dns": false,
        },
        "owner": { "id": null, "name": null, "type": "user" },
        "account": {
            "id": zone.account_id,
            "name": account.map(|a| a.name.clone()),
        },
        "tenant": {
            "id": state.tenant.tenant_tag,
            "name": state.tenant.tenant_name,
        },
        "tenant_unit": { "id": account.map(|a| a.unit_tag.clone()) },
        "permissions": ["#zone:read", "#zone:edit", "#dns_records:read", "#dns_records:edit"],
        "plan": plan_object(state, &zone.id),
    });
    if let Some(key) = &zone.verification_key {
        value["verification_key"] = json!(key);
    }
    value
}

fn parse_zone_type(raw: &str) -> Result<&'static str, ApiError> {
    ZONE_TYPES
        .iter()
        .find(|t| **t == raw)
        .copied()
        .ok_or_else(|| {
            ApiError::validation(format!(
                "type: must be full, partial or secondary, got '{raw}'"
            ))
        })
}

fn partial_not_allowed() -> ApiError {
    ApiError::bad_request(
        codes::PARTIAL_NOT_ALLOWED,
        "Partial zone signup not allowed",
    )
}

fn new_verification_key() -> String {
    format!("{}-{}", random_digits(9), random_digits(10))
}

/// `POST /zones`
pub async fn create(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let raw_name = opt_str(&body, "name")?
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::validation("name: is required"))?;
    let name = normalize_domain(raw_name.trim()).ok_or_else(|| {
        ApiError::validation(format!(
            "name: '{raw_name}' is not a valid domain name (labels of 1-63 characters a-z, 0-9 and '-', at least two labels, at most 253 characters, under a public suffix)"
        ))
    })?;
    // The old Go SDK sent the account as `organization`; the error text still names it.
    let bad_account = || {
        ApiError::bad_request(
            codes::ZONE_BAD_ACCOUNT,
            "Invalid account identifier passed in your organization variable",
        )
    };
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

    let mut state = app.state.lock().await;
    if state.account(&account_id).is_err() {
        return Err(bad_account());
    }
    if !caller.may_access_account(&state, &account_id) {
        return Err(unauthorized_resource());
    }
    if zone_type == "partial" && !state.tenant.entitlements.partial_setup_allowed {
        return Err(partial_not_allowed());
    }
    if state
        .zones
        .iter()
        .any(|z| z.account_id == account_id && z.name == name)
    {
        return Err(ApiError::bad_request(
            codes::ZONE_EXISTS,
            format!("{name} already exists"),
        ));
    }
    let now = state.now_rfc3339();
    let zone = Zone {
        id: random_id(),
        name_servers: nameservers_for(&account_id),
        account_id,
        name,
        zone_type: zone_type.to_string(),
        status: "pending".into(),
        paused: false,
        vanity_name_servers: Vec::new(),
        verification_key: (zone_type == "partial").then(new_verification_key),
        created_on: now.clone(),
        modified_on: now,
        activated_on: None,
    };
    let rendered = render(&zone, &state);
    state.zones.push(zone);
    app.commit(&state)?;
    Ok(ok(rendered))
}

/// `GET /zones/{zone_id}`
pub async fn get_one(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(zone_id): Path<String>,
) -> ApiResult {
    let state = app.state.lock().await;
    caller.check_zone(&state, &zone_id)?;
    Ok(ok(render(state.zone(&zone_id)?, &state)))
}

/// `PATCH /zones/{zone_id}` — exactly one of `paused`, `type`, `vanity_name_servers`.
pub async fn update(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(zone_id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult {
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
    let mut state = app.state.lock().await;
    caller.check_zone(&state, &zone_id)?;
    let zone = state.zone(&zone_id)?;
    let plan = zone_plan_legacy_id(&state, &zone_id);
    let account_is_enterprise = state
        .accounts
        .iter()
        .any(|a| a.id == zone.account_id && a.account_type == "enterprise");

    let mut updated = zone.clone();
    let Some((key, value)) = body.iter().next() else {
        return Err(ApiError::internal("empty PATCH body"));
    };
    match key.as_str() {
        "paused" => {
            let Value::Bool(paused) = value else {
                return Err(ApiError::validation(format!("paused: expected a boolean, got {}", type_name(value))));
            };
            updated.paused = *paused;
        }
        "type" => {
            let Value::String(raw) = value else {
                return Err(ApiError::validation(format!("type: expected a string, got {}", type_name(value))));
            };
            let wanted = parse_zone_type(raw)?;
            if wanted != updated.zone_type {
                if !(account_is_enterprise || plan == "enterprise") {
                    return Err(ApiError::bad_request(
                        codes::ZONE_TYPE_CHANGE_NOT_ALLOWED,
                        "Zone type can only be changed on enterprise zones or in enterprise accounts",
                    ));
                }
                if wanted == "partial" && !state.tenant.entitlements.partial_setup_allowed {
                    return Err(partial_not_allowed());
                }
                updated.verification_key = (wanted == "partial").then(new_verification_key);
                updated.zone_type = wanted.to_string();
            }
        }
        "vanity_name_servers" => {
            updated.vanity_name_servers = parse_vanity(value)?;
            if !updated.vanity_name_servers.is_empty() && !matches!(plan, "business" | "enterprise") {
                return Err(ApiError::bad_request(
                    codes::VANITY_NS_NOT_ALLOWED,
                    "vanity_name_servers requires a Business or Enterprise plan",
                ));
            }
        }
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
    }
    updated.modified_on = state.now_rfc3339();
    let index = state
        .zones
        .iter()
        .position(|z| z.id == zone_id)
        .ok_or_else(|| ApiError::not_found(codes::ZONE_NOT_FOUND, "Invalid zone identifier"))?;
    state.zones[index] = updated;
    let rendered = render(&state.zones[index], &state);
    app.commit(&state)?;
    Ok(ok(rendered))
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

/// `DELETE /zones/{zone_id}` — also removes its subscription.
pub async fn delete_one(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(zone_id): Path<String>,
    body: axum::body::Body,
) -> ApiResult {
    super::input::discard_body(body).await;
    let mut state = app.state.lock().await;
    caller.check_zone(&state, &zone_id)?;
    state.delete_zone_cascade(&zone_id);
    app.commit(&state)?;
    Ok(ok(json!({ "id": zone_id })))
}

/// A `name` / `account.name` filter: `[operator:]value` with operators `equal` (default),
/// `not_equal`, `starts_with`, `ends_with`, `contains` and their `_case_sensitive` forms.
struct TextFilter {
    op: &'static str,
    case_sensitive: bool,
    needle: String,
}

impl TextFilter {
    fn parse(raw: &str) -> TextFilter {
        const OPS: [&str; 5] = ["not_equal", "starts_with", "ends_with", "contains", "equal"];
        if let Some((prefix, rest)) = raw.split_once(':') {
            let (base, case_sensitive) = match prefix.strip_suffix("_case_sensitive") {
                Some(base) => (base, true),
                None => (prefix, false),
            };
            if let Some(op) = OPS.iter().find(|op| **op == base) {
                return TextFilter {
                    op,
                    case_sensitive,
                    needle: rest.to_string(),
                };
            }
        }
        TextFilter {
            op: "equal",
            case_sensitive: false,
            needle: raw.to_string(),
        }
    }

    fn matches(&self, value: &str) -> bool {
        let (value, needle) = if self.case_sensitive {
            (value.to_string(), self.needle.clone())
        } else {
            (value.to_lowercase(), self.needle.to_lowercase())
        };
        match self.op {
            "not_equal" => value != needle,
            "starts_with" => value.starts_with(&needle),
            "ends_with" => value.ends_with(&needle),
            "contains" => value.contains(&needle),
            _ => value == needle,
        }
    }
}

/// `GET /zones` — filters `name`, `account.id`, `account.name`, `status`, `type`
/// (combined with `match=all|any`), `order`, `direction`, `page`, `per_page` (5–50).
pub async fn list(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    query: QueryPairs,
) -> ApiResult {
    let page = query.page_request(20, 5, 50)?;
    let descending = query.descending()?;
    let match_any = match query.get("match") {
        None | Some("all") => false,
        Some("any") => true,
        Some(other) => {
            return Err(ApiError::validation(format!(
                "match: must be 'all' or 'any', got '{other}'"
            )))
        }
    };
    if let Some(status) = query.get("status") {
        if !ZONE_STATUSES.contains(&status) {
            return Err(ApiError::validation(format!(
                "status: must be one of {}, got '{status}'",
                ZONE_STATUSES.join(", ")
            )));
        }
    }
    let order = query.get("order").unwrap_or("name");
    if !["name", "status", "account.id", "account.name", "plan.id"].contains(&order) {
        return Err(ApiError::validation(format!(
            "order: must be name, status, account.id, account.name or plan.id, got '{order}'"
        )));
    }
    let name_filter = query.get("name").map(TextFilter::parse);
    let account_name_filter = query.get("account.name").map(TextFilter::parse);
    let account_id = query.get("account.id");
    let status = query.get("status");
    let types: Option<Vec<&str>> = query
        .get("type")
        .map(|t| t.split(',').map(str::trim).collect());

    let state = app.state.lock().await;
    let account_name = |zone: &Zone| {
        state
            .accounts
            .iter()
            .find(|a| a.id == zone.account_id)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let mut zones: Vec<&Zone> = state
        .zones
        .iter()
        .filter(|z| caller.may_access_account(&state, &z.account_id))
        .filter(|z| {
            let checks = [
                name_filter.as_ref().map(|f| f.matches(&z.name)),
                account_name_filter
                    .as_ref()
                    .map(|f| f.matches(&account_name(z))),
                account_id.map(|id| z.account_id == id),
                status.map(|s| z.status == s),
            ];
            let mut given = checks.iter().flatten().peekable();
            let field_match = if given.peek().is_none() {
                true
            } else if match_any {
                given.any(|b| *b)
            } else {
                given.all(|b| *b)
            };
            // `type` is a scope, not a search term: it always applies.
            field_match
                && types
                    .as_ref()
                    .is_none_or(|t| t.contains(&z.zone_type.as_str()))
        })
        .collect();
    let key = |z: &Zone| -> String {
        match order {
            "status" => z.status.clone(),
            "account.id" => z.account_id.clone(),
            "account.name" => account_name(z).to_lowercase(),
            "plan.id" => zone_plan_legacy_id(&state, &z.id).to_string(),
            _ => z.name.clone(),
        }
    };
    zones.sort_by(|a, b| match key(a).cmp(&key(b)) {
        Ordering::Equal => a.name.cmp(&b.name),
        other => other,
    });
    if descending {
        zones.reverse();
    }
    let items = zones.into_iter().map(|z| render(z, &state)).collect();
    Ok(ok_page(items, page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_filters() {
        assert!(TextFilter::parse("example.com").matches("EXAMPLE.com"));
        assert!(TextFilter::parse("contains:ampl").matches("example.com"));
        assert!(!TextFilter::parse("contains_case_sensitive:AMPL").matches("example.com"));
        assert!(TextFilter::parse("ends_with:.com").matches("example.com"));
        assert!(TextFilter::parse("not_equal:a.com").matches("b.com"));
    }

    #[test]
    fn nameserver_pair_is_stable_and_distinct() {
        let ns = nameservers_for("0123456789abcdef0123456789abcdef");
        assert_eq!(ns, nameservers_for("0123456789abcdef0123456789abcdef"));
        assert_eq!(ns.len(), 2);
        assert_ne!(ns[0], ns[1]);
    }
}
