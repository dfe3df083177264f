//! Management endpoints: statuses, bodies, errors, projects, client habits.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn function_lifecycle_with_seed_statuses() {
    let app = app();
    let created = create(&app, P, "hello", "echo").await;
    assert_eq!(created.status, 200, "{}", created.text());
    assert!(
        created.json()["func_urn"]
            .as_str()
            .unwrap()
            .ends_with(":function:default:hello:latest")
    );
    // Duplicate: 409 FSS.1061.
    let dup = create(&app, P, "hello", "echo").await;
    assert_eq!((dup.status, dup.code().as_str()), (409, "FSS.1061"));
    // Percent-encoded full URN, and GET with a JSON content type and no body.
    let urn = created.json()["func_urn"]
        .as_str()
        .unwrap()
        .replace(':', "%3A");
    let got = send(
        &app,
        "GET",
        &format!("/v2/{P}/fgs/functions/{urn}/config"),
        "",
        &[],
    )
    .await;
    assert_eq!(
        (got.status, got.json()["func_name"].as_str()),
        (200, Some("hello"))
    );
    // Publish, alias (percent-encoded `:!`), alias list is a top-level array.
    publish_v1_with_alias_prod(&app, "hello").await;
    let list = send(
        &app,
        "GET",
        &format!("/v2/{P}/fgs/functions/hello/aliases"),
        "",
        &[],
    )
    .await;
    assert_eq!(list.json().as_array().map(Vec::len), Some(1));
    // A TIMER trigger: 201; the trigger list is an array; delete is 204 with no body.
    let t = send(
        &app,
        "POST",
        &format!("/v2/{P}/fgs/triggers/hello"),
        &json!({
        "trigger_type_code": "TIMER", "event_type_code": "MessageCreated",
        "event_data": {"name": "t1", "schedule_type": "Rate", "schedule": "1m"}})
        .to_string(),
        &[],
    )
    .await;
    assert_eq!(t.status, 201, "{}", t.text());
    let id = t.json()["trigger_id"].as_str().unwrap().to_owned();
    let del = send(
        &app,
        "DELETE",
        &format!("/v2/{P}/fgs/triggers/hello/TIMER/{id}"),
        "",
        &[],
    )
    .await;
    assert_eq!((del.status, del.body.len()), (204, 0));
    let ts = send(&app, "GET", &format!("/v2/{P}/fgs/triggers/hello"), "", &[]).await;
    assert_eq!(ts.json(), json!([]));
    // Bodyless POST.
    let lts = send(
        &app,
        "POST",
        &format!("/v2/{P}/fgs/functions/enable-lts-logs"),
        "",
        &[],
    )
    .await;
    assert_eq!(lts.status, 200, "{}", lts.text());
    // user_data stays a string.
    let up = send(
        &app,
        "PUT",
        &format!("/v2/{P}/fgs/functions/hello/config"),
        &json!({
        "func_name": "hello", "runtime": "Custom", "handler": "index.handler", "memory_size": 256,
        "timeout": 3, "user_data": "{\"K\":\"v\"}"})
        .to_string(),
        &[],
    )
    .await;
    assert_eq!(up.status, 200, "{}", up.text());
    assert_eq!(up.json()["user_data"], "{\"K\":\"v\"}");
    assert_eq!(up.json()["cpu"], 400);
    // Delete the function: 204; then 404 FSS.1051.
    let del = send(
        &app,
        "DELETE",
        &format!("/v2/{P}/fgs/functions/hello"),
        "",
        &[],
    )
    .await;
    assert_eq!(del.status, 204);
    let gone = send(
        &app,
        "GET",
        &format!("/v2/{P}/fgs/functions/hello/config"),
        "",
        &[],
    )
    .await;
    assert_eq!((gone.status, gone.code().as_str()), (404, "FSS.1051"));
}

