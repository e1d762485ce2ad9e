//! Fault injection: rules installed with `POST /__sim/faults` that make matching API
//! requests fail, slow down, lose their connection, or get an answer given in the rule
//! (`respond`: a recorded answer replayed, or a hostile one: odd headers, a huge or slow
//! body, a body that never ends).
//!
//! Rules are checked in order for every API request; the first rule that matches the
//! method and path template *and fires* decides. A rule fires for its next `count`
//! matching requests, or randomly with `probability` using an RNG seeded with `seed`
//! (so a test run repeats exactly), or both (random, at most `count` times), or — with
//! neither — on every matching request.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

use crate::errors::{codes, ApiError};
use crate::input::{only_fields, opt_array, opt_bool, opt_str, opt_u64, type_name};

/// What a fired rule does to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultAction {
    /// Answer with `status` and an error envelope instead of handling the request.
    Status,
    /// Sleep `delay_ms`, then handle normally.
    Delay,
    /// Close the connection without answering; the request is not handled.
    Drop,
    /// Handle the request fully (state changes), then close the connection without
    /// sending the response.
    CommitThenDrop,
    /// Answer with the rule's status, headers and body: instead of handling the
    /// request, or (with `commit`) after handling it, in place of its answer.
    Respond,
}

impl FaultAction {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "status" => Some(Self::Status),
            "delay" => Some(Self::Delay),
            "drop" => Some(Self::Drop),
            "commit_then_drop" => Some(Self::CommitThenDrop),
            "respond" => Some(Self::Respond),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Status => "status",
            Self::Delay => "delay",
            Self::Drop => "drop",
            Self::CommitThenDrop => "commit_then_drop",
            Self::Respond => "respond",
        }
    }
}

#[derive(Debug, Clone)]
pub struct FaultRule {
    /// Upper-case HTTP method or `*`.
    pub method: String,
    /// Path template as in `/__sim/stats` (without `/client/v4`), or `*`.
    pub path: String,
    pub action: FaultAction,
    pub status: u16,
    pub retry_after: Option<u64>,
    pub code: Option<u32>,
    pub message: Option<String>,
    pub count: Option<u64>,
    pub probability: Option<f64>,
    pub delay_ms: u64,
    /// What a [`FaultAction::Respond`] rule answers.
    pub respond: Option<Arc<Respond>>,
    /// How many times the rule has fired.
    pub fired: u64,
}

/// The decision for one request.
#[derive(Debug, Clone)]
pub struct FaultDecision {
    pub action: FaultAction,
    pub delay: Duration,
    /// The error to answer with (only for [`FaultAction::Status`]).
    pub error: Option<ApiError>,
    /// The answer (only for [`FaultAction::Respond`]).
    pub respond: Option<Arc<Respond>>,
}

/// The answer of a `respond` rule.
#[derive(Debug)]
pub struct Respond {
    pub status: StatusCode,
    /// Sent as given, after the default `Content-Type`, which they may replace.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: RespondBody,
    /// Handle the request first (its change made and persisted), then send this
    /// answer in place of the real one.
    pub commit: bool,
    /// With `commit` and a JSON `body`: every string of the body equal to a key is
    /// replaced by the value at the JSON pointer it names in the real answer, so that
    /// a recorded answer replayed for a create carries the id of what was created.
    pub substitute: Vec<(String, String)>,
}

impl Respond {
    /// The answer to send in place of the handler's `real` one (its JSON body).
    pub fn response_after(&self, real: Option<&Value>) -> Response {
        match (&self.body, real) {
            (RespondBody::Json(body), Some(real)) if !self.substitute.is_empty() => {
                let mut body = body.clone();
                substitute(&mut body, &self.substitute, real);
                Respond {
                    status: self.status,
                    headers: self.headers.clone(),
                    body: RespondBody::Json(body),
                    commit: self.commit,
                    substitute: Vec::new(),
                }
                .response()
            }
            _ => self.response(),
        }
    }
}

