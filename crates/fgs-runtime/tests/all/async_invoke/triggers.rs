//! Triggers invoke (issue 4): a TIMER fires async invocations of its qualifier; a sync type
//! (APIG) is invoked synchronously and leaves no async record.

use std::time::Duration;

use fgs_core::async_record::{AsyncStatus, ListAsyncInvocationsRequest};
use serde_json::json;

use crate::common::emulator;
use crate::triggers::{apig, function, parse_req, timer};

#[test]
fn a_rate_timer_leaves_async_records_over_a_simulated_hour() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let body = json!({"trigger_type_code": "TIMER", "event_type_code": "MessageCreated",
                      "trigger_status": "ACTIVE", "event_data": timer("t", "Rate", "5m")});
    emu.create_trigger(&urn, parse_req(body)).unwrap();
    emu.advance(Duration::from_secs(3600));
    let recs = emu
        .list_async_invocations(&urn, &ListAsyncInvocationsRequest::default())
        .unwrap()
        .invocations;
    assert_eq!(recs.len(), 12);
    assert!(recs.iter().all(|r| r.status == AsyncStatus::Success));
    // Newest first: 13:00, 12:55, ... 12:05.
    assert_eq!(recs[0].start_time, "2024-05-01T13:00:00");
    assert_eq!(recs[11].start_time, "2024-05-01T12:05:00");
    // The delivery log still records each firing.
    assert_eq!(emu.fired_events().len(), 12);
}

#[test]
fn apig_deliveries_are_sync_and_leave_no_async_record() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let body = json!({"trigger_type_code": "APIG", "event_type_code": "APICreated",
        "trigger_status": "ACTIVE", "event_data": apig("api_f", "/f")});
    let trigger = emu.create_trigger(&urn, parse_req(body)).unwrap();
    emu.fire_trigger(&urn, "APIG", &trigger.trigger_id, json!({"body": "x"}))
        .unwrap();
    assert_eq!(emu.fired_events().len(), 1);
    assert_eq!(emu.pending_async_invocations(), 0);
    let recs = emu
        .list_async_invocations(&urn, &ListAsyncInvocationsRequest::default())
        .unwrap();
    assert!(recs.invocations.is_empty());
}
