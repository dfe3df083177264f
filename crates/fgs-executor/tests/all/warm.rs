//! The warm path: results, instance reuse, handled errors, traps, context, sub-invocation.

use std::sync::Arc;

use fgs_executor::{Code, Outcome, Request, SubInvokeResult, SubInvoker, VersionSpec, fgs_abi};

use crate::common::*;

#[test]
fn echo_returns_its_event_and_reuses_the_instance() {
    let exec = executor();
    let v = deploy_fixture(&exec, "echo");
    assert_eq!(v.kind(), "handler");
    let first = call(&v, br#"{"hello":"world"}"#);
    assert_eq!(text(&first), r#"{"hello":"world"}"#);
    assert!(first.cold_start);
    assert!(first.billed_duration >= first.duration);
    assert!(first.billed_duration.as_millis() >= 1);
    assert!(first.max_memory_bytes > 0 && first.max_memory_bytes <= 128 << 20);
    let second = call(&v, b"");
    assert_eq!(text(&second), "");
    assert!(!second.cold_start);
    assert_eq!(second.instance_id, first.instance_id);
    let stats = v.stats();
    assert_eq!(
        (stats.instances_created, stats.cold_starts, stats.idle),
        (1, 1, 1)
    );
}

#[test]
fn echo_wat_by_hand_follows_the_same_contract() {
    let exec = executor();
    let v = deploy(
        &exec,
        &wat("echo"),
        VersionSpec::new("echo-wat", "index.handler"),
    );
    assert_eq!(text(&call(&v, b"raw")), "raw");
}

#[test]
fn counter_proves_instance_reuse() {
    let exec = executor();
    let v = deploy_fixture(&exec, "counter");
    let counts: Vec<String> = (0..3).map(|_| text(&call(&v, b"{}"))).collect();
    assert_eq!(counts, ["1", "2", "3"]);
}

#[test]
fn json_transform_sees_event_and_context() {
    let exec = executor();
    let v = deploy_fixture(&exec, "json_transform");
    let inv = v
        .invoke(&Request::new("req-42", br#"{"name":"fgs"}"#))
        .unwrap();
    let out: serde_json::Value = serde_json::from_str(&text(&inv)).unwrap();
    assert_eq!(out["greeting"], "hello, fgs");
    assert_eq!(out["keys"], 1);
    assert_eq!(out["request_id"], "req-42");
}

#[test]
fn handled_error_is_a_function_error_and_keeps_the_instance() {
    let exec = executor();
    let v = deploy_fixture(&exec, "handled_error");
    let inv = call(&v, b"bad input");
    assert_eq!(
        inv.outcome,
        Outcome::FunctionError {
            message: "handled failure: bad input".into()
        }
    );
    assert_eq!(
        inv.outcome.to_string(),
        "function error: handled failure: bad input"
    );
    assert_eq!(inv.outcome.kind(), "function_error");
    let again = call(&v, b"x");
    assert_eq!(again.instance_id, inv.instance_id);
    assert_eq!(v.stats().discarded, 0);
}

#[test]
fn panic_is_a_trap_with_backtrace_and_the_instance_is_discarded() {
    let exec = executor();
    let v = deploy_fixture(&exec, "panics");
    let inv = call(&v, b"{}");
    let Outcome::Trap { message } = &inv.outcome else {
        panic!("expected a trap, got {}", inv.outcome)
    };
    assert!(message.contains("unreachable"), "{message}");
    assert!(message.contains("wasm backtrace"), "{message}");
    assert!(inv.outcome.to_string().starts_with("function trapped: "));
    assert!(inv.log.contains("fixture panic: boom"), "{}", inv.log);
    assert!(inv.log.contains("wasm backtrace"), "{}", inv.log);
    let stats = v.stats();
    assert_eq!((stats.discarded, stats.idle), (1, 0));
    let next = call(&v, b"{}");
    assert!(next.cold_start);
    assert_ne!(next.instance_id, inv.instance_id);
}

#[test]
fn unreachable_wat_trap_names_the_function_in_the_backtrace() {
    let exec = executor();
    let v = deploy(
        &exec,
        &wat("unreachable"),
        VersionSpec::new("unreachable", "index.handler"),
    );
    let inv = call(&v, b"");
    let Outcome::Trap { message } = &inv.outcome else {
        panic!("expected a trap, got {}", inv.outcome)
    };
    assert!(message.contains("unreachable"), "{message}");
    assert!(message.contains("explode"), "{message}");
}

#[test]
fn large_output_is_returned_whole_under_the_limit() {
    let exec = executor();
    let v = deploy_fixture(&exec, "large_output");
    let inv = call(&v, b"1048576");
    assert_eq!(inv.outcome.result().map(<[u8]>::len), Some(1 << 20));
}

#[test]
fn output_over_the_result_limit_is_result_too_large() {
    let exec = fgs_executor::Executor::builder()
        .manual_epoch()
        .max_result_bytes(1000)
        .build()
        .unwrap();
    let v = deploy_fixture(&exec, "large_output");
    let inv = call(&v, b"1001");
    assert_eq!(
        inv.outcome,
        Outcome::ResultTooLarge {
            size: 1001,
            limit: 1000
        }
    );
    assert_eq!(
        inv.outcome.to_string(),
        "function result of 1001 bytes exceeds the limit of 1000 bytes"
    );
    assert_eq!(text(&call(&v, b"1000")).len(), 1000);
}

struct Pong;

impl SubInvoker for Pong {
    fn invoke(&self, caller: &fgs_abi::Context, urn: &str, event: &[u8]) -> SubInvokeResult {
        match urn {
            "urn:fss:xx:p:function:default:pong:latest" => SubInvokeResult::Ok(
                format!(
                    "pong to {} ({})",
                    caller.request_id,
                    String::from_utf8_lossy(event)
                )
                .into_bytes(),
            ),
            "urn:fss:xx:p:function:default:broken:latest" => {
                SubInvokeResult::FunctionError("it broke".into())
            }
            other => SubInvokeResult::Failed(format!("function {other} not found")),
        }
    }
}

#[test]
fn a_handler_invokes_another_function_through_the_host() {
    let exec = executor();
    let v = deploy_fixture(&exec, "sub_invoke");
    let no_invoker = call(&v, b"urn:fss:xx:p:function:default:pong:latest");
    assert_eq!(
        no_invoker.outcome.to_string(),
        "function error: invoke failed: no sub-function invoker is configured"
    );
    exec.set_sub_invoker(Arc::new(Pong));
    let inv = v
        .invoke(&Request::new(
            "req-7",
            b"urn:fss:xx:p:function:default:pong:latest",
        ))
        .unwrap();
    assert_eq!(text(&inv), "sub said: pong to req-7 (ping)");
    let broken = call(&v, b"urn:fss:xx:p:function:default:broken:latest");
    assert_eq!(
        broken.outcome.to_string(),
        "function error: function error: it broke"
    );
    let missing = call(&v, b"urn:fss:xx:p:function:default:nope:latest");
    assert_eq!(
        missing.outcome.to_string(),
        "function error: invoke failed: function urn:fss:xx:p:function:default:nope:latest not found"
    );
}

#[test]
fn missing_handler_file_fails_at_invoke_with_its_name() {
    let exec = executor();
    let v = exec
        .function("nofile")
        .deploy(
            Code::Missing {
                file: "index.wasm".into(),
            },
            VersionSpec::new("nofile", "index.handler"),
        )
        .unwrap();
    assert_eq!(v.kind(), "missing");
    let inv = call(&v, b"{}");
    assert_eq!(
        inv.outcome.to_string(),
        "handler not found: the code package has no file index.wasm for handler index.handler"
    );
}

#[test]
fn missing_export_fails_at_invoke_naming_the_export() {
    let exec = executor();
    let v = deploy(
        &exec,
        &fixture("echo"),
        VersionSpec::new("noexport", "index.nope"),
    );
    // echo.wasm is a `#![no_main]` binary that still exports `_start`, but it exports
    // `fgs_alloc`: a handler module without the handler's export is "missing", not a command.
    assert_eq!(v.kind(), "missing");
    assert_eq!(
        call(&v, b"").outcome,
        Outcome::MissingHandler {
            message: "the module has no export `nope` for handler index.nope".into()
        }
    );
    let v = deploy(
        &exec,
        &wat("loop"),
        VersionSpec::new("noexport", "index.nope"),
    );
    assert_eq!(v.kind(), "missing");
    assert_eq!(
        call(&v, b"").outcome,
        Outcome::MissingHandler {
            message: "the module has no export `nope` for handler index.nope".into()
        }
    );
}
