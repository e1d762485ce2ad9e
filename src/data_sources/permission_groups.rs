//! `data "cftenant_permission_groups"`: the permission groups of an
//! account (`GET /accounts/{account_id}/iam/permission_groups`, every
//! page), what a member's `policies` grant, so that no id is hard-coded.

use super::listing::{Listing, Parent};
use crate::api::paths;
use crate::client::Client;
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tfplugin::diag::Diagnostic;
use tfplugin::schema::{Attribute, Nesting};
use tfplugin::value::Type;

/// One permission group, as the state holds it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct PermissionGroup {
    pub id: Option<String>,
    pub name: Option<String>,
    pub meta: Option<BTreeMap<String, String>>,
}

/// A permission group as the API gives it; its id checked.
#[derive(Debug, Deserialize)]
struct ApiPermissionGroup {
    #[serde(deserialize_with = "crate::api::checked_id")]
    id: String,
    name: Option<String>,
    meta: Option<ApiMeta>,
}

/// `meta`: one key and its value, either of which may be left out.
#[derive(Debug, Deserialize)]
pub(super) struct ApiMeta {
    key: Option<String>,
    value: Option<String>,
}

impl ApiMeta {
    /// As a map of what it holds: `{key, value}`.
    pub(super) fn into_map(self) -> BTreeMap<String, String> {
        [("key", self.key), ("value", self.value)]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
            .collect()
    }
}

/// `data "cftenant_permission_groups"`.
pub struct PermissionGroups;

/// The largest page the list serves.
const PER_PAGE: u32 = 50;

#[async_trait]
impl Listing for PermissionGroups {
    const TYPE_NAME: &'static str = "cftenant_permission_groups";
    const DESCRIPTION: &'static str = "Lists the permission groups of an account (all pages): what a member's `policies` grant. \
         Pick one by name, e.g. `one([for g in data.cftenant_permission_groups.x.permission_groups : g.id if g.name == \"Administrator\"])`.";
    const PARENT: Parent = Parent::Account;
    const LIST: &'static str = "permission_groups";
    type Item = PermissionGroup;

    fn list_attribute() -> Attribute {
        Attribute::computed(Self::LIST, Type::String, "The account's permission groups, in the API's order.").nested(
            Nesting::List,
            vec![
                Attribute::computed("id", Type::String, "The group's id: what `policies[*].permission_group_ids` of `cftenant_account_member` take."),
                Attribute::computed("name", Type::String, "The group's name."),
                Attribute::computed("meta", Type::map(Type::String), "The group's `meta` (`key`, `value`), where the API gives it."),
            ],
        )
    }

    async fn list(client: &Client, account: &str) -> Result<Vec<PermissionGroup>, Diagnostic> {
        let groups: Vec<ApiPermissionGroup> = client
            .list_all(&paths::account_permission_groups(account), &[], PER_PAGE)
            .await
            .context(|| format!("listing the permission groups of account {account:?}"))?;
        Ok(groups
            .into_iter()
            .map(|g| PermissionGroup {
                id: Some(g.id),
                name: g.name,
                meta: g.meta.map(ApiMeta::into_map),
            })
            .collect())
    }
}
