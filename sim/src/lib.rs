//! `cftenant-sim`: a stateful simulator of Cloudflare's partner (Tenant) provisioning API.
//!
//! It serves the real paths under `/client/v4` with the real envelope, error codes,
//! pagination and quirks (see docs/SIMULATOR.md), plus loopback-only admin endpoints
//! under `/__sim` for tests (state dump, reset, request statistics, fault injection).
//!
//! Request flow for an API route: [`gate`] (statistics → fault injection → malformed-id
//! check → authentication → rate limit) → the resource handler → response headers.
//! All state lives in one [`store::SimState`] behind a `tokio::sync::Mutex`; handlers that
//! change it call [`App::commit`] before releasing the lock, which persists it when
//! `--state` is set.

mod accounts;
mod admin;
mod auth;
mod envelope;
mod faults;
mod input;
mod members;
mod ratelimit;
mod store;
mod subscriptions;
mod tenants;
mod users;
mod zones;

use std::future::Future;
use std::net::SocketAddr;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Arc, Mutex as StdMutex, MutexGuard, PoisonError};
use std::time::Instant;

use anyhow::Context;
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::path::RawPathParams;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::serve::IncomingStream;
use axum::Router;
use tokio::net::TcpListener;

pub use ratelimit::RateLimit;

use auth::Credentials;
use envelope::{codes, ApiError};
use store::{SeedConfig, SimState, StateFile};

/// Default tenant id (`--tenant-id`).
pub const DEFAULT_TENANT_ID: &str = "7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c";

/// Path prefix of every API route.
pub const API_PREFIX: &str = "/client/v4";

/// Stats / fault template used for requests that match no route.
const UNMATCHED: &str = "<unmatched>";

/// Path parameters that must be Cloudflare ids (32 lowercase hex) — otherwise 400 / 7003.
const ID_PARAMS: [&str; 5] = [
    "account_id",
    "zone_id",
    "member_id",
    "role_id",
    "subscription_id",
];

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
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "CFTENANT_SIM_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: String,

    /// Accepted API token (`Authorization: Bearer TOKEN`); repeatable.
    #[arg(long = "api-token", value_name = "TOKEN", default_values_t = [String::from("sim-token")])]
    pub api_tokens: Vec<String>,

    /// Tenant admin email for `X-Auth-Email` + `X-Auth-Key` authentication.
    #[arg(long, value_name = "EMAIL", default_value = "sim@example.com")]
    pub auth_email: String,

    /// Tenant admin global API key for `X-Auth-Key`.
    #[arg(long, value_name = "KEY", default_value = "sim-key")]
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
}

impl Default for SimOptions {
    /// The command-line defaults, for embedding the simulator (see [`Simulator::bind`]).
    fn default() -> Self {
        SimOptions {
            listen: "127.0.0.1:8787".into(),
            api_tokens: vec!["sim-token".into()],
            auth_email: "sim@example.com".into(),
            auth_key: "sim-key".into(),
            tenant_id: DEFAULT_TENANT_ID.into(),
            tenant_name: "Simulated Partner Tenant".into(),
            allow_auto_accept_invites: false,
            deny_partial_setup: false,
            state: None,
            rate_limit: None,
        }
    }
}

impl SimOptions {
    fn seed_config(&self) -> SeedConfig {
        SeedConfig {
            tenant_id: self.tenant_id.clone(),
            tenant_name: self.tenant_name.clone(),
            admin_email: self.auth_email.clone(),
            allow_auto_accept_invites: self.allow_auto_accept_invites,
            partial_setup_allowed: !self.deny_partial_setup,
        }
    }

    fn validate(&self) -> anyhow::Result<()> {
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
        Ok(())
    }
}

/// Shared application state handed to every handler.
#[derive(Clone)]
pub struct App(Arc<AppInner>);

pub struct AppInner {
    pub credentials: Credentials,
    pub seed: SeedConfig,
    pub state: tokio::sync::Mutex<SimState>,
    pub state_file: Option<StateFile>,
    pub stats: StdMutex<admin::Stats>,
    pub faults: StdMutex<faults::FaultSet>,
    pub limiter: StdMutex<ratelimit::RateLimiter>,
    /// Every API path template (without the `/client/v4` prefix).
    pub templates: Vec<&'static str>,
}

impl Deref for App {
    type Target = AppInner;
    fn deref(&self) -> &AppInner {
        &self.0
    }
}

