//! A zone as the API gives it, which the resource and the data source both
//! read.

use super::{checked_id, Id, IdRef, ZoneStatus, ZoneType};
use crate::client::{lenient_number, null_as_empty};
use serde::{de::Error as _, Deserialize, Deserializer, Serialize};

/// A zone (`/zones`: one, or each of a page); its ids checked.
#[derive(Debug, Deserialize)]
pub struct ApiZone {
    #[serde(deserialize_with = "checked_id")]
    pub id: String,
    pub name: String,
    pub account: Option<IdRef>,
    #[serde(rename = "type")]
    pub zone_type: Option<ZoneType>,
    pub paused: Option<bool>,
    pub status: Option<ZoneStatus>,
    /// None for a partial zone; left out altogether in recorded answers.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub name_servers: Vec<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub vanity_name_servers: Vec<String>,
    pub original_name_servers: Option<Vec<String>>,
    pub verification_key: Option<String>,
    pub created_on: Option<String>,
    pub activated_on: Option<String>,
    #[serde(default, deserialize_with = "lenient_number")]
    pub development_mode: Option<f64>,
    pub original_registrar: Option<String>,
    pub original_dnshost: Option<String>,
    #[serde(default, deserialize_with = "checked_owner")]
    pub owner: Option<Owner>,
    pub meta: Option<Meta>,
}

/// The owner an answer gives, its id checked like every id that reaches the
/// state. The check sits here rather than on [`Owner`]: the zone's state
/// holds an `Owner` too, read back by rules of Terraform's, not the API's.
fn checked_owner<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Owner>, D::Error> {
    let owner = Option::<Owner>::deserialize(d)?;
    if let Some(id) = owner.as_ref().and_then(|o| o.id.clone()) {
        Id::try_from(id).map_err(D::Error::custom)?;
    }
    Ok(owner)
}

/// Who holds the zone: for a tenant's customer, its account (an
/// `organization`). Not its name, which follows the account's: a rename
/// applied with `cftenant_account` would read as a change made outside
/// Terraform.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Owner {
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub owner_type: Option<String>,
}

/// The zone's setup step and modes, as the API reports them. Not its
/// quotas (`page_rule_quota`, `custom_certificate_quota`, numbers or
/// strings as observed-api.md row 14 says): they follow the zone's rate
/// plan, which `cftenant_zone_subscription` changes after the zone is read,
/// so every apply of a zone with its plan would end in "changed outside of
/// Terraform".
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    #[serde(default, deserialize_with = "lenient_number")]
    pub step: Option<f64>,
    pub phishing_detected: Option<bool>,
    pub cdn_only: Option<bool>,
    pub dns_only: Option<bool>,
    pub foundation_dns: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn zone(owner_id: serde_json::Value) -> serde_json::Value {
        json!({
            "id": "0123456789abcdef0123456789abcdef",
            "name": "example.com",
            "owner": {"id": owner_id, "type": "organization"},
        })
    }

    #[test]
    fn the_owner_id_is_checked_before_it_reaches_the_state() {
        let ok: ApiZone =
            serde_json::from_value(zone(json!("fedcba9876543210fedcba9876543210"))).unwrap();
        assert_eq!(
            ok.owner.unwrap().id.as_deref(),
            Some("fedcba9876543210fedcba9876543210")
        );
        let none: ApiZone = serde_json::from_value(zone(json!(null))).unwrap();
        assert_eq!(none.owner.unwrap().id, None);
        let e = serde_json::from_value::<ApiZone>(zone(json!("../accounts/x"))).unwrap_err();
        assert!(e.to_string().contains("is not a Cloudflare id"), "{e}");
    }
}
