//! The provider itself: its configuration (credentials, endpoint, retry
//! settings), which resources and data sources it has, and what the
//! framework calls to configure and stop it.

use crate::client::{self, Auth, Client, ClientConfig, RetryPolicy, StopSignal};
use crate::data_sources::{
    account::AccountDataSource, account_members::AccountMembers, account_roles::AccountRoles,
    listing::ListingDataSource, permission_groups::PermissionGroups,
    resource_groups::ResourceGroups, tenant::TenantDataSource,
    tenant_account_types::TenantAccountTypes, tenant_accounts::TenantAccounts,
    tenant_custom_nameservers::TenantCustomNameservers,
    tenant_entitlements::TenantEntitlementsDataSource, tenant_memberships::TenantMemberships,
    zone_rate_plans::ZoneRatePlans, zones::ZonesDataSource,
};
use crate::resources::{
    account::AccountResource, account_dns_settings::AccountDnsSettingsResource,
    account_member::AccountMemberResource, account_subscription::AccountSubscriptionResource,
    service_user::ServiceUserResource, tenant_custom_nameserver::TenantCustomNameserverResource,
    zone::ZoneResource, zone_dns_settings::ZoneDnsSettingsResource,
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
         account, member and tenant endpoints, or with an API token (`api_token`). Each setting falls back on its \
         own to its environment variable: `CFTENANT_*` first, then `CLOUDFLARE_*`.",
        vec![
            Attribute::optional("api_token", Type::String, "Cloudflare API token. Environment: `CFTENANT_API_TOKEN`, then `CLOUDFLARE_API_TOKEN`. Conflicts with `email`/`api_key` set at the same level (both in the block, or both in `CFTENANT_*`, or both in `CLOUDFLARE_*`); otherwise the block comes first, then `CFTENANT_*`, then `CLOUDFLARE_*`.")
                .sensitive(),
            Attribute::optional("email", Type::String, "Email of the user whose global API key is `api_key`. Environment: `CFTENANT_EMAIL`, then `CLOUDFLARE_EMAIL`."),
            Attribute::optional("api_key", Type::String, "Global API key of `email`. Environment: `CFTENANT_API_KEY`, then `CLOUDFLARE_API_KEY`.").sensitive(),
            Attribute::optional(
                "base_url",
                Type::String,
                "API base URL. Environment: `CFTENANT_BASE_URL`, then `CLOUDFLARE_BASE_URL`. Default `https://api.cloudflare.com/client/v4`. \
                 Plain `http://` is accepted only for loopback hosts (127.0.0.0/8, ::1, localhost), e.g. the `cftenant-sim` simulator.",
            )
            .check(Check::Custom { allowed: "an https:// URL, or http:// to a loopback host", check: client::check_base_url }),
            Attribute::optional("max_retries", Type::Number, "How many times a request is retried after a 429, a 5xx or a network error. Environment: `CFTENANT_MAX_RETRIES`. Default 4.")
                .check(Check::Range(0, 20)),
            Attribute::optional(
                "max_rate_limit_wait_seconds",
                Type::Number,
                "The longest a request waits for Cloudflare's rate limit (a 429's `Retry-After`, or the window's reset), in seconds; \
                 a longer wait fails the request, saying what Cloudflare asked for. Environment: `CFTENANT_MAX_RATE_LIMIT_WAIT_SECONDS`. Default 300 \
                 (Cloudflare's window is 5 minutes).",
            )
            .check(Check::Range(1, 86_400)),
            Attribute::optional("request_timeout_seconds", Type::Number, "Timeout of one HTTP request, in seconds. Environment: `CFTENANT_REQUEST_TIMEOUT_SECONDS`. Default 30.")
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
    pub max_rate_limit_wait_seconds: Option<u64>,
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

/// Where a setting's value came from, in order of precedence: the
/// provider block, then `CFTENANT_*` (this provider's own variables, so that
/// one shell can hold a token for the official provider and the global key
/// for this one), then `CLOUDFLARE_*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Block,
    Cftenant,
    Cloudflare,
}

/// A setting's value and where it came from (never shown: only its name).
struct Found {
    value: String,
    source: Source,
    /// How a message names it: `api_token` or `CFTENANT_API_TOKEN`.
    name: String,
}

impl Found {
    /// Where it came from, as a message says it (never the value).
    fn origin(&self) -> String {
        match self.source {
            Source::Block => format!("`{}` in the provider block", self.name),
            _ => format!("`{}`", self.name),
        }
    }

    fn at(&self, attr: &str) -> AttrPath {
        match self.source {
            Source::Block => AttrPath::attr(attr),
            _ => AttrPath::root(),
        }
    }
}

/// One setting, on its own: the block's value, else its `CFTENANT_*`
/// variable, else (where Cloudflare's providers have one) its
/// `CLOUDFLARE_*` variable.
fn lookup(
    block: Option<String>,
    attr: &str,
    cloudflare_too: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<Found> {
    let upper = attr.to_ascii_uppercase();
    let block = non_empty(block).map(|value| Found {
        value,
        source: Source::Block,
        name: attr.to_string(),
    });
    let from_env = |source, name: String| {
        non_empty(env(&name)).map(|value| Found {
            value,
            source,
            name,
        })
    };
    block
        .or_else(|| from_env(Source::Cftenant, format!("CFTENANT_{upper}")))
        .or_else(|| {
            cloudflare_too
                .then(|| from_env(Source::Cloudflare, format!("CLOUDFLARE_{upper}")))
                .flatten()
        })
}

/// A number setting from the block or its `CFTENANT_*` variable, within
/// `range`.
fn number(
    block: Option<u64>,
    attr: &str,
    range: std::ops::RangeInclusive<u64>,
    env: &dyn Fn(&str) -> Option<String>,
    diags: &mut Diagnostics,
) -> Option<u64> {
    if block.is_some() {
        return block;
    }
    let found = lookup(None, attr, false, env)?;
    match found.value.trim().parse::<u64>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            diags.error(
                format!("Invalid {}", found.name),
                format!(
                    "The environment variable {} must be a whole number from {} to {} (it sets `{attr}`).",
                    found.name,
                    range.start(),
                    range.end()
                ),
            );
            None
        }
    }
}

