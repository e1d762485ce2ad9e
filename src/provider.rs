//! The provider itself: its configuration (credentials, endpoint, retry
//! settings), which resources and data sources it has, and what the
//! framework calls to configure and stop it.

use crate::client::{self, Auth, Client, ClientConfig, RetryPolicy, StopSignal};
use crate::data_sources::{
    account_roles::AccountRolesDataSource, tenant::TenantDataSource,
    tenant_account_types::TenantAccountTypesDataSource, tenant_accounts::TenantAccountsDataSource,
    tenant_custom_nameservers::TenantCustomNameserversDataSource,
    tenant_entitlements::TenantEntitlementsDataSource,
    tenant_memberships::TenantMembershipsDataSource,
};
use crate::resources::{
    account::AccountResource, account_member::AccountMemberResource,
    account_subscription::AccountSubscriptionResource, service_user::ServiceUserResource,
    tenant_custom_nameserver::TenantCustomNameserverResource, zone::ZoneResource,
    zone_subscription::ZoneSubscriptionResource,
};
use serde::Deserialize;
use std::time::Duration;
use tfplugin::diag::Diagnostics;
use tfplugin::provider::{Plugin, ProviderDefinition};
use tfplugin::resource::{AnyDataSource, AnyResource, DataSourceAdapter, ResourceAdapter};
use tfplugin::schema::{Attribute, Check, Schema};
use tfplugin::value::{self, AttrPath, Type, Value};

pub fn schema() -> Schema {
    Schema::new(
        "The `cftenant` provider manages customer accounts, members, service users, zones and subscriptions \
         under a Cloudflare tenant, through Cloudflare's partner (Tenant) API. Authenticate with the tenant \
         administrator's email and global API key (`email` + `api_key`), which Cloudflare documents for the \
         account, member and tenant endpoints, or with an API token (`api_token`).",
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
            // A way out, should reading through lists ever disagree with
            // reading one by one (README, troubleshooting).
            coalesce_reads: env("CFTENANT_COALESCE_READS").as_deref() != Some("0"),
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

/// The cftenant provider, as the framework serves it.
#[derive(Default)]
pub struct CftenantProvider {
    stop: StopSignal,
}

impl CftenantProvider {
    /// The provider with its schemas built, as Terraform sees it (for docs
    /// and tests; the server builds its own).
    pub fn plugin() -> Plugin<CftenantProvider> {
        Plugin::new(CftenantProvider::default())
    }
}

impl ProviderDefinition for CftenantProvider {
    type Client = Client;
    const TYPE_NAME: &'static str = "cftenant";

    fn schema(&self) -> Schema {
        schema()
    }

    fn resources(&self) -> Vec<Box<dyn AnyResource<Client>>> {
        vec![
            ResourceAdapter::boxed(AccountResource),
            ResourceAdapter::boxed(AccountMemberResource),
            ResourceAdapter::boxed(ServiceUserResource),
            ResourceAdapter::boxed(ZoneResource),
            ResourceAdapter::boxed(ZoneSubscriptionResource),
            ResourceAdapter::boxed(AccountSubscriptionResource),
            ResourceAdapter::boxed(TenantCustomNameserverResource),
        ]
    }

    fn data_sources(&self) -> Vec<Box<dyn AnyDataSource<Client>>> {
        vec![
            DataSourceAdapter::boxed(TenantDataSource),
            DataSourceAdapter::boxed(TenantEntitlementsDataSource),
            DataSourceAdapter::boxed(TenantMembershipsDataSource),
            DataSourceAdapter::boxed(TenantAccountsDataSource),
            DataSourceAdapter::boxed(TenantAccountTypesDataSource),
            DataSourceAdapter::boxed(AccountRolesDataSource),
            DataSourceAdapter::boxed(TenantCustomNameserversDataSource),
        ]
    }

    /// Validation sees the provider block before its values are final: a
    /// variable may still be unknown (`terraform validate`), and a null or
    /// empty one means "not set". Only credentials that are certainly set
    /// can conflict here; everything else is decided by `configure`, with
    /// the final values and the environment.
    fn validate_config(&self, config: &Value, diags: &mut Diagnostics) {
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
    }

    fn configure(&self, config: &Value) -> Result<Client, Diagnostics> {
        let parsed: ProviderConfig = value::from_value(config).map_err(|e| {
            let mut d = Diagnostics::default();
            d.attr_error(
                e.path.clone(),
                "Invalid provider configuration",
                e.to_string(),
            );
            d
        })?;
        let resolved = resolve(parsed, |k| std::env::var(k).ok())?;
        Client::new(resolved, self.stop.clone()).map_err(|e| {
            let mut d = Diagnostics::default();
            d.error("Cannot create the API client", e.to_string());
            d
        })
    }

    fn stop(&self) {
        self.stop.stop();
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
