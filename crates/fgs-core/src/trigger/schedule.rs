//! The TIMER schedule dialect (seed §1.6.2 Table 1-16, DECISIONS "Triggers"), parsed into a
//! typed [`Schedule`] that the scheduler asks for the next firing time.
//!
//! - **Rate** (`schedule_type: "Rate"`): a number and a unit, `m` (1..60 minutes), `h`
//!   (1..24 hours) or `d` (1..30 days), e.g. `3m`, `1d`.
//! - **Cron** (`schedule_type: "Cron"`): six fields, `second minute hour day-of-month month
//!   day-of-week`, parsed by the `cron` crate (Quartz style: `?` is accepted in the two day
//!   fields, days of the week run 1..7 from Sunday or `SUN`..`SAT`). Shorthands such as
//!   `@daily` and the optional seventh (year) field are refused: exactly six fields.
//! - **`@every <duration>`** (an emulator extension, marked as such; accepted with either
//!   schedule type): a Go-style duration made of `<n>h`, `<n>m` and `<n>s` parts, e.g.
//!   `@every 90s`, `@every 1h30m`; 1 second to 30 days.
//!
//! Anything else is 400 FSS.1109.
//!
//! ```
//! use chrono::{DateTime, Utc};
//! use fgs_core::trigger::{Schedule, ScheduleType};
//! let t: DateTime<Utc> = "2024-05-01T12:00:00Z".parse().unwrap();
//! let rate = Schedule::parse(ScheduleType::Rate, "3m")?;
//! assert_eq!(rate.next_after(t), Some("2024-05-01T12:03:00Z".parse().unwrap()));
//! let cron = Schedule::parse(ScheduleType::Cron, "0 30 * * * ?")?;
//! assert_eq!(cron.next_after(t), Some("2024-05-01T12:30:00Z".parse().unwrap()));
//! let every = Schedule::parse(ScheduleType::Cron, "@every 1h30m")?;
//! assert_eq!(every.next_after(t), Some("2024-05-01T13:30:00Z".parse().unwrap()));
//! # Ok::<(), fgs_core::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike as _, FixedOffset, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, Result};

/// `schedule_type` of a TIMER trigger (seed Table 1-16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ScheduleType {
    /// A fixed rate, `<n>m|h|d`.
    Rate,
    /// A six-field cron expression.
    Cron,
}

impl ScheduleType {
    /// The seed's spelling, `Rate` or `Cron`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleType::Rate => "Rate",
            ScheduleType::Cron => "Cron",
        }
    }

    /// Parses the seed's spelling (exact case); anything else is FSS.1109.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "Rate" => Ok(ScheduleType::Rate),
            "Cron" => Ok(ScheduleType::Cron),
            other => Err(ErrorKind::InvalidTimerTrigger.with(format!(
                "TIMER trigger: event_data.schedule_type '{other}' is not Rate or Cron"
            ))),
        }
    }
}

/// The unit of a Rate schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateUnit {
    /// `m`: minutes, 1..60.
    Minutes,
    /// `h`: hours, 1..24.
    Hours,
    /// `d`: days, 1..30.
    Days,
}

impl RateUnit {
    /// The largest amount of this unit a Rate accepts.
    pub fn max(self) -> u32 {
        match self {
            RateUnit::Minutes => 60,
            RateUnit::Hours => 24,
            RateUnit::Days => 30,
        }
    }

    /// Seconds in one unit.
    fn seconds(self) -> i64 {
        match self {
            RateUnit::Minutes => 60,
            RateUnit::Hours => 3600,
            RateUnit::Days => 86_400,
        }
    }
}

/// A parsed TIMER schedule. Compare with `==` on the source text.
#[derive(Clone)]
pub enum Schedule {
    /// Every `amount` units (`3m`, `1d`).
    Rate {
        /// How many units.
        amount: u32,
        /// Which unit.
        unit: RateUnit,
    },
    /// A six-field cron expression.
    Cron(CronSchedule),
    /// `@every <duration>` (emulator extension).
    Every(TimeDelta),
}

