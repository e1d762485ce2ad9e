//! Accounts (reference §2): the records, and the operations on them.

use crate::auth::Caller;
use crate::errors::{codes, ApiError};
use crate::store::{random_id, SimState};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub account_type: String,
    pub created_on: String,
    /// The tenant unit the account was created on, or the tenant's own tag
    /// (`managed_by.parent_org_id`).
    pub unit_tag: String,
    pub settings: AccountSettings,
    pub profile: AccountProfile,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AccountSettings {
    pub abuse_contact_email: Option<String>,
    pub enforce_twofactor: bool,
}

/// KYC data (`/accounts/{id}/profile`). Unset fields are empty strings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AccountProfile {
    pub business_name: String,
    pub business_address: String,
    pub business_email: String,
    pub business_phone: String,
    pub external_metadata: String,
}

impl AccountProfile {
    pub const FIELDS: [&'static str; 5] = [
        "business_name",
        "business_address",
        "business_email",
        "business_phone",
        "external_metadata",
    ];

    pub fn field_mut(&mut self, name: &str) -> Option<&mut String> {
        match name {
            "business_name" => Some(&mut self.business_name),
            "business_address" => Some(&mut self.business_address),
            "business_email" => Some(&mut self.business_email),
            "business_phone" => Some(&mut self.business_phone),
            "external_metadata" => Some(&mut self.external_metadata),
            _ => None,
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "business_name": self.business_name,
            "business_address": self.business_address,
            "business_email": self.business_email,
            "business_phone": self.business_phone,
            "external_metadata": self.external_metadata,
        })
    }
}

/// The account object of §2.1. The observed dialect adds what the live
/// answers carry: the settings the account never set as `null`,
/// `user_groups_ui_beta` and `legacy_flags` (corpus 03, 05).
pub fn render(account: &Account, state: &SimState) -> Value {
    let parent_name = state.parent_org_name(&account.unit_tag).unwrap_or_default();
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

/// Tenant admins only. `unit.id` is one of the tenant's units or the
/// tenant's own tag (then the tenant itself manages the account).
pub fn create(state: &mut SimState, caller: &Caller, new: NewAccount) -> Result<Value, ApiError> {
    caller.require_tenant_admin()?;
    let unit_tag = match new.unit_id {
        Some(id) if state.parent_org_name(&id).is_some() => id,
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
                    "unit.id: '{id}' is not a unit of this tenant (known units: {}; or the tenant's own tag {})",
                    known.join(", "),
                    state.tenant.tenant_tag
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
    if !state.tenant.account_types.contains(&new.account_type) {
        return Err(ApiError::validation(format!(
            "type: this tenant may not create '{}' accounts",
            new.account_type
        )));
    }
    let mut profile = AccountProfile::default();
    for (field, value) in new.kyc {
        if let Some(slot) = profile.field_mut(field) {
            *slot = value;
        }
    }
    let mut settings = AccountSettings::default();
    new.settings.apply_to(&mut settings);
    let account = Account {
        id: random_id(),
        name: new.name,
        account_type: new.account_type,
        created_on: state.now_rfc3339(),
        unit_tag,
        settings,
        profile,
    };
    let rendered = render(&account, state);
    state.accounts.push(account);
    Ok(rendered)
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

pub fn get(state: &SimState, caller: &Caller, id: &str) -> Result<Value, ApiError> {
    caller.check_account(state, id)?;
    Ok(render(state.account(id)?, state))
}

/// `type` may be repeated but not changed; settings given replace the stored ones.
pub fn update(
    state: &mut SimState,
    caller: &Caller,
    id: &str,
    change: AccountChange,
) -> Result<Value, ApiError> {
    caller.check_account(state, id)?;
    if let Some(body_id) = &change.id {
        if body_id != id {
            return Err(ApiError::validation(format!(
                "id: '{body_id}' does not match the account id in the path"
            )));
        }
    }
    let account = state.account(id)?;
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
    let account = state.account_mut(id)?;
    account.name = change.name;
    change.settings.apply_to(&mut account.settings);
    Ok(render(state.account(id)?, state))
}

/// Tenant admins only; takes the account's zones (and their subscriptions),
/// members and account subscriptions with it.
pub fn delete(state: &mut SimState, caller: &Caller, id: &str) -> Result<Value, ApiError> {
    caller.require_tenant_admin()?;
    state.account(id)?;
    state.delete_account_cascade(id);
    Ok(json!({ "id": id }))
}

/// The KYC profile; unset fields are empty strings.
pub fn profile(state: &SimState, caller: &Caller, id: &str) -> Result<Value, ApiError> {
    caller.check_account(state, id)?;
    Ok(state.account(id)?.profile.to_json())
}

/// Empty fields are ignored: a field cannot be cleared (real API quirk).
pub fn update_profile(
    state: &mut SimState,
    caller: &Caller,
    id: &str,
    kyc: Vec<(&'static str, String)>,
) -> Result<(), ApiError> {
    caller.check_account(state, id)?;
    let account = state.account_mut(id)?;
    for (field, value) in kyc {
        if value.is_empty() {
            continue;
        }
        if let Some(slot) = account.profile.field_mut(field) {
            *slot = value;
        }
    }
    Ok(())
}
