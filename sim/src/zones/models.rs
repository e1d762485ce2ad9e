//! Zones (reference §5): the operations (create, read, one-property PATCH,
//! delete, list, and activation by the admin endpoint) and their rendering.
//! Deleting a zone takes its subscription with it.

use std::cmp::Ordering;

use super::records::Zone;
use crate::auth::{unauthorized_resource, Caller};
use crate::dns_settings;
use crate::errors::{codes, ApiError};
use crate::helpers::{derive_hex, random_digits, random_id};
use crate::store::SimState;
use crate::subscriptions::{self, rate_plan_by_id, zone_rate_plan_legacy_id};
use serde_json::{json, Value};

pub const ZONE_TYPES: [&str; 4] = ["full", "partial", "secondary", "internal"];
pub const ZONE_STATUSES: [&str; 4] = ["initializing", "pending", "active", "moved"];

/// Cloudflare-style nameserver names; each account gets a fixed pair from this pool.
const NAMESERVER_POOL: [&str; 12] = [
    "ada", "bob", "cruz", "dina", "elle", "fred", "gina", "hugo", "iris", "jack", "kate", "leo",
];

/// The real id of the Free rate plan in a zone's deprecated `plan` field;
/// the other rate plans' ids there are derived.
const FREE_RATE_PLAN_ID: &str = "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee";

/// The Cloudflare nameservers of a zone of this type in this account: none
/// for a partial (CNAME setup) zone, whose DNS stays with its own host (the
/// official provider's acceptance test asserts `name_servers.# = 0`).
fn nameservers_of(zone_type: &str, account_id: &str) -> Vec<String> {
    if zone_type == "partial" {
        Vec::new()
    } else {
        nameservers_for(account_id)
    }
}

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

/// The deprecated `plan` field: the public rate plan matching the zone's
/// subscription.
fn plan_field(state: &SimState, zone_id: &str) -> Value {
    let legacy_id = zone_rate_plan_legacy_id(state, zone_id);
    let subscribed = state.zone_subscriptions.of_owner(zone_id).is_some();
    let (id, name) = match legacy_id {
        "free" => (FREE_RATE_PLAN_ID.to_string(), "Free Website"),
        "lite" => (derive_hex(&["plan", "lite"]), "Lite Website"),
        "pro" => (derive_hex(&["plan", "pro"]), "Pro Website"),
        "pro_plus" => (derive_hex(&["plan", "pro_plus"]), "Pro Plus Website"),
        "business" => (derive_hex(&["plan", "business"]), "Business Website"),
        _ => (derive_hex(&["plan", "enterprise"]), "Enterprise Website"),
    };
    let rate_plan = rate_plan_by_id(legacy_id);
    let fixed = rate_plan.is_none_or(|p| p.fixed_price);
    json!({
        "id": id,
        "name": name,
        "price": rate_plan.map_or(0.0, |p| p.monthly_price),
        "currency": "USD",
        "frequency": if fixed { "" } else { "monthly" },
        "is_subscribed": subscribed,
        "can_subscribe": false,
        "legacy_id": legacy_id,
        "legacy_discount": false,
        "externally_managed": false,
    })
}

/// Current value of a zone rate plan's component (subscription value, or
/// the rate plan's default).
fn component_value(state: &SimState, zone_id: &str, name: &str) -> u64 {
    let from_sub = state
        .zone_subscriptions
        .of_owner(zone_id)
        .and_then(|s| s.components.iter().find(|c| c.name == name))
        .map(|c| c.value);
    from_sub.unwrap_or_else(|| {
        rate_plan_by_id(zone_rate_plan_legacy_id(state, zone_id))
            .and_then(|p| p.components.iter().find(|c| c.name == name))
            .map_or(0, |c| c.default)
    })
}

