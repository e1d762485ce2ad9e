//! `data "cftenant_tenant_accounts"`: the accounts of a tenant
//! (`GET /tenants/{tenant_id}/accounts`, every page).

use crate::client::{path_segment, Client};
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostics;
use tfplugin::resource::DataSource;
use tfplugin::schema::{Attribute, Check, Nesting, Schema};
use tfplugin::value::Type;

pub struct TenantAccountsDataSource;

/// The largest page the list serves.
const PER_PAGE: u32 = 50;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TenantAccounts {
    pub tenant_id: String,
    pub accounts: Option<Vec<TenantAccount>>,
}

/// One account, as the API gives it (its `settings` are left out) and as the
/// state holds it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TenantAccount {
    pub id: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub account_type: Option<String>,
    pub created_on: Option<String>,
}

#[async_trait]
impl DataSource for TenantAccountsDataSource {
    type Client = Client;
    type Model = TenantAccounts;
    const TYPE_NAME: &'static str = "cftenant_tenant_accounts";

    fn schema() -> Schema {
        Schema::new(
            "Lists every account of a tenant (all pages): the accounts created under it, including those not managed by this configuration.",
            vec![
                Attribute::required("tenant_id", Type::String, "The tenant's id (`tenant_tag`).").check(Check::NotEmpty),
                Attribute::computed("accounts", Type::String, "The tenant's accounts, in the API's order.").nested(
                    Nesting::List,
                    vec![
                        Attribute::computed("id", Type::String, "The account's id."),
                        Attribute::computed("name", Type::String, "The account's name (may be null)."),
                        Attribute::computed("type", Type::String, "The account's type: `standard` or `enterprise`."),
                        Attribute::computed("created_on", Type::String, "When the account was created (RFC 3339)."),
                    ],
                ),
            ],
        )
    }

    async fn read(
        &self,
        client: &Client,
        config: TenantAccounts,
    ) -> Result<TenantAccounts, Diagnostics> {
        let id = config.tenant_id;
        let accounts: Vec<TenantAccount> = client
            .list_all(
                &format!("/tenants/{}/accounts", path_segment(&id)),
                &[],
                PER_PAGE,
            )
            .await
            .context(|| format!("listing the accounts of tenant {id:?}"))?;
        Ok(TenantAccounts {
            tenant_id: id,
            accounts: Some(accounts),
        })
    }
}
