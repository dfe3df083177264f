//! Crashes: an emulator dropped with no shutdown step, reopened on the same directory.
//! Accepted async requests reach a final status; TIMER triggers resume on schedule and never
//! fire a tick twice.

use std::time::Duration;

use chrono::{DateTime, Utc};
use fgs_core::async_record::AsyncStatus;
use fgs_runtime::Emulator;
use serde_json::json;

use super::{clock, durable, echo_function};
use crate::common::{body, create_function};

fn status(emu: &Emulator, id: &str) -> AsyncStatus {
    emu.get_async_invocation(id).unwrap().status
}

#[test]
fn a_queued_request_runs_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let id = {
        let emu = durable(dir.path(), &clock);
        let urn = echo_function(&emu, "echo");
        emu.invoke_async(&urn, json!({"k": 1})).unwrap().request_id
        // crash: dropped before the attempt ran
    };
    let emu = durable(dir.path(), &clock);
    assert_eq!(status(&emu, &id), AsyncStatus::Wait);
    assert_eq!(emu.pending_async_invocations(), 1);
    emu.run_due();
    assert_eq!(status(&emu, &id), AsyncStatus::Success);
    // And that final status is itself durable.
    drop(emu);
    let emu = durable(dir.path(), &clock);
    assert_eq!(status(&emu, &id), AsyncStatus::Success);
    assert_eq!(emu.pending_async_invocations(), 0);
}

#[test]
fn retries_carry_over_a_crash_between_attempts() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let (urn, id) = {
        let emu = durable(dir.path(), &clock);
        // Python code cannot run here: every attempt fails.
        let urn = create_function(&emu, "py");
        emu.put_async_invoke_config(&urn, body(json!({"max_async_retry_attempts": 2})))
            .unwrap();
        let id = emu.invoke_async(&urn, json!({})).unwrap().request_id;
        emu.run_due(); // attempt 1 fails; retry 1 is due in 1 s
        assert_eq!(status(&emu, &id), AsyncStatus::Wait);
        (urn, id)
    };
    let emu = durable(dir.path(), &clock);
    assert_eq!(status(&emu, &id), AsyncStatus::Wait);
    emu.run_due(); // attempt 2 (retry 1) fails: one retry left, due in 2 s
    assert_eq!(status(&emu, &id), AsyncStatus::Wait);
    emu.advance(Duration::from_secs(2)); // attempt 3 fails: retries exhausted
    assert_eq!(status(&emu, &id), AsyncStatus::Fail);
    let records = emu.list_async_invocations(&urn, &body(json!({}))).unwrap();
    assert_eq!(records.invocations.len(), 1);
}

#[test]
fn event_age_carries_over_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let id = {
        let emu = durable(dir.path(), &clock);
        let urn = echo_function(&emu, "echo");
        emu.put_async_invoke_config(&urn, body(json!({"max_async_event_age_in_seconds": 60})))
            .unwrap();
        emu.invoke_async(&urn, json!({})).unwrap().request_id
    };
    // Down for two minutes: the event is older than its maximum age at the restart.
    clock.advance(Duration::from_secs(120));
    let emu = durable(dir.path(), &clock);
    emu.run_due();
    let record = emu.get_async_invocation(&id).unwrap();
    assert_eq!(record.status, AsyncStatus::Discard);
    assert!(
        record.error_message.contains("event age"),
        "{}",
        record.error_message
    );
}

fn timer(emu: &Emulator, urn: &str) {
    emu.create_trigger(
        urn,
        body(
            json!({"trigger_type_code": "TIMER", "trigger_status": "ACTIVE",
            "event_type_code": "MessageCreated",
            "event_data": {"name": "t5", "schedule_type": "Rate", "schedule": "5m"}}),
        ),
    )
    .unwrap();
}

fn fired(emu: &Emulator) -> Vec<DateTime<Utc>> {
    emu.fired_events().iter().map(|e| e.time).collect()
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[test]
fn a_timer_resumes_on_schedule_and_never_fires_a_tick_twice() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    {
        let emu = durable(dir.path(), &clock);
        let urn = echo_function(&emu, "echo");
        timer(&emu, &urn);
        emu.advance(Duration::from_secs(5 * 60));
        assert_eq!(fired(&emu), [at("2024-05-01T12:05:00Z")]);
        // crash right after the 12:05 tick, before the clock moves on
    }
    let emu = durable(dir.path(), &clock);
    emu.run_due();
    assert!(
        fired(&emu).is_empty(),
        "12:05 fired again: {:?}",
        fired(&emu)
    );
    emu.advance(Duration::from_secs(5 * 60));
    assert_eq!(fired(&emu), [at("2024-05-01T12:10:00Z")]);
    // The requests the timer sent are durable too: one per tick, both done.
    drop(emu);
    let emu = durable(dir.path(), &clock);
    let records = emu
        .list_async_invocations("echo", &body(json!({})))
        .unwrap();
    let statuses: Vec<_> = records.invocations.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [AsyncStatus::Success, AsyncStatus::Success]);
}

#[test]
fn ticks_missed_while_down_are_skipped_and_the_phase_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    {
        let emu = durable(dir.path(), &clock);
        let urn = echo_function(&emu, "echo");
        timer(&emu, &urn);
        emu.advance(Duration::from_secs(5 * 60));
    }
    // Down from 12:05 to 12:22: the 12:10, 12:15 and 12:20 ticks are missed.
    clock.advance(Duration::from_secs(17 * 60));
    let emu = durable(dir.path(), &clock);
    emu.run_due();
    assert!(fired(&emu).is_empty());
    emu.advance(Duration::from_secs(3 * 60));
    assert_eq!(fired(&emu), [at("2024-05-01T12:25:00Z")]);
}
