//! The Cloudflare API client: one connection pool, one envelope decoder, one
//! retry policy, one error type. Resources call the typed helpers below and
//! never build HTTP requests themselves.

mod attempt;
mod clock;
mod coalesce;
mod decode;
mod envelope;
mod error;
mod ratelimit;
mod request;
mod retry;

pub use clock::{parse_stamp, ServerClock, Stamp};
pub use coalesce::{Children, Collection};
#[cfg(test)]
pub use decode::decode_for_test;
pub use decode::{either, lenient_number, null_as_empty};
pub use envelope::{CfMessage, Envelope, ResultInfo};
pub use error::{Advice, ApiError, ErrorKind};
pub use request::Request;
pub use retry::RetryPolicy;

use reqwest::Method;
use serde::{de::DeserializeOwned, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::sync::OnceCell;

use coalesce::Coalescer;
use ratelimit::RateGate;

pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";
/// The User-Agent of every request, as the HashiCorp providers write theirs:
/// `terraform-provider-cftenant/<version> Terraform/<version>`, then
/// whatever `TF_APPEND_USER_AGENT` holds (`append`).
pub fn user_agent(terraform_version: &str, append: Option<&str>) -> String {
    let mut agent = format!(
        "terraform-provider-cftenant/{} Terraform/{}",
        env!("CARGO_PKG_VERSION"),
        if terraform_version.trim().is_empty() {
            "unknown"
        } else {
            terraform_version.trim()
        }
    );
    if let Some(extra) = append.map(str::trim).filter(|a| !a.is_empty()) {
        agent.push(' ');
        agent.push_str(extra);
    }
    agent
}

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

#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub base_url: String,
    /// See [`user_agent`].
    pub user_agent: String,
    pub auth: Auth,
    /// Where `auth` came from, as messages name it (`CFTENANT_EMAIL` and
    /// `CFTENANT_API_KEY`, `api_token` in the provider block, …); never a
    /// value.
    pub auth_from: String,
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
    auth_from: String,
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
    /// What this run has noted, by kind and key, and how many times (see
    /// [`Client::saw`] and [`Client::tally`]).
    seen: Arc<std::sync::Mutex<HashMap<(&'static str, String), usize>>>,
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

/// The most pages of one list the provider reads (50 000 objects at 50 a
/// page): past it, the list is taken for broken.
pub const MAX_PAGES: u64 = 1000;

impl Client {
    pub fn new(config: ClientConfig, stop: StopSignal) -> Result<Client, ApiError> {
        tfplugin::install_crypto_provider();
        let http = reqwest::Client::builder()
            .user_agent(config.user_agent.as_str())
            // No redirect is followed: it could carry the credentials to
            // another host, or down to plain http (attempt.rs says why).
            .redirect(reqwest::redirect::Policy::none())
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
            auth_from: config.auth_from,
            retry: config.retry,
            request_timeout: config.request_timeout,
            stop,
            clock: Arc::default(),
            cached: Arc::default(),
            coalescer: Arc::new(Coalescer::new(config.coalesce_reads)),
            gate: Arc::default(),
            seen: Arc::default(),
        })
    }

    /// Notes, for the rest of the run, a `kind` of thing with this key: what
    /// later steps can know that the API cannot tell them (a service user is
    /// read only with its own key, which a tainted object's refresh has and
    /// a create of the same email has not; a DNS setting another object has
    /// just written, which a destroy must leave).
    pub fn saw(&self, kind: &'static str, key: &str) {
        self.tally(kind, &key.to_ascii_lowercase());
    }

    /// Whether this run has seen an object of `kind` with this key exist.
    pub fn has_seen(&self, kind: &'static str, key: &str) -> bool {
        self.tallied(kind, &key.to_ascii_lowercase()) > 0
    }

    /// Notes one more `kind` of thing with this key, as written (no case
    /// folded: an account name, say), and says how many this run has noted
    /// with it, this one included.
    pub fn tally(&self, kind: &'static str, key: &str) -> usize {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let count = seen.entry((kind, key.to_string())).or_default();
        *count += 1;
        *count
    }

    /// How many `kind` things with this key this run has noted.
    pub fn tallied(&self, kind: &'static str, key: &str) -> usize {
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(kind, key.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// The email of the user whose global API key this client sends; none
    /// for an API token.
    pub fn key_email(&self) -> Option<&str> {
        match &self.auth {
            Auth::Key { email, .. } => Some(email),
            Auth::Token(_) => None,
        }
    }

    /// This client, with requests that Terraform's stop does not cut short
    /// (each still bounded by `request_timeout_seconds` and the retries).
    /// For the lookup after a create whose answer was lost: a POST in
    /// flight is never abandoned, and the lookup that tells what it made
    /// is what keeps the object from being lost to the state.
    pub fn unstoppable(&self) -> Client {
        Client {
            stop: StopSignal::default(),
            ..self.clone()
        }
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
        Ok(self.call(Request::get(path)).await?.result)
    }

    /// A GET made with other credentials than the provider's (e.g. a
    /// service user reading itself).
    pub async fn get_as<T: DeserializeOwned>(
        &self,
        path: &str,
        auth: &Auth,
    ) -> Result<T, ApiError> {
        Ok(self.call(Request::get(path).auth(auth)).await?.result)
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        self.send_json(Method::POST, path, body).await
    }

    pub async fn put<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        self.send_json(Method::PUT, path, body).await
    }

    pub async fn patch<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        self.send_json(Method::PATCH, path, body).await
    }

    async fn send_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let req = Request::new(method, path).json(body)?;
        Ok(self.call(req).await?.result)
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

    /// Every item of a list, read once per process like [`get_cached`]
    /// (Self::get_cached): for plan-time checks across many objects (is
    /// this name taken?), which a request each would make costly at the
    /// size of an estate. What is made later in the same run is not in it.
    pub async fn list_all_cached<T: DeserializeOwned>(
        &self,
        path: &str,
        per_page: u32,
    ) -> Result<Vec<T>, ApiError> {
        let cell = self
            .cached
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(format!("every page of {path}"))
            .or_default()
            .clone();
        let value = cell
            .get_or_try_init(|| async {
                self.list_all::<serde_json::Value>(path, &[], per_page)
                    .await
                    .map(serde_json::Value::Array)
            })
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
        self.call::<serde_json::Value>(Request::new(Method::DELETE, path))
            .await?;
        Ok(())
    }

    /// Every item of a paginated list (`page`/`per_page`), to its last page
    /// as `result_info` tells it ([`ResultInfo::last_page`]), else until a
    /// short page. An endpoint that answers without `result_info`, or with
    /// another page than the one asked for, is not paginated: its first
    /// answer is all. A list that would run past [`MAX_PAGES`], or gives
    /// the same page twice, is an error: a broken or hostile server could
    /// otherwise spend the whole request budget.
    pub async fn list_all<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        per_page: u32,
    ) -> Result<Vec<T>, ApiError> {
        let mut items: Vec<serde_json::Value> = Vec::new();
        let mut previous: Option<Vec<serde_json::Value>> = None;
        let name = format!("GET {path}");
        for page in 1u64.. {
            let mut q: Vec<(&str, String)> = query.to_vec();
            q.push(("page", page.to_string()));
            q.push(("per_page", per_page.to_string()));
            // A list without items may be answered as `"result": null`.
            let resp: Page<Option<Vec<serde_json::Value>>> =
                self.call(Request::get(path).query(&q)).await?;
            let result = resp.result.unwrap_or_default();
            let n = result.len() as u64;
            if n > 0 && previous.as_ref() == Some(&result) {
                return Err(ApiError::new(
                    name,
                    ErrorKind::Decode,
                    format!(
                        "page {page} of the list is page {} again: the list does not end",
                        page - 1
                    ),
                ));
            }
            let last = match &resp.info {
                None => true,
                Some(info) if info.page.is_some_and(|p| p != page) => true,
                Some(info) => match info.last_page(per_page) {
                    Some(last) if last > MAX_PAGES => {
                        return Err(ApiError::new(
                            name,
                            ErrorKind::Decode,
                            format!(
                                "the list says it has {last} pages (total_pages {}, total_count {}), more than the {MAX_PAGES} the provider reads",
                                info.total_pages.map_or("absent".into(), |p| p.to_string()),
                                info.total_count.map_or("absent".into(), |c| c.to_string()),
                            ),
                        ))
                    }
                    Some(last) => page >= last,
                    None => n < u64::from(per_page),
                },
            };
            items.extend(result.iter().cloned());
            if last || n == 0 {
                break;
            }
            if page >= MAX_PAGES {
                return Err(ApiError::new(
                    name,
                    ErrorKind::Decode,
                    format!("the list goes on past {MAX_PAGES} pages, the most the provider reads"),
                ));
            }
            previous = Some(result);
        }
        decode::decode(&name, serde_json::Value::Array(items))
    }

    /// One API call with retries: the core every helper above goes through.
    pub async fn call<T: DeserializeOwned>(&self, req: Request<'_>) -> Result<Page<T>, ApiError> {
        // Nothing read after a write may predate it.
        let writes = req.writes();
        if writes {
            self.coalescer.forget();
        }
        let outcome = self.call_with_retries(&req).await;
        if writes {
            self.coalescer.forget();
        }
        outcome
    }

    async fn call_with_retries<T: DeserializeOwned>(
        &self,
        req: &Request<'_>,
    ) -> Result<Page<T>, ApiError> {
        let name = req.name();
        let request = name.as_str();
        let (method, path) = (&req.method, req.path);
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
            let attempt = self.attempt(req, request);
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
                let err = self.advise_rate_limit(err);
                return Err(after_attempts(err, retries, call_started));
            }
            self.wait_before_retry(retries, &err).await?;
            retries += 1;
        }
    }

    /// A rate-limit error past the longest wait says what Cloudflare asked
    /// for, the cap, and the budget Cloudflare states.
    fn advise_rate_limit(&self, mut err: ApiError) -> ApiError {
        let cap = self.retry.max_wait;
        let over_cap = err
            .retry_after_secs
            .is_some_and(|s| Duration::from_secs(s.into()) > cap);
        if err.kind == ErrorKind::RateLimited && over_cap {
            err.advice = Some(Box::new(Advice::RateLimited {
                asked_secs: err.retry_after_secs,
                cap_secs: cap.as_secs(),
                budget: self.gate.budget().map(|b| (b.requests, b.window_secs)),
            }));
        }
        err
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
        let err = self.advise_rate_limit(ApiError {
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
        });
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
}

fn whole_seconds(d: Duration) -> u32 {
    u32::try_from(d.as_secs_f64().round() as u64).unwrap_or(u32::MAX)
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
