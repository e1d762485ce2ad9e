//! The simulator's stored state, its seed, and its persistence to a JSON file.
//!
//! Records (defined by each area's `models`) are stored in a compact internal form (ids,
//! references, raw settings) and turned into API-shaped JSON by the areas' `render`
//! functions, so that derived fields (an account's name inside a zone, a zone's plan) are
//! always current.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::accounts::models::Account;
use crate::custom_ns::models::CustomNameserver;
use crate::dialect::Dialect;
use crate::errors::{codes, ApiError};
use crate::members::models::Member;
use crate::subscriptions::models::Subscription;
use crate::tenants::models::{Entitlements, Tenant, TenantMembership, TenantUnit};
use crate::users::models::User;
use crate::zones::models::Zone;

/// Bumped when the file layout changes incompatibly.
const STATE_FORMAT_VERSION: u32 = 1;

/// Everything the simulator stores. Lists keep creation order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SimState {
    pub format_version: u32,
    pub tenant: Tenant,
    /// The tenant administrator (the user behind `--api-token` / `--auth-email`).
    pub admin: User,
    pub accounts: Vec<Account>,
    pub members: Vec<Member>,
    /// Service users created with `POST /users`.
    pub users: Vec<User>,
    pub zones: Vec<Zone>,
    pub zone_subscriptions: Vec<Subscription>,
    pub account_subscriptions: Vec<Subscription>,
    /// Tenant custom nameservers (absent from files of earlier versions).
    #[serde(default)]
    pub custom_nameservers: Vec<CustomNameserver>,
    /// Stable `user.id` for member emails that are not service users (lowercased email).
    pub user_ids_by_email: BTreeMap<String, String>,
    /// How far the simulated server's clock is ahead of this machine's, in seconds
    /// (`POST /__sim/clock`). It stamps `created_on` and the `Date` header, so that
    /// clients can be tested against a server whose clock is not theirs.
    #[serde(default)]
    pub clock_offset_seconds: i64,
    /// The dialect the simulator answers in (`--dialect`). Not stored in the
    /// state file: it comes from the command line, into the seeded state,
    /// the reset state and a loaded state alike.
    #[serde(skip)]
    pub dialect: Dialect,
}

/// Inputs of the seeded state, taken from the command line.
#[derive(Debug, Clone)]
pub struct SeedConfig {
    pub tenant_id: String,
    pub tenant_name: String,
    pub admin_email: String,
    pub allow_auto_accept_invites: bool,
    pub partial_setup_allowed: bool,
    pub dialect: Dialect,
}

/// The deterministic unit tags of a tenant: `derive_hex(["unit", tenant_id, "1"|"2"])`.
pub fn unit_tags(tenant_id: &str) -> [String; 2] {
    [
        derive_hex(&["unit", tenant_id, "1"]),
        derive_hex(&["unit", tenant_id, "2"]),
    ]
}

