//! `data "cftenant_tenant_entitlements"`: what the tenant is entitled to
//! (`GET /tenants/{tenant_id}/entitlements`).
//!
//! The API wraps every entitlement in an allocation object
//! `{ "type": …, "value": … }`. For the five fixed entitlements the type never
//! varies (`bool`, or `max_count` for `mhs_certificate_count`), so they are
//! flattened to their value: configurations write
//! `data.cftenant_tenant_entitlements.x.partial_setup_allowed` rather than
//! `….partial_setup_allowed.value`. Custom entitlements keep their type,
//! because it tells how to read the value.

use crate::api::paths;
use crate::client::Client;
use crate::data_sources::tenant::json_string;
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostics;
use tfplugin::resource::DataSource;
use tfplugin::schema::{Attribute, Check, Nesting, Schema};
use tfplugin::value::Type;

pub struct TenantEntitlementsDataSource;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TenantEntitlements {
    pub tenant_id: String,
    pub allow_add_subdomain: Option<bool>,
    pub allow_auto_accept_invites: Option<bool>,
    pub cname_setup_allowed: Option<bool>,
    pub partial_setup_allowed: Option<bool>,
    pub mhs_certificate_count: Option<serde_json::Number>,
    pub custom_entitlements: Option<Vec<CustomEntitlement>>,
}

#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomEntitlement {
    pub feature_key: Option<String>,
    pub allocation_type: Option<String>,
    pub allocation_value: Option<String>,
}

/// The description of a fixed entitlement, saying that it is flattened.
macro_rules! flattened {
    ($what:literal) => {
        concat!($what, " Flattened: the `value` of the API's `{type, value}` allocation, whose type never varies for this entitlement.")
    };
}

/// An allocation whose type is fixed by the field it is in: only its value matters.
#[derive(Debug, Deserialize)]
struct FixedAllocation<T> {
    value: Option<T>,
}

#[derive(Debug, Deserialize)]
struct ApiEntitlements {
    allow_add_subdomain: Option<FixedAllocation<bool>>,
    allow_auto_accept_invites: Option<FixedAllocation<bool>>,
    cname_setup_allowed: Option<FixedAllocation<bool>>,
    partial_setup_allowed: Option<FixedAllocation<bool>>,
    mhs_certificate_count: Option<FixedAllocation<serde_json::Number>>,
    custom_entitlements: Option<Vec<ApiCustomEntitlement>>,
}

#[derive(Debug, Deserialize)]
struct ApiCustomEntitlement {
    feature: Option<ApiFeature>,
    allocation: Option<ApiAllocation>,
}

#[derive(Debug, Deserialize)]
struct ApiFeature {
    key: Option<String>,
}

/// An allocation of any type: its value is untyped JSON.
#[derive(Debug, Deserialize)]
struct ApiAllocation {
    #[serde(rename = "type")]
    allocation_type: Option<String>,
    #[serde(default)]
    value: serde_json::Value,
}

fn flatten<T>(allocation: Option<FixedAllocation<T>>) -> Option<T> {
    allocation.and_then(|a| a.value)
}

fn custom_entitlement(api: ApiCustomEntitlement) -> CustomEntitlement {
    let (allocation_type, value) = match api.allocation {
        Some(a) => (a.allocation_type, a.value),
        None => (None, serde_json::Value::Null),
    };
    CustomEntitlement {
        feature_key: api.feature.and_then(|f| f.key),
        allocation_type,
        allocation_value: json_string(value),
    }
}

#[async_trait]
impl DataSource for TenantEntitlementsDataSource {
    type Client = Client;
    type Model = TenantEntitlements;
    const TYPE_NAME: &'static str = "cftenant_tenant_entitlements";

