//! The one error type of the API client.

use super::envelope::CfMessage;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound,
    Unauthorized,
    Forbidden,
    RateLimited,
    Conflict,
    /// The API refused the request as invalid (4xx), with Cloudflare's codes.
    Invalid,
    Server,
    /// No usable HTTP response: connection refused or reset, timeout.
    Transport,
    /// TLS failed (a certificate that does not verify, a server that does
    /// not speak TLS or only an old version). Not retried: it will fail the
    /// next time too.
    Tls,
    /// The API answered with a redirect, which is never followed.
    Redirect,
    /// A response we could not make sense of.
    Decode,
    /// Terraform asked the provider to stop while the request was waiting.
    Stopped,
}

/// What to check when Cloudflare refuses the credentials that came `from`
/// there (a setting's name, never its value).
fn credentials_advice(from: &str) -> String {
    format!(
        "Check the credentials in use, from {from}, and that their user administers this tenant and has the \
         permission the request needs. (The provider block comes first, then CFTENANT_*, then CLOUDFLARE_*.)"
    )
}

/// Cloudflare's code for "No route for that URI".
const NO_ROUTE: i64 = 7000;

/// Cloudflare's code for "Invalid account identifier passed in your
/// organization variable" (`POST /zones` with an account it does not know).
const UNKNOWN_ACCOUNT: i64 = 1067;

/// Cloudflare's answer to `status = "accepted"` in a tenant without the
/// entitlement: 400 with code 1001, "automatic verification of new members
/// is not allowed" (observed-api.md row 6); 1010 in earlier simulators.
const AUTO_ACCEPT_REFUSED: [i64; 2] = [1001, 1010];

/// Advice an error carries beyond what its kind says, chosen where what
/// was asked is known (with which credentials, under which base_url). All
/// the words of advice live in this file.
#[derive(Clone, Debug, PartialEq)]
pub enum Advice {
    /// Cloudflare refused the credentials that came from there.
    Credentials { from: String },
    /// A 403 to an API token (from there) on an endpoint Cloudflare
    /// documents for the global API key.
    UseGlobalKey { from: String },
    /// Cloudflare has no route for the path under this base_url.
    NoRoute { base_url: String },
    /// The API answered with a redirect.
    Redirect { base_url: String },
    /// The server's certificate did not verify.
    TlsCertificate,
    /// The server offers no TLS version the provider accepts.
    TlsVersion,
    /// What answered an https:// base_url does not speak TLS.
    NotTls,
    /// A member created as `accepted` in a tenant without the entitlement.
    AutoAcceptRefused,
    /// An account id Cloudflare does not know, or not in the caller's tenant.
    UnknownAccount,
    /// Cloudflare's rate limit asked to wait longer than the provider waits.
    RateLimited {
        /// What Cloudflare asked for (`Retry-After`, or the window's reset).
        asked_secs: Option<u32>,
        /// `max_rate_limit_wait_seconds`.
        cap_secs: u64,
        /// From `Ratelimit-Policy`: requests per window, per user.
        budget: Option<(u64, u64)>,
    },
}

