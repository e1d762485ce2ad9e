//! Account members and roles (reference §3).

use axum::extract::{Path, State};
use axum::Extension;
use serde_json::{json, Map, Value};

use super::auth::Caller;
use super::envelope::{codes, ok, ok_page, ApiError, ApiResult};
use super::input::{opt_array, opt_str, type_name, validate_email, JsonObject, QueryPairs};
use super::store::{derive_hex, random_id, Member, SimState};
use super::App;

/// Maximum member email length.
const MAX_EMAIL: usize = 90;

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

pub fn render_role(role: &Role) -> Value {
    let permissions: Map<String, Value> = PERMISSION_KEYS
        .iter()
        .map(|key| {
            (
                key.to_string(),
                json!({ "read": role.read.contains(key), "write": role.write.contains(key) }),
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
    let scope = format!("com.cloudflare.api.account.{}", member.account_id);
    member
        .role_ids
        .iter()
        .filter_map(|id| role(id))
        .map(|role| {
            json!({
                "id": derive_hex(&["policy", &member.id, role.id]),
                "access": "allow",
                "permission_groups": [{
                    "id": derive_hex(&["permission_group", role.id]),
                    "name": role.name,
                    "meta": { "key": "role", "value": role.id },
                }],
                "resource_groups": [{
                    "id": derive_hex(&["resource_group", &member.account_id]),
                    "name": scope,
                    "scope": { "key": scope, "objects": [{ "key": "*" }] },
                    "meta": { "key": "", "value": "" },
                }],
            })
        })
        .collect()
}

/// The member object of §3.1. `include_roles = false` reproduces the real POST bug:
/// the response has no `roles` key at all.
pub fn render(member: &Member, state: &SimState, include_roles: bool) -> Value {
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
        "policies": member.policies.clone().unwrap_or_else(|| derived_policies(member)),
    });
    // A service user created after the invitation still shows up as the member's user.
    if let Some(user) = state.service_user_by_email(&member.email) {
        value["user"]["id"] = json!(user.id);
        value["user"]["first_name"] = json!(user.first_name);
        value["user"]["last_name"] = json!(user.last_name);
    }
    if include_roles {
        value["roles"] = member
            .role_ids
            .iter()
            .filter_map(|id| role(id))
            .map(render_role)
            .collect();
    }
    value
}

fn unknown_role(id: &str) -> ApiError {
    ApiError::bad_request(
        codes::UNKNOWN_ROLE,
        format!(
            "Role '{id}' is not a role of this account (see GET /accounts/{{account_id}}/roles)"
        ),
    )
}

/// The roles form of POST: an array of role id strings.
fn parse_role_id_strings(raw: &[Value]) -> Result<Vec<String>, ApiError> {
    let mut ids = Vec::new();
    for (i, item) in raw.iter().enumerate() {
        let Value::String(id) = item else {
            return Err(ApiError::validation(format!(
                "roles[{i}]: expected a role id string, got {}",
                type_name(item)
            )));
        };
        if role(id).is_none() {
            return Err(unknown_role(id));
        }
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    Ok(ids)
}

/// The roles form of PUT: an array of `{"id": role_id}` objects — plain strings are
/// rejected, as the real API does.
fn parse_role_objects(raw: &[Value]) -> Result<Vec<String>, ApiError> {
    let mut ids = Vec::new();
    for (i, item) in raw.iter().enumerate() {
        let id = match item {
            Value::Object(obj) => match obj.get("id") {
                Some(Value::String(id)) => id,
                _ => return Err(ApiError::validation(format!("roles[{i}].id: is required and must be a string"))),
            },
            Value::String(_) => {
                return Err(ApiError::validation(format!(
                    "roles[{i}]: expected an object {{\"id\": \"<role_id>\"}}, got a string (PUT takes role objects, unlike POST)"
                )))
            }
            other => {
                return Err(ApiError::validation(format!(
                    "roles[{i}]: expected an object {{\"id\": \"<role_id>\"}}, got {}",
                    type_name(other)
                )))
            }
        };
        if role(id).is_none() {
            return Err(unknown_role(id));
        }
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    Ok(ids)
}

/// The policies form: `[{access, permission_groups: [{id}], resource_groups: [{id}]}]`,
/// stored normalised with a generated policy id.
fn parse_policies(raw: &[Value]) -> Result<Vec<Value>, ApiError> {
    let id_list =
        |obj: &Map<String, Value>, field: &str, at: &str| -> Result<Vec<Value>, ApiError> {
            let items = opt_array(obj, field)
                .map_err(|e| ApiError::validation(format!("{at}.{}", e.message)))?;
            let items = items.filter(|a| !a.is_empty()).ok_or_else(|| {
                ApiError::validation(format!("{at}.{field}: must be a non-empty array"))
            })?;
            items
                .iter()
                .enumerate()
                .map(|(j, item)| match item.get("id") {
                    Some(Value::String(id)) if !id.is_empty() => Ok(json!({ "id": id })),
                    _ => Err(ApiError::validation(format!(
                        "{at}.{field}[{j}].id: is required and must be a string"
                    ))),
                })
                .collect()
        };
    let mut policies = Vec::new();
    for (i, item) in raw.iter().enumerate() {
        let at = format!("policies[{i}]");
        let Value::Object(obj) = item else {
            return Err(ApiError::validation(format!("{at}: expected an object")));
        };
        let access = match obj.get("access") {
            Some(Value::String(a)) if a == "allow" || a == "deny" => a.clone(),
            _ => {
                return Err(ApiError::validation(format!(
                    "{at}.access: must be 'allow' or 'deny'"
                )))
            }
        };
        policies.push(json!({
            "id": random_id(),
            "access": access,
            "permission_groups": id_list(obj, "permission_groups", &at)?,
            "resource_groups": id_list(obj, "resource_groups", &at)?,
        }));
    }
    Ok(policies)
}

/// Exactly one of a non-empty `roles` or `policies` array.
enum Grant {
    Roles(Vec<String>),
    Policies(Vec<Value>),
}

fn parse_grant(
    body: &Map<String, Value>,
    role_parser: fn(&[Value]) -> Result<Vec<String>, ApiError>,
) -> Result<Grant, ApiError> {
    match (opt_array(body, "roles")?, opt_array(body, "policies")?) {
        (Some(_), Some(_)) => Err(ApiError::validation(
            "roles, policies: send exactly one of them, not both",
        )),
        (Some(roles), None) if !roles.is_empty() => Ok(Grant::Roles(role_parser(roles)?)),
        (None, Some(policies)) if !policies.is_empty() => {
            Ok(Grant::Policies(parse_policies(policies)?))
        }
        (Some(_), None) => Err(ApiError::validation(
            "roles: must contain at least one role id",
        )),
        (None, Some(_)) => Err(ApiError::validation(
            "policies: must contain at least one policy",
        )),
        (None, None) => Err(ApiError::validation("roles: is required (or policies)")),
    }
}

fn find_member<'a>(
    state: &'a SimState,
    account_id: &str,
    member_id: &str,
) -> Result<&'a Member, ApiError> {
    state
        .members
        .iter()
        .find(|m| m.account_id == account_id && m.id == member_id)
        .ok_or_else(|| {
            ApiError::not_found(
                codes::MEMBER_NOT_FOUND,
                format!("Member not found: {member_id}"),
            )
        })
}

/// `POST /accounts/{account_id}/members`
pub async fn create(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(account_id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let email = opt_str(&body, "email")?
        .filter(|e| !e.trim().is_empty())
        .ok_or_else(|| ApiError::validation("email: is required"))?
        .trim()
        .to_string();
    validate_email("email", &email, MAX_EMAIL)?;
    let grant = parse_grant(&body, parse_role_id_strings)?;
    let status = match opt_str(&body, "status")? {
        None | Some("pending") => "pending",
        Some("accepted") => "accepted",
        Some(other) => {
            return Err(ApiError::validation(format!(
                "status: must be 'accepted' or 'pending', got '{other}'"
            )))
        }
    };

    let mut state = app.state.lock().await;
    caller.check_account(&state, &account_id)?;
    if status == "accepted" && !state.tenant.entitlements.allow_auto_accept_invites {
        return Err(ApiError::bad_request(
            codes::AUTO_ACCEPT_NOT_ALLOWED,
            "status 'accepted' requires the tenant entitlement allow_auto_accept_invites; invite with status 'pending' instead",
        ));
    }
    if state
        .members
        .iter()
        .any(|m| m.account_id == account_id && m.email.eq_ignore_ascii_case(&email))
    {
        return Err(ApiError::bad_request(
            codes::DUPLICATE_MEMBER,
            format!("{email} is already a member of this account"),
        ));
    }
    let user_id = state.user_id_for_email(&email);
    let (role_ids, policies) = match grant {
        Grant::Roles(ids) => (ids, None),
        Grant::Policies(policies) => (Vec::new(), Some(policies)),
    };
    let member = Member {
        id: random_id(),
        account_id,
        email,
        status: status.to_string(),
        user_id,
        role_ids,
        policies,
        created_on: state.now_rfc3339(),
    };
    let rendered = render(&member, &state, false);
    state.members.push(member);
    app.commit(&state)?;
    Ok(ok(rendered))
}

/// `GET /accounts/{account_id}/members` — `status` filter, `order`
/// (`user.email|status|user.first_name|user.last_name`; default creation order),
/// `direction`, `page`, `per_page` (5–50).
pub async fn list(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(account_id): Path<String>,
    query: QueryPairs,
) -> ApiResult {
    let page = query.page_request(20, 5, 50)?;
    let descending = query.descending()?;
    let status = match query.get("status") {
        None => None,
        Some(s @ ("accepted" | "pending" | "rejected")) => Some(s),
        Some(other) => {
            return Err(ApiError::validation(format!(
                "status: must be accepted, pending or rejected, got '{other}'"
            )))
        }
    };
    let order = query.get("order");
    if let Some(order) = order {
        if !["user.email", "status", "user.first_name", "user.last_name"].contains(&order) {
            return Err(ApiError::validation(format!(
                "order: must be user.first_name, user.last_name, user.email or status, got '{order}'"
            )));
        }
    }
    let state = app.state.lock().await;
    caller.check_account(&state, &account_id)?;
    let mut members: Vec<&Member> = state
        .members
        .iter()
        .filter(|m| m.account_id == account_id)
        .filter(|m| status.is_none_or(|s| m.status == s))
        .collect();
    match order {
        Some("user.email") => members.sort_by_key(|m| m.email.to_lowercase()),
        Some("status") => members.sort_by(|a, b| a.status.cmp(&b.status)),
        // Members have no first/last names in the simulator: creation order.
        _ => {}
    }
    if descending {
        members.reverse();
    }
    let items = members
        .into_iter()
        .map(|m| render(m, &state, true))
        .collect();
    Ok(ok_page(items, page))
}

/// `GET /accounts/{account_id}/members/{member_id}`
pub async fn get_one(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((account_id, member_id)): Path<(String, String)>,
) -> ApiResult {
    let state = app.state.lock().await;
    caller.check_account(&state, &account_id)?;
    Ok(ok(render(
        find_member(&state, &account_id, &member_id)?,
        &state,
        true,
    )))
}

/// `PUT /accounts/{account_id}/members/{member_id}` — `{"roles": [{"id": …}]}` or
/// `{"policies": […]}`; email and status cannot change (sending the current value is
/// accepted).
pub async fn update(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((account_id, member_id)): Path<(String, String)>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let grant = parse_grant(&body, parse_role_objects)?;
    let mut state = app.state.lock().await;
    caller.check_account(&state, &account_id)?;
    let member = find_member(&state, &account_id, &member_id)?;
    if let Some(email) = opt_str(&body, "email")? {
        if !email.eq_ignore_ascii_case(&member.email) {
            return Err(ApiError::validation(
                "email: cannot be changed; delete the member and add the new email",
            ));
        }
    }
    if let Some(status) = opt_str(&body, "status")? {
        if status != member.status {
            return Err(ApiError::validation("status: cannot be changed with PUT"));
        }
    }
    let member = state
        .members
        .iter_mut()
        .find(|m| m.account_id == account_id && m.id == member_id)
        .ok_or_else(|| {
            ApiError::not_found(
                codes::MEMBER_NOT_FOUND,
                format!("Member not found: {member_id}"),
            )
        })?;
    match grant {
        Grant::Roles(ids) => {
            member.role_ids = ids;
            member.policies = None;
        }
        Grant::Policies(policies) => {
            member.role_ids = Vec::new();
            member.policies = Some(policies);
        }
    }
    let rendered = render(find_member(&state, &account_id, &member_id)?, &state, true);
    app.commit(&state)?;
    Ok(ok(rendered))
}

/// `DELETE /accounts/{account_id}/members/{member_id}`
pub async fn delete_one(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((account_id, member_id)): Path<(String, String)>,
    body: axum::body::Body,
) -> ApiResult {
    super::input::discard_body(body).await;
    let mut state = app.state.lock().await;
    caller.check_account(&state, &account_id)?;
    find_member(&state, &account_id, &member_id)?;
    state
        .members
        .retain(|m| !(m.account_id == account_id && m.id == member_id));
    app.commit(&state)?;
    Ok(ok(json!({ "id": member_id })))
}

/// `GET /accounts/{account_id}/roles` — paginated (`per_page` 5–50, default 20).
pub async fn list_roles(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(account_id): Path<String>,
    query: QueryPairs,
) -> ApiResult {
    let page = query.page_request(20, 5, 50)?;
    let state = app.state.lock().await;
    caller.check_account(&state, &account_id)?;
    Ok(ok_page(ROLES.iter().map(render_role).collect(), page))
}

/// `GET /accounts/{account_id}/roles/{role_id}`
pub async fn get_role(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((account_id, role_id)): Path<(String, String)>,
) -> ApiResult {
    let state = app.state.lock().await;
    caller.check_account(&state, &account_id)?;
    let role = role(&role_id).ok_or_else(|| {
        ApiError::not_found(codes::ROLE_NOT_FOUND, format!("Role not found: {role_id}"))
    })?;
    Ok(ok(render_role(role)))
}
