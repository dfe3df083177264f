//! Crate tests of the retry machinery with a substituted attempt runner (the integration
//! tests in `tests/all/async_invoke` go through the public API only).

use std::sync::Arc;
use std::time::Duration;

use fgs_core::async_config::PutAsyncConfigRequest;
use fgs_core::async_record::{AsyncStatus, ListAsyncInvocationsRequest};
use fgs_core::clock::ManualClock;
use fgs_core::function::CreateFunctionRequest;
use parking_lot::Mutex;
use serde_json::{Value, json};

use super::{AttemptOutcome, AttemptRequest, InvocationType};
use crate::Emulator;

fn setup() -> (Emulator, Arc<ManualClock>, String) {
    let clock = Arc::new(ManualClock::at_rfc3339("2024-05-01T12:00:00Z").unwrap());
    let emu = Emulator::builder()
        .clock(clock.clone())
        .seed(3)
        .build()
        .unwrap();
    let urn = emu
        .create_function(CreateFunctionRequest {
            func_name: "f".into(),
            package: "default".into(),
            runtime: "Custom".into(),
            timeout: 3,
            handler: "index.handler".into(),
            memory_size: 128,
            code_type: "inline".into(),
            ..Default::default()
        })
        .unwrap()
        .func_urn;
    (emu, clock, urn)
}

/// Installs a runner that fails the first `fail` attempts, logging (time, attempt).
fn failing_runner(
    emu: &Emulator,
    clock: &Arc<ManualClock>,
    fail: u32,
) -> Arc<Mutex<Vec<(String, u32)>>> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let (l, c) = (log.clone(), clock.clone());
    *emu.inner.async_queue.runner.lock() = Some(Arc::new(move |req: &AttemptRequest| {
        use fgs_core::clock::Clock as _;
        assert_eq!(req.invocation_type, InvocationType::Async);
        l.lock()
            .push((fgs_core::timefmt::utc_naive(c.now()), req.attempt));
        if req.attempt <= fail {
            AttemptOutcome::Failed(format!("boom {}", req.attempt))
        } else {
            AttemptOutcome::Success(json!({"ok": req.attempt}))
        }
    }));
    log
}

fn retries(emu: &Emulator, urn: &str, n: i64, dest: Value) {
    let req: PutAsyncConfigRequest =
        serde_json::from_value(json!({"max_async_retry_attempts": n, "destination_config": dest}))
            .unwrap();
    emu.put_async_invoke_config(urn, req).unwrap();
}

fn status(emu: &Emulator, id: &str) -> (AsyncStatus, String) {
    let r = emu.get_async_invocation(id).unwrap();
    (r.status, r.error_message)
}

#[test]
fn three_retries_back_off_1_2_4_seconds_then_fail() {
    let (emu, clock, urn) = setup();
    let log = failing_runner(&emu, &clock, 10);
    let obs = json!({"destination": "OBS", "param": json!({"bucket": "b-ucket"}).to_string()});
    retries(&emu, &urn, 3, json!({"on_failure": obs}));
    let id = emu
        .invoke_async(&urn, json!({"k": "v"}))
        .unwrap()
        .request_id;
    emu.advance(Duration::from_secs(60));
    let times: Vec<(String, u32)> = log.lock().clone();
    assert_eq!(
        times,
        vec![
            ("2024-05-01T12:00:00".into(), 1),
            ("2024-05-01T12:00:01".into(), 2),
            ("2024-05-01T12:00:03".into(), 3),
            ("2024-05-01T12:00:07".into(), 4),
        ]
    );
    assert_eq!(status(&emu, &id), (AsyncStatus::Fail, "boom 4".into()));
    let rec = emu.get_async_invocation(&id).unwrap();
    assert_eq!(rec.start_time, "2024-05-01T12:00:00");
    assert_eq!(rec.end_time, "2024-05-01T12:00:07");
    let d = emu.destination_deliveries();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].destination_type, "OBS");
    let ctx = &d[0].envelope["request_context"];
    assert_eq!(ctx["condition"], "RetriesExhausted");
    assert_eq!(ctx["approximate_invoke_count"], 4);
    assert_eq!(d[0].envelope["error_message"], "boom 4");
    assert_eq!(d[0].envelope["request_payload"], json!({"k": "v"}));
    assert_eq!(d[0].envelope["response_payload"], Value::Null);
}

