//! Users over HTTP.

use super::models;
use crate::app::Call;
use crate::auth::Access;
use crate::envelope::ok;
use crate::errors::{ApiError, ApiResult};
use crate::input::{type_name, validate_email, validate_max_len, JsonObject};
use serde_json::Value;

/// Maximum service user email length (same as member emails).
const MAX_EMAIL: usize = 90;

/// The fields `PATCH /user` sets, with their maximum lengths.
const PROFILE_FIELDS: [(&str, usize); 5] = [
    ("first_name", 60),
    ("last_name", 60),
    ("telephone", 20),
    ("country", 30),
    ("zipcode", 20),
];

/// `POST /users` — tenant admins only (refused before the body is read);
/// `{"email"}`.
pub async fn create(call: Call, JsonObject(body): JsonObject) -> ApiResult {
    call.caller.require_tenant_admin()?;
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
    call.write(Access::TenantAdmin, |state| models::create(state, email))
        .await
        .map(ok)
}

/// `GET /user` — the authenticated user.
pub async fn current(call: Call) -> ApiResult {
    call.read(Access::Anyone, |state| models::current(state, &call.caller))
        .await
        .map(ok)
}

/// `PATCH /user` — `first_name` (≤60), `last_name` (≤60), `telephone` (≤20),
/// `country` (≤30), `zipcode` (≤20); `null` or `""` clears a field.
pub async fn update_current(call: Call, JsonObject(body): JsonObject) -> ApiResult {
    let mut changes: Vec<(&'static str, Option<String>)> = Vec::new();
    for (key, value) in &body {
        let Some((field, max)) = PROFILE_FIELDS.iter().find(|(f, _)| f == key) else {
            return Err(ApiError::validation(format!(
                "{key}: cannot be changed (PATCH /user accepts first_name, last_name, telephone, country, zipcode)"
            )));
        };
        match value {
            Value::Null => changes.push((field, None)),
            Value::String(s) if s.is_empty() => changes.push((field, None)),
            Value::String(s) => {
                validate_max_len(field, s, *max)?;
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
    call.write(Access::Anyone, |state| {
        models::update_current(state, &call.caller, changes)
    })
    .await
    .map(ok)
}
