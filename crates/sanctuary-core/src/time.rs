//! Time: a UTC [`Timestamp`] written as RFC 3339, and the [`Clock`] trait.
//!
//! ```
//! use sanctuary_core::time::{Clock, ManualClock, Timestamp};
//! use std::time::Duration;
//!
//! let start: Timestamp = "2026-01-02T03:04:05Z".parse()?;
//! let clock = ManualClock::new(start);
//! clock.advance(Duration::from_millis(1500));
//! assert_eq!(clock.now().to_string(), "2026-01-02T03:04:06.500Z");
//! # Ok::<(), sanctuary_core::time::TimestampError>(())
//! ```

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds from 1970-01-01T00:00:00Z to 0001-01-01T00:00:00Z (negative).
const MIN_SECS: i64 = -62_135_596_800;
/// Seconds from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
const MAX_SECS: i64 = 253_402_300_799;

/// An instant in UTC with nanosecond precision, between years 1 and 9999.
///
/// Written as RFC 3339 in one canonical form: `YYYY-MM-DDTHH:MM:SS[.fff|.ffffff|.fffffffff]Z`
/// (no fraction when it is zero, otherwise the shortest of 3, 6 or 9 digits). Serde reads and
/// writes only that canonical form, so a timestamp inside a signed object has one spelling;
/// [`Timestamp::parse_rfc3339`] accepts any RFC 3339 text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    secs: i64,
    nanos: u32,
}

/// A timestamp was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// The text is not RFC 3339.
    #[error("not an rfc 3339 date-time")]
    Syntax,
    /// A field is out of range (month 13, 31 February, hour 24…).
    #[error("date-time field out of range")]
    Range,
    /// Outside years 1 to 9999 (after applying the offset).
    #[error("date-time outside years 1 to 9999")]
    OutOfBounds,
    /// Valid RFC 3339 but not the canonical spelling required inside signed objects.
    #[error("date-time is not in canonical form (expected {expected})")]
    NotCanonical {
        /// The canonical spelling of the same instant.
        expected: String,
    },
}

impl Timestamp {
    /// The Unix epoch.
    pub const UNIX_EPOCH: Timestamp = Timestamp { secs: 0, nanos: 0 };

    /// From seconds and nanoseconds since the Unix epoch.
    pub fn from_unix(secs: i64, nanos: u32) -> Result<Self, TimestampError> {
        if !(MIN_SECS..=MAX_SECS).contains(&secs) || nanos >= 1_000_000_000 {
            return Err(TimestampError::OutOfBounds);
        }
        Ok(Timestamp { secs, nanos })
    }

    /// From whole seconds since the Unix epoch.
    pub fn from_unix_seconds(secs: i64) -> Result<Self, TimestampError> {
        Self::from_unix(secs, 0)
    }

    /// From milliseconds since the Unix epoch.
    pub fn from_unix_millis(millis: i64) -> Result<Self, TimestampError> {
        let secs = millis.div_euclid(1000);
        let nanos = u32::try_from(millis.rem_euclid(1000) * 1_000_000).unwrap_or(0);
        Self::from_unix(secs, nanos)
    }

    /// Whole seconds since the Unix epoch (rounded down).
    #[must_use]
    pub const fn unix_seconds(&self) -> i64 {
        self.secs
    }

    /// Nanoseconds within the second.
    #[must_use]
    pub const fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Milliseconds since the Unix epoch (rounded down).
    #[must_use]
    pub fn unix_millis(&self) -> i64 {
        self.secs * 1000 + i64::from(self.nanos / 1_000_000)
    }

    /// This instant truncated to whole seconds.
    #[must_use]
    pub const fn trunc_seconds(&self) -> Timestamp {
        Timestamp {
            secs: self.secs,
            nanos: 0,
        }
    }

    /// `self + d`, or `None` past year 9999.
    #[must_use]
    pub fn checked_add(&self, d: Duration) -> Option<Timestamp> {
        let secs = i64::try_from(d.as_secs()).ok()?;
        let mut total_secs = self.secs.checked_add(secs)?;
        let mut nanos = self.nanos + d.subsec_nanos();
        if nanos >= 1_000_000_000 {
            nanos -= 1_000_000_000;
            total_secs = total_secs.checked_add(1)?;
        }
        Timestamp::from_unix(total_secs, nanos).ok()
    }

    /// `self − d`, or `None` before year 1.
    #[must_use]
    pub fn checked_sub(&self, d: Duration) -> Option<Timestamp> {
        let secs = i64::try_from(d.as_secs()).ok()?;
        let mut total_secs = self.secs.checked_sub(secs)?;
        let mut nanos = i64::from(self.nanos) - i64::from(d.subsec_nanos());
        if nanos < 0 {
            nanos += 1_000_000_000;
            total_secs = total_secs.checked_sub(1)?;
        }
        Timestamp::from_unix(total_secs, u32::try_from(nanos).ok()?).ok()
    }

