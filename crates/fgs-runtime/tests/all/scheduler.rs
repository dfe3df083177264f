//! The scheduler on the manual clock (issue 4, DESIGN §6): TIMER triggers (DECISIONS
//! "Triggers": Rate, six-field Cron, `@every`) fire at exact times, DISABLED ones do not,
//! updates take effect at once, deletions stop them, and reserved-instance `cron_configs`
//! (seed §5.10.1) change the effective count on schedule. No test sleeps.

use std::time::Duration;

use chrono::{DateTime, Utc};
use fgs_core::reserved::UpdateReservedInstancesRequest;
use fgs_core::trigger::UpdateTriggerRequest;
use fgs_runtime::Emulator;
use serde_json::{Value, json};

use crate::common::{emulator, emulator_with};
use crate::triggers::{alias, function, parse_req, publish, timer};

const MIN: u64 = 60;
const HOUR: u64 = 3600;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn create_timer(emu: &Emulator, urn: &str, data: Value, status: &str) -> String {
    let body = json!({"trigger_type_code": "TIMER", "event_type_code": "MessageCreated",
                      "trigger_status": status, "event_data": data});
    emu.create_trigger(urn, parse_req(body)).unwrap().trigger_id
}

fn set_status(emu: &Emulator, urn: &str, id: &str, status: &str) {
    let req = UpdateTriggerRequest {
        trigger_status: Some(status.to_owned()),
        ..Default::default()
    };
    emu.update_trigger(urn, "TIMER", id, req).unwrap();
}

/// The times of the delivered events, in order.
fn times(emu: &Emulator) -> Vec<DateTime<Utc>> {
    emu.fired_events().iter().map(|e| e.time).collect()
}

#[test]
fn rate_3m_over_a_simulated_day() {
    let (emu, clock) = emulator();
    let urn = function(&emu, "f");
    create_timer(&emu, &urn, timer("t", "Rate", "3m"), "ACTIVE");
    assert_eq!(emu.advance(Duration::from_secs(179)), 0);
    assert!(emu.fired_events().is_empty());
    // The timer job, then the async attempt it queued (issue 4).
    assert_eq!(emu.advance(Duration::from_secs(1)), 2);
    emu.advance(Duration::from_secs(24 * HOUR - 180));
    let t = times(&emu);
    assert_eq!(t.len(), 480);
    assert_eq!(t[0], at("2024-05-01T12:03:00Z"));
    assert_eq!(t[479], at("2024-05-02T12:00:00Z"));
    assert!(t.windows(2).all(|w| (w[1] - w[0]).num_seconds() == 180));
    assert_eq!(clock.now_rfc3339(), "2024-05-02T12:00:00+00:00");
    // Each event carries its own firing time.
    let events = emu.fired_events();
    assert_eq!(events[1].event["time"], "2024-05-01T12:06:00+00:00");
    assert!(
        events[0]
            .function_urn
            .ends_with(":function:default:f:latest")
    );
}

trait NowText {
    fn now_rfc3339(&self) -> String;
}

impl NowText for fgs_core::clock::ManualClock {
    fn now_rfc3339(&self) -> String {
        use fgs_core::clock::Clock as _;
        self.now().to_rfc3339()
    }
}

#[test]
fn cron_six_fields_fire_at_the_right_seconds() {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    create_timer(&emu, &urn, timer("c", "Cron", "15 0,30 * * * ?"), "ACTIVE");
    emu.advance(Duration::from_secs(2 * HOUR));
    assert_eq!(
        times(&emu),
        vec![
            at("2024-05-01T12:00:15Z"),
            at("2024-05-01T12:30:15Z"),
            at("2024-05-01T13:00:15Z"),
            at("2024-05-01T13:30:15Z"),
        ]
    );
}

