//! What the Python and Node.js handler tests share (issue 11, DESIGN §3 item 3): the skip rule
//! when a runtime component is not installed, an emulator that finds the runtimes, creating a
//! function from source files, and the limit checks both languages run with their own handler
//! code (`python/limits.rs`, `node/limits.rs`).

use std::path::Path;

use fgs_lang::Language;
use fgs_runtime::{Emulator, InvocationResult, OutcomeKind};
use serde_json::{Value, json};

use crate::common::{assert_code, b64, emulator_with, zip_of};
use crate::invoke::{set_max_instances, ticking, wait_running};

/// The runtimes dir, or return from the test (skipped; see [`crate::common::runtimes`]):
/// `or_skip!(Python)`, `or_skip!(Node)`.
macro_rules! or_skip {
    ($lang:ident) => {
        match $crate::common::runtimes(fgs_lang::Language::$lang) {
            Some(dir) => dir,
            None => return,
        }
    };
}
pub(crate) use or_skip;

/// An emulator on the manual clock and manual epoch that finds its runtimes in `dir`.
pub fn lang_emu(dir: &Path) -> Emulator {
    emulator_with(
        Emulator::builder()
            .manual_epoch()
            .pool_instances(16)
            .runtimes_dir(dir),
    )
    .0
}

/// The runtime the tests of `lang` create functions with (`Python3.9`, `Node.js14.18`).
pub fn runtime_of(lang: Language) -> &'static str {
    match lang {
        Language::Python => "Python3.9",
        Language::Node => "Node.js14.18",
    }
}

/// Creates a function `name` of `lang` whose ZIP holds `files` (handler `index.handler`,
/// 128 MB, 3 s), with `extra` create fields. Returns the unqualified URN.
pub fn create(
    emu: &Emulator,
    lang: Language,
    name: &str,
    files: &[(&str, &str)],
    extra: Value,
) -> String {
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (*n, c.as_bytes())).collect();
    let mut body = json!({
        "func_name": name,
        "package": "default",
        "runtime": runtime_of(lang),
        "handler": "index.handler",
        "memory_size": 128,
        "timeout": 3,
        "code_type": "zip",
        "code_filename": "index.zip",
        "func_code": {"file": b64(&zip_of(&files))}
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let config = emu
        .create_function(serde_json::from_value(body).unwrap())
        .unwrap();
    config.func_urn.trim_end_matches(":latest").to_owned()
}

/// The result as text.
pub fn text(inv: &InvocationResult) -> String {
    String::from_utf8_lossy(&inv.result).into_owned()
}

/// Seed §4.2's static page: `urn`, given an APIG GET event with `?title=Hi`, answers a 200
/// response object whose HTML body carries the title.
pub fn assert_static_page(emu: &Emulator, urn: &str) {
    let event =
        json!({"httpMethod": "GET", "path": "/html", "queryStringParameters": {"title": "Hi"}});
    let inv = emu.invoke(urn, event.to_string().as_bytes()).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    let v: Value = serde_json::from_slice(&inv.result).unwrap();
    assert_eq!(v["statusCode"], 200);
    assert_eq!(v["headers"]["Content-Type"], "text/html; charset=utf-8");
    assert_eq!(
        v["body"],
        "<html><head><title>Hi</title></head><body><h1>Hi</h1></body></html>"
    );
}

/// `urn` allocates without end on `{"hungry": true}` and answers `"fed"` otherwise: the
/// hungry call ends as out of memory within `memory_size` (128 MB), and the next call works on
/// a new instance.
pub fn assert_out_of_memory_then_recovers(emu: &Emulator, urn: &str) {
    let inv = emu.invoke(urn, br#"{"hungry": true}"#).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::OutOfMemory, "{inv:?}");
    assert!(
        inv.memory_used_bytes <= 128 << 20,
        "{} bytes",
        inv.memory_used_bytes
    );
    let next = emu.invoke(urn, b"{}").unwrap();
    assert_eq!(next.outcome, OutcomeKind::Success, "{next:?}");
    assert!(
        next.cold_start,
        "the instance that ran out of memory was discarded"
    );
    assert_eq!(text(&next), "fed");
}

/// `urn` (timeout 3 s) loops without end on `{"spin": true}` and answers `"done"` otherwise:
/// the looping call times out, and the next call works on a new instance.
pub fn assert_timeout_then_recovers(emu: &Emulator, urn: &str) {
    // Warm first: the ticks then only count the looping call.
    assert_eq!(text(&emu.invoke(urn, b"{}").unwrap()), "done");
    let inv = ticking(emu, || emu.invoke(urn, br#"{"spin": true}"#).unwrap());
    assert_eq!(inv.outcome, OutcomeKind::Timeout, "{inv:?}");
    assert_eq!(
        inv.error_message.as_deref(),
        Some("function timed out after 3000 ms")
    );
    let next = emu.invoke(urn, b"{}").unwrap();
    assert_eq!(next.outcome, OutcomeKind::Success, "{next:?}");
    assert!(next.cold_start, "the timed-out instance was discarded");
}

/// `urn`'s initializer loops without end (`initializer_timeout` 1 s): the first call ends as
/// an initializer timeout.
pub fn assert_initializer_timeout(emu: &Emulator, urn: &str) {
    let inv = ticking(emu, || emu.invoke(urn, b"{}").unwrap());
    assert_eq!(inv.outcome, OutcomeKind::InitializerTimeout, "{inv:?}");
    assert_eq!(
        inv.error_message.as_deref(),
        Some("initializer timed out after 1000 ms")
    );
}

/// `urn` (a long timeout) loops on `{"spin": true}` and answers `"done"` otherwise: with max
/// instances 1, a call while one runs is 429 FSS.0429; once it ended, calls work again.
pub fn assert_max_instances(emu: &Emulator, urn: &str) {
    set_max_instances(emu, urn, 1);
    std::thread::scope(|s| {
        let running = s.spawn(|| emu.invoke(urn, br#"{"spin": true}"#).unwrap());
        wait_running(emu, urn, 1);
        assert_code(emu.invoke(urn, b"{}"), "FSS.0429", 429);
        ticking(emu, || {
            while !running.is_finished() {
                std::thread::yield_now();
            }
        });
        assert_eq!(running.join().unwrap().outcome, OutcomeKind::Timeout);
    });
    assert_eq!(text(&emu.invoke(urn, b"{}").unwrap()), "done");
}

/// Creates a dependency (dependencies management API, seed §5.3) of `lang`'s runtime from
/// `files` and returns its id.
pub fn create_dependency(
    emu: &Emulator,
    lang: Language,
    name: &str,
    files: &[(&str, &str)],
) -> String {
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (*n, c.as_bytes())).collect();
    emu.create_dependency(
        serde_json::from_value(json!({
            "depend_type": "zip",
            "runtime": runtime_of(lang),
            "name": name,
            "depend_file": b64(&zip_of(&files))
        }))
        .unwrap(),
    )
    .unwrap()
    .id
}

/// Replaces `urn`'s code with a ZIP of `files` and sets its `depend_list` (update code, E21).
pub fn update_code_with_deps(emu: &Emulator, urn: &str, files: &[(&str, &str)], deps: &[String]) {
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (*n, c.as_bytes())).collect();
    emu.update_function_code(
        urn,
        serde_json::from_value(json!({
            "code_type": "zip",
            "code_filename": "index.zip",
            "func_code": {"file": b64(&zip_of(&files))},
            "depend_list": deps
        }))
        .unwrap(),
    )
    .unwrap();
}
