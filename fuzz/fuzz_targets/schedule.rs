//! The TIMER schedule parser (seed Table 1-16: Rate and Cron, plus `@every`): a schedule that
//! parses prints a canonical text that reparses equal, and its next firing after any instant
//! is strictly later, as are the ones after it (never a panic near the end of time).
#![no_main]

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use fgs_core::trigger::{Schedule, ScheduleType};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Byte 0: the type; bytes 1..9: the instant; byte 9: the offset; the rest: the text.
    if data.len() < 10 {
        return;
    }
    let schedule_type = if data[0] & 1 == 0 {
        ScheduleType::Rate
    } else {
        ScheduleType::Cron
    };
    let secs = i64::from_le_bytes(data[1..9].try_into().unwrap());
    // Every representable instant, the far ends included.
    let span = DateTime::<Utc>::MAX_UTC.timestamp() - DateTime::<Utc>::MIN_UTC.timestamp();
    let now = DateTime::<Utc>::MIN_UTC + TimeDelta::seconds(secs.rem_euclid(span.max(1)));
    let offset = FixedOffset::east_opt((i32::from(data[9]) - 128) * 600).unwrap();
    let Ok(text) = std::str::from_utf8(&data[10..]) else {
        return;
    };
    let schedule = match Schedule::parse(schedule_type, text) {
        Ok(s) => s,
        Err(e) => {
            assert_eq!(e.code(), "FSS.1109", "{text:?}: {e}");
            return;
        }
    };
    // The canonical text reparses to an equal schedule.
    let canonical = schedule.to_string();
    let again = Schedule::parse(schedule_type, &canonical)
        .unwrap_or_else(|e| panic!("{text:?} printed as {canonical:?}, which fails: {e}"));
    assert_eq!(again, schedule, "{text:?}");
    if let Some(period) = schedule.period() {
        assert!(period >= TimeDelta::seconds(1) && period <= TimeDelta::days(30));
    }
    // Strictly increasing firings, in UTC and in the configured offset.
    let mut t = now;
    for _ in 0..3 {
        match schedule.next_after(t) {
            Some(next) => {
                assert!(next > t, "{text:?}: next after {t} is {next}");
                t = next;
            }
            None => break,
        }
    }
    if let Some(next) = schedule.next_after_in(now, offset) {
        assert!(
            next > now,
            "{text:?} at {offset}: next after {now} is {next}"
        );
    }
    let window = now
        .checked_add_signed(TimeDelta::days(2))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let firings = schedule.firings_between(now, window, 5);
    assert!(firings.windows(2).all(|w| w[0] < w[1]));
    assert!(firings.iter().all(|f| *f > now && *f <= window));
});
