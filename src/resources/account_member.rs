//! `cftenant_account_member`: a person's access to an account, by roles or
//! by policies (permission groups over resource groups), exactly one of the
//! two, as the API takes them.
//!
//! `status` belongs to the server (an invite is `pending` until accepted),
//! so it is never defaulted in the configuration. The POST response omits
//! the roles (a known API bug), so they are taken from the plan, not from it.
//! The API shows policies for every member (derived from roles for a member
//! with roles), so which form a member has is read from its roles: none
//! means policies.

use crate::adopt::{self, Candidate};
use crate::api::members::{ApiMember, ApiPolicy};
use crate::api::paths::{self, ACCOUNTS};
use crate::api::{IdRef, MemberStatus};
use crate::checks;
use crate::client::{Advice, ApiError, Children, Client, Collection};
use crate::diagnostics::{api_error, parse_import_id, state_id, Context};
use crate::tenants;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostics;
use tfplugin::resource::{import_by_reading, Change, Imported, OpResult, Resource};
use tfplugin::schema::{Attribute, Check, Nesting, Schema};
use tfplugin::value::{AttrPath, Type};

/// The simulator's code for "this email is already a member of the account".
const ALREADY_A_MEMBER: i64 = 1011;

pub struct AccountMemberResource;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct AccountMember {
    pub id: Option<String>,
    pub account_id: String,
    pub email: String,
    pub roles: Option<Vec<String>>,
    pub policies: Option<Vec<Policy>>,
    pub status: Option<MemberStatus>,
    pub user_id: Option<String>,
}

/// One policy: what it allows (or denies), over which resources.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Policy {
    pub access: String,
    pub permission_group_ids: Vec<String>,
    pub resource_group_ids: Vec<String>,
}

impl From<&Policy> for ApiPolicy {
    fn from(p: &Policy) -> ApiPolicy {
        let ids = |ids: &[String]| ids.iter().map(|id| IdRef { id: id.clone() }).collect();
        ApiPolicy {
            access: p.access.clone(),
            permission_groups: ids(&p.permission_group_ids),
            resource_groups: ids(&p.resource_group_ids),
        }
    }
}

impl From<ApiPolicy> for Policy {
    fn from(p: ApiPolicy) -> Policy {
        let ids = |groups: Vec<IdRef>| groups.into_iter().map(|g| g.id).collect();
        Policy {
            access: p.access,
            permission_group_ids: ids(p.permission_groups),
            resource_group_ids: ids(p.resource_groups),
        }
    }
}

#[derive(Serialize)]
struct CreateBody<'a> {
    email: &'a str,
    /// POST takes role ids as plain strings…
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policies: Option<Vec<ApiPolicy>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a MemberStatus>,
}

#[derive(Serialize)]
struct UpdateBody {
    /// …while PUT takes them as `{"id": …}` objects.
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Option<Vec<IdRef>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policies: Option<Vec<ApiPolicy>>,
}

impl UpdateBody {
    fn of(planned: &AccountMember) -> UpdateBody {
        UpdateBody {
            roles: planned
                .roles
                .as_ref()
                .map(|roles| roles.iter().map(|r| IdRef { id: r.clone() }).collect()),
            policies: planned
                .policies
                .as_ref()
                .map(|p| p.iter().map(ApiPolicy::from).collect()),
        }
    }
}

impl AccountMember {
    fn merge(&mut self, api: ApiMember) {
        if let Some(uid) = api.user_id() {
            self.user_id = Some(uid.to_string());
        }
        // Cloudflare may report the address in another case; the adapter
        // keeps the configured spelling of the same address.
        if let Some(email) = api.email() {
            self.email = email.to_string();
        }
        self.id = Some(api.id);
        // Roles when it has any; else its policies (for a member with roles,
        // the API's policies are derived from them).
        match (api.roles, api.policies) {
            (Some(roles), _) if !roles.is_empty() => {
                self.roles = Some(roles.into_iter().map(|r| r.id).collect());
                self.policies = None;
            }
            (Some(_), Some(policies)) => {
                self.roles = None;
                self.policies = Some(policies.into_iter().map(Policy::from).collect());
            }
            // The POST answer lists neither: what was planned stands.
            _ => {}
        }
        // The status as Cloudflare has it: an invitation accepted since
        // reads `accepted` (which still satisfies a configured `pending`,
        // see [`status_holds`]).
        if let Some(status) = api.status {
            self.status = Some(status);
        }
    }
}

