//! An account as the API gives it, which the resource and the data source
//! both read.

use super::{AccountType, Id, Tag};
use serde::{Deserialize, Serialize};

/// An account (`GET`/`PUT /accounts/{id}`, and each of `GET /accounts`); its
/// id checked.
#[derive(Debug, Deserialize)]
pub struct ApiAccount {
    pub id: Id,
    pub name: String,
    #[serde(rename = "type")]
    pub account_type: Option<AccountType>,
    pub created_on: Option<String>,
    pub managed_by: Option<ManagedBy>,
    pub settings: Option<AccountSettings>,
}

impl ApiAccount {
    /// The tenant unit the account is in; none outside a tenant.
    pub fn unit_id(&self) -> Option<&Tag> {
        self.managed_by.as_ref()?.parent_org_id.as_ref()
    }
}

/// The tenant unit that manages the account, which the state holds as read.
/// Absent for an account outside a tenant (observed-api.md row 3).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ManagedBy {
    pub parent_org_id: Option<Tag>,
    pub parent_org_name: Option<String>,
}

/// The account's `settings`, as read.
#[derive(Debug, Default, Deserialize)]
pub struct AccountSettings {
    pub enforce_twofactor: Option<bool>,
    pub api_access_enabled: Option<bool>,
    pub abuse_contact_email: Option<String>,
}
