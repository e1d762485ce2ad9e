//! DNS settings: the operations on them, and their rendering.
//!
//! A PATCH merges: only the fields sent change. `responses` reads and
//! validates each field on its own (types, enums, ranges); what depends on
//! the state or on other fields is checked here: the custom nameserver set,
//! the tenant's custom nameservers, the internal DNS reference zone.

use super::records::{AccountDnsSettings, Nameservers, Settings, Soa, ZoneDnsSettings};
use crate::errors::{codes, ApiError};
use crate::store::SimState;
use serde_json::{json, Value};

/// Whose settings: the nameserver types each takes differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Account,
    Zone,
}

impl Scope {
    /// The nameserver types of the definition, for this scope.
    pub fn nameserver_types(self) -> &'static [&'static str] {
        match self {
            Scope::Account => &[
                "cloudflare.standard",
                "cloudflare.advanced",
                "cloudflare.standard.random",
                "custom.account",
                "custom.tenant",
            ],
            Scope::Zone => &[
                "cloudflare.standard",
                "cloudflare.advanced",
                "custom.account",
                "custom.tenant",
                "custom.zone",
            ],
        }
    }

    /// Where the settings lie in a request and an answer (for messages).
    pub fn prefix(self) -> &'static str {
        match self {
            Scope::Account => "zone_defaults.",
            Scope::Zone => "",
        }
    }
}

/// The nameserver types served from a set of custom nameservers.
const SET_TYPES: &[&str] = &["custom.account", "custom.tenant"];

/// `soa` fields sent; `mname: Some(None)` is an explicit `null` (back to
/// Cloudflare's own nameserver).
#[derive(Debug, Default)]
pub struct SoaPatch {
    pub expire: Option<u64>,
    pub min_ttl: Option<u64>,
    pub mname: Option<Option<String>>,
    pub refresh: Option<u64>,
    pub retry: Option<u64>,
    pub rname: Option<String>,
    pub ttl: Option<u64>,
}

/// The settings fields a PATCH sends, each already valid on its own.
#[derive(Debug, Default)]
pub struct SettingsPatch {
    pub flatten_all_cnames: Option<bool>,
    pub foundation_dns: Option<bool>,
    pub multi_provider: Option<bool>,
    pub secondary_overrides: Option<bool>,
    pub ns_ttl: Option<u64>,
    pub zone_mode: Option<&'static str>,
    pub nameserver_type: Option<&'static str>,
    pub ns_set: Option<u8>,
    pub soa: SoaPatch,
    pub reference_zone_id: Option<String>,
}

/// An account's PATCH.
#[derive(Debug, Default)]
pub struct AccountPatch {
    pub enforce_dns_only: Option<bool>,
    pub zone_defaults: SettingsPatch,
}

/// `patch` over `settings`, checked against the state: the nameservers as
/// [`merge_nameservers`] allows them, and an internal DNS reference to a
/// zone that exists.
fn merge(
    state: &SimState,
    scope: Scope,
    mut settings: Settings,
    patch: SettingsPatch,
) -> Result<Settings, ApiError> {
    let prefix = scope.prefix();
    let set_if = |field: &mut bool, value: Option<bool>| {
        if let Some(value) = value {
            *field = value;
        }
    };
    set_if(&mut settings.flatten_all_cnames, patch.flatten_all_cnames);
    set_if(&mut settings.foundation_dns, patch.foundation_dns);
    set_if(&mut settings.multi_provider, patch.multi_provider);
    set_if(&mut settings.secondary_overrides, patch.secondary_overrides);
    settings.ns_ttl = patch.ns_ttl.unwrap_or(settings.ns_ttl);
    if let Some(mode) = patch.zone_mode {
        settings.zone_mode = mode.to_string();
    }

    merge_nameservers(state, scope, &mut settings.nameservers, &patch)?;
    merge_soa(&mut settings.soa, patch.soa);
    if let Some(zone_id) = patch.reference_zone_id {
        state.zones.by_id(&zone_id).map_err(|_| {
            ApiError::validation(format!(
                "{prefix}internal_dns.reference_zone_id: no zone {zone_id}"
            ))
        })?;
        settings.reference_zone_id = Some(zone_id);
    }
    Ok(settings)
}

