//! `data "cftenant_zones"`: the zones the credentials can see, narrowed by
//! account, name or status (`GET /zones`, every page), so that a zone's id
//! is looked up rather than hard-coded.

use crate::api::zones::ApiZone;
use crate::api::{paths::ZONES, ZoneStatus, ZoneType};
use crate::checks::{self, DOMAIN_NAME};
use crate::client::Client;
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostics;
use tfplugin::resource::DataSource;
use tfplugin::schema::{Attribute, Check, Nesting, Schema};
use tfplugin::value::Type;

/// The filters and what they found.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Zones {
    pub account_id: Option<String>,
    pub name: Option<String>,
    pub status: Option<ZoneStatus>,
    pub zones: Option<Vec<ListedZone>>,
}

/// One zone, as the state holds it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ListedZone {
    pub id: Option<String>,
    pub name: Option<String>,
    pub account_id: Option<String>,
    pub status: Option<ZoneStatus>,
    #[serde(rename = "type")]
    pub zone_type: Option<ZoneType>,
    pub paused: Option<bool>,
    pub name_servers: Option<Vec<String>>,
    pub created_on: Option<String>,
}

/// The largest page `GET /zones` serves.
const PER_PAGE: u32 = 50;

impl Zones {
    /// The filters, as `GET /zones` takes them.
    fn query(&self) -> Vec<(&'static str, String)> {
        [
            ("account.id", self.account_id.clone()),
            ("name", self.name.clone()),
            (
                "status",
                self.status.as_ref().map(|s| s.as_str().to_string()),
            ),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
    }

    /// Whether a zone passes the filters. The API filters too; this keeps a
    /// server that ignores a filter from widening the answer.
    fn admits(&self, zone: &ApiZone) -> bool {
        self.account_id
            .as_ref()
            .is_none_or(|want| zone.account.as_ref().is_some_and(|a| a.id == *want))
            && self
                .name
                .as_ref()
                .is_none_or(|want| zone.name.eq_ignore_ascii_case(want))
            && self
                .status
                .as_ref()
                .is_none_or(|want| zone.status.as_ref() == Some(want))
    }
}

/// `data "cftenant_zones"`.
pub struct ZonesDataSource;

#[async_trait]
impl DataSource for ZonesDataSource {
    type Client = Client;
    type Model = Zones;
    const TYPE_NAME: &'static str = "cftenant_zones";

    fn schema() -> Schema {
        Schema::new(
            "Lists the zones the credentials can see (all pages), narrowed by `account_id`, `name` and `status`; with none, \
             every zone. Look a zone up by name, e.g. `one(data.cftenant_zones.x.zones).id`.",
            vec![
                Attribute::optional("account_id", Type::String, "Only the zones of this account.").check(checks::ID32),
                Attribute::optional("name", Type::String, "Only the zone of this domain (a lowercase domain name, as Cloudflare stores it).")
                    .check(DOMAIN_NAME),
                Attribute::optional("status", Type::String, "Only the zones in this status.").check(Check::OneOf(ZoneStatus::WORDS)),
                Attribute::computed("zones", Type::String, "The zones found, in the API's order.").nested(
                    Nesting::List,
                    vec![
                        Attribute::computed("id", Type::String, "The zone's id: what `terraform import cftenant_zone.<name> <id>` takes."),
                        Attribute::computed("name", Type::String, "The domain."),
                        Attribute::computed("account_id", Type::String, "The account that owns the zone."),
                        Attribute::computed("status", Type::String, "`initializing`, `pending`, `active` or `moved`."),
                        Attribute::computed("type", Type::String, "`full`, `partial`, `secondary` or `internal`."),
                        Attribute::computed("paused", Type::Bool, "Whether Cloudflare only serves DNS for the zone."),
                        Attribute::computed("name_servers", Type::list(Type::String), "The Cloudflare nameservers assigned to the zone (none for a `partial` zone)."),
                        Attribute::computed("created_on", Type::String, "When the zone was created (RFC 3339)."),
                    ],
                ),
            ],
        )
    }

    async fn read(&self, client: &Client, mut config: Zones) -> Result<Zones, Diagnostics> {
        let found: Vec<ApiZone> = client
            .list_all(ZONES, &config.query(), PER_PAGE)
            .await
            .context(|| "listing zones".to_string())?;
        let zones = found
            .into_iter()
            .filter(|z| config.admits(z))
            .map(|z| ListedZone {
                id: Some(z.id),
                name: Some(z.name),
                account_id: z.account.map(|a| a.id),
                status: z.status,
                zone_type: z.zone_type,
                paused: z.paused,
                name_servers: Some(z.name_servers),
                created_on: z.created_on,
            })
            .collect();
        config.zones = Some(zones);
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn zone(name: &str, account: &str, status: &str) -> ApiZone {
        serde_json::from_value(json!({
            "id": "0123456789abcdef0123456789abcdef", "name": name,
            "account": {"id": account}, "status": status, "type": "full"
        }))
        .unwrap()
    }

    #[test]
    fn filters_go_to_the_api_and_are_held_to_the_answer() {
        let a = "0123456789abcdef0123456789abcde0";
        let b = "0123456789abcdef0123456789abcde1";
        let config = Zones {
            account_id: Some(a.into()),
            name: Some("Example.com".into()),
            status: Some(ZoneStatus::Active),
            zones: None,
        };
        assert_eq!(
            config.query(),
            [
                ("account.id", a.to_string()),
                ("name", "Example.com".to_string()),
                ("status", "active".to_string())
            ]
        );
        assert!(config.admits(&zone("example.com", a, "active")));
        assert!(!config.admits(&zone("example.com", b, "active")));
        assert!(!config.admits(&zone("example.org", a, "active")));
        assert!(!config.admits(&zone("example.com", a, "pending")));
        assert!(Zones::default().query().is_empty());
        assert!(Zones::default().admits(&zone("example.org", b, "moved")));
    }
}
