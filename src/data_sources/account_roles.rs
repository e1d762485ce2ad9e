//! `data "cftenant_account_roles"`: the roles members of an account can be
//! given (`GET /accounts/{account_id}/roles`, paginated), so configurations
//! can pick a role by name instead of hard-coding its id.

use super::listing::{Listing, Parent};
use crate::api::paths;
use crate::client::Client;
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostic;
use tfplugin::schema::{Attribute, Nesting};
use tfplugin::value::Type;

/// One role, as the state holds it (its `permissions` are left out).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Role {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
}

/// A role as the API gives it; its id checked.
#[derive(Debug, Deserialize)]
struct ApiRole {
    #[serde(deserialize_with = "crate::api::checked_id")]
    id: String,
    name: Option<String>,
    description: Option<String>,
}

/// `data "cftenant_account_roles"`.
pub struct AccountRoles;

/// The largest page the roles list serves.
const PER_PAGE: u32 = 50;

#[async_trait]
impl Listing for AccountRoles {
    const TYPE_NAME: &'static str = "cftenant_account_roles";
    const DESCRIPTION: &'static str = "Lists the roles of an account (all pages). Pick one by name, e.g. \
         `one([for r in data.cftenant_account_roles.x.roles : r.id if r.name == \"Administrator\"])`. \
         Enterprise accounts have more roles than standard ones.";
    const PARENT: Parent = Parent::Account;
    const LIST: &'static str = "roles";
    type Item = Role;

    fn list_attribute() -> Attribute {
        Attribute::computed(
            Self::LIST,
            Type::String,
            "The account's roles, in the API's order.",
        )
        .nested(
            Nesting::List,
            vec![
                Attribute::computed(
                    "id",
                    Type::String,
                    "The role's id: what member `roles` take.",
                ),
                Attribute::computed(
                    "name",
                    Type::String,
                    "The role's name, e.g. `Administrator`.",
                ),
                Attribute::computed("description", Type::String, "What the role allows."),
            ],
        )
    }

    async fn list(client: &Client, account: &str) -> Result<Vec<Role>, Diagnostic> {
        let roles: Vec<ApiRole> = client
            .list_all(&paths::account_roles(account), &[], PER_PAGE)
            .await
            .context(|| format!("listing the roles of account {account:?}"))?;
        Ok(roles
            .into_iter()
            .map(|r| Role {
                id: Some(r.id),
                name: r.name,
                description: r.description,
            })
            .collect())
    }
}