/// Whether a member whose status is `held` is what `wanted` asks for: the
/// same status, or an accepted member where an invitation was asked for
/// (the invitation was accepted: nothing is left to do). The plan then
/// keeps `held`, so neither an accepted invitation nor an import of an
/// accepted member is a change, let alone a replacement; `accepted` asked
/// of a member still `pending` is one (the invitation gives way to a grant).
fn status_holds(held: &str, wanted: &str) -> bool {
    match (MemberStatus::of(held), MemberStatus::of(wanted)) {
        (MemberStatus::Accepted, MemberStatus::Pending) => true,
        (held, wanted) => held == wanted,
    }
}

fn path(account_id: &str, id: &str) -> String {
    paths::account_member(account_id, id)
}

/// An account's members, one list per account: read ahead once the
/// members of other accounts are read.
static MEMBER_LISTS: Children<Collection> = Children {
    name: "member lists",
    parents: ACCOUNTS,
    of: |account_id| Collection::paged(paths::account_members(account_id), 50),
};

/// A policy's non-empty set of group ids.
fn group_ids(name: &'static str, description: &'static str) -> Attribute {
    Attribute::required(name, Type::set(Type::String), description)
        .check(checks::ID32)
        .check(Check::MinItems(1))
}

#[async_trait]
impl Resource for AccountMemberResource {
    type Client = Client;
    type Model = AccountMember;
    const TYPE_NAME: &'static str = "cftenant_account_member";

    fn schema() -> Schema {
        Schema::new(
            "A member of an account: an invitation (or, where the tenant allows it, a direct grant) of roles to a person or service user.",
            vec![
                Attribute::computed("id", Type::String, "Membership id."),
                Attribute::required("account_id", Type::String, "The account.").check(checks::ID32).replaces(),
                Attribute::required("email", Type::String, "Email of the member. The API cannot change it: another address replaces the member; the same address in other letter case is no change (Cloudflare compares emails case-insensitively).")
                    .check(checks::EMAIL)
                    .equivalent(checks::same_email)
                    .replaces(),
                Attribute::optional(
                    "roles",
                    Type::set(Type::String),
                    "Role ids granted to the member, e.g. the Administrator role `05784afa30c1afe1440e79d9351c7430`; look roles up by name with `data.cftenant_account_roles`. Updated in place. \
                     Exactly one of `roles` and `policies`; changing from one to the other is an update too.",
                )
                .check(checks::ID32)
                .check(Check::MinItems(1)),
                Attribute::optional(
                    "policies",
                    Type::String,
                    "Policies granted to the member instead of roles: each allows (or denies) the permission groups it names over the resource groups it names. Updated in place. \
                     Their order means nothing: Cloudflare answering in its own order is no change, and listing them in another order plans \
                     one update, which changes nothing either.",
                )
                .unordered()
                .nested(
                    Nesting::List,
                    vec![
                        Attribute::required("access", Type::String, "`allow` or `deny`.")
                            .check(Check::OneOf(&["allow", "deny"])),
                        group_ids("permission_group_ids", "Ids of the permission groups the policy grants (or denies)."),
                        group_ids(
                            "resource_group_ids",
                            "Ids of the resource groups (the account, or some of its zones) the policy applies to.",
                        ),
                    ],
                )
                .check(Check::MinItems(1)),
                Attribute::optional_computed(
                    "status",
                    Type::String,
                    "`pending` sends an invitation; `accepted` adds the member directly, which Cloudflare allows only when the tenant's `allow_auto_accept_invites` entitlement is on. \
                     Leave unset to let Cloudflare decide (an invitation). The state holds the status Cloudflare reports: an invitation \
                     accepted since reads `accepted`, which satisfies a configured `pending` (no change), as does an imported member that \
                     has accepted. `accepted` configured for a member still `pending` replaces the invitation with a direct grant.",
                )
                .check(Check::OneOf(MemberStatus::WORDS))
                .equivalent(status_holds)
                .replaces(),
                Attribute::computed("user_id", Type::String, "Id of the member's Cloudflare user."),
            ],
        )
        .exactly_one_of(&["roles", "policies"])
    }

