//! The request gate: the layers every API route passes before its handler,
//! each a middleware function here, stacked in `urls::api_router` outermost
//! first:
//!
//! 1. [`count_request`]: the statistics (`GET /__sim/stats`);
//! 2. [`inject_faults`]: fault injection (`POST /__sim/faults`), before
//!    anything else can refuse the request, and after the handler for the
//!    rules that act on its answer;
//! 3. [`reject_malformed_ids`]: 400 / 7003 for a path id that is not a
//!    Cloudflare id, before authentication;
//! 4. [`authenticate`]: who is calling ([`auth::authenticate`], and
//!    `--strict-auth`), put into the request for the handler's `app::Call`;
//! 5. [`rate_limit`]: 429 / 971 once the caller's budget is spent, and the
//!    `Ratelimit` headers.
//!
//! Requests that match no route pass the first two as well ([`unmatched`]).
//! Around the whole router, [`stamp_date`] gives every API answer (the
//! gate's refusals, faults and the body limit's included) the `Date` of
//! the simulated server's clock.

use crate::app::{lock, App};
use crate::auth::{self, Caller};
use crate::conn::SimConn;
use crate::errors::{codes, ApiError};
use crate::exchanges::Injected;
use crate::faults::{FaultAction, FaultDecision, Respond};
use crate::input;
use crate::ratelimit::Verdict;
use crate::urls::API_PREFIX;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::path::RawPathParams;
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

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

/// The state of every layer of the gate: the app and the route's path template.
#[derive(Clone)]
pub struct RouteGate {
    pub app: App,
    pub template: &'static str,
}

/// 405 / 7001: a known path, a method it does not have. The gate wraps it
/// like the route's handlers, so it is counted and authenticated first.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        codes::METHOD_NOT_ALLOWED,
        "Method not allowed for this route",
    )
}

/// Fallback for unknown paths: under the API prefix counted and fault-checked like
/// API requests, then 404 / 7000.
pub async fn unmatched(State(app): State<App>, req: Request) -> Response {
    if !req.uri().path().starts_with(API_PREFIX) {
        return ApiError::no_route().into_response();
    }
    let method = req.method().as_str().to_string();
    record(&app, &req, UNMATCHED);
    let conn = conn_of(&req);
    with_faults(&app, &method, UNMATCHED, conn, || async {
        ApiError::no_route().into_response()
    })
    .await
}

/// Layer 1: counts the request under its route's template.
pub async fn count_request(State(route): State<RouteGate>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_string();
    record(&route.app, &req, route.template);
    let response = next.run(req).await;
    tracing::debug!(
        method,
        template = route.template,
        status = response.status().as_u16(),
        "request"
    );
    response
}

/// Layer 2: applies the first fault rule that fires for the request.
pub async fn inject_faults(State(route): State<RouteGate>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_string();
    let conn = conn_of(&req);
    with_faults(&route.app, &method, route.template, conn, || next.run(req)).await
}

/// Layer 3: malformed ids are a routing error, answered before authentication.
pub async fn reject_malformed_ids(
    params: Result<RawPathParams, RawPathParamsRejection>,
    req: Request,
    next: Next,
) -> Response {
    let ids_ok = params.is_ok_and(|params| {
        params
            .iter()
            .all(|(name, value)| !ID_PARAMS.contains(&name) || input::is_cf_id(value))
    });
    if !ids_ok {
        // The nested router strips the prefix from the URI; the real message shows the full path.
        let full_path = format!("{API_PREFIX}{}", req.uri().path());
        return ApiError::bad_identifier(&full_path).into_response();
    }
    next.run(req).await
}

/// Layer 4: the caller, from the credentials the request carries; with
/// `--strict-auth`, an API token is refused where Cloudflare documents the
/// global API key only.
pub async fn authenticate(
    State(route): State<RouteGate>,
    mut req: Request,
    next: Next,
) -> Response {
    let app = &route.app;
    // A read, made here rather than through `App::read`: the request (whose
    // body is not `Sync`) must not be borrowed across an await.
    let caller = {
        let state = app.state.lock().await;
        auth::authenticate(req.headers(), &app.credentials, &state)
    };
    let caller = match caller {
        Ok(caller) => caller,
        Err(err) => return err.into_response(),
    };
    if app.strict_auth {
        if let Some(refusal) = auth::strict_refusal(&caller, req.method().as_str(), route.template)
        {
            return refusal.into_response();
        }
    }
    lock(&app.stats).record_caller(match &caller {
        Caller::TenantAdmin { .. } => "tenant admin".to_string(),
        Caller::ServiceUser { user_id, .. } => format!("service user {user_id}"),
    });
    req.extensions_mut().insert(caller);
    next.run(req).await
}

/// Around the whole router: every API answer's `Date` follows the
/// simulated server's clock, like `created_on` (read before the request is
/// handled). A `Date` a `respond` rule gives is kept.
pub async fn stamp_date(State(app): State<App>, req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with(API_PREFIX) {
        return next.run(req).await;
    }
    let clock = app.state.lock().await.clock;
    let mut response = next.run(req).await;
    if let Ok(date) = HeaderValue::from_str(&clock.http_date()) {
        response
            .headers_mut()
            .entry(axum::http::header::DATE)
            .or_insert(date);
    }
    response
}