/// Replaces, anywhere in `body`, each string equal to a key of `pairs` by the value
/// its pointer names in `real` (left as it is where `real` has nothing there).
fn substitute(body: &mut Value, pairs: &[(String, String)], real: &Value) {
    match body {
        Value::String(s) => {
            if let Some(found) = pairs
                .iter()
                .find(|(from, _)| from == s)
                .and_then(|(_, pointer)| real.pointer(pointer))
            {
                *body = found.clone();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| substitute(v, pairs, real)),
        Value::Object(map) => map.values_mut().for_each(|v| substitute(v, pairs, real)),
        _ => {}
    }
}

#[derive(Debug)]
pub enum RespondBody {
    /// No body.
    Empty,
    /// `body`: any JSON, sent as `application/json`.
    Json(Value),
    /// `raw_body`, sent verbatim (`text/plain` unless the headers say otherwise),
    /// `repeat` times or, `endless`, until the client goes away, with
    /// `chunk_delay` between repetitions.
    Raw {
        text: Bytes,
        repeat: u64,
        endless: bool,
        chunk_delay: Duration,
    },
}

/// Without a delay, repetitions of a raw body go out in chunks of about this size.
const STREAM_CHUNK: usize = 64 * 1024;

impl Respond {
    /// The HTTP answer. A repeated or endless raw body is streamed, made chunk by
    /// chunk as the client reads, so that its size is not limited by memory.
    pub fn response(&self) -> Response {
        let (body, content_type) = match &self.body {
            RespondBody::Empty => (Body::empty(), None),
            RespondBody::Json(value) => (
                Body::from(serde_json::to_vec(value).unwrap_or_default()),
                Some("application/json"),
            ),
            RespondBody::Raw {
                text,
                repeat: 1,
                endless: false,
                ..
            } => (Body::from(text.clone()), Some("text/plain")),
            RespondBody::Raw {
                text,
                repeat,
                endless,
                chunk_delay,
            } => (
                Body::from_stream(repetitions(
                    text.clone(),
                    (!endless).then_some(*repeat),
                    *chunk_delay,
                )),
                Some("text/plain"),
            ),
        };
        let mut response = Response::new(body);
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        if let Some(content_type) = content_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        response
    }

    /// The rule's view in `GET /__sim/faults`.
    fn to_json(&self) -> Value {
        let headers: Map<String, Value> = self
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.to_string(),
                    json!(String::from_utf8_lossy(value.as_bytes())),
                )
            })
            .collect();
        let mut view = json!({
            "status": self.status.as_u16(),
            "headers": headers,
            "commit": self.commit,
        });
        if !self.substitute.is_empty() {
            view["substitute"] = self
                .substitute
                .iter()
                .map(|(from, pointer)| (from.clone(), json!(pointer)))
                .collect::<Map<String, Value>>()
                .into();
        }
        match &self.body {
            RespondBody::Empty => {}
            RespondBody::Json(body) => view["body"] = body.clone(),
            RespondBody::Raw {
                text,
                repeat,
                endless,
                chunk_delay,
            } => {
                view["raw_body"] = json!(String::from_utf8_lossy(text));
                view["repeat"] = json!(repeat);
                view["endless"] = json!(endless);
                view["chunk_delay_ms"] = json!(chunk_delay.as_millis() as u64);
            }
        }
        view
    }
}

/// `text` `count` times (forever with `None`), as a stream of chunks: with a
/// delay, one repetition per chunk and the delay between chunks; without,
/// repetitions gathered into chunks of about [`STREAM_CHUNK`] bytes. Only one
/// chunk is held at a time.
fn repetitions(
    text: Bytes,
    count: Option<u64>,
    delay: Duration,
) -> impl futures::Stream<Item = Result<Bytes, Infallible>> + Send + 'static {
    let per_chunk = if delay.is_zero() {
        (STREAM_CHUNK / text.len().max(1)).max(1) as u64
    } else {
        1
    };
    let block = repeated(&text, per_chunk);
    futures::stream::unfold((count, false), move |(remaining, started)| {
        let (text, block) = (text.clone(), block.clone());
        async move {
            let reps = match remaining {
                Some(0) => return None,
                Some(n) => n.min(per_chunk),
                None => per_chunk,
            };
            if started && !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let chunk = if reps == per_chunk {
                block
            } else {
                repeated(&text, reps)
            };
            Some((Ok(chunk), (remaining.map(|n| n - reps), true)))
        }
    })
}

fn repeated(text: &[u8], times: u64) -> Bytes {
    let mut out = Vec::with_capacity(text.len() * times as usize);
    for _ in 0..times {
        out.extend_from_slice(text);
    }
    Bytes::from(out)
}

#[derive(Debug)]
pub struct FaultSet {
    seed: u64,
    rng: StdRng,
    rules: Vec<FaultRule>,
}