    /// What would fail at apply, refused at plan: `status = "accepted"`
    /// without the tenant entitlement that allows it, and a replacement
    /// (which removes the member before inviting the new address) towards an
    /// address the account already has.
    async fn review_plan(
        &self,
        client: Option<&Client>,
        change: &Change<'_, AccountMember>,
    ) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let Some(client) = client else {
            return diags;
        };
        // Tenant-wide: checked even when the account is made by this apply.
        if change.creates() && change.planned.status == Some(MemberStatus::Accepted) {
            check_auto_accept(client, &mut diags).await;
        }
        let targets_known = change.known("account_id") && change.known("email");
        if let Some(prior) = change.prior.filter(|_| change.replacing && targets_known) {
            check_replacement(client, prior, change.planned, &mut diags).await;
        }
        diags
    }

    async fn create(
        &self,
        client: &Client,
        planned: AccountMember,
    ) -> OpResult<AccountMember, AccountMember> {
        let created = adopt::create(client, &planned).await?;
        let mut state = planned.clone();
        state.merge(ApiMember {
            roles: None,
            policies: None,
            ..created
        });
        Ok(state)
    }

    async fn read(
        &self,
        client: &Client,
        state: AccountMember,
    ) -> OpResult<Option<AccountMember>, AccountMember> {
        let id = state_id(Self::TYPE_NAME, &state.id)?.to_string();
        let single = path(&state.account_id, &id);
        let found = client
            .read_child::<ApiMember>(&MEMBER_LISTS, &state.account_id, Some(&single), &id)
            .await
            .context(|| format!("reading member {id} of account {}", state.account_id))?;
        Ok(super::read_back(state, found, AccountMember::merge))
    }

    async fn update(
        &self,
        client: &Client,
        prior: AccountMember,
        planned: AccountMember,
    ) -> OpResult<AccountMember, AccountMember> {
        let id = state_id(Self::TYPE_NAME, &prior.id)?.to_string();
        let updated: ApiMember = client
            .put(&path(&planned.account_id, &id), &UpdateBody::of(&planned))
            .await
            .context(|| format!("updating the access of member {id}"))?;
        let mut state = planned;
        state.id = Some(id);
        state.user_id = prior.user_id;
        state.merge(updated);
        Ok(state)
    }

    async fn delete(
        &self,
        client: &Client,
        state: AccountMember,
    ) -> OpResult<Diagnostics, AccountMember> {
        let id = state_id(Self::TYPE_NAME, &state.id)?.to_string();
        client
            .delete_if_exists(&path(&state.account_id, &id))
            .await
            .context(|| {
                format!(
                    "removing member {:?} ({id}) from account {}",
                    state.email, state.account_id
                )
            })?;
        Ok(Diagnostics::default())
    }

    async fn import(
        &self,
        client: &Client,
        import_id: &str,
    ) -> OpResult<Imported<AccountMember>, AccountMember> {
        let [account_id, id] =
            parse_import_id(Self::TYPE_NAME, import_id, ["account_id", "member_id"])?;
        let state = AccountMember {
            id: Some(id.to_string()),
            account_id: account_id.to_string(),
            ..Default::default()
        };
        import_by_reading(
            self,
            client,
            state,
            &format!("member with id {id} in account {account_id}"),
        )
        .await
    }
}

/// Members carry no creation time: a POST that lost its answer is settled
/// by an import when the account has the address.
#[async_trait]
impl adopt::Create for AccountMember {
    type Made = ApiMember;
    const RESOURCE_TYPE: &'static str = AccountMemberResource::TYPE_NAME;
    const UNIQUE: &'static str = "one membership per email in an account";
    const EXISTS_CODES: &'static [i64] = &[ALREADY_A_MEMBER];

