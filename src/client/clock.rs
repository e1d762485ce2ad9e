//! The API server's clock, as far as its answers reveal it.
//!
//! Deciding whether an object found after a lost create is ours means
//! comparing its `created_on` (the server's clock) with the moment our
//! request left (ours). Every response's `Date` header bounds the offset
//! between the two clocks: the server wrote a time in `[D, D + 1 s)`
//! somewhere between our send and our receipt. The tightest lower bound
//! seen so far is kept; creation times of objects we created (stamped
//! between our send and receipt, usually to the microsecond) tighten it
//! further.

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Seconds since the epoch, as a float: offsets may be negative.
fn secs(t: SystemTime) -> f64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    }
}

#[derive(Default, Debug)]
pub struct ServerClock {
    /// The largest lower bound seen of `server time - local time`, in seconds.
    lower: Mutex<Option<f64>>,
}

impl ServerClock {
    fn raise_lower(&self, bound: f64) {
        let mut lower = self.lower.lock().unwrap_or_else(|p| p.into_inner());
        *lower = Some(lower.map_or(bound, |l| l.max(bound)));
    }

    /// A response received at `received` carried `Date: date` (whole seconds).
    pub fn observe_date_header(&self, date: &str, received: SystemTime) {
        if let Ok(server) = httpdate::parse_http_date(date) {
            self.raise_lower(secs(server) - secs(received));
        }
    }

    /// The server stamped `stamp` (RFC 3339, as in `created_on`) while
    /// handling a request we received the answer to at `received`.
    pub fn observe_stamp(&self, stamp: &str, received: SystemTime) {
        if let Some(server) = parse_stamp(stamp) {
            self.raise_lower(server.seconds - secs(received));
        }
    }

    /// The earliest the server's clock can have read when ours read `local`,
    /// or `None` before any answer came back.
    pub fn earliest_server_time(&self, local: SystemTime) -> Option<f64> {
        let lower = *self.lower.lock().unwrap_or_else(|p| p.into_inner());
        lower.map(|l| secs(local) + l)
    }
}

/// A parsed server timestamp: when, and how coarse (a time written in whole
/// seconds may stand for any moment of that second).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stamp {
    pub seconds: f64,
    pub resolution: Duration,
}

pub fn parse_stamp(raw: &str) -> Option<Stamp> {
    let t = OffsetDateTime::parse(raw, &Rfc3339).ok()?;
    let whole_seconds = !raw.contains('.');
    Some(Stamp {
        seconds: t.unix_timestamp_nanos() as f64 / 1e9,
        resolution: if whole_seconds {
            Duration::from_secs(1)
        } else {
            Duration::from_micros(1)
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: f64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs_f64(s)
    }

    #[test]
    fn date_headers_bound_the_offset_from_below() {
        let clock = ServerClock::default();
        assert_eq!(clock.earliest_server_time(at(1000.0)), None);
        // The server is an hour ahead; its Date header truncates to the second.
        clock.observe_date_header("Thu, 01 Jan 1970 01:16:40 GMT", at(1000.7));
        let earliest = clock.earliest_server_time(at(2000.0)).unwrap();
        assert!(
            (earliest - (2000.0 + 3600.0 - 0.7)).abs() < 1e-6,
            "{earliest}"
        );
        // A sample nearer a second boundary tightens the bound; a looser one does not.
        clock.observe_date_header("Thu, 01 Jan 1970 01:16:41 GMT", at(1001.05));
        clock.observe_date_header("Thu, 01 Jan 1970 01:16:41 GMT", at(1001.9));
        let earliest = clock.earliest_server_time(at(2000.0)).unwrap();
        assert!(
            (earliest - (2000.0 + 3600.0 - 0.05)).abs() < 1e-6,
            "{earliest}"
        );
        clock.observe_date_header("not a date", at(1.0));
    }

    #[test]
    fn stamps_keep_their_resolution() {
        let fine = parse_stamp("2026-12-01T06:36:43.123456Z").unwrap();
        assert_eq!(fine.resolution, Duration::from_micros(1));
        let coarse = parse_stamp("2026-12-01T06:36:43Z").unwrap();
        assert_eq!(coarse.resolution, Duration::from_secs(1));
        assert!((fine.seconds - coarse.seconds - 0.123456).abs() < 1e-6);
        assert_eq!(parse_stamp("yesterday"), None);
        let clock = ServerClock::default();
        clock.observe_stamp("1970-01-01T00:16:40.5Z", at(1000.6));
        let earliest = clock.earliest_server_time(at(1000.0)).unwrap();
        assert!((earliest - 999.9).abs() < 1e-6, "{earliest}");
    }
}