/// A parsed six-field cron expression and its text.
#[derive(Clone)]
pub struct CronSchedule {
    source: String,
    inner: Box<cron::Schedule>,
}

impl CronSchedule {
    /// The expression as given (fields separated by single spaces).
    pub fn source(&self) -> &str {
        &self.source
    }
}

impl fmt::Debug for CronSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CronSchedule").field(&self.source).finish()
    }
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schedule({self})")
    }
}

impl fmt::Display for Schedule {
    /// The canonical text: `3m`, the cron fields, or `@every <seconds>s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::Rate { amount, unit } => {
                let u = match unit {
                    RateUnit::Minutes => 'm',
                    RateUnit::Hours => 'h',
                    RateUnit::Days => 'd',
                };
                write!(f, "{amount}{u}")
            }
            Schedule::Cron(c) => f.write_str(&c.source),
            Schedule::Every(d) => write!(f, "@every {}s", d.num_seconds()),
        }
    }
}

impl PartialEq for Schedule {
    /// The same canonical text (see `Display`), compared without formatting it: duplicate
    /// checks compare a new TIMER with each existing one.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Schedule::Rate { amount, unit },
                Schedule::Rate {
                    amount: other_amount,
                    unit: other_unit,
                },
            ) => amount == other_amount && unit == other_unit,
            (Schedule::Cron(a), Schedule::Cron(b)) => a.source == b.source,
            (Schedule::Every(a), Schedule::Every(b)) => a.num_seconds() == b.num_seconds(),
            _ => false,
        }
    }
}

impl Eq for Schedule {}

/// The shortest and longest `@every` durations (emulator extension).
const EVERY_MIN_SECONDS: i64 = 1;
const EVERY_MAX_SECONDS: i64 = 30 * 86_400;

impl Schedule {
    /// Parses `schedule` for a `schedule_type`; every defect is FSS.1109 naming the input.
    pub fn parse(schedule_type: ScheduleType, schedule: &str) -> Result<Schedule> {
        let text = schedule.trim();
        if let Some(rest) = text.strip_prefix("@every") {
            return parse_every(schedule, rest);
        }
        match schedule_type {
            ScheduleType::Rate => parse_rate(schedule),
            ScheduleType::Cron => parse_cron(schedule),
        }
    }

    /// The next firing time strictly after `t`, with cron fields read in UTC. For Rate and
    /// `@every` schedules that is `t` plus the period: the scheduler passes the previous
    /// firing (or the time the trigger was created or enabled). `None` when a cron
    /// expression never fires again.
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.next_after_in(t, FixedOffset::east_opt(0)?)
    }

    /// Like [`Schedule::next_after`], with the cron fields read in the given UTC offset
    /// (the emulator's configured offset; Rate and `@every` do not depend on it).
    pub fn next_after_in(&self, t: DateTime<Utc>, offset: FixedOffset) -> Option<DateTime<Utc>> {
        match self {
            Schedule::Cron(c) => cron_next_after(&c.inner, t, offset),
            other => t.checked_add_signed(other.period()?),
        }
    }

    /// The fixed period of a Rate or `@every` schedule; `None` for cron.
    pub fn period(&self) -> Option<TimeDelta> {
        match self {
            Schedule::Rate { amount, unit } => {
                TimeDelta::try_seconds(i64::from(*amount) * unit.seconds())
            }
            Schedule::Every(d) => Some(*d),
            Schedule::Cron(_) => None,
        }
    }

    /// Every firing time in `(from, to]`, at most `limit` of them.
    pub fn firings_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: usize,
    ) -> Vec<DateTime<Utc>> {
        let mut out = Vec::new();
        let mut t = from;
        while out.len() < limit {
            match self.next_after(t) {
                Some(next) if next <= to => {
                    out.push(next);
                    t = next;
                }
                _ => break,
            }
        }
        out
    }
}

/// The last year a cron expression can fire in (the `cron` crate's years end there).
const CRON_LAST_YEAR: i32 = 2100;