    fn what(&self) -> String {
        format!("member {:?} of account {}", self.email, self.account_id)
    }

    fn import_id(&self, id: &str) -> String {
        format!("{}/{id}", self.account_id)
    }

    async fn post(&self, client: &Client) -> Result<ApiMember, ApiError> {
        let body = CreateBody {
            email: &self.email,
            roles: self.roles.as_deref(),
            policies: self
                .policies
                .as_ref()
                .map(|p| p.iter().map(ApiPolicy::from).collect()),
            status: self.status.as_ref(),
        };
        client
            .post(&paths::account_members(&self.account_id), &body)
            .await
            .map_err(|mut e| {
                if self.status == Some(MemberStatus::Accepted) && e.refuses_auto_accept() {
                    e.advice = Some(Box::new(Advice::AutoAcceptRefused));
                }
                e
            })
    }

    async fn lookup(&self, client: &Client) -> Result<Vec<Candidate<ApiMember>>, ApiError> {
        let members: Vec<ApiMember> = client
            .list_all(&paths::account_members(&self.account_id), &[], 50)
            .await?;
        Ok(members
            .into_iter()
            .filter(|m| {
                m.email()
                    .is_some_and(|e| checks::same_email(e, &self.email))
            })
            .map(|m| Candidate::created(m.id.clone(), None, m))
            .collect())
    }
}

/// `status = "accepted"` needs the tenant's `allow_auto_accept_invites`.
async fn check_auto_accept(client: &Client, diags: &mut Diagnostics) {
    let Some(tenants) = tenants::of_caller(client).await else {
        return;
    };
    if tenants.allow_auto_accept_invites() == Some(false) {
        diags.attr_error(
            AttrPath::attr("status"),
            "Members cannot be added as accepted in this tenant",
            "`status = \"accepted\"` adds a member without an invitation, which Cloudflare allows only when the \
             tenant's `allow_auto_accept_invites` entitlement is on, and it is off (see data.cftenant_tenant_entitlements). \
             Use `status = \"pending\"`, or leave it unset, to send an invitation.",
        );
    }
}

