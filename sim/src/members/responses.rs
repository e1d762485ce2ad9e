//! Members and roles over HTTP: the roles form (ids as strings on POST,
//! `{"id"}` objects on PUT) and the policies form, read into a grant.

use super::models::{self, role, unknown_role, Grant, MemberChange, MemberQuery, NewMember};
use crate::app::InAccount;
use crate::envelope::{ok, ok_page};
use crate::errors::{ApiError, ApiResult};
use crate::helpers::random_id;
use crate::input::{one_of, opt_array, opt_str, type_name, validate_email, JsonObject, QueryPairs};
use axum::extract::Path;
use serde_json::{json, Map, Value};

/// Maximum member email length.
const MAX_EMAIL: usize = 90;

/// The roles form of POST: an array of role id strings.
fn parse_role_id_strings(raw: &[Value]) -> Result<Vec<String>, ApiError> {
    parse_roles(raw, |i, item| match item {
        Value::String(id) => Ok(id),
        other => Err(ApiError::validation(format!(
            "roles[{i}]: expected a role id string, got {}",
            type_name(other)
        ))),
    })
}

/// The roles form of PUT: an array of `{"id": role_id}` objects — plain strings are
/// rejected, as the real API does.
fn parse_role_objects(raw: &[Value]) -> Result<Vec<String>, ApiError> {
    parse_roles(raw, |i, item| {
        match item {
        Value::Object(obj) => match obj.get("id") {
            Some(Value::String(id)) => Ok(id),
            _ => Err(ApiError::validation(format!("roles[{i}].id: is required and must be a string"))),
        },
        Value::String(_) => Err(ApiError::validation(format!(
            "roles[{i}]: expected an object {{\"id\": \"<role_id>\"}}, got a string (PUT takes role objects, unlike POST)"
        ))),
        other => Err(ApiError::validation(format!(
            "roles[{i}]: expected an object {{\"id\": \"<role_id>\"}}, got {}",
            type_name(other)
        ))),
    }
    })
}

/// The role ids `id_of` reads from each item, each a known role (400 / 1009
/// otherwise), repeated ids once.
fn parse_roles<'a>(
    raw: &'a [Value],
    id_of: impl Fn(usize, &'a Value) -> Result<&'a String, ApiError>,
) -> Result<Vec<String>, ApiError> {
    let mut ids = Vec::new();
    for (i, item) in raw.iter().enumerate() {
        let id = id_of(i, item)?;
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

/// `POST /accounts/{account_id}/members`
pub async fn create(account: InAccount, JsonObject(body): JsonObject) -> ApiResult {
    let email = opt_str(&body, "email")?
        .filter(|e| !e.trim().is_empty())
        .ok_or_else(|| ApiError::validation("email: is required"))?
        .trim()
        .to_string();
    validate_email("email", &email, MAX_EMAIL)?;
    let grant = parse_grant(&body, parse_role_id_strings)?;
    let status = opt_str(&body, "status")?.unwrap_or("pending");
    let status = one_of(
        "status",
        status,
        &["accepted", "pending"],
        "'accepted' or 'pending'",
    )?;
    let new = NewMember {
        email,
        grant,
        status,
    };
    account
        .write(|state, id| models::create(state, id, new))
        .await
        .map(ok)
}

/// `GET /accounts/{account_id}/members` — `status` filter, `order`
/// (`user.email|status|user.first_name|user.last_name`; default creation order),
/// `direction`, `page`, `per_page` (5–50).
pub async fn list(account: InAccount, query: QueryPairs) -> ApiResult {
    let page = query.page_request(20, 5, 50)?;
    let descending = query.descending()?;
    let statuses = ["accepted", "pending", "rejected"];
    let status = query.one_of("status", &statuses, "accepted, pending or rejected")?;
    let orders = ["user.email", "status", "user.first_name", "user.last_name"];
    let order = query.one_of(
        "order",
        &orders,
        "user.first_name, user.last_name, user.email or status",
    )?;
    let members = MemberQuery {
        status,
        order,
        descending,
    };
    let items = account
        .read(|state, id| Ok(models::list(state, id, &members)))
        .await?;
    Ok(ok_page(items, page, account.dialect()))
}

/// `GET /accounts/{account_id}/members/{member_id}`
pub async fn get_one(
    account: InAccount,
    Path((_, member_id)): Path<(String, String)>,
) -> ApiResult {
    account
        .read(|state, id| models::get(state, id, &member_id))
        .await
        .map(ok)
}

/// `PUT /accounts/{account_id}/members/{member_id}` — `{"roles": [{"id": …}]}` or
/// `{"policies": […]}`; email and status cannot change (sending the current value is
/// accepted).
pub async fn update(
    account: InAccount,
    Path((_, member_id)): Path<(String, String)>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let change = MemberChange {
        grant: parse_grant(&body, parse_role_objects)?,
        email: opt_str(&body, "email")?.map(str::to_string),
        status: opt_str(&body, "status")?.map(str::to_string),
    };
    account
        .write(|state, id| models::update(state, id, &member_id, change))
        .await
        .map(ok)
}

/// `DELETE /accounts/{account_id}/members/{member_id}`
pub async fn delete_one(
    account: InAccount,
    Path((_, member_id)): Path<(String, String)>,
) -> ApiResult {
    account
        .write(|state, id| models::delete(state, id, &member_id))
        .await
        .map(ok)
}

/// `GET /accounts/{account_id}/roles` — paginated (`per_page` 5–50, default 20).
pub async fn list_roles(account: InAccount, query: QueryPairs) -> ApiResult {
    let page = query.page_request(20, 5, 50)?;
    let items = account.read(|state, _| Ok(models::roles(state))).await?;
    Ok(ok_page(items, page, account.dialect()))
}

/// `GET /accounts/{account_id}/roles/{role_id}`
pub async fn get_role(account: InAccount, Path((_, role_id)): Path<(String, String)>) -> ApiResult {
    account
        .read(|state, _| models::get_role(state, &role_id))
        .await
        .map(ok)
}

/// `GET /accounts/{account_id}/iam/permission_groups` — paginated
/// (`per_page` 5–50, default 20), filtered by `id` and `name`.
pub async fn list_permission_groups(account: InAccount, query: QueryPairs) -> ApiResult {
    let page = query.page_request(20, 5, 50)?;
    let items = account
        .read(|_, _| {
            Ok(models::permission_groups(
                query.get("id"),
                query.get("name"),
            ))
        })
        .await?;
    Ok(ok_page(items, page, account.dialect()))
}

/// `GET /accounts/{account_id}/iam/resource_groups` — one page, filtered by
/// `id` and `name`.
pub async fn list_resource_groups(account: InAccount, query: QueryPairs) -> ApiResult {
    account
        .read(|_, account_id| {
            Ok(json!(models::resource_groups(
                account_id,
                query.get("id"),
                query.get("name")
            )))
        })
        .await
        .map(ok)
}