impl Default for FaultSet {
    fn default() -> Self {
        FaultSet {
            seed: 0,
            rng: StdRng::seed_from_u64(0),
            rules: Vec::new(),
        }
    }
}

impl FaultSet {
    /// Parses a `POST /__sim/faults` body. `templates` are the known path templates, used
    /// to reject typos that would silently never match.
    pub fn parse(body: &Map<String, Value>, templates: &[&str]) -> Result<FaultSet, ApiError> {
        only_fields(body, &["seed", "rules"], "the fault rules")?;
        let seed = opt_u64(body, "seed")?.unwrap_or(0);
        let raw_rules =
            opt_array(body, "rules")?.ok_or_else(|| ApiError::validation("rules: is required"))?;
        let mut rules = Vec::with_capacity(raw_rules.len());
        for (index, raw) in raw_rules.iter().enumerate() {
            let Value::Object(rule) = raw else {
                return Err(ApiError::validation(format!(
                    "rules[{index}]: expected an object"
                )));
            };
            rules.push(parse_rule(rule, templates).map_err(|mut err| {
                err.message = format!("rules[{index}].{}", err.message);
                err
            })?);
        }
        Ok(FaultSet {
            seed,
            rng: StdRng::seed_from_u64(seed),
            rules,
        })
    }

    /// Decides what happens to a request with `method` on `template`.
    pub fn decide(&mut self, method: &str, template: &str) -> Option<FaultDecision> {
        for rule in &mut self.rules {
            let method_matches = rule.method == "*" || rule.method == method;
            let path_matches = rule.path == "*" || rule.path == template;
            if !method_matches || !path_matches {
                continue;
            }
            if rule.count.is_some_and(|count| rule.fired >= count) {
                continue;
            }
            if let Some(p) = rule.probability {
                if self.rng.random::<f64>() >= p {
                    continue;
                }
            }
            rule.fired += 1;
            let error = (rule.action == FaultAction::Status).then(|| injected_error(rule));
            return Some(FaultDecision {
                action: rule.action,
                delay: Duration::from_millis(rule.delay_ms),
                error,
                respond: rule.respond.clone(),
            });
        }
        None
    }

    /// The `GET /__sim/faults` view: the rules with how often each fired.
    pub fn to_json(&self) -> Value {
        let rules: Vec<Value> = self
            .rules
            .iter()
            .enumerate()
            .map(|(index, rule)| {
                let mut view = json!({
                    "index": index,
                    "method": rule.method,
                    "path": rule.path,
                    "action": rule.action.as_str(),
                    "status": rule.status,
                    "retry_after": rule.retry_after,
                    "code": rule.code,
                    "message": rule.message,
                    "count": rule.count,
                    "probability": rule.probability,
                    "delay_ms": rule.delay_ms,
                    "fired": rule.fired,
                });
                if let (Some(respond), Some(object)) = (&rule.respond, view.as_object_mut()) {
                    if let Value::Object(fields) = respond.to_json() {
                        object.extend(fields);
                    }
                }
                view
            })
            .collect();
        json!({ "seed": self.seed, "rules": rules })
    }
}

/// Every field a fault rule may have.
const RULE_FIELDS: &[&str] = &[
    "method",
    "path",
    "action",
    "status",
    "retry_after",
    "code",
    "message",
    "count",
    "probability",
    "delay_ms",
    "headers",
    "body",
    "raw_body",
    "repeat",
    "endless",
    "chunk_delay_ms",
    "commit",
    "substitute",
];

/// One rule of a `POST /__sim/faults` body, read field by field; errors name
/// the field (the caller prefixes `rules[N].`).
fn parse_rule(rule: &Map<String, Value>, templates: &[&str]) -> Result<FaultRule, ApiError> {
    // A misspelt field would otherwise be ignored: `cuont` would make a
    // one-shot rule fire for ever.
    only_fields(rule, RULE_FIELDS, "a fault rule")?;
    let method = parse_method(rule)?;
    let path = parse_path(rule, templates)?;
    let (action, action_name) = parse_action(rule)?;
    let status = parse_status(rule, action)?;
    let respond = parse_answer(rule, action, action_name, status)?;
    let code = parse_code(rule)?;
    let probability = parse_probability(rule)?;
    let delay_ms = parse_delay_ms(rule)?;
    Ok(FaultRule {
        method,
        path,
        action,
        status: status as u16,
        retry_after: opt_u64(rule, "retry_after")?,
        code,
        message: opt_str(rule, "message")?.map(str::to_string),
        count: opt_u64(rule, "count")?,
        probability,
        delay_ms,
        respond,
        fired: 0,
    })
}

