//! The one error type of the API client.

use super::envelope::CfMessage;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound,
    Unauthorized,
    Forbidden,
    RateLimited,
    Conflict,
    /// The API refused the request as invalid (4xx), with Cloudflare's codes.
    Invalid,
    Server,
    /// No usable HTTP response: connection refused or reset, timeout.
    Transport,
    /// TLS failed (a certificate that does not verify, a server that does
    /// not speak TLS or only an old version). Not retried: it will fail the
    /// next time too.
    Tls,
    /// The API answered with a redirect, which is never followed.
    Redirect,
    /// A response we could not make sense of.
    Decode,
    /// Terraform asked the provider to stop while the request was waiting.
    Stopped,
}

/// What to check when Cloudflare refuses the credentials.
pub const CREDENTIALS_ADVICE: &str =
    "Check the provider's credentials: `api_token`, or `email` + `api_key` (environment: \
     CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY), and that the user \
     administers this tenant and has the permission the request needs.";

#[derive(Clone, Debug)]
pub struct ApiError {
    /// `METHOD /path` of the request, without the query (never credentials).
    pub request: String,
    pub kind: ErrorKind,
    pub status: Option<u16>,
    pub errors: Vec<CfMessage>,
    /// The server's `Retry-After`, in seconds.
    pub retry_after_secs: Option<u32>,
    pub detail: String,
    pub attempts: u32,
    /// How long the call took in all (whole seconds), when it was retried
    /// or stopped.
    pub elapsed_secs: Option<u32>,
    /// For transport errors: the request surely never reached the server.
    pub not_sent: bool,
    /// Advice that depends on the request (e.g. which base_url was used).
    pub hint: Option<Box<str>>,
}

impl ApiError {
    pub fn new(request: String, kind: ErrorKind, detail: impl Into<String>) -> Self {
        ApiError {
            request,
            kind,
            status: None,
            errors: Vec::new(),
            retry_after_secs: None,
            detail: detail.into(),
            attempts: 1,
            elapsed_secs: None,
            not_sent: false,
            hint: None,
        }
    }

    pub fn from_status(
        request: String,
        status: u16,
        errors: Vec<CfMessage>,
        retry_after_secs: Option<u32>,
    ) -> Self {
        let kind = match status {
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Invalid,
        };
        ApiError {
            status: Some(status),
            errors,
            retry_after_secs,
            ..ApiError::new(request, kind, "")
        }
    }

    /// For a POST: the server may have acted on it even though we have no
    /// answer (the connection broke after sending, it timed out, or it
    /// failed with a 5xx). Whatever it created must be found, not re-created.
    pub fn may_have_committed(&self) -> bool {
        match self.kind {
            ErrorKind::Transport => !self.not_sent,
            ErrorKind::Server | ErrorKind::Decode => true,
            _ => false,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }

    /// True when Cloudflare answered with this error code.
    pub fn has_code(&self, code: i64) -> bool {
        self.errors
            .iter()
            .any(|e| e.code == code || e.chain.iter().any(|c| c.code == code))
    }

    /// Whether the request timed out (as opposed to failing otherwise).
    pub fn timed_out(&self) -> bool {
        self.kind == ErrorKind::Transport && self.detail.starts_with("timed out")
    }

    /// What the user can do about it, where we know.
    pub fn advice(&self) -> Option<String> {
        if let Some(hint) = &self.hint {
            return Some(hint.to_string());
        }
        match self.kind {
            ErrorKind::Unauthorized | ErrorKind::Forbidden => Some(CREDENTIALS_ADVICE.into()),
            ErrorKind::RateLimited => Some(
                "Cloudflare allows 1200 requests per 5 minutes per user. Run with a lower \
                 -parallelism, raise the provider's `max_retries`, or spread customers over service users."
                    .into(),
            ),
            ErrorKind::Transport if self.timed_out() => Some(
                "Cloudflare did not answer in time. Check `base_url` (environment: CLOUDFLARE_BASE_URL) \
                 and the network; for a slow connection raise `request_timeout_seconds` (each attempt) \
                 or `max_retries`."
                    .into(),
            ),
            ErrorKind::Transport => Some(
                "Check `base_url` (environment: CLOUDFLARE_BASE_URL) and the network.".into(),
            ),
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.request)?;
        match (self.status, self.kind) {
            (Some(s), _) => write!(f, ": HTTP {s}")?,
            (None, ErrorKind::Stopped) => write!(f, ": stopped")?,
            // Answers were had, but what they say together cannot be used.
            (None, ErrorKind::Decode) => {}
            (None, _) => write!(f, ": no response")?,
        }
        for e in &self.errors {
            write!(f, "; Cloudflare error {}: {}", e.code, e.message)?;
            for c in &e.chain {
                write!(f, " ({}: {})", c.code, c.message)?;
            }
        }
        if !self.detail.is_empty() {
            write!(f, "; {}", self.detail)?;
        }
        match (self.attempts, self.elapsed_secs) {
            (1, None) => {}
            (n, None) => write!(f, " (after {n} attempts)")?,
            (1, Some(t)) => write!(f, " (after {})", seconds(t))?,
            (n, Some(t)) => write!(f, " (after {n} attempts, {} in all)", seconds(t))?,
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A duration as people read it: `42 s`, `2 min 34 s`.
fn seconds(s: u32) -> String {
    match (s / 60, s % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_statuses_and_formats_codes() {
        let e = ApiError::from_status(
            "POST /zones".into(),
            400,
            vec![CfMessage {
                code: 1061,
                message: "example.com already exists".into(),
                chain: vec![],
            }],
            None,
        );
        assert_eq!(e.kind, ErrorKind::Invalid);
        assert!(e.has_code(1061));
        assert_eq!(
            e.to_string(),
            "POST /zones: HTTP 400; Cloudflare error 1061: example.com already exists"
        );
        assert_eq!(
            ApiError::from_status("x".into(), 404, vec![], None).kind,
            ErrorKind::NotFound
        );
        assert_eq!(
            ApiError::from_status("x".into(), 503, vec![], None).kind,
            ErrorKind::Server
        );
        assert_eq!(
            ApiError::from_status("x".into(), 429, vec![], None).kind,
            ErrorKind::RateLimited
        );
        assert!(ApiError::from_status("x".into(), 403, vec![], None)
            .advice()
            .unwrap()
            .contains("CLOUDFLARE_API_TOKEN"));
    }
}
