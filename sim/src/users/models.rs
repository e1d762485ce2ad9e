//! Users (reference §4): the operations on tenant service users and the
//! authenticated user, the user id each member email shows, and their
//! rendering.

use super::records::User;
use crate::auth::{unauthorized_resource, Caller};
use crate::errors::{codes, ApiError};
use crate::helpers::{random_hex, random_id};
use crate::store::SimState;
use crate::subscriptions::zone_rate_plan_legacy_id;
use serde_json::{json, Value};

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
/// the rate plans of the zones the user can see.
pub fn render_current(user: &User, state: &SimState) -> Value {
    let is_admin = user.id == state.admin.id;
    let visible_zone_rate_plans: Vec<&str> = state
        .zones
        .iter()
        .filter(|z| is_admin || state.members.has_email(&z.account_id, &user.email))
        .map(|z| zone_rate_plan_legacy_id(state, &z.id))
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
        "has_pro_zones": visible_zone_rate_plans.iter().any(|p| *p == "pro" || *p == "pro_plus"),
        "has_business_zones": visible_zone_rate_plans.contains(&"business"),
        "has_enterprise_zones": visible_zone_rate_plans.contains(&"enterprise"),
        "betas": [],
        "organizations": organizations,
    })
}

pub fn caller_user<'a>(state: &'a SimState, caller: &Caller) -> Result<&'a User, ApiError> {
    match caller {
        Caller::TenantAdmin { .. } => Ok(&state.admin),
        Caller::ServiceUser { user_id, .. } => state
            .users
            .iter()
            .find(|u| &u.id == user_id)
            .ok_or_else(unauthorized_resource),
    }
}

/// The `user.id` shown for a member email: the service user's id if there is one, the
/// tenant admin's id for the admin email, otherwise a random id remembered per email.
pub fn user_id_for_email(state: &mut SimState, email: &str) -> String {
    if let Some(user) = state.users.by_email(email) {
        return user.id.clone();
    }
    if state.admin.email.eq_ignore_ascii_case(email) {
        return state.admin.id.clone();
    }
    state
        .user_ids_by_email
        .entry(email.to_ascii_lowercase())
        .or_insert_with(random_id)
        .clone()
}

/// A tenant service user. A member invited before the user existed keeps its (random)
/// user id everywhere: the new user gets that id so both views agree.
pub fn create(state: &mut SimState, email: String) -> Result<Value, ApiError> {
    if state.users.by_email(&email).is_some() || state.admin.email.eq_ignore_ascii_case(&email) {
        return Err(ApiError::bad_request(
            codes::DUPLICATE_USER,
            format!("A user with email {email} already exists"),
        ));
    }
    let now = state.clock.now_rfc3339();
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
    Ok(rendered)
}

/// Removes a service user, as Cloudflare support would: its API key stops working at
/// once (403 / 9103). Its email keeps the user id it had, so members already made for
/// that email still show it (as for any email without a user).
pub fn remove_service_user(state: &mut SimState, user_id: &str) -> Result<User, ApiError> {
    let at = state
        .users
        .iter()
        .position(|u| u.id == user_id)
        .ok_or_else(|| {
            ApiError::not_found(
                codes::USER_NOT_FOUND,
                format!("No service user with id {user_id}"),
            )
        })?;
    let user = state.users.remove(at);
    state
        .user_ids_by_email
        .insert(user.email.to_ascii_lowercase(), user.id.clone());
    Ok(user)
}

pub fn current(state: &SimState, caller: &Caller) -> Result<Value, ApiError> {
    Ok(render_current(caller_user(state, caller)?, state))
}

/// Sets (or, with `None`, clears) profile fields of the authenticated user.
pub fn update_current(
    state: &mut SimState,
    caller: &Caller,
    changes: Vec<(&'static str, Option<String>)>,
) -> Result<Value, ApiError> {
    let user_id = caller_user(state, caller)?.id.clone();
    let now = state.clock.now_rfc3339();
    let user = if state.admin.id == user_id {
        &mut state.admin
    } else {
        state
            .users
            .iter_mut()
            .find(|u| u.id == user_id)
            .ok_or_else(unauthorized_resource)?
    };
    for (field, value) in changes {
        if let Some(slot) = user.profile_field_mut(field) {
            *slot = value;
        }
    }
    user.modified_on = now;
    current(state, caller)
}