/// `method`: an API method or `*` (the default), in any case.
fn parse_method(rule: &Map<String, Value>) -> Result<String, ApiError> {
    let method = opt_str(rule, "method")?.unwrap_or("*").to_ascii_uppercase();
    if !["*", "GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
        return Err(ApiError::validation(format!(
            "method: must be GET, POST, PUT, PATCH, DELETE or *, got '{method}'"
        )));
    }
    Ok(method)
}

/// `path`: a known path template, with or without `/client/v4`, or `*` (the
/// default).
fn parse_path(rule: &Map<String, Value>, templates: &[&str]) -> Result<String, ApiError> {
    let raw_path = opt_str(rule, "path")?.unwrap_or("*");
    let path = raw_path.strip_prefix("/client/v4").unwrap_or(raw_path);
    if path != "*" && !templates.contains(&path) {
        return Err(ApiError::validation(format!(
            "path: '{raw_path}' is not a known path template (see GET /__sim/stats for the spelling, e.g. /accounts/{{account_id}})"
        )));
    }
    Ok(path.to_string())
}

/// `action`, required; with the name it was given.
fn parse_action(rule: &Map<String, Value>) -> Result<(FaultAction, &str), ApiError> {
    let name =
        opt_str(rule, "action")?.ok_or_else(|| ApiError::validation("action: is required"))?;
    let action = FaultAction::parse(name).ok_or_else(|| {
        ApiError::validation(format!(
            "action: must be status, delay, drop, commit_then_drop or respond, got '{name}'"
        ))
    })?;
    Ok((action, name))
}

/// `status`: 200–599 for `respond` (default 200), 400–599 for the others
/// (default 500).
fn parse_status(rule: &Map<String, Value>, action: FaultAction) -> Result<u64, ApiError> {
    let (default_status, lowest) = match action {
        FaultAction::Respond => (200, 200),
        _ => (500, 400),
    };
    let status = opt_u64(rule, "status")?.unwrap_or(default_status);
    if !(lowest..=599).contains(&status) {
        return Err(ApiError::validation(format!(
            "status: must be between {lowest} and 599, got {status}"
        )));
    }
    Ok(status)
}

/// The fields only a `status` rule takes.
const STATUS_FIELDS: [&str; 3] = ["code", "message", "retry_after"];

/// The fields only a `respond` rule takes.
const RESPOND_FIELDS: [&str; 8] = [
    "headers",
    "body",
    "raw_body",
    "repeat",
    "chunk_delay_ms",
    "endless",
    "commit",
    "substitute",
];

/// The first of `fields` the rule gives (not `null`).
fn first_given(rule: &Map<String, Value>, fields: &[&'static str]) -> Option<&'static str> {
    fields
        .iter()
        .copied()
        .find(|field| rule.get(*field).is_some_and(|v| !v.is_null()))
}

/// The answer of a `respond` rule, which takes none of the `status` rule's
/// fields; any other rule takes none of its fields.
fn parse_answer(
    rule: &Map<String, Value>,
    action: FaultAction,
    action_name: &str,
    status: u64,
) -> Result<Option<Arc<Respond>>, ApiError> {
    if action == FaultAction::Respond {
        if let Some(field) = first_given(rule, &STATUS_FIELDS) {
            return Err(ApiError::validation(format!(
                "{field}: is for action status; action respond sends its status, headers and body as given"
            )));
        }
        return Ok(Some(Arc::new(parse_respond(rule, status)?)));
    }
    if let Some(field) = first_given(rule, &RESPOND_FIELDS) {
        return Err(ApiError::validation(format!(
            "{field}: is only for action respond, not {action_name}"
        )));
    }
    Ok(None)
}

/// `code`: the error code of a `status` rule's envelope.
fn parse_code(rule: &Map<String, Value>) -> Result<Option<u32>, ApiError> {
    opt_u64(rule, "code")?
        .map(|code| u32::try_from(code).map_err(|_| ApiError::validation("code: too large")))
        .transpose()
}

/// `probability`: a number from 0 to 1.
fn parse_probability(rule: &Map<String, Value>) -> Result<Option<f64>, ApiError> {
    match rule.get("probability") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(p) if (0.0..=1.0).contains(&p) => Ok(Some(p)),
            _ => Err(ApiError::validation(
                "probability: must be a number between 0 and 1",
            )),
        },
        Some(other) => Err(ApiError::validation(format!(
            "probability: expected a number, got {}",
            type_name(other)
        ))),
    }
}

