//! Python handlers (issue 11, DESIGN §3 item 3): `index.py` runs unchanged on the Python
//! runtime component (`python.wasm`, built by `fgs-local runtimes install`).
//!
//! Every test but the "not installed" one needs `python.wasm` in the runtimes dir
//! (`$FGS_RUNTIMES_DIR`, else `~/.cache/fgs-local/runtimes`): without it they print a skip
//! message and pass, unless `FGS_REQUIRE_RUNTIMES=1` (CI), which makes them fail.

mod limits;
mod seed;

use fgs_lang::Language::Python;
use fgs_runtime::{Emulator, OutcomeKind};
use serde_json::{Value, json};

use crate::common::{assert_code, b64, emulator_with, zip_of};
use crate::lang::{create, create_dependency, lang_emu, or_skip, text, update_code_with_deps};

const HELLO: &str = r#"
def handler(event, context):
    return {"hello": event.get("name", "world")}
"#;

#[test]
fn a_hello_handler_answers_sync_with_its_return_value_as_json() {
    let emu = lang_emu(&or_skip!(Python));
    let urn = create(&emu, Python, "hello", &[("index.py", HELLO)], json!({}));
    let inv = emu.invoke(&urn, br#"{"name": "fgs"}"#).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    assert_eq!(text(&inv), r#"{"hello": "fgs"}"#);
    assert!(inv.cold_start);
    let again = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(text(&again), r#"{"hello": "world"}"#);
    assert!(!again.cold_start, "the warm instance is reused");
    assert_eq!(again.instance_id, inv.instance_id);
}

#[test]
fn a_hello_handler_runs_async_and_its_record_succeeds() {
    let emu = lang_emu(&or_skip!(Python));
    let urn = create(
        &emu,
        Python,
        "hello-async",
        &[("index.py", HELLO)],
        json!({}),
    );
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
    let totals = emu.function_metrics_totals(&urn).unwrap();
    assert_eq!((totals.invocations, totals.failures), (1, 0));
}

#[test]
fn inline_source_runs_as_the_file_the_handler_names() {
    let emu = lang_emu(&or_skip!(Python));
    let body = json!({
        "func_name": "inline", "package": "default", "runtime": "Python3.6",
        "handler": "index.handler", "memory_size": 128, "timeout": 3,
        "code_type": "inline", "code_filename": "index.py",
        "func_code": {"file": b64(b"def handler(event, context):\n    return 'plain text'\n")}
    });
    let urn = emu
        .create_function(serde_json::from_value(body).unwrap())
        .unwrap()
        .func_urn;
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    // A str result is the response body as is (not JSON-encoded again).
    assert_eq!(text(&inv), "plain text");
}

#[test]
fn the_context_has_the_platform_getters_and_a_logger_into_the_log() {
    let emu = lang_emu(&or_skip!(Python));
    let code = r#"
def handler(event, context):
    log = context.getLogger()
    log.info("info line")
    log.warn("warn line")
    log.error("error %s", "formatted")
    log.debug("debug line")
    print("printed line")
    return {
        "request_id": context.getRequestID(),
        "remaining_positive": context.getRemainingTimeInMilliSeconds() > 0,
        "user": context.getUserData("GREETING"),
        "absent": context.getUserData("NOPE"),
        "function": context.getFunctionName(),
        "version": context.getVersion(),
        "memory": context.getMemorySize(),
        "cpu": context.getCPUNumber(),
        "project": context.getProjectID(),
        "package": context.getPackage(),
    }
"#;
    let urn = create(
        &emu,
        Python,
        "getters",
        &[("index.py", code)],
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
    assert_eq!(v["absent"], Value::Null);
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
        "printed line",
    ] {
        assert!(log.contains(line), "{line:?} not in {log:?}");
    }
}

#[test]
fn the_initializer_runs_once_per_instance_before_the_first_call() {
    let emu = lang_emu(&or_skip!(Python));
    let code = r#"
state = {"inits": 0, "calls": 0}

def init(context):
    state["inits"] += 1
    state["function"] = context.getFunctionName()

def handler(event, context):
    state["calls"] += 1
    return state
"#;
    let urn = create(
        &emu,
        Python,
        "initialized",
        &[("index.py", code)],
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
fn a_failing_initializer_is_an_initializer_failure_with_its_traceback() {
    let emu = lang_emu(&or_skip!(Python));
    let code = "def init(context):\n    raise RuntimeError('no config')\n\ndef handler(e, c):\n    return 1\n";
    let urn = create(
        &emu,
        Python,
        "bad-init",
        &[("index.py", code)],
        json!({"initializer_handler": "index.init", "initializer_timeout": 5}),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(inv.outcome, OutcomeKind::InitializerFailed, "{inv:?}");
    assert_eq!(
        inv.error_message.as_deref(),
        Some("initializer failed: RuntimeError: no config")
    );
    assert!(inv.log.unwrap().contains("Traceback"));
}

#[test]
fn an_exception_is_a_function_error_with_its_traceback_in_the_log() {
    let emu = lang_emu(&or_skip!(Python));
    let code = "def handler(event, context):\n    return 1 / event['d']\n";
    let urn = create(&emu, Python, "raises", &[("index.py", code)], json!({}));
    let inv = emu.invoke(&urn, br#"{"d": 0}"#).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::FunctionError, "{inv:?}");
    assert_eq!(
        inv.error_message.as_deref(),
        Some("function error: ZeroDivisionError: division by zero")
    );
    let log = inv.log.unwrap();
    assert!(log.contains("Traceback (most recent call last)"), "{log}");
    assert!(log.contains("index.py\", line 2, in handler"), "{log}");
    // A handled error keeps the instance: the next call is warm and works.
    let ok = emu.invoke(&urn, br#"{"d": 4}"#).unwrap();
    assert_eq!(ok.outcome, OutcomeKind::Success);
    assert!(!ok.cold_start);
    assert_eq!(text(&ok), "0.25");
}

#[test]
fn a_missing_handler_function_or_file_is_a_missing_handler() {
    let emu = lang_emu(&or_skip!(Python));
    let urn = create(
        &emu,
        Python,
        "nofunc",
        &[("index.py", HELLO)],
        json!({"handler": "index.nothere"}),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(inv.outcome, OutcomeKind::MissingHandler, "{inv:?}");
    assert_eq!(
        inv.error_message.as_deref(),
        Some("handler not found: module index has no function nothere for handler index.nothere")
    );
    let urn = create(
        &emu,
        Python,
        "nofile",
        &[("other.py", HELLO)],
        json!({"handler": "main.handler"}),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(inv.outcome, OutcomeKind::MissingHandler, "{inv:?}");
    assert_eq!(
        inv.error_message.as_deref(),
        Some("handler not found: the code package has no file main.py for handler main.handler")
    );
}

#[test]
fn modules_and_packages_of_the_code_package_import_and_native_extensions_are_named() {
    let emu = lang_emu(&or_skip!(Python));
    let index = r#"
import helper
from lib.util import double
from lib import VERSION

def handler(event, context):
    return {"greeting": helper.greet(event["name"]), "double": double(21), "version": VERSION}
"#;
    let urn = create(
        &emu,
        Python,
        "imports",
        &[
            ("index.py", index),
            ("helper.py", "def greet(n):\n    return 'hi ' + n\n"),
            ("lib/__init__.py", "VERSION = '1.0'\n"),
            ("lib/util.py", "def double(x):\n    return 2 * x\n"),
        ],
        json!({}),
    );
    let inv = emu.invoke(&urn, br#"{"name": "py"}"#).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    assert_eq!(
        serde_json::from_slice::<Value>(&inv.result).unwrap(),
        json!({"greeting": "hi py", "double": 42, "version": "1.0"})
    );
    let urn = create(
        &emu,
        Python,
        "native",
        &[
            (
                "index.py",
                "import fastmath\n\ndef handler(e, c):\n    return 1\n",
            ),
            ("fastmath.cpython-39-x86_64-linux-gnu.so", "\x7fELF"),
        ],
        json!({}),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(inv.outcome, OutcomeKind::FunctionError, "{inv:?}");
    let message = inv.error_message.unwrap();
    assert!(
        message.contains("native extension module 'fastmath'"),
        "{message}"
    );
}

#[test]
fn the_functions_dependencies_import_like_modules_of_the_package() {
    // Dependencies of the dependencies API (seed §5.3) named in `depend_list`: a ZIP of
    // modules at its root (`pip install -t`) or under `python/`; the code package's own
    // files win over a dependency's at the same path, and a native extension in a dependency
    // is named.
    let emu = lang_emu(&or_skip!(Python));
    let textkit = create_dependency(
        &emu,
        Python,
        "textkit",
        &[
            (
                "textkit/__init__.py",
                "from textkit.case import shout\nVERSION = '2.0'\n",
            ),
            (
                "textkit/case.py",
                "def shout(s):\n    return s.upper() + '!'\n",
            ),
            ("origin.py", "WHO = 'dependency'\n"),
        ],
    );
    let mathkit = create_dependency(
        &emu,
        Python,
        "mathkit",
        &[
            ("python/mathkit.py", "def double(x):\n    return 2 * x\n"),
            ("fastjson.cpython-39-x86_64-linux-gnu.so", "\x7fELF"),
        ],
    );
    let urn = create(&emu, Python, "with-deps", &[("index.py", HELLO)], json!({}));
    let index = r#"
import mathkit
import origin
import textkit

def handler(event, context):
    if event.get("native"):
        import fastjson
    return {"shout": textkit.shout(event["name"]), "version": textkit.VERSION,
            "double": mathkit.double(21), "origin": origin.WHO}
"#;
    update_code_with_deps(
        &emu,
        &urn,
        &[("index.py", index), ("origin.py", "WHO = 'package'\n")],
        &[textkit, mathkit],
    );
    let inv = emu.invoke(&urn, br#"{"name": "py"}"#).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    assert_eq!(
        serde_json::from_slice::<Value>(&inv.result).unwrap(),
        json!({"shout": "PY!", "version": "2.0", "double": 42, "origin": "package"})
    );
    let inv = emu
        .invoke(&urn, br#"{"name": "py", "native": true}"#)
        .unwrap();
    assert_eq!(inv.outcome, OutcomeKind::FunctionError, "{inv:?}");
    let message = inv.error_message.unwrap();
    assert!(
        message.contains("native extension module 'fastjson'"),
        "{message}"
    );
}

#[test]
fn without_the_runtime_a_python_function_answers_503_saying_what_to_run() {
    let empty = tempfile::tempdir().unwrap();
    let emu = emulator_with(
        Emulator::builder()
            .manual_epoch()
            .pool_instances(4)
            .runtimes_dir(empty.path()),
    )
    .0;
    let urn = create(
        &emu,
        Python,
        "no-runtime",
        &[("index.py", HELLO)],
        json!({}),
    );
    let result = emu.invoke(&urn, b"{}");
    let message = result.as_ref().unwrap_err().message().to_owned();
    assert_code(result, "FSS.0503", 503);
    assert!(
        message.contains("fgs-local runtimes install python"),
        "{message}"
    );
    // Wasm handlers keep working on the same emulator.
    crate::hostile::assert_echo_still_works(&emu, "wasm-still-works");
}

#[test]
fn a_code_update_runs_the_new_code_on_the_next_call_without_building_anything() {
    let emu = lang_emu(&or_skip!(Python));
    let urn = create(&emu, Python, "updated", &[("index.py", HELLO)], json!({}));
    assert_eq!(
        text(&emu.invoke(&urn, b"{}").unwrap()),
        r#"{"hello": "world"}"#
    );
    let code = "import textwrap\n\ndef handler(event, context):\n    return textwrap.shorten('version two of the code', 14)\n";
    emu.update_function_code(
        &urn,
        serde_json::from_value(json!({
            "code_type": "zip",
            "code_filename": "index.zip",
            "func_code": {"file": b64(&zip_of(&[("index.py", code.as_bytes())]))}
        }))
        .unwrap(),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let inv = emu.invoke(&urn, b"{}").unwrap();
    let took = started.elapsed();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    // A standard-library module not imported by the shim loads at run time.
    assert_eq!(text(&inv), "version [...]");
    assert!(inv.cold_start);
    // The runtime component is not built or compiled again: a new instance loads the code
    // (generous bound for a loaded debug build; typically a few milliseconds).
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
}
