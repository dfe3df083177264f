//! Invocation: v0/v1 bodies, headers, outcome rows, async.

use base64::Engine as _;

use crate::common::*;

#[tokio::test]
async fn sync_invoke_v0_and_v1_with_headers_and_log_tail() {
    let app = app();
    assert_eq!(create(&app, P, "echo", "echo").await.status, 200);
    let path = format!("/v2/{P}/fgs/functions/echo/invocations");
    let v0 = send(&app, "POST", &path, r#"{"k":"v"}"#, &[]).await;
    assert_eq!((v0.status, v0.text().as_str()), (200, r#"{"k":"v"}"#));
    assert!(v0.headers.contains_key("x-cff-request-id"));
    let summary: serde_json::Value =
        serde_json::from_str(v0.headers["x-cff-invoke-summary"].to_str().unwrap()).unwrap();
    assert_eq!(
        (summary["coldStart"].as_bool(), summary["outcome"].as_str()),
        (Some(true), Some("success"))
    );

    let v1 = send(
        &app,
        "POST",
        &path,
        r#"{"k":"v"}"#,
        &[("X-CFF-Request-Version", "v1"), ("X-Cff-Log-Type", "tail")],
    )
    .await;
    assert_eq!(v1.status, 200);
    let b = v1.json();
    assert_eq!(b["result"], r#"{"k":"v"}"#);
    assert_eq!(b["status"], 200);
    assert_eq!(
        b["request_id"].as_str(),
        v1.headers["x-cff-request-id"].to_str().ok()
    );
    base64::engine::general_purpose::STANDARD
        .decode(b["log"].as_str().unwrap())
        .unwrap();
}

#[tokio::test]
async fn failed_outcomes_answer_their_row() {
    let app = app();
    assert_eq!(create(&app, P, "fails", "handled_error").await.status, 200);
    assert_eq!(create(&app, P, "traps", "panics").await.status, 200);
    for (name, status, code) in [("fails", 500, "FSS.0500"), ("traps", 500, "FSS.0500")] {
        let a = send(
            &app,
            "POST",
            &format!("/v2/{P}/fgs/functions/{name}/invocations"),
            "{}",
            &[],
        )
        .await;
        assert_eq!(
            (a.status, a.code().as_str()),
            (status, code),
            "{name}: {}",
            a.text()
        );
        assert!(a.headers.contains_key("x-cff-request-id"));
    }
    let missing = send(
        &app,
        "POST",
        &format!("/v2/{P}/fgs/functions/nobody/invocations"),
        "{}",
        &[],
    )
    .await;
    assert_eq!((missing.status, missing.code().as_str()), (404, "FSS.1051"));
    // Disabled (max instances 0): 403 FSS.0403.
    let put = send(
        &app,
        "PUT",
        &format!("/v2/{P}/fgs/functions/fails/config-max-instance"),
        r#"{"max_instance_num":0}"#,
        &[],
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.text());
    let off = send(
        &app,
        "POST",
        &format!("/v2/{P}/fgs/functions/fails/invocations"),
        "{}",
        &[],
    )
    .await;
    assert_eq!((off.status, off.code().as_str()), (403, "FSS.0403"));
}

#[tokio::test]
async fn async_invoke_is_202_after_the_urn_resolved() {
    let app = app();
    assert_eq!(create(&app, P, "echo", "echo").await.status, 200);
    let a = send(
        &app,
        "POST",
        &format!("/v2/{P}/fgs/functions/echo/invocations-async"),
        r#"{"k":1}"#,
        &[],
    )
    .await;
    assert_eq!(a.status, 202, "{}", a.text());
    assert_eq!(a.json()["request_id"].as_str().map(str::len), Some(36));
    let m = send(
        &app,
        "POST",
        &format!("/v2/{P}/fgs/functions/nobody/invocations-async"),
        "{}",
        &[],
    )
    .await;
    assert_eq!((m.status, m.code().as_str()), (404, "FSS.1051"));
    let bad = send(
        &app,
        "POST",
        &format!("/v2/{P}/fgs/functions/echo/invocations-async"),
        "{oops",
        &[],
    )
    .await;
    assert_eq!(bad.status, 400);
}