/// The longest wait a rule may ask for (`delay_ms`, `chunk_delay_ms`): ten minutes.
const MAX_DELAY_MS: u64 = 600_000;

/// `delay_ms`: at most [`MAX_DELAY_MS`], default 0.
fn parse_delay_ms(rule: &Map<String, Value>) -> Result<u64, ApiError> {
    let delay_ms = opt_u64(rule, "delay_ms")?.unwrap_or(0);
    if delay_ms > MAX_DELAY_MS {
        return Err(ApiError::validation("delay_ms: must be at most 600000"));
    }
    Ok(delay_ms)
}

/// The answer of a `respond` rule, its combinations checked: one of `body` and
/// `raw_body`; `repeat`, `endless` and `chunk_delay_ms` only with a non-empty
/// `raw_body`, and `repeat` not with `endless`.
fn parse_respond(rule: &Map<String, Value>, status: u64) -> Result<Respond, ApiError> {
    let status = StatusCode::from_u16(status as u16)
        .map_err(|_| ApiError::validation(format!("status: {status} is not an HTTP status")))?;
    let headers = parse_headers(rule)?;
    let body = parse_body(rule)?;
    let commit = opt_bool(rule, "commit")?.unwrap_or(false);
    let substitute = parse_substitute(rule, commit, &body)?;
    Ok(Respond {
        status,
        headers,
        body,
        commit,
        substitute,
    })
}

/// `headers`: an object of header names to string values HTTP allows.
fn parse_headers(rule: &Map<String, Value>) -> Result<Vec<(HeaderName, HeaderValue)>, ApiError> {
    let given = match rule.get("headers") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(given)) => given,
        Some(other) => {
            return Err(ApiError::validation(format!(
                "headers: expected an object of header names to strings, got {}",
                type_name(other)
            )))
        }
    };
    given
        .iter()
        .map(|(name, value)| {
            let Value::String(text) = value else {
                return Err(ApiError::validation(format!(
                    "headers.{name}: expected a string, got {}",
                    type_name(value)
                )));
            };
            let name_ok = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                ApiError::validation(format!("headers.{name}: not a valid header name"))
            })?;
            let value_ok = HeaderValue::from_str(text).map_err(|_| {
                ApiError::validation(format!("headers.{name}: not a valid header value"))
            })?;
            Ok((name_ok, value_ok))
        })
        .collect()
}

/// `body` (any JSON) or `raw_body` (a string, possibly repeated), or neither.
fn parse_body(rule: &Map<String, Value>) -> Result<RespondBody, ApiError> {
    let raw_body = opt_str(rule, "raw_body")?;
    let repeat = opt_u64(rule, "repeat")?;
    let endless = opt_bool(rule, "endless")?;
    let chunk_delay_ms = opt_u64(rule, "chunk_delay_ms")?;
    if raw_body.is_none() {
        for (field, given) in [
            ("repeat", repeat.is_some()),
            ("endless", endless.is_some()),
            ("chunk_delay_ms", chunk_delay_ms.is_some()),
        ] {
            if given {
                return Err(ApiError::validation(format!(
                    "{field}: needs raw_body (only a raw body is repeated)"
                )));
            }
        }
    }
    match (rule.get("body"), raw_body) {
        (Some(_), Some(_)) => Err(ApiError::validation(
            "body, raw_body: give one of them, not both",
        )),
        (Some(json), None) => Ok(RespondBody::Json(json.clone())),
        (None, None) => Ok(RespondBody::Empty),
        (None, Some(text)) => {
            parse_raw_body(text, repeat, endless.unwrap_or(false), chunk_delay_ms)
        }
    }
}

