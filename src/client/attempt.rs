//! One attempt at a request, in four steps: send it, observe what the
//! answer's head says (rate limit, the server's clock, `Retry-After`), read
//! its body within a bound, and decode the envelope, with advice where a
//! failure has some. Nothing the network sends is trusted: no redirect is
//! followed, no body is read past [`MAX_BODY`], no header value can panic,
//! and no configured secret is echoed back into an error.

use super::envelope::Envelope;
use super::error::{Advice, ApiError, ErrorKind};
use super::request::Request;
use super::{Auth, Client};
use crate::api::paths::documented_for_global_key;
use std::time::{Duration, Instant, SystemTime};

/// The most of an answer's body the provider reads. The largest real page
/// (50 zones) is well under 1 MB.
pub const MAX_BODY: usize = 8 << 20;

/// The longest `Retry-After` taken as given (a day); a longer one is held
/// to that, which is past any wait the provider makes anyway.
const MAX_RETRY_AFTER_SECS: u32 = 86_400;

/// What an answer's head says, read before its body.
struct Head {
    status: u16,
    retry_after: Option<u32>,
    location: Option<String>,
}

impl Client {
    /// One attempt: the status and envelope of a successful answer, or the
    /// error, its secrets removed.
    pub(super) async fn attempt(
        &self,
        req: &Request<'_>,
        name: &str,
    ) -> Result<(u16, Envelope), ApiError> {
        let auth = req.auth.unwrap_or(&self.auth);
        self.attempt_as(req, auth, name)
            .await
            .map_err(|e| redact(e, &[auth, &self.auth]))
    }

    async fn attempt_as(
        &self,
        req: &Request<'_>,
        auth: &Auth,
        name: &str,
    ) -> Result<(u16, Envelope), ApiError> {
        if let Some(body) = req
            .body
            .as_deref()
            .filter(|_| tracing::enabled!(tracing::Level::TRACE))
        {
            tracing::trace!(request = name, body = %for_the_log(body, &[auth, &self.auth]), "API request body");
        }
        let resp = self.send(req, auth, name).await?;
        let head = self.observe(&resp);
        let body = read_body(resp, head.status).await.map_err(|e| match e {
            BodyError::Transport(e) => self.transport_error(name, &e),
            BodyError::TooLarge(detail) => ApiError {
                status: Some(head.status),
                ..ApiError::new(name.to_string(), ErrorKind::Decode, detail)
            },
        })?;
        if tracing::enabled!(tracing::Level::TRACE) {
            tracing::trace!(request = name, status = head.status, body = %for_the_log(&body, &[auth, &self.auth]), "API response body");
        }
        self.decode_envelope(req, auth, name, &head, &body)
    }

    async fn send(
        &self,
        req: &Request<'_>,
        auth: &Auth,
        name: &str,
    ) -> Result<reqwest::Response, ApiError> {
        let mut builder = self
            .http
            .request(req.method.clone(), format!("{}{}", self.base_url, req.path));
        if !req.query.is_empty() {
            builder = builder.query(&req.query);
        }
        if let Some(body) = &req.body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        auth.apply(builder)
            .send()
            .await
            .map_err(|e| self.transport_error(name, &e))
    }

    /// Takes note of the rate limit, the server's clock and `Retry-After`.
    fn observe(&self, resp: &reqwest::Response) -> Head {
        let headers = resp.headers();
        self.gate.observe(headers, Instant::now());
        let (date, received) = (
            header_text(headers, reqwest::header::DATE),
            SystemTime::now(),
        );
        if let Some(date) = &date {
            self.clock.observe_date_header(date, received);
        }
        let status = resp.status().as_u16();
        let retry_after = header_text(headers, reqwest::header::RETRY_AFTER)
            .and_then(|v| retry_after_secs(&v, date.as_deref(), received));
        if status == 429 {
            if let Some(secs) = retry_after {
                self.gate
                    .turned_away(Duration::from_secs(secs.into()), Instant::now());
            }
        }
        Head {
            status,
            retry_after,
            location: header_text(headers, reqwest::header::LOCATION),
        }
    }

