//! `fgs-local deploy`: a manifest applied through the REST API, twice.

use serde_json::Value;

use crate::common::*;

const MANIFEST: &str = r#"
functions:
  - name: counter
    code: CODE
    memory_size: 256
    timeout: 5
    user_data: { GREETING: "hi" }
    versions:
      - version: v1
        description: first
    aliases:
      - name: prod
        version: v1
    triggers:
      - type: TIMER
        status: DISABLED
        event_data: { name: nightly, schedule_type: Rate, schedule: 1d }
    async_config:
      max_async_retry_attempts: 2
      max_async_event_age_in_seconds: 600
      on_failure: { destination: FunctionGraph, param: { func_urn: "sink" } }
  - name: sink
"#;

/// Every GET that shows what a manifest declares.
fn snapshot(server: &Server) -> Vec<Value> {
    let api = server.api();
    let mut out = Vec::new();
    for f in ["counter", "sink"] {
        for path in [
            "config",
            "code",
            "versions",
            "aliases",
            "async-invoke-config",
        ] {
            let (status, body) = http("GET", &format!("{api}/functions/{f}/{path}"), None);
            out.push(serde_json::json!({"path": path, "status": status, "body": body}));
        }
        out.push(get_json(&format!("{api}/triggers/{f}")));
    }
    out
}

#[test]
fn deploy_applies_a_manifest_and_a_second_apply_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = MANIFEST.replace("CODE", fixture("counter").to_str().unwrap());
    let m = write(dir.path(), "fgs.yaml", &text);
    let server = Server::start(&[]);
    let ep = server.endpoint();
    let out = run(&["deploy", m.to_str().unwrap(), ep[0], ep[1]], None);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("2 function(s)") && said.contains("6 created"),
        "{said}"
    );

    let config = get_json(&format!("{}/functions/counter/config", server.api()));
    assert_eq!(
        (config["memory_size"].as_u64(), config["timeout"].as_u64()),
        (Some(256), Some(5))
    );
    assert_eq!(config["user_data"], r#"{"GREETING":"hi"}"#);
    let (status, answer) = http(
        "POST",
        &format!(
            "{}/functions/{PROJECT}%3Adefault%3Acounter%3A%21prod/invocations",
            server.api()
        ),
        Some("{}"),
    );
    assert_eq!(
        (status, answer.as_str()),
        (200, "1"),
        "the alias runs the published counter"
    );

    let before = snapshot(&server);
    let out = run(&["deploy", m.to_str().unwrap(), ep[0], ep[1]], None);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("0 created, 0 updated"), "{said}");
    assert_eq!(before, snapshot(&server), "a second apply changes nothing");

    // A changed manifest updates only what changed.
    let m = write(
        dir.path(),
        "fgs.yaml",
        &text.replace("timeout: 5", "timeout: 7"),
    );
    let out = run(&["deploy", m.to_str().unwrap(), ep[0], ep[1]], None);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("0 created, 1 updated"), "{said}");
}

#[test]
fn deploy_reports_the_servers_error_with_the_manifest_line() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(
        dir.path(),
        "fgs.toml",
        "[[functions]]\nname = \"big\"\nmemory_size = 100\n",
    );
    let server = Server::start(&[]);
    let ep = server.endpoint();
    let out = run(&["deploy", m.to_str().unwrap(), ep[0], ep[1]], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("fgs.toml:2") && err.contains("FSS.1007"),
        "{err}"
    );
}
