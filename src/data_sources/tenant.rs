//! `data "cftenant_tenant"`: the tenant itself (`GET /tenants/{tenant_id}`),
//! with every field named as in the API's JSON. The untyped parts of the
//! API object (`tenant_network`, `unit_metadata`, `unit_memberships`) are
//! given as JSON-encoded strings, so no information is lost.

use crate::api::paths;
use crate::client::Client;
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostics;
use tfplugin::resource::DataSource;
use tfplugin::schema::{Attribute, Check, Nesting, Schema};
use tfplugin::value::Type;

pub struct TenantDataSource;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Tenant {
    pub tenant_id: String,
    pub tenant_tag: Option<String>,
    pub tenant_name: Option<String>,
    pub tenant_type: Option<String>,
    pub tenant_status: Option<String>,
    pub tenant_labels: Option<Vec<String>>,
    pub tenant_contacts: Option<Contacts>,
    pub tenant_metadata: Option<Metadata>,
    pub tenant_network: Option<String>,
    pub tenant_units: Option<Vec<Unit>>,
    pub customer_id: Option<String>,
    pub cdate: Option<String>,
    pub edate: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Contacts {
    pub email: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Metadata {
    pub dns: Option<Dns>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Dns {
    pub ns_pool: Option<NsPool>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct NsPool {
    pub primary: Option<String>,
    pub secondary: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Unit {
    pub unit_tag: Option<String>,
    pub unit_name: Option<String>,
    pub unit_status: Option<String>,
    pub unit_metadata: Option<String>,
    pub unit_memberships: Option<String>,
}

fn computed(name: &'static str, ty: Type, d: &'static str) -> Attribute {
    Attribute::computed(name, ty, d)
}

#[derive(Debug, Deserialize)]
struct ApiTenant {
    #[serde(deserialize_with = "crate::api::checked_tag")]
    tenant_tag: String,
    tenant_name: Option<String>,
    tenant_type: Option<String>,
    tenant_status: Option<String>,
    #[serde(default)]
    tenant_labels: Option<Vec<String>>,
    tenant_contacts: Option<Contacts>,
    tenant_metadata: Option<Metadata>,
    #[serde(default)]
    tenant_network: serde_json::Value,
    #[serde(default, deserialize_with = "crate::client::null_as_empty")]
    tenant_units: Vec<ApiUnit>,
    customer_id: Option<String>,
    cdate: Option<String>,
    edate: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ApiUnit {
    #[serde(deserialize_with = "crate::api::checked_tag")]
    unit_tag: String,
    unit_name: Option<String>,
    unit_status: Option<String>,
    #[serde(default)]
    unit_metadata: serde_json::Value,
    #[serde(default)]
    unit_memberships: serde_json::Value,
}

/// Untyped API JSON as a string attribute; null stays null.
pub(crate) fn json_string(v: serde_json::Value) -> Option<String> {
    (!v.is_null()).then(|| v.to_string())
}

#[async_trait]
impl DataSource for TenantDataSource {
    type Client = Client;
    type Model = Tenant;
    const TYPE_NAME: &'static str = "cftenant_tenant";

    fn schema() -> Schema {
        let ns_pool = computed("ns_pool", Type::String, "Nameserver pool of the tenant.").nested(
            Nesting::Single,
            vec![
                computed("primary", Type::String, "Primary nameserver pool."),
                computed("secondary", Type::String, "Secondary nameserver pool."),
            ],
        );
        Schema::new(
            "Reads a tenant: its name, status, contacts, nameserver pool and units. Unit tags (`tenant_units[*].unit_tag`) are what `cftenant_account.unit_id` takes.",
            vec![
                Attribute::required("tenant_id", Type::String, "The tenant's id (`tenant_tag`).").check(Check::NotEmpty),
                computed("tenant_tag", Type::String, "The tenant's id."),
                computed("tenant_name", Type::String, "The tenant's name."),
                computed("tenant_type", Type::String, "The tenant's type."),
                computed("tenant_status", Type::String, "The tenant's status."),
                computed("tenant_labels", Type::list(Type::String), "Labels of the tenant."),
                computed("tenant_contacts", Type::String, "Contacts of the tenant.").nested(
                    Nesting::Single,
                    vec![computed("email", Type::String, "Contact email."), computed("website", Type::String, "Website.")],
                ),
                computed("tenant_metadata", Type::String, "Metadata of the tenant.").nested(
                    Nesting::Single,
                    vec![computed("dns", Type::String, "DNS metadata.").nested(Nesting::Single, vec![ns_pool])],
                ),
                computed("tenant_network", Type::String, "Network settings of the tenant, as a JSON-encoded string (the API leaves them untyped)."),
                computed("tenant_units", Type::String, "Units of the tenant; accounts are created in a unit.").nested(
                    Nesting::List,
                    vec![
                        computed("unit_tag", Type::String, "The unit's id: what `cftenant_account.unit_id` takes."),
                        computed("unit_name", Type::String, "The unit's name."),
                        computed("unit_status", Type::String, "The unit's status."),
                        computed("unit_metadata", Type::String, "The unit's metadata, as a JSON-encoded string."),
                        computed("unit_memberships", Type::String, "The unit's memberships, as a JSON-encoded string."),
                    ],
                ),
                computed("customer_id", Type::String, "Customer id of the tenant, if any."),
                computed("cdate", Type::String, "When the tenant was created."),
                computed("edate", Type::String, "When the tenant was last edited."),
            ],
        )
    }

    async fn read(&self, client: &Client, config: Tenant) -> Result<Tenant, Diagnostics> {
        let id = config.tenant_id;
        let t: ApiTenant = client
            .get(&paths::tenant(&id))
            .await
            .context(|| format!("reading tenant {id:?}"))?;
        Ok(Tenant {
            tenant_id: id,
            tenant_tag: Some(t.tenant_tag),
            tenant_name: t.tenant_name,
            tenant_type: t.tenant_type,
            tenant_status: t.tenant_status,
            tenant_labels: t.tenant_labels,
            tenant_contacts: t.tenant_contacts,
            tenant_metadata: t.tenant_metadata,
            tenant_network: json_string(t.tenant_network),
            tenant_units: Some(
                t.tenant_units
                    .into_iter()
                    .map(|u| Unit {
                        unit_tag: Some(u.unit_tag),
                        unit_name: u.unit_name,
                        unit_status: u.unit_status,
                        unit_metadata: json_string(u.unit_metadata),
                        unit_memberships: json_string(u.unit_memberships),
                    })
                    .collect(),
            ),
            customer_id: t.customer_id,
            cdate: t.cdate,
            edate: t.edate,
        })
    }
}
