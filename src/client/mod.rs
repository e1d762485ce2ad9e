//! The Cloudflare API client: one connection pool, one envelope decoder, one
//! retry policy, one error type. Resources call the typed helpers below and
//! never build HTTP requests themselves.

mod clock;
mod coalesce;
mod decode;
mod envelope;
mod error;
mod ratelimit;
mod retry;

pub use clock::{parse_stamp, ServerClock, Stamp};
pub use coalesce::{Children, Collection};
pub use decode::{either, null_as_empty};
pub use envelope::{CfMessage, Envelope, ResultInfo};
pub use error::{ApiError, ErrorKind, CREDENTIALS_ADVICE};
pub use retry::RetryPolicy;

use reqwest::Method;
use serde::{de::DeserializeOwned, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::watch;
use tokio::sync::OnceCell;

use coalesce::Coalescer;
use ratelimit::RateGate;

pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";
const USER_AGENT: &str = concat!("terraform-provider-cftenant/", env!("CARGO_PKG_VERSION"));

/// How requests authenticate. `Debug` never prints the secrets.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    Token(String),
    Key { email: String, key: String },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Token(_) => write!(f, "Auth::Token(<redacted>)"),
            Auth::Key { email, .. } => {
                write!(f, "Auth::Key {{ email: {email:?}, key: <redacted> }}")
            }
        }
    }
}

impl Auth {
    fn apply(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Auth::Token(t) => req.bearer_auth(t),
            Auth::Key { email, key } => req.header("X-Auth-Email", email).header("X-Auth-Key", key),
        }
    }
}

/// The operations Cloudflare's API definition documents for the global API
/// key (`X-Auth-Email` + `X-Auth-Key`) only, as `(method, path template)`
/// (`*`: every method). An API token may be refused there; a 403 then says
/// how to configure the key. (tests/conformance.rs holds it to the
/// definition.)
pub const GLOBAL_KEY_ONLY: &[(&str, &str)] = &[
    ("*", "/accounts"),
    ("*", "/accounts/{account_id}"),
    ("*", "/accounts/{account_id}/members"),
    ("*", "/accounts/{account_id}/members/{member_id}"),
    ("*", "/accounts/{account_id}/profile"),
    ("*", "/accounts/{account_id}/roles"),
    ("*", "/accounts/{account_id}/roles/{role_id}"),
    ("*", "/tenants/{tenant_id}"),
    ("*", "/tenants/{tenant_id}/account_types"),
    ("*", "/tenants/{tenant_id}/accounts"),
    ("*", "/tenants/{tenant_id}/entitlements"),
    ("*", "/tenants/{tenant_id}/memberships"),
    ("*", "/user/tenants"),
    ("GET", "/user"),
];

/// Is this request one of [`GLOBAL_KEY_ONLY`]?
fn documented_for_global_key(method: &Method, path: &str) -> bool {
    let path: Vec<&str> = path.trim_matches('/').split('/').collect();
    GLOBAL_KEY_ONLY.iter().any(|(m, template)| {
        let template: Vec<&str> = template.trim_matches('/').split('/').collect();
        (*m == "*" || *m == method.as_str())
            && template.len() == path.len()
            && template
                .iter()
                .zip(&path)
                .all(|(t, p)| t.starts_with('{') || t == p)
    })
}

#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub base_url: String,
    pub auth: Auth,
    pub retry: RetryPolicy,
    pub request_timeout: Duration,
    /// Answer many reads of one kind from its list when cheaper
    /// ([`coalesce`]); off only to compare, or as a way out.
    pub coalesce_reads: bool,
}

/// Tells waiting requests that Terraform asked the provider to stop.
#[derive(Clone)]
pub struct StopSignal(watch::Sender<bool>);

impl Default for StopSignal {
    fn default() -> Self {
        StopSignal(watch::channel(false).0)
    }
}

impl StopSignal {
    pub fn stop(&self) {
        self.0.send_replace(true);
    }
    fn subscribe(&self) -> watch::Receiver<bool> {
        self.0.subscribe()
    }
}

/// A successful response: the decoded `result` and the `result_info`.
pub struct Page<T> {
    pub result: T,
    pub info: Option<ResultInfo>,
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    auth: Auth,
    retry: RetryPolicy,
    request_timeout: Duration,
    stop: StopSignal,
    clock: Arc<ServerClock>,
    /// Answers that do not change while the provider runs (see `get_cached`).
    cached: Arc<std::sync::Mutex<HashMap<String, Arc<OnceCell<serde_json::Value>>>>>,
    /// Lists read this run, answering single reads (see `read_one`).
    coalescer: Arc<Coalescer>,
    /// Cloudflare's rate limit, for every request in flight.
    gate: Arc<RateGate>,
}

