//! Account members and roles (reference §3): the role catalog, the
//! operations on members, and their rendering.

use super::records::Member;
use crate::dialect::Dialect;
use crate::errors::{codes, ApiError};
use crate::helpers::{derive_hex, random_id};
use crate::store::SimState;
use crate::users;
use serde_json::{json, Map, Value};

/// The permission keys of a role, in the order the API lists them.
const PERMISSION_KEYS: [&str; 12] = [
    "analytics",
    "billing",
    "cache_purge",
    "dns",
    "dns_records",
    "lb",
    "logs",
    "organization",
    "ssl",
    "waf",
    "zone_settings",
    "zones",
];

/// A role every account has. Ids are the same in every account (the Administrator id is
/// the documented constant; the others are fixed simulator values).
pub struct Role {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    /// Permission keys with read access.
    pub read: &'static [&'static str],
    /// Permission keys with write access.
    pub write: &'static [&'static str],
}

/// The documented constant id of the Administrator role.
pub const ADMINISTRATOR_ROLE_ID: &str = "05784afa30c1afe1440e79d9351c7430";

pub const ROLES: &[Role] = &[
    Role {
        id: "1bdae932431dce82aa4498b71c2d9e1a",
        name: "Super Administrator - All Privileges",
        description: "Can edit any Cloudflare setting, make purchases, update billing, and manage memberships. Super Administrators can revoke the access of other Super Administrators.",
        read: &PERMISSION_KEYS,
        write: &PERMISSION_KEYS,
    },
    Role {
        id: ADMINISTRATOR_ROLE_ID,
        name: "Administrator",
        description: "Can access the full account, except for membership management and billing.",
        read: &PERMISSION_KEYS,
        write: &[
            "analytics", "cache_purge", "dns", "dns_records", "lb", "logs", "ssl", "waf", "zone_settings", "zones",
        ],
    },
    Role {
        id: "783ce15b5beb95f6060b56ece9263396",
        name: "Administrator Read Only",
        description: "Can access the full account in read-only mode.",
        read: &PERMISSION_KEYS,
        write: &[],
    },
    Role {
        id: "99a3585b4327afcd08d79f2217c7d2b2",
        name: "Billing",
        description: "Can edit the account's billing profile and subscriptions.",
        read: &["billing", "organization", "zones"],
        write: &["billing"],
    },
    Role {
        id: "df735363451cb44a10ef3ce444c0dc3f",
        name: "DNS",
        description: "Can edit DNS records.",
        read: &["dns", "dns_records", "zones"],
        write: &["dns", "dns_records"],
    },
    Role {
        id: "9f201e5991c4848f1824d9f41287b278",
        name: "Analytics",
        description: "Can read Analytics.",
        read: &["analytics", "logs", "zones"],
        write: &[],
    },
    Role {
        id: "6639aeb9b6757cd07e472910fe9006bc",
        name: "Cache Purge",
        description: "Can purge the edge cache.",
        read: &["cache_purge", "zones"],
        write: &["cache_purge"],
    },
];

pub fn role(id: &str) -> Option<&'static Role> {
    ROLES.iter().find(|r| r.id == id)
}

/// A role. Each permission is `{read, write}` as documented, or `{read,
/// edit}` in the observed dialect, as the recorded answers have it (corpus
/// 12–15, 18).
pub fn render_role(role: &Role, dialect: Dialect) -> Value {
    let write_key = if dialect.is_observed() {
        "edit"
    } else {
        "write"
    };
    let permissions: Map<String, Value> = PERMISSION_KEYS
        .iter()
        .map(|key| {
            (
                key.to_string(),
                json!({ "read": role.read.contains(key), write_key: role.write.contains(key) }),
            )
        })
        .collect();
    json!({
        "id": role.id,
        "name": role.name,
        "description": role.description,
        "permissions": permissions,
    })
}

/// Policies derived from roles (the API derives policies from roles; ids are
/// deterministic so repeated reads agree).
fn derived_policies(member: &Member) -> Vec<Value> {
    member
        .role_ids
        .iter()
        .filter_map(|id| role(id))
        .map(|role| {
            json!({
                "id": derive_hex(&["policy", &member.id, role.id]),
                "access": "allow",
                "permission_groups": [permission_group(role)],
                "resource_groups": [account_resource_group(&member.account_id)],
            })
        })
        .collect()
}

/// Policies as given, their resource groups with a scope. The simulator
/// knows no resource groups: each one named reads as the whole account.
fn given_policies(member: &Member, policies: &[Value]) -> Vec<Value> {
    let scope = format!("com.cloudflare.api.account.{}", member.account_id);
    policies
        .iter()
        .map(|policy| {
            let mut policy = policy.clone();
            if let Some(groups) = policy["resource_groups"].as_array_mut() {
                for group in groups {
                    group["scope"] = json!({ "key": scope, "objects": [{ "key": "*" }] });
                }
            }
            policy
        })
        .collect()
}

