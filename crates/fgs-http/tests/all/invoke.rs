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
    assert_eq!(
        (summary["memorySize"].as_u64(), summary["version"].as_str()),
        (Some(128), Some("latest"))
    );
    // Milliseconds with microsecond precision; billed in whole milliseconds, at least one.
    let ms = summary["duration"].as_f64().unwrap();
    assert!(
        ms > 0.0 && (ms * 1000.0 - (ms * 1000.0).round()).abs() < 1e-6,
        "{ms}"
    );
    assert!(summary["billingDuration"].as_u64() >= Some(1));

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
async fn v0_result_media_type_is_json_text_or_bytes() {
    let app = app();
    assert_eq!(create(&app, P, "echo", "echo").await.status, 200);
    let path = format!("/v2/{P}/fgs/functions/echo/invocations");
    for (event, media_type) in [
        (&b" [1, {\"a\": null}] "[..], "application/json"),
        (b"\"caf\xc3\xa9\"", "application/json"),
        (b"{\"a\":1", "text/plain; charset=utf-8"),
        (b"plain words", "text/plain; charset=utf-8"),
        (b"\"bad \xff byte\"", "application/octet-stream"),
        (b"\x00\x01\xfe", "application/octet-stream"),
    ] {
        let a = send_bytes(&app, "POST", &path, event, &[]).await;
        assert_eq!((a.status, a.body.as_slice()), (200, event));
        assert_eq!(a.headers["content-type"], media_type, "{event:?}");
    }
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

/// Sync invoke is served by the router's route and matched by hand in front of it by
/// `fgs_http::Api`: both answer the same for every URN form, path shape and method.
#[tokio::test]
async fn sync_invoke_path_shapes_and_methods_through_api_and_router() {
    path_shapes(&app()).await;
    path_shapes(&router()).await;
}

async fn path_shapes(app: &fgs_http::Api) {
    let created = create(app, P, "echo", "echo").await;
    assert_eq!(created.status, 200, "{}", created.text());
    let urn = created.json()["func_urn"].as_str().unwrap().to_owned();
    publish_v1_with_alias_prod(app, "echo").await;
    let f = format!("/v2/{P}/fgs/functions");
    let alias_urn = urn.replace(":latest", ":!prod");
    // Every URN form, plain and percent-encoded (`%3A`, `%21`), runs the version it names.
    for (segment, version) in [
        ("echo".to_owned(), "latest"),
        (format!("{P}:default:echo:v1"), "v1"),
        (format!("{P}:default:echo:!prod"), "v1"),
        (urn.clone(), "latest"),
        (urn.replace(':', "%3A"), "latest"),
        (alias_urn.replace(':', "%3A").replace('!', "%21"), "v1"),
    ] {
        let r = send(
            app,
            "POST",
            &format!("{f}/{segment}/invocations"),
            "[7]",
            &[],
        )
        .await;
        assert_eq!((r.status, r.text().as_str()), (200, "[7]"), "{segment}");
        let summary: serde_json::Value =
            serde_json::from_str(r.headers["x-cff-invoke-summary"].to_str().unwrap()).unwrap();
        assert_eq!(summary["version"], version, "{segment}");
    }
    let before = send(app, "GET", &f, "", &[]).await.text();
    let cases = [
        // Another method on the path: 405, as for any route.
        ("GET", format!("{f}/echo/invocations"), 405, "FSS.0405"),
        ("PUT", format!("{f}/echo/invocations"), 405, "FSS.0405"),
        ("DELETE", format!("{f}/echo/invocations"), 405, "FSS.0405"),
        // Not UTF-8 once percent-decoded: 400, in the URN or the project id.
        ("POST", format!("{f}/%FF%FE/invocations"), 400, "FSS.0400"),
        (
            "POST",
            "/v2/%FF/fgs/functions/echo/invocations".into(),
            400,
            "FSS.0400",
        ),
        // An empty segment is the route, refused by the emulator.
        ("POST", format!("{f}//invocations"), 400, "FSS.1309"),
        (
            "POST",
            "/v2//fgs/functions/echo/invocations".into(),
            400,
            "FSS.0400",
        ),
        // Other shapes are no route: a trailing slash, an extra segment, another prefix.
        ("POST", format!("{f}/echo/invocations/"), 404, "FSS.0404"),
        ("POST", format!("{f}/echo/x/invocations"), 404, "FSS.0404"),
        (
            "POST",
            format!("/v3/{P}/fgs/functions/echo/invocations"),
            404,
            "FSS.0404",
        ),
        // A URN that names nothing, and a bad project id: the emulator's own answers.
        ("POST", format!("{f}/nobody/invocations"), 404, "FSS.1051"),
        (
            "POST",
            "/v2/bad!/fgs/functions/echo/invocations".into(),
            400,
            "FSS.0400",
        ),
    ];
    for (method, path, status, code) in cases {
        let r = send(app, method, &path, "{}", &[]).await;
        assert_eq!(
            (r.status, r.code().as_str()),
            (status, code),
            "{method} {path}: {}",
            r.text()
        );
    }
    assert_eq!(send(app, "GET", &f, "", &[]).await.text(), before);
}