/// `err`, the outcome of a call that made `retries` retries since `since`:
/// its attempts, and how long they took when there was more than one.
fn after_attempts(err: ApiError, retries: u32, since: Instant) -> ApiError {
    ApiError {
        attempts: retries + 1,
        elapsed_secs: (retries > 0).then(|| whole_seconds(since.elapsed())),
        ..err
    }
}

/// Cloudflare's code for "No route for that URI".
const NO_ROUTE: i64 = 7000;

impl Client {
    /// A request that got no usable answer, said in words a user can act on.
    fn transport_error(&self, request: &str, e: &reqwest::Error) -> ApiError {
        if let Some(why) = certificate_problem(e) {
            return ApiError::new(
                request.to_string(),
                ErrorKind::Tls,
                format!("the server's TLS certificate could not be verified: {why}"),
            );
        }
        // reqwest's text can include the URL (never headers); keep it.
        let detail = if e.is_timeout() {
            format!(
                "timed out after {} s (request_timeout_seconds): {e}",
                self.request_timeout.as_secs()
            )
        } else {
            e.to_string()
        };
        let mut err = ApiError::new(request.to_string(), ErrorKind::Transport, detail);
        err.not_sent = e.is_connect();
        err
    }

    pub fn new(config: ClientConfig, stop: StopSignal) -> Result<Client, ApiError> {
        tfplugin::install_crypto_provider();
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout.min(Duration::from_secs(10)))
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| {
                ApiError::new(
                    "building the HTTP client".into(),
                    ErrorKind::Transport,
                    e.to_string(),
                )
            })?;
        Ok(Client {
            http,
            base_url: config.base_url.trim_end_matches('/').to_string(),
            auth: config.auth,
            retry: config.retry,
            request_timeout: config.request_timeout,
            stop,
            clock: Arc::default(),
            cached: Arc::default(),
            coalescer: Arc::new(Coalescer::new(config.coalesce_reads)),
            gate: Arc::default(),
        })
    }

    pub fn max_retries(&self) -> u32 {
        self.retry.max_retries
    }

    /// The API server's clock as its answers so far reveal it.
    pub fn server_clock(&self) -> &ServerClock {
        &self.clock
    }

    /// Waits before retry number `retries_done + 1` after `err`, as the
    /// retry policy says; returns early with `Stopped` if Terraform stops us.
    pub async fn wait_before_retry(
        &self,
        retries_done: u32,
        err: &ApiError,
    ) -> Result<(), ApiError> {
        let retry_after = err.retry_after_secs.map(|s| Duration::from_secs(s.into()));
        let wait = self.retry.delay(retries_done, retry_after);
        tracing::info!(request = %err.request, error = %err, wait_ms = wait.as_millis() as u64, "retrying API call");
        let mut stop = self.stop.subscribe();
        tokio::select! {
            _ = tokio::time::sleep(wait) => Ok(()),
            _ = stop.wait_for(|s| *s) => Err(ApiError {
                attempts: retries_done + 1,
                ..ApiError::new(err.request.clone(), ErrorKind::Stopped, format!("stopped while waiting to retry after: {err}"))
            }),
        }
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        Ok(self
            .call(Method::GET, path, &[], None::<&()>, None)
            .await?
            .result)
    }

    pub async fn get_query<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ApiError> {
        Ok(self
            .call(Method::GET, path, query, None::<&()>, None)
            .await?
            .result)
    }

    /// A GET made with other credentials than the provider's (e.g. a
    /// service user reading itself).
    pub async fn get_as<T: DeserializeOwned>(
        &self,
        path: &str,
        auth: &Auth,
    ) -> Result<T, ApiError> {
        Ok(self
            .call(Method::GET, path, &[], None::<&()>, Some(auth))
            .await?
            .result)
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        Ok(self
            .call(Method::POST, path, &[], Some(body), None)
            .await?
            .result)
    }

    pub async fn put<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        Ok(self
            .call(Method::PUT, path, &[], Some(body), None)
            .await?
            .result)
    }

    pub async fn patch<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        Ok(self
            .call(Method::PATCH, path, &[], Some(body), None)
            .await?
            .result)
    }

    /// A GET of something that does not change while the provider runs
    /// (the caller's tenants and their units, a tenant's account types):
    /// asked once per process however many plans need it. Failures are not
    /// kept, so a later call asks again.
    pub async fn get_cached<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let cell = self
            .cached
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(path.to_string())
            .or_default()
            .clone();
        let value = cell
            .get_or_try_init(|| self.get::<serde_json::Value>(path))
            .await?;
        decode::decode(&format!("GET {path}"), value.clone())
    }

    /// GET an object; `None` when the API says it does not exist (404).
    pub async fn get_if_exists<T: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<Option<T>, ApiError> {
        match self.get(path).await {
            Err(e) if e.is_not_found() => Ok(None),
            other => other.map(Some),
        }
    }

    /// DELETE where an object that is already gone (404) counts as deleted.
    pub async fn delete_if_exists(&self, path: &str) -> Result<(), ApiError> {
        match self.delete(path).await {
            Err(e) if e.is_not_found() => Ok(()),
            other => other,
        }
    }

    /// DELETE; the result (`{id}` or null, depending on the endpoint) is not needed.
    pub async fn delete(&self, path: &str) -> Result<(), ApiError> {
        self.call::<(), serde_json::Value>(Method::DELETE, path, &[], None, None)
            .await?;
        Ok(())
    }

    /// Every item of a paginated list (`page`/`per_page`), following
    /// `result_info.total_pages` where given, else until a short page. An
    /// endpoint that answers without `result_info`, or with another page
    /// than the one asked for, is not paginated: its first answer is all.
    pub async fn list_all<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        per_page: u32,
    ) -> Result<Vec<T>, ApiError> {
        let mut items = Vec::new();
        for page in 1u64.. {
            let mut q: Vec<(&str, String)> = query.to_vec();
            q.push(("page", page.to_string()));
            q.push(("per_page", per_page.to_string()));
            let resp: Page<Vec<T>> = self.call(Method::GET, path, &q, None::<&()>, None).await?;
            let n = resp.result.len() as u64;
            items.extend(resp.result);
            let last = match resp.info {
                None => true,
                Some(info) if info.page.is_some_and(|p| p != page) => true,
                Some(ResultInfo {
                    total_pages: Some(total),
                    ..
                }) => page >= total,
                Some(_) => n < u64::from(per_page),
            };
            if last || n == 0 {
                break;
            }
        }
        Ok(items)
    }

    /// One API call with retries: the core every helper above goes through.
    pub async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
        auth: Option<&Auth>,
    ) -> Result<Page<T>, ApiError> {
        let request = format!("{method} {path}");
        let body =
            match body {
                Some(b) => Some(serde_json::to_vec(b).map_err(|e| {
                    ApiError::new(request.clone(), ErrorKind::Decode, e.to_string())
                })?),
                None => None,
            };
        // Nothing read after a write may predate it.
        let writes = method != Method::GET;
        if writes {
            self.coalescer.forget();
        }
        let outcome = self
            .call_with_retries(&method, path, query, body.as_deref(), auth, &request)
            .await;
        if writes {
            self.coalescer.forget();
        }
        outcome
    }

    async fn call_with_retries<T: DeserializeOwned>(
        &self,
        method: &Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&[u8]>,
        auth: Option<&Auth>,
        request: &str,
    ) -> Result<Page<T>, ApiError> {
        let mut stop = self.stop.subscribe();
        let call_started = Instant::now();
        let mut retries = 0;
        loop {
            if *stop.borrow() {
                return Err(self.stopped(request, retries, call_started));
            }
            let max_wait = self.retry.max_wait;
            let admitted = tokio::select! {
                admitted = self.gate.admit(request, |wait| wait > max_wait) => admitted,
                _ = stop.wait_for(|s| *s) => {
                    return Err(self.stopped(request, retries, call_started));
                }
            };
            let _admitted = match admitted {
                Ok(admitted) => admitted,
                Err(wait) => return Err(self.held_too_long(request, wait, retries, call_started)),
            };
            let started = Instant::now();
            let attempt = self.attempt(
                method,
                path,
                query,
                body,
                auth.unwrap_or(&self.auth),
                request,
            );
            let outcome = if *method == Method::POST {
                // A POST in flight is never abandoned: the server may act on
                // it, and only its answer tells what it created. It is
                // bounded by request_timeout_seconds.
                attempt.await
            } else {
                tokio::select! {
                    outcome = attempt => outcome,
                    _ = stop.wait_for(|s| *s) => {
                        return Err(self.stopped(request, retries, call_started));
                    }
                }
            };
            match &outcome {
                Ok((status, _)) => {
                    tracing::debug!(method = %method, path, status, elapsed_ms = started.elapsed().as_millis() as u64, "API call")
                }
                Err(e) => {
                    tracing::debug!(method = %method, path, status = e.status, error = %e, elapsed_ms = started.elapsed().as_millis() as u64, "API call failed")
                }
            }
            let err = match outcome {
                Ok((status, envelope)) => {
                    let result =
                        decode::decode(request, envelope.result).map_err(|e| ApiError {
                            status: Some(status),
                            ..e
                        })?;
                    return Ok(Page {
                        result,
                        info: envelope.result_info,
                    });
                }
                Err(e) => e,
            };
            if !self.retry.should_retry(method, &err, retries) {
                return Err(after_attempts(err, retries, call_started));
            }
            self.wait_before_retry(retries, &err).await?;
            retries += 1;
        }
    }

    /// Cloudflare's rate limit would hold the request back longer than
    /// `max_wait`.
    fn held_too_long(
        &self,
        request: &str,
        wait: Duration,
        retries: u32,
        since: Instant,
    ) -> ApiError {
        let err = ApiError {
            retry_after_secs: Some(whole_seconds(wait)),
            ..ApiError::new(
                request.to_string(),
                ErrorKind::RateLimited,
                format!(
                    "not sent: Cloudflare's rate limit holds requests back for {} s more, longer than the provider waits ({} s)",
                    whole_seconds(wait),
                    self.retry.max_wait.as_secs()
                ),
            )
        };
        after_attempts(err, retries, since)
    }

    fn stopped(&self, request: &str, retries: u32, since: Instant) -> ApiError {
        ApiError {
            attempts: retries + 1,
            elapsed_secs: Some(whole_seconds(since.elapsed())),
            ..ApiError::new(
                request.to_string(),
                ErrorKind::Stopped,
                "Terraform asked the provider to stop",
            )
        }
    }

    async fn attempt(
        &self,
        method: &Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&[u8]>,
        auth: &Auth,
        request: &str,
    ) -> Result<(u16, Envelope), ApiError> {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{}", self.base_url, path));
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some(b) = body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(b.to_vec());
        }
        let resp = auth
            .apply(req)
            .send()
            .await
            .map_err(|e| self.transport_error(request, &e))?;
        self.gate.observe(resp.headers(), Instant::now());
        if let Some(date) = resp
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
        {
            self.clock.observe_date_header(date, SystemTime::now());
        }
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u32>().ok());
        if status == 429 {
            if let Some(secs) = retry_after {
                self.gate
                    .turned_away(Duration::from_secs(secs.into()), Instant::now());
            }
        }
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| self.transport_error(request, &e))?;
        match Envelope::parse(&bytes) {
            Some(env) if (200..300).contains(&status) && env.success => Ok((status, env)),
            // No content: a success with nothing to say (the profile's PUT).
            None if status == 204 => Ok((
                status,
                Envelope {
                    success: true,
                    ..Envelope::default()
                },
            )),
            Some(env) => {
                let status = if (200..300).contains(&status) {
                    400
                } else {
                    status
                };
                let mut err =
                    ApiError::from_status(request.to_string(), status, env.errors, retry_after);
                if status == 403
                    && matches!(auth, Auth::Token(_))
                    && documented_for_global_key(method, path)
                {
                    err.hint = Some(
                        format!(
                            "{CREDENTIALS_ADVICE} Cloudflare documents this endpoint for the global API key, \
                             not for API tokens: configure `email` and `api_key` in the provider block (or \
                             CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY) instead of `api_token`; tenant \
                             provisioning is done with the tenant administrator's global key."
                        )
                        .into(),
                    );
                }
                if err.has_code(NO_ROUTE) {
                    err.hint = Some(format!(
                        "Cloudflare has no such path under base_url {:?}. The API lives under `/client/v4` \
                         (e.g. https://api.cloudflare.com/client/v4): check that base_url (environment: \
                         CLOUDFLARE_BASE_URL) ends with it.",
                        self.base_url
                    )
                    .into());
                }
                Err(err)
            }
            None if (200..300).contains(&status) => Err(ApiError {
                status: Some(status),
                ..ApiError::new(
                    request.to_string(),
                    ErrorKind::Decode,
                    "response is not a Cloudflare API envelope",
                )
            }),
            None => {
                let snippet: String = String::from_utf8_lossy(&bytes).chars().take(200).collect();
                Err(ApiError {
                    detail: format!("body: {snippet}"),
                    ..ApiError::from_status(request.to_string(), status, vec![], retry_after)
                })
            }
        }
    }
}