/// Resolves the configuration against the environment (`env` looks up a
/// variable) into what the API client needs. Each setting is resolved on
/// its own (block, `CFTENANT_*`, `CLOUDFLARE_*`); which credentials are
/// used is decided after that.
pub fn resolve(
    config: ProviderConfig,
    env: impl Fn(&str) -> Option<String>,
) -> Result<ClientConfig, Diagnostics> {
    let mut diags = Diagnostics::default();
    let env: &dyn Fn(&str) -> Option<String> = &env;
    let auth = credentials(&config, env, &mut diags);
    let base_url = base_url(config.base_url, env, &mut diags);
    let mut number = |block, attr, range| number(block, attr, range, env, &mut diags);
    let max_retries = number(config.max_retries.map(u64::from), "max_retries", 0..=20);
    let timeout = number(
        config.request_timeout_seconds,
        "request_timeout_seconds",
        1..=600,
    );
    let max_wait = number(
        config.max_rate_limit_wait_seconds,
        "max_rate_limit_wait_seconds",
        1..=86_400,
    );
    match auth {
        Some((auth, auth_from)) if !diags.has_errors() => Ok(ClientConfig {
            base_url,
            user_agent: client::user_agent("", env("TF_APPEND_USER_AGENT").as_deref()),
            auth,
            auth_from,
            retry: RetryPolicy {
                max_retries: max_retries.map_or(4, |n| n as u32),
                max_wait: max_wait.map_or(RetryPolicy::default().max_wait, Duration::from_secs),
                ..RetryPolicy::default()
            },
            request_timeout: Duration::from_secs(timeout.unwrap_or(30)),
            // A way out, should reading through lists ever disagree with
            // reading one by one (README, troubleshooting).
            coalesce_reads: env("CFTENANT_COALESCE_READS").as_deref() != Some("0"),
        }),
        _ => Err(diags),
    }
}

