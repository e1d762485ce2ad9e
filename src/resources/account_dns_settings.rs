//! `cftenant_account_dns_settings`: an account's DNS settings
//! (`/accounts/{account_id}/dns_settings`), the defaults Cloudflare gives
//! the account's new zones (`zone_defaults`).
//!
//! The settings always exist, so a create changes them (a PATCH of what the
//! configuration sets) and a destroy returns those it set to Cloudflare's defaults.

use super::dns_settings::{self, ApiSettings, Owner, Settings};
use crate::api::{paths, NameserverType};
use crate::checks;
use crate::client::Client;
use crate::diagnostics::parse_import_id;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use tfplugin::diag::{Diagnostic, Diagnostics};
use tfplugin::resource::{import_by_reading, Imported, OpResult, Resource};
use tfplugin::schema::{Attribute, Nesting, Schema};
use tfplugin::value::Type;

pub struct AccountDnsSettingsResource;

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
struct ApiAccountSettings {
    zone_defaults: Option<ApiSettings>,
}

impl AccountDnsSettings {
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

    /// The zone defaults as a PATCH body's `zone_defaults` (null where unset).
    fn zone_defaults_json(&self) -> Json {
        serde_json::to_value(&self.zone_defaults).unwrap_or(Json::Null)
    }
}

fn owner(account_id: &str) -> Owner<'_> {
    Owner {
        kind: "account",
        id: account_id,
        path: paths::account_dns_settings(account_id),
    }
}

/// PATCHes the zone defaults that change from `prior` to `planned` (a
/// create passes `Json::Null`), or reads them when nothing does.
async fn write(
    client: &Client,
    prior: &Json,
    mut planned: AccountDnsSettings,
) -> Result<AccountDnsSettings, Diagnostic> {
    let changed = dns_settings::changes(prior, &planned.zone_defaults_json())
        .map(|changed| json!({ "zone_defaults": changed }));
    let managed = planned.managed_settings.as_deref();
    let api = owner(&planned.account_id)
        .write(client, changed, managed)
        .await?;
    planned.merge(api);
    Ok(planned)
}

#[async_trait]
impl Resource for AccountDnsSettingsResource {
    type Client = Client;
    type Model = AccountDnsSettings;
    const TYPE_NAME: &'static str = "cftenant_account_dns_settings";

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
             (removing one from the configuration keeps its value, and stops a destroy from resetting it). Destroying this resource returns the settings the configuration sets (`managed_settings`) to Cloudflare's defaults and leaves the others as they are; `removed { lifecycle { destroy = false } }` keeps them all.",
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
             Null for settings imported and not changed since, which a destroy leaves as they are.",
        ),
            ],
        )
    }

    async fn create(
        &self,
        client: &Client,
        planned: AccountDnsSettings,
    ) -> OpResult<AccountDnsSettings, AccountDnsSettings> {
        Ok(write(client, &Json::Null, planned).await?)
    }

    async fn read(
        &self,
        client: &Client,
        state: AccountDnsSettings,
    ) -> OpResult<Option<AccountDnsSettings>, AccountDnsSettings> {
        let found: Option<ApiAccountSettings> = owner(&state.account_id).read(client).await?;
        Ok(super::read_back(state, found, AccountDnsSettings::merge))
    }

    async fn update(
        &self,
        client: &Client,
        prior: AccountDnsSettings,
        planned: AccountDnsSettings,
    ) -> OpResult<AccountDnsSettings, AccountDnsSettings> {
        Ok(write(client, &prior.zone_defaults_json(), planned).await?)
    }

    async fn delete(
        &self,
        client: &Client,
        state: AccountDnsSettings,
    ) -> OpResult<Diagnostics, AccountDnsSettings> {
        let defaults = json!({ "zone_defaults": dns_settings::defaults() });
        let managed = state.managed_settings.as_deref();
        Ok(owner(&state.account_id)
            .reset(client, &defaults, managed)
            .await?)
    }

    async fn import(
        &self,
        client: &Client,
        id: &str,
    ) -> OpResult<Imported<AccountDnsSettings>, AccountDnsSettings> {
        let [account_id] = parse_import_id(Self::TYPE_NAME, id, ["account_id"])?;
        let state = AccountDnsSettings {
            id: Some(account_id.to_string()),
            account_id: account_id.to_string(),
            zone_defaults: None,
            managed_settings: None,
        };
        import_by_reading(
            self,
            client,
            state,
            &format!("account with id {account_id}"),
        )
        .await
    }
}