/// The nameservers `patch` asks for, checked: a set only with the custom
/// types (which default to set 1), `custom.tenant` only when the tenant has
/// custom nameservers (in that set, for a zone).
fn merge_nameservers(
    state: &SimState,
    scope: Scope,
    ns: &mut Nameservers,
    patch: &SettingsPatch,
) -> Result<(), ApiError> {
    let prefix = scope.prefix();
    if let Some(kind) = patch.nameserver_type {
        ns.kind = kind.to_string();
    }
    // An account's defaults name a type only; each new zone gets a set.
    let uses_set = scope == Scope::Zone && SET_TYPES.contains(&ns.kind.as_str());
    ns.ns_set = match (uses_set, patch.ns_set) {
        (true, sent) => sent.or(ns.ns_set).or(Some(1)),
        (false, None) => None,
        (false, Some(_)) => {
            return Err(ApiError::validation(format!(
                "{prefix}nameservers.ns_set: only the types {} use a set of custom nameservers, not '{}'",
                SET_TYPES.join(" and "),
                ns.kind
            )))
        }
    };
    // Checked when sent: deleting a custom nameserver leaves the settings
    // that use it, and a PATCH of another field leaves them too.
    let sent = patch.nameserver_type.is_some() || patch.ns_set.is_some();
    if sent && ns.kind == "custom.tenant" {
        let tenant = &state.tenant.tenant_tag;
        let wanted = match scope {
            Scope::Zone => ns.ns_set,
            Scope::Account => None,
        };
        let has = state
            .custom_nameservers
            .iter()
            .any(|c| &c.tenant_tag == tenant && wanted.is_none_or(|set| c.ns_set == set));
        if !has {
            let which = wanted.map_or(String::new(), |set| format!(" in set {set}"));
            return Err(ApiError::bad_request(
                codes::NO_TENANT_CUSTOM_NS,
                format!(
                    "{prefix}nameservers.type: 'custom.tenant' needs the tenant's custom nameservers, and tenant {tenant} has none{which}"
                ),
            ));
        }
    }

    Ok(())
}

/// The SOA fields `patch_soa` sends.
fn merge_soa(soa: &mut Soa, patch_soa: SoaPatch) {
    soa.expire = patch_soa.expire.unwrap_or(soa.expire);
    soa.min_ttl = patch_soa.min_ttl.unwrap_or(soa.min_ttl);
    soa.refresh = patch_soa.refresh.unwrap_or(soa.refresh);
    soa.retry = patch_soa.retry.unwrap_or(soa.retry);
    soa.ttl = patch_soa.ttl.unwrap_or(soa.ttl);
    if let Some(mname) = patch_soa.mname {
        soa.mname = mname;
    }
    if let Some(rname) = patch_soa.rname {
        soa.rname = rname;
    }
}

/// The settings object of the definition; `ns_set` only where there is one.
fn render_settings(settings: &Settings) -> Value {
    let mut nameservers = json!({ "type": settings.nameservers.kind });
    if let Some(set) = settings.nameservers.ns_set {
        nameservers["ns_set"] = json!(set);
    }
    let internal_dns = match &settings.reference_zone_id {
        Some(id) => json!({ "reference_zone_id": id }),
        None => json!({}),
    };
    let soa = &settings.soa;
    json!({
        "flatten_all_cnames": settings.flatten_all_cnames,
        "foundation_dns": settings.foundation_dns,
        "multi_provider": settings.multi_provider,
        "secondary_overrides": settings.secondary_overrides,
        "ns_ttl": settings.ns_ttl,
        "zone_mode": settings.zone_mode,
        "nameservers": nameservers,
        "soa": {
            "expire": soa.expire,
            "min_ttl": soa.min_ttl,
            "mname": soa.mname,
            "refresh": soa.refresh,
            "retry": soa.retry,
            "rname": soa.rname,
            "ttl": soa.ttl,
        },
        "internal_dns": internal_dns,
    })
}

/// An account's settings as the API answers them.
pub fn render_account(settings: &AccountDnsSettings) -> Value {
    json!({
        "enforce_dns_only": settings.enforce_dns_only,
        "zone_defaults": render_settings(&settings.zone_defaults),
    })
}

/// A zone's settings as the API answers them.
pub fn render_zone(settings: &ZoneDnsSettings) -> Value {
    render_settings(&settings.settings)
}

/// `GET /accounts/{account_id}/dns_settings` (the access check found the account).
pub fn get_account(state: &SimState, account_id: &str) -> Result<Value, ApiError> {
    Ok(render_account(&state.account_dns_settings.of(account_id)))
}

pub fn update_account(
    state: &mut SimState,
    account_id: &str,
    patch: AccountPatch,
) -> Result<Value, ApiError> {
    let mut settings = state.account_dns_settings.of(account_id);
    settings.zone_defaults = merge(
        state,
        Scope::Account,
        settings.zone_defaults,
        patch.zone_defaults,
    )?;
    if let Some(enforce) = patch.enforce_dns_only {
        settings.enforce_dns_only = enforce;
    }
    let rendered = render_account(&settings);
    state.account_dns_settings.put(settings);
    Ok(rendered)
}

/// `GET /zones/{zone_id}/dns_settings` (the access check found the zone).
pub fn get_zone(state: &SimState, zone_id: &str) -> Result<Value, ApiError> {
    Ok(render_zone(&state.zone_dns_settings.of(zone_id)))
}

pub fn update_zone(
    state: &mut SimState,
    zone_id: &str,
    patch: SettingsPatch,
) -> Result<Value, ApiError> {
    let mut settings = state.zone_dns_settings.of(zone_id);
    settings.settings = merge(state, Scope::Zone, settings.settings, patch)?;
    let rendered = render_zone(&settings);
    state.zone_dns_settings.put(settings);
    Ok(rendered)
}

