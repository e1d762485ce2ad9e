//! Request input: the JSON body and query-string extractors plus field validators.
//!
//! Bodies are parsed into a `serde_json::Map` and read field by field instead of being
//! deserialized into structs, so that every type or length problem becomes a 400 whose
//! message names the field (serde's messages name line/column instead) and no input can
//! make a handler fail in an unplanned way.

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::envelope::PageRequest;
use crate::errors::{codes, ApiError};
use crate::urls::API_PREFIX;

/// Largest accepted request body (1 MiB), on every API request.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// 413 / 1000: the request body is over [`MAX_BODY_BYTES`].
pub fn body_too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        codes::VALIDATION,
        format!("Request body is larger than {MAX_BODY_BYTES} bytes (1 MiB), the limit"),
    )
}

/// How much of an oversize body is still read (and thrown away) before the 413 is
/// sent, and for how long: a client is still sending its body when the answer
/// comes, and if the connection were closed with its bytes unread, the client
/// would see the connection reset instead of the answer.
const DRAIN_MAX_BYTES: u64 = 16 * 1024 * 1024;
const DRAIN_MAX_TIME: std::time::Duration = std::time::Duration::from_secs(5);

/// How long a whole request body may take to arrive: a client that sends its
/// body a byte at a time would otherwise hold a connection (and the
/// simulator's connection cap) for as long as it likes.
const BODY_MAX_TIME: std::time::Duration = std::time::Duration::from_secs(30);

/// 408 / 1000: the body did not arrive in time.
fn body_too_slow(within: std::time::Duration) -> ApiError {
    ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        codes::VALIDATION,
        format!(
            "The request body did not arrive within {} s",
            within.as_secs_f64()
        ),
    )
}

/// Reads a whole request body of at most [`MAX_BODY_BYTES`], within
/// [`BODY_MAX_TIME`]. A larger one is [`body_too_large`]; the rest of it is
/// read and discarded first, up to [`DRAIN_MAX_BYTES`] in all and for at most
/// [`DRAIN_MAX_TIME`] (a body declared larger than [`DRAIN_MAX_BYTES`] is not
/// read at all). One that takes longer is [`body_too_slow`].
pub async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    read_body_within(body, BODY_MAX_TIME).await
}

async fn read_body_within(body: Body, within: std::time::Duration) -> Result<Bytes, ApiError> {
    use futures::StreamExt;
    let arrive_by = tokio::time::Instant::now() + within;
    let limit = MAX_BODY_BYTES as u64;
    let declared = body.size_hint().lower();
    if declared > DRAIN_MAX_BYTES {
        return Err(body_too_large());
    }
    let drain_until = || tokio::time::Instant::now() + DRAIN_MAX_TIME;
    // Set once the body is known to be too large.
    let mut draining = (declared > limit).then(drain_until);
    let mut data = Vec::with_capacity(declared.min(limit) as usize);
    let mut seen: u64 = 0;
    let mut stream = body.into_data_stream();
    loop {
        let next = match draining {
            None => match tokio::time::timeout_at(arrive_by, stream.next()).await {
                Ok(next) => next,
                Err(_) => return Err(body_too_slow(within)),
            },
            Some(deadline) => match tokio::time::timeout_at(deadline, stream.next()).await {
                Ok(next) => next,
                Err(_) => break,
            },
        };
        let Some(chunk) = next else { break };
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(_) if draining.is_some() => break,
            Err(err) => {
                return Err(ApiError::bad_request(
                    codes::VALIDATION,
                    format!("The request body could not be read: {err}"),
                ))
            }
        };
        seen += chunk.len() as u64;
        if seen <= limit {
            data.extend_from_slice(&chunk);
            continue;
        }
        if draining.is_none() {
            draining = Some(drain_until());
            data = Vec::new();
        }
        if seen > DRAIN_MAX_BYTES {
            break;
        }
    }
    if draining.is_some() {
        return Err(body_too_large());
    }
    Ok(Bytes::from(data))
}

/// Middleware over the whole router: every API request's body is read before it is
/// handled, so that one over [`MAX_BODY_BYTES`] is 413 whatever the method and route
/// (a handler that ignores its body would otherwise accept it). With
/// `--record-exchanges` the recorder reads it first, the same way.
pub async fn limit_body(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with(API_PREFIX) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    match read_body(body).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(err) => err.into_response(),
    }
}

/// A request body that must be a JSON object.
pub struct JsonObject(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_body(req.into_body()).await?;
        parse_object(&bytes).map(JsonObject)
    }
}

/// Parses `bytes` as a JSON object; anything else is 400 / 6007.
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request(
            codes::MALFORMED_JSON,
            "Malformed JSON in request body: expected a JSON object",
        )),
        Err(err) => Err(ApiError::bad_request(
            codes::MALFORMED_JSON,
            format!("Malformed JSON in request body: {err}"),
        )),
    }
}