/// The next firing of a cron `schedule` strictly after `t`, its fields read in `offset`;
/// `None` when there is none. Past the year 2100 (local) there is none: the answer is `None`
/// without asking the `cron` crate, which adds a second to `t` first and so panics at the
/// last instant chrono can represent (found by the `schedule` fuzz target).
pub fn cron_next_after(
    schedule: &cron::Schedule,
    t: DateTime<Utc>,
    offset: FixedOffset,
) -> Option<DateTime<Utc>> {
    let local = t.with_timezone(&offset);
    if local.year() > CRON_LAST_YEAR {
        return None;
    }
    schedule.after(&local).next().map(|d| d.with_timezone(&Utc))
}

fn bad(schedule: &str, why: impl fmt::Display) -> crate::Error {
    ErrorKind::InvalidTimerTrigger.with(format!(
        "TIMER trigger: event_data.schedule '{schedule}' {why}"
    ))
}

/// `<n>m` (1..60), `<n>h` (1..24), `<n>d` (1..30).
fn parse_rate(schedule: &str) -> Result<Schedule> {
    let why = "is not a Rate: a number and a unit m (1..60), h (1..24) or d (1..30), e.g. 3m";
    let Some(last) = schedule.chars().last() else {
        return Err(bad(schedule, why));
    };
    let unit = match last {
        'm' => RateUnit::Minutes,
        'h' => RateUnit::Hours,
        'd' => RateUnit::Days,
        _ => return Err(bad(schedule, why)),
    };
    let digits = &schedule[..schedule.len() - 1];
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(schedule, why));
    }
    let amount: u32 = digits.parse().map_err(|_| bad(schedule, why))?;
    if amount == 0 || amount > unit.max() {
        return Err(bad(
            schedule,
            format_args!("is out of range: {last} takes 1..{}", unit.max()),
        ));
    }
    Ok(Schedule::Rate { amount, unit })
}

/// Exactly six whitespace-separated fields, then the `cron` crate.
fn parse_cron(schedule: &str) -> Result<Schedule> {
    let fields: Vec<&str> = schedule.split_whitespace().collect();
    if fields.len() != 6 {
        return Err(bad(
            schedule,
            format_args!(
                "has {} fields; a Cron schedule has six: second minute hour day-of-month \
                 month day-of-week",
                fields.len()
            ),
        ));
    }
    let source = fields.join(" ");
    let inner = cron::Schedule::from_str(&source).map_err(|e| {
        bad(
            schedule,
            format_args!("is not a valid cron expression: {e}"),
        )
    })?;
    Ok(Schedule::Cron(CronSchedule {
        source,
        inner: Box::new(inner),
    }))
}

