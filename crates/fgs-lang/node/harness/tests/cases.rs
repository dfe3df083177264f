//! node.wasm against the handler-runtime world: results, context getters, initializer,
//! logs, errors and module loading. Skipped (with a message) when FGS_NODE_WASM is not set.

use fgs_lang_node_harness::{FailureKind, Instance, runtime};

const CTX: &str = r#"{"request_id":"req-1","function_name":"hello","package":"default","version":"latest","memory_size":256,"cpu":400,"timeout":3,"remaining_time_ms":3000,"user_data":{"GREETING":"hi","n":"7"},"project_id":"proj-9","invocation_type":"sync","attempt":1}"#;

/// An instance with `files` loaded for `handler` (and `init`), or None when skipped.
fn loaded(files: &[(&str, &str)], handler: &str, init: Option<&str>) -> Option<Instance> {
    let Some(rt) = runtime() else {
        eprintln!(
            "skipped: FGS_NODE_WASM is not set (build it with crates/fgs-lang/node/build.sh)"
        );
        return None;
    };
    let mut inst = rt.instance(files);
    inst.load(handler, init).expect("load");
    Some(inst)
}

fn run(
    src: &str,
    event: &str,
) -> Option<(Result<String, fgs_lang_node_harness::Failure>, Instance)> {
    let mut inst = loaded(&[("index.js", src)], "index.handler", None)?;
    let out = inst.handle(event, CTX);
    Some((out, inst))
}

fn ok(src: &str, event: &str) -> Option<String> {
    let (out, inst) = run(src, event)?;
    Some(out.unwrap_or_else(|f| panic!("handler failed: {f:?}; logs {:?}", inst.logs())))
}

