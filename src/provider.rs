//! The provider itself: its configuration (credentials, endpoint, retry
//! settings) and the registry of resources and data sources.

use crate::client::{self, Auth, Client, ClientConfig, RetryPolicy, StopSignal};
use crate::diag::Diagnostics;
use crate::resource::{AnyDataSource, AnyResource, Registered};
use crate::schema::{Attribute, Check, Schema};
use crate::value::{self, AttrPath, Type, Value};
use crate::{data_sources, resources};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::RwLock;
use std::time::Duration;

pub const TYPE_NAME: &str = "cftenant";

pub fn schema() -> Schema {
    Schema::new(
        "The `cftenant` provider manages customer accounts, members, service users, zones and subscriptions \
         under a Cloudflare tenant, through Cloudflare's partner (Tenant) API. Authenticate with an API token \
         (`api_token`) or with the tenant admin's email and global API key (`email` + `api_key`).",
        vec![
            Attribute::optional("api_token", Type::String, "Cloudflare API token. Environment: `CLOUDFLARE_API_TOKEN`. Conflicts with `email`/`api_key`.")
                .sensitive(),
            Attribute::optional("email", Type::String, "Email of the user whose global API key is `api_key`. Environment: `CLOUDFLARE_EMAIL`."),
            Attribute::optional("api_key", Type::String, "Global API key of `email`. Environment: `CLOUDFLARE_API_KEY`.").sensitive(),
            Attribute::optional(
                "base_url",
                Type::String,
                "API base URL. Environment: `CLOUDFLARE_BASE_URL`. Default `https://api.cloudflare.com/client/v4`. \
                 Plain `http://` is accepted only for loopback hosts (127.0.0.0/8, ::1, localhost), e.g. the `cftenant-sim` simulator.",
            )
            .check(Check::Custom { allowed: "an https:// URL, or http:// to a loopback host", check: client::check_base_url }),
            Attribute::optional("max_retries", Type::Number, "How many times a request is retried after a 429, a 5xx or a network error. Default 4.")
                .check(Check::Range(0, 20)),
            Attribute::optional("request_timeout_seconds", Type::Number, "Timeout of one HTTP request, in seconds. Default 30.")
                .check(Check::Range(1, 600)),
        ],
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct ProviderConfig {
    pub api_token: Option<String>,
    pub email: Option<String>,
    pub api_key: Option<String>,
    pub base_url: Option<String>,
    pub max_retries: Option<u32>,
    pub request_timeout_seconds: Option<u64>,
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// A credential attribute as validation sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Credential {
    /// Null or blank: the same as leaving it out.
    Unset,
    /// Not known yet (a variable during `terraform validate`).
    Unknown,
    Set,
}

impl Credential {
    fn of(v: &Value) -> Credential {
        match v {
            Value::Unknown => Credential::Unknown,
            Value::String(s) if !s.trim().is_empty() => Credential::Set,
            _ => Credential::Unset,
        }
    }
}

/// Resolves the configuration against the environment (`env` looks up a
/// variable) into what the API client needs.
pub fn resolve(
    config: ProviderConfig,
    env: impl Fn(&str) -> Option<String>,
) -> Result<ClientConfig, Diagnostics> {
    let mut diags = Diagnostics::default();
    let env = |k: &str| non_empty(env(k));
    let (token, email, key) = (
        non_empty(config.api_token),
        non_empty(config.email),
        non_empty(config.api_key),
    );
    let auth = if token.is_some() || email.is_some() || key.is_some() {
        pick_auth(token, email, key, false, &mut diags)
    } else {
        pick_auth(
            env("CLOUDFLARE_API_TOKEN"),
            env("CLOUDFLARE_EMAIL"),
            env("CLOUDFLARE_API_KEY"),
            true,
            &mut diags,
        )
    };
    let base_url = non_empty(config.base_url)
        .or_else(|| env("CLOUDFLARE_BASE_URL"))
        .unwrap_or_else(|| client::DEFAULT_BASE_URL.to_string());
    if let Err(msg) = client::check_base_url(&base_url) {
        diags.attr_error(AttrPath::attr("base_url"), "Invalid base_url", msg);
    }
    match auth {
        Some(auth) if !diags.has_errors() => Ok(ClientConfig {
            base_url,
            auth,
            retry: RetryPolicy {
                max_retries: config.max_retries.unwrap_or(4),
                ..RetryPolicy::default()
            },
            request_timeout: Duration::from_secs(config.request_timeout_seconds.unwrap_or(30)),
        }),
        _ => Err(diags),
    }
}

fn pick_auth(
    token: Option<String>,
    email: Option<String>,
    key: Option<String>,
    from_env: bool,
    diags: &mut Diagnostics,
) -> Option<Auth> {
    let (t, e, k) = if from_env {
        (
            "CLOUDFLARE_API_TOKEN",
            "CLOUDFLARE_EMAIL",
            "CLOUDFLARE_API_KEY",
        )
    } else {
        ("api_token", "email", "api_key")
    };
    let at = |name: &str| {
        if from_env {
            AttrPath::root()
        } else {
            AttrPath::attr(name)
        }
    };
    match (token, email, key) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            diags.attr_error(
                at(t),
                "Conflicting credentials",
                format!("Both `{t}` and `{e}`/`{k}` are set. Use exactly one authentication method: an API token, or an email with its global API key."),
            );
            None
        }
        (Some(token), None, None) => Some(Auth::Token(token)),
        (None, Some(email), Some(key)) => Some(Auth::Key { email, key }),
        (None, Some(_), None) => {
            diags.attr_error(
                at(k),
                "Missing API key",
                format!("`{e}` is set but `{k}` is not; set both, or use `{t}` instead."),
            );
            None
        }
        (None, None, Some(_)) => {
            diags.attr_error(
                at(e),
                "Missing email",
                format!("`{k}` is set but `{e}` is not; set both, or use `{t}` instead."),
            );
            None
        }
        (None, None, None) => {
            diags.error(
                "Missing credentials",
                "Set `api_token`, or `email` and `api_key`, in the provider \"cftenant\" block, or the environment \
                 variable CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY.",
            );
            None
        }
    }
}

