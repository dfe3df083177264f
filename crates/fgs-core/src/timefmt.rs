//! The time formats of the API. Each resource keeps the seed's type (DECISIONS "Time fields"):
//! RFC 3339 with offset for functions, versions, aliases, triggers and async configs
//! ([`rfc3339`]); epoch seconds for test events and dependencies ([`epoch_seconds`]); UTC
//! without offset for async records ([`utc_naive`]); epoch milliseconds for metrics
//! ([`epoch_millis`]); and the `vYYYYMMDD-HHMMSS` name of a published version
//! ([`version_name`]).
//!
//! ```
//! use chrono::{DateTime, FixedOffset};
//! use fgs_core::timefmt;
//! let t = DateTime::from_timestamp(1_571_989_047, 0).unwrap();
//! let cst = FixedOffset::east_opt(8 * 3600).unwrap();
//! assert_eq!(timefmt::rfc3339(t, cst), "2019-10-25T15:37:27+08:00");
//! assert_eq!(timefmt::utc_naive(t), "2019-10-25T07:37:27");
//! assert_eq!(timefmt::version_name(t, cst), "v20191025-153727");
//! assert_eq!(timefmt::epoch_seconds(t), 1_571_989_047);
//! ```

use chrono::{DateTime, FixedOffset, Utc};

/// RFC 3339 with the given offset and whole seconds: `2019-10-25T15:37:27+08:00`.
pub fn rfc3339(t: DateTime<Utc>, offset: FixedOffset) -> String {
    t.with_timezone(&offset)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// UTC without offset: `2019-10-25T07:37:27` (async records, seed §5.13.5).
pub fn utc_naive(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Parses a [`utc_naive`] time.
pub fn parse_utc_naive(s: &str) -> Option<DateTime<Utc>> {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .map(|n| n.and_utc())
}

/// Whole seconds since the Unix epoch.
pub fn epoch_seconds(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// Milliseconds since the Unix epoch.
pub fn epoch_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The name the platform gives a published version: `v` + `YYYYMMDD-HHMMSS` in local time
/// (seed §1.6.1).
pub fn version_name(t: DateTime<Utc>, offset: FixedOffset) -> String {
    t.with_timezone(&offset)
        .format("v%Y%m%d-%H%M%S")
        .to_string()
}