// On a multi-threaded runtime, so sync invoke runs in place (`App::in_place`), as served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn projects_are_isolated() {
    let app = app();
    assert_eq!(create(&app, "projecta", "mine", "echo").await.status, 200);
    let other = send(
        &app,
        "GET",
        "/v2/projectb/fgs/functions/mine/config",
        "",
        &[],
    )
    .await;
    assert_eq!((other.status, other.code().as_str()), (404, "FSS.1051"));
    let del = send(&app, "DELETE", "/v2/projectb/fgs/functions/mine", "", &[]).await;
    assert_eq!(del.status, 404);
    let mine = send(
        &app,
        "GET",
        "/v2/projecta/fgs/functions/mine/config",
        "",
        &[],
    )
    .await;
    assert_eq!(mine.status, 200);
    // Sync invoke finds the function in its own project only (the default one included).
    for (project, status) in [("projecta", 200), ("projectb", 404), (P, 404)] {
        let path = format!("/v2/{project}/fgs/functions/mine/invocations");
        let a = send(&app, "POST", &path, "{}", &[]).await;
        assert_eq!(a.status, status, "{project}: {}", a.text());
    }
    let bad = send(&app, "GET", "/v2/bad%20id/fgs/functions", "", &[]).await;
    assert_eq!((bad.status, bad.code().as_str()), (400, "FSS.0400"));
}

#[tokio::test]
async fn bad_requests_get_seed_codes_and_change_nothing() {
    let app = app();
    assert_eq!(create(&app, P, "keep", "echo").await.status, 200);
    let list = |app: fgs_http::Api| async move {
        send(
            &app,
            "GET",
            &format!("/v2/{P}/fgs/functions?maxitems=100"),
            "",
            &[],
        )
        .await
        .text()
    };
    let before = list(app.clone()).await;
    let f = format!("/v2/{P}/fgs/functions");
    let cases: Vec<(&str, String, String, u16, &str)> = vec![
        ("POST", f.clone(), "{not json".into(), 400, "FSS.0400"),
        (
            "POST",
            f.clone(),
            r#"{"func_name": 5}"#.into(),
            400,
            "FSS.0400",
        ),
        (
            "PUT",
            format!("{f}/keep/config"),
            "[1,2]".into(),
            400,
            "FSS.0400",
        ),
        (
            "GET",
            format!("/v2/{P}/fgs/nothing-here"),
            String::new(),
            404,
            "FSS.0404",
        ),
        ("PATCH", f.clone(), "{}".into(), 405, "FSS.0405"),
        (
            "GET",
            format!("{f}/%FF%FE/config"),
            String::new(),
            400,
            "FSS.0400",
        ),
        (
            "POST",
            format!("{f}/keep/invocations"),
            "x".repeat(6 * 1024 * 1024 + 1),
            413,
            "FSS.0413",
        ),
    ];
    for (method, path, body, status, code) in cases {
        let a = send(&app, method, &path, &body, &[]).await;
        assert_eq!(
            (a.status, a.code().as_str()),
            (status, code),
            "{method} {path}: {}",
            a.text()
        );
    }
    let a = send(
        &app,
        "POST",
        &f,
        "a=b",
        &[("Content-Type", "application/x-www-form-urlencoded")],
    )
    .await;
    assert_eq!((a.status, a.code().as_str()), (415, "FSS.0415"));
    assert_eq!(
        before,
        list(app.clone()).await,
        "no bad request changed the state"
    );
}

#[tokio::test]
async fn auth_verify_rejects_unknown_tokens_and_unsigned_requests() {
    let app = app_with(fgs_http::HttpConfig {
        auth: fgs_http::Auth::Verify {
            keys: vec![("AK1".into(), "SK1".into())],
            tokens: vec!["good".into()],
        },
    });
    let path = format!("/v2/{P}/fgs/functions");
    assert_eq!(
        send(&app, "GET", &path, "", &[("X-Auth-Token", "good")])
            .await
            .status,
        200
    );
    let bad = send(&app, "GET", &path, "", &[("X-Auth-Token", "bad")]).await;
    assert_eq!((bad.status, bad.code().as_str()), (403, "FSS.0403"));
    let none = send(&app, "GET", &path, "", &[]).await;
    assert_eq!((none.status, none.code().as_str()), (401, "FSS.0401"));
    // Sync invoke, matched by hand from the router's fallback, is verified too.
    let invoke = format!("/v2/{P}/fgs/functions/nobody/invocations");
    let none = send(&app, "POST", &invoke, "{}", &[]).await;
    assert_eq!((none.status, none.code().as_str()), (401, "FSS.0401"));
    let bad = send(&app, "POST", &invoke, "{}", &[("X-Auth-Token", "bad")]).await;
    assert_eq!((bad.status, bad.code().as_str()), (403, "FSS.0403"));
    let good = send(&app, "POST", &invoke, "{}", &[("X-Auth-Token", "good")]).await;
    assert_eq!((good.status, good.code().as_str()), (404, "FSS.1051"));
}
