//! Zones' stored records, and finding one.

use crate::errors::{codes, ApiError};
use crate::table::Table;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Zone {
    pub id: String,
    pub account_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub zone_type: String,
    pub status: String,
    pub paused: bool,
    /// The Cloudflare nameservers assigned; none for a partial (CNAME setup)
    /// zone.
    pub name_servers: Vec<String>,
    pub vanity_name_servers: Vec<String>,
    /// Only partial zones have one.
    pub verification_key: Option<String>,
    pub created_on: String,
    pub modified_on: String,
    pub activated_on: Option<String>,
}

impl Table<Zone> {
    /// The zone with this id; 404 / 1001 when there is none.
    pub fn by_id(&self, id: &str) -> Result<&Zone, ApiError> {
        self.iter().find(|z| z.id == id).ok_or_else(not_found)
    }

    /// See [`Table::<Zone>::by_id`].
    pub fn by_id_mut(&mut self, id: &str) -> Result<&mut Zone, ApiError> {
        self.iter_mut().find(|z| z.id == id).ok_or_else(not_found)
    }
}

fn not_found() -> ApiError {
    ApiError::not_found(codes::ZONE_NOT_FOUND, "Invalid zone identifier")
}
