//! `data "cftenant_tenant_custom_nameservers"`: the custom nameservers of a
//! tenant (`GET /tenants/{tenant_tag}/custom_ns`, a single-page list).

use super::listing::{Listing, Parent};
use crate::api::nameservers::{ApiNameserver, DnsRecord};
use crate::api::paths;
use crate::client::Client;
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostic;
use tfplugin::schema::{Attribute, Nesting};
use tfplugin::value::Type;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Nameserver {
    pub ns_name: String,
    pub ns_set: Option<i64>,
    pub zone_tag: Option<String>,
    pub status: Option<String>,
    pub dns_records: Vec<DnsRecord>,
}

impl From<ApiNameserver> for Nameserver {
    fn from(ns: ApiNameserver) -> Nameserver {
        Nameserver {
            ns_name: ns.ns_name,
            ns_set: ns.ns_set,
            zone_tag: ns.zone_tag.map(String::from),
            status: ns.status,
            dns_records: ns.dns_records,
        }
    }
}

/// `data "cftenant_tenant_custom_nameservers"`.
pub struct TenantCustomNameservers;

#[async_trait]
impl Listing for TenantCustomNameservers {
    const TYPE_NAME: &'static str = "cftenant_tenant_custom_nameservers";
    const DESCRIPTION: &'static str =
        "Lists the custom nameservers of a tenant, with the addresses Cloudflare gives them.";
    const PARENT: Parent = Parent::Tenant;
    const LIST: &'static str = "custom_nameservers";
    type Item = Nameserver;

    fn list_attribute() -> Attribute {
        let record = vec![
            Attribute::computed("type", Type::String, "`A` or `AAAA`."),
            Attribute::computed("value", Type::String, "The address."),
        ];
        Attribute::computed(
            Self::LIST,
            Type::String,
            "The tenant's custom nameservers, in the API's order.",
        )
        .nested(
            Nesting::List,
            vec![
                Attribute::computed("ns_name", Type::String, "The nameserver's hostname."),
                Attribute::computed("ns_set", Type::Number, "Its set (1 to 5)."),
                Attribute::computed("zone_tag", Type::String, "Id of the zone it lies under."),
                Attribute::computed(
                    "status",
                    Type::String,
                    "`pending`, `verified` or `moved` (deprecated by Cloudflare).",
                ),
                Attribute::computed("dns_records", Type::String, "Its addresses.")
                    .nested(Nesting::List, record),
            ],
        )
    }

    async fn list(client: &Client, tenant: &str) -> Result<Vec<Nameserver>, Diagnostic> {
        // A tenant without custom nameservers may be answered as `null`.
        let all: Option<Vec<ApiNameserver>> = client
            .get(&paths::tenant_custom_nameservers(tenant))
            .await
            .context(|| format!("listing the custom nameservers of tenant {tenant:?}"))?;
        Ok(all.into_iter().flatten().map(Nameserver::from).collect())
    }
}
