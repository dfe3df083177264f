//! Python and Node.js handlers through `fgs-local serve` (the REST API on a socket) and
//! `fgs-local invoke` (issue 11): a manifest deploys `index.py` / `index.js` from a directory
//! with the seed's runtime, and the handler answers sync (result, log tail, a thrown error's
//! exit status) and async (its record reaches SUCCESS). Skipped with a line on stderr when
//! the runtime component is not installed; `FGS_REQUIRE_RUNTIMES=1` (CI) fails instead.

use std::time::{Duration, Instant};

use fgs_lang::Language;
use serde_json::Value;

use crate::common::*;

/// Whether `lang`'s component is installed where `fgs-local serve` looks for it.
fn installed(lang: Language) -> bool {
    let dir = fgs_lang::default_runtimes_dir(|k| std::env::var_os(k));
    if dir.installed(lang).is_some() {
        return true;
    }
    let message = format!(
        "{}.wasm is not installed in {} (run `bash crates/fgs-lang/install-runtimes.sh`)",
        lang.name(),
        dir.path().display()
    );
    assert!(
        std::env::var_os("FGS_REQUIRE_RUNTIMES").is_none_or(|v| v != "1"),
        "FGS_REQUIRE_RUNTIMES=1: {message}"
    );
    eprintln!("skipped: {message}");
    false
}

/// Serves a manifest with one function `hello` of `runtime` whose code directory holds
/// `file` with `source`; runs the scenario of the module docs against it.
fn scenario(runtime: &str, file: &str, source: &str, logged: &str) {
    let dir = tempfile::tempdir().unwrap();
    let code = dir.path().join("code");
    std::fs::create_dir(&code).unwrap();
    write(&code, file, source);
    let m = write(
        dir.path(),
        "fgs.toml",
        &format!("[[functions]]\nname = \"hello\"\nruntime = {runtime:?}\ncode = {code:?}\n"),
    );
    let server = Server::start(&["--manifest", m.to_str().unwrap()]);
    let ep = server.endpoint();

    let out = run(
        &["invoke", "hello", "--log", "--event", "-", ep[0], ep[1]],
        Some(br#"{"name":"fgs"}"#),
    );
    assert!(out.status.success(), "{out:?}");
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["hello"], "fgs", "{result}");
    assert_eq!(result["request_id"].as_str().map(str::len), Some(36));
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains(logged), "the log tail on stderr: {log}");

    let out = run(
        &["invoke", "hello", "--event", "-", ep[0], ep[1]],
        Some(br#"{"fail":true}"#),
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("asked to fail"), "{err}");

    let out = run(
        &["invoke", "hello", "--async", "--event", "-", ep[0], ep[1]],
        Some(br#"{"name":"later"}"#),
    );
    assert!(out.status.success(), "{out:?}");
    let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    // The server runs the queue on the real clock: wait (bounded) for the final record.
    let url = format!(
        "{}/functions/hello/async-invocations?request_id={id}",
        server.api()
    );
    let bound = Instant::now() + Duration::from_secs(60);
    let status = loop {
        let records = get_json(&url);
        let status = records["invocations"][0]["status"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        if status == "SUCCESS" || status == "FAIL" || Instant::now() > bound {
            break status;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status, "SUCCESS", "the async record of {id}");
    assert!(server.stop().success());
}

mod python {
    use super::*;

    #[test]
    fn a_python_handler_answers_through_serve_and_invoke() {
        if !installed(Language::Python) {
            return;
        }
        scenario(
            "Python3.9",
            "index.py",
            "def handler(event, context):\n    context.getLogger().info('hello from python')\n    if event.get('fail'):\n        raise ValueError('asked to fail')\n    return {'hello': event.get('name'), 'request_id': context.getRequestID()}\n",
            "hello from python",
        );
    }
}

mod node {
    use super::*;

    #[test]
    fn a_node_handler_answers_through_serve_and_invoke() {
        if !installed(Language::Node) {
            return;
        }
        scenario(
            "Node.js14.18",
            "index.js",
            "exports.handler = async (event, context) => {\n  context.getLogger().info('hello from node');\n  if (event.fail) throw new Error('asked to fail');\n  return { hello: event.name, request_id: context.getRequestID() };\n};\n",
            "hello from node",
        );
    }
}
