//! `data "cftenant_account_members"`: the members of an account
//! (`GET /accounts/{account_id}/members`, every page), including those this
//! configuration does not manage.
//!
//! The live API has been recorded giving a member's email only under
//! `user.email` (observed-api.md row 5); either is read, and a member with
//! neither is an error, never a null.

use super::listing::{Listing, Parent};
use crate::api::members::ApiMember;
use crate::api::{paths, MemberStatus};
use crate::client::{either, Client};
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostic;
use tfplugin::schema::{Attribute, Nesting};
use tfplugin::value::Type;

/// One member, as the state holds it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Member {
    pub id: Option<String>,
    pub email: Option<String>,
    pub status: Option<MemberStatus>,
    pub user_id: Option<String>,
    pub role_ids: Option<Vec<String>>,
}

/// One member of the list: the API's member with an address in one of its
/// two places.
#[derive(Debug, Deserialize)]
#[serde(try_from = "ApiMember")]
struct ListedMember(Member);

impl TryFrom<ApiMember> for ListedMember {
    type Error = String;

    fn try_from(m: ApiMember) -> Result<ListedMember, String> {
        let user_id = m.user_id().map(str::to_string);
        let user_email = m.user.and_then(|u| u.email);
        Ok(ListedMember(Member {
            email: Some(either(m.email, user_email, ("email", "user.email"))?),
            status: m.status,
            user_id,
            role_ids: Some(m.roles.into_iter().flatten().map(|r| r.id).collect()),
            id: Some(m.id),
        }))
    }
}

/// `data "cftenant_account_members"`.
pub struct AccountMembers;

/// The largest page the members list serves.
const PER_PAGE: u32 = 50;

#[async_trait]
impl Listing for AccountMembers {
    const TYPE_NAME: &'static str = "cftenant_account_members";
    const DESCRIPTION: &'static str =
        "Lists the members of an account (all pages): accepted members and pending invitations, \
         including those this configuration does not manage.";
    const PARENT: Parent = Parent::Account;
    const LIST: &'static str = "members";
    type Item = Member;

    fn list_attribute() -> Attribute {
        Attribute::computed(Self::LIST, Type::String, "The account's members, in the API's order.").nested(
            Nesting::List,
            vec![
                Attribute::computed("id", Type::String, "The membership's id: what `terraform import cftenant_account_member.<name> <account_id>/<id>` takes."),
                Attribute::computed("email", Type::String, "The member's email (`email`, or `user.email` as the live API has answered)."),
                Attribute::computed("status", Type::String, "`pending` (invited) or `accepted`."),
                Attribute::computed("user_id", Type::String, "The member's Cloudflare user id, where the API gives one (it may give none while the invitation is pending)."),
                Attribute::computed("role_ids", Type::list(Type::String), "The ids of the member's roles; empty for a member granted policies."),
            ],
        )
    }

    async fn list(client: &Client, account: &str) -> Result<Vec<Member>, Diagnostic> {
        let members: Vec<ListedMember> = client
            .list_all(&paths::account_members(account), &[], PER_PAGE)
            .await
            .context(|| format!("listing the members of account {account:?}"))?;
        Ok(members.into_iter().map(|m| m.0).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_shapes_read_and_neither_is_an_error() {
        let documented: ListedMember = serde_json::from_value(json!({
            "id": "0123456789abcdef0123456789abcdef", "email": "a@b.co", "status": "accepted",
            "user": {"id": "fedcba9876543210fedcba9876543210", "email": "a@b.co"},
            "roles": [{"id": "05784afa30c1afe1440e79d9351c7430", "name": "Administrator"}]
        }))
        .unwrap();
        assert_eq!(documented.0.email.as_deref(), Some("a@b.co"));
        assert_eq!(
            documented.0.role_ids,
            Some(vec!["05784afa30c1afe1440e79d9351c7430".to_string()])
        );
        let observed: ListedMember = serde_json::from_value(json!({
            "id": "0123456789abcdef0123456789abcdef", "status": "pending",
            "user": {"id": null, "email": "c@d.co"}, "roles": null
        }))
        .unwrap();
        assert_eq!(observed.0.email.as_deref(), Some("c@d.co"));
        assert_eq!(observed.0.user_id, None);
        assert_eq!(observed.0.role_ids, Some(vec![]));
        let e = serde_json::from_value::<ListedMember>(json!({
            "id": "0123456789abcdef0123456789abcdef", "status": "pending"
        }))
        .unwrap_err()
        .to_string();
        assert!(e.contains("`email`") && e.contains("`user.email`"), "{e}");
    }
}