/// Locks a std mutex, ignoring poisoning (the guarded data stays consistent because no
/// code panics while holding these locks).
pub(crate) fn lock<T>(mutex: &StdMutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl App {
    /// Persists `state` when `--state` is set. Call after every mutation, while still
    /// holding the state lock so that writes happen in mutation order.
    pub fn commit(&self, state: &SimState) -> Result<(), ApiError> {
        if let Some(file) = &self.state_file {
            file.save(state).map_err(|err| {
                tracing::error!(path = %file.path().display(), %err, "could not write state file");
                ApiError::internal(format!("could not persist simulator state: {err}"))
            })?;
        }
        Ok(())
    }
}

/// Connection information given to every request: the peer address (admin endpoints are
/// loopback-only) and a duplicate handle of the TCP socket, used by fault injection to
/// close the connection without answering.
#[derive(Clone, Debug)]
pub struct SimConn {
    pub peer: SocketAddr,
    socket: Option<Arc<std::net::TcpStream>>,
}

impl SimConn {
    /// Shuts the connection down in both directions. The client sees the connection
    /// close (FIN) with no response bytes; hyper's later attempt to write the response
    /// fails with EPIPE and it drops the connection.
    pub fn abort(&self) {
        if let Some(socket) = &self.socket {
            let _ = socket.shutdown(std::net::Shutdown::Both);
        }
    }

    pub fn is_loopback(&self) -> bool {
        self.peer.ip().to_canonical().is_loopback()
    }
}

impl Connected<IncomingStream<'_, TcpListener>> for SimConn {
    fn connect_info(stream: IncomingStream<'_, TcpListener>) -> Self {
        #[cfg(unix)]
        let socket = {
            use std::os::fd::AsFd;
            stream
                .io()
                .as_fd()
                .try_clone_to_owned()
                .ok()
                .map(|fd| Arc::new(std::net::TcpStream::from(fd)))
        };
        #[cfg(not(unix))]
        let socket = None;
        SimConn {
            peer: *stream.remote_addr(),
            socket,
        }
    }
}

/// A simulator bound to its listening socket, ready to serve.
pub struct Simulator {
    listener: TcpListener,
    router: Router,
    local_addr: SocketAddr,
}

impl Simulator {
    /// Loads or seeds the state and binds the listening socket.
    pub async fn bind(options: SimOptions) -> anyhow::Result<Simulator> {
        options.validate()?;
        let seed = options.seed_config();
        let state_file = options.state.as_ref().map(StateFile::new);
        let state = match &state_file {
            Some(file) => match file.load()? {
                Some(mut loaded) => {
                    anyhow::ensure!(
                        loaded.tenant.tenant_tag == seed.tenant_id,
                        "state file {} belongs to tenant {}, but --tenant-id is {}; use another file or the matching --tenant-id",
                        file.path().display(),
                        loaded.tenant.tenant_tag,
                        seed.tenant_id
                    );
                    // Entitlement flags given explicitly apply on top of a loaded state.
                    if options.allow_auto_accept_invites {
                        loaded.tenant.entitlements.allow_auto_accept_invites = true;
                    }
                    if options.deny_partial_setup {
                        loaded.tenant.entitlements.partial_setup_allowed = false;
                    }
                    tracing::info!(path = %file.path().display(), accounts = loaded.accounts.len(), "loaded state");
                    loaded
                }
                None => SimState::seed(&seed),
            },
            None => SimState::seed(&seed),
        };
        if let Some(file) = &state_file {
            let removed = file.remove_stale_temp_files();
            if removed > 0 {
                tracing::info!(path = %file.path().display(), removed, "removed temporary files of earlier, killed simulators");
            }
            file.save(&state)
                .with_context(|| format!("writing state file {}", file.path().display()))?;
        }

        let routes = api_routes();
        let app = App(Arc::new(AppInner {
            credentials: Credentials {
                api_tokens: options.api_tokens.clone(),
                auth_email: options.auth_email.clone(),
                auth_key: options.auth_key.clone(),
            },
            seed,
            state: tokio::sync::Mutex::new(state),
            state_file,
            stats: StdMutex::new(admin::Stats::default()),
            faults: StdMutex::new(faults::FaultSet::default()),
            limiter: StdMutex::new(ratelimit::RateLimiter::new(options.rate_limit)),
            templates: routes.iter().map(|(template, _)| *template).collect(),
        }));
        let router = build_router(app, routes);

        let listener = TcpListener::bind(&options.listen)
            .await
            .with_context(|| format!("binding {}", options.listen))?;
        let local_addr = listener.local_addr()?;
        Ok(Simulator {
            listener,
            router,
            local_addr,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://HOST:PORT/client/v4`.
    pub fn base_url(&self) -> String {
        format!("http://{}{API_PREFIX}", self.local_addr)
    }

    /// Serves until `shutdown` completes.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        axum::serve(
            self.listener,
            self.router.into_make_service_with_connect_info::<SimConn>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving")
    }
}

/// The `cftenant-sim` program: bind, announce the URL on stdout, serve until
/// Ctrl-C / SIGTERM.
pub async fn run(options: SimOptions) -> anyhow::Result<()> {
    use std::io::Write;
    let sim = Simulator::bind(options).await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "cftenant-sim listening on {}", sim.base_url())?;
        out.flush()?;
    }
    tracing::info!(url = %sim.base_url(), "cftenant-sim ready");
    sim.serve(shutdown_signal()).await
}

