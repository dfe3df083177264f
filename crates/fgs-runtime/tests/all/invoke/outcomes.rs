//! The outcome table (DECISIONS "Invocation over REST"): one test per row, each through the
//! public API with a fixture that provokes it, asserting the kind, HTTP status, `status`,
//! `error_code` and error text.

use std::time::Duration;

use fgs_runtime::{InvokeOptions, OutcomeKind};
use serde_json::json;

use super::*;
use crate::common::{assert_code, zip_of};

#[track_caller]
fn assert_row(inv: &fgs_runtime::InvocationResult, kind: OutcomeKind, http: u16, code: &str) {
    assert_eq!(inv.outcome, kind, "{inv:?}");
    assert_eq!(inv.http_status(), http);
    assert_eq!(inv.status(), http);
    assert_eq!(inv.error_code(), Some(code));
    let e = inv.error().unwrap();
    assert_eq!((e.code(), e.status()), (code, http));
    assert_eq!(Some(e.message()), inv.error_message.as_deref());
    assert!(inv.result.is_empty());
}

#[test]
fn the_table_maps_each_outcome_to_status_and_code() {
    let rows: Vec<(&str, u16, Option<&str>, bool)> = OutcomeKind::ALL
        .iter()
        .map(|k| (k.name(), k.http_status(), k.error_code(), k.ran()))
        .collect();
    assert_eq!(
        rows,
        [
            ("success", 200, None, true),
            ("function_error", 500, Some("FSS.0500"), true),
            ("trap", 500, Some("FSS.0500"), true),
            ("timeout", 408, Some("FSS.0408"), true),
            ("out_of_memory", 500, Some("FSS.0500"), true),
            ("initializer_failed", 500, Some("FSS.0500"), true),
            ("initializer_timeout", 408, Some("FSS.0408"), true),
            ("missing_handler", 500, Some("FSS.0500"), true),
            ("result_too_large", 500, Some("FSS.0500"), true),
            ("disabled", 403, Some("FSS.0403"), false),
            ("rejected", 429, Some("FSS.0429"), false),
        ]
    );
    assert!(
        OutcomeKind::ALL
            .iter()
            .all(|k| k.status() == k.http_status())
    );
}

