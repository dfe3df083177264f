//! Node.js handlers (issue 11, DESIGN §3 item 3): `index.js` runs unchanged on the Node.js
//! runtime component (`node.wasm`, built by `fgs-local runtimes install node`).
//!
//! Every test but the "not installed" one needs `node.wasm` in the runtimes dir
//! (`$FGS_RUNTIMES_DIR`, else `~/.cache/fgs-local/runtimes`): without it they print a skip
//! message and pass, unless `FGS_REQUIRE_RUNTIMES=1` (CI), which makes them fail.

mod limits;
mod modules;
mod seed;

use fgs_lang::Language::Node;
use fgs_runtime::{Emulator, OutcomeKind};
use serde_json::{Value, json};

use crate::common::{assert_code, b64, emulator_with};
use crate::lang::{create, lang_emu, or_skip, text};

const HELLO: &str =
    "exports.handler = async (event, context) => ({ hello: event.name || 'world' });\n";

#[test]
fn an_async_hello_handler_answers_sync_with_its_resolved_value_as_json() {
    let emu = lang_emu(&or_skip!(Node));
    let urn = create(&emu, Node, "hello", &[("index.js", HELLO)], json!({}));
    let inv = emu.invoke(&urn, br#"{"name": "fgs"}"#).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    assert_eq!(text(&inv), r#"{"hello":"fgs"}"#);
    assert!(inv.cold_start);
    let again = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(text(&again), r#"{"hello":"world"}"#);
    assert!(!again.cold_start, "the warm instance is reused");
    assert_eq!(again.instance_id, inv.instance_id);
}

#[test]
fn a_hello_handler_runs_async_and_its_record_succeeds() {
    let emu = lang_emu(&or_skip!(Node));
    let urn = create(&emu, Node, "hello-async", &[("index.js", HELLO)], json!({}));
    let id = emu
        .invoke_async(&urn, json!({"name": "queued"}))
        .unwrap()
        .request_id;
    emu.run_due();
    let r = emu.get_async_invocation(&id).unwrap();
    assert_eq!(
        r.status,
        fgs_core::async_record::AsyncStatus::Success,
        "{r:?}"
    );
}

#[test]
fn sync_return_callback_and_inline_source_on_every_node_runtime() {
    let emu = lang_emu(&or_skip!(Node));
    let styles = [
        (
            "exports.handler = (event, context) => 'plain text';",
            "plain text",
        ),
        (
            "exports.handler = function (event, context, callback) { callback(null, {cb: true}); };",
            r#"{"cb":true}"#,
        ),
        (
            "exports.handler = (e, c, callback) => Promise.resolve().then(() => callback(null, 7));",
            "7",
        ),
    ];
    let runtimes = [
        "Node.js6.10",
        "Node.js8.10",
        "Node.js10.16",
        "Node.js12.13",
        "Node.js14.18",
    ];
    for (i, ((code, want), runtime)) in styles.iter().cycle().zip(runtimes).enumerate() {
        let body = json!({
            "func_name": format!("inline-{i}"), "package": "default", "runtime": runtime,
            "handler": "index.handler", "memory_size": 128, "timeout": 3,
            "code_type": "inline", "code_filename": "index.js",
            "func_code": {"file": b64(code.as_bytes())}
        });
        let urn = emu
            .create_function(serde_json::from_value(body).unwrap())
            .unwrap()
            .func_urn;
        let inv = emu.invoke(&urn, b"{}").unwrap();
        assert_eq!(inv.outcome, OutcomeKind::Success, "{runtime}: {inv:?}");
        assert_eq!(text(&inv), *want, "{runtime}");
    }
}

#[test]
fn the_context_has_the_platform_getters_and_a_logger_into_the_log() {
    let emu = lang_emu(&or_skip!(Node));
    let code = r#"
exports.handler = (event, context) => {
  const log = context.getLogger();
  log.info('info line');
  log.warn('warn line');
  log.error('error %s', 'formatted');
  log.debug('debug line');
  console.log('console line', { k: 1 });
  return {
    request_id: context.getRequestID(),
    remaining_positive: context.getRemainingTimeInMilliSeconds() > 0,
    user: context.getUserData('GREETING'),
    absent: context.getUserData('NOPE') === undefined,
    env: process.env.GREETING,
    function: context.getFunctionName(),
    version: context.getVersion(),
    memory: context.getMemorySize(),
    cpu: context.getCPUNumber(),
    project: context.getProjectID(),
    package: context.getPackage(),
  };
};
"#;
    let urn = create(
        &emu,
        Node,
        "getters",
        &[("index.js", code)],
        json!({"memory_size": 256, "user_data": "{\"GREETING\":\"hi\"}"}),
    );
    let options = fgs_runtime::InvokeOptions {
        request_id: Some("req-123".into()),
        ..Default::default()
    };
    let inv = emu.invoke_with(&urn, b"{}", options).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    let v: Value = serde_json::from_slice(&inv.result).unwrap();
    assert_eq!(v["request_id"], "req-123");
    assert_eq!(v["remaining_positive"], true);
    assert_eq!(v["user"], "hi");
    assert_eq!(v["absent"], true);
    assert_eq!(v["env"], "hi");
    assert_eq!(v["function"], "getters");
    assert_eq!(v["version"], "latest");
    assert_eq!(v["memory"], 256);
    assert_eq!(v["cpu"], 400);
    assert_eq!(v["project"], fgs_runtime::DEFAULT_PROJECT_ID);
    assert_eq!(v["package"], "default");
    let log = inv.log.unwrap();
    for line in [
        "[INFO] info line",
        "[WARN] warn line",
        "[ERROR] error formatted",
        "[DEBUG] debug line",
        r#"[INFO] console line {"k":1}"#,
    ] {
        assert!(log.contains(line), "{line:?} not in {log:?}");
    }
}

#[test]
fn the_initializer_runs_once_per_instance_before_the_first_call() {
    let emu = lang_emu(&or_skip!(Node));
    let code = r#"
const state = { inits: 0, calls: 0 };
exports.init = (context, callback) => {
  state.inits += 1;
  state.function = context.getFunctionName();
  callback(null, '');
};
exports.handler = async () => { state.calls += 1; return state; };
"#;
    let urn = create(
        &emu,
        Node,
        "initialized",
        &[("index.js", code)],
        json!({"initializer_handler": "index.init", "initializer_timeout": 5}),
    );
    let first = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(first.outcome, OutcomeKind::Success, "{first:?}");
    assert!(first.init_duration.is_some());
    assert_eq!(
        serde_json::from_slice::<Value>(&first.result).unwrap(),
        json!({"inits": 1, "calls": 1, "function": "initialized"})
    );
    let second = emu.invoke(&urn, b"{}").unwrap();
    assert!(second.init_duration.is_none());
    assert_eq!(
        serde_json::from_slice::<Value>(&second.result).unwrap(),
        json!({"inits": 1, "calls": 2, "function": "initialized"})
    );
}

#[test]
fn a_failing_initializer_is_an_initializer_failure_with_its_stack() {
    let emu = lang_emu(&or_skip!(Node));
    let code = "exports.init = async () => {\n  throw new Error('no config');\n};\nexports.handler = () => 1;\n";
    let urn = create(
        &emu,
        Node,
        "bad-init",
        &[("index.js", code)],
        json!({"initializer_handler": "index.init", "initializer_timeout": 5}),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(inv.outcome, OutcomeKind::InitializerFailed, "{inv:?}");
    assert_eq!(
        inv.error_message.as_deref(),
        Some("initializer failed: Error: no config")
    );
    assert!(inv.log.unwrap().contains("index.js:2:"));
}

#[test]
fn a_throw_or_rejection_is_a_function_error_with_its_stack_in_the_log() {
    let emu = lang_emu(&or_skip!(Node));
    let code = "exports.handler = async (event) => {\n  if (event.bad) throw new TypeError('bad input');\n  return event.n * 2;\n};\n";
    let urn = create(&emu, Node, "throws", &[("index.js", code)], json!({}));
    let inv = emu.invoke(&urn, br#"{"bad": true}"#).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::FunctionError, "{inv:?}");
    assert_eq!(
        inv.error_message.as_deref(),
        Some("function error: TypeError: bad input")
    );
    let log = inv.log.unwrap();
    assert!(log.contains("at exports.handler (index.js:2:"), "{log}");
    // A handled error keeps the instance: the next call is warm and works.
    let ok = emu.invoke(&urn, br#"{"n": 21}"#).unwrap();
    assert_eq!(ok.outcome, OutcomeKind::Success);
    assert!(!ok.cold_start);
    assert_eq!(text(&ok), "42");
    let urn = create(
        &emu,
        Node,
        "cb-error",
        &[(
            "index.js",
            "exports.handler = (e, c, cb) => cb(new Error('cb says no'));",
        )],
        json!({}),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(inv.outcome, OutcomeKind::FunctionError, "{inv:?}");
    assert_eq!(
        inv.error_message.as_deref(),
        Some("function error: Error: cb says no")
    );
}

#[test]
fn without_the_runtime_a_node_function_answers_503_saying_what_to_run() {
    let empty = tempfile::tempdir().unwrap();
    let emu = emulator_with(
        Emulator::builder()
            .manual_epoch()
            .pool_instances(4)
            .runtimes_dir(empty.path()),
    )
    .0;
    let urn = create(&emu, Node, "no-runtime", &[("index.js", HELLO)], json!({}));
    let result = emu.invoke(&urn, b"{}");
    let message = result.as_ref().unwrap_err().message().to_owned();
    assert_code(result, "FSS.0503", 503);
    assert!(
        message.contains("fgs-local runtimes install node"),
        "{message}"
    );
}