/// Layer 5: counts the request against the caller's budget (`--rate-limit`);
/// 429 / 971 once it is spent. Every answer carries the `Ratelimit` headers
/// when a limit is set.
pub async fn rate_limit(State(route): State<RouteGate>, req: Request, next: Next) -> Response {
    let Some(caller) = req.extensions().get::<Caller>() else {
        return ApiError::internal("the request gate did not authenticate this request")
            .into_response();
    };
    let verdict = lock(&route.app.limiter).take(caller.rate_limit_key(), Instant::now());
    let mut response = match verdict {
        Some(v) if !v.allowed => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            codes::RATE_LIMITED,
            "Please wait and consider throttling your request speed",
        )
        .with_retry_after(v.reset_after)
        .into_response(),
        _ => next.run(req).await,
    };
    if let Some(verdict) = verdict {
        add_rate_limit_headers(&mut response, &verdict);
    }
    response
}

fn add_rate_limit_headers(response: &mut Response, v: &Verdict) {
    let ratelimit = format!("\"default\";r={};t={}", v.remaining, v.reset_after);
    let policy = format!(
        "\"default\";q={};w={}",
        v.policy.limit,
        v.policy.window.as_secs()
    );
    let headers = response.headers_mut();
    for (name, value) in [("ratelimit", ratelimit), ("ratelimit-policy", policy)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
}

/// The connection a request came on.
fn conn_of(req: &Request) -> Option<SimConn> {
    req.extensions()
        .get::<ConnectInfo<SimConn>>()
        .map(|c| c.0.clone())
}

/// Counts a request in the statistics, under `template`, with its
/// User-Agent.
fn record(app: &App, req: &Request, template: &str) {
    let mut stats = lock(&app.stats);
    stats.record(req.method().as_str(), template);
    if let Some(agent) = req
        .headers()
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
    {
        stats.record_user_agent(agent);
    }
}

/// Runs `handle` unless a fault rule that fires for the request answers in
/// its place; then does what the rule asks to do with the answer.
async fn with_faults<F, Fut>(
    app: &App,
    method: &str,
    template: &'static str,
    conn: Option<SimConn>,
    handle: F,
) -> Response
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Response>,
{
    let decision = lock(&app.faults).decide(method, template);
    let after = match decision {
        None => AfterHandling::default(),
        Some(decision) => {
            tracing::info!(method, template, action = ?decision.action, "injecting fault");
            match before_handling(decision, conn.as_ref()).await {
                Ok(after) => after,
                Err(instead) => return instead,
            }
        }
    };
    after.apply(handle().await, conn.as_ref()).await
}

/// What a fired rule does before the request is handled: `Err` carries the
/// answer to send instead of handling it.
async fn before_handling(
    decision: FaultDecision,
    conn: Option<&SimConn>,
) -> Result<AfterHandling, Response> {
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    match decision.action {
        FaultAction::Delay => Ok(AfterHandling::default()),
        FaultAction::CommitThenDrop => Ok(AfterHandling {
            drop_after: true,
            ..AfterHandling::default()
        }),
        FaultAction::Respond => match decision.respond {
            Some(respond) if respond.commit => Ok(AfterHandling {
                respond_after: Some(respond),
                ..AfterHandling::default()
            }),
            Some(respond) => Err(injected_response(respond.response())),
            None => Err(injected(ApiError::internal(
                "a respond rule without an answer",
            ))),
        },
        FaultAction::Drop => {
            if let Some(conn) = conn {
                conn.abort();
            }
            Err(injected(ApiError::internal(
                "connection dropped by fault injection",
            )))
        }
        FaultAction::Status => Err(injected(
            decision
                .error
                .unwrap_or_else(|| ApiError::internal("injected fault")),
        )),
    }
}

/// What a fired rule asks to do once the request has been handled.
#[derive(Default)]
struct AfterHandling {
    drop_after: bool,
    /// A `respond` rule with `commit`: its answer replaces the handler's.
    respond_after: Option<Arc<Respond>>,
}

impl AfterHandling {
    /// The handler's `response`, or what replaces it; drops the connection
    /// when asked to.
    async fn apply(self, response: Response, conn: Option<&SimConn>) -> Response {
        if self.drop_after {
            if let Some(conn) = conn {
                conn.abort();
            }
            // The change is made, but no answer reaches the client: recorded
            // as the plain drop's is, not as the handler's answer.
            return injected(ApiError::internal(
                "connection dropped by fault injection after handling the request",
            ));
        }
        match self.respond_after {
            Some(respond) if !respond.substitute.is_empty() => {
                // The real answer is the simulator's own JSON, small.
                let real = axum::body::to_bytes(response.into_body(), 4 << 20)
                    .await
                    .ok()
                    .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
                injected_response(respond.response_after(real.as_ref()))
            }
            Some(respond) => injected_response(respond.response()),
            None => response,
        }
    }
}

/// The response of an injected fault, marked so that it is recorded as one.
fn injected(error: ApiError) -> Response {
    injected_response(error.into_response())
}

fn injected_response(mut response: Response) -> Response {
    response.extensions_mut().insert(Injected);
    response
}