impl SimState {
    /// The seeded state: one tenant with two units, its admin, and nothing else.
    pub fn seed(config: &SeedConfig) -> SimState {
        let tenant_id = config.tenant_id.as_str();
        let admin_id = derive_hex(&["user", tenant_id, "admin"]);
        let ops_id = derive_hex(&["user", tenant_id, "ops"]);
        let [unit_a, unit_b] = unit_tags(tenant_id);
        let created = "2024-01-15T09:30:00Z".to_string();

        let admin = User {
            id: admin_id.clone(),
            email: config.admin_email.clone(),
            username: derive_hex(&["username", tenant_id, "admin"]),
            first_name: Some("Sim".into()),
            last_name: Some("Admin".into()),
            telephone: None,
            country: Some("US".into()),
            zipcode: None,
            created_on: created.clone(),
            modified_on: created.clone(),
            api_key: None,
        };

        let unit = |tag: &str, name: &str| TenantUnit {
            unit_tag: tag.to_string(),
            unit_name: name.to_string(),
            unit_status: "active".into(),
            unit_metadata: json!({ "description": format!("{name} of the simulated tenant") }),
            unit_memberships: vec![json!({
                "user_tag": admin_id,
                "user_email": config.admin_email,
                "role": "admin",
            })],
        };

        let tenant = Tenant {
            tenant_tag: tenant_id.to_string(),
            tenant_name: config.tenant_name.clone(),
            tenant_type: "PARTNER".into(),
            tenant_status: "active".into(),
            tenant_labels: vec!["simulated".into(), "reseller".into()],
            tenant_contacts: json!({ "email": "partners@example.com", "website": "https://partner.example.com" }),
            tenant_metadata: json!({
                "dns": { "ns_pool": { "primary": "ns1.partner.example.com", "secondary": "ns2.partner.example.com" } }
            }),
            tenant_network: json!({}),
            customer_id: "sim-customer-0001".into(),
            cdate: created.clone(),
            edate: created.clone(),
            units: vec![
                unit(&unit_a, "Primary Unit"),
                unit(&unit_b, "Secondary Unit"),
            ],
            entitlements: Entitlements {
                allow_add_subdomain: true,
                allow_auto_accept_invites: config.allow_auto_accept_invites,
                cname_setup_allowed: true,
                partial_setup_allowed: config.partial_setup_allowed,
                mhs_certificate_count: 100,
                custom_entitlements: vec![
                    json!({ "feature": { "key": "workers_enabled" }, "allocation": { "type": "bool", "value": true } }),
                    json!({ "feature": { "key": "max_accounts" }, "allocation": { "type": "max_count", "value": 500 } }),
                    json!({ "feature": { "key": "legacy_feature" }, "allocation": { "type": "" } }),
                ],
            },
            memberships: vec![
                TenantMembership {
                    user_email: config.admin_email.clone(),
                    user_name: "Sim Admin".into(),
                    user_tag: admin_id.clone(),
                },
                TenantMembership {
                    user_email: "partner-ops@example.com".into(),
                    user_name: "Partner Ops".into(),
                    user_tag: ops_id.clone(),
                },
            ],
            account_types: vec!["standard".into(), "enterprise".into()],
        };

        let mut user_ids_by_email = BTreeMap::new();
        user_ids_by_email.insert("partner-ops@example.com".to_string(), ops_id);

        SimState {
            format_version: STATE_FORMAT_VERSION,
            tenant,
            admin,
            accounts: Vec::new(),
            members: Vec::new(),
            users: Vec::new(),
            zones: Vec::new(),
            zone_subscriptions: Vec::new(),
            account_subscriptions: Vec::new(),
            custom_nameservers: Vec::new(),
            user_ids_by_email,
            clock_offset_seconds: 0,
            dialect: config.dialect,
        }
    }

    /// The simulated server's current time.
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + time::Duration::seconds(self.clock_offset_seconds)
    }

    /// [`SimState::now`] as RFC 3339 with microseconds, like the real API.
    pub fn now_rfc3339(&self) -> String {
        format_time(self.now())
    }

    pub fn account(&self, id: &str) -> Result<&Account, ApiError> {
        self.accounts.iter().find(|a| a.id == id).ok_or_else(|| {
            ApiError::not_found(codes::ACCOUNT_NOT_FOUND, format!("Account not found: {id}"))
        })
    }

    pub fn account_mut(&mut self, id: &str) -> Result<&mut Account, ApiError> {
        self.accounts
            .iter_mut()
            .find(|a| a.id == id)
            .ok_or_else(|| {
                ApiError::not_found(codes::ACCOUNT_NOT_FOUND, format!("Account not found: {id}"))
            })
    }

    pub fn zone(&self, id: &str) -> Result<&Zone, ApiError> {
        self.zones
            .iter()
            .find(|z| z.id == id)
            .ok_or_else(|| ApiError::not_found(codes::ZONE_NOT_FOUND, "Invalid zone identifier"))
    }

    pub fn zone_mut(&mut self, id: &str) -> Result<&mut Zone, ApiError> {
        self.zones
            .iter_mut()
            .find(|z| z.id == id)
            .ok_or_else(|| ApiError::not_found(codes::ZONE_NOT_FOUND, "Invalid zone identifier"))
    }

    pub fn unit(&self, tag: &str) -> Option<&TenantUnit> {
        self.tenant.units.iter().find(|u| u.unit_tag == tag)
    }

    /// The name of what manages an account made with `unit.id` = `tag`: one
    /// of the tenant's units, or the tenant itself (a partner was recorded
    /// creating accounts with its tenant tag as `unit.id`). `None` for any
    /// other tag.
    pub fn parent_org_name(&self, tag: &str) -> Option<&str> {
        if tag == self.tenant.tenant_tag {
            return Some(&self.tenant.tenant_name);
        }
        self.unit(tag).map(|u| u.unit_name.as_str())
    }

    pub fn service_user_by_email(&self, email: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email))
    }

    /// The `user.id` shown for a member email: the service user's id if there is one, the
    /// tenant admin's id for the admin email, otherwise a random id remembered per email.
    pub fn user_id_for_email(&mut self, email: &str) -> String {
        if let Some(user) = self.service_user_by_email(email) {
            return user.id.clone();
        }
        if self.admin.email.eq_ignore_ascii_case(email) {
            return self.admin.id.clone();
        }
        self.user_ids_by_email
            .entry(email.to_ascii_lowercase())
            .or_insert_with(random_id)
            .clone()
    }

    /// Removes an account and everything in it: zones (with their subscriptions),
    /// members and account subscriptions.
    pub fn delete_account_cascade(&mut self, account_id: &str) {
        let zone_ids: Vec<String> = self
            .zones
            .iter()
            .filter(|z| z.account_id == account_id)
            .map(|z| z.id.clone())
            .collect();
        self.zone_subscriptions
            .retain(|s| !zone_ids.contains(&s.owner_id));
        self.zones.retain(|z| z.account_id != account_id);
        self.members.retain(|m| m.account_id != account_id);
        self.account_subscriptions
            .retain(|s| s.owner_id != account_id);
        self.accounts.retain(|a| a.id != account_id);
    }

    /// Removes a zone and its subscription.
    pub fn delete_zone_cascade(&mut self, zone_id: &str) {
        self.zone_subscriptions.retain(|s| s.owner_id != zone_id);
        self.zones.retain(|z| z.id != zone_id);
    }
}

