//! The tenants these credentials administer (`GET /user/tenants`), as a
//! plan review asks about them: which tenants and units there are, and
//! what they are entitled to. Read once per run.
//!
//! A credential that may not list its tenants leaves the review to the
//! API: [`of_caller`] is then `None`, and nothing is refused at plan.

use crate::api::paths;
use crate::client::Client;
use serde::Deserialize;

/// One tenant of the caller, with what a review needs of it.
#[derive(Debug, Deserialize)]
struct CallerTenant {
    tenant_tag: Option<String>,
    #[serde(default, deserialize_with = "crate::client::null_as_empty")]
    tenant_units: Vec<CallerUnit>,
    #[serde(default)]
    entitlements: serde_json::Value,
}

#[derive(Debug, Deserialize)]
struct CallerUnit {
    unit_tag: Option<String>,
}

/// The caller's tenants.
pub struct Tenants(Vec<CallerTenant>);

/// The caller's tenants, or `None` when they cannot be listed.
pub async fn of_caller(client: &Client) -> Option<Tenants> {
    match client.get_cached(paths::USER_TENANTS).await {
        Ok(tenants) => Some(Tenants(tenants)),
        Err(e) => {
            tracing::debug!(error = %e, "cannot list the caller's tenants to review the plan");
            None
        }
    }
}

impl CallerTenant {
    fn units(&self) -> impl Iterator<Item = &str> {
        self.tenant_units
            .iter()
            .filter_map(|u| u.unit_tag.as_deref())
    }
}

impl Tenants {
    /// The tenants' tags.
    pub fn tags(&self) -> Vec<&str> {
        self.0
            .iter()
            .filter_map(|t| t.tenant_tag.as_deref())
            .collect()
    }

    /// Every unit an account can be created in: the tenants' units, and
    /// the tenants' own tags (a partner created accounts with one,
    /// observed-api.md row 12).
    pub fn units(&self) -> Vec<&str> {
        let mut units: Vec<&str> = self.0.iter().flat_map(CallerTenant::units).collect();
        units.extend(self.tags());
        units
    }

    /// The tenant a unit (or a tenant's own tag) belongs to; without a
    /// unit, the first tenant (whose first unit Cloudflare then uses).
    pub fn tenant_of(&self, unit: Option<&str>) -> Option<&str> {
        self.0
            .iter()
            .find(|t| {
                unit.is_none_or(|u| t.tenant_tag.as_deref() == Some(u) || t.units().any(|k| k == u))
            })
            .and_then(|t| t.tenant_tag.as_deref())
    }

    /// Whether a member can be added already accepted: `Some(false)` only
    /// when every tenant that says has `allow_auto_accept_invites` off.
    pub fn allow_auto_accept_invites(&self) -> Option<bool> {
        let known: Vec<bool> = self
            .0
            .iter()
            .filter_map(|t| t.entitlements["allow_auto_accept_invites"]["value"].as_bool())
            .collect();
        (!known.is_empty()).then(|| known.iter().any(|allowed| *allowed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_tags_and_entitlements_of_the_callers_tenants() {
        let tenants: Vec<CallerTenant> = serde_json::from_value(serde_json::json!([
            {"tenant_tag": "t1", "tenant_units": [{"unit_tag": "u1"}, {"unit_tag": "u2"}],
             "entitlements": {"allow_auto_accept_invites": {"value": false}}},
            {"tenant_tag": "t2", "tenant_units": null},
        ]))
        .unwrap();
        let tenants = Tenants(tenants);
        assert_eq!(tenants.tags(), ["t1", "t2"]);
        assert_eq!(tenants.units(), ["u1", "u2", "t1", "t2"]);
        assert_eq!(tenants.tenant_of(Some("u2")), Some("t1"));
        assert_eq!(tenants.tenant_of(Some("t2")), Some("t2"));
        assert_eq!(tenants.tenant_of(None), Some("t1"));
        assert_eq!(tenants.tenant_of(Some("elsewhere")), None);
        assert_eq!(tenants.allow_auto_accept_invites(), Some(false));
        assert_eq!(Tenants(Vec::new()).allow_auto_accept_invites(), None);
    }
}