/// The provider: its schema, its resources and data sources, and (once
/// Terraform has configured it) the API client.
pub struct Provider {
    pub schema: Schema,
    pub resources: BTreeMap<&'static str, Box<dyn AnyResource>>,
    pub data_sources: BTreeMap<&'static str, Box<dyn AnyDataSource>>,
    client: RwLock<Option<Client>>,
    pub stop: StopSignal,
}

impl Default for Provider {
    fn default() -> Self {
        Self::new()
    }
}

impl Provider {
    pub fn new() -> Self {
        let resources: Vec<Box<dyn AnyResource>> = vec![
            Registered::resource(resources::account::AccountResource),
            Registered::resource(resources::account_member::AccountMemberResource),
            Registered::resource(resources::service_user::ServiceUserResource),
            Registered::resource(resources::zone::ZoneResource),
            Registered::resource(resources::zone_subscription::ZoneSubscriptionResource),
            Registered::resource(resources::account_subscription::AccountSubscriptionResource),
        ];
        let data_sources: Vec<Box<dyn AnyDataSource>> = vec![
            Registered::data_source(data_sources::tenant::TenantDataSource),
            Registered::data_source(
                data_sources::tenant_entitlements::TenantEntitlementsDataSource,
            ),
            Registered::data_source(data_sources::tenant_memberships::TenantMembershipsDataSource),
            Registered::data_source(data_sources::tenant_accounts::TenantAccountsDataSource),
            Registered::data_source(
                data_sources::tenant_account_types::TenantAccountTypesDataSource,
            ),
            Registered::data_source(data_sources::account_roles::AccountRolesDataSource),
        ];
        Provider {
            schema: schema(),
            resources: resources.into_iter().map(|r| (r.type_name(), r)).collect(),
            data_sources: data_sources
                .into_iter()
                .map(|d| (d.type_name(), d))
                .collect(),
            client: RwLock::new(None),
            stop: StopSignal::default(),
        }
    }

    /// Validation sees the provider block before its values are final: a
    /// variable may still be unknown (`terraform validate`), and a null or
    /// empty one means "not set". Only credentials that are certainly set
    /// can conflict here; everything else is decided by `configure`, with
    /// the final values and the environment.
    pub fn validate_config(&self, config: &Value) -> Diagnostics {
        let mut diags = self.schema.validate(config);
        let credential = |n: &str| Credential::of(config.attr(n));
        let (token, email, key) = (
            credential("api_token"),
            credential("email"),
            credential("api_key"),
        );
        if token == Credential::Set && (email == Credential::Set || key == Credential::Set) {
            diags.attr_error(
                AttrPath::attr("api_token"),
                "Conflicting credentials",
                "Both `api_token` and `email`/`api_key` are set. Use exactly one authentication method.",
            );
        }
        diags
    }

