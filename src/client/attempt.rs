//! One attempt at a request, in four steps: send it, observe what the
//! answer's head says (rate limit, the server's clock, `Retry-After`), read
//! its body within a bound, and decode the envelope, with advice where a
//! failure has some. Nothing the network sends is trusted: no redirect is
//! followed, no body is read past [`MAX_BODY`], no header value can panic,
//! and no configured secret is echoed back into an error.

use super::envelope::Envelope;
use super::error::{ApiError, ErrorKind, CREDENTIALS_ADVICE};
use super::request::Request;
use super::{documented_for_global_key, Auth, Client};
use std::time::{Duration, Instant, SystemTime};

/// The most of an answer's body the provider reads. The largest real page
/// (50 zones) is well under 1 MB.
pub const MAX_BODY: usize = 8 << 20;

/// The longest `Retry-After` taken as given (a day); a longer one is held
/// to that, which is past any wait the provider makes anyway.
const MAX_RETRY_AFTER_SECS: u32 = 86_400;

/// Cloudflare's code for "No route for that URI".
const NO_ROUTE: i64 = 7000;

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
        let resp = self.send(req, auth, name).await?;
        let head = self.observe(&resp);
        let body = read_body(resp, head.status).await.map_err(|e| match e {
            BodyError::Transport(e) => self.transport_error(name, &e),
            BodyError::TooLarge(detail) => ApiError {
                status: Some(head.status),
                ..ApiError::new(name.to_string(), ErrorKind::Decode, detail)
            },
        })?;
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
        if let Some(date) = header_text(headers, reqwest::header::DATE) {
            self.clock.observe_date_header(&date, SystemTime::now());
        }
        let status = resp.status().as_u16();
        let retry_after = header_text(headers, reqwest::header::RETRY_AFTER)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|secs| secs.min(MAX_RETRY_AFTER_SECS.into()) as u32);
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
            hint: Some(
                format!(
                    "The provider follows no redirect, so that the credentials never go to another address. Check \
                     that base_url (environment: CLOUDFLARE_BASE_URL; now {:?}) is the API's own address, such as \
                     https://api.cloudflare.com/client/v4.",
                    self.base_url
                )
                .into(),
            ),
            ..ApiError::new(
                name.to_string(),
                ErrorKind::Redirect,
                format!("the API answered with a redirect ({to}), which was not followed"),
            )
        }
    }

    /// Advice that depends on the request: told by status and code.
    fn advise(&self, mut err: ApiError, req: &Request<'_>, auth: &Auth) -> ApiError {
        if err.status == Some(403)
            && matches!(auth, Auth::Token(_))
            && documented_for_global_key(&req.method, req.path)
        {
            err.hint = Some(
                format!(
                    "{CREDENTIALS_ADVICE} Cloudflare documents this endpoint for the global API key, \
                     not for API tokens: configure `email` and `api_key` in the provider block (or \
                     CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY) instead of `api_token`; tenant \
                     provisioning is done with the tenant administrator's global key."
                )
                .into(),
            );
        }
        if err.has_code(NO_ROUTE) {
            err.hint = Some(
                format!(
                "Cloudflare has no such path under base_url {:?}. The API lives under `/client/v4` \
                 (e.g. https://api.cloudflare.com/client/v4): check that base_url (environment: \
                 CLOUDFLARE_BASE_URL) ends with it.",
                self.base_url
            )
                .into(),
            );
        }
        err
    }

    /// A request that got no usable answer, said in words a user can act on.
    pub(super) fn transport_error(&self, name: &str, e: &reqwest::Error) -> ApiError {
        if let Some((why, advice)) = tls_problem(e) {
            return ApiError {
                hint: Some(advice.into()),
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

/// `err` without any of these credentials' secrets in it: a server may echo
/// what it was sent.
fn redact(mut err: ApiError, auths: &[&Auth]) -> ApiError {
    let secrets: Vec<&str> = auths
        .iter()
        .map(|a| match a {
            Auth::Token(t) => t.as_str(),
            Auth::Key { key, .. } => key.as_str(),
        })
        .filter(|s| s.len() >= 4)
        .collect();
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
    if let Some(hint) = err.hint.take() {
        let mut hint = hint.into_string();
        clean(&mut hint);
        err.hint = Some(hint.into());
    }
    err
}

/// Why TLS failed, if that is what failed, and what to do, in words a user
/// can act on. The rustls error sits a few errors down reqwest's chain,
/// inside `io::Error`s (whose inner error `source()` skips).
fn tls_problem(e: &reqwest::Error) -> Option<(String, &'static str)> {
    use rustls::{AlertDescription, CertificateError as C, Error as R};
    const CERTIFICATE: &str = "Check that `base_url` (environment: CLOUDFLARE_BASE_URL) names the right host. If the \
         server's certificate comes from a private certificate authority (a proxy, a test server), point the \
         environment variable SSL_CERT_FILE at that authority's certificate (PEM) when running terraform.";
    const VERSION: &str =
        "Cloudflare's API speaks TLS 1.2 and 1.3. Check that `base_url` (environment: \
         CLOUDFLARE_BASE_URL) names it, or a proxy that speaks one of them.";
    const NOT_TLS: &str = "Check the scheme and port of `base_url` (environment: CLOUDFLARE_BASE_URL): \
         https:// needs a TLS server; plain http:// is accepted only for a loopback server such as cftenant-sim.";
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
                    CERTIFICATE,
                ),
                R::AlertReceived(AlertDescription::ProtocolVersion) | R::PeerIncompatible(_) => (
                    format!(
                        "the server speaks no TLS version the provider accepts (TLS 1.2 or 1.3): it offers an older \
                         one, which is not secure ({tls})"
                    ),
                    VERSION,
                ),
                R::InvalidMessage(_) => (
                    format!(
                        "the server does not speak TLS: base_url is https://, but what answered is not a TLS server \
                         (a plain http:// server, say) ({tls})"
                    ),
                    NOT_TLS,
                ),
                other => (format!("the TLS connection failed: {other}"), CERTIFICATE),
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
