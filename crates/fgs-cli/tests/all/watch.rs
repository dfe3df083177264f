//! `serve --watch`: a changed `.wasm` is live on the next call.

use std::time::Instant;

use crate::common::*;

#[test]
fn a_changed_module_is_redeployed_to_latest() {
    let dir = tempfile::tempdir().unwrap();
    let code = dir.path().join("handler.wasm");
    std::fs::copy(fixture("echo"), &code).unwrap();
    let m = write(
        dir.path(),
        "fgs.toml",
        "[[functions]]\nname = \"live\"\ncode = \"handler.wasm\"\n",
    );
    let server = Server::start(&["--manifest", m.to_str().unwrap(), "--watch"]);
    let url = format!("{}/functions/live/invocations", server.api());
    assert_eq!(
        http("POST", &url, Some("\"ping\"")),
        (200, "\"ping\"".to_owned())
    );
    let digest =
        |s: &Server| get_json(&format!("{}/functions/live/code", s.api()))["digest"].clone();
    let old = digest(&server);

    // Replace the file (write a new one and rename it over, as editors and builds do).
    let tmp = dir.path().join("handler.wasm.new");
    std::fs::copy(fixture("counter"), &tmp).unwrap();
    std::fs::rename(&tmp, &code).unwrap();
    let line = server.wait_log(&["live", "reloaded"]);
    assert!(line.contains("ms"), "the reload says what it cost: {line}");
    let bound = Instant::now() + DEADLINE;
    loop {
        let (status, body) = http("POST", &url, Some("\"ping\""));
        assert_eq!(status, 200, "{body}");
        if body == "1" {
            break;
        }
        assert!(Instant::now() < bound, "the new code never ran: {body}");
    }
    assert_ne!(digest(&server), old, "GET code reports the new digest");
}
