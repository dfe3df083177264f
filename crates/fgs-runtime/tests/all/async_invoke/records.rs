//! §5.13.5 records (filters, defaults, paging) and §5.13.6 cancel.

use std::time::Duration;

use fgs_core::async_record::{
    AsyncStatus, CANCELED_MESSAGE, CancelAsyncInvocationRequest, ListAsyncInvocationsRequest,
};
use fgs_runtime::Emulator;
use serde_json::json;

use super::records;
use crate::common::{assert_code, emulator};
use crate::triggers::function;

fn list(emu: &Emulator, urn: &str, q: serde_json::Value) -> Vec<String> {
    let q: ListAsyncInvocationsRequest = serde_json::from_value(q).unwrap();
    emu.list_async_invocations(urn, &q)
        .unwrap()
        .invocations
        .into_iter()
        .map(|r| r.request_id)
        .collect()
}

fn cancel(emu: &Emulator, urn: &str, id: &str) -> fgs_core::Result<()> {
    let req: CancelAsyncInvocationRequest =
        serde_json::from_value(json!({"request_id": id, "type": "force"})).unwrap();
    emu.cancel_async_invocation(urn, &req)
}

/// Five requests accepted one minute apart (12:00..12:04), all run; newest first.
fn five(emu: &Emulator, urn: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(emu.invoke_async(urn, json!(i)).unwrap().request_id);
        emu.advance(Duration::from_secs(60));
    }
    ids.reverse();
    ids
}

#[test]
fn record_shape_matches_the_seed_example() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    emu.invoke_async(&urn, json!({})).unwrap();
    emu.run_due();
    let resp = emu
        .list_async_invocations(&urn, &ListAsyncInvocationsRequest::default())
        .unwrap();
    let v = serde_json::to_value(&resp).unwrap();
    let rec = &v["invocations"][0];
    let mut keys: Vec<_> = rec.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "end_time",
            "error_message",
            "request_id",
            "start_time",
            "status"
        ]
    );
    assert_eq!(rec["status"], "SUCCESS");
    assert_eq!(rec["error_message"], "");
    assert_eq!(rec["start_time"], "2024-05-01T12:00:00");
    assert_eq!(v.as_object().unwrap().len(), 1);
}

#[test]
fn default_window_is_the_last_hour_by_acceptance() {
    let (emu, clock) = emulator();
    let urn = function(&emu, "f");
    let ids = five(&emu, &urn); // 12:00..12:04, now 12:05
    assert_eq!(list(&emu, &urn, json!({})), ids);
    clock.advance(Duration::from_secs(57 * 60)); // 13:02: 12:00 and 12:01 fall out
    assert_eq!(list(&emu, &urn, json!({})), ids[..3].to_vec());
    let all = list(
        &emu,
        &urn,
        json!({"query_begin_time": "2024-05-01T12:00:00", "query_end_time": "2024-05-01T12:01:00"}),
    );
    assert_eq!(all, ids[3..].to_vec());
}

#[test]
fn filters_by_request_id_and_status() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let ids = five(&emu, &urn);
    assert_eq!(
        list(&emu, &urn, json!({"request_id": ids[2]})),
        vec![ids[2].clone()]
    );
    assert!(list(&emu, &urn, json!({"request_id": "zzz"})).is_empty());
    let waiting = emu.invoke_async(&urn, json!({})).unwrap().request_id;
    assert_eq!(list(&emu, &urn, json!({"status": "WAIT"})), vec![waiting]);
    assert_eq!(list(&emu, &urn, json!({"status": "SUCCESS"})), ids);
    assert!(list(&emu, &urn, json!({"status": "FAIL"})).is_empty());
}

#[test]
fn paging_with_marker_and_limit() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let ids = five(&emu, &urn);
    assert_eq!(list(&emu, &urn, json!({"limit": "2"})), ids[..2].to_vec());
    assert_eq!(
        list(&emu, &urn, json!({"limit": "2", "marker": "2"})),
        ids[2..4].to_vec()
    );
    assert_eq!(
        list(&emu, &urn, json!({"limit": "2", "marker": "4"})),
        ids[4..].to_vec()
    );
    assert!(list(&emu, &urn, json!({"marker": "9"})).is_empty());
    assert_eq!(list(&emu, &urn, json!({"limit": "0"})), ids);
}

#[test]
fn limit_defaults_to_100_and_caps_at_500() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    for i in 0..600 {
        emu.invoke_async(&urn, json!(i)).unwrap();
    }
    assert_eq!(list(&emu, &urn, json!({})).len(), 100);
    assert_eq!(list(&emu, &urn, json!({"limit": "1000"})).len(), 500);
}