    /// How long after `earlier` this instant is, or `None` if it is before it.
    #[must_use]
    pub fn duration_since(&self, earlier: Timestamp) -> Option<Duration> {
        if *self < earlier {
            return None;
        }
        let mut secs = self.secs - earlier.secs;
        let nanos = if self.nanos >= earlier.nanos {
            self.nanos - earlier.nanos
        } else {
            secs -= 1;
            self.nanos + 1_000_000_000 - earlier.nanos
        };
        Some(Duration::new(u64::try_from(secs).ok()?, nanos))
    }

    /// The current system time.
    ///
    /// A system clock before 1970 or after 9999 is clamped to those bounds (it cannot be
    /// represented otherwise); use a [`Clock`] in code that must be testable.
    #[must_use]
    pub fn now() -> Timestamp {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => Timestamp::UNIX_EPOCH.checked_add(d).unwrap_or(Timestamp {
                secs: MAX_SECS,
                nanos: 999_999_999,
            }),
            Err(_) => Timestamp::UNIX_EPOCH,
        }
    }

    /// Parses any RFC 3339 date-time (`T` or `t`, `Z`, `z` or a `±hh:mm` offset, a fraction of
    /// 1 to 9 digits). Leap seconds (`:60`) are refused.
    pub fn parse_rfc3339(text: &str) -> Result<Timestamp, TimestampError> {
        let b = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| -> Result<i64, TimestampError> {
            let part = b.get(range).ok_or(TimestampError::Syntax)?;
            if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
                return Err(TimestampError::Syntax);
            }
            Ok(part
                .iter()
                .fold(0i64, |acc, &d| acc * 10 + i64::from(d - b'0')))
        };
        let byte = |i: usize| b.get(i).copied();
        if byte(4) != Some(b'-')
            || byte(7) != Some(b'-')
            || !matches!(byte(10), Some(b'T' | b't'))
            || byte(13) != Some(b':')
            || byte(16) != Some(b':')
        {
            return Err(TimestampError::Syntax);
        }
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
        let mut i = 19;
        let mut nanos: i64 = 0;
        if byte(i) == Some(b'.') {
            let start = i + 1;
            let mut end = start;
            while byte(end).is_some_and(|c| c.is_ascii_digit()) {
                end += 1;
            }
            let len = end - start;
            if len == 0 || len > 9 {
                return Err(TimestampError::Syntax);
            }
            let scale = 10i64.pow(u32::try_from(9 - len).unwrap_or(0));
            nanos = digits(start..end)? * scale;
            i = end;
        }
        let offset_secs = match byte(i) {
            Some(b'Z' | b'z') if b.len() == i + 1 => 0,
            Some(sign @ (b'+' | b'-')) if b.len() == i + 6 && byte(i + 3) == Some(b':') => {
                let (oh, om) = (digits(i + 1..i + 3)?, digits(i + 4..i + 6)?);
                if oh > 23 || om > 59 {
                    return Err(TimestampError::Range);
                }
                let s = oh * 3600 + om * 60;
                if sign == b'+' { s } else { -s }
            }
            _ => return Err(TimestampError::Syntax),
        };
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return Err(TimestampError::Range);
        }
        let secs = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
            - offset_secs;
        Timestamp::from_unix(
            secs,
            u32::try_from(nanos).map_err(|_| TimestampError::Range)?,
        )
    }

    /// Parses the canonical spelling only (what [`fmt::Display`] writes).
    pub fn parse_canonical(text: &str) -> Result<Timestamp, TimestampError> {
        let t = Timestamp::parse_rfc3339(text)?;
        let expected = t.to_string();
        if expected != text {
            return Err(TimestampError::NotCanonical { expected });
        }
        Ok(t)
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

// The inverse (Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            rem / 3600,
            (rem % 3600) / 60,
            rem % 60
        )?;
        let n = self.nanos;
        if n == 0 {
        } else if n.is_multiple_of(1_000_000) {
            write!(f, ".{:03}", n / 1_000_000)?;
        } else if n.is_multiple_of(1_000) {
            write!(f, ".{:06}", n / 1_000)?;
        } else {
            write!(f, ".{n:09}")?;
        }
        f.write_str("Z")
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    /// Lenient: any RFC 3339 text (see [`Timestamp::parse_rfc3339`]).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse_rfc3339(s)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::encoding::deserialize_parsed(deserializer, Timestamp::parse_canonical)
    }
}

/// A source of the current time. Everything time-dependent takes one, so tests can control it.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> Timestamp;
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that moves only when told to. For tests.
#[derive(Debug)]
pub struct ManualClock(Mutex<Timestamp>);