/// The decoded query string as ordered key/value pairs. Never rejects: a query string
/// that cannot be decoded simply yields fewer pairs. Dotted keys such as `account.id` are
/// plain literal keys.
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        Ok(QueryPairs(
            url::form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }
}

impl QueryPairs {
    /// The last value given for `key` (later values win, like most web frameworks).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `page` (>= 1, default 1) and `per_page` (`min..=max`, default `default`).
    pub fn page_request(&self, default: u64, min: u64, max: u64) -> Result<PageRequest, ApiError> {
        let page = match self.get("page") {
            None => 1,
            Some(raw) => match raw.trim().parse::<u64>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    return Err(ApiError::validation(format!(
                        "page: must be a whole number from 1 to {}, got '{raw}'",
                        u64::MAX
                    )))
                }
            },
        };
        let per_page = match self.get("per_page") {
            None => default,
            Some(raw) => match raw.trim().parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => n,
                _ => {
                    return Err(ApiError::validation(format!(
                        "per_page: must be an integer between {min} and {max}, got '{raw}'"
                    )))
                }
            },
        };
        Ok(PageRequest { page, per_page })
    }

    /// `direction`: `asc` (default) or `desc`. Returns true for descending.
    pub fn descending(&self) -> Result<bool, ApiError> {
        let direction = self.one_of("direction", &["asc", "desc"], "'asc' or 'desc'")?;
        Ok(direction == Some("desc"))
    }

    /// The parameter `key`, when given: one of `allowed` (see [`one_of`]).
    pub fn one_of<'a>(
        &self,
        key: &str,
        allowed: &[&'a str],
        expected: &str,
    ) -> Result<Option<&'a str>, ApiError> {
        self.get(key)
            .map(|value| one_of(key, value, allowed, expected))
            .transpose()
    }
}

/// The entry of `allowed` that `value` is; otherwise 400 / 1000 naming the
/// field and what it must be (`expected`): `type: must be 'standard' or
/// 'enterprise', got 'x'`.
pub fn one_of<'a>(
    field: &str,
    value: &str,
    allowed: &[&'a str],
    expected: &str,
) -> Result<&'a str, ApiError> {
    allowed
        .iter()
        .copied()
        .find(|candidate| *candidate == value)
        .ok_or_else(|| ApiError::validation(format!("{field}: must be {expected}, got '{value}'")))
}

/// 400 / 1000 for the first field of `obj` not in `allowed`, naming it and
/// the fields of `what` there are: a misspelt field is refused, never
/// ignored.
pub fn only_fields(obj: &Map<String, Value>, allowed: &[&str], what: &str) -> Result<(), ApiError> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(unknown) => Err(ApiError::validation(format!(
            "{unknown}: not a field of {what}; the fields are {}",
            allowed.join(", ")
        ))),
        None => Ok(()),
    }
}

/// Describes a JSON value's type for error messages.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An optional field that `pick` reads when present: `null` counts as
/// absent, and a value `pick` cannot read is 400 / 1000 naming the field and
/// what it should be (`expected`, e.g. "a string").
fn optional<'a, T>(
    obj: &'a Map<String, Value>,
    field: &str,
    expected: &str,
    pick: impl FnOnce(&'a Value) -> Option<T>,
) -> Result<Option<T>, ApiError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => pick(value).map(Some).ok_or_else(|| {
            ApiError::validation(format!(
                "{field}: expected {expected}, got {}",
                type_name(value)
            ))
        }),
    }
}

/// An optional string field; `null` counts as absent.
pub fn opt_str<'a>(obj: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>, ApiError> {
    optional(obj, field, "a string", Value::as_str)
}

/// A required, non-empty string field.
pub fn req_str<'a>(obj: &'a Map<String, Value>, field: &str) -> Result<&'a str, ApiError> {
    match opt_str(obj, field)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(ApiError::validation(format!("{field}: is required"))),
    }
}

/// An optional boolean field; `null` counts as absent.
pub fn opt_bool(obj: &Map<String, Value>, field: &str) -> Result<Option<bool>, ApiError> {
    optional(obj, field, "a boolean", Value::as_bool)
}

/// An optional non-negative integer field; `null` counts as absent.
pub fn opt_u64(obj: &Map<String, Value>, field: &str) -> Result<Option<u64>, ApiError> {
    optional(obj, field, "a non-negative integer", Value::as_u64)
}

/// An optional object field; `null` counts as absent.
pub fn opt_object<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a Map<String, Value>>, ApiError> {
    optional(obj, field, "an object", Value::as_object)
}

/// An optional array field; `null` counts as absent.
pub fn opt_array<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a Vec<Value>>, ApiError> {
    optional(obj, field, "an array", Value::as_array)
}