#[test]
fn bad_query_values_are_fss_0400() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    for q in [
        json!({"limit": "-1"}),
        json!({"limit": "ten"}),
        json!({"marker": "-3"}),
        json!({"status": "DONE"}),
        json!({"query_begin_time": "2024-05-01 12:00:00"}),
        json!({"query_end_time": "2024-05-01T12:00:00+08:00"}),
        json!({"query_begin_time": "2024-05-01T12:00:00", "query_end_time": "2024-05-01T11:00:00"}),
        json!({"request_id": "x".repeat(65)}),
    ] {
        let req: ListAsyncInvocationsRequest = serde_json::from_value(q).unwrap();
        assert_code(emu.list_async_invocations(&urn, &req), "FSS.0400", 400);
    }
}

#[test]
fn unknown_function_is_fss_0404() {
    // DECISIONS "Errors": 404 FSS.0404 for an unknown function in §5.13.5 / §5.13.6.
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let q = ListAsyncInvocationsRequest::default();
    assert_code(emu.list_async_invocations("nobody", &q), "FSS.0404", 404);
    assert_code(
        emu.list_async_invocations(&format!("{urn}:v3"), &q),
        "FSS.0404",
        404,
    );
    assert_code(cancel(&emu, "nobody", "x"), "FSS.0404", 404);
}

#[test]
fn cancel_a_waiting_request() {
    let (emu, clock) = emulator();
    let urn = function(&emu, "f");
    let id = emu.invoke_async(&urn, json!({})).unwrap().request_id;
    clock.advance(Duration::from_secs(5));
    cancel(&emu, &urn, &id).unwrap();
    let r = emu.get_async_invocation(&id).unwrap();
    assert_eq!(r.status, AsyncStatus::Discard);
    assert_eq!(r.error_message, CANCELED_MESSAGE);
    assert_eq!(r.error_message, "4208 function invocated canceled");
    assert_eq!(r.end_time, "2024-05-01T12:00:05");
    emu.run_due(); // the queued attempt finds it canceled and does nothing
    assert_eq!(
        emu.get_async_invocation(&id).unwrap().status,
        AsyncStatus::Discard
    );
    assert!(emu.destination_deliveries().is_empty());
    // A second cancel: finished, 400.
    assert_code(cancel(&emu, &urn, &id), "FSS.0400", 400);
}

#[test]
fn cancel_rejects_unknown_finished_and_missing_ids() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let other = function(&emu, "g");
    assert_code(cancel(&emu, &urn, "no-such-id"), "FSS.0400", 400);
    let id = emu.invoke_async(&urn, json!({})).unwrap().request_id;
    // A request of another function is unknown to this one.
    assert_code(cancel(&emu, &other, &id), "FSS.0400", 400);
    emu.run_due();
    assert_code(cancel(&emu, &urn, &id), "FSS.0400", 400);
    let missing: CancelAsyncInvocationRequest = serde_json::from_value(json!({})).unwrap();
    assert_code(emu.cancel_async_invocation(&urn, &missing), "FSS.0400", 400);
    assert_eq!(records(&emu, &urn).len(), 1);
}

#[test]
fn finished_records_are_purged_after_their_retention() {
    let (emu, clock) = emulator();
    let urn = function(&emu, "f");
    let id = emu.invoke_async(&urn, json!({})).unwrap().request_id;
    emu.run_due();
    clock.advance(fgs_runtime::async_invoke::RECORD_RETENTION - Duration::from_secs(60));
    assert!(emu.get_async_invocation(&id).is_some());
    clock.advance(Duration::from_secs(120));
    let all = json!({"query_begin_time": "2024-05-01T00:00:00"});
    assert!(list(&emu, &urn, all).is_empty());
    assert!(emu.get_async_invocation(&id).is_none());
}

#[test]
fn status_log_keeps_records_a_week() {
    let (emu, clock) = emulator();
    let urn = function(&emu, "f");
    super::put_config(&emu, &urn, json!({"enable_async_status_log": true}));
    let id = emu.invoke_async(&urn, json!({})).unwrap().request_id;
    emu.run_due();
    clock.advance(Duration::from_secs(2 * 24 * 3600));
    let _ = list(&emu, &urn, json!({}));
    assert!(emu.get_async_invocation(&id).is_some());
    clock.advance(fgs_runtime::async_invoke::RECORD_RETENTION_WITH_STATUS_LOG);
    let _ = list(&emu, &urn, json!({}));
    assert!(emu.get_async_invocation(&id).is_none());
}
