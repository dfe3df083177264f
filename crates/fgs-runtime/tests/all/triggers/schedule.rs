//! The parsed TIMER schedule (DECISIONS "Triggers") read back from created triggers: next
//! firing times over a simulated day for Rate, Cron and `@every`.

use chrono::{DateTime, TimeDelta, Utc};

use super::{create, function, timer};
use crate::common::emulator;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Steps `next_after` from `from` until `to`, as a scheduler would.
fn day_of_firings(t: &fgs_core::trigger::Trigger, from: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let schedule = t.schedule().expect("a TIMER has a schedule");
    let end = from + TimeDelta::days(1);
    let mut out = Vec::new();
    let mut last = from;
    while let Some(next) = schedule.next_after(last) {
        if next > end {
            break;
        }
        out.push(next);
        last = next;
    }
    out
}

#[test]
fn rate_fires_every_period_from_creation() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let t = create(&emu, &urn, "TIMER", timer("every-3m", "Rate", "3m"));
    let fires = day_of_firings(&t, t.created_at);
    assert_eq!(fires.len(), 480);
    assert_eq!(fires[0], at("2024-05-01T12:03:00Z"));
    assert_eq!(*fires.last().unwrap(), at("2024-05-02T12:00:00Z"));
    let hourly = create(&emu, &urn, "TIMER", timer("every-2h", "Rate", "2h"));
    assert_eq!(day_of_firings(&hourly, hourly.created_at).len(), 12);
    let daily = create(&emu, &urn, "TIMER", timer("daily", "Rate", "1d"));
    assert_eq!(
        day_of_firings(&daily, daily.created_at),
        vec![at("2024-05-02T12:00:00Z")]
    );
}

#[test]
fn cron_fires_on_its_fields_with_seconds() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    // Every 15 minutes at second 30, from 08:00 to 11:45 (UTC).
    let t = create(
        &emu,
        &urn,
        "TIMER",
        timer("quarterly", "Cron", "30 */15 8-11 * * ?"),
    );
    let midnight = at("2024-05-01T00:00:00Z");
    let fires = day_of_firings(&t, midnight);
    assert_eq!(fires.len(), 16);
    assert_eq!(fires[0], at("2024-05-01T08:00:30Z"));
    assert_eq!(fires[15], at("2024-05-01T11:45:30Z"));
    // Wednesday 2024-05-01: a Monday-only cron fires on the 6th.
    let monday = create(
        &emu,
        &urn,
        "TIMER",
        timer("monday", "Cron", "0 0 9 ? * MON"),
    );
    let schedule = monday.schedule().unwrap();
    assert_eq!(
        schedule.next_after(midnight),
        Some(at("2024-05-06T09:00:00Z"))
    );
    assert!(day_of_firings(&monday, midnight).is_empty());
}

#[test]
fn every_extension_fires_on_its_duration() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let t = create(&emu, &urn, "TIMER", timer("ninety", "Cron", "@every 1h30m"));
    let fires = day_of_firings(&t, t.created_at);
    assert_eq!(fires.len(), 16);
    assert_eq!(fires[0], at("2024-05-01T13:30:00Z"));
}
