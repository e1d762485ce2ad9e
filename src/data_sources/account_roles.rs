//! `data "cftenant_account_roles"`: the roles members of an account can be
//! given (`GET /accounts/{account_id}/roles`, paginated), so configurations
//! can pick a role by name instead of hard-coding its id.

use crate::api::paths;
use crate::checks;
use crate::client::Client;
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostics;
use tfplugin::resource::DataSource;
use tfplugin::schema::{Attribute, Nesting, Schema};
use tfplugin::value::Type;

pub struct AccountRolesDataSource;

/// The largest page the roles list serves.
const PER_PAGE: u32 = 50;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct AccountRoles {
    pub account_id: String,
    pub roles: Option<Vec<Role>>,
}

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

#[async_trait]
impl DataSource for AccountRolesDataSource {
    type Client = Client;
    type Model = AccountRoles;
    const TYPE_NAME: &'static str = "cftenant_account_roles";

    fn schema() -> Schema {
        Schema::new(
            "Lists the roles of an account (all pages). Pick one by name, e.g. \
             `one([for r in data.cftenant_account_roles.x.roles : r.id if r.name == \"Administrator\"])`. \
             Enterprise accounts have more roles than standard ones.",
            vec![
                Attribute::required("account_id", Type::String, "The account's id.").check(checks::ID32),
                Attribute::computed("roles", Type::String, "The account's roles, in the API's order.").nested(
                    Nesting::List,
                    vec![
                        Attribute::computed("id", Type::String, "The role's id: what member `roles` take."),
                        Attribute::computed("name", Type::String, "The role's name, e.g. `Administrator`."),
                        Attribute::computed("description", Type::String, "What the role allows."),
                    ],
                ),
            ],
        )
    }

    async fn read(
        &self,
        client: &Client,
        config: AccountRoles,
    ) -> Result<AccountRoles, Diagnostics> {
        let id = config.account_id;
        let roles: Vec<ApiRole> = client
            .list_all(&paths::account_roles(&id), &[], PER_PAGE)
            .await
            .context(|| format!("listing the roles of account {id:?}"))?;
        let roles = roles
            .into_iter()
            .map(|r| Role {
                id: Some(r.id),
                name: r.name,
                description: r.description,
            })
            .collect();
        Ok(AccountRoles {
            account_id: id,
            roles: Some(roles),
        })
    }
}