/// The invitation code of a member: 64 hex characters, derived from its
/// (random) id, so that every read shows the same one.
fn invitation_code(member: &Member) -> String {
    format!(
        "{}{}",
        derive_hex(&["invitation", &member.id, "1"]),
        derive_hex(&["invitation", &member.id, "2"])
    )
}

/// The member object of §3.1. `include_roles = false` reproduces the POST bug
/// the reference documents: the response has no `roles` key at all. The
/// observed dialect renders [`render_observed`] instead.
pub fn render(member: &Member, state: &SimState, include_roles: bool) -> Value {
    if state.dialect.is_observed() {
        return render_observed(member, state);
    }
    let mut value = json!({
        "id": member.id,
        "email": member.email,
        "status": member.status,
        "user": {
            "id": member.user_id,
            "email": member.email,
            "first_name": null,
            "last_name": null,
            "two_factor_authentication_enabled": false,
        },
        "policies": member
            .policies
            .as_ref()
            .map_or_else(|| derived_policies(member), |p| given_policies(member, p)),
    });
    // A service user created after the invitation still shows up as the member's user.
    if let Some(user) = state.users.by_email(&member.email) {
        value["user"]["id"] = json!(user.id);
        value["user"]["first_name"] = json!(user.first_name);
        value["user"]["last_name"] = json!(user.last_name);
    }
    if include_roles {
        value["roles"] = member
            .role_ids
            .iter()
            .filter_map(|id| role(id))
            .map(|role| render_role(role, state.dialect))
            .collect();
    }
    value
}

/// The member as the recorded answers show it (corpus 12–15), for every
/// answer (POST included, which shows the roles there): no top-level
/// `email`; an invitation `code`; `user.id` and the names `null` while the
/// invitation is pending; `policies` only for a member granted policies.
fn render_observed(member: &Member, state: &SimState) -> Value {
    let pending = member.status == "pending";
    let user = state.users.by_email(&member.email);
    let mut value = json!({
        "id": member.id,
        "code": invitation_code(member),
        "user": {
            "id": if pending { None } else { Some(&member.user_id) },
            "first_name": user.filter(|_| !pending).and_then(|u| u.first_name.clone()),
            "last_name": user.filter(|_| !pending).and_then(|u| u.last_name.clone()),
            "email": member.email,
            "two_factor_authentication_enabled": false,
        },
        "status": member.status,
        "roles": member
            .role_ids
            .iter()
            .filter_map(|id| role(id))
            .map(|role| render_role(role, state.dialect))
            .collect::<Vec<_>>(),
    });
    if let (false, Some(user)) = (pending, user) {
        value["user"]["id"] = json!(user.id);
    }
    if let Some(policies) = &member.policies {
        value["policies"] = json!(given_policies(member, policies));
    }
    value
}

pub fn unknown_role(id: &str) -> ApiError {
    ApiError::bad_request(
        codes::UNKNOWN_ROLE,
        format!(
            "Role '{id}' is not a role of this account (see GET /accounts/{{account_id}}/roles)"
        ),
    )
}

/// What a member is granted: exactly one of a non-empty `roles` or
/// `policies` array.
pub enum Grant {
    Roles(Vec<String>),
    Policies(Vec<Value>),
}

/// A validated `POST /accounts/{account_id}/members` body.
pub struct NewMember {
    pub email: String,
    pub grant: Grant,
    pub status: &'static str,
}

/// A validated `PUT` body: a new grant; email and status may be repeated,
/// not changed.
pub struct MemberChange {
    pub grant: Grant,
    pub email: Option<String>,
    pub status: Option<String>,
}

pub fn create(state: &mut SimState, account_id: &str, new: NewMember) -> Result<Value, ApiError> {
    if new.status == "accepted" && !state.tenant.entitlements.allow_auto_accept_invites {
        // As the live API was recorded answering it, `result: []` included.
        return Err(ApiError::bad_request(
            codes::AUTO_ACCEPT_NOT_ALLOWED,
            "Invalid request: automatic verification of new members is not allowed",
        )
        .with_result(json!([])));
    }
    if state.members.has_email(account_id, &new.email) {
        return Err(ApiError::bad_request(
            codes::DUPLICATE_MEMBER,
            format!("{} is already a member of this account", new.email),
        ));
    }
    let user_id = users::models::user_id_for_email(state, &new.email);
    let mut member = Member {
        id: random_id(),
        account_id: account_id.to_string(),
        email: new.email,
        status: new.status.to_string(),
        user_id,
        role_ids: Vec::new(),
        policies: None,
        created_on: state.clock.now_rfc3339(),
    };
    grant(&mut member, new.grant);
    // The real POST answers without the roles (a known bug).
    let rendered = render(&member, state, false);
    state.members.push(member);
    Ok(rendered)
}

/// Gives the member exactly what `grant` says: roles, or policies.
fn grant(member: &mut Member, grant: Grant) {
    (member.role_ids, member.policies) = match grant {
        Grant::Roles(ids) => (ids, None),
        Grant::Policies(policies) => (Vec::new(), Some(policies)),
    };
}