/// `@every` followed by `<n>h`, `<n>m`, `<n>s` parts (in any order, each at most once).
fn parse_every(schedule: &str, rest: &str) -> Result<Schedule> {
    let why = "is not '@every <duration>' with parts like 1h, 30m, 90s (1s to 30d)";
    let body = rest.trim();
    if body.is_empty() || !rest.starts_with(char::is_whitespace) {
        return Err(bad(schedule, why));
    }
    let mut total: i64 = 0;
    let mut number = String::new();
    let mut seen = String::new();
    for c in body.chars() {
        if c.is_ascii_digit() {
            if number.len() >= 9 {
                return Err(bad(schedule, why));
            }
            number.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad(schedule, why)),
        };
        if number.is_empty() || seen.contains(c) {
            return Err(bad(schedule, why));
        }
        seen.push(c);
        let n: i64 = number.parse().map_err(|_| bad(schedule, why))?;
        total = total.saturating_add(n.saturating_mul(unit));
        number.clear();
    }
    if !number.is_empty() || !(EVERY_MIN_SECONDS..=EVERY_MAX_SECONDS).contains(&total) {
        return Err(bad(schedule, why));
    }
    let period = TimeDelta::try_seconds(total).ok_or_else(|| bad(schedule, why))?;
    Ok(Schedule::Every(period))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn equality_is_equality_of_the_canonical_text() {
        let schedules: Vec<Schedule> = [
            (ScheduleType::Rate, "1h"),
            (ScheduleType::Rate, "60m"),
            (ScheduleType::Rate, "3m"),
            (ScheduleType::Cron, "0 0 * * * ?"),
            (ScheduleType::Cron, "0  0 * * *  ?"),
            (ScheduleType::Cron, "0 5 * * * ?"),
            (ScheduleType::Cron, "@every 90s"),
            (ScheduleType::Cron, "@every 1m30s"),
            (ScheduleType::Cron, "@every 2m"),
        ]
        .into_iter()
        .map(|(ty, text)| Schedule::parse(ty, text).unwrap())
        .collect();
        let mut equal_pairs = 0;
        for a in &schedules {
            for b in &schedules {
                assert_eq!(a == b, a.to_string() == b.to_string(), "{a} vs {b}");
                equal_pairs += usize::from(a == b);
            }
        }
        // Each with itself, plus the two cron spellings and the two `@every 90s` both ways.
        assert_eq!(equal_pairs, schedules.len() + 4);
    }

    #[test]
    fn rate_units_and_ranges() {
        for (text, secs) in [("1m", 60), ("60m", 3600), ("1h", 3600), ("24h", 86_400)] {
            let s = Schedule::parse(ScheduleType::Rate, text).unwrap();
            assert_eq!(s.period(), TimeDelta::try_seconds(secs), "{text}");
            assert_eq!(s.to_string(), text);
        }
        assert_eq!(
            Schedule::parse(ScheduleType::Rate, "30d").unwrap().period(),
            TimeDelta::try_days(30)
        );
        for bad in [
            "",
            "m",
            "0m",
            "61m",
            "0h",
            "25h",
            "0d",
            "31d",
            "3",
            "3s",
            "3M",
            "-3m",
            "+3m",
            " 3m",
            "3 m",
            "1.5h",
            "99999999999m",
            "3mm",
            "é",
            "3é",
        ] {
            let err = Schedule::parse(ScheduleType::Rate, bad).unwrap_err();
            assert_eq!(err.code(), "FSS.1109", "{bad:?}");
        }
    }

    #[test]
    fn cron_needs_six_fields() {
        for ok in [
            "0 * * * * *",
            "0 0 12 ? * MON",
            "0 */5 * * * ?",
            "30 15 10 1 * ?",
        ] {
            Schedule::parse(ScheduleType::Cron, ok).unwrap();
        }
        for bad in [
            "* * * * *",
            "0 0 0 * * * 2030",
            "@daily",
            "@hourly",
            "0 0 25 * * *",
            "0 0 0 ? * ?x",
            "? * * * * *",
            "0 */0 * * * *",
            "0 0 0 32 * *",
            "0 0 0 * 13 *",
            "0 0 0 * * 8",
            "99999999999 * * * * *",
            "",
            "a b c d e f",
        ] {
            let err = Schedule::parse(ScheduleType::Cron, bad).unwrap_err();
            assert_eq!(err.code(), "FSS.1109", "{bad:?}");
        }
    }

    #[test]
    fn every_extension() {
        let cases = [
            ("@every 90s", 90),
            ("@every 1h30m", 5400),
            ("@every 30m1s", 1801),
        ];
        for (text, secs) in cases {
            for ty in [ScheduleType::Rate, ScheduleType::Cron] {
                let s = Schedule::parse(ty, text).unwrap();
                assert_eq!(s.period(), TimeDelta::try_seconds(secs), "{text}");
            }
        }
        for bad in [
            "@every",
            "@every ",
            "@every0s",
            "@every 0s",
            "@every 31d",
            "@every 1d",
            "@every 5",
            "@every m",
            "@every 1m1m",
            "@every 1.5h",
            "@every -1m",
            "@every 999999999h",
        ] {
            let err = Schedule::parse(ScheduleType::Cron, bad).unwrap_err();
            assert_eq!(err.code(), "FSS.1109", "{bad:?}");
        }
    }

    /// A simulated day: a 3m Rate fires 480 times from midnight to midnight.
    #[test]
    fn rate_over_a_simulated_day() {
        let s = Schedule::parse(ScheduleType::Rate, "3m").unwrap();
        let start = at("2024-05-01T00:00:00Z");
        let fires = s.firings_between(start, at("2024-05-02T00:00:00Z"), 10_000);
        assert_eq!(fires.len(), 480);
        assert_eq!(fires[0], at("2024-05-01T00:03:00Z"));
        assert_eq!(fires[479], at("2024-05-02T00:00:00Z"));
        assert!(
            fires
                .windows(2)
                .all(|w| w[1] - w[0] == TimeDelta::minutes(3))
        );
        let daily = Schedule::parse(ScheduleType::Rate, "1d").unwrap();
        assert_eq!(
            daily.firings_between(start, at("2024-05-02T00:00:00Z"), 10),
            vec![at("2024-05-02T00:00:00Z")]
        );
    }

    /// A simulated day: cron at minute 0 and 30 of hours 9..17 on weekdays, with seconds.
    #[test]
    fn cron_over_a_simulated_day() {
        let s = Schedule::parse(ScheduleType::Cron, "15 0,30 9-17 ? * MON-FRI").unwrap();
        // 2024-05-01 is a Wednesday.
        let fires = s.firings_between(at("2024-05-01T00:00:00Z"), at("2024-05-02T00:00:00Z"), 1000);
        assert_eq!(fires.len(), 18);
        assert_eq!(fires[0], at("2024-05-01T09:00:15Z"));
        assert_eq!(fires[1], at("2024-05-01T09:30:15Z"));
        assert_eq!(fires[17], at("2024-05-01T17:30:15Z"));
        // Saturday: none.
        let sat = s.firings_between(at("2024-05-04T00:00:00Z"), at("2024-05-05T00:00:00Z"), 10);
        assert!(sat.is_empty());
        // In UTC+8 the same fields fire 8 hours earlier in UTC.
        let cst = FixedOffset::east_opt(8 * 3600).unwrap();
        assert_eq!(
            s.next_after_in(at("2024-05-01T00:00:00Z"), cst),
            Some(at("2024-05-01T01:00:15Z"))
        );
    }

    #[test]
    fn no_firing_after_the_last_instant() {
        // Regression (fuzz target `schedule`): the cron crate adds one second to the instant
        // it starts from, which overflowed (a panic) at chrono's last instant.
        let end = DateTime::<Utc>::MAX_UTC;
        let near = end - TimeDelta::milliseconds(500);
        let east = FixedOffset::east_opt(14 * 3600).unwrap();
        for text in ["* * * * * ?", "0 0 0 1 1 ?"] {
            let cron = Schedule::parse(ScheduleType::Cron, text).unwrap();
            assert_eq!(cron.next_after(end), None);
            assert_eq!(cron.next_after(near), None);
            assert_eq!(cron.next_after_in(end, east), None);
            assert!(cron.firings_between(near, end, 5).is_empty());
        }
        let last: DateTime<Utc> = "2100-12-31T23:59:58Z".parse().unwrap();
        let every_second = Schedule::parse(ScheduleType::Cron, "* * * * * ?").unwrap();
        assert_eq!(
            every_second.next_after(last),
            Some(last + TimeDelta::seconds(1))
        );
        assert_eq!(every_second.next_after(last + TimeDelta::seconds(1)), None);
        let rate = Schedule::parse(ScheduleType::Rate, "3m").unwrap();
        assert_eq!(rate.next_after(end), None);
    }

    #[test]
    fn cron_that_never_fires_gives_none() {
        let s = Schedule::parse(ScheduleType::Cron, "0 0 0 30 2 ?").unwrap();
        assert_eq!(s.next_after(at("2024-05-01T00:00:00Z")), None);
    }
}