/// The credentials to use, and where they came from as messages name it.
fn credentials(
    config: &ProviderConfig,
    env: &dyn Fn(&str) -> Option<String>,
    diags: &mut Diagnostics,
) -> Option<(Auth, String)> {
    let token = lookup(config.api_token.clone(), "api_token", true, env);
    let email = lookup(config.email.clone(), "email", true, env);
    let key = lookup(config.api_key.clone(), "api_key", true, env);
    let refusal =
        |found: &Option<Found>, attr: &str| found.as_ref().and_then(|f| unsendable(f, attr));
    let token_unsendable = refusal(&token, "api_token");
    let pair_unsendable = [refusal(&email, "email"), refusal(&key, "api_key")];
    let token_from = token.as_ref().map(Found::origin).unwrap_or_default();
    let pair_from = [&email, &key]
        .into_iter()
        .flatten()
        .map(Found::origin)
        .collect::<Vec<_>>()
        .join(" and ");
    let auth = pick_auth(token, email, key, diags)?;
    let (from, refusals) = match auth {
        Auth::Token(_) => (token_from, vec![token_unsendable]),
        Auth::Key { .. } => (pair_from, pair_unsendable.into()),
    };
    let mut sendable = true;
    for (at, summary, detail) in refusals.into_iter().flatten() {
        diags.attr_error(at, summary, detail);
        sendable = false;
    }
    sendable.then_some((auth, from))
}

/// The error (where, summary, detail) for a credential that cannot go into
/// a request header. A line break or another control character (a token
/// read with `file()` keeps the file's last newline) would fail every
/// request before it left, as if the network were down.
fn unsendable(found: &Found, attr: &str) -> Option<(AttrPath, String, String)> {
    found.value.chars().any(char::is_control).then(|| {
        (
            found.at(attr),
            format!("Invalid {attr}"),
            format!(
                "{} contains a line break or another control character, which a request header cannot carry. A \
                 value read with file() keeps the file's last newline: write trimspace(file(\"…\")), or remove it \
                 from the variable.",
                found.origin()
            ),
        )
    })
}

/// The API's base URL: the block's, a variable's, or Cloudflare's; checked.
fn base_url(
    block: Option<String>,
    env: &dyn Fn(&str) -> Option<String>,
    diags: &mut Diagnostics,
) -> String {
    let found = lookup(block, "base_url", true, env);
    let at = found
        .as_ref()
        .map_or(AttrPath::attr("base_url"), |f| f.at("base_url"));
    let base_url = found.map_or_else(|| client::DEFAULT_BASE_URL.to_string(), |f| f.value);
    if let Err(msg) = client::check_base_url(&base_url) {
        diags.attr_error(at, "Invalid base_url", msg);
    }
    base_url
}