#[test]
fn success_after_one_retry_goes_to_on_success() {
    let (emu, clock, urn) = setup();
    let log = failing_runner(&emu, &clock, 1);
    let smn = json!({"destination": "SMN",
                     "param": json!({"topic_urn": "urn:smn:local-1:p:t"}).to_string()});
    retries(&emu, &urn, 1, json!({"on_success": smn}));
    let id = emu.invoke_async(&urn, json!(1)).unwrap().request_id;
    emu.run_due();
    // First attempt failed: back to WAIT with the error, retry due in 1 s.
    assert_eq!(status(&emu, &id), (AsyncStatus::Wait, "boom 1".into()));
    emu.advance(Duration::from_secs(1));
    assert_eq!(log.lock().len(), 2);
    assert_eq!(status(&emu, &id), (AsyncStatus::Success, String::new()));
    let d = emu.destination_deliveries();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].envelope["response_payload"], json!({"ok": 2}));
    assert_eq!(d[0].envelope["request_context"]["condition"], "Success");
}

#[test]
fn default_config_retries_once() {
    let (emu, clock, urn) = setup();
    let log = failing_runner(&emu, &clock, 10);
    let id = emu.invoke_async(&urn, json!({})).unwrap().request_id;
    emu.advance(Duration::from_secs(600));
    assert_eq!(log.lock().len(), 2);
    assert_eq!(status(&emu, &id).0, AsyncStatus::Fail);
}

#[test]
fn rejected_attempts_wait_without_counting() {
    let (emu, clock, urn) = setup();
    let calls = Arc::new(Mutex::new(0u32));
    let c = calls.clone();
    let _ = clock;
    *emu.inner.async_queue.runner.lock() = Some(Arc::new(move |req: &AttemptRequest| {
        let mut n = c.lock();
        *n += 1;
        if *n <= 3 {
            AttemptOutcome::Rejected("max instances".into())
        } else {
            AttemptOutcome::Success(json!(req.attempt))
        }
    }));
    let id = emu.invoke_async(&urn, json!({})).unwrap().request_id;
    emu.run_due();
    assert_eq!(status(&emu, &id).0, AsyncStatus::Wait);
    emu.advance(Duration::from_secs(3));
    assert_eq!(*calls.lock(), 4);
    assert_eq!(status(&emu, &id).0, AsyncStatus::Success);
}

#[test]
fn retry_past_max_age_is_discarded_with_event_age_exceeded() {
    let (emu, clock, urn) = setup();
    let _log = failing_runner(&emu, &clock, 10);
    let dis = json!({"destination": "DIS", "param": json!({"stream_name": "s"}).to_string()});
    let req: PutAsyncConfigRequest = serde_json::from_value(json!({
        "max_async_event_age_in_seconds": 2, "max_async_retry_attempts": 3,
        "destination_config": {"on_failure": dis}}))
    .unwrap();
    emu.put_async_invoke_config(&urn, req).unwrap();
    let id = emu.invoke_async(&urn, json!({})).unwrap().request_id;
    emu.advance(Duration::from_secs(60));
    // Attempts at 0 s and 1 s; the retry due at 3 s is older than 2 s.
    let (st, msg) = status(&emu, &id);
    assert_eq!(st, AsyncStatus::Discard);
    assert!(msg.contains("max_async_event_age_in_seconds 2"), "{msg}");
    let d = emu.destination_deliveries();
    assert_eq!(
        d[0].envelope["request_context"]["condition"],
        "EventAgeExceeded"
    );
    let list = emu
        .list_async_invocations(&urn, &ListAsyncInvocationsRequest::default())
        .unwrap();
    assert_eq!(list.invocations[0].end_time, "2024-05-01T12:00:03");
}