impl Advice {
    fn text(&self) -> String {
        match self {
            Advice::Credentials { from } => credentials_advice(from),
            Advice::UseGlobalKey { from } => format!(
                "{} Cloudflare documents this endpoint for the global API key, not for API tokens: \
                 configure `email` and `api_key` in the provider block (or CFTENANT_EMAIL and CFTENANT_API_KEY) \
                 instead of the token; tenant provisioning is done with the tenant administrator's global key.",
                credentials_advice(from)
            ),
            Advice::NoRoute { base_url } => format!(
                "Cloudflare has no such path under base_url {base_url:?}. The API lives under `/client/v4` \
                 (e.g. https://api.cloudflare.com/client/v4): check that base_url (environment: \
                 CFTENANT_BASE_URL or CLOUDFLARE_BASE_URL) ends with it."
            ),
            Advice::Redirect { base_url } => format!(
                "The provider follows no redirect, so that the credentials never go to another address. Check \
                 that base_url (environment: CFTENANT_BASE_URL or CLOUDFLARE_BASE_URL; now {base_url:?}) is the API's own address, such as \
                 https://api.cloudflare.com/client/v4."
            ),
            Advice::TlsCertificate => "Check that `base_url` (environment: CFTENANT_BASE_URL or CLOUDFLARE_BASE_URL) names the right host. If the \
                 server's certificate comes from a private certificate authority (a proxy, a test server), point the \
                 environment variable SSL_CERT_FILE at that authority's certificate (PEM) when running terraform."
                .into(),
            Advice::TlsVersion => "Cloudflare's API speaks TLS 1.2 and 1.3. Check that `base_url` (environment: \
                 CFTENANT_BASE_URL or CLOUDFLARE_BASE_URL) names it, or a proxy that speaks one of them."
                .into(),
            Advice::NotTls => "Check the scheme and port of `base_url` (environment: CFTENANT_BASE_URL or CLOUDFLARE_BASE_URL): \
                 https:// needs a TLS server; plain http:// is accepted only for a loopback server such as cftenant-sim."
                .into(),
            Advice::UnknownAccount => "The account is unknown, or not in your tenant (or these credentials cannot see \
                 it): Cloudflare knows no account of that id here. Check `account_id`: refer to the account as \
                 `cftenant_account.<name>.id`, or look it up with `data.cftenant_tenant_accounts`."
                .into(),
            Advice::RateLimited {
                asked_secs,
                cap_secs,
                budget,
            } => {
                let asked = asked_secs.map_or_else(
                    || "Cloudflare's rate limit turned the request away".to_string(),
                    |s| format!("Cloudflare's rate limit asked to wait {s} s"),
                );
                let budget = budget.map_or_else(
                    || "Its answers stated no budget (no Ratelimit-Policy header)".to_string(),
                    |(q, w)| format!("Its budget is {q} requests per {w} s per user (Ratelimit-Policy)"),
                );
                format!(
                    "{asked}, longer than the provider waits for it ({cap_secs} s). {budget}. To wait it out, raise \
                     `max_rate_limit_wait_seconds` (environment: CFTENANT_MAX_RATE_LIMIT_WAIT_SECONDS). To need less of \
                     it, run with a lower -parallelism, or split the estate into states run under each customer's own \
                     service user, which has a budget of its own (guide: One service user per customer)."
                )
            }
            Advice::AutoAcceptRefused => "`status = \"accepted\"` adds a member without an invitation, which Cloudflare \
                 allows only when the tenant's `allow_auto_accept_invites` entitlement is on (see \
                 data.cftenant_tenant_entitlements). Use `status = \"pending\"`, or leave it unset, to send an invitation."
                .into(),
        }
    }