/// A raw body sent `repeat` times (at least once; default once) or
/// `endless`ly, never both, `chunk_delay_ms` apart; not empty when repeated.
fn parse_raw_body(
    text: &str,
    repeat: Option<u64>,
    endless: bool,
    chunk_delay_ms: Option<u64>,
) -> Result<RespondBody, ApiError> {
    if endless && repeat.is_some() {
        return Err(ApiError::validation(
            "repeat: cannot be combined with endless (endless repeats until the client goes away)",
        ));
    }
    let repeat = repeat.unwrap_or(1);
    if repeat == 0 {
        return Err(ApiError::validation("repeat: must be at least 1"));
    }
    if text.is_empty() && (endless || repeat > 1) {
        return Err(ApiError::validation(
            "raw_body: must not be empty when it is repeated",
        ));
    }
    let delay = chunk_delay_ms.unwrap_or(0);
    if delay > MAX_DELAY_MS {
        return Err(ApiError::validation(
            "chunk_delay_ms: must be at most 600000",
        ));
    }
    Ok(RespondBody::Raw {
        text: Bytes::from(text.to_string()),
        repeat,
        endless,
        chunk_delay: Duration::from_millis(delay),
    })
}

/// `substitute`: strings of the JSON `body` to JSON pointers into the real
/// answer; only with `commit` (there is no real answer otherwise).
fn parse_substitute(
    rule: &Map<String, Value>,
    commit: bool,
    body: &RespondBody,
) -> Result<Vec<(String, String)>, ApiError> {
    match rule.get("substitute") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(pairs)) if commit && matches!(body, RespondBody::Json(_)) => pairs
            .iter()
            .map(|(from, pointer)| match pointer {
                Value::String(p) if p.is_empty() || p.starts_with('/') => {
                    Ok((from.clone(), p.clone()))
                }
                other => Err(ApiError::validation(format!(
                    "substitute.{from}: expected a JSON pointer such as \"/result/id\", got {other}"
                ))),
            })
            .collect(),
        Some(Value::Object(_)) => Err(ApiError::validation(
            "substitute: needs commit: true and a JSON body (it takes values from the real answer)",
        )),
        Some(other) => Err(ApiError::validation(format!(
            "substitute: expected an object of strings to JSON pointers, got {}",
            type_name(other)
        ))),
    }
}

