//! `data "cftenant_tenant_account_types"`: the account types a tenant may
//! create (`GET /tenants/{tenant_id}/account_types`).

use crate::api::paths;
use crate::client::Client;
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostics;
use tfplugin::resource::DataSource;
use tfplugin::schema::{Attribute, Check, Schema};
use tfplugin::value::Type;

pub struct TenantAccountTypesDataSource;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TenantAccountTypes {
    pub tenant_id: String,
    pub account_types: Option<Vec<String>>,
}

#[async_trait]
impl DataSource for TenantAccountTypesDataSource {
    type Client = Client;
    type Model = TenantAccountTypes;
    const TYPE_NAME: &'static str = "cftenant_tenant_account_types";

    fn schema() -> Schema {
        Schema::new(
            "Lists the account types a tenant may create, i.e. the values `cftenant_account.type` accepts for this tenant.",
            vec![
                Attribute::required("tenant_id", Type::String, "The tenant's id (`tenant_tag`).").check(Check::NotEmpty),
                Attribute::computed(
                    "account_types",
                    Type::list(Type::String),
                    "The account types, in the API's order (e.g. `standard`, `enterprise`).",
                ),
            ],
        )
    }

    async fn read(
        &self,
        client: &Client,
        config: TenantAccountTypes,
    ) -> Result<TenantAccountTypes, Diagnostics> {
        let id = config.tenant_id;
        let account_types: Option<Vec<String>> = client
            .get(&paths::tenant_account_types(&id))
            .await
            .context(|| format!("listing the account types of tenant {id:?}"))?;
        Ok(TenantAccountTypes {
            tenant_id: id,
            account_types: Some(account_types.unwrap_or_default()),
        })
    }
}