    fn decode_envelope(
        &self,
        req: &Request<'_>,
        auth: &Auth,
        name: &str,
        head: &Head,
        body: &[u8],
    ) -> Result<(u16, Envelope), ApiError> {
        let status = head.status;
        if (300..400).contains(&status) {
            return Err(self.redirect(name, head));
        }
        let success = (200..300).contains(&status);
        match Envelope::parse(body) {
            Some(env) if success && env.success && env.errors.is_empty() => Ok((status, env)),
            // An answer that says both: it cannot be taken for a success.
            Some(env) if success && env.success => Err(ApiError {
                status: Some(status),
                errors: env.errors,
                ..ApiError::new(
                    name.to_string(),
                    ErrorKind::Decode,
                    "the answer says it succeeded and gives errors: it cannot be trusted either way",
                )
            }),
            // No content: a success with nothing to say (the profile's PUT).
            None if status == 204 => Ok((
                status,
                Envelope {
                    success: true,
                    ..Envelope::default()
                },
            )),
            Some(env) => {
                let status = if success { 400 } else { status };
                let err = ApiError::from_status(name.to_string(), status, env.errors, head.retry_after);
                Err(self.advise(err, req, auth))
            }
            None if success => Err(ApiError {
                status: Some(status),
                ..ApiError::new(
                    name.to_string(),
                    ErrorKind::Decode,
                    format!("the answer is not a Cloudflare API envelope: {}", snippet(body)),
                )
            }),
            None => Err(ApiError {
                detail: format!("body: {}", snippet(body)),
                ..ApiError::from_status(name.to_string(), status, vec![], head.retry_after)
            }),
        }
    }

    /// A redirect is never followed: it could carry the credentials to
    /// another host, or from https:// down to http://.
    fn redirect(&self, name: &str, head: &Head) -> ApiError {
        let to = head.location.as_deref().map_or_else(
            || "no Location".to_string(),
            |l| format!("Location {}", shown(l)),
        );
        ApiError {
            status: Some(head.status),
            advice: Some(Box::new(Advice::Redirect {
                base_url: self.base_url.clone(),
            })),
            ..ApiError::new(
                name.to_string(),
                ErrorKind::Redirect,
                format!("the API answered with a redirect ({to}), which was not followed"),
            )
        }
    }

    /// Advice that depends on what was asked: told by status and code.
    fn advise(&self, err: ApiError, req: &Request<'_>, auth: &Auth) -> ApiError {
        let token_on_global_key_endpoint = matches!(auth, Auth::Token(_))
            && documented_for_global_key(req.method.as_str(), req.path);
        // A request made with other credentials (a service user's own key)
        // is refused for those, not for the provider's.
        let auth_from = match req.auth {
            Some(_) => "the service user's own key (`cftenant_service_user`)",
            None => &self.auth_from,
        };
        err.advised(token_on_global_key_endpoint, auth_from, &self.base_url)
    }

