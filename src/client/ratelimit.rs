//! One gate for every request in flight, so that Cloudflare's budget
//! (1,200 requests per 5 minutes per user) is spent knowingly.
//!
//! Every answer carries `Ratelimit: "default";r=<left>;t=<seconds>`: when
//! the requests already in flight would use what is left, the next one
//! waits for the window to reset instead of being turned away. When one is
//! turned away anyway (429), its `Retry-After` holds back every request,
//! once, rather than each one being refused and burning its own retries.
//! A wait is logged at info, once, with how long and why.

use reqwest::header::HeaderMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
struct State {
    /// Cloudflare turned requests away until then (429 `Retry-After`).
    blocked_until: Option<Instant>,
    /// From the latest `Ratelimit` header: requests left in the window, and
    /// when it resets.
    left: Option<u64>,
    resets_at: Option<Instant>,
    in_flight: u64,
    /// The end of the last wait logged: each wait is logged once.
    logged_until: Option<Instant>,
    /// The budget the latest `Ratelimit-Policy` header states.
    policy: Option<Budget>,
}

/// A rate-limit budget: `requests` per `window_secs`, per user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub requests: u64,
    pub window_secs: u64,
}

/// `"default";q=1200;w=300` (several policies: the smallest budget).
fn parse_policy(value: &str) -> Option<Budget> {
    value
        .split(',')
        .filter_map(|policy| {
            let (mut q, mut w) = (None, None);
            for param in policy.split(';').skip(1) {
                match param.trim().split_once('=') {
                    Some(("q", v)) => q = v.trim().parse().ok(),
                    Some(("w", v)) => w = v.trim().parse().ok(),
                    _ => {}
                }
            }
            Some(Budget {
                requests: q?,
                window_secs: w?,
            })
        })
        .min_by_key(|b| b.requests)
}

#[derive(Default)]
pub struct RateGate {
    state: Mutex<State>,
}

/// Why a request waits.
#[derive(Debug, PartialEq)]
pub enum Hold {
    /// A 429's `Retry-After`.
    TurnedAway(Duration),
    /// The requests in flight would use what is left of the window.
    BudgetSpent { left: u64, wait: Duration },
}

impl Hold {
    fn wait(&self) -> Duration {
        match self {
            Hold::TurnedAway(wait) | Hold::BudgetSpent { wait, .. } => *wait,
        }
    }
}

/// A request admitted; leaving the gate when dropped.
pub struct Admitted(Arc<RateGate>);

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut s = self.0.lock();
        s.in_flight = s.in_flight.saturating_sub(1);
    }
}

/// The longest a window or a 429 is taken to last (a day): a header
/// saying more (`t=18446744073709551615`) is held to that, so that no time
/// arithmetic can overflow, and every request then fails at once, saying
/// how long Cloudflare asked to wait.
const MAX_HOLD: Duration = Duration::from_secs(86_400);

/// `"default";r=50;t=30` (several policies: the one with least left).
fn parse_ratelimit(value: &str) -> Option<(u64, u64)> {
    value
        .split(',')
        .filter_map(|policy| {
            let mut left = None;
            let mut reset = None;
            for param in policy.split(';').skip(1) {
                match param.trim().split_once('=') {
                    Some(("r", v)) => left = v.trim().parse().ok(),
                    Some(("t", v)) => reset = v.trim().parse().ok(),
                    _ => {}
                }
            }
            Some((left?, reset?))
        })
        .min_by_key(|(left, _)| *left)
}

/// `now + wait`, with `wait` held to [`MAX_HOLD`]: never an overflow.
fn later(now: Instant, wait: Duration) -> Instant {
    let wait = wait.min(MAX_HOLD);
    now.checked_add(wait).unwrap_or(now)
}

impl RateGate {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What a request sent now would have to wait for, if anything; else
    /// it is counted as in flight.
    fn hold(&self, now: Instant) -> Option<Hold> {
        let mut s = self.lock();
        if let Some(until) = s.blocked_until.filter(|u| *u > now) {
            return Some(Hold::TurnedAway(until - now));
        }
        if let (Some(left), Some(resets_at)) = (s.left, s.resets_at) {
            if s.in_flight >= left && resets_at > now {
                return Some(Hold::BudgetSpent {
                    left,
                    wait: resets_at - now,
                });
            }
        }
        s.in_flight += 1;
        None
    }