fn whole_seconds(d: Duration) -> u32 {
    u32::try_from(d.as_secs_f64().round() as u64).unwrap_or(u32::MAX)
}

/// Why the server's certificate was refused, if that is what failed: the
/// rustls error sits a few errors down reqwest's chain, inside `io::Error`s
/// (whose inner error `source()` skips).
fn certificate_problem(e: &reqwest::Error) -> Option<String> {
    use rustls::CertificateError as C;
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        match err.downcast_ref::<rustls::Error>() {
            Some(rustls::Error::InvalidCertificate(cert)) => {
                return Some(match cert {
                    C::UnknownIssuer => "it is signed by an unknown issuer (a self-signed certificate, or a private certificate authority this machine does not trust)".into(),
                    C::NotValidForName | C::NotValidForNameContext { .. } => {
                        "it is not valid for the host name in base_url".into()
                    }
                    C::Expired | C::ExpiredContext { .. } => "it has expired".into(),
                    C::NotValidYet | C::NotValidYetContext { .. } => "it is not valid yet".into(),
                    C::Revoked => "it has been revoked".into(),
                    C::BadSignature => {
                        "its signature does not match the certificate authority this machine trusts under that name".into()
                    }
                    other => format!("{other:?}"),
                });
            }
            Some(other) => return Some(other.to_string()),
            None => {}
        }
        next = match err.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    None
}

