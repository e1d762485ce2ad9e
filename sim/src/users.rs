//! Users (reference §4): tenant service users (`POST /users`) and the authenticated
//! user (`GET`/`PATCH /user`). There is deliberately no `/users/{id}` route.

use axum::extract::State;
use axum::Extension;
use serde_json::{json, Value};

use super::auth::Caller;
use super::envelope::{codes, ok, ApiError, ApiResult};
use super::input::{check_max_len, type_name, validate_email, JsonObject};
use super::store::{random_hex, random_id, SimState, User};
use super::subscriptions::zone_plan_legacy_id;
use super::App;

/// Maximum service user email length (same as member emails).
const MAX_EMAIL: usize = 90;
/// Length of a generated global API key (Cloudflare's are 37 hex characters).
const API_KEY_LEN: usize = 37;

/// The `POST /users` result: the only response that contains the `api_key`.
pub fn render_created(user: &User) -> Value {
    json!({
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "username": user.username,
        "telephone": user.telephone,
        "country": user.country,
        "created_on": user.created_on,
        "modified_on": user.modified_on,
        "two_factor_authentication": { "enabled": false, "locked": false },
        "api_key": user.api_key,
    })
}

/// The `GET /user` object (flat 2FA booleans, never the api_key). `has_*_zones` look at
/// the plans of the zones the user can see.
pub fn render_current(user: &User, state: &SimState) -> Value {
    let is_admin = user.id == state.admin.id;
    let visible_zone_plans: Vec<&str> = state
        .zones
        .iter()
        .filter(|z| {
            is_admin
                || state.members.iter().any(|m| {
                    m.account_id == z.account_id && m.email.eq_ignore_ascii_case(&user.email)
                })
        })
        .map(|z| zone_plan_legacy_id(state, &z.id))
        .collect();
    let organizations = if is_admin {
        json!([{
            "id": state.tenant.tenant_tag,
            "name": state.tenant.tenant_name,
            "permissions": ["#organization:read", "#organization:edit", "#zones:read", "#zones:edit", "#billing:read", "#billing:edit"],
            "roles": ["Super Administrator - All Privileges"],
            "status": "member",
        }])
    } else {
        json!([])
    };
    json!({
        "id": user.id,
        "email": user.email,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "telephone": user.telephone,
        "country": user.country,
        "zipcode": user.zipcode,
        "created_on": user.created_on,
        "modified_on": user.modified_on,
        "two_factor_authentication_enabled": false,
        "two_factor_authentication_locked": false,
        "suspended": false,
        "has_pro_zones": visible_zone_plans.iter().any(|p| *p == "pro" || *p == "pro_plus"),
        "has_business_zones": visible_zone_plans.contains(&"business"),
        "has_enterprise_zones": visible_zone_plans.contains(&"enterprise"),
        "betas": [],
        "organizations": organizations,
    })
}

/// `POST /users` — tenant admins only; `{"email"}`.
pub async fn create(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    caller.require_tenant_admin()?;
    let email = match body.get("email") {
        Some(Value::String(e)) if !e.trim().is_empty() => e.trim().to_string(),
        None | Some(Value::Null) | Some(Value::String(_)) => {
            return Err(ApiError::validation("email: is required"))
        }
        Some(other) => {
            return Err(ApiError::validation(format!(
                "email: expected a string, got {}",
                type_name(other)
            )))
        }
    };
    validate_email("email", &email, MAX_EMAIL)?;
    let mut state = app.state.lock().await;
    if state.service_user_by_email(&email).is_some()
        || state.admin.email.eq_ignore_ascii_case(&email)
    {
        return Err(ApiError::bad_request(
            codes::DUPLICATE_USER,
            format!("A user with email {email} already exists"),
        ));
    }
    let now = state.now_rfc3339();
    // A member invited before the user existed keeps its (random) user id everywhere;
    // the new user gets that id so both views agree.
    let id = state
        .user_ids_by_email
        .remove(&email.to_ascii_lowercase())
        .unwrap_or_else(random_id);
    let user = User {
        id,
        email,
        username: random_id(),
        first_name: None,
        last_name: None,
        telephone: None,
        country: None,
        zipcode: None,
        created_on: now.clone(),
        modified_on: now,
        api_key: Some(random_hex(API_KEY_LEN)),
    };
    let rendered = render_created(&user);
    state.users.push(user);
    app.commit(&state)?;
    Ok(ok(rendered))
}

fn caller_user<'a>(state: &'a SimState, caller: &Caller) -> Result<&'a User, ApiError> {
    match caller {
        Caller::TenantAdmin { .. } => Ok(&state.admin),
        Caller::ServiceUser { user_id, .. } => state
            .users
            .iter()
            .find(|u| &u.id == user_id)
            .ok_or_else(super::auth::unauthorized_resource),
    }
}

/// `GET /user` — the authenticated user.
pub async fn current(State(app): State<App>, Extension(caller): Extension<Caller>) -> ApiResult {
    let state = app.state.lock().await;
    Ok(ok(render_current(caller_user(&state, &caller)?, &state)))
}

/// `PATCH /user` — `first_name` (≤60), `last_name` (≤60), `telephone` (≤20),
/// `country` (≤30), `zipcode` (≤20); `null` or `""` clears a field.
pub async fn update_current(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    const FIELDS: [(&str, usize); 5] = [
        ("first_name", 60),
        ("last_name", 60),
        ("telephone", 20),
        ("country", 30),
        ("zipcode", 20),
    ];
    let mut changes: Vec<(&str, Option<String>)> = Vec::new();
    for (key, value) in &body {
        let Some((field, max)) = FIELDS.iter().find(|(f, _)| f == key) else {
            return Err(ApiError::validation(format!(
                "{key}: cannot be changed (PATCH /user accepts first_name, last_name, telephone, country, zipcode)"
            )));
        };
        match value {
            Value::Null => changes.push((field, None)),
            Value::String(s) if s.is_empty() => changes.push((field, None)),
            Value::String(s) => {
                check_max_len(field, s, *max)?;
                changes.push((field, Some(s.clone())));
            }
            other => {
                return Err(ApiError::validation(format!(
                    "{field}: expected a string, got {}",
                    type_name(other)
                )))
            }
        }
    }
    let mut state = app.state.lock().await;
    let user_id = caller_user(&state, &caller)?.id.clone();
    let now = state.now_rfc3339();
    let user = if state.admin.id == user_id {
        &mut state.admin
    } else {
        state
            .users
            .iter_mut()
            .find(|u| u.id == user_id)
            .ok_or_else(super::auth::unauthorized_resource)?
    };
    for (field, value) in changes {
        match field {
            "first_name" => user.first_name = value,
            "last_name" => user.last_name = value,
            "telephone" => user.telephone = value,
            "country" => user.country = value,
            _ => user.zipcode = value,
        }
    }
    user.modified_on = now;
    let rendered = render_current(caller_user(&state, &caller)?, &state);
    app.commit(&state)?;
    Ok(ok(rendered))
}
