//! Subscriptions' stored records: a zone's rate plan, or an account's
//! add-on.

use crate::table::Table;
use serde::{Deserialize, Serialize};

/// A zone plan subscription or an account add-on subscription.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Subscription {
    pub id: String,
    /// The zone id (zone subscriptions) or account id (account subscriptions).
    pub owner_id: String,
    /// Catalog id of the resolved rate plan (see `subscriptions::catalog`);
    /// `plan_id` in the state file.
    #[serde(rename = "plan_id")]
    pub rate_plan_id: String,
    /// The frequency as read back (`not-applicable` for fixed-price plans).
    pub frequency: String,
    pub components: Vec<ComponentValue>,
    pub current_period_start: String,
    pub current_period_end: String,
    pub created_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ComponentValue {
    pub name: String,
    pub value: u64,
}

impl Table<Subscription> {
    /// The first subscription of `owner_id` (a zone has at most one).
    pub fn of_owner(&self, owner_id: &str) -> Option<&Subscription> {
        self.iter().find(|s| s.owner_id == owner_id)
    }
}