/// Logs to stderr; `RUST_LOG` overrides the default `info` level.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("shutting down");
}

/// Every API route: path template (relative to `/client/v4`) and its handlers.
fn api_routes() -> Vec<(&'static str, MethodRouter<App>)> {
    use axum::routing::post;
    vec![
        ("/accounts", get(accounts::list).post(accounts::create)),
        (
            "/accounts/{account_id}",
            get(accounts::get_one)
                .put(accounts::update)
                .delete(accounts::delete_one),
        ),
        (
            "/accounts/{account_id}/profile",
            get(accounts::get_profile).put(accounts::update_profile),
        ),
        ("/accounts/{account_id}/roles", get(members::list_roles)),
        (
            "/accounts/{account_id}/roles/{role_id}",
            get(members::get_role),
        ),
        (
            "/accounts/{account_id}/members",
            get(members::list).post(members::create),
        ),
        (
            "/accounts/{account_id}/members/{member_id}",
            get(members::get_one)
                .put(members::update)
                .delete(members::delete_one),
        ),
        (
            "/accounts/{account_id}/subscriptions",
            get(subscriptions::list_account).post(subscriptions::create_account),
        ),
        (
            "/accounts/{account_id}/subscriptions/{subscription_id}",
            get(subscriptions::get_account)
                .put(subscriptions::update_account)
                .delete(subscriptions::delete_account),
        ),
        ("/users", post(users::create)),
        ("/user", get(users::current).patch(users::update_current)),
        ("/user/tenants", get(tenants::user_tenants)),
        ("/zones", get(zones::list).post(zones::create)),
        (
            "/zones/{zone_id}",
            get(zones::get_one)
                .patch(zones::update)
                .delete(zones::delete_one),
        ),
        (
            "/zones/{zone_id}/subscription",
            get(subscriptions::get_zone)
                .post(subscriptions::create_zone)
                .put(subscriptions::update_zone),
        ),
        (
            "/zones/{zone_id}/available_rate_plans",
            get(subscriptions::available_rate_plans),
        ),
        ("/tenants/{tenant_id}", get(tenants::get_one)),
        (
            "/tenants/{tenant_id}/account_types",
            get(tenants::account_types),
        ),
        ("/tenants/{tenant_id}/accounts", get(tenants::accounts)),
        (
            "/tenants/{tenant_id}/entitlements",
            get(tenants::entitlements),
        ),
        (
            "/tenants/{tenant_id}/memberships",
            get(tenants::memberships),
        ),
    ]
}

/// Per-route state of [`gate`]: the app and the route's path template.
#[derive(Clone)]
struct RouteGate {
    app: App,
    template: &'static str,
}

fn build_router(app: App, routes: Vec<(&'static str, MethodRouter<App>)>) -> Router {
    let mut api: Router<App> = Router::new();
    for (template, methods) in routes {
        let gate_state = RouteGate {
            app: app.clone(),
            template,
        };
        // The gate wraps the method router's fallback too, so a wrong method on a known
        // path is counted, authenticated and answered with 405 / 7001.
        let methods = methods
            .fallback(method_not_allowed)
            .layer(from_fn_with_state(gate_state, gate));
        api = api.route(template, methods);
    }
    Router::new()
        .nest(API_PREFIX, api)
        .nest("/__sim", admin::router())
        .fallback(unmatched)
        .with_state(app)
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        codes::METHOD_NOT_ALLOWED,
        "Method not allowed for this route",
    )
}