/// One path segment from user input, percent-encoded so that a `/`, `?` or
/// `..` in it cannot reach another endpoint. Ids the provider validates as
/// hex need none of this; free-form ones (a tenant tag) do.
pub fn path_segment(raw: &str) -> String {
    percent_encoding::utf8_percent_encode(raw, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Checks a base URL: HTTPS anywhere, plain HTTP only to a loopback host.
pub fn check_base_url(raw: &str) -> Result<(), String> {
    let url = url::Url::parse(raw).map_err(|e| format!("{raw:?} is not a URL: {e}"))?;
    match url.scheme() {
        "https" => Ok(()),
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            if loopback {
                Ok(())
            } else {
                Err(format!(
                    "{raw:?} uses plain http:// to a host that is not loopback; use https://, or http:// only with 127.0.0.1, ::1 or localhost (e.g. the cftenant-sim simulator)"
                ))
            }
        }
        other => Err(format!(
            "{raw:?} has scheme {other:?}; expected https:// (or http:// to a loopback host)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_documented_for_the_global_key() {
        let get = Method::GET;
        assert!(documented_for_global_key(&get, "/accounts"));
        assert!(documented_for_global_key(
            &Method::PUT,
            "/accounts/023e105f4ecef8ad9ca31a8372d0c353/members/4536bcfad5faccb111b47003c79917fa"
        ));
        assert!(documented_for_global_key(&get, "/tenants/t/entitlements"));
        assert!(documented_for_global_key(&get, "/user"));
        assert!(!documented_for_global_key(&Method::PATCH, "/user"));
        assert!(!documented_for_global_key(&get, "/zones"));
        assert!(!documented_for_global_key(
            &get,
            "/accounts/a/subscriptions"
        ));
        assert!(!documented_for_global_key(&get, "/tenants/t/custom_ns"));
    }

    #[test]
    fn path_segments_cannot_escape() {
        assert_eq!(path_segment("7d0a0a5b2c1e4f3a"), "7d0a0a5b2c1e4f3a");
        assert_eq!(
            path_segment("../accounts?page=2"),
            "%2E%2E%2Faccounts%3Fpage%3D2"
        );
        assert_eq!(path_segment("a b#c"), "a%20b%23c");
    }

    #[test]
    fn base_url_rules() {
        assert!(check_base_url("https://api.cloudflare.com/client/v4").is_ok());
        assert!(check_base_url("http://127.0.0.1:8787/client/v4").is_ok());
        assert!(check_base_url("http://127.3.4.5/client/v4").is_ok());
        assert!(check_base_url("http://[::1]:8787/client/v4").is_ok());
        assert!(check_base_url("http://localhost:8787/client/v4").is_ok());
        assert!(check_base_url("http://api.cloudflare.com/client/v4")
            .unwrap_err()
            .contains("not loopback"));
        assert!(check_base_url("http://10.0.0.1/client/v4").is_err());
        assert!(check_base_url("ftp://127.0.0.1/").is_err());
        assert!(check_base_url("not a url").is_err());
    }

    #[test]
    fn auth_debug_hides_secrets() {
        let t = format!("{:?}", Auth::Token("s3cr3t-token".into()));
        let k = format!(
            "{:?}",
            Auth::Key {
                email: "a@b.co".into(),
                key: "s3cr3t-key".into()
            }
        );
        assert!(!t.contains("s3cr3t") && !k.contains("s3cr3t"));
    }
}
