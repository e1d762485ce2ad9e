//! The one retry policy: which failures are retried, and how long to wait.

use super::error::{ApiError, ErrorKind};
use rand::Rng;
use reqwest::Method;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct RetryPolicy {
    pub max_retries: u32,
    /// First backoff step; doubled on every retry, up to `cap`.
    pub base: Duration,
    pub cap: Duration,
    /// The longest a request waits for Cloudflare's rate limit (its window
    /// is 5 minutes); a longer `Retry-After` fails the request, saying so.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 4,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(8),
            max_wait: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// Whether a failed attempt (`retries_done` retries so far) is tried again.
    ///
    /// GET/PUT/PATCH/DELETE are idempotent and retried on 429, 5xx and
    /// transport errors. A POST may have created something even when its
    /// response was lost, so it is retried only when the server surely did
    /// not act on it: the connection was never made, or it was turned away
    /// by the rate limiter (429), which answers before doing any work.
    pub fn should_retry(&self, method: &Method, err: &ApiError, retries_done: u32) -> bool {
        if retries_done >= self.max_retries {
            return false;
        }
        let idempotent = *method != Method::POST;
        match err.kind {
            ErrorKind::RateLimited => err
                .retry_after_secs
                .is_none_or(|s| Duration::from_secs(s.into()) <= self.max_wait),
            ErrorKind::Server => idempotent,
            ErrorKind::Transport => idempotent || err.not_sent,
            _ => false,
        }
    }

    /// Exponential backoff with full jitter; a server's `Retry-After` is a
    /// floor we always honour (plus a little jitter so parallel callers
    /// don't return in lockstep).
    pub fn delay(&self, retries_done: u32, retry_after: Option<Duration>) -> Duration {
        let mut rng = rand::rng();
        let ceiling = self
            .base
            .saturating_mul(1u32 << retries_done.min(16))
            .min(self.cap);
        let backoff = Duration::from_secs_f64(rng.random_range(0.0..=1.0) * ceiling.as_secs_f64());
        match retry_after {
            Some(ra) => ra + Duration::from_millis(rng.random_range(0..=250)),
            None => backoff.max(self.base / 4),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(kind: ErrorKind) -> ApiError {
        ApiError::new("GET /x".into(), kind, "")
    }

    #[test]
    fn idempotent_methods_retry_transient_failures() {
        let p = RetryPolicy::default();
        for k in [
            ErrorKind::RateLimited,
            ErrorKind::Server,
            ErrorKind::Transport,
        ] {
            assert!(p.should_retry(&Method::GET, &err(k), 0), "{k:?}");
            assert!(p.should_retry(&Method::DELETE, &err(k), 3), "{k:?}");
            assert!(
                !p.should_retry(&Method::PUT, &err(k), 4),
                "bounded by max_retries"
            );
        }
        for k in [
            ErrorKind::NotFound,
            ErrorKind::Invalid,
            ErrorKind::Forbidden,
            ErrorKind::Stopped,
        ] {
            assert!(!p.should_retry(&Method::GET, &err(k), 0), "{k:?}");
        }
    }

    #[test]
    fn post_is_retried_only_when_surely_not_processed() {
        let p = RetryPolicy::default();
        assert!(p.should_retry(&Method::POST, &err(ErrorKind::RateLimited), 0));
        assert!(!p.should_retry(&Method::POST, &err(ErrorKind::Server), 0));
        assert!(!p.should_retry(&Method::POST, &err(ErrorKind::Transport), 0));
        let mut refused = err(ErrorKind::Transport);
        refused.not_sent = true;
        assert!(p.should_retry(&Method::POST, &refused, 0));
    }

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after() {
        let p = RetryPolicy {
            max_retries: 10,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
            max_wait: Duration::from_secs(300),
        };
        for n in 0..10 {
            let d = p.delay(n, None);
            assert!(d <= Duration::from_secs(1), "capped: {d:?}");
            assert!(d >= Duration::from_millis(25), "floor: {d:?}");
        }
        let d = p.delay(0, Some(Duration::from_secs(3)));
        assert!(
            d >= Duration::from_secs(3) && d <= Duration::from_millis(3250),
            "{d:?}"
        );
    }
}
