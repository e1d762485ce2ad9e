//! A tenant's custom nameserver as the API gives it, which the resource and
//! the data source both read.

use super::Id;
use serde::{Deserialize, Serialize};

/// An address Cloudflare gives the nameserver (and how the state holds it).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct DnsRecord {
    #[serde(rename = "type")]
    pub record_type: Option<String>,
    pub value: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ApiNameserver {
    pub ns_name: String,
    pub ns_set: Option<i64>,
    pub zone_tag: Option<Id>,
    pub status: Option<String>,
    #[serde(default, deserialize_with = "crate::client::null_as_empty")]
    pub dns_records: Vec<DnsRecord>,
}