impl ManualClock {
    /// A clock showing `start`.
    #[must_use]
    pub fn new(start: Timestamp) -> Self {
        ManualClock(Mutex::new(start))
    }

    /// Sets the time (it may go backwards, to test how code copes with that).
    pub fn set(&self, to: Timestamp) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = to;
    }

    /// Moves the time forward by `by`, saturating at year 9999.
    pub fn advance(&self, by: Duration) {
        let mut now = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *now = now.checked_add(by).unwrap_or(Timestamp {
            secs: MAX_SECS,
            nanos: 999_999_999,
        });
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        for (text, secs, nanos) in [
            ("1970-01-01T00:00:00Z", 0, 0),
            ("2000-02-29T12:34:56Z", 951_827_696, 0),
            ("1969-12-31T23:59:59.999Z", -1, 999_000_000),
            ("0001-01-01T00:00:00Z", MIN_SECS, 0),
            ("9999-12-31T23:59:59.999999999Z", MAX_SECS, 999_999_999),
            ("2026-11-22T08:00:00.000001Z", 1_795_334_400, 1_000),
        ] {
            let t = Timestamp::from_unix(secs, nanos).unwrap();
            assert_eq!(t.to_string(), text);
            assert_eq!(Timestamp::parse_canonical(text), Ok(t));
        }
    }

    #[test]
    fn offsets_and_lenient_forms() {
        let z = Timestamp::parse_rfc3339("2026-03-01T00:30:00Z").unwrap();
        assert_eq!(Timestamp::parse_rfc3339("2026-03-01T01:30:00+01:00"), Ok(z));
        assert_eq!(Timestamp::parse_rfc3339("2026-02-28T23:30:00-01:00"), Ok(z));
        assert_eq!(Timestamp::parse_rfc3339("2026-03-01t00:30:00.0z"), Ok(z));
        assert!(matches!(
            Timestamp::parse_canonical("2026-03-01T01:30:00+01:00"),
            Err(TimestampError::NotCanonical { .. })
        ));
        assert!(matches!(
            Timestamp::parse_canonical("2026-03-01T00:30:00.000Z"),
            Err(TimestampError::NotCanonical { .. })
        ));
    }

    #[test]
    fn rejects_malformed_and_out_of_range() {
        for bad in [
            "",
            "2026-01-01",
            "2026-01-01T00:00:00",
            "2026-01-01 00:00:00Z",
            "2026-1-01T00:00:00Z",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00:00.1234567890Z",
            "2026-01-01T00:00:00+0100",
            "2026-01-01T00:00:00Z ",
            "+2026-01-01T00:00:00Z",
            "２０２６-01-01T00:00:00Z",
        ] {
            assert_eq!(
                Timestamp::parse_rfc3339(bad),
                Err(TimestampError::Syntax),
                "{bad:?}"
            );
        }
        for bad in [
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2100-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T23:60:00Z",
            "2026-01-01T23:59:60Z",
            "2026-01-01T00:00:00+24:00",
        ] {
            assert_eq!(
                Timestamp::parse_rfc3339(bad),
                Err(TimestampError::Range),
                "{bad:?}"
            );
        }
        assert_eq!(
            Timestamp::parse_rfc3339("0001-01-01T00:00:00+00:01"),
            Err(TimestampError::OutOfBounds)
        );
    }

    #[test]
    fn arithmetic() {
        let t = Timestamp::from_unix(10, 900_000_000).unwrap();
        let later = t.checked_add(Duration::from_millis(200)).unwrap();
        assert_eq!(later, Timestamp::from_unix(11, 100_000_000).unwrap());
        assert_eq!(later.duration_since(t), Some(Duration::from_millis(200)));
        assert_eq!(t.duration_since(later), None);
        assert_eq!(later.checked_sub(Duration::from_millis(200)), Some(t));
        let max = Timestamp::from_unix(MAX_SECS, 0).unwrap();
        assert_eq!(max.checked_add(Duration::from_secs(1)), None);
        assert_eq!(
            Timestamp::from_unix_millis(-1).unwrap().to_string(),
            "1969-12-31T23:59:59.999Z"
        );
    }

    #[test]
    fn manual_clock() {
        let clock = ManualClock::new(Timestamp::UNIX_EPOCH);
        clock.advance(Duration::from_secs(90));
        assert_eq!(clock.now().unix_seconds(), 90);
        clock.set(Timestamp::UNIX_EPOCH);
        assert_eq!(clock.now(), Timestamp::UNIX_EPOCH);
        assert!(SystemClock.now() > Timestamp::from_unix_seconds(1_700_000_000).unwrap());
    }
}
