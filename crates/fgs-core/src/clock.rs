//! Injected time. Every timestamp the emulator writes, and (later) every timer, retry backoff
//! and event age, comes from a [`Clock`]: [`SystemClock`] in production, [`ManualClock`] in
//! tests, which only moves when the test says so.
//!
//! ```
//! use std::time::Duration;
//! use fgs_core::clock::{Clock, ManualClock};
//! let clock = ManualClock::at_rfc3339("2024-05-01T12:00:00Z").unwrap();
//! clock.advance(Duration::from_secs(90));
//! assert_eq!(clock.now().to_rfc3339(), "2024-05-01T12:01:30+00:00");
//! ```

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use parking_lot::Mutex;

/// A source of wall-clock time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;

    /// The current time in whole seconds since the Unix epoch (what per-minute buckets need,
    /// without building a calendar date). Default: from [`Clock::now`].
    fn unix_seconds(&self) -> i64 {
        self.now().timestamp()
    }

    /// This clock as a [`ManualClock`], if it is one: the emulator's scheduler then moves it
    /// itself (`Emulator::advance`) instead of running a background driver. Default `None`.
    fn as_manual(&self) -> Option<&ManualClock> {
        None
    }
}

/// The machine's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    /// The coarse real-time clock where the OS has one (Linux: updated every tick, a few
    /// milliseconds; seconds are all this is for), else `SystemTime`.
    fn unix_seconds(&self) -> i64 {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            rustix::time::clock_gettime(rustix::time::ClockId::RealtimeCoarse).tv_sec
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            // Before the epoch: round down, as `DateTime::timestamp` does.
            Err(e) => {
                let d = e.duration();
                -i64::try_from(d.as_secs()).unwrap_or(i64::MAX) - i64::from(d.subsec_nanos() > 0)
            }
        }
    }
}

/// A clock that stands still until [`ManualClock::advance`] or [`ManualClock::set`] moves it.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock stopped at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock {
            now: Mutex::new(start),
        }
    }

    /// A clock stopped at an RFC 3339 time, e.g. `2024-05-01T12:00:00Z`.
    pub fn at_rfc3339(start: &str) -> Result<Self, chrono::ParseError> {
        Ok(Self::new(
            DateTime::parse_from_rfc3339(start)?.with_timezone(&Utc),
        ))
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let by = chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
        let mut now = self.now.lock();
        *now = now
            .checked_add_signed(by)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
    }

    /// Sets the clock to `to` (which may be earlier than now).
    pub fn set(&self, to: DateTime<Utc>) {
        *self.now.lock() = to;
    }
}

impl Default for ManualClock {
    /// A clock stopped at 2024-01-01T00:00:00Z.
    fn default() -> Self {
        Self::new(DateTime::from_timestamp(1_704_067_200, 0).unwrap_or_default())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock()
    }

    fn as_manual(&self) -> Option<&ManualClock> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_agree_with_now() {
        let system = SystemClock;
        let before = system.now().timestamp();
        let coarse = system.unix_seconds();
        let after = system.now().timestamp();
        // The coarse clock lags by at most a few milliseconds.
        assert!(
            (before - 1..=after).contains(&coarse),
            "{before} {coarse} {after}"
        );
        let manual = ManualClock::at_rfc3339("1969-12-31T23:59:59.5Z").unwrap();
        assert_eq!(
            manual.unix_seconds(),
            -1,
            "rounded down, as DateTime::timestamp"
        );
        manual.advance(Duration::from_secs(61));
        assert_eq!(manual.unix_seconds(), 60);
    }
}
