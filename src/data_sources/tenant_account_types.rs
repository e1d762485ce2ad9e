//! `data "cftenant_tenant_account_types"`: the account types a tenant may
//! create (`GET /tenants/{tenant_id}/account_types`).

use super::listing::{Listing, Parent};
use crate::api::{paths, AccountType};
use crate::client::Client;
use crate::diagnostics::Context;
use async_trait::async_trait;
use tfplugin::diag::Diagnostic;
use tfplugin::schema::Attribute;
use tfplugin::value::Type;

/// `data "cftenant_tenant_account_types"`.
pub struct TenantAccountTypes;

#[async_trait]
impl Listing for TenantAccountTypes {
    const TYPE_NAME: &'static str = "cftenant_tenant_account_types";
    const DESCRIPTION: &'static str =
        "Lists the account types a tenant may create, i.e. the values `cftenant_account.type` accepts for this tenant.";
    const PARENT: Parent = Parent::Tenant;
    const LIST: &'static str = "account_types";
    type Item = AccountType;

    fn list_attribute() -> Attribute {
        Attribute::computed(
            Self::LIST,
            Type::list(Type::String),
            "The account types, in the API's order (e.g. `standard`, `enterprise`).",
        )
    }

    async fn list(client: &Client, tenant: &str) -> Result<Vec<AccountType>, Diagnostic> {
        let account_types: Option<Vec<AccountType>> = client
            .get(&paths::tenant_account_types(tenant))
            .await
            .context(|| format!("listing the account types of tenant {tenant:?}"))?;
        Ok(account_types.unwrap_or_default())
    }
}