#[test]
fn cron_reads_fields_in_the_configured_offset() {
    let (emu, _clock) = emulator_with(Emulator::builder().utc_offset_seconds(8 * 3600));
    let urn = function(&emu, "f");
    create_timer(&emu, &urn, timer("c", "Cron", "0 0 9 * * ?"), "ACTIVE");
    emu.advance(Duration::from_secs(24 * HOUR));
    let events = emu.fired_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].time, at("2024-05-02T01:00:00Z"));
    assert_eq!(events[0].event["time"], "2024-05-02T09:00:00+08:00");
}

#[test]
fn every_extension_fires_on_its_period() {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    create_timer(&emu, &urn, timer("e", "Cron", "@every 90s"), "ACTIVE");
    emu.advance(Duration::from_secs(10 * MIN));
    let t = times(&emu);
    assert_eq!(t.len(), 6);
    assert_eq!(t[0], at("2024-05-01T12:01:30Z"));
    assert_eq!(t[5], at("2024-05-01T12:09:00Z"));
}

#[test]
fn disabled_timers_do_not_fire_and_enabling_resumes() {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    let id = create_timer(&emu, &urn, timer("t", "Rate", "3m"), "DISABLED");
    emu.advance(Duration::from_secs(HOUR));
    assert!(emu.fired_events().is_empty());
    // Enabled at 13:00: the first firing is 3 minutes later.
    set_status(&emu, &urn, &id, "ACTIVE");
    emu.advance(Duration::from_secs(7 * MIN));
    assert_eq!(
        times(&emu),
        vec![at("2024-05-01T13:03:00Z"), at("2024-05-01T13:06:00Z")]
    );
    // Disabled at 13:07: nothing more; enabled again at 14:00: resumes from there.
    set_status(&emu, &urn, &id, "DISABLED");
    emu.advance(Duration::from_secs(53 * MIN));
    assert_eq!(emu.fired_events().len(), 2);
    set_status(&emu, &urn, &id, "ACTIVE");
    emu.advance(Duration::from_secs(3 * MIN));
    assert_eq!(times(&emu)[2], at("2024-05-01T14:03:00Z"));
    assert_eq!(emu.fired_events().len(), 3);
}

#[test]
fn a_disable_and_enable_before_the_next_firing_does_not_fire_twice() {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    let id = create_timer(&emu, &urn, timer("t", "Rate", "3m"), "ACTIVE");
    emu.advance(Duration::from_secs(MIN));
    set_status(&emu, &urn, &id, "DISABLED");
    set_status(&emu, &urn, &id, "ACTIVE");
    emu.advance(Duration::from_secs(5 * MIN));
    // The 12:03 job of the first registration is stale; the new one fires at 12:04.
    assert_eq!(times(&emu), vec![at("2024-05-01T12:04:00Z")]);
}

#[test]
fn updates_take_effect_at_once() {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    let id = create_timer(&emu, &urn, timer("t", "Rate", "3m"), "ACTIVE");
    emu.advance(Duration::from_secs(5 * MIN));
    assert_eq!(times(&emu), vec![at("2024-05-01T12:03:00Z")]);
    let req = UpdateTriggerRequest {
        event_data: Some(
            json!({"name": "t", "schedule_type": "Rate", "schedule": "10m",
                                "user_event": "new"}),
        ),
        ..Default::default()
    };
    emu.update_trigger(&urn, "TIMER", &id, req).unwrap();
    emu.advance(Duration::from_secs(25 * MIN));
    let events = emu.fired_events();
    let t: Vec<_> = events.iter().map(|e| e.time).collect();
    assert_eq!(
        t,
        vec![
            at("2024-05-01T12:03:00Z"),
            at("2024-05-01T12:15:00Z"),
            at("2024-05-01T12:25:00Z"),
        ]
    );
    assert_eq!(events[1].event["user_event"], "new");
}

#[test]
fn deleting_the_trigger_stops_it() {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    let id = create_timer(&emu, &urn, timer("t", "Rate", "3m"), "ACTIVE");
    emu.advance(Duration::from_secs(4 * MIN));
    emu.delete_trigger(&urn, "TIMER", &id).unwrap();
    emu.advance(Duration::from_secs(HOUR));
    assert_eq!(emu.fired_events().len(), 1);
    assert_eq!(
        emu.scheduled_jobs(),
        0,
        "the stale job was dropped when due"
    );
}