/// The zone object of §5.1. A partial zone has no Cloudflare nameservers:
/// `name_servers: []` as documented, no key at all in the observed dialect
/// (corpus 21), which also gives the two quotas of `meta` as strings
/// (corpus 23).
pub fn render(zone: &Zone, state: &SimState) -> Value {
    let partial = zone.zone_type == "partial";
    let name_servers = if partial {
        &[][..]
    } else {
        &zone.name_servers[..]
    };
    let mut value = json!({
        "id": zone.id,
        "name": zone.name,
        "status": zone.status,
        "paused": zone.paused,
        "type": zone.zone_type,
        "development_mode": 0,
        "name_servers": name_servers,
        "vanity_name_servers": zone.vanity_name_servers,
        "original_name_servers": null,
        "original_registrar": null,
        "original_dnshost": null,
        "created_on": zone.created_on,
        "modified_on": zone.modified_on,
        "activated_on": zone.activated_on,
        "meta": render_meta(zone, state),
        "permissions": ["#zone:read", "#zone:edit", "#dns_records:read", "#dns_records:edit"],
        "plan": plan_field(state, &zone.id),
    });
    if let (Value::Object(object), Value::Object(holders)) =
        (&mut value, render_holders(zone, state))
    {
        object.extend(holders);
    }
    if let Some(key) = &zone.verification_key {
        value["verification_key"] = json!(key);
    }
    if state.dialect.is_observed() && partial {
        if let Some(object) = value.as_object_mut() {
            object.remove("name_servers");
        }
    }
    value
}

/// `meta`: the setup step and the quotas (strings in the observed dialect).
fn render_meta(zone: &Zone, state: &SimState) -> Value {
    let quota = |name: &str| {
        let value = component_value(state, &zone.id, name);
        if state.dialect.is_observed() {
            json!(value.to_string())
        } else {
            json!(value)
        }
    };
    json!({
        "step": if zone.zone_type == "partial" { 3 } else { 2 },
        "custom_certificate_quota": quota("dedicated_certificates_custom"),
        "page_rule_quota": quota("page_rules"),
        "phishing_detected": false,
        "cdn_only": false,
        "dns_only": false,
        "foundation_dns": false,
    })
}

/// Who holds the zone: `owner`, `account`, `tenant` and `tenant_unit`. The
/// account owns it, as an organization (the definition types the owner's
/// id and name as strings).
fn render_holders(zone: &Zone, state: &SimState) -> Value {
    let account = state.accounts.iter().find(|a| a.id == zone.account_id);
    json!({
        "owner": {
            "id": zone.account_id,
            "name": account.map(|a| a.name.clone()).unwrap_or_default(),
            "type": "organization",
        },
        "account": {
            "id": zone.account_id,
            "name": account.map(|a| a.name.clone()),
        },
        "tenant": {
            "id": state.tenant.tenant_tag,
            "name": state.tenant.tenant_name,
        },
        "tenant_unit": { "id": account.map(|a| a.unit_tag.clone()) },
    })
}

pub fn partial_not_allowed() -> ApiError {
    ApiError::bad_request(
        codes::PARTIAL_NOT_ALLOWED,
        "Partial zone signup not allowed",
    )
}

fn new_verification_key() -> String {
    format!("{}-{}", random_digits(9), random_digits(10))
}

/// A validated `POST /zones` body.
pub struct NewZone {
    pub name: String,
    pub account_id: String,
    pub zone_type: &'static str,
}

