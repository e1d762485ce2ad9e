//! `cftenant_account_dns_settings`: an account's DNS settings
//! (`/accounts/{account_id}/dns_settings`), the defaults Cloudflare gives
//! the account's new zones (`zone_defaults`).
//!
//! The settings always exist, so a create changes them (a PATCH of what the
//! configuration sets) and a destroy returns those it set to Cloudflare's defaults.

use super::dns_settings::{self, ApiSettings, DnsSettingsResource, Owner, Scope, Settings};
use crate::api::{paths, NameserverType};
use crate::checks;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use tfplugin::schema::{Attribute, Nesting, Schema};
use tfplugin::value::Type;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct AccountDnsSettings {
    pub id: Option<String>,
    pub account_id: String,
    pub zone_defaults: Option<ZoneDefaults>,
    pub managed_settings: Option<Vec<String>>,
}

/// What the account's new zones get.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ZoneDefaults {
    #[serde(flatten)]
    pub settings: Settings,
    pub nameservers: Option<Nameservers>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Nameservers {
    #[serde(rename = "type")]
    pub kind: Option<NameserverType>,
}

/// The account's settings as the API answers them (`enforce_dns_only` is
/// not managed).
#[derive(Debug, Default, Deserialize)]
pub struct ApiAccountSettings {
    zone_defaults: Option<ApiSettings>,
}

/// `resource "cftenant_account_dns_settings"`.
pub type AccountDnsSettingsResource = DnsSettingsResource<AccountDnsSettings>;

impl Scope for AccountDnsSettings {
    const TYPE_NAME: &'static str = "cftenant_account_dns_settings";
    const ID_ATTRIBUTE: &'static str = "account_id";
    type Api = ApiAccountSettings;

    fn schema() -> Schema {
        let mut zone_defaults = dns_settings::attributes();
        zone_defaults.push(
            Attribute::optional_computed(
                "nameservers",
                Type::String,
                "The nameservers of new zones.",
            )
            .nested(
                Nesting::Single,
                vec![dns_settings::nameserver_type(NameserverType::OF_ACCOUNT)],
            ),
        );
        Schema::new(
            "An account's DNS settings: the defaults Cloudflare gives the account's new zones. The settings always exist: \
             creating this resource changes those it configures, and each setting left out keeps the value Cloudflare has \
             (removing one from the configuration keeps its value, and once applied stops a destroy from resetting it: Terraform gives a destroy no configuration, only what the last apply recorded). Destroying this resource returns the settings the configuration set as of its last apply (`managed_settings`) to Cloudflare's defaults and leaves the others as they are; `removed { lifecycle { destroy = false } }` keeps them all.",
            vec![
                Attribute::computed("id", Type::String, "Same as `account_id`."),
                Attribute::required("account_id", Type::String, "The account whose settings these are.")
                    .check(checks::ID32)
                    .replaces(),
                Attribute::optional_computed(
                    "zone_defaults",
                    Type::String,
                    "The settings new zones of the account get. Each left out keeps its value.",
                )
                .nested(Nesting::Single, zone_defaults),
                dns_settings::managed_settings_attribute(
            "The settings the configuration sets, as of its last apply (e.g. `zone_defaults.soa.ttl`): those a destroy returns to \
             Cloudflare's defaults, unless another object set them in the same run (a replace with `create_before_destroy`). \
             Null after an import until an apply changes a setting (a destroy before then leaves every setting as it is); \
             from that apply on it lists each setting the configuration sets, the imported values too.",
        ),
            ],
        )
    }

    fn imported(account_id: &str) -> Self {
        AccountDnsSettings {
            id: Some(account_id.to_string()),
            account_id: account_id.to_string(),
            zone_defaults: None,
            managed_settings: None,
        }
    }

    fn owner(&self) -> Owner<'_> {
        Owner {
            kind: "account",
            id: &self.account_id,
            path: paths::account_dns_settings(&self.account_id),
        }
    }

    fn managed(&self) -> Option<&[String]> {
        self.managed_settings.as_deref()
    }

    fn settings_json(&self) -> Json {
        serde_json::to_value(&self.zone_defaults).unwrap_or(Json::Null)
    }

    fn body(zone_defaults: Json) -> Json {
        json!({ "zone_defaults": zone_defaults })
    }

    fn merge(&mut self, api: ApiAccountSettings) {
        let api = api.zone_defaults.unwrap_or_default();
        self.id = Some(self.account_id.clone());
        self.zone_defaults = Some(ZoneDefaults {
            settings: Settings::read(&api),
            nameservers: Some(Nameservers {
                kind: api.nameservers.and_then(|ns| ns.kind),
            }),
        });
    }
}
