//! DNS settings over HTTP: each field read and checked on its own (400 /
//! 1000 naming it, with the `zone_defaults.` prefix for an account).
//! Unknown fields are ignored.

use super::models::{self, AccountPatch, Scope, SettingsPatch, SoaPatch};
use crate::app::{InAccount, InZone};
use crate::envelope::ok;
use crate::errors::{ApiError, ApiResult};
use crate::input::{
    normalize_domain, one_of, opt_bool, opt_object, opt_str, type_name, JsonObject,
};
use serde_json::{Map, Value};

/// A whole number in `min..=max` (seconds, or a set), when sent (`null`
/// is absent).
fn opt_whole(
    obj: &Map<String, Value>,
    field: &str,
    path: &str,
    (min, max): (u64, u64),
) -> Result<Option<u64>, ApiError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => match value.as_u64() {
            Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(ApiError::validation(format!(
                "{path}: must be a whole number from {min} to {max}, got {value}"
            ))),
        },
    }
}

/// A hostname, when sent.
fn opt_hostname(
    obj: &Map<String, Value>,
    field: &str,
    path: &str,
) -> Result<Option<String>, ApiError> {
    at(opt_str(obj, field), path)?
        .map(|raw| {
            normalize_domain(raw)
                .map(|_| raw.to_string())
                .ok_or_else(|| {
                    ApiError::validation(format!("{path}: '{raw}' is not a valid hostname"))
                })
        })
        .transpose()
}

/// `result`, its validation message naming the field by its whole `path`
/// (`zone_defaults.soa.ttl`) rather than its own name.
fn at<T>(result: Result<T, ApiError>, path: &str) -> Result<T, ApiError> {
    result.map_err(|err| match err.message.split_once(": ") {
        Some((_, rest)) => ApiError::validation(format!("{path}: {rest}")),
        None => err,
    })
}

/// The settings fields of `obj` (the zone's body, or an account's
/// `zone_defaults`).
fn read_settings(obj: &Map<String, Value>, scope: Scope) -> Result<SettingsPatch, ApiError> {
    let p = scope.prefix();
    let path = |field: &str| format!("{p}{field}");
    let boolean = |field: &str| at(opt_bool(obj, field), &path(field));
    let mut patch = SettingsPatch {
        flatten_all_cnames: boolean("flatten_all_cnames")?,
        foundation_dns: boolean("foundation_dns")?,
        multi_provider: boolean("multi_provider")?,
        secondary_overrides: boolean("secondary_overrides")?,
        ns_ttl: opt_whole(obj, "ns_ttl", &path("ns_ttl"), (30, 86400))?,
        ..Default::default()
    };
    if let Some(mode) = at(opt_str(obj, "zone_mode"), &path("zone_mode"))? {
        let allowed = ["standard", "cdn_only", "dns_only"];
        patch.zone_mode = Some(one_of(
            &path("zone_mode"),
            mode,
            &allowed,
            "'standard', 'cdn_only' or 'dns_only'",
        )?);
    }
    if let Some(ns) = at(opt_object(obj, "nameservers"), &path("nameservers"))? {
        read_nameservers(ns, scope, &mut patch)?;
    }
    if let Some(soa) = at(opt_object(obj, "soa"), &path("soa"))? {
        patch.soa = read_soa(soa, scope)?;
    }
    if let Some(internal) = at(opt_object(obj, "internal_dns"), &path("internal_dns"))? {
        let field = path("internal_dns.reference_zone_id");
        patch.reference_zone_id =
            at(opt_str(internal, "reference_zone_id"), &field)?.map(String::from);
    }
    Ok(patch)
}

/// The `nameservers` object: its type, among those of the scope, and the
/// set (a zone's only).
fn read_nameservers(
    ns: &Map<String, Value>,
    scope: Scope,
    patch: &mut SettingsPatch,
) -> Result<(), ApiError> {
    let path = |field: &str| format!("{}nameservers.{field}", scope.prefix());
    if let Some(kind) = at(opt_str(ns, "type"), &path("type"))? {
        let allowed = scope.nameserver_types();
        let expected = allowed
            .iter()
            .map(|t| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(", ");
        patch.nameserver_type = Some(one_of(
            &path("type"),
            kind,
            allowed,
            &format!("one of {expected}"),
        )?);
    }
    if ns.contains_key("ns_set") && scope == Scope::Account {
        return Err(ApiError::validation(format!(
            "{}: an account's zone defaults have no nameserver set",
            path("ns_set")
        )));
    }
    patch.ns_set = opt_whole(ns, "ns_set", &path("ns_set"), (1, 5))?.map(|n| n as u8);
    Ok(())
}

/// The `soa` object: each time within the definition's range, the
/// hostnames checked, and `mname: null` for Cloudflare's own nameserver.
fn read_soa(soa: &Map<String, Value>, scope: Scope) -> Result<SoaPatch, ApiError> {
    let soa_path = |field: &str| format!("{}soa.{field}", scope.prefix());
    let seconds = |field: &str, range| opt_whole(soa, field, &soa_path(field), range);
    Ok(SoaPatch {
        expire: seconds("expire", (86400, 2419200))?,
        min_ttl: seconds("min_ttl", (60, 86400))?,
        refresh: seconds("refresh", (600, 86400))?,
        retry: seconds("retry", (600, 86400))?,
        ttl: seconds("ttl", (300, 86400))?,
        // `null` is a value here: Cloudflare's own nameserver again.
        mname: match soa.get("mname") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(_) => Some(opt_hostname(soa, "mname", &soa_path("mname"))?),
        },
        rname: opt_hostname(soa, "rname", &soa_path("rname"))?,
    })
}

/// `GET /accounts/{account_id}/dns_settings`
pub async fn get_account(account: InAccount) -> ApiResult {
    account.read(models::get_account).await.map(ok)
}

/// `PATCH /accounts/{account_id}/dns_settings` — `enforce_dns_only` and
/// `zone_defaults`.
pub async fn update_account(account: InAccount, JsonObject(body): JsonObject) -> ApiResult {
    let zone_defaults = match body.get("zone_defaults") {
        None | Some(Value::Null) => SettingsPatch::default(),
        Some(Value::Object(defaults)) => read_settings(defaults, Scope::Account)?,
        Some(other) => {
            return Err(ApiError::validation(format!(
                "zone_defaults: expected an object, got {}",
                type_name(other)
            )))
        }
    };
    let patch = AccountPatch {
        enforce_dns_only: opt_bool(&body, "enforce_dns_only")?,
        zone_defaults,
    };
    account
        .write(|state, id| models::update_account(state, id, patch))
        .await
        .map(ok)
}

/// `GET /zones/{zone_id}/dns_settings`
pub async fn get_zone(zone: InZone) -> ApiResult {
    zone.read(models::get_zone).await.map(ok)
}

/// `PATCH /zones/{zone_id}/dns_settings` — the settings at the top level.
pub async fn update_zone(zone: InZone, JsonObject(body): JsonObject) -> ApiResult {
    let patch = read_settings(&body, Scope::Zone)?;
    zone.write(|state, id| models::update_zone(state, id, patch))
        .await
        .map(ok)
}