#[test]
fn hello_returns_an_object_as_json() {
    let Some(out) = ok(
        "exports.handler = function (event, context) { return { statusCode: 200, body: 'hello ' + event.name }; };",
        r#"{"name":"fg"}"#,
    ) else {
        return;
    };
    assert_eq!(out, r#"{"statusCode":200,"body":"hello fg"}"#);
}

#[test]
fn string_result_is_returned_as_it_is() {
    let Some(out) = ok("exports.handler = () => 'plain text';", "{}") else {
        return;
    };
    assert_eq!(out, "plain text");
}

#[test]
fn undefined_result_is_null_and_numbers_are_json() {
    let Some(out) = ok("exports.handler = () => undefined;", "{}") else {
        return;
    };
    assert_eq!(out, "null");
    let Some(out) = ok("exports.handler = (e) => e.length * 1.5;", "[1,2]") else {
        return;
    };
    assert_eq!(out, "3");
}

#[test]
fn async_handler_is_awaited() {
    let src = "exports.handler = async (event, context) => { const v = await Promise.resolve(event.x + 1); return { v }; };";
    let Some(out) = ok(src, r#"{"x":41}"#) else {
        return;
    };
    assert_eq!(out, r#"{"v":42}"#);
}

#[test]
fn async_handler_with_a_timer() {
    let src = "exports.handler = async () => { await new Promise((r) => setTimeout(r, 5)); return 'after timer'; };";
    let Some(out) = ok(src, "{}") else { return };
    assert_eq!(out, "after timer");
}

#[test]
fn callback_style_handler() {
    let src = "exports.handler = function (event, context, callback) { callback(null, { got: event.k }); };";
    let Some(out) = ok(src, r#"{"k":"v"}"#) else {
        return;
    };
    assert_eq!(out, r#"{"got":"v"}"#);
}

#[test]
fn callback_called_later_from_a_timer() {
    let src = "exports.handler = function (event, context, callback) { setTimeout(() => callback(null, 'late'), 1); };";
    let Some(out) = ok(src, "{}") else { return };
    assert_eq!(out, "late");
}

#[test]
fn callback_error_is_a_function_error() {
    let src = "exports.handler = (event, context, callback) => callback(new Error('cb failed'));";
    let Some((out, _)) = run(src, "{}") else {
        return;
    };
    let f = out.unwrap_err();
    assert_eq!(f.kind, FailureKind::FunctionError);
    assert_eq!(f.message, "Error: cb failed");
}

#[test]
fn context_getters() {
    let src = r#"exports.handler = (event, context) => ({
        id: context.getRequestID(), left: context.getRemainingTimeInMilliSeconds(),
        greeting: context.getUserData('GREETING'), missing: context.getUserData('nope') === undefined,
        name: context.getFunctionName(), version: context.getVersion(), memory: context.getMemorySize(),
        cpu: context.getCPUNumber(), project: context.getProjectID(), pkg: context.getPackage(),
        env: process.env.GREETING });"#;
    let Some(out) = ok(src, "{}") else { return };
    assert_eq!(
        out,
        r#"{"id":"req-1","left":2999,"greeting":"hi","missing":true,"name":"hello","version":"latest","memory":256,"cpu":400,"project":"proj-9","pkg":"default","env":"hi"}"#
    );
}

#[test]
fn remaining_time_is_asked_of_the_host_each_call() {
    let Some((_, mut inst)) = run(
        "exports.handler = (e, c) => c.getRemainingTimeInMilliSeconds();",
        "{}",
    ) else {
        return;
    };
    inst.store.data_mut().remaining_ms = 17;
    assert_eq!(inst.handle("{}", CTX).unwrap(), "17");
}

#[test]
fn logger_levels_go_to_the_host_log() {
    let src = "exports.handler = (e, context) => { const l = context.getLogger(); l.info('i %s', 1); l.warn('w'); l.error('e'); l.debug('d'); return 0; };";
    let Some((out, inst)) = run(src, "{}") else {
        return;
    };
    out.unwrap();
    let want = [
        ("info", "i 1"),
        ("warn", "w"),
        ("error", "e"),
        ("debug", "d"),
    ];
    let got: Vec<(&str, &str)> = inst
        .logs()
        .iter()
        .map(|(l, m)| (l.as_str(), m.as_str()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn console_goes_to_the_host_log() {
    let src = "console.log('loading'); exports.handler = (e) => { console.log('event', e, 3); console.error('bad %d%%', 5); console.warn({ a: [1] }); return 1; };";
    let Some((out, inst)) = run(src, r#"{"k":1}"#) else {
        return;
    };
    out.unwrap();
    let got: Vec<(&str, &str)> = inst
        .logs()
        .iter()
        .map(|(l, m)| (l.as_str(), m.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("info", "loading"),
            ("info", r#"event {"k":1} 3"#),
            ("error", "bad 5%"),
            ("warn", r#"{"a":[1]}"#)
        ]
    );
}

#[test]
fn initializer_runs_once_and_its_state_is_kept() {
    let src = "let ready = 0; exports.init = (context) => { ready += 1; console.log('init ' + context.getFunctionName()); }; exports.handler = () => ({ ready });";
    let Some(mut inst) = loaded(&[("index.js", src)], "index.handler", Some("index.init")) else {
        return;
    };
    inst.initialize(CTX).unwrap();
    assert_eq!(inst.handle("{}", CTX).unwrap(), r#"{"ready":1}"#);
    assert_eq!(inst.handle("{}", CTX).unwrap(), r#"{"ready":1}"#);
    assert_eq!(
        inst.logs()[0],
        ("info".to_string(), "init hello".to_string())
    );
}

#[test]
fn callback_style_initializer_and_its_error() {
    let src = "exports.initializer = (context, callback) => setTimeout(() => callback(new Error('no db')), 1); exports.handler = () => 1;";
    let Some(mut inst) = loaded(
        &[("index.js", src)],
        "index.handler",
        Some("index.initializer"),
    ) else {
        return;
    };
    let f = inst.initialize(CTX).unwrap_err();
    assert_eq!(
        (f.kind, f.message.as_str()),
        (FailureKind::FunctionError, "Error: no db")
    );
}

#[test]
fn module_state_is_kept_between_warm_calls() {
    let Some((_, mut inst)) = run("let n = 0; exports.handler = () => ++n;", "{}") else {
        return;
    };
    assert_eq!(inst.handle("{}", CTX).unwrap(), "2");
    assert_eq!(inst.handle("{}", CTX).unwrap(), "3");
}

#[test]
fn thrown_error_has_message_and_stack() {
    let src = "function inner() {\n  throw new Error('boom');\n}\nexports.handler = function handler() {\n  return inner();\n};\n";
    let Some((out, _)) = run(src, "{}") else {
        return;
    };
    let f = out.unwrap_err();
    assert_eq!(f.kind, FailureKind::FunctionError);
    assert_eq!(f.message, "Error: boom");
    assert!(
        f.trace
            .starts_with("Error: boom\n    at inner (index.js:2:"),
        "{}",
        f.trace
    );
    assert!(
        f.trace.contains("    at handler (index.js:5:"),
        "{}",
        f.trace
    );
}

#[test]
fn type_error_and_rejection_and_thrown_string() {
    let Some((out, _)) = run("exports.handler = (e) => e.nope.deeper;", "{}") else {
        return;
    };
    let f = out.unwrap_err();
    assert_eq!(f.kind, FailureKind::FunctionError);
    assert!(f.message.starts_with("TypeError: "), "{}", f.message);
    let Some((out, _)) = run(
        "exports.handler = async () => { throw new RangeError('too far'); };",
        "{}",
    ) else {
        return;
    };
    assert_eq!(out.unwrap_err().message, "RangeError: too far");
    let Some((out, _)) = run(
        "exports.handler = () => Promise.reject('plain reason');",
        "{}",
    ) else {
        return;
    };
    assert_eq!(out.unwrap_err().message, "Error: plain reason");
    let Some((out, _)) = run("exports.handler = () => { throw 'just a string'; };", "{}") else {
        return;
    };
    assert_eq!(out.unwrap_err().message, "Error: just a string");
}

#[test]
fn an_instance_keeps_working_after_a_handled_error() {
    let Some((out, mut inst)) = run(
        "exports.handler = (e) => { if (e.fail) throw new Error('x'); return 'fine'; };",
        r#"{"fail":true}"#,
    ) else {
        return;
    };
    assert!(out.is_err());
    assert_eq!(inst.handle("{}", CTX).unwrap(), "fine");
}

#[test]
fn missing_module_or_function_is_missing_handler() {
    let Some(rt) = runtime() else { return };
    let mut inst = rt.instance(&[("index.js", "exports.handler = () => 1;")]);
    let f = inst.load("main.handler", None).unwrap_err();
    assert_eq!(f.kind, FailureKind::MissingHandler);
    assert!(f.message.contains("main"), "{}", f.message);
    let mut inst = rt.instance(&[("index.js", "exports.other = () => 1;")]);
    let f = inst.load("index.handler", None).unwrap_err();
    assert_eq!(f.kind, FailureKind::MissingHandler);
    assert!(f.message.contains("handler"), "{}", f.message);
    let mut inst = rt.instance(&[("index.js", "exports.handler = () => 1;")]);
    let f = inst.load("index.handler", Some("index.init")).unwrap_err();
    assert_eq!(f.kind, FailureKind::MissingHandler);
    let mut inst = rt.instance(&[("index.js", "exports.handler = () => 1;")]);
    assert_eq!(
        inst.load("nodot", None).unwrap_err().kind,
        FailureKind::MissingHandler
    );
}

#[test]
fn syntax_error_is_a_load_error() {
    let Some(rt) = runtime() else { return };
    let mut inst = rt.instance(&[("index.js", "exports.handler = (e) => {\n  return {;\n};\n")]);
    let f = inst.load("index.handler", None).unwrap_err();
    assert_eq!(f.kind, FailureKind::LoadError);
    assert!(f.message.starts_with("SyntaxError: "), "{}", f.message);
}

#[test]
fn failing_top_level_and_missing_dependency_are_load_errors() {
    let Some(rt) = runtime() else { return };
    let mut inst = rt.instance(&[("index.js", "throw new Error('bad config');")]);
    let f = inst.load("index.handler", None).unwrap_err();
    assert_eq!(
        (f.kind, f.message.as_str()),
        (FailureKind::LoadError, "Error: bad config")
    );
    let mut inst = rt.instance(&[(
        "index.js",
        "const x = require('left-pad'); exports.handler = () => x;",
    )]);
    let f = inst.load("index.handler", None).unwrap_err();
    assert_eq!(f.kind, FailureKind::LoadError);
    assert!(
        f.message.contains("Cannot find module 'left-pad'"),
        "{}",
        f.message
    );
    let mut inst = rt.instance(&[("index.js", "require('fs'); exports.handler = () => 1;")]);
    let f = inst.load("index.handler", None).unwrap_err();
    assert!(
        f.message.contains("Cannot find module 'fs'"),
        "{}",
        f.message
    );
}

#[test]
fn native_addon_is_a_load_error_naming_it() {
    let files = [
        (
            "index.js",
            "const b = require('./build/binding.node'); exports.handler = () => 1;",
        ),
        ("build/binding.node", "\u{7f}ELF"),
    ];
    let Some(rt) = runtime() else { return };
    let mut inst = rt.instance(&files);
    let f = inst.load("index.handler", None).unwrap_err();
    assert_eq!(f.kind, FailureKind::LoadError);
    assert!(f.message.contains("build/binding.node"), "{}", f.message);
}

#[test]
fn require_relative_helper_and_json() {
    let files = [
        (
            "index.js",
            "const util = require('./lib/util'); const cfg = require('./config.json'); exports.handler = (e) => util.shout(cfg.word);",
        ),
        (
            "lib/util.js",
            "const again = require('../lib/util.js'); exports.shout = (s) => s.toUpperCase() + '!'; exports.self = again;",
        ),
        ("config.json", r#"{"word":"hey"}"#),
    ];
    let Some(mut inst) = loaded(&files, "index.handler", None) else {
        return;
    };
    assert_eq!(inst.handle("{}", CTX).unwrap(), "HEY!");
}

#[test]
fn require_a_node_modules_package() {
    let files = [
        (
            "index.js",
            "const pad = require('left-pad'); const s = require('@scope/tool/extra'); exports.handler = (e) => pad(e.v, 5, '0') + s;",
        ),
        (
            "node_modules/left-pad/package.json",
            r#"{"name":"left-pad","main":"./lib/main"}"#,
        ),
        (
            "node_modules/left-pad/lib/main.js",
            "const rep = require('./repeat'); module.exports = (s, n, c) => rep(c, n - String(s).length) + s;",
        ),
        (
            "node_modules/left-pad/lib/repeat.js",
            "module.exports = (c, n) => n > 0 ? c.repeat(n) : '';",
        ),
        (
            "node_modules/@scope/tool/extra.js",
            "module.exports = '-x';",
        ),
    ];
    let Some(mut inst) = loaded(&files, "index.handler", None) else {
        return;
    };
    assert_eq!(inst.handle(r#"{"v":42}"#, CTX).unwrap(), "00042-x");
    let reads = &inst.store.data().reads;
    assert_eq!(
        reads
            .iter()
            .filter(|p| p.as_str() == "node_modules/left-pad/lib/repeat.js")
            .count(),
        1
    );
}

#[test]
fn require_cycle_sees_partial_exports() {
    let files = [
        (
            "index.js",
            "exports.early = 'yes'; const b = require('./b'); exports.handler = () => b.seen;",
        ),
        (
            "b.js",
            "const a = require('./index'); exports.seen = a.early;",
        ),
    ];
    let Some(mut inst) = loaded(&files, "index.handler", None) else {
        return;
    };
    assert_eq!(inst.handle("{}", CTX).unwrap(), "yes");
}

#[test]
fn handler_in_a_subdirectory_and_module_exports() {
    let files = [(
        "src/app.js",
        "module.exports = { main: async (event) => ({ echo: event }) };",
    )];
    let Some(mut inst) = loaded(&files, "src/app.main", None) else {
        return;
    };
    assert_eq!(
        inst.handle("[1,\"a\"]", CTX).unwrap(),
        r#"{"echo":[1,"a"]}"#
    );
}

#[test]
fn unserialisable_result_is_a_function_error() {
    let Some((out, _)) = run(
        "exports.handler = () => { const o = {}; o.o = o; return o; };",
        "{}",
    ) else {
        return;
    };
    let f = out.unwrap_err();
    assert_eq!(f.kind, FailureKind::FunctionError);
    assert!(f.message.starts_with("TypeError: "), "{}", f.message);
}
