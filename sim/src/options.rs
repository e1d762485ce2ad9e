//! The command line of `cftenant-sim`, which also configures an embedded simulator.

use crate::dialect::Dialect;
use crate::input;
use crate::ratelimit::RateLimit;
use crate::store::SeedConfig;
use std::path::PathBuf;

/// Default tenant id (`--tenant-id`).
pub const DEFAULT_TENANT_ID: &str = "7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c";
/// Default API token (`--api-token`): publicly known, so loopback only.
pub const DEFAULT_API_TOKEN: &str = "sim-token";
/// Default global API key (`--auth-key`): publicly known, so loopback only.
pub const DEFAULT_AUTH_KEY: &str = "sim-key";
/// Default `--header-read-timeout-ms`.
pub const DEFAULT_HEADER_READ_TIMEOUT_MS: u64 = 10_000;
/// Default `--max-connections`.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1000;

/// Command-line options of `cftenant-sim`.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "cftenant-sim",
    version,
    about = "Stateful simulator of Cloudflare's partner (Tenant) provisioning API",
    long_about = "Stateful simulator of Cloudflare's partner (Tenant) provisioning API.\n\n\
                  Prints `cftenant-sim listening on http://HOST:PORT/client/v4` as the first \
                  stdout line; logs go to stderr (RUST_LOG controls verbosity). See docs/SIMULATOR.md."
)]
pub struct SimOptions {
    /// Address to listen on; port 0 picks a free port. An address that is not
    /// loopback needs your own --api-token and --auth-key.
    #[arg(long, env = "CFTENANT_SIM_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: String,

    /// Accepted API token (`Authorization: Bearer TOKEN`); repeatable.
    #[arg(long = "api-token", value_name = "TOKEN", default_values_t = [String::from(DEFAULT_API_TOKEN)])]
    pub api_tokens: Vec<String>,

    /// Tenant admin email for `X-Auth-Email` + `X-Auth-Key` authentication.
    #[arg(long, value_name = "EMAIL", default_value = "sim@example.com")]
    pub auth_email: String,

    /// Tenant admin global API key for `X-Auth-Key`.
    #[arg(long, value_name = "KEY", default_value = DEFAULT_AUTH_KEY)]
    pub auth_key: String,

    /// Tag of the seeded tenant; its unit tags are derived from it.
    #[arg(long, value_name = "ID", default_value = DEFAULT_TENANT_ID)]
    pub tenant_id: String,

    /// Name of the seeded tenant.
    #[arg(long, value_name = "NAME", default_value = "Simulated Partner Tenant")]
    pub tenant_name: String,

    /// Seed the tenant entitlement `allow_auto_accept_invites` = true (members may be
    /// created with `status: accepted`).
    #[arg(long)]
    pub allow_auto_accept_invites: bool,

    /// Seed the tenant entitlement `partial_setup_allowed` = false (partial zones are
    /// rejected with 1104).
    #[arg(long)]
    pub deny_partial_setup: bool,

    /// Persist the whole state to this JSON file (atomically, after every change) and
    /// reload it on start. Without it, state lives in memory only.
    #[arg(long, env = "CFTENANT_SIM_STATE", value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Per-credential request budget, e.g. `1200/300` (1200 requests per 300 seconds);
    /// beyond it requests get 429 / 971 with `Retry-After`.
    #[arg(long, value_name = "N/SECONDS")]
    pub rate_limit: Option<RateLimit>,

    /// Keep every API request and answer, bodies included, in memory for
    /// `GET /__sim/exchanges` (for tests that check them against the API's
    /// definition).
    #[arg(long)]
    pub record_exchanges: bool,

    /// Enforce the authentication schemes of Cloudflare's API definition: an
    /// API token on an endpoint documented for the global API key only
    /// (accounts, members, roles, profiles, tenants, `GET /user`) gets
    /// 403 / 10000. Without it, a token works everywhere.
    #[arg(long)]
    pub strict_auth: bool,

    /// The shapes of the answers: `documented` (as Cloudflare documents the
    /// API) or `observed` (as the live API has been recorded to answer; see
    /// docs/SIMULATOR.md, "Dialects").
    #[arg(long, env = "CFTENANT_SIM_DIALECT", value_enum, default_value_t = Dialect::Documented)]
    pub dialect: Dialect,

    /// Close a connection that has not sent a complete request head within this
    /// many milliseconds of opening, or of its previous answer.
    #[arg(long, value_name = "MS", default_value_t = DEFAULT_HEADER_READ_TIMEOUT_MS)]
    pub header_read_timeout_ms: u64,

