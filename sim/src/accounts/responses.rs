//! Accounts over HTTP: bodies and queries read into what `models` takes.

use super::models::{self, AccountChange, NewAccount, SettingsChange};
use super::records::AccountProfile;
use crate::app::{Call, InAccount};
use crate::auth::Access;
use crate::envelope::{ok, ok_page};
use crate::errors::{ApiError, ApiResult};
use crate::input::{
    one_of, opt_bool, opt_object, opt_str, req_str, validate_email, validate_max_len, JsonObject,
    QueryPairs,
};
use axum::extract::Path;
use axum::http::StatusCode;
use serde_json::{Map, Value};

/// Maximum account name length.
const MAX_NAME: usize = 100;
/// Maximum length of each KYC / profile field.
const MAX_KYC: usize = 120;
/// Maximum `abuse_contact_email` length (same limit as member emails).
const MAX_ABUSE_EMAIL: usize = 90;

fn parse_account_type(raw: &str) -> Result<String, ApiError> {
    let allowed = ["standard", "enterprise"];
    one_of("type", raw, &allowed, "'standard' or 'enterprise'").map(str::to_string)
}

fn parse_name(body: &Map<String, Value>) -> Result<String, ApiError> {
    let name = req_str(body, "name")?;
    validate_max_len("name", name, MAX_NAME)?;
    Ok(name.to_string())
}

/// An optional `settings` object; omitted keys change nothing.
fn parse_settings(body: &Map<String, Value>) -> Result<SettingsChange, ApiError> {
    let mut change = SettingsChange::default();
    let Some(raw) = opt_object(body, "settings")? else {
        return Ok(change);
    };
    change.enforce_twofactor = opt_bool(raw, "enforce_twofactor").map_err(prefix("settings."))?;
    if raw.contains_key("abuse_contact_email") {
        change.abuse_contact_email = Some(
            match opt_str(raw, "abuse_contact_email").map_err(prefix("settings."))? {
                None | Some("") => None,
                Some(email) => {
                    validate_email("settings.abuse_contact_email", email, MAX_ABUSE_EMAIL)?;
                    Some(email.to_string())
                }
            },
        );
    }
    Ok(change)
}

/// Prefixes an error message with a parent field name (`settings.` + `enforce_twofactor: …`).
fn prefix(parent: &'static str) -> impl Fn(ApiError) -> ApiError {
    move |mut err| {
        err.message = format!("{parent}{}", err.message);
        err
    }
}

/// The five KYC fields; each optional, a string of at most 120 characters.
fn parse_kyc(body: &Map<String, Value>) -> Result<Vec<(&'static str, String)>, ApiError> {
    let mut fields = Vec::new();
    for field in AccountProfile::FIELDS {
        if let Some(value) = opt_str(body, field)? {
            validate_max_len(field, value, MAX_KYC)?;
            fields.push((field, value.to_string()));
        }
    }
    Ok(fields)
}

/// `POST /accounts` — tenant admins only.
pub async fn create(call: Call, JsonObject(body): JsonObject) -> ApiResult {
    let new = NewAccount {
        name: parse_name(&body)?,
        account_type: parse_account_type(opt_str(&body, "type")?.unwrap_or("standard"))?,
        unit_id: match opt_object(&body, "unit")? {
            Some(unit) => opt_str(unit, "id")
                .map_err(prefix("unit."))?
                .map(str::to_string),
            None => None,
        },
        kyc: parse_kyc(&body)?,
        settings: parse_settings(&body)?,
    };
    call.write(Access::TenantAdmin, |state| models::create(state, new))
        .await
        .map(ok)
}

/// `GET /accounts` — `name` (exact), `page`, `per_page` (5–50), `direction` (by name).
pub async fn list(call: Call, query: QueryPairs) -> ApiResult {
    let page = query.page_request(20, 5, 50)?;
    let descending = query.descending()?;
    let name = query.get("name");
    let items = call
        .read(Access::Anyone, |state| {
            Ok(models::list(state, &call.caller, name, descending))
        })
        .await?;
    Ok(ok_page(items, page, call.dialect()))
}

/// `GET /accounts/{account_id}`
pub async fn get_one(account: InAccount) -> ApiResult {
    account.read(models::get).await.map(ok)
}

/// `PUT /accounts/{account_id}` — `name` required.
pub async fn update(account: InAccount, JsonObject(body): JsonObject) -> ApiResult {
    let change = AccountChange {
        id: opt_str(&body, "id")?.map(str::to_string),
        name: parse_name(&body)?,
        account_type: opt_str(&body, "type")?
            .map(parse_account_type)
            .transpose()?,
        settings: parse_settings(&body)?,
    };
    account
        .write(|state, id| models::update(state, id, change))
        .await
        .map(ok)
}

/// `DELETE /accounts/{account_id}` — tenant admins only.
pub async fn delete_one(call: Call, Path(account_id): Path<String>) -> ApiResult {
    call.write(Access::TenantAdmin, |state| {
        models::delete(state, &account_id)
    })
    .await
    .map(ok)
}

/// `GET /accounts/{account_id}/profile`
pub async fn get_profile(account: InAccount) -> ApiResult {
    account.read(models::profile).await.map(ok)
}

/// `PUT /accounts/{account_id}/profile` — 204 without a body, as the
/// definition says.
pub async fn update_profile(
    account: InAccount,
    JsonObject(body): JsonObject,
) -> Result<StatusCode, ApiError> {
    let kyc = parse_kyc(&body)?;
    account
        .write(|state, id| models::update_profile(state, id, kyc))
        .await
        .map(|()| StatusCode::NO_CONTENT)
}
