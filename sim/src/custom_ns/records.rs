//! Tenant custom nameservers' stored records.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CustomNameserver {
    pub tenant_tag: String,
    pub ns_name: String,
    pub ns_set: u8,
    /// The zone the name lies under.
    pub zone_tag: String,
}