    fn schema() -> Schema {
        Schema::new(
            "Reads the entitlements of a tenant: whether accounts may add subdomains, auto-accept invitations, \
             use CNAME or partial zone setups, how many certificates they may hold, and any custom entitlements. \
             The API wraps each entitlement in a `{type, value}` allocation; the fixed entitlements are flattened \
             to their value (e.g. `partial_setup_allowed = true`), custom ones keep their type next to a \
             JSON-encoded value.",
            vec![
                Attribute::required("tenant_id", Type::String, "The tenant's id (`tenant_tag`).").check(Check::NotEmpty),
                Attribute::computed(
                    "allow_add_subdomain",
                    Type::Bool,
                    flattened!("Whether the tenant's accounts may add subdomains as zones."),
                ),
                Attribute::computed(
                    "allow_auto_accept_invites",
                    Type::Bool,
                    flattened!("Whether members can be added to the tenant's accounts as `accepted`, without an invitation."),
                ),
                Attribute::computed(
                    "cname_setup_allowed",
                    Type::Bool,
                    flattened!("Whether zones may use a CNAME setup."),
                ),
                Attribute::computed(
                    "partial_setup_allowed",
                    Type::Bool,
                    flattened!("Whether zones may be created with `type = \"partial\"`."),
                ),
                Attribute::computed(
                    "mhs_certificate_count",
                    Type::Number,
                    flattened!("The maximum number of certificates the `mhs_certificate_count` entitlement allows (a `max_count`)."),
                ),
                Attribute::computed(
                    "custom_entitlements",
                    Type::String,
                    "Entitlements beyond the fixed ones, in the API's order; empty when the tenant has none (the API may send null).",
                )
                .nested(
                    Nesting::List,
                    vec![
                        Attribute::computed("feature_key", Type::String, "The feature's key (`feature.key`)."),
                        Attribute::computed(
                            "allocation_type",
                            Type::String,
                            "The allocation's type: `bool`, `max_count`, or `\"\"` for an allocation without a value.",
                        ),
                        Attribute::computed(
                            "allocation_value",
                            Type::String,
                            "The allocation's value, JSON-encoded so that its type survives: `\"true\"` for a bool, \
                             `\"5\"` for a count; null when the API gives no value. Use `jsondecode()` to get the value.",
                        ),
                    ],
                ),
            ],
        )
    }

    async fn read(
        &self,
        client: &Client,
        config: TenantEntitlements,
    ) -> Result<TenantEntitlements, Diagnostics> {
        let id = config.tenant_id;
        let e: ApiEntitlements = client
            .get(&paths::tenant_entitlements(&id))
            .await
            .context(|| format!("reading the entitlements of tenant {id:?}"))?;
        Ok(TenantEntitlements {
            tenant_id: id,
            allow_add_subdomain: flatten(e.allow_add_subdomain),
            allow_auto_accept_invites: flatten(e.allow_auto_accept_invites),
            cname_setup_allowed: flatten(e.cname_setup_allowed),
            partial_setup_allowed: flatten(e.partial_setup_allowed),
            mhs_certificate_count: flatten(e.mhs_certificate_count),
            custom_entitlements: Some(
                e.custom_entitlements
                    .unwrap_or_default()
                    .into_iter()
                    .map(custom_entitlement)
                    .collect(),
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn custom(api: serde_json::Value) -> CustomEntitlement {
        custom_entitlement(serde_json::from_value(api).unwrap())
    }

    fn expected(key: &str, ty: &str, value: Option<&str>) -> CustomEntitlement {
        CustomEntitlement {
            feature_key: Some(key.into()),
            allocation_type: Some(ty.into()),
            allocation_value: value.map(str::to_string),
        }
    }

    #[test]
    fn allocation_values_keep_their_json_type() {
        assert_eq!(
            custom(
                json!({"feature": {"key": "workers"}, "allocation": {"type": "bool", "value": true}})
            ),
            expected("workers", "bool", Some("true"))
        );
        assert_eq!(
            custom(
                json!({"feature": {"key": "max_accounts"}, "allocation": {"type": "max_count", "value": 5}})
            ),
            expected("max_accounts", "max_count", Some("5"))
        );
        assert_eq!(
            custom(
                json!({"feature": {"key": "label"}, "allocation": {"type": "", "value": "true"}})
            ),
            expected("label", "", Some("\"true\""))
        );
    }

    #[test]
    fn null_or_missing_allocation_value_is_null_not_the_string_null() {
        assert_eq!(
            custom(
                json!({"feature": {"key": "legacy"}, "allocation": {"type": "", "value": null}})
            ),
            expected("legacy", "", None)
        );
        assert_eq!(
            custom(json!({"feature": {"key": "legacy"}, "allocation": {"type": ""}})),
            expected("legacy", "", None)
        );
        assert_eq!(
            custom(json!({"feature": {"key": "bare"}})),
            CustomEntitlement {
                feature_key: Some("bare".into()),
                ..Default::default()
            }
        );
    }

    #[test]
    fn fixed_allocations_flatten_to_their_value() {
        let e: ApiEntitlements = serde_json::from_value(json!({
            "allow_add_subdomain": {"type": "bool", "value": false},
            "mhs_certificate_count": {"type": "max_count", "value": 100},
            "custom_entitlements": null
        }))
        .unwrap();
        assert_eq!(flatten(e.allow_add_subdomain), Some(false));
        assert_eq!(
            flatten(e.mhs_certificate_count),
            Some(serde_json::Number::from(100))
        );
        assert_eq!(flatten(e.cname_setup_allowed), None);
        assert!(e.custom_entitlements.is_none());
    }
}
