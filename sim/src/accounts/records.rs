//! Accounts' stored records, and finding one.

use crate::errors::{codes, ApiError};
use crate::table::Table;
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

    /// Sets the fields given; with `skip_empty`, an empty value leaves its
    /// field as it is.
    pub fn set(&mut self, fields: Vec<(&'static str, String)>, skip_empty: bool) {
        for (field, value) in fields {
            if skip_empty && value.is_empty() {
                continue;
            }
            if let Some(slot) = self.field_mut(field) {
                *slot = value;
            }
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

impl Table<Account> {
    /// The account with this id; 404 / 1002 when there is none.
    pub fn by_id(&self, id: &str) -> Result<&Account, ApiError> {
        self.iter()
            .find(|a| a.id == id)
            .ok_or_else(|| not_found(id))
    }

    /// See [`Table::<Account>::by_id`].
    pub fn by_id_mut(&mut self, id: &str) -> Result<&mut Account, ApiError> {
        self.iter_mut()
            .find(|a| a.id == id)
            .ok_or_else(|| not_found(id))
    }
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(codes::ACCOUNT_NOT_FOUND, format!("Account not found: {id}"))
}