#[test]
fn success_returns_the_result_and_its_figures() {
    let (emu, _) = emu();
    let urn = create(&emu, "echo", "echo", json!({}));
    let inv = emu.invoke(&urn, br#"{"k":"v"}"#).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success);
    assert_eq!(inv.result, br#"{"k":"v"}"#);
    assert_eq!(inv.result_text(), r#"{"k":"v"}"#);
    assert_eq!((inv.http_status(), inv.status()), (200, 200));
    assert_eq!((inv.error_code(), inv.error_message.clone()), (None, None));
    assert!(inv.error().is_none());
    assert_eq!(inv.request_id.len(), 36, "a UUID: {}", inv.request_id);
    assert_eq!(inv.version, "latest");
    assert_eq!(inv.alias, None);
    assert!(inv.cold_start);
    assert_eq!(inv.memory_size_mb, 128);
    assert!(inv.memory_used_bytes > 0 && inv.memory_used_bytes <= 128 << 20);
    // Billed: rounded up to whole milliseconds, at least 1 ms.
    assert!(inv.billed_duration >= inv.duration);
    assert!(inv.billed_duration >= Duration::from_millis(1));
    assert_eq!(inv.billed_duration.subsec_nanos() % 1_000_000, 0);
    assert!(inv.billed_duration - inv.duration < Duration::from_millis(1));
    assert!(inv.log.is_some());
    let warm = emu.invoke(&urn, b"again").unwrap();
    assert!(!warm.cold_start);
    assert_eq!(warm.instance_id, inv.instance_id);
    assert_ne!(warm.request_id, inv.request_id);
}

#[test]
fn options_set_the_request_id_and_drop_the_log() {
    let (emu, _) = emu();
    let urn = create(&emu, "logs", "logs", json!({}));
    let inv = emu
        .invoke_with(
            &urn,
            b"{}",
            InvokeOptions {
                request_id: Some("req-fixed".into()),
                log_tail: false,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(inv.request_id, "req-fixed");
    assert_eq!(inv.log, None);
    let inv = emu.invoke(&urn, b"{}").unwrap();
    let log = inv.log.unwrap();
    for line in ["stdout line", "stderr line", "log call line"] {
        assert!(log.contains(line), "{log}");
    }
}

#[test]
fn the_log_tail_is_the_last_4_kb() {
    let (emu, _) = emu();
    let urn = create(&emu, "logs", "logs", json!({}));
    let inv = emu.invoke(&urn, br#"{"lines":500}"#).unwrap();
    let log = inv.log.unwrap();
    assert!(log.len() <= 4096 && log.len() > 4000, "{}", log.len());
    assert!(log.contains("extra line 000499"));
    assert!(!log.contains("extra line 000000"));
}

#[test]
fn a_handled_error_is_a_function_error_and_keeps_the_instance() {
    let (emu, _) = emu();
    let urn = create(&emu, "fails", "handled_error", json!({}));
    let inv = emu.invoke(&urn, b"bad input").unwrap();
    assert_row(&inv, OutcomeKind::FunctionError, 500, "FSS.0500");
    assert_eq!(
        inv.error_message.as_deref(),
        Some("function error: handled failure: bad input")
    );
    let again = emu.invoke(&urn, b"x").unwrap();
    assert!(!again.cold_start, "a handled error keeps the instance warm");
}

#[test]
fn a_panic_is_a_trap_with_its_message_in_the_log_and_the_instance_is_discarded() {
    let (emu, _) = emu();
    let urn = create(&emu, "panics", "panics", json!({}));
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_row(&inv, OutcomeKind::Trap, 500, "FSS.0500");
    let message = inv.error_message.clone().unwrap();
    assert!(message.starts_with("function trapped: "), "{message}");
    let log = inv.log.clone().unwrap();
    assert!(log.contains("fixture panic: boom"), "{log}");
    assert!(log.contains("function trapped"), "{log}");
    let next = emu.invoke(&urn, b"{}").unwrap();
    assert!(next.cold_start, "never reused after a trap");
    assert_ne!(next.instance_id, inv.instance_id);
}

#[test]
fn a_runaway_handler_times_out_and_is_discarded() {
    let (emu, _) = emu();
    let urn = create(&emu, "spin", "spin", json!({"timeout": 3}));
    // One warm instance first, so that the fast ticks below do not run out while a cold
    // instance is being created (creation is bounded by the initializer timeout).
    warm(&emu, &urn);
    let inv = ticking(&emu, || emu.invoke(&urn, b"{}").unwrap());
    assert_row(&inv, OutcomeKind::Timeout, 408, "FSS.0408");
    assert!(!inv.cold_start);
    assert_eq!(
        inv.error_message.as_deref(),
        Some("function timed out after 3000 ms")
    );
    let again = ticking(&emu, || emu.invoke(&urn, b"{}").unwrap());
    assert!(again.cold_start, "the timed-out instance was discarded");
    assert!(!again.is_success());
}

#[test]
fn allocating_past_memory_size_is_out_of_memory() {
    let (emu, _) = emu();
    let urn = create(&emu, "oom", "oom", json!({"memory_size": 128}));
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_row(&inv, OutcomeKind::OutOfMemory, 500, "FSS.0500");
    assert_eq!(
        inv.error_message.as_deref(),
        Some("function ran out of memory: it needed more than its memory_size of 128 MB")
    );
    assert!(inv.memory_used_bytes <= 128 << 20);
    assert!(inv.memory_used_bytes > 100 << 20);
    assert!(emu.invoke(&urn, b"{}").unwrap().cold_start);
}

#[test]
fn a_failing_initializer_is_an_initializer_failure() {
    let (emu, _) = emu();
    let urn = create(
        &emu,
        "init-fails",
        "initializer",
        json!({
            "initializer_handler": "index.init",
            "initializer_timeout": 3,
            "user_data": r#"{"INIT_MODE":"fail"}"#
        }),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_row(&inv, OutcomeKind::InitializerFailed, 500, "FSS.0500");
    assert_eq!(
        inv.error_message.as_deref(),
        Some("initializer failed: initializer refused: INIT_MODE=fail")
    );
}

#[test]
fn an_initializer_past_its_timeout_is_an_initializer_timeout() {
    let (emu, _) = emu();
    let urn = create(
        &emu,
        "init-spins",
        "initializer",
        json!({
            "initializer_handler": "index.init",
            "initializer_timeout": 1,
            "user_data": r#"{"INIT_MODE":"spin"}"#
        }),
    );
    let inv = ticking(&emu, || emu.invoke(&urn, b"{}").unwrap());
    assert_row(&inv, OutcomeKind::InitializerTimeout, 408, "FSS.0408");
    assert_eq!(
        inv.error_message.as_deref(),
        Some("initializer timed out after 1000 ms")
    );
}

#[test]
fn a_package_without_the_handler_module_is_a_missing_handler() {
    let (emu, _) = emu();
    // A `Custom` runtime: with a Python runtime, `index.py` would run on the Python runtime
    // component (tests/all/python).
    let urn = create(
        &emu,
        "python",
        "echo",
        json!({
            "runtime": "Custom",
            "code_type": "zip",
            "code_filename": "index.zip",
            "func_code": {"file": b64(&zip_of(&[("index.py", b"def handler(e, c): return e")]))}
        }),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_row(&inv, OutcomeKind::MissingHandler, 500, "FSS.0500");
    assert_eq!(
        inv.error_message.as_deref(),
        Some(
            "handler not found: the code package has no file index.wasm for handler index.handler"
        )
    );
    assert_eq!(inv.billed_duration, Duration::ZERO);
}

#[test]
fn a_module_without_the_export_is_a_missing_handler() {
    let (emu, _) = emu();
    let urn = create(
        &emu,
        "other-export",
        "echo",
        json!({"handler": "index.main"}),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_row(&inv, OutcomeKind::MissingHandler, 500, "FSS.0500");
    assert_eq!(
        inv.error_message.as_deref(),
        Some("handler not found: the module has no export `main` for handler index.main")
    );
}

#[test]
fn a_disabled_function_is_refused_with_fss_0403() {
    let (emu, _) = emu();
    let urn = create(&emu, "off", "echo", json!({}));
    set_max_instances(&emu, &urn, 0);
    let err = emu.invoke(&urn, b"{}").unwrap_err();
    assert!(err.message().contains("disabled"), "{}", err.message());
    assert_code(emu.invoke(&urn, b"{}"), "FSS.0403", 403);
    set_max_instances(&emu, &urn, -1);
    assert!(emu.invoke(&urn, b"{}").unwrap().is_success());
}

#[test]
fn a_call_over_max_instances_is_rejected_with_fss_0429() {
    let (emu, _) = emu();
    let urn = create(&emu, "busy", "spin", json!({}));
    set_max_instances(&emu, &urn, 1);
    std::thread::scope(|s| {
        let running = s.spawn(|| emu.invoke(&urn, b"{}").unwrap());
        wait_running(&emu, &urn, 1);
        let err = emu.invoke(&urn, b"{}").unwrap_err();
        assert_eq!((err.code(), err.status()), ("FSS.0429", 429));
        assert!(
            err.message().contains("maximum of 1 concurrent instances"),
            "{}",
            err.message()
        );
        let first = ticking(&emu, || running.join().unwrap());
        assert!(first.outcome.ran(), "{first:?}");
    });
    let totals = emu.function_metrics_totals(&urn).unwrap();
    assert_eq!((totals.invocations, totals.rejections), (1, 1));
}

#[test]
fn management_errors_are_errors() {
    let (emu, _) = emu();
    let urn = create(&emu, "there", "echo", json!({}));
    assert_code(emu.invoke("missing", b"{}"), "FSS.1051", 404);
    assert_code(emu.invoke(&format!("{urn}:v9"), b"{}"), "FSS.1052", 404);
    assert_code(emu.invoke(&format!("{urn}:!nope"), b"{}"), "FSS.1053", 404);
    assert_code(emu.invoke("a:b:c:d:e", b"{}"), "FSS.1309", 400);
    assert_eq!(emu.function_metrics_totals(&urn).unwrap().invocations, 0);
}

#[test]
fn blank_code_runs_the_built_in_echo_handler() {
    let (emu, _) = emu();
    let config = emu
        .create_function(
            serde_json::from_value(json!({
                "func_name": "builtin", "package": "default", "runtime": "Node.js14.18",
                "timeout": 3, "handler": "index.handler", "memory_size": 128,
                "code_type": "inline", "initializer_handler": "index.init",
                "initializer_timeout": 3
            }))
            .unwrap(),
        )
        .unwrap();
    let big = vec![b'x'; 200 * 1024];
    let inv = emu.invoke(&config.func_urn, &big).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    assert_eq!(inv.result, big);
    assert!(inv.init_duration.is_some());
}

#[test]
fn the_billed_duration_rounds_up_to_the_billing_granularity() {
    let (emu, _) = emulator_with(
        Emulator::builder()
            .manual_epoch()
            .billing_granularity(Duration::from_millis(100)),
    );
    let urn = create(&emu, "echo", "echo", json!({}));
    for _ in 0..3 {
        let inv = emu.invoke(&urn, b"e").unwrap();
        // An echo call takes far less than 100 ms: one unit.
        assert!(inv.duration < Duration::from_millis(100), "{inv:?}");
        assert_eq!(inv.billed_duration, Duration::from_millis(100));
    }
    let totals = emu.function_metrics_totals(&urn).unwrap();
    assert_eq!(totals.billed_ms, 300);
}
