//! `data "cftenant_tenant_memberships"`: the active users of a tenant
//! (`GET /tenants/{tenant_id}/memberships`, a single-page list).

use super::listing::{Listing, Parent};
use crate::api::paths;
use crate::client::Client;
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostic;
use tfplugin::schema::{Attribute, Nesting};
use tfplugin::value::Type;

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

/// `data "cftenant_tenant_memberships"`.
pub struct TenantMemberships;

#[async_trait]
impl Listing for TenantMemberships {
    const TYPE_NAME: &'static str = "cftenant_tenant_memberships";
    const DESCRIPTION: &'static str =
        "Lists the active members (Cloudflare users) of a tenant: its administrators.";
    const PARENT: Parent = Parent::Tenant;
    const LIST: &'static str = "memberships";
    type Item = Membership;

    fn list_attribute() -> Attribute {
        Attribute::computed(
            Self::LIST,
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
        )
    }

    async fn list(client: &Client, tenant: &str) -> Result<Vec<Membership>, Diagnostic> {
        let memberships: Option<Vec<ApiMembership>> = client
            .get(&paths::tenant_memberships(tenant))
            .await
            .context(|| format!("listing the memberships of tenant {tenant:?}"))?;
        Ok(memberships
            .unwrap_or_default()
            .into_iter()
            .map(|m| Membership {
                user_email: Some(m.user_email),
                user_name: m.user_name,
                user_tag: Some(m.user_tag),
            })
            .collect())
    }
}
