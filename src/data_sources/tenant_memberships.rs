//! `data "cftenant_tenant_memberships"`: the active users of a tenant
//! (`GET /tenants/{tenant_id}/memberships`, a single-page list).

use crate::api::paths;
use crate::client::Client;
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostics;
use tfplugin::resource::DataSource;
use tfplugin::schema::{Attribute, Check, Nesting, Schema};
use tfplugin::value::Type;

pub struct TenantMembershipsDataSource;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TenantMemberships {
    pub tenant_id: String,
    pub memberships: Option<Vec<Membership>>,
}

/// One membership, as the state holds it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Membership {
    pub user_email: Option<String>,
    pub user_name: Option<String>,
    pub user_tag: Option<String>,
}

/// A membership as the API gives it; its user's tag checked.
#[derive(Debug, Deserialize)]
struct ApiMembership {
    user_email: String,
    user_name: Option<String>,
    #[serde(deserialize_with = "crate::api::checked_tag")]
    user_tag: String,
}

#[async_trait]
impl DataSource for TenantMembershipsDataSource {
    type Client = Client;
    type Model = TenantMemberships;
    const TYPE_NAME: &'static str = "cftenant_tenant_memberships";

    fn schema() -> Schema {
        Schema::new(
            "Lists the active members (Cloudflare users) of a tenant: its administrators.",
            vec![
                Attribute::required("tenant_id", Type::String, "The tenant's id (`tenant_tag`).")
                    .check(Check::NotEmpty),
                Attribute::computed(
                    "memberships",
                    Type::String,
                    "The tenant's memberships, in the API's order.",
                )
                .nested(
                    Nesting::List,
                    vec![
                        Attribute::computed("user_email", Type::String, "The user's email."),
                        Attribute::computed("user_name", Type::String, "The user's name."),
                        Attribute::computed("user_tag", Type::String, "The user's id."),
                    ],
                ),
            ],
        )
    }

    async fn read(
        &self,
        client: &Client,
        config: TenantMemberships,
    ) -> Result<TenantMemberships, Diagnostics> {
        let id = config.tenant_id;
        let memberships: Option<Vec<ApiMembership>> = client
            .get(&paths::tenant_memberships(&id))
            .await
            .context(|| format!("listing the memberships of tenant {id:?}"))?;
        let memberships = memberships
            .unwrap_or_default()
            .into_iter()
            .map(|m| Membership {
                user_email: Some(m.user_email),
                user_name: m.user_name,
                user_tag: Some(m.user_tag),
            })
            .collect();
        Ok(TenantMemberships {
            tenant_id: id,
            memberships: Some(memberships),
        })
    }
}
