//! Async invocation (issue 4; seed §5.1.2, §5.1.3, §5.13.5, §5.13.6) on the manual clock.
//! Retry counts and backoff timings are covered by the crate tests in
//! `src/async_invoke/tests.rs` (they substitute failing attempts) until sync invocation
//! executes code here.

mod destinations;
mod executed;
mod records;
mod triggers;

use std::time::Duration;

use fgs_core::async_config::PutAsyncConfigRequest;
use fgs_core::async_record::{AsyncStatus, ListAsyncInvocationsRequest};
use fgs_runtime::Emulator;
use serde_json::{Value, json};

use crate::common::{assert_code, emulator, emulator_with};
use crate::triggers::{alias, function, publish};

/// Puts an async config from JSON.
pub(super) fn put_config(emu: &Emulator, urn: &str, body: Value) {
    let req: PutAsyncConfigRequest = serde_json::from_value(body).unwrap();
    emu.put_async_invoke_config(urn, req).unwrap();
}

/// The records of a function with the default query.
pub(super) fn records(emu: &Emulator, urn: &str) -> Vec<fgs_core::async_record::AsyncInvocation> {
    emu.list_async_invocations(urn, &ListAsyncInvocationsRequest::default())
        .unwrap()
        .invocations
}

#[test]
fn invoke_async_answers_at_once_with_a_waiting_record() {
    // §5.1.2: 202 {"request_id"}; the record exists (WAIT) before anything runs.
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let resp = emu.invoke_async(&urn, json!({"k": "v"})).unwrap();
    let v = serde_json::to_value(&resp).unwrap();
    assert_eq!(v.as_object().unwrap().len(), 1);
    assert_eq!(v["request_id"].as_str().unwrap().len(), 36);
    let recs = records(&emu, &urn);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].status, AsyncStatus::Wait);
    assert_eq!(recs[0].end_time, "");
    assert_eq!(emu.pending_async_invocations(), 1);
    emu.run_due();
    let r = emu.get_async_invocation(&resp.request_id).unwrap();
    assert_eq!(r.status, AsyncStatus::Success);
    assert_eq!(r.error_message, "");
    assert_eq!(r.start_time, "2024-05-01T12:00:00");
    assert_eq!(r.end_time, "2024-05-01T12:00:00");
    assert_eq!(emu.pending_async_invocations(), 0);
}

#[test]
fn invoke_async_resolves_the_urn_first() {
    // DECISIONS "Invocation over REST": 404 FSS.1051/1052/1053, never a queued failure.
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    assert_code(emu.invoke_async("nobody", json!({})), "FSS.1051", 404);
    assert_code(
        emu.invoke_async(&format!("{urn}:v9"), json!({})),
        "FSS.1052",
        404,
    );
    assert_code(
        emu.invoke_async(&format!("{urn}:!nope"), json!({})),
        "FSS.1053",
        404,
    );
    assert_eq!(emu.pending_async_invocations(), 0);
}

#[test]
fn invoke_async_on_versions_and_aliases() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    publish(&emu, &urn, "v1");
    alias(&emu, &urn, "prod", "v1");
    let a = emu.invoke_async(&format!("{urn}:v1"), json!(1)).unwrap();
    let b = emu.invoke_async(&format!("{urn}:!prod"), json!(2)).unwrap();
    emu.run_due();
    // A qualified URN lists only that qualifier's records; unqualified lists all.
    let v1 = records(&emu, &format!("{urn}:v1"));
    assert_eq!(v1.len(), 1);
    assert_eq!(v1[0].request_id, a.request_id);
    let prod = records(&emu, &format!("{urn}:!prod"));
    assert_eq!(prod[0].request_id, b.request_id);
    assert_eq!(records(&emu, &urn).len(), 2);
}

#[test]
fn queue_bound_rejects_with_fss_0429() {
    let (emu, _) = emulator_with(Emulator::builder().async_queue_capacity(3));
    let urn = function(&emu, "f");
    for i in 0..3 {
        emu.invoke_async(&urn, json!(i)).unwrap();
    }
    assert_code(emu.invoke_async(&urn, json!(3)), "FSS.0429", 429);
    assert_eq!(records(&emu, &urn).len(), 3);
    // Draining frees the queue.
    emu.run_due();
    emu.invoke_async(&urn, json!(4)).unwrap();
}

#[test]
fn default_queue_capacity_is_stated() {
    assert_eq!(
        fgs_runtime::async_invoke::DEFAULT_ASYNC_QUEUE_CAPACITY,
        10_000
    );
    assert_eq!(
        fgs_runtime::async_invoke::retry_backoff(1),
        Duration::from_secs(1)
    );
    assert_eq!(
        fgs_runtime::async_invoke::retry_backoff(3),
        Duration::from_secs(4)
    );
}

#[test]
fn max_age_discards_an_event_that_waited_too_long() {
    // An event not run within max_async_event_age_in_seconds is DISCARDed, never run.
    let (emu, clock) = emulator();
    let urn = function(&emu, "f");
    put_config(&emu, &urn, json!({"max_async_event_age_in_seconds": 60}));
    let id = emu.invoke_async(&urn, json!({})).unwrap().request_id;
    // Move the clock without running jobs (as if the workers were busy).
    clock.advance(Duration::from_secs(61));
    emu.run_due();
    let r = emu.get_async_invocation(&id).unwrap();
    assert_eq!(r.status, AsyncStatus::Discard);
    assert!(
        r.error_message
            .contains("exceeds max_async_event_age_in_seconds 60")
    );
    assert_eq!(r.end_time, "2024-05-01T12:01:01");
}

#[test]
fn deleting_a_function_discards_its_queued_events() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let id = emu.invoke_async(&urn, json!({})).unwrap().request_id;
    emu.delete_function(&urn).unwrap();
    let r = emu.get_async_invocation(&id).unwrap();
    assert_eq!(r.status, AsyncStatus::Discard);
    assert_eq!(
        r.error_message,
        fgs_runtime::async_invoke::FUNCTION_DELETED_MESSAGE
    );
    assert_eq!(emu.pending_async_invocations(), 0);
    emu.run_due();
    assert_eq!(
        emu.get_async_invocation(&id).unwrap().status,
        AsyncStatus::Discard
    );
    // A re-created function of the same name starts without records.
    let urn = function(&emu, "f");
    assert!(records(&emu, &urn).is_empty());
}

#[test]
fn reserved_invoke_returns_a_reserved_instance_id() {
    // §5.1.3: 202 {"instance_id"}; one stable id per reserved slot, round-robin.
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    assert_code(emu.reserved_invoke(&urn, json!({})), "FSS.0404", 404);
    assert_code(emu.reserved_invoke("nobody", json!({})), "FSS.1051", 404);
    let req = serde_json::from_value(json!({"count": 2})).unwrap();
    emu.update_reserved_instances(&urn, req).unwrap();
    let a = emu.reserved_invoke(&urn, json!({})).unwrap();
    let b = emu.reserved_invoke(&urn, json!({})).unwrap();
    let c = emu.reserved_invoke(&urn, json!({})).unwrap();
    assert_ne!(a.instance_id, b.instance_id);
    assert_eq!(a.instance_id, c.instance_id);
    let v = serde_json::to_value(&a).unwrap();
    assert_eq!(
        v.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["instance_id"]
    );
    emu.run_due();
    let recs = records(&emu, &urn);
    assert_eq!(recs.len(), 3);
    assert!(recs.iter().all(|r| r.status == AsyncStatus::Success));
}
