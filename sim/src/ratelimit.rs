//! `--rate-limit N/SECONDS`: a fixed-window request budget per credential, like the real
//! API's "1200 requests per 5 minutes per user" (reference §1.4). Once a credential has
//! used its budget, every further request in the window gets 429 until the window ends.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::{Duration, Instant};

/// The configured budget: `limit` requests per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: u64,
    pub window: Duration,
}

impl FromStr for RateLimit {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let usage = || format!("expected N/SECONDS (e.g. 1200/300), got '{s}'");
        let (limit, seconds) = s.split_once('/').ok_or_else(usage)?;
        let limit: u64 = limit.trim().parse().map_err(|_| usage())?;
        let seconds: u64 = seconds.trim().parse().map_err(|_| usage())?;
        if limit == 0 || seconds == 0 {
            return Err(format!("both N and SECONDS must be positive, got '{s}'"));
        }
        Ok(RateLimit {
            limit,
            window: Duration::from_secs(seconds),
        })
    }
}

/// The outcome for one request, with what the `Ratelimit` headers should say.
#[derive(Debug, Clone, Copy)]
pub struct Verdict {
    pub allowed: bool,
    pub remaining: u64,
    /// Whole seconds (rounded up) until the window resets.
    pub reset_after: u64,
    pub policy: RateLimit,
}

#[derive(Debug)]
struct Window {
    started: Instant,
    used: u64,
}

#[derive(Debug, Default)]
pub struct RateLimiter {
    config: Option<RateLimit>,
    windows: HashMap<String, Window>,
}

impl RateLimiter {
    pub fn new(config: Option<RateLimit>) -> Self {
        RateLimiter {
            config,
            windows: HashMap::new(),
        }
    }

    /// Takes one request from `key`'s budget, and says whether it was left;
    /// `None` when no limit is configured.
    pub fn take(&mut self, key: &str, now: Instant) -> Option<Verdict> {
        let policy = self.config?;
        let window = self.windows.entry(key.to_string()).or_insert(Window {
            started: now,
            used: 0,
        });
        if now.duration_since(window.started) >= policy.window {
            *window = Window {
                started: now,
                used: 0,
            };
        }
        window.used = window.used.saturating_add(1);
        let left = policy
            .window
            .saturating_sub(now.duration_since(window.started));
        let reset_after = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        Some(Verdict {
            allowed: window.used <= policy.limit,
            remaining: policy.limit.saturating_sub(window.used),
            reset_after: reset_after.max(1),
            policy,
        })
    }

    /// Forgets all windows (used by `POST /__sim/reset`).
    pub fn reset(&mut self) {
        self.windows.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse() {
        assert_eq!(
            "1200/300".parse::<RateLimit>().unwrap(),
            RateLimit {
                limit: 1200,
                window: Duration::from_secs(300)
            }
        );
        assert!("12".parse::<RateLimit>().is_err());
        assert!("0/10".parse::<RateLimit>().is_err());
    }

    #[test]
    fn budget_then_block_then_reset() {
        let mut limiter = RateLimiter::new(Some("2/10".parse().unwrap()));
        let t0 = Instant::now();
        assert!(limiter.take("a", t0).unwrap().allowed);
        assert!(limiter.take("a", t0).unwrap().allowed);
        let blocked = limiter.take("a", t0 + Duration::from_millis(1500)).unwrap();
        assert!(!blocked.allowed);
        assert_eq!(blocked.reset_after, 9);
        assert!(limiter.take("b", t0).unwrap().allowed);
        assert!(
            limiter
                .take("a", t0 + Duration::from_secs(10))
                .unwrap()
                .allowed
        );
    }
}