    /// The configured text advice quotes, for the removal of secrets.
    pub(super) fn quoted_mut(&mut self) -> Option<&mut String> {
        match self {
            Advice::NoRoute { base_url } | Advice::Redirect { base_url } => Some(base_url),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct ApiError {
    /// `METHOD /path` of the request, without the query (never credentials).
    pub request: String,
    pub kind: ErrorKind,
    pub status: Option<u16>,
    pub errors: Vec<CfMessage>,
    /// The server's `Retry-After`, in seconds.
    pub retry_after_secs: Option<u32>,
    pub detail: String,
    pub attempts: u32,
    /// How long the call took in all (whole seconds), when it was retried
    /// or stopped.
    pub elapsed_secs: Option<u32>,
    /// For transport errors: the request surely never reached the server.
    pub not_sent: bool,
    /// Advice that depends on what was asked (e.g. under which base_url).
    pub advice: Option<Box<Advice>>,
}

impl ApiError {
    pub fn new(request: String, kind: ErrorKind, detail: impl Into<String>) -> Self {
        ApiError {
            request,
            kind,
            status: None,
            errors: Vec::new(),
            retry_after_secs: None,
            detail: detail.into(),
            attempts: 1,
            elapsed_secs: None,
            not_sent: false,
            advice: None,
        }
    }

    pub fn from_status(
        request: String,
        status: u16,
        errors: Vec<CfMessage>,
        retry_after_secs: Option<u32>,
    ) -> Self {
        let kind = match status {
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Invalid,
        };
        ApiError {
            status: Some(status),
            errors,
            retry_after_secs,
            ..ApiError::new(request, kind, "")
        }
    }

    /// For a POST: the server may have acted on it even though we have no
    /// answer (the connection broke after sending, it timed out, or it
    /// failed with a 5xx). Whatever it created must be found, not re-created.
    pub fn may_have_committed(&self) -> bool {
        match self.kind {
            ErrorKind::Transport => !self.not_sent,
            ErrorKind::Server | ErrorKind::Decode => true,
            _ => false,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }

    /// True when Cloudflare answered with this error code.
    pub fn has_code(&self, code: i64) -> bool {
        self.errors
            .iter()
            .any(|e| e.code == code || e.chain.iter().any(|c| c.code == code))
    }

    /// Whether the request timed out (as opposed to failing otherwise).
    pub fn timed_out(&self) -> bool {
        self.kind == ErrorKind::Transport && self.detail.starts_with("timed out")
    }

    /// Advice told by the answer's status and codes and by what was asked:
    /// an API token refused where Cloudflare documents the global key, a
    /// path Cloudflare has no route for under `base_url`.
    pub(super) fn advised(
        mut self,
        token_on_global_key_endpoint: bool,
        auth_from: &str,
        base_url: &str,
    ) -> ApiError {
        let from = auth_from.to_string();
        if self.status == Some(403) && token_on_global_key_endpoint {
            self.advice = Some(Box::new(Advice::UseGlobalKey { from }));
        } else if matches!(self.kind, ErrorKind::Unauthorized | ErrorKind::Forbidden) {
            self.advice = Some(Box::new(Advice::Credentials { from }));
        }
        if self.has_code(UNKNOWN_ACCOUNT) {
            self.advice = Some(Box::new(Advice::UnknownAccount));
        }
        if self.has_code(NO_ROUTE) {
            self.advice = Some(Box::new(Advice::NoRoute {
                base_url: base_url.to_string(),
            }));
        }
        self
    }

    /// The refusal of a member created as `accepted` for want of the
    /// tenant's entitlement, told by its status and code.
    pub fn refuses_auto_accept(&self) -> bool {
        self.kind == ErrorKind::Invalid && AUTO_ACCEPT_REFUSED.iter().any(|c| self.has_code(*c))
    }

    /// What the user can do about it, where we know.
    pub fn advice(&self) -> Option<String> {
        if let Some(advice) = &self.advice {
            return Some(advice.text());
        }
        match self.kind {
            ErrorKind::Unauthorized | ErrorKind::Forbidden => Some(credentials_advice(
                "the provider's settings (`api_token`, or `email` and `api_key`, or their CFTENANT_* and CLOUDFLARE_* variables)",
            )),
            ErrorKind::RateLimited => Some(
                "Cloudflare's rate limit turned the request away after every retry. Run with a lower -parallelism, \
                 or split the estate into states run under each customer's own service user, which has a budget of \
                 its own (guide: One service user per customer)."
                    .into(),
            ),
            ErrorKind::Transport if self.timed_out() => Some(
                "Cloudflare did not answer in time. Check `base_url` (environment: CFTENANT_BASE_URL or CLOUDFLARE_BASE_URL) \
                 and the network; for a slow connection raise `request_timeout_seconds` (each attempt) \
                 or `max_retries`."
                    .into(),
            ),
            ErrorKind::Transport => Some(
                "Check `base_url` (environment: CFTENANT_BASE_URL or CLOUDFLARE_BASE_URL) and the network.".into(),
            ),
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.request)?;
        match (self.status, self.kind) {
            (Some(s), _) => write!(f, ": HTTP {s}")?,
            (None, ErrorKind::Stopped) => write!(f, ": stopped")?,
            // Answers were had, but what they say together cannot be used.
            (None, ErrorKind::Decode) => {}
            (None, _) => write!(f, ": no response")?,
        }
        for e in &self.errors {
            write!(f, "; Cloudflare error {}: {}", e.code, e.message)?;
            for c in &e.chain {
                write!(f, " ({}: {})", c.code, c.message)?;
            }
        }
        if !self.detail.is_empty() {
            write!(f, "; {}", self.detail)?;
        }
        match (self.attempts, self.elapsed_secs) {
            (1, None) => {}
            (n, None) => write!(f, " (after {n} attempts)")?,
            (1, Some(t)) => write!(f, " (after {})", seconds(t))?,
            (n, Some(t)) => write!(f, " (after {n} attempts, {} in all)", seconds(t))?,
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A duration as people read it: `42 s`, `2 min 34 s`.
fn seconds(s: u32) -> String {
    match (s / 60, s % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_statuses_and_formats_codes() {
        let e = ApiError::from_status(
            "POST /zones".into(),
            400,
            vec![CfMessage {
                code: 1061,
                message: "example.com already exists".into(),
                chain: vec![],
            }],
            None,
        );
        assert_eq!(e.kind, ErrorKind::Invalid);
        assert!(e.has_code(1061));
        assert_eq!(
            e.to_string(),
            "POST /zones: HTTP 400; Cloudflare error 1061: example.com already exists"
        );
        assert_eq!(
            ApiError::from_status("x".into(), 404, vec![], None).kind,
            ErrorKind::NotFound
        );
        assert_eq!(
            ApiError::from_status("x".into(), 503, vec![], None).kind,
            ErrorKind::Server
        );
        assert_eq!(
            ApiError::from_status("x".into(), 429, vec![], None).kind,
            ErrorKind::RateLimited
        );
        assert!(ApiError::from_status("x".into(), 403, vec![], None)
            .advice()
            .unwrap()
            .contains("CFTENANT_* and CLOUDFLARE_* variables"));
        // Where the request's credentials are known, the advice names them.
        let refused = ApiError::from_status("x".into(), 403, vec![], None).advised(
            false,
            "`CFTENANT_EMAIL` and `CFTENANT_API_KEY`",
            "https://api.cloudflare.com/client/v4",
        );
        let advice = refused.advice().unwrap();
        assert!(
            advice.contains("from `CFTENANT_EMAIL` and `CFTENANT_API_KEY`")
                && !advice.contains("CLOUDFLARE_EMAIL"),
            "{advice}"
        );
    }
}
