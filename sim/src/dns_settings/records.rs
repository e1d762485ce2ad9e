//! DNS settings' stored records, and finding an owner's.
//!
//! Only owners whose settings differ from Cloudflare's documented defaults
//! ([`Settings::default`]) have a record; the others read the defaults. So
//! the inventory (`GET /__sim/state`) lists exactly the changed settings.

use crate::table::Table;
use serde::{Deserialize, Serialize};

/// The zone's SOA record as Cloudflare serves it (times in seconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Soa {
    pub expire: u64,
    pub min_ttl: u64,
    /// `None`: Cloudflare's own primary nameserver.
    pub mname: Option<String>,
    pub refresh: u64,
    pub retry: u64,
    pub rname: String,
    pub ttl: u64,
}

/// Which nameservers the zone (or, for an account, its new zones) uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Nameservers {
    #[serde(rename = "type")]
    pub kind: String,
    /// The set of custom nameservers, for the custom types only.
    pub ns_set: Option<u8>,
}

/// The settings a zone has, and an account gives its new zones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub flatten_all_cnames: bool,
    pub foundation_dns: bool,
    pub multi_provider: bool,
    pub secondary_overrides: bool,
    pub ns_ttl: u64,
    pub zone_mode: String,
    pub nameservers: Nameservers,
    pub soa: Soa,
    /// `internal_dns.reference_zone_id`.
    pub reference_zone_id: Option<String>,
}

impl Default for Settings {
    /// Cloudflare's documented defaults.
    fn default() -> Self {
        Settings {
            flatten_all_cnames: false,
            foundation_dns: false,
            multi_provider: false,
            secondary_overrides: false,
            ns_ttl: 86400,
            zone_mode: "standard".into(),
            nameservers: Nameservers {
                kind: "cloudflare.standard".into(),
                ns_set: None,
            },
            soa: Soa {
                expire: 604800,
                min_ttl: 1800,
                mname: None,
                refresh: 10000,
                retry: 2400,
                rname: "dns.cloudflare.com".into(),
                ttl: 3600,
            },
            reference_zone_id: None,
        }
    }
}

/// An account's DNS settings: the defaults of its new zones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountDnsSettings {
    pub account_id: String,
    pub enforce_dns_only: bool,
    pub zone_defaults: Settings,
}

/// A zone's DNS settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ZoneDnsSettings {
    pub zone_id: String,
    pub settings: Settings,
}

impl Table<AccountDnsSettings> {
    /// The account's settings: its record, else the defaults.
    pub fn of(&self, account_id: &str) -> AccountDnsSettings {
        self.iter()
            .find(|s| s.account_id == account_id)
            .cloned()
            .unwrap_or_else(|| AccountDnsSettings {
                account_id: account_id.to_string(),
                ..Default::default()
            })
    }

    /// Stores the account's settings, in place of its record if it has
    /// one; settings back at the defaults drop the record.
    pub fn put(&mut self, settings: AccountDnsSettings) {
        let at = self
            .iter()
            .position(|s| s.account_id == settings.account_id);
        let default = !settings.enforce_dns_only && settings.zone_defaults == Settings::default();
        store(self, at, settings, default);
    }
}

impl Table<ZoneDnsSettings> {
    /// The zone's settings: its record, else the defaults.
    pub fn of(&self, zone_id: &str) -> ZoneDnsSettings {
        self.iter()
            .find(|s| s.zone_id == zone_id)
            .cloned()
            .unwrap_or_else(|| ZoneDnsSettings {
                zone_id: zone_id.to_string(),
                ..Default::default()
            })
    }

    /// Stores the zone's settings, in place of its record if it has one;
    /// settings back at the defaults drop the record.
    pub fn put(&mut self, settings: ZoneDnsSettings) {
        let at = self.iter().position(|s| s.zone_id == settings.zone_id);
        let default = settings.settings == Settings::default();
        store(self, at, settings, default);
    }
}

/// Puts `record` at index `at` (its owner's record), or adds it; removes the
/// owner's record instead when `default`.
fn store<T>(table: &mut Table<T>, at: Option<usize>, record: T, default: bool) {
    match (at, default) {
        (Some(i), true) => {
            table.remove(i);
        }
        (Some(i), false) => table[i] = record,
        (None, true) => {}
        (None, false) => table.push(record),
    }
}
