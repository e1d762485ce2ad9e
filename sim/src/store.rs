//! The simulator's state container ([`SimState`]), its seed, and its
//! persistence to a JSON file.
//!
//! The records are each area's own (`<area>/records.rs`), kept here in one
//! [`Table`] per kind; the operations on them, cascading deletes included,
//! are the areas' (`<area>/models.rs`). Records are stored in a compact
//! internal form (ids, references, raw settings) and turned into API-shaped
//! JSON by the areas' `render` functions, so that derived fields (an
//! account's name inside a zone, a zone's plan) are always current.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::accounts::records::Account;
use crate::custom_ns::records::CustomNameserver;
use crate::dialect::Dialect;
use crate::dns_settings::records::{AccountDnsSettings, ZoneDnsSettings};
use crate::helpers::{derive_hex, SimClock};
use crate::members::records::Member;
use crate::subscriptions::records::Subscription;
use crate::table::Table;
use crate::tenants::records::{Entitlements, Tenant, TenantMembership, TenantUnit};
use crate::users::records::User;
use crate::zones::records::Zone;

/// Bumped when the file layout changes incompatibly.
const STATE_FORMAT_VERSION: u32 = 1;

/// Everything the simulator stores. Lists keep creation order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SimState {
    pub format_version: u32,
    pub tenant: Tenant,
    /// The tenant administrator (the user behind `--api-token` / `--auth-email`).
    pub admin: User,
    pub accounts: Table<Account>,
    pub members: Table<Member>,
    /// Service users created with `POST /users`.
    pub users: Table<User>,
    pub zones: Table<Zone>,
    pub zone_subscriptions: Table<Subscription>,
    pub account_subscriptions: Table<Subscription>,
    /// Tenant custom nameservers (absent from files of earlier versions).
    #[serde(default)]
    pub custom_nameservers: Table<CustomNameserver>,
    /// Accounts' DNS settings, for those changed from the defaults (absent
    /// from files of earlier versions).
    #[serde(default)]
    pub account_dns_settings: Table<AccountDnsSettings>,
    /// Zones' DNS settings, likewise.
    #[serde(default)]
    pub zone_dns_settings: Table<ZoneDnsSettings>,
    /// Stable `user.id` for member emails that are not service users (lowercased email).
    pub user_ids_by_email: BTreeMap<String, String>,
    /// The simulated server's clock (`clock_offset_seconds` in the file;
    /// absent from files of earlier versions).
    #[serde(default, rename = "clock_offset_seconds")]
    pub clock: SimClock,
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
            accounts: Table::default(),
            members: Table::default(),
            users: Table::default(),
            zones: Table::default(),
            zone_subscriptions: Table::default(),
            account_subscriptions: Table::default(),
            custom_nameservers: Table::default(),
            account_dns_settings: Table::default(),
            zone_dns_settings: Table::default(),
            user_ids_by_email,
            clock: SimClock::default(),
            dialect: config.dialect,
        }
    }
}

impl SimState {
    /// The state to start from: the one in `file` when there is one, else
    /// the seeded one. A loaded state must belong to the seed's tenant; the
    /// entitlement flags given on the command line apply on top of it, and
    /// the dialect is the command line's, never the file's.
    pub fn load_or_seed(file: Option<&StateFile>, seed: &SeedConfig) -> anyhow::Result<SimState> {
        let Some(file) = file else {
            return Ok(SimState::seed(seed));
        };
        let Some(mut loaded) = file.load()? else {
            return Ok(SimState::seed(seed));
        };
        anyhow::ensure!(
            loaded.tenant.tenant_tag == seed.tenant_id,
            "state file {} belongs to tenant {}, but --tenant-id is {}; use another file or the matching --tenant-id",
            file.path().display(),
            loaded.tenant.tenant_tag,
            seed.tenant_id
        );
        let entitlements = &mut loaded.tenant.entitlements;
        if seed.allow_auto_accept_invites {
            entitlements.allow_auto_accept_invites = true;
        }
        if !seed.partial_setup_allowed {
            entitlements.partial_setup_allowed = false;
        }
        loaded.dialect = seed.dialect;
        tracing::info!(path = %file.path().display(), accounts = loaded.accounts.len(), "loaded state");
        Ok(loaded)
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

    /// Readies the file at start: the temporary files of earlier, killed
    /// simulators removed, and `state` written (which also gives an existing
    /// file its private mode).
    pub fn prepare(&self, state: &SimState) -> anyhow::Result<()> {
        let removed = self.remove_stale_temp_files();
        if removed > 0 {
            tracing::info!(path = %self.path.display(), removed, "removed temporary files of earlier, killed simulators");
        }
        self.save(state)
            .with_context(|| format!("writing state file {}", self.path.display()))
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
