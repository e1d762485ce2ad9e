//! `data "cftenant_account"`: one account, its settings included
//! (`GET /accounts/{account_id}`).
//!
//! Recorded answers have given settings as `null` and left `managed_by` out
//! for an account outside a tenant (observed-api.md row 3): those read as
//! null. An answer without the account's id or name is an error.

use crate::api::accounts::{ApiAccount, ManagedBy};
use crate::api::{paths, AccountType, Tag};
use crate::checks;
use crate::client::Client;
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostics;
use tfplugin::resource::DataSource;
use tfplugin::schema::{Attribute, Nesting, Schema};
use tfplugin::value::{AttrPath, Type};

/// The account, as the state holds it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Account {
    pub account_id: String,
    pub id: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub account_type: Option<AccountType>,
    pub created_on: Option<String>,
    pub unit_id: Option<String>,
    pub managed_by: Option<ManagedBy>,
    pub enforce_twofactor: Option<bool>,
    pub api_access_enabled: Option<bool>,
    pub abuse_contact_email: Option<String>,
}

/// `data "cftenant_account"`.
pub struct AccountDataSource;

#[async_trait]
impl DataSource for AccountDataSource {
    type Client = Client;
    type Model = Account;
    const TYPE_NAME: &'static str = "cftenant_account";

    fn schema() -> Schema {
        Schema::new(
            "Reads one account, its settings included, whether or not this configuration manages it.",
            vec![
                Attribute::required("account_id", Type::String, "The account's id.").check(checks::ID32),
                Attribute::computed("id", Type::String, "The account's id, as the API gives it."),
                Attribute::computed("name", Type::String, "The account's name."),
                Attribute::computed("type", Type::String, "`standard` or `enterprise`."),
                Attribute::computed("created_on", Type::String, "When the account was created (RFC 3339)."),
                Attribute::computed("unit_id", Type::String, "The tenant unit the account is in (`managed_by.parent_org_id`); null outside a tenant."),
                Attribute::computed("managed_by", Type::String, "The tenant unit that manages the account; null outside a tenant.").nested(
                    Nesting::Single,
                    vec![
                        Attribute::computed("parent_org_id", Type::String, "The unit's id."),
                        Attribute::computed("parent_org_name", Type::String, "The unit's name."),
                    ],
                ),
                Attribute::computed("enforce_twofactor", Type::Bool, "Whether members must use two-factor authentication (`settings.enforce_twofactor`)."),
                Attribute::computed("api_access_enabled", Type::Bool, "Whether API access is enabled (`settings.api_access_enabled`); null where the API does not say."),
                Attribute::computed("abuse_contact_email", Type::String, "Where Cloudflare sends abuse reports (`settings.abuse_contact_email`); null where none is set."),
            ],
        )
    }

    async fn read(&self, client: &Client, config: Account) -> Result<Account, Diagnostics> {
        let id = config.account_id;
        let mut diags = Diagnostics::default();
        let Some(api) = client
            .get_if_exists::<ApiAccount>(&paths::account(&id))
            .await
            .context(|| format!("reading account {id}"))?
        else {
            diags.attr_error(
                AttrPath::attr("account_id"),
                format!("Error reading account {id}"),
                format!(
                    "The account is unknown, or not in your tenant (or these credentials cannot see it): \
                     Cloudflare answered 404 for account {id}. Look accounts up with `data.cftenant_tenant_accounts`."
                ),
            );
            return Err(diags);
        };
        let unit_id = api.unit_id().map(Tag::to_string);
        let settings = api.settings.unwrap_or_default();
        Ok(Account {
            account_id: id,
            id: Some(api.id.into()),
            name: Some(api.name),
            account_type: api.account_type,
            created_on: api.created_on,
            unit_id,
            managed_by: api.managed_by,
            enforce_twofactor: settings.enforce_twofactor,
            api_access_enabled: settings.api_access_enabled,
            abuse_contact_email: settings.abuse_contact_email.filter(|e| !e.is_empty()),
        })
    }
}
