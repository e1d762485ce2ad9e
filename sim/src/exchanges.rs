//! With `--record-exchanges`, every API request and the simulator's answer,
//! bodies included, kept in memory for `GET /__sim/exchanges`. Tests check
//! them against Cloudflare's own API definition (crate `cftenant-testing`).
//! An answer whose size is not known in advance, or that is larger than
//! [`MAX_BODY`] (only a fault rule's streamed body is), passes through
//! untouched and is recorded without its body. A request body over the API's
//! limit ([`input::MAX_BODY_BYTES`]) is answered 413 here, as without
//! recording ([`input::limit_body`]), and recorded without its body.

use crate::app::{lock, App};
use crate::input;
use crate::urls::API_PREFIX;
use axum::body::{to_bytes, Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::header::USER_AGENT;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// Answers larger than this are not kept whole (none of the API's are).
const MAX_BODY: usize = 4 * 1024 * 1024;

/// Marks a response made by fault injection: it stands for a broken network
/// or server, not for the API, so it is recorded as such.
#[derive(Clone, Copy, Debug)]
pub struct Injected;

/// The recorded exchanges, in the order they were answered.
#[derive(Debug, Default)]
pub struct Exchanges(Vec<Value>);

impl Exchanges {
    pub fn to_json(&self) -> Value {
        json!({ "exchanges": self.0 })
    }
}

/// A body as recorded: its JSON when it is JSON, else its text; null when empty.
fn recorded_body(bytes: &Bytes) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| json!({ "not_json": String::from_utf8_lossy(bytes) }))
}

/// Middleware over the whole router: records what passes under the API prefix.
pub async fn record(State(app): State<App>, req: Request, next: Next) -> Response {
    let Some(exchanges) = app.exchanges.as_ref() else {
        return next.run(req).await;
    };
    let path = req.uri().path().to_string();
    let Some(api_path) = path.strip_prefix(API_PREFIX).map(str::to_string) else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let request_body = input::read_body(body).await;
    let method = parts.method.to_string();
    let query = parts.uri.query().unwrap_or_default().to_string();
    let user_agent = parts
        .headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let (request_body, response) = match request_body {
        Ok(bytes) => (
            recorded_body(&bytes),
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await,
        ),
        Err(refused) => {
            let why = if refused.status == StatusCode::PAYLOAD_TOO_LARGE {
                "too large"
            } else {
                "unreadable"
            };
            (json!({ "not_recorded": why }), refused.into_response())
        }
    };
    let (parts, body) = response.into_parts();
    let whole = body
        .size_hint()
        .exact()
        .is_some_and(|size| size <= MAX_BODY as u64);
    let (response_body, body) = if whole {
        let bytes = to_bytes(body, MAX_BODY).await.unwrap_or_default();
        (recorded_body(&bytes), Body::from(bytes))
    } else {
        (json!({ "not_recorded": "streamed" }), body)
    };
    lock(exchanges).0.push(json!({
        "method": method,
        "path": api_path,
        "query": query,
        "user_agent": user_agent,
        "request_body": request_body,
        "status": parts.status.as_u16(),
        "response_body": response_body,
        "injected": parts.extensions.get::<Injected>().is_some(),
        "dialect": app.dialect().as_str(),
    }));
    Response::from_parts(parts, body)
}
