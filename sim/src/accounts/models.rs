//! Accounts (reference §2): the operations on them, and their rendering.
//! Deleting an account takes its zones, members and subscriptions with it.

use super::records::{Account, AccountProfile, AccountSettings};
use crate::auth::Caller;
use crate::errors::{codes, ApiError};
use crate::helpers::random_id;
use crate::store::SimState;
use crate::{dns_settings, members, subscriptions, zones};
use serde_json::{json, Value};

/// The account object of §2.1. The observed dialect adds what the live
/// answers carry: the settings the account never set as `null`,
/// `user_groups_ui_beta` and `legacy_flags` (corpus 03, 05).
pub fn render(account: &Account, state: &SimState) -> Value {
    let parent_name = state
        .tenant
        .parent_org_name(&account.unit_tag)
        .unwrap_or_default();
    let mut value = json!({
        "id": account.id,
        "name": account.name,
        "type": account.account_type,
        "created_on": account.created_on,
        "managed_by": {
            "parent_org_id": account.unit_tag,
            "parent_org_name": parent_name,
        },
        "settings": render_settings(&account.settings),
    });
    if state.dialect.is_observed() {
        value["settings"] = json!({
            "enforce_twofactor": account.settings.enforce_twofactor,
            "api_access_enabled": null,
            "access_approval_expiry": null,
            "abuse_contact_email": account.settings.abuse_contact_email,
            "user_groups_ui_beta": false,
        });
        value["legacy_flags"] = json!({
            "enterprise_zone_quota": { "maximum": 0, "current": 0, "available": 0 },
        });
    }
    value
}

/// `settings`; an abuse contact never set is left out (the definition types
/// it as a string, never null).
pub fn render_settings(settings: &AccountSettings) -> Value {
    let mut value = json!({ "enforce_twofactor": settings.enforce_twofactor });
    if let Some(email) = &settings.abuse_contact_email {
        value["abuse_contact_email"] = json!(email);
    }
    value
}

/// A change to the settings: `None` leaves a setting as it is;
/// `abuse_contact_email: Some(None)` clears it.
#[derive(Debug, Default)]
pub struct SettingsChange {
    pub enforce_twofactor: Option<bool>,
    pub abuse_contact_email: Option<Option<String>>,
}

impl SettingsChange {
    fn apply_to(&self, settings: &mut AccountSettings) {
        if let Some(flag) = self.enforce_twofactor {
            settings.enforce_twofactor = flag;
        }
        if let Some(email) = &self.abuse_contact_email {
            settings.abuse_contact_email = email.clone();
        }
    }
}

/// A validated `POST /accounts` body.
pub struct NewAccount {
    pub name: String,
    pub account_type: String,
    pub unit_id: Option<String>,
    pub kyc: Vec<(&'static str, String)>,
    pub settings: SettingsChange,
}

/// A validated `PUT /accounts/{id}` body.
pub struct AccountChange {
    pub id: Option<String>,
    pub name: String,
    pub account_type: Option<String>,
    pub settings: SettingsChange,
}

/// `unit.id` is one of the tenant's units or the tenant's own tag (then the
/// tenant itself manages the account); without it, the first unit.
pub fn create(state: &mut SimState, new: NewAccount) -> Result<Value, ApiError> {
    let unit_tag = unit_tag_of(state, new.unit_id)?;
    if !state.tenant.account_types.contains(&new.account_type) {
        return Err(ApiError::validation(format!(
            "type: this tenant may not create '{}' accounts",
            new.account_type
        )));
    }
    let mut profile = AccountProfile::default();
    profile.set(new.kyc, false);
    let mut settings = AccountSettings::default();
    new.settings.apply_to(&mut settings);
    let account = Account {
        id: random_id(),
        name: new.name,
        account_type: new.account_type,
        created_on: state.clock.now_rfc3339(),
        unit_tag,
        settings,
        profile,
    };
    let rendered = render(&account, state);
    state.accounts.push(account);
    Ok(rendered)
}

/// The tag a new account is made on: `unit_id` when the tenant has it
/// (400 / 1007 otherwise), or the tenant's first unit.
fn unit_tag_of(state: &SimState, unit_id: Option<String>) -> Result<String, ApiError> {
    let tenant = &state.tenant;
    match unit_id {
        Some(id) if tenant.parent_org_name(&id).is_some() => Ok(id),
        Some(id) => {
            let known: Vec<&str> = tenant.units.iter().map(|u| u.unit_tag.as_str()).collect();
            Err(ApiError::bad_request(
                codes::UNKNOWN_UNIT,
                format!(
                    "unit.id: '{id}' is not a unit of this tenant (known units: {}; or the tenant's own tag {})",
                    known.join(", "),
                    tenant.tenant_tag
                ),
            ))
        }
        None => tenant
            .units
            .first()
            .map(|u| u.unit_tag.clone())
            .ok_or_else(|| ApiError::internal("the tenant has no units")),
    }
}

/// Accounts the caller may see, `name` exactly, ordered by name (stable:
/// equal names keep creation order).
pub fn list(state: &SimState, caller: &Caller, name: Option<&str>, descending: bool) -> Vec<Value> {
    let mut accounts: Vec<&Account> = state
        .accounts
        .iter()
        .filter(|a| name.is_none_or(|n| a.name == n))
        .filter(|a| caller.may_access_account(state, &a.id))
        .collect();
    accounts.sort_by_key(|a| a.name.to_lowercase());
    if descending {
        accounts.reverse();
    }
    accounts.into_iter().map(|a| render(a, state)).collect()
}

pub fn get(state: &SimState, id: &str) -> Result<Value, ApiError> {
    Ok(render(state.accounts.by_id(id)?, state))
}

/// `type` may be repeated but not changed; settings given replace the stored ones.
pub fn update(state: &mut SimState, id: &str, change: AccountChange) -> Result<Value, ApiError> {
    if let Some(body_id) = &change.id {
        if body_id != id {
            return Err(ApiError::validation(format!(
                "id: '{body_id}' does not match the account id in the path"
            )));
        }
    }
    let account = state.accounts.by_id_mut(id)?;
    if let Some(wanted) = &change.account_type {
        if *wanted != account.account_type {
            return Err(ApiError::bad_request(
                codes::ACCOUNT_TYPE_IMMUTABLE,
                format!(
                    "account type cannot be changed (account is '{}', request asked for '{wanted}')",
                    account.account_type
                ),
            ));
        }
    }
    account.name = change.name;
    change.settings.apply_to(&mut account.settings);
    get(state, id)
}

/// Takes the account's zones (and their subscriptions), members and
/// account subscriptions with it.
pub fn delete(state: &mut SimState, id: &str) -> Result<Value, ApiError> {
    state.accounts.by_id(id)?;
    zones::models::delete_all_of_account(state, id);
    members::models::delete_all_of_account(state, id);
    subscriptions::models::delete_all_of_account(state, id);
    dns_settings::models::delete_of_account(state, id);
    state.accounts.remove_where(|a| a.id == id);
    Ok(json!({ "id": id }))
}

/// The KYC profile; unset fields are empty strings.
pub fn profile(state: &SimState, id: &str) -> Result<Value, ApiError> {
    Ok(state.accounts.by_id(id)?.profile.to_json())
}

/// Empty fields are ignored: a field cannot be cleared (real API quirk).
pub fn update_profile(
    state: &mut SimState,
    id: &str,
    kyc: Vec<(&'static str, String)>,
) -> Result<(), ApiError> {
    state.accounts.by_id_mut(id)?.profile.set(kyc, true);
    Ok(())
}