#[test]
fn deleting_the_version_or_the_function_stops_its_timers() {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    publish(&emu, &urn, "v1");
    create_timer(
        &emu,
        &format!("{urn}:v1"),
        timer("onv1", "Rate", "3m"),
        "ACTIVE",
    );
    let g = function(&emu, "g");
    create_timer(&emu, &g, timer("ong", "Rate", "5m"), "ACTIVE");
    emu.advance(Duration::from_secs(5 * MIN));
    assert_eq!(emu.fired_events().len(), 2);
    assert!(emu.fired_events()[0].function_urn.ends_with(":f:v1"));
    emu.delete_function(&format!("{urn}:v1")).unwrap();
    emu.delete_function(&g).unwrap();
    emu.advance(Duration::from_secs(HOUR));
    assert_eq!(emu.fired_events().len(), 2);
    assert_eq!(emu.scheduled_jobs(), 0);
}

#[test]
fn a_timer_on_an_alias_fires_the_alias() {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    publish(&emu, &urn, "v1");
    alias(&emu, &urn, "prod", "v1");
    create_timer(
        &emu,
        &format!("{urn}:!prod"),
        timer("a", "Rate", "1m"),
        "ACTIVE",
    );
    emu.advance(Duration::from_secs(MIN));
    assert!(emu.fired_events()[0].function_urn.ends_with(":f:!prod"));
}

#[test]
fn two_timers_interleave_in_order() {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    create_timer(&emu, &urn, timer("a", "Rate", "2m"), "ACTIVE");
    create_timer(&emu, &urn, timer("b", "Rate", "3m"), "ACTIVE");
    emu.advance(Duration::from_secs(12 * MIN));
    let order: Vec<(i64, String)> = emu
        .fired_events()
        .iter()
        .map(|e| {
            let mins = (e.time - at("2024-05-01T12:00:00Z")).num_minutes();
            (mins, e.event["trigger_name"].as_str().unwrap().to_owned())
        })
        .collect();
    let expected: Vec<(i64, String)> = [
        (2, "a"),
        (3, "b"),
        (4, "a"),
        (6, "b"), // both due at 12:06: b's job was queued first (at 12:03)
        (6, "a"),
        (8, "a"),
        (9, "b"),
        (10, "a"),
        (12, "b"),
        (12, "a"),
    ]
    .iter()
    .map(|(m, n)| (*m, (*n).to_owned()))
    .collect();
    assert_eq!(order, expected);
}

#[test]
fn manual_clock_emulators_have_no_background_thread() {
    let (emu, _clock) = emulator();
    assert!(!emu.scheduler_thread_running());
}

#[test]
fn system_clock_emulator_runs_a_driver_until_dropped() {
    let emu = Emulator::builder().seed(1).build().unwrap();
    assert!(emu.scheduler_thread_running());
    let copy = emu.clone();
    drop(emu);
    assert!(copy.scheduler_thread_running(), "a clone keeps it alive");
    let off = Emulator::builder()
        .background_scheduler(false)
        .build()
        .unwrap();
    assert!(!off.scheduler_thread_running());
}

fn reserved(emu: &Emulator, urn: &str, body: Value) {
    let req: UpdateReservedInstancesRequest = serde_json::from_value(body).unwrap();
    emu.update_reserved_instances(urn, req).unwrap();
}

