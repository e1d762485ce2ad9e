//! `data "cftenant_tenant_custom_nameservers"`: the custom nameservers of a
//! tenant (`GET /tenants/{tenant_tag}/custom_ns`, a single-page list).

use crate::api::nameservers::{ApiNameserver, DnsRecord};
use crate::api::paths;
use crate::client::Client;
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostics;
use tfplugin::resource::DataSource;
use tfplugin::schema::{Attribute, Check, Nesting, Schema};
use tfplugin::value::Type;

pub struct TenantCustomNameserversDataSource;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TenantCustomNameservers {
    pub tenant_id: String,
    pub custom_nameservers: Option<Vec<Nameserver>>,
}

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

#[async_trait]
impl DataSource for TenantCustomNameserversDataSource {
    type Client = Client;
    type Model = TenantCustomNameservers;
    const TYPE_NAME: &'static str = "cftenant_tenant_custom_nameservers";

    fn schema() -> Schema {
        Schema::new(
            "Lists the custom nameservers of a tenant, with the addresses Cloudflare gives them.",
            vec![
                Attribute::required("tenant_id", Type::String, "The tenant's id (`tenant_tag`).")
                    .check(Check::NotEmpty),
                Attribute::computed(
                    "custom_nameservers",
                    Type::String,
                    "The tenant's custom nameservers, in the API's order.",
                )
                .nested(
                    Nesting::List,
                    vec![
                        Attribute::computed("ns_name", Type::String, "The nameserver's hostname."),
                        Attribute::computed("ns_set", Type::Number, "Its set (1 to 5)."),
                        Attribute::computed(
                            "zone_tag",
                            Type::String,
                            "Id of the zone it lies under.",
                        ),
                        Attribute::computed(
                            "status",
                            Type::String,
                            "`pending`, `verified` or `moved` (deprecated by Cloudflare).",
                        ),
                        Attribute::computed("dns_records", Type::String, "Its addresses.").nested(
                            Nesting::List,
                            vec![
                                Attribute::computed("type", Type::String, "`A` or `AAAA`."),
                                Attribute::computed("value", Type::String, "The address."),
                            ],
                        ),
                    ],
                ),
            ],
        )
    }

    async fn read(
        &self,
        client: &Client,
        config: TenantCustomNameservers,
    ) -> Result<TenantCustomNameservers, Diagnostics> {
        let id = config.tenant_id;
        let all: Vec<ApiNameserver> = client
            .get(&paths::tenant_custom_nameservers(&id))
            .await
            .context(|| format!("listing the custom nameservers of tenant {id:?}"))?;
        Ok(TenantCustomNameservers {
            tenant_id: id,
            custom_nameservers: Some(all.into_iter().map(Nameserver::from).collect()),
        })
    }
}