/// Rejects strings longer than `max` characters (Unicode scalar values).
pub fn validate_max_len(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    let len = value.chars().count();
    if len > max {
        return Err(ApiError::validation(format!(
            "{field}: must be at most {max} characters, got {len}"
        )));
    }
    Ok(())
}

/// True for Cloudflare-style identifiers: exactly 32 lowercase hex characters.
pub fn is_cf_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A deliberately simple email check: one `@`, non-empty local part, a dotted domain,
/// no whitespace or control characters.
pub fn is_valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Validates an email field: required, ≤ `max` characters, plausible format.
pub fn validate_email(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    validate_max_len(field, value, max)?;
    if !is_valid_email(value) {
        return Err(ApiError::validation(format!(
            "{field}: '{value}' is not a valid email address"
        )));
    }
    Ok(())
}

/// Normalises and validates a DNS name: lowercased, one trailing dot removed, labels of
/// 1–63 characters from `[a-z0-9-]` not starting or ending with `-`, at least two labels,
/// at most 253 characters, under a suffix of the public suffix list (which rejects IP
/// addresses and made-up top-level domains such as `.example`) without being one itself.
pub fn normalize_domain(raw: &str) -> Option<String> {
    let name = raw.strip_suffix('.').unwrap_or(raw).to_ascii_lowercase();
    if name.is_empty() || name.len() > 253 {
        return None;
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 {
        return None;
    }
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if !labels.iter().all(label_ok) {
        return None;
    }
    let known_suffix = psl::suffix(name.as_bytes()).is_some_and(|s| s.is_known());
    if !known_suffix || psl::domain(name.as_bytes()).is_none() {
        return None;
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains() {
        assert_eq!(normalize_domain("Example.COM."), Some("example.com".into()));
        assert_eq!(
            normalize_domain("a-b.example.co.uk"),
            Some("a-b.example.co.uk".into())
        );
        assert_eq!(normalize_domain("example"), None);
        assert_eq!(normalize_domain("-a.com"), None);
        assert_eq!(normalize_domain("a..com"), None);
        assert_eq!(normalize_domain("exa_mple.com"), None);
        assert_eq!(normalize_domain("10.0.0.1"), None);
        assert_eq!(normalize_domain("example.123"), None);
        assert_eq!(normalize_domain("shop.example"), None);
        assert_eq!(normalize_domain("co.uk"), None);
        assert_eq!(normalize_domain(&format!("{}.com", "a".repeat(64))), None);
    }

    /// A body sent in chunks, its size not known in advance (chunked encoding).
    fn chunked(chunks: Vec<usize>) -> Body {
        let chunks = chunks
            .into_iter()
            .map(|n| Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; n])));
        Body::from_stream(futures::stream::iter(chunks))
    }

    #[tokio::test]
    async fn bodies_over_the_limit_are_413_whether_declared_or_not() {
        let limit = MAX_BODY_BYTES;
        let ok = read_body(Body::from(vec![b'x'; limit])).await.unwrap();
        assert_eq!(ok.len(), limit);
        let ok = read_body(chunked(vec![limit / 2, limit / 2]))
            .await
            .unwrap();
        assert_eq!(ok.len(), limit);
        for body in [
            Body::from(vec![b'x'; limit + 1]),
            Body::from(vec![b'x'; 20 * limit]),
            chunked(vec![limit, 1]),
            chunked(vec![limit - 1, 2, 5]),
            chunked(vec![limit; 20]),
            chunked(vec![20 * limit]),
        ] {
            let err = read_body(body).await.unwrap_err();
            assert_eq!(err.status, StatusCode::PAYLOAD_TOO_LARGE);
            assert_eq!(err.code, codes::VALIDATION);
            assert!(err.message.contains("1048576 bytes"), "{}", err.message);
        }
    }

    #[tokio::test]
    async fn a_body_that_does_not_arrive_in_time_is_408() {
        use futures::StreamExt;
        let trickle = futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"{"))])
            .chain(futures::stream::pending());
        let within = std::time::Duration::from_millis(50);
        let err = read_body_within(Body::from_stream(trickle), within)
            .await
            .unwrap_err();
        assert_eq!(err.status, StatusCode::REQUEST_TIMEOUT);
        assert!(
            err.message.contains("did not arrive within 0.05 s"),
            "{}",
            err.message
        );
        // A body that arrives in time is read whole.
        let ok = read_body_within(chunked(vec![10, 10]), within)
            .await
            .unwrap();
        assert_eq!(ok.len(), 20);
    }

    #[test]
    fn emails_and_ids() {
        assert!(is_valid_email("a@b.co"));
        assert!(!is_valid_email("a@b"));
        assert!(!is_valid_email("a b@c.de"));
        assert!(is_cf_id("0123456789abcdef0123456789abcdef"));
        assert!(!is_cf_id("0123456789ABCDEF0123456789abcdef"));
        assert!(!is_cf_id("xyz"));
    }
}