/// The error envelope for a fired `status` rule. 429 gets the real rate-limit code and a
/// `Retry-After` (default 1 second).
fn injected_error(rule: &FaultRule) -> ApiError {
    let status = StatusCode::from_u16(rule.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (default_code, default_message) = if status == StatusCode::TOO_MANY_REQUESTS {
        (
            codes::RATE_LIMITED,
            "Please wait and consider throttling your request speed".to_string(),
        )
    } else {
        (
            codes::INTERNAL,
            format!(
                "Injected fault: {}",
                status.canonical_reason().unwrap_or("error")
            ),
        )
    };
    let mut err = ApiError::new(
        status,
        rule.code.unwrap_or(default_code),
        rule.message.clone().unwrap_or(default_message),
    );
    let retry_after = match rule.retry_after {
        Some(seconds) => Some(seconds),
        None if status == StatusCode::TOO_MANY_REQUESTS => Some(1),
        None => None,
    };
    if let Some(seconds) = retry_after {
        err = err.with_retry_after(seconds);
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(body: Value) -> FaultSet {
        let Value::Object(map) = body else { panic!() };
        FaultSet::parse(&map, &["/accounts", "/zones"]).unwrap()
    }

    #[test]
    fn count_rules_fire_n_times() {
        let mut faults = set(
            json!({"rules": [{"method": "POST", "path": "/accounts", "action": "status", "status": 503, "count": 2}]}),
        );
        assert!(faults.decide("GET", "/accounts").is_none());
        assert!(faults.decide("POST", "/accounts").is_some());
        assert!(faults.decide("POST", "/accounts").is_some());
        assert!(faults.decide("POST", "/accounts").is_none());
    }

    #[test]
    fn probability_is_repeatable() {
        let body =
            json!({"seed": 7, "rules": [{"path": "*", "action": "delay", "probability": 0.5}]});
        let run = |mut f: FaultSet| {
            (0..64)
                .map(|_| f.decide("GET", "/zones").is_some())
                .collect::<Vec<_>>()
        };
        let first = run(set(body.clone()));
        assert_eq!(first, run(set(body)));
        assert!(first.iter().any(|b| *b) && first.iter().any(|b| !*b));
    }

    fn refusal(rule: Value) -> String {
        let Value::Object(map) = json!({ "rules": [rule] }) else {
            panic!()
        };
        FaultSet::parse(&map, &["/accounts"])
            .map(|_| ())
            .expect_err("refused")
            .message
    }

    #[test]
    fn respond_rules_refuse_combinations_that_mean_nothing() {
        for (rule, field) in [
            (
                json!({"action": "respond", "body": {}, "raw_body": "x"}),
                "rules[0].body, raw_body:",
            ),
            (
                json!({"action": "respond", "repeat": 2}),
                "rules[0].repeat:",
            ),
            (
                json!({"action": "respond", "body": {}, "endless": true}),
                "rules[0].endless:",
            ),
            (
                json!({"action": "respond", "chunk_delay_ms": 5}),
                "rules[0].chunk_delay_ms:",
            ),
            (
                json!({"action": "respond", "raw_body": "x", "repeat": 2, "endless": true}),
                "rules[0].repeat:",
            ),
            (
                json!({"action": "respond", "raw_body": "x", "repeat": 0}),
                "rules[0].repeat:",
            ),
            (
                json!({"action": "respond", "raw_body": "", "endless": true}),
                "rules[0].raw_body:",
            ),
            (
                json!({"action": "respond", "raw_body": 5}),
                "rules[0].raw_body:",
            ),
            (
                json!({"action": "respond", "headers": {"Retry-After": 5}}),
                "rules[0].headers.Retry-After:",
            ),
            (
                json!({"action": "respond", "headers": {"bad name": "x"}}),
                "rules[0].headers.bad name:",
            ),
            (
                json!({"action": "respond", "headers": ["x"]}),
                "rules[0].headers:",
            ),
            (
                json!({"action": "respond", "status": 99}),
                "rules[0].status:",
            ),
            (json!({"action": "respond", "code": 1000}), "rules[0].code:"),
            (json!({"action": "status", "body": {}}), "rules[0].body:"),
            (
                json!({"action": "drop", "commit": true}),
                "rules[0].commit:",
            ),
        ] {
            let message = refusal(rule.clone());
            assert!(message.starts_with(field), "{rule}: {message}");
        }
    }

    #[test]
    fn respond_rules_default_to_200_and_fire_like_others() {
        let mut faults = set(json!({"rules": [
            {"path": "/accounts", "action": "respond", "body": {"ok": 1}, "count": 1},
        ]}));
        let decision = faults.decide("GET", "/accounts").expect("fires");
        assert_eq!(decision.action, FaultAction::Respond);
        let respond = decision.respond.expect("an answer");
        assert_eq!(respond.status, StatusCode::OK);
        assert!(!respond.commit);
        assert!(faults.decide("GET", "/accounts").is_none());
        assert_eq!(faults.to_json()["rules"][0]["body"], json!({"ok": 1}));
    }

    async fn collect(text: &str, count: Option<u64>, limit: usize) -> (usize, usize, Vec<u8>) {
        use futures::StreamExt;
        let mut stream = Box::pin(repetitions(
            Bytes::from(text.to_string()),
            count,
            Duration::ZERO,
        ));
        let (mut chunks, mut total, mut head) = (0, 0, Vec::new());
        while let Some(Ok(chunk)) = stream.next().await {
            chunks += 1;
            total += chunk.len();
            if head.len() < 64 {
                head.extend_from_slice(&chunk[..chunk.len().min(64)]);
            }
            if total >= limit {
                break;
            }
        }
        (chunks, total, head)
    }

    #[tokio::test]
    async fn repetitions_are_gathered_into_chunks() {
        let (chunks, total, head) = collect("abc", Some(100_000), usize::MAX).await;
        assert_eq!(total, 300_000);
        assert!(
            chunks <= 300_000 / (STREAM_CHUNK - 3) + 1,
            "{chunks} chunks"
        );
        assert!(head.starts_with(b"abcabcabc"));
        let (_, total, _) = collect("abc", None, 1_000_000).await;
        assert!(total >= 1_000_000, "an endless body goes on");
        let (chunks, total, _) = collect("x", Some(1), usize::MAX).await;
        assert_eq!((chunks, total), (1, 1));
    }

    #[test]
    fn unknown_template_is_rejected() {
        let Value::Object(map) = json!({"rules": [{"path": "/acounts", "action": "drop"}]}) else {
            panic!()
        };
        assert!(FaultSet::parse(&map, &["/accounts"]).is_err());
    }
}
