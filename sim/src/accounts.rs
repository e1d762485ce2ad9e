//! Accounts (reference §2): CRUD, list, and the KYC profile.

use axum::extract::{Path, State};
use axum::Extension;
use serde_json::{json, Map, Value};

use super::auth::Caller;
use super::envelope::{codes, ok, ok_page, ApiError, ApiResult};
use super::input::{check_max_len, opt_bool, opt_object, opt_str, req_str, JsonObject, QueryPairs};
use super::store::{random_id, Account, AccountProfile, AccountSettings, SimState};
use super::App;

/// Maximum account name length.
const MAX_NAME: usize = 100;
/// Maximum length of each KYC / profile field.
const MAX_KYC: usize = 120;
/// Maximum `abuse_contact_email` length (same limit as member emails).
const MAX_ABUSE_EMAIL: usize = 90;

/// The account object of §2.1.
pub fn render(account: &Account, state: &SimState) -> Value {
    let unit_name = state
        .unit(&account.unit_tag)
        .map(|u| u.unit_name.clone())
        .unwrap_or_default();
    json!({
        "id": account.id,
        "name": account.name,
        "type": account.account_type,
        "created_on": account.created_on,
        "managed_by": {
            "parent_org_id": account.unit_tag,
            "parent_org_name": unit_name,
        },
        "settings": {
            "abuse_contact_email": account.settings.abuse_contact_email,
            "enforce_twofactor": account.settings.enforce_twofactor,
        },
    })
}

fn parse_account_type(raw: &str) -> Result<String, ApiError> {
    match raw {
        "standard" | "enterprise" => Ok(raw.to_string()),
        other => Err(ApiError::validation(format!(
            "type: must be 'standard' or 'enterprise', got '{other}'"
        ))),
    }
}

fn parse_name(body: &Map<String, Value>) -> Result<String, ApiError> {
    let name = req_str(body, "name")?;
    check_max_len("name", name, MAX_NAME)?;
    Ok(name.to_string())
}

/// Applies an optional `settings` object onto `settings`; omitted keys keep their value.
fn apply_settings(
    body: &Map<String, Value>,
    settings: &mut AccountSettings,
) -> Result<(), ApiError> {
    let Some(raw) = opt_object(body, "settings")? else {
        return Ok(());
    };
    if let Some(flag) = opt_bool(raw, "enforce_twofactor").map_err(prefix("settings."))? {
        settings.enforce_twofactor = flag;
    }
    if raw.contains_key("abuse_contact_email") {
        match opt_str(raw, "abuse_contact_email").map_err(prefix("settings."))? {
            None | Some("") => settings.abuse_contact_email = None,
            Some(email) => {
                super::input::validate_email(
                    "settings.abuse_contact_email",
                    email,
                    MAX_ABUSE_EMAIL,
                )?;
                settings.abuse_contact_email = Some(email.to_string());
            }
        }
    }
    Ok(())
}

/// Prefixes an error message with a parent field name (`settings.` + `enforce_twofactor: …`).
fn prefix(parent: &'static str) -> impl Fn(ApiError) -> ApiError {
    move |mut err| {
        err.message = format!("{parent}{}", err.message);
        err
    }
}

/// Reads the five KYC fields; each optional, a string of at most 120 characters.
fn parse_kyc(body: &Map<String, Value>) -> Result<Vec<(&'static str, String)>, ApiError> {
    let mut fields = Vec::new();
    for field in AccountProfile::FIELDS {
        if let Some(value) = opt_str(body, field)? {
            check_max_len(field, value, MAX_KYC)?;
            fields.push((field, value.to_string()));
        }
    }
    Ok(fields)
}

/// `POST /accounts` — tenant admins only.
pub async fn create(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    caller.require_tenant_admin()?;
    let name = parse_name(&body)?;
    let account_type = parse_account_type(opt_str(&body, "type")?.unwrap_or("standard"))?;
    let unit_id = match opt_object(&body, "unit")? {
        Some(unit) => opt_str(unit, "id")
            .map_err(prefix("unit."))?
            .map(str::to_string),
        None => None,
    };
    let kyc = parse_kyc(&body)?;
    let mut settings = AccountSettings::default();
    apply_settings(&body, &mut settings)?;

    let mut state = app.state.lock().await;
    let unit_tag = match unit_id {
        Some(id) if state.unit(&id).is_some() => id,
        Some(id) => {
            let known: Vec<&str> = state
                .tenant
                .units
                .iter()
                .map(|u| u.unit_tag.as_str())
                .collect();
            return Err(ApiError::bad_request(
                codes::UNKNOWN_UNIT,
                format!(
                    "unit.id: '{id}' is not a unit of this tenant (known units: {})",
                    known.join(", ")
                ),
            ));
        }
        None => state
            .tenant
            .units
            .first()
            .map(|u| u.unit_tag.clone())
            .ok_or_else(|| ApiError::internal("the tenant has no units"))?,
    };
    if !state.tenant.account_types.contains(&account_type) {
        return Err(ApiError::validation(format!(
            "type: this tenant may not create '{account_type}' accounts"
        )));
    }
    let mut profile = AccountProfile::default();
    for (field, value) in kyc {
        if let Some(slot) = profile.field_mut(field) {
            *slot = value;
        }
    }
    let account = Account {
        id: random_id(),
        name,
        account_type,
        created_on: state.now_rfc3339(),
        unit_tag,
        settings,
        profile,
    };
    let rendered = render(&account, &state);
    state.accounts.push(account);
    app.commit(&state)?;
    Ok(ok(rendered))
}

