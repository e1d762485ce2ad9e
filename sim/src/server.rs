//! The simulator as a server: bound to its socket, its router, run until a
//! signal.

use crate::admin;
use crate::app::{App, AppInner};
use crate::auth::Credentials;
use crate::conn::SimConn;
use crate::exchanges::{self, Exchanges};
use crate::faults::FaultSet;
use crate::gate::{self, RouteGate};
use crate::options::SimOptions;
use crate::ratelimit::RateLimiter;
use crate::stats::{self, Stats};
use crate::store::{SimState, StateFile};
use crate::urls::{self, API_PREFIX};
use anyhow::Context;
use axum::middleware::from_fn_with_state;
use axum::routing::MethodRouter;
use axum::Router;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Mutex as StdMutex;
use tokio::net::TcpListener;

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
                    // The dialect comes from the command line, never from the file.
                    loaded.dialect = seed.dialect;
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

        tracing::info!(dialect = %seed.dialect, "answering in this dialect");
        let routes = urls::api_routes();
        let app = App::new(AppInner {
            credentials: Credentials {
                api_tokens: options.api_tokens.clone(),
                auth_email: options.auth_email.clone(),
                auth_key: options.auth_key.clone(),
            },
            strict_auth: options.strict_auth,
            seed,
            state: tokio::sync::Mutex::new(state),
            state_file,
            stats: StdMutex::new(Stats::default()),
            faults: StdMutex::new(FaultSet::default()),
            limiter: StdMutex::new(RateLimiter::new(options.rate_limit)),
            exchanges: options
                .record_exchanges
                .then(|| StdMutex::new(Exchanges::default())),
            templates: routes.iter().map(|(template, _)| *template).collect(),
        });
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
            .fallback(gate::method_not_allowed)
            .layer(from_fn_with_state(gate_state, gate::gate));
        api = api.route(template, methods);
    }
    Router::new()
        .nest(API_PREFIX, api)
        .nest("/__sim", admin::router())
        .fallback(gate::unmatched)
        .layer(from_fn_with_state(app.clone(), exchanges::record))
        .layer(from_fn_with_state(app.clone(), stats::count_statuses))
        .with_state(app)
}