/// Where `--state` persists the state. Writes are atomic: a temporary file in the same
/// directory is written, fsynced and renamed over the target, so a crash leaves either
/// the old or the new state, never a torn file. On Unix the file (and its temporary
/// file, from the moment it is created) has mode 0600: it holds the service users'
/// API keys.
#[derive(Debug, Clone)]
pub struct StateFile {
    path: PathBuf,
}

impl StateFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        StateFile { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the file if it exists. A file that exists but cannot be parsed is an error
    /// (starting anyway would overwrite it on the first mutation).
    pub fn load(&self) -> anyhow::Result<Option<SimState>> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => {
                return Err(err).with_context(|| format!("reading {}", self.path.display()))
            }
        };
        let state: SimState = serde_json::from_slice(&bytes)
            .with_context(|| format!("parsing state file {}", self.path.display()))?;
        if state.format_version != STATE_FORMAT_VERSION {
            anyhow::bail!(
                "state file {} has format version {}, this simulator understands {}",
                self.path.display(),
                state.format_version,
                STATE_FORMAT_VERSION
            );
        }
        Ok(Some(state))
    }

    /// The directory of the file, and the prefix of its temporary files
    /// (`.FILE.tmp-`, followed by the writer's pid).
    fn dir_and_temp_prefix(&self) -> (PathBuf, String) {
        let dir = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let file_name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "state".into());
        (dir, format!(".{file_name}.tmp-"))
    }

    /// Removes the temporary files of earlier simulators that were killed in the middle
    /// of a write (`.FILE.tmp-<pid>` of another pid). They were never renamed, so they
    /// are never read, and may be torn; left alone they would pile up, one per crash.
    /// Returns how many were removed.
    pub fn remove_stale_temp_files(&self) -> usize {
        let (dir, prefix) = self.dir_and_temp_prefix();
        let own = std::process::id().to_string();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return 0;
        };
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let stale = name
                .to_str()
                .and_then(|n| n.strip_prefix(&prefix))
                .is_some_and(|pid| {
                    !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && pid != own
                });
            if stale && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }

    pub fn save(&self, state: &SimState) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(state).map_err(std::io::Error::other)?;
        let (dir, prefix) = self.dir_and_temp_prefix();
        let tmp = dir.join(format!("{prefix}{}", std::process::id()));
        {
            let mut file = create_private(&tmp)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
        }
        if let Err(err) = std::fs::rename(&tmp, &self.path) {
            let _ = std::fs::remove_file(&tmp);
            return Err(err);
        }
        // Make the rename itself durable. Directories cannot be opened for syncing on
        // every platform, so failure here is ignored.
        if let Ok(dir) = std::fs::File::open(&dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

/// Creates (or truncates) `path` for writing, readable and writable by its owner only
/// on Unix: created with mode 0600, and set to 0600 if it existed with another mode.
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

/// A random Cloudflare-style id: 32 lowercase hex characters.
pub fn random_id() -> String {
    random_hex(32)
}

/// `len` random lowercase hex characters.
pub fn random_hex(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
        .collect()
}

/// `len` random decimal digits (first digit non-zero).
pub fn random_digits(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|i| {
            let low = if i == 0 { 1 } else { 0 };
            char::from_digit(rng.random_range(low..10), 10).unwrap_or('1')
        })
        .collect()
}