#[test]
fn cron_configs_change_the_effective_reserved_count_on_schedule() {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    assert_eq!(emu.effective_reserved_count(&urn).unwrap(), 0);
    reserved(
        &emu,
        &urn,
        json!({"count": 1, "tactics_config": {"cron_configs": [
            {"name": "up", "cron": "0 0 13 * * ?", "count": 5},
            {"name": "down", "cron": "0 0 14 * * ?", "count": 2}
        ]}}),
    );
    assert_eq!(emu.effective_reserved_count(&urn).unwrap(), 1);
    emu.advance(Duration::from_secs(HOUR - 1));
    assert_eq!(emu.effective_reserved_count(&urn).unwrap(), 1);
    emu.advance(Duration::from_secs(1));
    assert_eq!(emu.effective_reserved_count(&urn).unwrap(), 5, "13:00");
    emu.advance(Duration::from_secs(HOUR));
    assert_eq!(emu.effective_reserved_count(&urn).unwrap(), 2, "14:00");
    emu.advance(Duration::from_secs(23 * HOUR));
    assert_eq!(
        emu.effective_reserved_count(&urn).unwrap(),
        5,
        "13:00 next day"
    );
    // A new PUT replaces the policies and starts from its own count.
    reserved(&emu, &urn, json!({"count": 3}));
    assert_eq!(emu.effective_reserved_count(&urn).unwrap(), 3);
    emu.advance(Duration::from_secs(2 * HOUR));
    assert_eq!(emu.effective_reserved_count(&urn).unwrap(), 3);
}

#[test]
fn cron_configs_respect_start_and_expired_time() {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    let epoch = |s: &str| at(s).timestamp();
    reserved(
        &emu,
        &urn,
        json!({"count": 1, "tactics_config": {"cron_configs": [
            {"name": "p", "cron": "0 0 * * * ?", "count": 4,
             "start_time": epoch("2024-05-01T14:00:00Z"),
             "expired_time": epoch("2024-05-01T15:30:00Z")}
        ]}}),
    );
    emu.advance(Duration::from_secs(HOUR));
    assert_eq!(
        emu.effective_reserved_count(&urn).unwrap(),
        1,
        "13:00: before start"
    );
    emu.advance(Duration::from_secs(HOUR));
    assert_eq!(emu.effective_reserved_count(&urn).unwrap(), 4, "14:00");
    emu.advance(Duration::from_secs(HOUR + 30 * MIN));
    assert_eq!(
        emu.effective_reserved_count(&urn).unwrap(),
        1,
        "15:30: expired"
    );
    emu.advance(Duration::from_secs(3 * HOUR));
    assert_eq!(emu.effective_reserved_count(&urn).unwrap(), 1);
    assert_eq!(emu.scheduled_jobs(), 0);
}

#[test]
fn cron_configs_act_per_qualifier() {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    publish(&emu, &urn, "v1");
    let v1 = format!("{urn}:v1");
    reserved(
        &emu,
        &v1,
        json!({"count": 0, "tactics_config": {"cron_configs": [
            {"cron": "0 30 12 * * ?", "count": 2}]}}),
    );
    emu.advance(Duration::from_secs(30 * MIN));
    assert_eq!(emu.effective_reserved_count(&v1).unwrap(), 2);
    assert_eq!(
        emu.effective_reserved_count(&urn).unwrap(),
        0,
        "latest untouched"
    );
    crate::common::assert_code(
        emu.effective_reserved_count(&format!("{urn}:v9")),
        "FSS.1052",
        404,
    );
}

#[test]
fn a_cron_policy_pre_warms_the_instances_it_reserves() {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    reserved(
        &emu,
        &urn,
        json!({"count": 0, "tactics_config": {"cron_configs": [
            {"name": "up", "cron": "0 0 13 * * ?", "count": 2}
        ]}}),
    );
    // Before 13:00 nothing is reserved: the first call starts an instance.
    let first = emu.invoke(&urn, b"{}").unwrap();
    assert!(first.cold_start);
    emu.reclaim_idle(); // nothing idle long enough yet: the warm instance stays
    emu.advance(Duration::from_secs(HOUR));
    assert_eq!(emu.effective_reserved_count(&urn).unwrap(), 2);
    // Two instances are warm now: two calls at once would both be warm; sequential ones
    // are warm too, and reclaiming idle instances keeps the reserved ones.
    emu.advance(Duration::from_secs(HOUR));
    emu.reclaim_idle();
    let calls: Vec<bool> = (0..3)
        .map(|_| emu.invoke(&urn, b"{}").unwrap().cold_start)
        .collect();
    assert_eq!(calls, [false, false, false]);
}
