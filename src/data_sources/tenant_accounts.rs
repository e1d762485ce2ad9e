//! `data "cftenant_tenant_accounts"`: the accounts of a tenant
//! (`GET /tenants/{tenant_id}/accounts`, every page).
//!
//! The live API has been recorded answering with items named otherwise than
//! the documentation says (`account_tag`, `account_pubname`,
//! `account_type`: observed-api.md row 1); both shapes are read, and an
//! item without an id or a name in either is an error, never a null.

use super::listing::{Listing, Parent};
use crate::api::{paths, AccountType, Tag};
use crate::client::{either, Client};
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostic;
use tfplugin::schema::{Attribute, Nesting};
use tfplugin::value::Type;

/// One account, as the state holds it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TenantAccount {
    pub id: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub account_type: Option<AccountType>,
    pub created_on: Option<String>,
    pub enforce_twofactor: Option<bool>,
}

/// One item of the list, in either of its shapes.
#[derive(Debug, Deserialize)]
#[serde(try_from = "ItemShapes")]
struct ApiItem(TenantAccount);

#[derive(Debug, Deserialize)]
struct ItemShapes {
    id: Option<String>,
    account_tag: Option<String>,
    name: Option<String>,
    account_pubname: Option<String>,
    #[serde(rename = "type")]
    documented_type: Option<String>,
    account_type: Option<String>,
    created_on: Option<String>,
    settings: Option<ItemSettings>,
}

#[derive(Debug, Deserialize)]
struct ItemSettings {
    enforce_twofactor: Option<bool>,
    enforce_two_factor: Option<bool>,
}

impl TryFrom<ItemShapes> for ApiItem {
    type Error = String;

    fn try_from(item: ItemShapes) -> Result<ApiItem, String> {
        let settings = item.settings;
        Ok(ApiItem(TenantAccount {
            id: Some(
                Tag::try_from(either(item.id, item.account_tag, ("id", "account_tag"))?)?.into(),
            ),
            name: Some(either(
                item.name,
                item.account_pubname,
                ("name", "account_pubname"),
            )?),
            account_type: Some(AccountType::of(&either(
                item.documented_type,
                item.account_type,
                ("type", "account_type"),
            )?)),
            created_on: item.created_on,
            // Recorded answers have also left `settings` out altogether.
            enforce_twofactor: settings.and_then(|s| s.enforce_twofactor.or(s.enforce_two_factor)),
        }))
    }
}

/// `data "cftenant_tenant_accounts"`.
pub struct TenantAccounts;

/// The largest page the list serves.
const PER_PAGE: u32 = 50;

#[async_trait]
impl Listing for TenantAccounts {
    const TYPE_NAME: &'static str = "cftenant_tenant_accounts";
    const DESCRIPTION: &'static str = "Lists every account of a tenant (all pages): the accounts created under it, including those not managed by this configuration.";
    const PARENT: Parent = Parent::Tenant;
    const LIST: &'static str = "accounts";
    type Item = TenantAccount;

    fn list_attribute() -> Attribute {
        Attribute::computed(Self::LIST, Type::String, "The tenant's accounts, in the API's order.").nested(
            Nesting::List,
            vec![
                Attribute::computed("id", Type::String, "The account's id (the API's `id`, or `account_tag` as the live API has answered)."),
                Attribute::computed("name", Type::String, "The account's name (`name`, or `account_pubname`)."),
                Attribute::computed("type", Type::String, "The account's type, `standard` or `enterprise` (`type`, or `account_type`)."),
                Attribute::computed("created_on", Type::String, "When the account was created (RFC 3339), where the API says."),
                Attribute::computed(
                    "enforce_twofactor",
                    Type::Bool,
                    "Whether members must use two-factor authentication (`settings.enforce_twofactor`, or `enforce_two_factor`); null where the answer has no settings.",
                ),
            ],
        )
    }

    async fn list(client: &Client, tenant: &str) -> Result<Vec<TenantAccount>, Diagnostic> {
        let items: Vec<ApiItem> = client
            .list_all(&paths::tenant_accounts(tenant), &[], PER_PAGE)
            .await
            .context(|| format!("listing the accounts of tenant {tenant:?}"))?;
        Ok(items.into_iter().map(|i| i.0).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_read_and_neither_is_an_error() {
        let documented: ApiItem = serde_json::from_value(serde_json::json!({
            "id": "a", "name": "A", "type": "standard", "created_on": "2026-01-01T00:00:00Z",
            "settings": {"enforce_twofactor": true, "abuse_contact_email": null}
        }))
        .unwrap();
        assert_eq!(documented.0.id.as_deref(), Some("a"));
        assert_eq!(documented.0.enforce_twofactor, Some(true));
        let observed: ApiItem = serde_json::from_value(serde_json::json!({
            "account_tag": "b", "account_pubname": "B", "account_type": "enterprise",
            "created_on": "2026-01-01T00:00:00Z",
            "settings": {"enforce_two_factor": false, "api_access_enabled": null}
        }))
        .unwrap();
        assert_eq!(observed.0.id.as_deref(), Some("b"));
        assert_eq!(observed.0.name.as_deref(), Some("B"));
        assert_eq!(observed.0.account_type, Some(AccountType::Enterprise));
        assert_eq!(observed.0.enforce_twofactor, Some(false));
        let e =
            serde_json::from_value::<ApiItem>(serde_json::json!({"name": "C", "type": "standard"}))
                .unwrap_err()
                .to_string();
        assert!(e.contains("`id`") && e.contains("`account_tag`"), "{e}");
    }
}
