//! `cftenant_account_dns_settings`: an account's DNS settings
//! (`/accounts/{account_id}/dns_settings`), the defaults Cloudflare gives
//! the account's new zones (`zone_defaults`).
//!
//! The settings always exist, so a create changes them (a PATCH of what the
//! configuration sets) and a destroy returns those it set to Cloudflare's defaults.

use super::dns_settings::{self, ApiSettings, Settings};
use crate::api::{paths, NameserverType};
use crate::checks;
use crate::client::Client;
use crate::diagnostics::{parse_import_id, Context};
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

/// PATCHes the zone defaults that change from `prior` to `planned` (a
/// create passes `Json::Null`), or reads them when nothing does.
async fn write(
    client: &Client,
    prior: &Json,
    mut planned: AccountDnsSettings,
) -> Result<AccountDnsSettings, Diagnostic> {
    let path = paths::account_dns_settings(&planned.account_id);
    let account_id = planned.account_id.clone();
    let api: ApiAccountSettings = match dns_settings::changes(prior, &planned.zone_defaults_json())
    {
        Some(changed) => client
            .patch(&path, &json!({ "zone_defaults": changed }))
            .await
            .context(|| format!("changing the DNS settings of account {account_id}"))?,
        None => client
            .get(&path)
            .await
            .context(|| format!("reading the DNS settings of account {account_id}"))?,
    };
    planned.merge(api);
    Ok(planned)
}

/// A destroy of settings imported and not changed since: nothing records
/// what this configuration set, so nothing is reset.
fn nothing_recorded(account_id: &str) -> Diagnostics {
    let mut diags = Diagnostics::default();
    diags.warning(
        dns_settings::NOTHING_RECORDED,
        format!(
            "The DNS settings of account {account_id} were imported and not changed by an apply since, so nothing records \
             which of them this configuration sets: none was returned to Cloudflare's defaults."
        ),
    );
    diags
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
                dns_settings::managed_settings_attribute(),
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
        mut state: AccountDnsSettings,
    ) -> OpResult<Option<AccountDnsSettings>, AccountDnsSettings> {
        let path = paths::account_dns_settings(&state.account_id);
        let found: Option<ApiAccountSettings> = client
            .get_if_exists(&path)
            .await
            .context(|| format!("reading the DNS settings of account {}", state.account_id))?;
        Ok(found.map(|api| {
            state.merge(api);
            state
        }))
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
        let Some(managed) = &state.managed_settings else {
            return Ok(nothing_recorded(&state.account_id));
        };
        let defaults = json!({ "zone_defaults": dns_settings::defaults() });
        let Some(body) = dns_settings::only(&defaults, managed) else {
            return Ok(Diagnostics::default());
        };
        let path = paths::account_dns_settings(&state.account_id);
        match client.patch::<_, Json>(&path, &body).await {
            // The account is gone, and its settings with it.
            Err(e) if e.is_not_found() => Ok(Diagnostics::default()),
            other => {
                other.context(|| {
                    format!(
                        "returning the DNS settings of account {} to Cloudflare's defaults",
                        state.account_id
                    )
                })?;
                Ok(Diagnostics::default())
            }
        }
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