/// A deterministic 32-hex id derived from `parts` (two FNV-1a 64-bit hashes with
/// different salts). Used for the seeded unit tags, user tags and member policy ids so
/// that they are identical across runs.
pub fn derive_hex(parts: &[&str]) -> String {
    fn fnv1a(salt: u8, parts: &[&str]) -> u64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |byte: u8| {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        };
        feed(salt);
        for part in parts {
            part.bytes().for_each(&mut feed);
            feed(0x1f); // separator so ["ab","c"] != ["a","bc"]
        }
        // Murmur3's 64-bit finaliser spreads the last input bytes over all output bits.
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        hash ^ (hash >> 33)
    }
    format!("{:016x}{:016x}", fnv1a(1, parts), fnv1a(2, parts))
}

pub fn format_time(t: OffsetDateTime) -> String {
    let micros = t.nanosecond() / 1_000 * 1_000;
    t.replace_nanosecond(micros)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// Adds calendar months, clamping the day to the target month's length.
pub fn add_months(t: OffsetDateTime, months: u32) -> OffsetDateTime {
    let total = t.year() * 12 + (t.month() as i32 - 1) + months as i32;
    let year = total.div_euclid(12);
    let month =
        time::Month::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(time::Month::January);
    let last_day = time::util::days_in_month(month, year);
    let day = t.day().min(last_day);
    time::Date::from_calendar_date(year, month, day)
        .map(|date| t.replace_date(date))
        .unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_stable_hex() {
        let a = derive_hex(&["unit", "x", "1"]);
        assert_eq!(a, derive_hex(&["unit", "x", "1"]));
        assert_ne!(a, derive_hex(&["unit", "x", "2"]));
        assert!(crate::input::is_cf_id(&a));
    }

    #[test]
    fn stale_temp_files_of_other_writers_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let file = StateFile::new(dir.path().join("state.json"));
        let own = dir
            .path()
            .join(format!(".state.json.tmp-{}", std::process::id()));
        let stale = dir.path().join(".state.json.tmp-4194305");
        let unrelated = [
            ".other.json.tmp-12",
            ".state.json.tmp-x",
            "state.json.tmp-12",
        ];
        std::fs::write(&own, "{").unwrap();
        std::fs::write(&stale, "{\"torn").unwrap();
        for name in unrelated {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        assert_eq!(file.remove_stale_temp_files(), 1);
        assert!(!stale.exists() && own.exists());
        for name in unrelated {
            assert!(dir.path().join(name).exists(), "{name}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_state_file_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let state = SimState::seed(&SeedConfig {
            tenant_id: "t".into(),
            tenant_name: "T".into(),
            admin_email: "admin@example.com".into(),
            allow_auto_accept_invites: false,
            partial_setup_allowed: true,
            dialect: Dialect::Documented,
        });

        // A new file.
        let file = StateFile::new(dir.path().join("new.json"));
        file.save(&state).unwrap();
        assert_eq!(mode(file.path()), 0o600);

        // An existing, world-readable file is tightened when rewritten, and so is a
        // temporary file of ours that was left readable.
        let path = dir.path().join("old.json");
        std::fs::write(&path, "{}").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let tmp = dir
            .path()
            .join(format!(".old.json.tmp-{}", std::process::id()));
        std::fs::write(&tmp, "").unwrap();
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o666)).unwrap();
        let file = StateFile::new(&path);
        file.save(&state).unwrap();
        assert_eq!(mode(&path), 0o600);
        assert!(!tmp.exists(), "renamed over the file");
        assert_eq!(file.load().unwrap().unwrap().tenant.tenant_tag, "t");

        // The temporary file is private from its creation.
        let fresh = dir.path().join("fresh.tmp");
        drop(create_private(&fresh).unwrap());
        assert_eq!(mode(&fresh), 0o600);
    }

    #[test]
    fn month_arithmetic_clamps() {
        let t = OffsetDateTime::parse("2024-01-31T10:00:00Z", &Rfc3339).unwrap();
        assert_eq!(format_time(add_months(t, 1)), "2024-02-29T10:00:00Z");
        assert_eq!(format_time(add_months(t, 12)), "2025-01-31T10:00:00Z");
    }
}
