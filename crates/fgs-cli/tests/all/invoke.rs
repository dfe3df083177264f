//! `fgs-local invoke`: results, log tail, async, exit status.

use crate::common::*;

fn manifest(dir: &std::path::Path) -> std::path::PathBuf {
    write(
        dir,
        "fgs.toml",
        &format!(
            "[[functions]]\nname = \"echo\"\ncode = {:?}\n\n[[functions]]\nname = \"fails\"\ncode = {:?}\n\n[[functions]]\nname = \"logs\"\ncode = {:?}\n",
            fixture("echo"),
            fixture("handled_error"),
            fixture("logs"),
        ),
    )
}

#[test]
fn invoke_prints_results_and_fails_on_a_function_error() {
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path());
    let server = Server::start(&["--manifest", m.to_str().unwrap()]);
    let ep = server.endpoint();
    let out = run(
        &["invoke", "echo", "--event", "-", ep[0], ep[1]],
        Some(br#"{"k":"v"}"#),
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{\"k\":\"v\"}\n");

    let out = run(&["invoke", "fails", ep[0], ep[1]], None);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("FSS.0500") && err.contains("handled failure"),
        "{err}"
    );

    let out = run(&["invoke", "logs", "--log", ep[0], ep[1]], None);
    assert!(out.status.success(), "{out:?}");
    assert!(!out.stderr.is_empty(), "--log prints the log tail");

    let out = run(&["invoke", "echo", "--async", ep[0], ep[1]], None);
    assert!(out.status.success(), "{out:?}");
    let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert_eq!(id.len(), 36, "a request id: {id}");

    let out = run(&["invoke", "nobody", ep[0], ep[1]], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("FSS.1051"));
}

#[test]
fn invoke_without_a_server_says_where_it_looked() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", holder.local_addr().unwrap());
    drop(holder);
    let out = run(&["invoke", "echo", "--endpoint", &url], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot reach the server") && err.contains(&url),
        "{err}"
    );
}
