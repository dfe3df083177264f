//! `fgs-local serve`: the sample, the printed curl line, log lines, errors, shutdown.

use crate::common::*;

#[test]
fn the_sample_answers_the_printed_curl_line() {
    let server = Server::start(&[]);
    let curl = server
        .banner
        .iter()
        .find(|l| l.contains("curl "))
        .unwrap()
        .trim()
        .to_owned();
    // The line is `curl -s -X POST URL -H '...' -d '{...}'`: take its URL and body.
    let url = curl.split_whitespace().nth(4).unwrap();
    assert!(url.starts_with(&server.base), "{curl}");
    assert!(url.ends_with("/fgs/functions/hello/invocations"), "{curl}");
    let body = curl.rsplit_once("-d '").unwrap().1.trim_end_matches('\'');
    let (status, answer) = http("POST", url, Some(body));
    assert_eq!(
        (status, answer.as_str()),
        (200, body),
        "the echo sample answers with its event"
    );
    // One log line per invocation, naming the function, version, outcome and warmth.
    let line = server.wait_log(&["hello", "latest", "success"]);
    assert!(line.contains("cold=true"), "{line}");
    // The sample's TIMER trigger is there, and disabled.
    let triggers = get_json(&format!("{}/triggers/hello", server.api()));
    let t = &triggers.as_array().unwrap()[0];
    assert_eq!(
        (
            t["trigger_type_code"].as_str(),
            t["trigger_status"].as_str()
        ),
        (Some("TIMER"), Some("DISABLED"))
    );
    assert!(server.stop().success());
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = holder.local_addr().unwrap().port().to_string();
    let out = run(&["serve", "--port", &port], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("port {port}")) && err.contains("in use") && err.contains("--port"),
        "{err}"
    );
}

#[test]
fn sigterm_stops_the_server_and_frees_the_port() {
    let server = Server::start(&[]);
    let addr = server.base.trim_start_matches("http://").to_owned();
    let status = server.stop();
    assert!(status.success(), "{status:?}");
    std::net::TcpListener::bind(&addr).expect("the port is free again");
}

#[test]
fn a_bad_manifest_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(
        dir.path(),
        "fgs.toml",
        "[[functions]]\nname = \"a\"\nmemory_size = \"lots\"\n",
    );
    let out = run(
        &["serve", "--port", "0", "--manifest", m.to_str().unwrap()],
        None,
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("fgs.toml:3"), "{err}");
    let m = write(
        dir.path(),
        "missing.yaml",
        "functions:\n  - name: a\n    code: nowhere.wasm\n",
    );
    let out = run(
        &["serve", "--port", "0", "--manifest", m.to_str().unwrap()],
        None,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("missing.yaml:3") && err.contains("nowhere.wasm"),
        "{err}"
    );
}

#[test]
fn auth_keys_reject_unsigned_requests_but_the_manifest_still_deploys() {
    let server = Server::start(&["--auth-key", "AK1:SK1"]);
    // The sample was deployed (through the server's own token) ...
    assert!(
        server.banner.iter().any(|l| l.contains("1 function(s)")),
        "{:?}",
        server.banner
    );
    // ... but an unsigned request is refused.
    let (status, body) = http("GET", &format!("{}/functions", server.api()), None);
    assert!(status == 401 || status == 403, "{status} {body}");
    assert!(body.contains("FSS.040"), "{body}");
}