    /// Most connections open at once; beyond it, the connection that has waited
    /// longest for a request is closed to make room.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
}

impl Default for SimOptions {
    /// The command-line defaults, for embedding the simulator (see [`Simulator::bind`]).
    fn default() -> Self {
        SimOptions {
            listen: "127.0.0.1:8787".into(),
            api_tokens: vec![DEFAULT_API_TOKEN.into()],
            auth_email: "sim@example.com".into(),
            auth_key: DEFAULT_AUTH_KEY.into(),
            tenant_id: DEFAULT_TENANT_ID.into(),
            tenant_name: "Simulated Partner Tenant".into(),
            allow_auto_accept_invites: false,
            deny_partial_setup: false,
            state: None,
            rate_limit: None,
            record_exchanges: false,
            strict_auth: false,
            dialect: Dialect::Documented,
            header_read_timeout_ms: DEFAULT_HEADER_READ_TIMEOUT_MS,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl SimOptions {
    pub(crate) fn seed_config(&self) -> SeedConfig {
        SeedConfig {
            tenant_id: self.tenant_id.clone(),
            tenant_name: self.tenant_name.clone(),
            admin_email: self.auth_email.clone(),
            allow_auto_accept_invites: self.allow_auto_accept_invites,
            partial_setup_allowed: !self.deny_partial_setup,
            dialect: self.dialect,
        }
    }

    pub(crate) fn validate(&self) -> anyhow::Result<()> {
        let tenant_ok = !self.tenant_id.is_empty()
            && self.tenant_id.len() <= 64
            && self
                .tenant_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        anyhow::ensure!(
            tenant_ok,
            "--tenant-id must be 1-64 characters of [A-Za-z0-9_-], got '{}'",
            self.tenant_id
        );
        anyhow::ensure!(
            input::is_valid_email(&self.auth_email),
            "--auth-email '{}' is not a valid email address",
            self.auth_email
        );
        anyhow::ensure!(!self.auth_key.is_empty(), "--auth-key must not be empty");
        anyhow::ensure!(
            self.api_tokens
                .iter()
                .all(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic())),
            "--api-token values must be non-empty printable ASCII without spaces"
        );
        anyhow::ensure!(
            self.header_read_timeout_ms > 0,
            "--header-read-timeout-ms must be at least 1"
        );
        anyhow::ensure!(
            self.max_connections > 0,
            "--max-connections must be at least 1"
        );
        if !is_loopback_listen(&self.listen) {
            let mut defaults = Vec::new();
            if self.api_tokens.iter().any(|t| t == DEFAULT_API_TOKEN) {
                defaults.push(format!("--api-token {DEFAULT_API_TOKEN}"));
            }
            if self.auth_key == DEFAULT_AUTH_KEY {
                defaults.push(format!("--auth-key {DEFAULT_AUTH_KEY}"));
            }
            anyhow::ensure!(
                defaults.is_empty(),
                "--listen {} is not a loopback address, and the simulator would accept its default, \
                 publicly known credentials there ({}). Give credentials of your own with --api-token \
                 TOKEN and --auth-key KEY (neither the default), or listen on a loopback address \
                 such as 127.0.0.1:8787",
                self.listen,
                defaults.join(", ")
            );
        }
        Ok(())
    }
}

/// Whether a `--listen` address is loopback only: an IP address in 127.0.0.0/8 or
/// `[::1]`, or the name `localhost`, with a port. Any other name counts as not
/// loopback (it is not resolved here).
pub fn is_loopback_listen(listen: &str) -> bool {
    if let Ok(addr) = listen.parse::<std::net::SocketAddr>() {
        return addr.ip().to_canonical().is_loopback();
    }
    listen
        .rsplit_once(':')
        .is_some_and(|(host, _port)| host.eq_ignore_ascii_case("localhost"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn default_options_match_the_command_line_defaults() {
        let parsed = SimOptions::try_parse_from(["cftenant-sim"]).expect("defaults parse");
        let built = SimOptions::default();
        assert_eq!(parsed.api_tokens, built.api_tokens);
        assert_eq!(parsed.auth_email, built.auth_email);
        assert_eq!(parsed.auth_key, built.auth_key);
        assert_eq!(parsed.tenant_id, built.tenant_id);
        assert_eq!(parsed.tenant_name, built.tenant_name);
        assert_eq!(parsed.rate_limit, built.rate_limit);
        assert_eq!(parsed.dialect, built.dialect);
        assert_eq!(parsed.header_read_timeout_ms, built.header_read_timeout_ms);
        assert_eq!(parsed.max_connections, built.max_connections);
        assert_eq!(built.dialect, Dialect::Documented);
        assert!(built.validate().is_ok());
    }

    #[test]
    fn repeated_tokens_and_rate_limit_parse() {
        let parsed = SimOptions::try_parse_from([
            "cftenant-sim",
            "--api-token",
            "a",
            "--api-token",
            "b",
            "--rate-limit",
            "1200/300",
        ])
        .expect("parse");
        assert_eq!(parsed.api_tokens, ["a", "b"]);
        assert_eq!(parsed.rate_limit.map(|r| r.limit), Some(1200));
        assert!(SimOptions::try_parse_from(["cftenant-sim", "--rate-limit", "lots"]).is_err());
    }

    #[test]
    fn loopback_listen_addresses() {
        for listen in [
            "127.0.0.1:8787",
            "127.0.0.1:0",
            "127.1.2.3:80",
            "[::1]:8787",
            "[::ffff:127.0.0.1]:1",
            "localhost:8787",
            "LocalHost:0",
        ] {
            assert!(is_loopback_listen(listen), "{listen}");
        }
        for listen in [
            "0.0.0.0:8787",
            "[::]:8787",
            "10.0.0.5:8787",
            "192.168.1.2:0",
            "example.com:8787",
            "localhost.example.com:80",
            "localhost",
        ] {
            assert!(!is_loopback_listen(listen), "{listen}");
        }
    }

    #[test]
    fn a_non_loopback_listen_address_needs_credentials_of_ones_own() {
        let parse = |args: &[&str]| {
            SimOptions::try_parse_from(std::iter::once("cftenant-sim").chain(args.iter().copied()))
                .expect("parse")
        };
        // The defaults, on every address that is not loopback.
        for listen in [
            "0.0.0.0:8787",
            "[::]:0",
            "10.1.2.3:80",
            "sim.example.com:8787",
        ] {
            let err = parse(&["--listen", listen])
                .validate()
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(&format!("--listen {listen} is not a loopback address")),
                "{err}"
            );
            assert!(
                err.contains("--api-token sim-token") && err.contains("--auth-key sim-key"),
                "{err}"
            );
        }
        // Either default alone is refused, and so is the default token among others.
        let err = parse(&["--listen", "0.0.0.0:0", "--api-token", "s3cret"])
            .validate()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--auth-key sim-key") && !err.contains("--api-token sim-token"),
            "{err}"
        );
        let err = parse(&["--listen", "0.0.0.0:0", "--auth-key", "k3y"])
            .validate()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--api-token sim-token") && !err.contains("--auth-key sim-key"),
            "{err}"
        );
        let err = parse(&[
            "--listen",
            "0.0.0.0:0",
            "--auth-key",
            "k3y",
            "--api-token",
            "s3cret",
            "--api-token",
            "sim-token",
        ])
        .validate()
        .unwrap_err()
        .to_string();
        assert!(err.contains("--api-token sim-token"), "{err}");
        // Credentials of one's own.
        parse(&[
            "--listen",
            "0.0.0.0:0",
            "--api-token",
            "s3cret",
            "--auth-key",
            "k3y",
        ])
        .validate()
        .expect("explicit credentials allow any address");
        // On loopback, the defaults are fine.
        for listen in ["127.0.0.1:0", "[::1]:0", "localhost:8787"] {
            parse(&["--listen", listen]).validate().expect(listen);
        }
    }

    #[test]
    fn connection_limits_parse_and_must_be_positive() {
        let parsed = SimOptions::try_parse_from([
            "cftenant-sim",
            "--header-read-timeout-ms",
            "250",
            "--max-connections",
            "20",
        ])
        .expect("parse");
        assert_eq!(parsed.header_read_timeout_ms, 250);
        assert_eq!(parsed.max_connections, 20);
        let zero = |flag: &str| {
            SimOptions::try_parse_from(["cftenant-sim", flag, "0"])
                .expect("parse")
                .validate()
                .unwrap_err()
                .to_string()
        };
        assert!(zero("--header-read-timeout-ms").contains("--header-read-timeout-ms"));
        assert!(zero("--max-connections").contains("--max-connections"));
    }

    #[test]
    fn the_dialect_is_documented_or_observed() {
        let parsed =
            SimOptions::try_parse_from(["cftenant-sim", "--dialect", "observed"]).expect("parse");
        assert_eq!(parsed.dialect, Dialect::Observed);
        assert_eq!(parsed.seed_config().dialect, Dialect::Observed);
        assert!(SimOptions::try_parse_from(["cftenant-sim", "--dialect", "live"]).is_err());
    }
}