/// The one property a PATCH changes.
pub enum ZonePatch {
    Paused(bool),
    Type(&'static str),
    VanityNameServers(Vec<String>),
}

/// The old Go SDK sent the account as `organization`; the error text still names it.
pub fn bad_account() -> ApiError {
    ApiError::bad_request(
        codes::ZONE_BAD_ACCOUNT,
        "Invalid account identifier passed in your organization variable",
    )
}

/// The observed dialect's refusal of `POST /zones` to a caller that may not
/// create zones in the account (corpus 25): 403 with code 0.
pub fn zone_create_not_permitted() -> ApiError {
    ApiError::forbidden(
        codes::MISSING_PERMISSION,
        "Requires permission \"com.cloudflare.api.account.zone.create\" to create zones for the selected account",
    )
}

/// The account must exist (400 / 1067) and the caller may see it.
pub fn create(state: &mut SimState, caller: &Caller, new: NewZone) -> Result<Value, ApiError> {
    if state.accounts.by_id(&new.account_id).is_err() {
        return Err(bad_account());
    }
    if !caller.may_access_account(state, &new.account_id) {
        return Err(if state.dialect.is_observed() {
            zone_create_not_permitted()
        } else {
            unauthorized_resource()
        });
    }
    if new.zone_type == "partial" && !state.tenant.entitlements.partial_setup_allowed {
        return Err(partial_not_allowed());
    }
    if state
        .zones
        .iter()
        .any(|z| z.account_id == new.account_id && z.name == new.name)
    {
        return Err(ApiError::bad_request(
            codes::ZONE_EXISTS,
            format!("{} already exists", new.name),
        ));
    }
    let now = state.clock.now_rfc3339();
    let zone = Zone {
        id: random_id(),
        name_servers: nameservers_of(new.zone_type, &new.account_id),
        account_id: new.account_id,
        name: new.name,
        zone_type: new.zone_type.to_string(),
        status: "pending".into(),
        paused: false,
        vanity_name_servers: Vec::new(),
        verification_key: (new.zone_type == "partial").then(new_verification_key),
        created_on: now.clone(),
        modified_on: now,
        activated_on: None,
    };
    let rendered = render(&zone, state);
    dns_settings::models::inherit_account_defaults(state, &zone.account_id, &zone.id);
    state.zones.push(zone);
    Ok(rendered)
}

pub fn get(state: &SimState, zone_id: &str) -> Result<Value, ApiError> {
    Ok(render(state.zones.by_id(zone_id)?, state))
}

pub fn update(state: &mut SimState, zone_id: &str, patch: ZonePatch) -> Result<Value, ApiError> {
    let zone = state.zones.by_id(zone_id)?;
    let rate_plan = zone_rate_plan_legacy_id(state, zone_id);
    let mut updated = zone.clone();
    match patch {
        ZonePatch::Paused(paused) => updated.paused = paused,
        ZonePatch::Type(wanted) => change_type(state, &mut updated, rate_plan, wanted)?,
        ZonePatch::VanityNameServers(names) => {
            if !names.is_empty() && !matches!(rate_plan, "business" | "enterprise") {
                return Err(ApiError::bad_request(
                    codes::VANITY_NS_NOT_ALLOWED,
                    "vanity_name_servers requires a Business or Enterprise plan",
                ));
            }
            updated.vanity_name_servers = names;
        }
    }
    updated.modified_on = state.clock.now_rfc3339();
    *state.zones.by_id_mut(zone_id)? = updated;
    get(state, zone_id)
}

/// A new `type`: only on enterprise zones or in enterprise accounts, and
/// `partial` only with the entitlement.
fn change_type(
    state: &SimState,
    zone: &mut Zone,
    rate_plan: &str,
    wanted: &'static str,
) -> Result<(), ApiError> {
    if wanted == zone.zone_type {
        return Ok(());
    }
    let account_is_enterprise = state
        .accounts
        .iter()
        .any(|a| a.id == zone.account_id && a.account_type == "enterprise");
    if !(account_is_enterprise || rate_plan == "enterprise") {
        return Err(ApiError::bad_request(
            codes::ZONE_TYPE_CHANGE_NOT_ALLOWED,
            "Zone type can only be changed on enterprise zones or in enterprise accounts",
        ));
    }
    if wanted == "partial" && !state.tenant.entitlements.partial_setup_allowed {
        return Err(partial_not_allowed());
    }
    zone.verification_key = (wanted == "partial").then(new_verification_key);
    // Partial zones lose their Cloudflare nameservers; full and secondary
    // ones get them (again).
    zone.name_servers = nameservers_of(wanted, &zone.account_id);
    zone.zone_type = wanted.to_string();
    Ok(())
}

/// Also removes the zone's subscription.
pub fn delete(state: &mut SimState, zone_id: &str) -> Result<Value, ApiError> {
    state.zones.by_id(zone_id)?;
    subscriptions::models::delete_all_of_zone(state, zone_id);
    dns_settings::models::delete_of_zone(state, zone_id);
    state.zones.remove_where(|z| z.id == zone_id);
    Ok(json!({ "id": zone_id }))
}

/// Removes every zone of the account, with their subscriptions (the account
/// is being deleted).
pub fn delete_all_of_account(state: &mut SimState, account_id: &str) {
    let zone_ids: Vec<String> = state
        .zones
        .iter()
        .filter(|z| z.account_id == account_id)
        .map(|z| z.id.clone())
        .collect();
    for zone_id in &zone_ids {
        subscriptions::models::delete_all_of_zone(state, zone_id);
        dns_settings::models::delete_of_zone(state, zone_id);
    }
    state.zones.remove_where(|z| z.account_id == account_id);
}

/// Marks a zone active (what Cloudflare does once the nameservers point to
/// it; `POST /__sim/zones/{zone_id}/activate`).
pub fn activate(state: &mut SimState, zone_id: &str) -> Result<Value, ApiError> {
    let now = state.clock.now_rfc3339();
    let zone = state.zones.by_id_mut(zone_id)?;
    zone.status = "active".into();
    zone.activated_on = Some(now.clone());
    zone.modified_on = now;
    get(state, zone_id)
}

/// A `name` / `account.name` filter: `[operator:]value` with operators `equal` (default),
/// `not_equal`, `starts_with`, `ends_with`, `contains` and their `_case_sensitive` forms.
pub struct TextFilter {
    op: &'static str,
    case_sensitive: bool,
    needle: String,
}

impl TextFilter {
    pub fn parse(raw: &str) -> TextFilter {
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

    pub fn matches(&self, value: &str) -> bool {
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

/// What `GET /zones` asks for.
pub struct ZoneQuery {
    pub name: Option<TextFilter>,
    pub account_name: Option<TextFilter>,
    pub account_id: Option<String>,
    pub status: Option<String>,
    /// A scope, not a search term: it always applies.
    pub types: Option<Vec<String>>,
    pub match_any: bool,
    pub order: String,
    pub descending: bool,
}

/// The zones the caller may see that match the query, in its order.
pub fn list(state: &SimState, caller: &Caller, query: &ZoneQuery) -> Vec<Value> {
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
        .filter(|z| caller.may_access_account(state, &z.account_id))
        .filter(|z| {
            let conditions = [
                query.name.as_ref().map(|f| f.matches(&z.name)),
                query
                    .account_name
                    .as_ref()
                    .map(|f| f.matches(&account_name(z))),
                query.account_id.as_deref().map(|id| z.account_id == id),
                query.status.as_deref().map(|s| z.status == s),
            ];
            let mut given = conditions.iter().flatten().peekable();
            let field_match = if given.peek().is_none() {
                true
            } else if query.match_any {
                given.any(|b| *b)
            } else {
                given.all(|b| *b)
            };
            // `type` is a scope, not a search term: it always applies.
            field_match
                && query
                    .types
                    .as_ref()
                    .is_none_or(|t| t.contains(&z.zone_type))
        })
        .collect();
    let key = |z: &Zone| -> String {
        match query.order.as_str() {
            "status" => z.status.clone(),
            "account.id" => z.account_id.clone(),
            "account.name" => account_name(z).to_lowercase(),
            "plan.id" => zone_rate_plan_legacy_id(state, &z.id).to_string(),
            _ => z.name.clone(),
        }
    };
    zones.sort_by(|a, b| match key(a).cmp(&key(b)) {
        Ordering::Equal => a.name.cmp(&b.name),
        other => other,
    });
    if query.descending {
        zones.reverse();
    }
    zones.into_iter().map(|z| render(z, state)).collect()
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

    #[test]
    fn partial_zones_have_no_nameservers() {
        let account = "0123456789abcdef0123456789abcdef";
        assert!(nameservers_of("partial", account).is_empty());
        assert_eq!(nameservers_of("full", account), nameservers_for(account));
        assert_eq!(nameservers_of("secondary", account).len(), 2);
    }
}