/// `GET /accounts` — `name` (exact), `page`, `per_page` (5–50), `direction` (by name).
pub async fn list(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    query: QueryPairs,
) -> ApiResult {
    let page = query.page_request(20, 5, 50)?;
    let descending = query.descending()?;
    let name = query.get("name");
    let state = app.state.lock().await;
    let mut accounts: Vec<&Account> = state
        .accounts
        .iter()
        .filter(|a| name.is_none_or(|n| a.name == n))
        .filter(|a| caller.may_access_account(&state, &a.id))
        .collect();
    // Stable: accounts with equal names keep creation order.
    accounts.sort_by_key(|a| a.name.to_lowercase());
    if descending {
        accounts.reverse();
    }
    let items = accounts.into_iter().map(|a| render(a, &state)).collect();
    Ok(ok_page(items, page))
}

/// `GET /accounts/{account_id}`
pub async fn get_one(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(account_id): Path<String>,
) -> ApiResult {
    let state = app.state.lock().await;
    caller.check_account(&state, &account_id)?;
    Ok(ok(render(state.account(&account_id)?, &state)))
}

/// `PUT /accounts/{account_id}` — `name` required; `type` may be repeated but not
/// changed; `settings` keys that are present replace the stored values.
pub async fn update(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(account_id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let mut state = app.state.lock().await;
    caller.check_account(&state, &account_id)?;
    if let Some(id) = opt_str(&body, "id")? {
        if id != account_id {
            return Err(ApiError::validation(format!(
                "id: '{id}' does not match the account id in the path"
            )));
        }
    }
    let name = parse_name(&body)?;
    let account = state.account(&account_id)?;
    if let Some(raw_type) = opt_str(&body, "type")? {
        let wanted = parse_account_type(raw_type)?;
        if wanted != account.account_type {
            return Err(ApiError::bad_request(
                codes::ACCOUNT_TYPE_IMMUTABLE,
                format!(
                    "account type cannot be changed (account is '{}', request asked for '{wanted}')",
                    account.account_type
                ),
            ));
        }
    }
    let mut settings = account.settings.clone();
    apply_settings(&body, &mut settings)?;

    let account = state.account_mut(&account_id)?;
    account.name = name;
    account.settings = settings;
    let rendered = render(state.account(&account_id)?, &state);
    app.commit(&state)?;
    Ok(ok(rendered))
}

/// `DELETE /accounts/{account_id}` — tenant admins only; removes zones (and their
/// subscriptions), members and account subscriptions too.
pub async fn delete_one(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(account_id): Path<String>,
    body: axum::body::Body,
) -> ApiResult {
    super::input::discard_body(body).await;
    caller.require_tenant_admin()?;
    let mut state = app.state.lock().await;
    state.account(&account_id)?;
    state.delete_account_cascade(&account_id);
    app.commit(&state)?;
    Ok(ok(json!({ "id": account_id })))
}

/// `GET /accounts/{account_id}/profile` — unset fields are empty strings.
pub async fn get_profile(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(account_id): Path<String>,
) -> ApiResult {
    let state = app.state.lock().await;
    caller.check_account(&state, &account_id)?;
    Ok(ok(state.account(&account_id)?.profile.to_json()))
}

/// `PUT /accounts/{account_id}/profile` — omitted or empty fields are ignored (a field
/// cannot be cleared: real API quirk). Answers `result: null` like the real endpoint,
/// which documents no response body.
pub async fn update_profile(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(account_id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let kyc = parse_kyc(&body)?;
    let mut state = app.state.lock().await;
    caller.check_account(&state, &account_id)?;
    let account = state.account_mut(&account_id)?;
    for (field, value) in kyc {
        if value.is_empty() {
            continue;
        }
        if let Some(slot) = account.profile.field_mut(field) {
            *slot = value;
        }
    }
    app.commit(&state)?;
    Ok(ok(Value::Null))
}