/// The credentials to use, from what each setting resolved to: a token, or
/// an email with its key, whichever comes from the more precedent source;
/// both from sources of the same precedence conflict. Messages name where
/// each value came from, never the value.
fn pick_auth(
    token: Option<Found>,
    email: Option<Found>,
    key: Option<Found>,
    diags: &mut Diagnostics,
) -> Option<Auth> {
    let pair_source = [&email, &key].into_iter().flatten().map(|f| f.source).min();
    let token = match (token, pair_source) {
        // The pair comes from a more precedent source: the token is
        // another provider's (CLOUDFLARE_API_TOKEN for the official one).
        (Some(t), Some(p)) if p < t.source => None,
        (Some(t), Some(p)) if t.source < p => return Some(Auth::Token(t.value)),
        (Some(t), Some(_)) => {
            conflict(&t, email.as_ref(), key.as_ref(), diags);
            return None;
        }
        (token, None) => token,
        (None, Some(_)) => None,
    };
    match (token, email, key) {
        (Some(token), _, _) => Some(Auth::Token(token.value)),
        (None, Some(email), Some(key)) => Some(Auth::Key {
            email: email.value,
            key: key.value,
        }),
        (None, Some(email), None) => {
            let (found, missing) = (("email", "EMAIL"), ("api_key", "API_KEY"));
            missing_partner(&email, found, missing, "Missing API key", diags);
            None
        }
        (None, None, Some(key)) => {
            let (found, missing) = (("api_key", "API_KEY"), ("email", "EMAIL"));
            missing_partner(&key, found, missing, "Missing email", diags);
            None
        }
        (None, None, None) => {
            diags.error(
                "Missing credentials",
                "Set `api_token`, or `email` and `api_key`, in the provider \"cftenant\" block, or the environment \
                 variable CFTENANT_API_TOKEN (or CLOUDFLARE_API_TOKEN), or CFTENANT_EMAIL and CFTENANT_API_KEY \
                 (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY).",
            );
            None
        }
    }
}

/// A token and an email/key pair from sources of the same precedence.
fn conflict(token: &Found, email: Option<&Found>, key: Option<&Found>, diags: &mut Diagnostics) {
    let place = |f: &Found| match f.source {
        Source::Block => "in the provider block",
        _ => "in the environment",
    };
    let pair_place = email.or(key).map_or("in the environment", place);
    diags.attr_error(
        token.at("api_token"),
        "Conflicting credentials",
        format!(
            "Both `{}` ({}) and `{}`/`{}` ({}) are set. Use exactly one authentication method: an API token, \
             or an email with its global API key. (The provider block comes first, then CFTENANT_*, then CLOUDFLARE_*.)",
            token.name,
            place(token),
            email.map_or("email", |f| &f.name),
            key.map_or("api_key", |f| &f.name),
            pair_place,
        ),
    );
}

