//! `data "cftenant_resource_groups"`: the resource groups of an account
//! (`GET /accounts/{account_id}/iam/resource_groups`, one page as the
//! definition has it), what a member's `policies` apply to.

use super::listing::{Listing, Parent};
use super::permission_groups::ApiMeta;
use crate::api::paths;
use crate::client::{null_as_empty, Client};
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tfplugin::diag::Diagnostic;
use tfplugin::schema::{Attribute, Nesting};
use tfplugin::value::Type;

/// One resource group, as the state holds it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ResourceGroup {
    pub id: Option<String>,
    pub name: Option<String>,
    pub scope_key: Option<String>,
    pub scope_objects: Option<Vec<String>>,
    pub meta: Option<BTreeMap<String, String>>,
}

/// A resource group as the API gives it; its id checked, its scope
/// required (the definition requires it).
#[derive(Debug, Deserialize)]
struct ApiResourceGroup {
    #[serde(deserialize_with = "crate::api::checked_id")]
    id: String,
    name: Option<String>,
    scope: ApiScope,
    meta: Option<ApiMeta>,
}

#[derive(Debug, Deserialize)]
struct ApiScope {
    key: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    objects: Vec<ApiScopeObject>,
}

#[derive(Debug, Deserialize)]
struct ApiScopeObject {
    key: String,
}

/// `data "cftenant_resource_groups"`.
pub struct ResourceGroups;

#[async_trait]
impl Listing for ResourceGroups {
    const TYPE_NAME: &'static str = "cftenant_resource_groups";
    const DESCRIPTION: &'static str = "Lists the resource groups of an account: the sets of resources a member's `policies` apply to.";
    const PARENT: Parent = Parent::Account;
    const LIST: &'static str = "resource_groups";
    type Item = ResourceGroup;

    fn list_attribute() -> Attribute {
        Attribute::computed(Self::LIST, Type::String, "The account's resource groups, in the API's order.").nested(
            Nesting::List,
            vec![
                Attribute::computed("id", Type::String, "The group's id: what `policies[*].resource_group_ids` of `cftenant_account_member` take."),
                Attribute::computed("name", Type::String, "The group's name."),
                Attribute::computed("scope_key", Type::String, "What the group is scoped to, e.g. `com.cloudflare.api.account.<account_id>`."),
                Attribute::computed("scope_objects", Type::list(Type::String), "The keys of the resources in the scope (`*`: all of them)."),
                Attribute::computed("meta", Type::map(Type::String), "The group's `meta` (`key`, `value`), where the API gives it."),
            ],
        )
    }

    async fn list(client: &Client, account: &str) -> Result<Vec<ResourceGroup>, Diagnostic> {
        let groups: Option<Vec<ApiResourceGroup>> = client
            .get(&paths::account_resource_groups(account))
            .await
            .context(|| format!("listing the resource groups of account {account:?}"))?;
        Ok(groups
            .unwrap_or_default()
            .into_iter()
            .map(|g| ResourceGroup {
                id: Some(g.id),
                name: g.name,
                scope_key: Some(g.scope.key),
                scope_objects: Some(g.scope.objects.into_iter().map(|o| o.key).collect()),
                meta: g.meta.map(ApiMeta::into_map),
            })
            .collect())
    }
}