/// A new zone's settings: those its account gives its new zones
/// (`zone_defaults`), as Cloudflare applies them when the zone is added;
/// custom nameservers come from set 1.
pub fn inherit_account_defaults(state: &mut SimState, account_id: &str, zone_id: &str) {
    let mut settings = state.account_dns_settings.of(account_id).zone_defaults;
    if SET_TYPES.contains(&settings.nameservers.kind.as_str()) {
        settings.nameservers.ns_set = Some(1);
    }
    state.zone_dns_settings.put(ZoneDnsSettings {
        zone_id: zone_id.to_string(),
        settings,
    });
}

/// Drops the account's settings (the account is being deleted).
pub fn delete_of_account(state: &mut SimState, account_id: &str) {
    state
        .account_dns_settings
        .remove_where(|s| s.account_id == account_id);
}

/// Drops the zone's settings (the zone is being deleted).
pub fn delete_of_zone(state: &mut SimState, zone_id: &str) {
    state
        .zone_dns_settings
        .remove_where(|s| s.zone_id == zone_id);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::custom_ns::records::CustomNameserver;
    use crate::dialect::Dialect;
    use crate::dns_settings::records::Soa;
    use crate::store::SeedConfig;

    fn state() -> SimState {
        SimState::seed(&SeedConfig {
            tenant_id: "t".into(),
            tenant_name: "T".into(),
            admin_email: "a@example.com".into(),
            allow_auto_accept_invites: false,
            partial_setup_allowed: true,
            dialect: Dialect::Documented,
        })
    }

    /// The tenant's custom nameserver in set 1.
    fn add_custom_nameserver(state: &mut SimState) {
        state.custom_nameservers.push(CustomNameserver {
            tenant_tag: "t".into(),
            ns_name: "ns1.example.com".into(),
            ns_set: 1,
            zone_tag: "z".into(),
        });
    }

    fn custom(kind: &'static str, ns_set: Option<u8>) -> SettingsPatch {
        SettingsPatch {
            nameserver_type: Some(kind),
            ns_set,
            ..Default::default()
        }
    }

    #[test]
    fn only_what_is_sent_changes() {
        let state = state();
        let patch = SettingsPatch {
            ns_ttl: Some(300),
            soa: SoaPatch {
                ttl: Some(600),
                ..Default::default()
            },
            ..Default::default()
        };
        let merged = merge(&state, Scope::Zone, Settings::default(), patch).unwrap();
        let defaults = Settings::default();
        let expected = Settings {
            ns_ttl: 300,
            soa: Soa {
                ttl: 600,
                ..defaults.soa.clone()
            },
            ..defaults
        };
        assert_eq!(merged, expected);
    }

    #[test]
    fn custom_sets_need_custom_types_and_the_tenants_nameservers() {
        let mut state = state();
        let err = merge(
            &state,
            Scope::Zone,
            Settings::default(),
            custom("cloudflare.standard", Some(2)),
        )
        .unwrap_err();
        assert!(err.message.starts_with("nameservers.ns_set:"), "{err}");
        let err = merge(
            &state,
            Scope::Account,
            Settings::default(),
            custom("custom.tenant", None),
        )
        .unwrap_err();
        assert_eq!(err.code, codes::NO_TENANT_CUSTOM_NS);
        assert!(
            err.message.starts_with("zone_defaults.nameservers.type:"),
            "{err}"
        );

        add_custom_nameserver(&mut state);
        let merged = merge(
            &state,
            Scope::Zone,
            Settings::default(),
            custom("custom.tenant", None),
        )
        .unwrap();
        assert_eq!(merged.nameservers.ns_set, Some(1), "the default set");
        let err = merge(
            &state,
            Scope::Zone,
            merged.clone(),
            custom("custom.tenant", Some(2)),
        )
        .unwrap_err();
        assert!(err.message.contains("none in set 2"), "{err}");
        let back = merge(
            &state,
            Scope::Zone,
            merged,
            custom("cloudflare.standard", None),
        )
        .unwrap();
        assert_eq!(
            back.nameservers.ns_set, None,
            "a Cloudflare type has no set"
        );
    }

    #[test]
    fn settings_using_a_deleted_custom_nameserver_take_other_changes() {
        let mut state = state();
        add_custom_nameserver(&mut state);
        let using = merge(
            &state,
            Scope::Zone,
            Settings::default(),
            custom("custom.tenant", None),
        )
        .unwrap();
        state.custom_nameservers.remove_where(|_| true);
        let ttl = SettingsPatch {
            ns_ttl: Some(300),
            ..Default::default()
        };
        let merged = merge(&state, Scope::Zone, using.clone(), ttl).unwrap();
        assert_eq!(merged.ns_ttl, 300);
        assert_eq!(merged.nameservers, using.nameservers, "left as they were");
        let err = merge(&state, Scope::Zone, using, custom("custom.tenant", None)).unwrap_err();
        assert_eq!(err.code, codes::NO_TENANT_CUSTOM_NS, "sent again: refused");
    }
}
