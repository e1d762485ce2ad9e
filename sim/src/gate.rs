//! The front door of every API route: statistics, then fault injection,
//! then the malformed-id check, authentication and the rate limit, then the
//! handler, then the response headers (`Date` on the simulated clock, the
//! rate-limit headers).

use crate::app::{lock, App};
use crate::conn::SimConn;
use crate::errors::{codes, ApiError};
use crate::exchanges::Injected;
use crate::faults::{FaultAction, Respond};
use crate::urls::API_PREFIX;
use crate::{auth, input};
use axum::extract::connect_info::ConnectInfo;
use axum::extract::path::RawPathParams;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
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

/// Per-route state of [`gate`]: the app and the route's path template.
#[derive(Clone)]
pub struct RouteGate {
    pub app: App,
    pub template: &'static str,
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        codes::METHOD_NOT_ALLOWED,
        "Method not allowed for this route",
    )
}

/// Fallback for unknown paths: counted and fault-checked like API requests, then 404 / 7000.
pub async fn unmatched(State(app): State<App>, req: Request) -> Response {
    let conn = req
        .extensions()
        .get::<ConnectInfo<SimConn>>()
        .map(|c| c.0.clone());
    let method = req.method().as_str().to_string();
    if req.uri().path().starts_with(API_PREFIX) {
        match inject_faults(&app, &method, UNMATCHED, conn.as_ref()).await {
            Err(response) => return response,
            Ok(post_action) => {
                let response = ApiError::no_route().into_response();
                return post_action.apply(response, conn.as_ref()).await;
            }
        }
    }
    ApiError::no_route().into_response()
}

/// What [`inject_faults`] asks to do after the handler ran.
#[derive(Default)]
struct PostAction {
    drop_after: bool,
    /// A `respond` rule with `commit`: its answer replaces the handler's.
    respond_after: Option<Arc<Respond>>,
}

impl PostAction {
    /// The handler's `response`, or what replaces it; drops the connection
    /// when asked to.
    async fn apply(self, response: Response, conn: Option<&SimConn>) -> Response {
        if self.drop_after {
            if let Some(conn) = conn {
                conn.abort();
            }
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

/// Counts the request and applies fault injection. `Err` carries the response to send
/// instead of handling the request.
async fn inject_faults(
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
        FaultAction::Delay => Ok(PostAction::default()),
        FaultAction::CommitThenDrop => Ok(PostAction {
            drop_after: true,
            ..PostAction::default()
        }),
        FaultAction::Respond => match decision.respond {
            Some(respond) if respond.commit => Ok(PostAction {
                respond_after: Some(respond),
                ..PostAction::default()
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

/// The response of an injected fault, marked so that it is recorded as one.
fn injected(error: ApiError) -> Response {
    injected_response(error.into_response())
}

fn injected_response(mut response: Response) -> Response {
    response.extensions_mut().insert(Injected);
    response
}

/// The front door of every API route; see the module documentation for the order.
pub async fn gate(
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

    let post_action = match inject_faults(app, &method, route.template, conn.as_ref()).await {
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

    // A read, made here rather than through `App::read`: the request (whose
    // body is not `Sync`) must not be borrowed across an await.
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
    if app.strict_auth {
        if let Some(refusal) = auth::strict_refusal(&caller, &method, route.template) {
            return refusal.into_response();
        }
    }

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
    post_action.apply(response, conn.as_ref()).await
}
