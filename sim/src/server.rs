//! The simulator as a server: bound to its socket, its router, run until a
//! signal.

use crate::admin;
use crate::app::{App, AppInner};
use crate::auth::Credentials;
use crate::conn::{Connections, OpenConn, SimConn, Tracked};
use crate::exchanges::{self, Exchanges};
use crate::faults::FaultSet;
use crate::gate;
use crate::input;
use crate::options::SimOptions;
use crate::ratelimit::RateLimiter;
use crate::stats::{self, Stats};
use crate::store::{SeedConfig, SimState, StateFile};
use crate::urls::{self, API_PREFIX};
use anyhow::Context;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::{ServiceBuilder, ServiceExt};

/// A simulator bound to its listening socket, ready to serve.
pub struct Simulator {
    listener: TcpListener,
    router: Router,
    local_addr: SocketAddr,
    header_read_timeout: Duration,
    max_connections: usize,
}

impl Simulator {
    /// Loads or seeds the state and binds the listening socket.
    pub async fn bind(options: SimOptions) -> anyhow::Result<Simulator> {
        options.validate()?;
        let seed = options.seed_config();
        let state_file = options.state.as_ref().map(StateFile::new);
        let state = SimState::load_or_seed(state_file.as_ref(), &seed)?;
        if let Some(file) = &state_file {
            file.prepare(&state)?;
        }
        tracing::info!(dialect = %seed.dialect, "answering in this dialect");
        let router = build_router(new_app(&options, seed, state, state_file));
        let listener = TcpListener::bind(&options.listen)
            .await
            .with_context(|| format!("binding {}", options.listen))?;
        let local_addr = listener.local_addr()?;
        Ok(Simulator {
            listener,
            router,
            local_addr,
            header_read_timeout: Duration::from_millis(options.header_read_timeout_ms),
            max_connections: options.max_connections,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://HOST:PORT/client/v4`.
    pub fn base_url(&self) -> String {
        format!("http://{}{API_PREFIX}", self.local_addr)
    }

    /// Serves until `shutdown` completes, then lets the requests in hand finish.
    ///
    /// Each connection is served by hyper's HTTP/1 server with a header read timeout
    /// (`--header-read-timeout-ms`): a connection that has not sent a complete request
    /// head within it, counted from when it opened or from its previous answer, is
    /// closed. At most `--max-connections` are open at once; beyond that, or when the
    /// process runs out of file descriptors, the connection that has waited longest
    /// for a request is closed to make room ([`Connections`]).
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let connections = Connections::new(self.max_connections);
        // `true` once shutting down; every connection task holds a receiver, so the
        // sender sees them all gone once they have finished.
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let accepted = tokio::select! {
                _ = &mut shutdown => break,
                accepted = accept(&self.listener, &connections) => accepted,
            };
            let Some((stream, peer)) = accepted else {
                continue;
            };
            // Room is made when a connection arrives at the limit, not before:
            // until one does, every open connection may stay.
            tokio::select! {
                _ = &mut shutdown => break,
                _ = connections.make_room() => {}
            }
            tokio::spawn(serve_connection(
                stream,
                peer,
                connections.open(),
                self.router.clone(),
                self.header_read_timeout,
                stop_rx.clone(),
            ));
        }
        drop(self.listener);
        let _ = stop_tx.send(true);
        drop(stop_rx);
        stop_tx.closed().await;
        Ok(())
    }
}

/// The app the router serves, from the command line and the state.
fn new_app(
    options: &SimOptions,
    seed: SeedConfig,
    state: SimState,
    state_file: Option<StateFile>,
) -> App {
    App::new(AppInner {
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
        templates: urls::api_routes().iter().map(|(t, _)| *t).collect(),
    })
}

/// The next connection, or `None` when accepting failed. A failure that is
/// most likely the process being out of file descriptors (EMFILE / ENFILE)
/// closes the connection that has waited longest for a request first.
async fn accept(
    listener: &TcpListener,
    connections: &Connections,
) -> Option<(TcpStream, SocketAddr)> {
    match listener.accept().await {
        Ok(accepted) => Some(accepted),
        Err(err) if is_connection_error(&err) => None,
        Err(err) => {
            if connections.evict_oldest_waiting() {
                tracing::debug!(%err, "accept failed; closed a waiting connection");
                tokio::time::sleep(Duration::from_millis(1)).await;
            } else {
                tracing::warn!(%err, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            None
        }
    }
}

/// Serves one connection until it ends, is evicted to make room, or (once
/// `stop` says so) has finished the request in hand.
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    open: OpenConn,
    router: Router,
    header_read_timeout: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let conn = SimConn::new(&stream, peer);
    let slot = open.slot().clone();
    let open = Arc::new(open);
    let service = {
        let open = open.clone();
        hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            let busy = open.busy();
            req.extensions_mut().insert(ConnectInfo(conn.clone()));
            let router = router.clone();
            async move {
                let response = router.oneshot(req.map(Body::new)).await;
                response.map(|r| r.map(|body| Tracked::new(body, busy)))
            }
        })
    };
    let served = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .serve_connection(TokioIo::new(stream), service);
    let mut served = std::pin::pin!(served);
    let mut stopping = false;
    loop {
        tokio::select! {
            result = served.as_mut() => {
                if let Err(err) = result {
                    tracing::trace!(%err, %peer, "connection ended");
                }
                break;
            }
            _ = slot.evicted() => break,
            _ = stop.wait_for(|&stop| stop), if !stopping => {
                stopping = true;
                served.as_mut().graceful_shutdown();
            }
        }
    }
}

/// Errors of one connection that came and went before it was accepted: the listener
/// is fine.
fn is_connection_error(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
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

/// The whole router: the API (behind the request gate, `urls::api_router`),
/// the admin endpoints, and the fallback, under the layers every request
/// passes, outermost first: answers counted by status, the API answers'
/// `Date` on the simulated clock, exchanges recorded, the body limit.
fn build_router(app: App) -> Router {
    Router::new()
        .nest(API_PREFIX, urls::api_router(&app, urls::api_routes()))
        .nest("/__sim", admin::router())
        .fallback(gate::unmatched)
        .layer(
            ServiceBuilder::new()
                .layer(from_fn_with_state(app.clone(), stats::count_statuses))
                .layer(from_fn_with_state(app.clone(), gate::stamp_date))
                .layer(from_fn_with_state(app.clone(), exchanges::record))
                .layer(from_fn(input::limit_body)),
        )
        .with_state(app)
}