/// Fallback for unknown paths: counted and fault-checked like API requests, then 404 / 7000.
async fn unmatched(State(app): State<App>, req: Request) -> Response {
    let conn = req
        .extensions()
        .get::<ConnectInfo<SimConn>>()
        .map(|c| c.0.clone());
    let method = req.method().as_str().to_string();
    if req.uri().path().starts_with(API_PREFIX) {
        match observe(&app, &method, UNMATCHED, conn.as_ref()).await {
            Err(response) => return response,
            Ok(post_action) => {
                let response = ApiError::no_route().into_response();
                if post_action.drop_after {
                    if let Some(conn) = &conn {
                        conn.abort();
                    }
                }
                return response;
            }
        }
    }
    ApiError::no_route().into_response()
}

/// What [`observe`] asks to do after the handler ran.
#[derive(Default)]
struct PostAction {
    drop_after: bool,
}

/// Counts the request and applies fault injection. `Err` carries the response to send
/// instead of handling the request.
async fn observe(
    app: &App,
    method: &str,
    template: &'static str,
    conn: Option<&SimConn>,
) -> Result<PostAction, Response> {
    lock(&app.stats).record(method, template);
    let decision = lock(&app.faults).decide(method, template);
    let Some(decision) = decision else {
        return Ok(PostAction::default());
    };
    tracing::info!(method, template, action = ?decision.action, "injecting fault");
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    match decision.action {
        faults::FaultAction::Delay => Ok(PostAction::default()),
        faults::FaultAction::CommitThenDrop => Ok(PostAction { drop_after: true }),
        faults::FaultAction::Drop => {
            if let Some(conn) = conn {
                conn.abort();
            }
            Err(ApiError::internal("connection dropped by fault injection").into_response())
        }
        faults::FaultAction::Status => Err(decision
            .error
            .unwrap_or_else(|| ApiError::internal("injected fault"))
            .into_response()),
    }
}

/// The front door of every API route; see the module documentation for the order.
async fn gate(
    State(route): State<RouteGate>,
    params: Result<RawPathParams, axum::extract::rejection::RawPathParamsRejection>,
    mut req: Request,
    next: Next,
) -> Response {
    let app = &route.app;
    let conn = req
        .extensions()
        .get::<ConnectInfo<SimConn>>()
        .map(|c| c.0.clone());
    let method = req.method().as_str().to_string();

    let post_action = match observe(app, &method, route.template, conn.as_ref()).await {
        Ok(post_action) => post_action,
        Err(response) => return response,
    };

    // Malformed ids are a routing error: answered before authentication.
    let ids_ok = match &params {
        Ok(params) => params
            .iter()
            .all(|(name, value)| !ID_PARAMS.contains(&name) || input::is_cf_id(value)),
        Err(_) => false,
    };
    if !ids_ok {
        // The nested router strips the prefix from the URI; the real message shows the full path.
        let full_path = format!("{API_PREFIX}{}", req.uri().path());
        return ApiError::bad_identifier(&full_path).into_response();
    }

    let (caller, clock_offset) = {
        let state = app.state.lock().await;
        (
            auth::authenticate(req.headers(), &app.credentials, &state),
            state.clock_offset_seconds,
        )
    };
    let caller = match caller {
        Ok(caller) => caller,
        Err(err) => return err.into_response(),
    };

    let verdict = lock(&app.limiter).check(caller.rate_limit_key(), Instant::now());
    let mut response = match verdict {
        Some(v) if !v.allowed => ApiError::new(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            codes::RATE_LIMITED,
            "Please wait and consider throttling your request speed",
        )
        .with_retry_after(v.reset_after)
        .into_response(),
        _ => {
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
    };
    // The Date header follows the simulated server's clock, like `created_on`.
    let offset = std::time::Duration::from_secs(clock_offset.unsigned_abs());
    let server_now = if clock_offset >= 0 {
        std::time::SystemTime::now() + offset
    } else {
        std::time::SystemTime::now() - offset
    };
    if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(server_now)) {
        response
            .headers_mut()
            .insert(axum::http::header::DATE, date);
    }
    if let Some(v) = verdict {
        let headers = response.headers_mut();
        let ratelimit = format!("\"default\";r={};t={}", v.remaining, v.reset_after);
        let policy = format!(
            "\"default\";q={};w={}",
            v.policy.limit,
            v.policy.window.as_secs()
        );
        for (name, value) in [("ratelimit", ratelimit), ("ratelimit-policy", policy)] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
    }
    tracing::debug!(
        method,
        template = route.template,
        status = response.status().as_u16(),
        "request"
    );
    if post_action.drop_after {
        if let Some(conn) = &conn {
            conn.abort();
        }
    }
    response
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
}