/// An email without its key, or a key without its email: the message names
/// the one found as it was found (`email` or `CFTENANT_EMAIL`, …) and every
/// place the missing one may come from. Each pair is (attribute, the
/// variables' suffix).
fn missing_partner(
    found: &Found,
    (found_attr, found_var): (&str, &str),
    (missing_attr, missing_var): (&str, &str),
    summary: &str,
    diags: &mut Diagnostics,
) {
    let missing = found
        .name
        .replace(found_var, missing_var)
        .replace(found_attr, missing_attr);
    diags.attr_error(
        found.at(missing_attr),
        summary,
        format!(
            "`{}` is set but `{missing}` is not (nor `{missing_attr}` in the provider block, CFTENANT_{missing_var} or \
             CLOUDFLARE_{missing_var}); set both, or use an API token instead.",
            found.name
        ),
    );
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
            ResourceAdapter::boxed(AccountDnsSettingsResource::default()),
            ResourceAdapter::boxed(ZoneDnsSettingsResource::default()),
        ]
    }

    fn data_sources(&self) -> Vec<Box<dyn AnyDataSource<Client>>> {
        vec![
            DataSourceAdapter::boxed(TenantDataSource),
            DataSourceAdapter::boxed(TenantEntitlementsDataSource),
            DataSourceAdapter::boxed(ListingDataSource::<TenantMemberships>::default()),
            DataSourceAdapter::boxed(ListingDataSource::<TenantAccounts>::default()),
            DataSourceAdapter::boxed(ListingDataSource::<TenantAccountTypes>::default()),
            DataSourceAdapter::boxed(ListingDataSource::<AccountRoles>::default()),
            DataSourceAdapter::boxed(ListingDataSource::<TenantCustomNameservers>::default()),
            DataSourceAdapter::boxed(AccountDataSource),
            DataSourceAdapter::boxed(ListingDataSource::<AccountMembers>::default()),
            DataSourceAdapter::boxed(ZonesDataSource),
            DataSourceAdapter::boxed(ListingDataSource::<ZoneRatePlans>::default()),
            DataSourceAdapter::boxed(ListingDataSource::<PermissionGroups>::default()),
            DataSourceAdapter::boxed(ListingDataSource::<ResourceGroups>::default()),
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

    fn configure(&self, config: &Value, terraform_version: &str) -> Result<Client, Diagnostics> {
        let parsed: ProviderConfig = value::from_value(config).map_err(|e| {
            let mut d = Diagnostics::default();
            d.attr_error(
                e.path.clone(),
                "Invalid provider configuration",
                e.to_string(),
            );
            d
        })?;
        let mut resolved = resolve(parsed, |k| std::env::var(k).ok())?;
        resolved.user_agent = client::user_agent(
            terraform_version,
            std::env::var("TF_APPEND_USER_AGENT").ok().as_deref(),
        );
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

    /// A provider block with these credentials and nothing else.
    fn block(
        api_token: Option<&str>,
        email: Option<&str>,
        api_key: Option<&str>,
    ) -> ProviderConfig {
        ProviderConfig {
            api_token: api_token.map(String::from),
            email: email.map(String::from),
            api_key: api_key.map(String::from),
            ..Default::default()
        }
    }

    fn key(email: &str, key: &str) -> Auth {
        Auth::Key {
            email: email.into(),
            key: key.into(),
        }
    }

    /// The diagnostics of a configuration that must fail, as one text.
    fn refusal(config: ProviderConfig, env: impl Fn(&str) -> Option<String>) -> String {
        let d = resolve(config, env).expect_err("the configuration must be refused");
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
    fn each_setting_falls_back_to_its_own_variable() {
        let c = resolve(
            block(None, Some("e@x.io"), None),
            env(&[("CLOUDFLARE_API_KEY", "k")]),
        )
        .unwrap();
        assert_eq!(c.auth, key("e@x.io", "k"));
        assert_eq!(
            c.auth_from,
            "`email` in the provider block and `CLOUDFLARE_API_KEY`"
        );
    }

    #[test]
    fn cftenant_variables_come_before_cloudflare_ones() {
        // One shell: a token for the official provider, the key for this one.
        let c = resolve(
            ProviderConfig::default(),
            env(&[
                ("CLOUDFLARE_API_TOKEN", "official"),
                ("CFTENANT_EMAIL", "e@x.io"),
                ("CFTENANT_API_KEY", "k"),
                ("CFTENANT_BASE_URL", "http://127.0.0.1:9/client/v4"),
                (
                    "CLOUDFLARE_BASE_URL",
                    "https://api.cloudflare.com/client/v4",
                ),
                ("CFTENANT_MAX_RETRIES", "7"),
                ("CFTENANT_REQUEST_TIMEOUT_SECONDS", "5"),
            ]),
        )
        .unwrap();
        assert_eq!(c.auth, key("e@x.io", "k"));
        assert_eq!(c.auth_from, "`CFTENANT_EMAIL` and `CFTENANT_API_KEY`");
        assert_eq!(c.base_url, "http://127.0.0.1:9/client/v4");
        assert_eq!(c.retry.max_retries, 7);
        assert_eq!(c.request_timeout, Duration::from_secs(5));
        let c = resolve(
            ProviderConfig::default(),
            env(&[
                ("CFTENANT_API_TOKEN", "t"),
                ("CLOUDFLARE_EMAIL", "e@x.io"),
                ("CLOUDFLARE_API_KEY", "k"),
            ]),
        )
        .unwrap();
        assert_eq!(c.auth, Auth::Token("t".into()));
        let text = refusal(
            ProviderConfig::default(),
            env(&[
                ("CFTENANT_API_TOKEN", "t1"),
                ("CFTENANT_API_KEY", "s3cret"),
                ("CFTENANT_EMAIL", "e@x.io"),
            ]),
        );
        assert!(
            text.contains("CFTENANT_API_TOKEN")
                && text.contains("`CFTENANT_EMAIL`/`CFTENANT_API_KEY`"),
            "{text}"
        );
        assert!(
            !text.contains("t1") && !text.contains("s3cret"),
            "values never shown: {text}"
        );
        let text = refusal(
            block(Some("t"), None, None),
            env(&[("CFTENANT_MAX_RETRIES", "many")]),
        );
        assert!(
            text.contains("CFTENANT_MAX_RETRIES must be a whole number from 0 to 20"),
            "{text}"
        );
    }

    #[test]
    fn token_from_config_wins_over_env_and_defaults_apply() {
        let c = resolve(
            block(Some("t"), None, None),
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
        assert_eq!(c.auth, key("e@x.io", "k"));
    }

    #[test]
    fn both_methods_are_rejected_naming_them() {
        let text = refusal(block(Some("t"), Some("e@x.io"), Some("k")), env(&[]));
        assert!(text.contains("Some(\"api_token\")"), "{text}");
        let text = refusal(
            ProviderConfig::default(),
            env(&[
                ("CLOUDFLARE_API_TOKEN", "t"),
                ("CLOUDFLARE_API_KEY", "k"),
                ("CLOUDFLARE_EMAIL", "e@x.io"),
            ]),
        );
        assert!(text.contains("CLOUDFLARE_API_TOKEN"), "{text}");
    }

    #[test]
    fn a_credential_a_header_cannot_carry_is_refused_naming_where_it_came_from() {
        let text = refusal(block(Some("t0ken\n"), None, None), env(&[]));
        assert!(
            text.contains("Invalid api_token") && text.contains("trimspace(file("),
            "{text}"
        );
        assert!(!text.contains("t0ken"), "values never shown: {text}");
        let text = refusal(
            ProviderConfig::default(),
            env(&[
                ("CFTENANT_EMAIL", "e@x.io"),
                ("CFTENANT_API_KEY", "k3y\r\n"),
            ]),
        );
        assert!(
            text.contains("`CFTENANT_API_KEY` contains a line break"),
            "{text}"
        );
        // Only what is used is checked: a token the pair outranks may be
        // another provider's, and is not this one's to refuse.
        let c = resolve(
            ProviderConfig::default(),
            env(&[
                ("CFTENANT_EMAIL", "e@x.io"),
                ("CFTENANT_API_KEY", "k"),
                ("CLOUDFLARE_API_TOKEN", "other\n"),
            ]),
        )
        .unwrap();
        assert_eq!(c.auth, key("e@x.io", "k"));
    }

    #[test]
    fn no_credentials_says_what_to_set() {
        let text = refusal(ProviderConfig::default(), env(&[]));
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
    fn half_a_key_pair_is_rejected_naming_the_missing_half() {
        let text = refusal(block(None, Some("e@x.io"), None), env(&[]));
        assert!(
            text.contains("Missing API key") && text.contains("Some(\"api_key\")"),
            "{text}"
        );
        let text = refusal(ProviderConfig::default(), env(&[("CFTENANT_API_KEY", "k")]));
        assert!(
            text.contains("Missing email")
                && text.contains("`CFTENANT_API_KEY` is set but `CFTENANT_EMAIL` is not"),
            "{text}"
        );
    }

    #[test]
    fn plain_http_only_to_loopback() {
        let mut config = block(Some("t"), None, None);
        config.base_url = Some("http://127.0.0.1:1/client/v4".into());
        assert!(resolve(config, env(&[])).is_ok());
        let text = refusal(
            block(Some("t"), None, None),
            env(&[("CLOUDFLARE_BASE_URL", "http://example.com/client/v4")]),
        );
        assert!(text.contains("not loopback"), "{text}");
    }
}