    pub fn configure(&self, config: &Value) -> Diagnostics {
        if !config.is_wholly_known() {
            let mut d = Diagnostics::default();
            d.error(
                "Provider configuration not known yet",
                "The provider \"cftenant\" block uses values that are only known after apply. Use values known at plan time (variables, literals, environment).",
            );
            return d;
        }
        let parsed: ProviderConfig = match value::from_value(config) {
            Ok(c) => c,
            Err(e) => {
                let mut d = Diagnostics::default();
                d.attr_error(
                    e.path.clone(),
                    "Invalid provider configuration",
                    e.to_string(),
                );
                return d;
            }
        };
        let resolved = match resolve(parsed, |k| std::env::var(k).ok()) {
            Ok(c) => c,
            Err(d) => return d,
        };
        match Client::new(resolved, self.stop.clone()) {
            Ok(c) => {
                *self.client.write().unwrap_or_else(|p| p.into_inner()) = Some(c);
                Diagnostics::default()
            }
            Err(e) => {
                let mut d = Diagnostics::default();
                d.error("Cannot create the API client", e.to_string());
                d
            }
        }
    }

    /// The configured client, or a diagnostic if Terraform has not configured us.
    pub fn client(&self) -> Result<Client, Diagnostics> {
        self.client
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| {
                let mut d = Diagnostics::default();
                d.error(
                    "Provider not configured",
                    "The cftenant provider was used before Terraform configured it.",
                );
                d
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn detail(d: &Diagnostics) -> String {
        d.0.iter()
            .map(|d| {
                format!(
                    "{} {} {:?}",
                    d.summary,
                    d.detail,
                    d.path.as_ref().map(|p| p.to_string())
                )
            })
            .collect()
    }

    #[test]
    fn token_from_config_wins_over_env_and_defaults_apply() {
        let c = resolve(
            ProviderConfig {
                api_token: Some("t".into()),
                ..Default::default()
            },
            env(&[("CLOUDFLARE_EMAIL", "e@x.io")]),
        )
        .unwrap();
        assert_eq!(c.auth, Auth::Token("t".into()));
        assert_eq!(c.base_url, client::DEFAULT_BASE_URL);
        assert_eq!(c.retry.max_retries, 4);
        assert_eq!(c.request_timeout, Duration::from_secs(30));
    }

    #[test]
    fn key_auth_from_env() {
        let c = resolve(
            ProviderConfig::default(),
            env(&[("CLOUDFLARE_EMAIL", "e@x.io"), ("CLOUDFLARE_API_KEY", "k")]),
        )
        .unwrap();
        assert_eq!(
            c.auth,
            Auth::Key {
                email: "e@x.io".into(),
                key: "k".into()
            }
        );
    }

    #[test]
    fn both_methods_are_rejected_naming_them() {
        let d = resolve(
            ProviderConfig {
                api_token: Some("t".into()),
                api_key: Some("k".into()),
                email: Some("e@x.io".into()),
                ..Default::default()
            },
            env(&[]),
        )
        .unwrap_err();
        assert!(detail(&d).contains("api_token") && detail(&d).contains("Some(\"api_token\")"));
        let d = resolve(
            ProviderConfig::default(),
            env(&[
                ("CLOUDFLARE_API_TOKEN", "t"),
                ("CLOUDFLARE_API_KEY", "k"),
                ("CLOUDFLARE_EMAIL", "e@x.io"),
            ]),
        )
        .unwrap_err();
        assert!(detail(&d).contains("CLOUDFLARE_API_TOKEN"));
    }

    #[test]
    fn no_credentials_says_what_to_set() {
        let d = resolve(ProviderConfig::default(), env(&[])).unwrap_err();
        let text = detail(&d);
        for name in [
            "api_token",
            "email",
            "api_key",
            "CLOUDFLARE_API_TOKEN",
            "CLOUDFLARE_EMAIL",
            "CLOUDFLARE_API_KEY",
        ] {
            assert!(text.contains(name), "{name} missing from {text}");
        }
    }

    #[test]
    fn half_a_key_pair_is_rejected() {
        let d = resolve(
            ProviderConfig {
                email: Some("e@x.io".into()),
                ..Default::default()
            },
            env(&[]),
        )
        .unwrap_err();
        assert!(detail(&d).contains("Some(\"api_key\")"));
    }

    #[test]
    fn plain_http_only_to_loopback() {
        let ok = resolve(
            ProviderConfig {
                api_token: Some("t".into()),
                base_url: Some("http://127.0.0.1:1/client/v4".into()),
                ..Default::default()
            },
            env(&[]),
        );
        assert!(ok.is_ok());
        let d = resolve(
            ProviderConfig {
                api_token: Some("t".into()),
                ..Default::default()
            },
            env(&[("CLOUDFLARE_BASE_URL", "http://example.com/client/v4")]),
        )
        .unwrap_err();
        assert!(detail(&d).contains("not loopback"));
    }
}