    /// A request that got no usable answer, said in words a user can act on.
    pub(super) fn transport_error(&self, name: &str, e: &reqwest::Error) -> ApiError {
        if let Some((why, advice)) = tls_problem(e) {
            return ApiError {
                advice: Some(Box::new(advice)),
                ..ApiError::new(name.to_string(), ErrorKind::Tls, why)
            };
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
        let mut err = ApiError::new(name.to_string(), ErrorKind::Transport, detail);
        err.not_sent = e.is_connect();
        err
    }
}

/// A `Retry-After` in seconds, held to [`MAX_RETRY_AFTER_SECS`]: either of
/// its two forms (RFC 9110), a number of seconds or an HTTP date. A date is
/// counted from the answer's own `Date` (the server's clock, which set it),
/// or from `now` when the answer has none; one already past is no wait.
fn retry_after_secs(value: &str, date: Option<&str>, now: SystemTime) -> Option<u32> {
    let value = value.trim();
    let secs = match value.parse::<u64>() {
        Ok(secs) => secs,
        Err(_) => {
            let until = httpdate::parse_http_date(value).ok()?;
            let from = date
                .and_then(|d| httpdate::parse_http_date(d.trim()).ok())
                .unwrap_or(now);
            until
                .duration_since(from)
                .map_or(0, |wait| wait.as_secs_f64().ceil() as u64)
        }
    };
    Some(secs.min(MAX_RETRY_AFTER_SECS.into()) as u32)
}

/// A header's value as text, if it is text: odd bytes are no reason to fail.
fn header_text(
    headers: &reqwest::header::HeaderMap,
    name: reqwest::header::HeaderName,
) -> Option<String> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

enum BodyError {
    Transport(reqwest::Error),
    TooLarge(String),
}

/// The body, read as it arrives and never past [`MAX_BODY`].
async fn read_body(mut resp: reqwest::Response, status: u16) -> Result<Vec<u8>, BodyError> {
    let too_large = |size: String| {
        BodyError::TooLarge(format!(
            "the answer (HTTP {status}) is larger than {} MiB{size}, the most the provider reads: it is not an answer \
             of the Cloudflare API",
            MAX_BODY >> 20
        ))
    };
    if let Some(length) = resp.content_length().filter(|l| *l > MAX_BODY as u64) {
        return Err(too_large(format!(" ({length} bytes announced)")));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(too_large(String::new()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// At most 200 characters of a body, for a message: control characters
/// (which could rewrite a terminal) become spaces.
fn snippet(body: &[u8]) -> String {
    shown(&String::from_utf8_lossy(body))
}

fn shown(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(200)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(200).is_some() {
        out.push('…');
    }
    out
}

/// The secrets of these credentials, long enough to be told apart.
fn secrets<'a>(auths: &[&'a Auth]) -> Vec<&'a str> {
    auths
        .iter()
        .map(|a| match a {
            Auth::Token(t) => t.as_str(),
            Auth::Key { key, .. } => key.as_str(),
        })
        .filter(|s| s.len() >= 4)
        .collect()
}

/// Fields whose values are secrets wherever they appear in a body: a
/// service user's key comes back in the answer to its creation.
const SECRET_FIELDS: &[&str] = &["api_key", "api_token", "token", "key", "secret", "password"];

/// A body as the trace log shows it: every secret field's value and every
/// configured secret replaced, and at most 64 KiB of it.
fn for_the_log(body: &[u8], auths: &[&Auth]) -> String {
    fn hide(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, x) in map.iter_mut() {
                    if SECRET_FIELDS.contains(&k.to_ascii_lowercase().as_str()) && !x.is_null() {
                        *x = "<redacted>".into();
                    } else {
                        hide(x);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(hide),
            _ => {}
        }
    }
    const MOST: usize = 64 << 10;
    let mut text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut json) => {
            hide(&mut json);
            json.to_string()
        }
        Err(_) => String::from_utf8_lossy(&body[..body.len().min(MOST)]).into_owned(),
    };
    for secret in secrets(auths) {
        text = text.replace(secret, "<redacted>");
    }
    if text.len() > MOST {
        let mut end = MOST;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

/// `err` without any of these credentials' secrets in it: a server may echo
/// what it was sent.
fn redact(mut err: ApiError, auths: &[&Auth]) -> ApiError {
    let secrets = secrets(auths);
    let clean = |text: &mut String| {
        for secret in &secrets {
            if text.contains(secret) {
                *text = text.replace(secret, "<redacted>");
            }
        }
    };
    clean(&mut err.detail);
    for e in err.errors.iter_mut() {
        clean(&mut e.message);
        for c in e.chain.iter_mut() {
            clean(&mut c.message);
        }
    }
    if let Some(quoted) = err.advice.as_mut().and_then(|a| a.quoted_mut()) {
        clean(quoted);
    }
    err
}

/// Why TLS failed, if that is what failed, and what to do, in words a user
/// can act on. The rustls error sits a few errors down reqwest's chain,
/// inside `io::Error`s (whose inner error `source()` skips).
fn tls_problem(e: &reqwest::Error) -> Option<(String, Advice)> {
    use rustls::{AlertDescription, CertificateError as C, Error as R};
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        if let Some(tls) = err.downcast_ref::<R>() {
            return Some(match tls {
                R::InvalidCertificate(cert) => (
                    format!(
                        "the server's TLS certificate could not be verified: {}",
                        match cert {
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
                        }
                    ),
                    Advice::TlsCertificate,
                ),
                R::AlertReceived(AlertDescription::ProtocolVersion) | R::PeerIncompatible(_) => (
                    format!(
                        "the server speaks no TLS version the provider accepts (TLS 1.2 or 1.3): it offers an older \
                         one, which is not secure ({tls})"
                    ),
                    Advice::TlsVersion,
                ),
                R::InvalidMessage(_) => (
                    format!(
                        "the server does not speak TLS: base_url is https://, but what answered is not a TLS server \
                         (a plain http:// server, say) ({tls})"
                    ),
                    Advice::NotTls,
                ),
                other => (format!("the TLS connection failed: {other}"), Advice::TlsCertificate),
            });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_read_in_seconds_or_as_a_date_counted_from_the_answers_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_780_000_000);
        let at = |offset: u64| httpdate::fmt_http_date(now + Duration::from_secs(offset));
        assert_eq!(retry_after_secs(" 30 ", None, now), Some(30));
        assert_eq!(
            retry_after_secs("9999999999", None, now),
            Some(MAX_RETRY_AFTER_SECS)
        );
        // A date: from the answer's Date, the clock that set it.
        assert_eq!(retry_after_secs(&at(920), Some(&at(20)), now), Some(900));
        // Without a Date, from ours; a date already past is no wait.
        assert_eq!(retry_after_secs(&at(20), None, now), Some(20));
        assert_eq!(retry_after_secs(&at(0), Some(&at(60)), now), Some(0));
        assert_eq!(retry_after_secs("soon", None, now), None);
        assert_eq!(retry_after_secs("-5", None, now), None);
    }

    #[test]
    fn bodies_in_the_log_hide_every_secret() {
        let token = Auth::Token("s3cr3t-token".into());
        let body = br#"{"result":{"id":"u1","email":"svc@x.co","api_key":"k-123","nested":[{"Token":"t"}]},"echo":"s3cr3t-token"}"#;
        let text = for_the_log(body, &[&token]);
        assert!(
            !text.contains("k-123") && !text.contains("s3cr3t") && !text.contains("\"t\""),
            "{text}"
        );
        assert!(
            text.contains("svc@x.co") && text.contains("<redacted>"),
            "{text}"
        );
        let long = vec![b'a'; 100_000];
        assert!(for_the_log(&long, &[]).chars().count() <= (64 << 10) + 1);
    }

    #[test]
    fn secrets_never_come_back_in_an_error() {
        let mut err = ApiError::new(
            "GET /x".into(),
            ErrorKind::Server,
            "body: <p>key s3cr3t-key</p>",
        );
        err.errors.push(super::super::CfMessage {
            code: 1,
            message: "bad token s3cr3t-token".into(),
            chain: vec![],
        });
        let key = Auth::Key {
            email: "a@b.co".into(),
            key: "s3cr3t-key".into(),
        };
        let token = Auth::Token("s3cr3t-token".into());
        let text = redact(err, &[&key, &token]).to_string();
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
    }

    #[test]
    fn snippets_are_short_and_cannot_rewrite_a_terminal() {
        let s = snippet(format!("\u{1b}[2J{}", "x".repeat(500)).as_bytes());
        assert!(!s.contains('\u{1b}'));
        assert_eq!(s.chars().count(), 201);
        assert_eq!(snippet(&[0xff, b'a']), "\u{fffd}a");
    }
}
