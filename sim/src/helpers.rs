//! Ids and times, for every area and the seed alike: random ids, ids derived
//! from names, RFC 3339 stamps, month arithmetic, and the simulated clock.
//! Nothing here knows the state.

use rand::Rng;
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A random Cloudflare-style id: 32 lowercase hex characters.
pub fn random_id() -> String {
    random_hex(32)
}

/// `len` random lowercase hex characters.
pub fn random_hex(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
        .collect()
}

/// `len` random decimal digits (first digit non-zero).
pub fn random_digits(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|i| {
            let low = if i == 0 { 1 } else { 0 };
            char::from_digit(rng.random_range(low..10), 10).unwrap_or('1')
        })
        .collect()
}

/// A deterministic 32-hex id derived from `parts` (two FNV-1a 64-bit hashes with
/// different salts). Used for the seeded unit tags, user tags and member policy ids so
/// that they are identical across runs.
pub fn derive_hex(parts: &[&str]) -> String {
    fn fnv1a(salt: u8, parts: &[&str]) -> u64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |byte: u8| {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        };
        feed(salt);
        for part in parts {
            part.bytes().for_each(&mut feed);
            feed(0x1f); // separator so ["ab","c"] != ["a","bc"]
        }
        // Murmur3's 64-bit finaliser spreads the last input bytes over all output bits.
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        hash ^ (hash >> 33)
    }
    format!("{:016x}{:016x}", fnv1a(1, parts), fnv1a(2, parts))
}

/// RFC 3339 with microseconds, like the real API's stamps.
pub fn format_time(t: OffsetDateTime) -> String {
    let micros = t.nanosecond() / 1_000 * 1_000;
    t.replace_nanosecond(micros)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// Adds calendar months, clamping the day to the target month's length.
pub fn add_months(t: OffsetDateTime, months: u32) -> OffsetDateTime {
    let total = t.year() * 12 + (t.month() as i32 - 1) + months as i32;
    let year = total.div_euclid(12);
    let month =
        time::Month::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(time::Month::January);
    let last_day = time::util::days_in_month(month, year);
    let day = t.day().min(last_day);
    time::Date::from_calendar_date(year, month, day)
        .map(|date| t.replace_date(date))
        .unwrap_or(t)
}

/// The simulated server's clock: how far it runs ahead of this machine's
/// (behind, when negative), in seconds (`POST /__sim/clock`). It stamps
/// `created_on` and the `Date` header, so that clients can be tested against
/// a server whose clock is not theirs. Stored in the state file as the
/// number of seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SimClock {
    offset_seconds: i64,
}

impl SimClock {
    pub fn offset_seconds(self) -> i64 {
        self.offset_seconds
    }

    pub fn set_offset_seconds(&mut self, seconds: i64) {
        self.offset_seconds = seconds;
    }

    /// The simulated server's current time.
    pub fn now(self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + time::Duration::seconds(self.offset_seconds)
    }

    /// [`SimClock::now`] as RFC 3339 with microseconds, like the real API.
    pub fn now_rfc3339(self) -> String {
        format_time(self.now())
    }

    /// [`SimClock::now`] as an HTTP date, for the `Date` header.
    pub fn http_date(self) -> String {
        let offset = Duration::from_secs(self.offset_seconds.unsigned_abs());
        let now = if self.offset_seconds >= 0 {
            SystemTime::now() + offset
        } else {
            SystemTime::now() - offset
        };
        httpdate::fmt_http_date(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_stable_hex() {
        let a = derive_hex(&["unit", "x", "1"]);
        assert_eq!(a, derive_hex(&["unit", "x", "1"]));
        assert_ne!(a, derive_hex(&["unit", "x", "2"]));
        assert!(crate::input::is_cf_id(&a));
    }

    #[test]
    fn month_arithmetic_clamps() {
        let t = OffsetDateTime::parse("2024-01-31T10:00:00Z", &Rfc3339).unwrap();
        assert_eq!(format_time(add_months(t, 1)), "2024-02-29T10:00:00Z");
        assert_eq!(format_time(add_months(t, 12)), "2025-01-31T10:00:00Z");
    }
}
