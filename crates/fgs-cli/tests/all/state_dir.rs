//! `fgs-local serve --state-dir`: what the REST API made survives a restart on the same
//! directory; the sample is not deployed again into a project that has functions; a manifest
//! is applied again without changes; a damaged directory is a clear error.

use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

use crate::common::*;

/// POST /functions with fixture `code` inline; asserts 200.
fn create(server: &Server, name: &str, code: &str) {
    let body = json!({
        "func_name": name, "package": "default", "runtime": "Custom",
        "handler": "index.handler", "memory_size": 128, "timeout": 3, "code_type": "inline",
        "func_code": {"file": base64::engine::general_purpose::STANDARD
            .encode(std::fs::read(fixture(code)).unwrap())}
    });
    let (status, text) = http(
        "POST",
        &format!("{}/functions", server.api()),
        Some(&body.to_string()),
    );
    assert_eq!(status, 200, "{text}");
}

/// Waits (bounded) until request `id` of `function` has a final record; that record.
fn final_record(server: &Server, function: &str, id: &str) -> Value {
    let bound = Instant::now() + DEADLINE;
    loop {
        let list = get_json(&format!(
            "{}/functions/{function}/async-invocations?request_id={id}",
            server.api()
        ));
        if let Some(r) = list["invocations"].as_array().and_then(|a| a.first())
            && matches!(r["status"].as_str(), Some("SUCCESS" | "FAIL" | "DISCARD"))
        {
            return r.clone();
        }
        assert!(Instant::now() < bound, "no final record for {id}: {list}");
        std::thread::park_timeout(Duration::from_millis(20));
    }
}

/// Every list and get response the test compares across a restart.
fn views(server: &Server) -> Vec<Value> {
    let api = server.api();
    let mut out = vec![get_json(&format!("{api}/functions"))];
    for f in ["hello", "kept"] {
        for path in [
            format!("{api}/functions/{f}/config"),
            format!("{api}/functions/{f}/code"),
            format!("{api}/functions/{f}/versions"),
            format!("{api}/functions/{f}/aliases"),
            format!("{api}/triggers/{f}"),
        ] {
            out.push(get_json(&path));
        }
    }
    out
}

#[test]
fn state_survives_a_restart_on_the_same_dir() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let state_arg = state.to_str().unwrap();
    let server = Server::start(&["--state-dir", state_arg]);
    assert!(
        server.banner.iter().any(|l| l.contains("1 function(s)")),
        "the sample goes into the empty project: {:?}",
        server.banner
    );
    let api = server.api();
    create(&server, "kept", "echo");
    let (status, text) = http(
        "POST",
        &format!("{api}/functions/kept/versions"),
        Some(r#"{"version": "v1"}"#),
    );
    assert_eq!(status, 200, "{text}");
    let (status, text) = http(
        "POST",
        &format!("{api}/functions/kept/aliases"),
        Some(r#"{"name": "live", "version": "v1"}"#),
    );
    assert_eq!(status, 200, "{text}");
    // The sample's TIMER trigger is enabled by the user: a restart must not reset it.
    let triggers = get_json(&format!("{api}/triggers/hello"));
    let trigger_id = triggers[0]["trigger_id"].as_str().unwrap().to_owned();
    let (status, text) = http(
        "PUT",
        &format!("{api}/triggers/hello/TIMER/{trigger_id}"),
        Some(r#"{"trigger_status": "ACTIVE"}"#),
    );
    assert_eq!(status, 200, "{text}");
    let (status, text) = http(
        "POST",
        &format!("{api}/functions/kept/invocations-async"),
        Some(r#"{"n": 1}"#),
    );
    assert_eq!(status, 202, "{text}");
    let id = serde_json::from_str::<Value>(&text).unwrap()["request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let record = final_record(&server, "kept", &id);
    assert_eq!(record["status"], "SUCCESS", "{record}");
    let before = views(&server);
    assert!(server.stop().success());

    let server = Server::start(&["--state-dir", state_arg]);
    assert!(
        server
            .banner
            .iter()
            .any(|l| l.contains("restored 2 function(s)")),
        "{:?}",
        server.banner
    );
    assert!(
        !server.banner.iter().any(|l| l.contains("deployed")),
        "the sample is not deployed again: {:?}",
        server.banner
    );
    assert_eq!(views(&server), before);
    assert_eq!(
        get_json(&format!("{}/triggers/hello", server.api()))[0]["trigger_status"],
        "ACTIVE"
    );
    assert_eq!(final_record(&server, "kept", &id), record);
    assert!(server.stop().success());
}

#[test]
fn a_manifest_is_applied_again_at_each_start_without_changes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("echo"), dir.path().join("echo.wasm")).unwrap();
    let m = write(
        dir.path(),
        "fgs.toml",
        "[[functions]]\nname = \"m\"\ncode = \"echo.wasm\"\n[[functions.versions]]\nversion = \"v1\"\n",
    );
    let state = dir.path().join("state");
    let args = [
        "--state-dir",
        state.to_str().unwrap(),
        "--manifest",
        m.to_str().unwrap(),
    ];
    let server = Server::start(&args);
    assert!(
        server.banner.iter().any(|l| l.contains("0 unchanged")),
        "{:?}",
        server.banner
    );
    let list = get_json(&format!("{}/functions", server.api()));
    assert!(server.stop().success());
    let server = Server::start(&args);
    assert!(
        server
            .banner
            .iter()
            .any(|l| l.contains("0 created, 0 updated")),
        "{:?}",
        server.banner
    );
    assert_eq!(get_json(&format!("{}/functions", server.api())), list);
    assert_eq!(list["count"], 1, "{list}");
    assert!(server.stop().success());
}

/// The state dir of the default project, after one start that made it.
fn made_state_dir() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let server = Server::start(&["--state-dir", state.to_str().unwrap()]);
    assert!(server.stop().success());
    let project = state.join("projects").join(PROJECT);
    assert!(project.join("FORMAT").is_file());
    (dir, state)
}

fn serve_fails(state: &std::path::Path) -> String {
    let out = run(
        &[
            "serve",
            "--port",
            "0",
            "--state-dir",
            state.to_str().unwrap(),
        ],
        None,
    );
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_corrupt_store_is_a_clear_error_naming_the_file() {
    let (_dir, state) = made_state_dir();
    let file = state.join("projects").join(PROJECT).join("state.redb");
    std::fs::write(&file, b"this is not a redb file at all").unwrap();
    let err = serve_fails(&state);
    assert!(err.contains("state.redb"), "{err}");
    assert!(err.contains("state dir"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_unknown_store_version_is_a_clear_error() {
    let (_dir, state) = made_state_dir();
    let format = state.join("projects").join(PROJECT).join("FORMAT");
    std::fs::write(&format, "fgs-local state format 99\n").unwrap();
    let err = serve_fails(&state);
    assert!(err.contains("FORMAT") && err.contains("99"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