/// What `GET /accounts/{account_id}/members` asks for.
pub struct MemberQuery<'a> {
    pub status: Option<&'a str>,
    /// By `user.email` or `status` (members have no names in the
    /// simulator); otherwise creation order.
    pub order: Option<&'a str>,
    pub descending: bool,
}

pub fn list(state: &SimState, account_id: &str, query: &MemberQuery) -> Vec<Value> {
    let mut members: Vec<&Member> = state
        .members
        .iter()
        .filter(|m| m.account_id == account_id)
        .filter(|m| query.status.is_none_or(|s| m.status == s))
        .collect();
    match query.order {
        Some("user.email") => members.sort_by_key(|m| m.email.to_lowercase()),
        Some("status") => members.sort_by(|a, b| a.status.cmp(&b.status)),
        _ => {}
    }
    if query.descending {
        members.reverse();
    }
    members
        .into_iter()
        .map(|m| render(m, state, true))
        .collect()
}

pub fn get(state: &SimState, account_id: &str, member_id: &str) -> Result<Value, ApiError> {
    Ok(render(
        state.members.by_id(account_id, member_id)?,
        state,
        true,
    ))
}

/// The member's invitation accepted, as when its person follows the link
/// (`POST /__sim/accounts/{account_id}/members/{member_id}/accept`); an
/// accepted member stays so.
pub fn accept(state: &mut SimState, account_id: &str, member_id: &str) -> Result<Value, ApiError> {
    state.members.by_id_mut(account_id, member_id)?.status = "accepted".into();
    get(state, account_id, member_id)
}

/// A new grant; the email and the status may be repeated, not changed.
pub fn update(
    state: &mut SimState,
    account_id: &str,
    member_id: &str,
    change: MemberChange,
) -> Result<Value, ApiError> {
    let member = state.members.by_id_mut(account_id, member_id)?;
    if let Some(email) = &change.email {
        if !email.eq_ignore_ascii_case(&member.email) {
            return Err(ApiError::validation(
                "email: cannot be changed; delete the member and add the new email",
            ));
        }
    }
    if let Some(status) = &change.status {
        if *status != member.status {
            return Err(ApiError::validation("status: cannot be changed with PUT"));
        }
    }
    grant(member, change.grant);
    get(state, account_id, member_id)
}

pub fn delete(state: &mut SimState, account_id: &str, member_id: &str) -> Result<Value, ApiError> {
    state.members.by_id(account_id, member_id)?;
    state
        .members
        .remove_where(|m| m.account_id == account_id && m.id == member_id);
    Ok(json!({ "id": member_id }))
}

/// Removes every member of the account (the account is being deleted).
pub fn delete_all_of_account(state: &mut SimState, account_id: &str) {
    state.members.remove_where(|m| m.account_id == account_id);
}

/// The permission group of a role: each role grants one, with an id
/// derived from the role's, the same in every account.
fn permission_group(role: &Role) -> Value {
    json!({
        "id": derive_hex(&["permission_group", role.id]),
        "name": role.name,
        "meta": { "key": "role", "value": role.id },
    })
}

/// The one resource group the simulator knows in an account: the whole
/// account.
fn account_resource_group(account_id: &str) -> Value {
    let scope = format!("com.cloudflare.api.account.{account_id}");
    json!({
        "id": derive_hex(&["resource_group", account_id]),
        "name": scope,
        "scope": { "key": scope, "objects": [{ "key": "*" }] },
        "meta": { "key": "", "value": "" },
    })
}

/// Whether a group matches the list's `id` and `name` filters.
fn matches(group: &Value, id: Option<&str>, name: Option<&str>) -> bool {
    id.is_none_or(|id| group["id"] == id) && name.is_none_or(|name| group["name"] == name)
}

/// `GET /accounts/{id}/iam/permission_groups`: one group per role.
pub fn permission_groups(id: Option<&str>, name: Option<&str>) -> Vec<Value> {
    ROLES
        .iter()
        .map(permission_group)
        .filter(|g| matches(g, id, name))
        .collect()
}

/// `GET /accounts/{id}/iam/resource_groups`.
pub fn resource_groups(account_id: &str, id: Option<&str>, name: Option<&str>) -> Vec<Value> {
    vec![account_resource_group(account_id)]
        .into_iter()
        .filter(|g| matches(g, id, name))
        .collect()
}

pub fn roles(state: &SimState) -> Vec<Value> {
    ROLES
        .iter()
        .map(|role| render_role(role, state.dialect))
        .collect()
}

pub fn get_role(state: &SimState, role_id: &str) -> Result<Value, ApiError> {
    let role = role(role_id).ok_or_else(|| {
        ApiError::not_found(codes::ROLE_NOT_FOUND, format!("Role not found: {role_id}"))
    })?;
    Ok(render_role(role, state.dialect))
}