    /// Waits until a request may be sent. Returns `Err` with how long it
    /// would still wait when `give_up` says stop waiting.
    pub async fn admit(
        self: &Arc<Self>,
        request: &str,
        mut give_up: impl FnMut(Duration) -> bool,
    ) -> Result<Admitted, Duration> {
        loop {
            let now = Instant::now();
            let Some(hold) = self.hold(now) else {
                return Ok(Admitted(self.clone()));
            };
            let wait = hold.wait();
            if give_up(wait) {
                return Err(wait);
            }
            let until = later(now, wait);
            let first = {
                let mut s = self.lock();
                let first = s
                    .logged_until
                    .is_none_or(|l| until > later(l, Duration::from_secs(1)));
                if first {
                    s.logged_until = Some(until);
                }
                first
            };
            if first {
                match &hold {
                    Hold::TurnedAway(_) => tracing::info!(
                        request,
                        wait_s = wait.as_secs_f64(),
                        "waiting for Cloudflare's rate limit: it turned a request away (429) and asked to wait (Retry-After)"
                    ),
                    Hold::BudgetSpent { left, .. } => tracing::info!(
                        request,
                        wait_s = wait.as_secs_f64(),
                        left,
                        "waiting for Cloudflare's rate-limit window to reset: the requests in flight use what is left of it"
                    ),
                }
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// The budget Cloudflare last stated (`Ratelimit-Policy`), if it did.
    pub fn budget(&self) -> Option<Budget> {
        self.lock().policy
    }

    /// Takes note of an answer's `Ratelimit` and `Ratelimit-Policy` headers.
    pub fn observe(&self, headers: &HeaderMap, now: Instant) {
        if let Some(budget) = headers
            .get("ratelimit-policy")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_policy)
        {
            self.lock().policy = Some(budget);
        }
        let Some((left, reset)) = headers
            .get("ratelimit")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_ratelimit)
        else {
            return;
        };
        let resets_at = later(now, Duration::from_secs(reset));
        let mut s = self.lock();
        // Answers arrive out of order: within one window, what is left only
        // shrinks, so a late answer must not restore what others used. A
        // reading is of the same window when its reset is not clearly later
        // (`t` is in whole seconds, rounded up).
        let same_window = s
            .resets_at
            .is_some_and(|old| old > now && resets_at <= later(old, Duration::from_secs(1)));
        match (same_window, s.left, s.resets_at) {
            (true, Some(old_left), Some(old_reset)) => {
                s.left = Some(old_left.min(left));
                s.resets_at = Some(old_reset.max(resets_at));
            }
            _ => {
                s.left = Some(left);
                s.resets_at = Some(resets_at);
            }
        }
    }

    /// A request was turned away (429): every request waits `retry_after`.
    pub fn turned_away(&self, retry_after: Duration, now: Instant) {
        let mut s = self.lock();
        let until = later(now, retry_after);
        s.blocked_until = Some(s.blocked_until.map_or(until, |b| b.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_header_value_can_overflow_the_clock() {
        let gate = Arc::new(RateGate::default());
        let now = Instant::now();
        let mut headers = HeaderMap::new();
        headers.insert(
            "ratelimit",
            "\"default\";r=0;t=18446744073709551615".parse().unwrap(),
        );
        gate.observe(&headers, now);
        assert_eq!(
            gate.hold(now),
            Some(Hold::BudgetSpent {
                left: 0,
                wait: MAX_HOLD
            })
        );
        gate.turned_away(Duration::MAX, now);
        assert_eq!(gate.hold(now), Some(Hold::TurnedAway(MAX_HOLD)));
        for odd in [
            "\"default\";r=-1;t=1",
            "\"d\";r=99999999999999999999999;t=1",
            ";;;",
            "r=1;t=2",
        ] {
            let mut headers = HeaderMap::new();
            headers.insert("ratelimit", odd.parse().unwrap());
            gate.observe(&headers, now);
        }
    }

    #[test]
    fn reads_the_ratelimit_header() {
        assert_eq!(parse_ratelimit("\"default\";r=50;t=30"), Some((50, 30)));
        assert_eq!(
            parse_ratelimit("\"burst\";r=9;t=1, \"default\";r=50;t=30"),
            Some((9, 1))
        );
        assert_eq!(parse_ratelimit("garbage"), None);
    }

    #[test]
    fn a_late_answer_does_not_give_back_what_others_used() {
        let gate = Arc::new(RateGate::default());
        let now = Instant::now();
        let reading = |r: u64, t: u64| {
            let mut headers = HeaderMap::new();
            let value = format!("\"default\";r={r};t={t}");
            headers.insert("ratelimit", value.parse().unwrap());
            headers
        };
        gate.observe(&reading(1, 2), now);
        // The answer to the window's first request, observed last.
        gate.observe(&reading(3, 2), now + Duration::from_millis(5));
        assert_eq!(gate.lock().left, Some(1));
        // The next window's first answer starts afresh.
        gate.observe(&reading(3, 2), now + Duration::from_millis(2100));
        assert_eq!(gate.lock().left, Some(3));
    }

    #[test]
    fn holds_what_the_budget_or_a_429_does_not_allow() {
        let gate = Arc::new(RateGate::default());
        let now = Instant::now();
        let mut headers = HeaderMap::new();
        headers.insert("ratelimit", "\"default\";r=2;t=10".parse().unwrap());
        gate.observe(&headers, now);
        assert_eq!(gate.hold(now), None);
        assert_eq!(gate.hold(now), None);
        assert_eq!(
            gate.hold(now),
            Some(Hold::BudgetSpent {
                left: 2,
                wait: Duration::from_secs(10)
            }),
            "two in flight use the two left"
        );
        gate.lock().in_flight = 0;
        gate.turned_away(Duration::from_secs(3), now);
        assert_eq!(
            gate.hold(now),
            Some(Hold::TurnedAway(Duration::from_secs(3)))
        );
        assert_eq!(
            gate.hold(now + Duration::from_secs(4)),
            None,
            "after the wait"
        );
    }

    #[test]
    fn the_policy_header_states_the_budget() {
        assert_eq!(
            parse_policy("\"default\";q=1200;w=300"),
            Some(Budget {
                requests: 1200,
                window_secs: 300
            })
        );
        assert_eq!(
            parse_policy("\"burst\";q=100;w=60, \"default\";q=1200;w=300"),
            Some(Budget {
                requests: 100,
                window_secs: 60
            })
        );
        assert_eq!(parse_policy("nonsense"), None);
        assert_eq!(parse_policy("\"d\";q=99999999999999999999999;w=1"), None);
    }
}