/// A replacement removes the member first: the new address must not be a
/// member of the account already.
async fn check_replacement(
    client: &Client,
    prior: &AccountMember,
    planned: &AccountMember,
    diags: &mut Diagnostics,
) {
    let members_path = paths::account_members(&planned.account_id);
    let members = match client.list_all::<ApiMember>(&members_path, &[], 50).await {
        Ok(members) => members,
        Err(e) if e.is_not_found() => {
            return diags.attr_error(
                AttrPath::attr("account_id"),
                "Cannot move the member to an unknown account",
                format!(
                    "Account {} does not exist, or the credentials cannot see it.",
                    planned.account_id
                ),
            )
        }
        Err(e) => {
            return diags
                .0
                .push(api_error("checking the member's new address", &e))
        }
    };
    let taken = members.iter().find(|m| {
        Some(&m.id) != prior.id.as_ref()
            && m.email()
                .is_some_and(|e| checks::same_email(e, &planned.email))
    });
    if let Some(taken) = taken {
        diags.attr_error(
            AttrPath::attr("email"),
            format!("{:?} is already a member of account {}", planned.email, planned.account_id),
            format!(
                "Replacing member {:?} would remove it and then fail to invite {:?}, which is member {} already. \
                 Manage that member here with `terraform import cftenant_account_member.<name> {}/{}`, or choose another email.",
                prior.email, planned.email, taken.id, planned.account_id, taken.id
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::members::ApiUser;

    fn api(status: &str, roles: Option<Vec<&str>>) -> ApiMember {
        ApiMember {
            id: "m".into(),
            email: Some("Ada@Example.com".into()),
            status: Some(MemberStatus::of(status)),
            user: Some(ApiUser {
                id: Some("u".into()),
                email: None,
            }),
            roles: roles.map(|r| r.into_iter().map(|id| IdRef { id: id.into() }).collect()),
            policies: None,
        }
    }

    #[test]
    fn an_accepted_invitation_reads_accepted_and_email_case_is_equivalent() {
        let mut m = AccountMember {
            email: "ada@example.com".into(),
            status: Some(MemberStatus::Pending),
            roles: Some(vec!["r1".into()]),
            ..Default::default()
        };
        m.merge(api("accepted", Some(vec!["r1", "r2"])));
        assert_eq!(m.status, Some(MemberStatus::Accepted));
        assert!(checks::same_email(&m.email, "ada@example.com"));
        assert_eq!(m.roles, Some(vec!["r1".to_string(), "r2".to_string()]));
        assert_eq!(m.user_id.as_deref(), Some("u"));
    }

    #[test]
    fn an_accepted_member_holds_a_wanted_invitation_but_not_the_other_way() {
        assert!(status_holds("accepted", "pending"));
        assert!(status_holds("accepted", "accepted"));
        assert!(status_holds("pending", "pending"));
        assert!(!status_holds("pending", "accepted"));
    }

    #[test]
    fn unset_status_takes_the_servers() {
        let mut m = AccountMember {
            email: "ada@example.com".into(),
            ..Default::default()
        };
        m.merge(api("accepted", None));
        assert_eq!(m.status, Some(MemberStatus::Accepted));
    }

    #[test]
    fn bodies_use_strings_for_post_and_objects_for_put() {
        let roles = vec!["05784afa30c1afe1440e79d9351c7430".to_string()];
        let post = serde_json::to_value(CreateBody {
            email: "a@b.co",
            roles: Some(&roles),
            policies: None,
            status: None,
        })
        .unwrap();
        assert_eq!(
            post,
            serde_json::json!({"email": "a@b.co", "roles": ["05784afa30c1afe1440e79d9351c7430"]})
        );
        let put = serde_json::to_value(UpdateBody::of(&AccountMember {
            roles: Some(roles.clone()),
            ..Default::default()
        }))
        .unwrap();
        assert_eq!(
            put,
            serde_json::json!({"roles": [{"id": "05784afa30c1afe1440e79d9351c7430"}]})
        );
    }

    /// A member with policies has no roles: the API's roles list is empty,
    /// and its policies are what it has (read on import too).
    #[test]
    fn a_member_without_roles_reads_as_its_policies() {
        let api: ApiMember = serde_json::from_value(serde_json::json!({
            "id": "0123456789abcdef0123456789abcdef", "email": "a@b.co", "status": "accepted", "roles": [],
            "policies": [{"id": "p", "access": "allow",
                          "permission_groups": [{"id": "9a7806061c88ada191ed06f989cc3dac", "meta": {}}],
                          "resource_groups": [{"id": "6d7f2f5f5b1d4a0c8b6e3f0a9c1d2e3f", "scope": []}]}],
        }))
        .unwrap();
        let mut m = AccountMember::default();
        m.merge(api);
        assert_eq!(m.roles, None);
        assert_eq!(
            m.policies,
            Some(vec![Policy {
                access: "allow".into(),
                permission_group_ids: vec!["9a7806061c88ada191ed06f989cc3dac".into()],
                resource_group_ids: vec!["6d7f2f5f5b1d4a0c8b6e3f0a9c1d2e3f".into()],
            }])
        );
        let put = serde_json::to_value(UpdateBody::of(&m)).unwrap();
        assert_eq!(
            put,
            serde_json::json!({"policies": [{"access": "allow", "permission_groups": [{"id": "9a7806061c88ada191ed06f989cc3dac"}], "resource_groups": [{"id": "6d7f2f5f5b1d4a0c8b6e3f0a9c1d2e3f"}]}]})
        );
    }

    /// An answer whose id could reach another path is refused, naming it.
    #[test]
    fn a_member_answer_with_a_foreign_id_is_refused() {
        let e = crate::client::decode_for_test::<ApiMember>(serde_json::json!({
            "id": "../../zones/0123456789abcdef0123456789abcdef", "status": "pending",
        }))
        .unwrap_err();
        assert!(
            e.contains("`result.id`") && e.contains("is not a Cloudflare id"),
            "{e}"
        );
    }
}
