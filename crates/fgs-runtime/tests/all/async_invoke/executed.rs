//! Async attempts that really run wasm (issue 4): handled errors and traps are retried with
//! the documented backoff, a handler that fails once succeeds on its retry.

use std::time::Duration;

use fgs_core::async_record::{AsyncStatus, ListAsyncInvocationsRequest};
use serde_json::json;

use super::put_config;
use crate::common::{b64, zip_of};
use crate::invoke::{create, emu};

/// A handler that fails (handled error "first call fails") on its instance's first call and
/// echoes its event afterwards.
const FAIL_ONCE: &str = r#"(module
  (import "fgs_v1" "output" (func $output (param i32 i32)))
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 16) "first call fails")
  (func (export "fgs_alloc") (param i32) (result i32) i32.const 1024)
  (func (export "handler") (param i32 i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (if (result i32) (i32.eq (global.get $calls) (i32.const 1))
      (then (call $output (i32.const 16) (i32.const 16)) (i32.const 1))
      (else (call $output (local.get 0) (local.get 1)) (i32.const 0)))))"#;

#[test]
fn handled_errors_are_retried_with_backoff_then_fail() {
    let (emu, _) = emu();
    let urn = create(&emu, "fails", "handled_error", json!({}));
    let obs = json!({"destination": "OBS", "param": json!({"bucket": "errs"}).to_string()});
    put_config(
        &emu,
        &urn,
        json!({"max_async_retry_attempts": 2, "destination_config": {"on_failure": obs}}),
    );
    let id = emu.invoke_async(&urn, json!({"k": 1})).unwrap().request_id;
    emu.run_due();
    assert_eq!(
        emu.get_async_invocation(&id).unwrap().status,
        AsyncStatus::Wait
    );
    emu.advance(Duration::from_secs(1)); // retry 1 at +1 s
    assert_eq!(
        emu.get_async_invocation(&id).unwrap().status,
        AsyncStatus::Wait
    );
    emu.advance(Duration::from_secs(1)); // nothing at +2 s
    assert_eq!(
        emu.get_async_invocation(&id).unwrap().status,
        AsyncStatus::Wait
    );
    emu.advance(Duration::from_secs(1)); // retry 2 at +3 s
    let r = emu.get_async_invocation(&id).unwrap();
    assert_eq!(r.status, AsyncStatus::Fail);
    assert!(
        r.error_message.starts_with("FSS.0500: function error"),
        "{}",
        r.error_message
    );
    assert_eq!(r.end_time, "2024-05-01T12:00:03");
    let d = emu.destination_deliveries();
    assert_eq!(
        d[0].envelope["request_context"]["approximate_invoke_count"],
        3
    );
    assert_eq!(
        d[0].envelope["request_context"]["condition"],
        "RetriesExhausted"
    );
}

#[test]
fn a_trap_is_a_failed_attempt() {
    let (emu, _) = emu();
    let urn = create(&emu, "panics", "panics", json!({}));
    put_config(&emu, &urn, json!({"max_async_retry_attempts": 0}));
    let id = emu.invoke_async(&urn, json!({})).unwrap().request_id;
    emu.run_due();
    let r = emu.get_async_invocation(&id).unwrap();
    assert_eq!(r.status, AsyncStatus::Fail);
    assert!(r.error_message.contains("trapped"), "{}", r.error_message);
}

#[test]
fn success_after_one_retry() {
    let (emu, _) = emu();
    let urn = create(&emu, "once", "echo", json!({}));
    let req = serde_json::from_value(json!({"code_type": "inline",
        "func_code": {"file": b64(&zip_of(&[("index.wasm", &wat::parse_str(FAIL_ONCE).unwrap()[..])]))}}))
    .unwrap();
    emu.update_function_code(&urn, req).unwrap();
    let id = emu.invoke_async(&urn, json!({"n": 7})).unwrap().request_id;
    emu.run_due();
    let r = emu.get_async_invocation(&id).unwrap();
    assert_eq!(r.status, AsyncStatus::Wait, "{}", r.error_message);
    assert!(
        r.error_message.contains("first call fails"),
        "{}",
        r.error_message
    );
    emu.advance(Duration::from_secs(1));
    let r = emu.get_async_invocation(&id).unwrap();
    assert_eq!(r.status, AsyncStatus::Success);
    assert_eq!(r.error_message, "");
    let all = emu
        .list_async_invocations(&urn, &ListAsyncInvocationsRequest::default())
        .unwrap();
    assert_eq!(all.invocations.len(), 1);
}
