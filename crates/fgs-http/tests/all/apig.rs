//! APIG triggers as routes: `/apig/<sl_domain><path>` invokes the trigger's function with the
//! APIG event and answers with its response object.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::common::*;

const BASE: &str = "http://127.0.0.1:8000";
const DOMAIN: &str = "a9ad9304.apig.local";

/// A router whose platform serves APIG triggers under [`BASE`], with `auth`.
fn apig_app(auth: fgs_http::Auth) -> fgs_http::Api {
    let platform = fgs_runtime::Platform::new(
        fgs_runtime::Emulator::builder()
            .seed(9)
            .background_scheduler(false)
            .apig_base_url(BASE),
    )
    .unwrap();
    fgs_http::Api::new(platform, fgs_http::HttpConfig { auth })
}

/// Creates the §4.2 APIG trigger (path `path`, method `method`) on `function`.
async fn trigger(
    app: &fgs_http::Api,
    function: &str,
    name: &str,
    path: &str,
    method: &str,
) -> Value {
    let body = json!({
        "trigger_type_code": "APIG", "trigger_status": "ACTIVE", "event_type_code": "APICreated",
        "event_data": {
            "group_id": "a9ad9304", "env_id": "DEFAULT_ENVIRONMENT_RELEASE_ID",
            "env_name": "RELEASE", "auth": "NONE", "protocol": "HTTP", "name": name,
            "path": path, "match_mode": "SWA", "req_method": method, "backend_type": "FUNCTION",
            "sl_domain": DOMAIN, "type": 1
        }
    });
    let a = send(
        app,
        "POST",
        &format!("/v2/{P}/fgs/triggers/{function}"),
        &body.to_string(),
        &[],
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.text());
    a.json()
}

#[tokio::test]
async fn the_static_page_example_answers_at_its_invoke_url() {
    let app = apig_app(fgs_http::Auth::Open);
    assert_eq!(create(&app, P, "get_html", "static_page").await.status, 200);
    let t = trigger(&app, "get_html", "API_GetHtml", "/test", "ANY").await;
    let url = t["event_data"]["invoke_url"].as_str().unwrap();
    assert_eq!(url, format!("{BASE}/apig/{DOMAIN}/test"));
    let path = url.strip_prefix(BASE).unwrap();
    for (method, p) in [
        ("GET", path.to_owned()),
        ("POST", format!("{path}/sub?x=1")),
    ] {
        let a = send(&app, method, &p, "", &[]).await;
        assert_eq!(a.status, 200, "{method} {p}: {}", a.text());
        assert_eq!(a.headers["content-type"], "text/html; charset=utf-8");
        assert!(a.text().contains("<h1>Hello from FunctionGraph</h1>"));
        assert!(a.headers.contains_key("x-cff-request-id"));
    }
    // Prefix match by whole segments, on the trigger's domain only.
    for p in [
        format!("/apig/{DOMAIN}/testing"),
        format!("/apig/{DOMAIN}/"),
        "/apig/other.apig.local/test".to_owned(),
        "/apig".to_owned(),
    ] {
        let a = send(&app, "GET", &p, "", &[]).await;
        assert_eq!((a.status, a.code().as_str()), (404, "FSS.1138"), "{p}");
    }
    // Deleting the trigger removes the route.
    let id = t["trigger_id"].as_str().unwrap();
    let d = send(
        &app,
        "DELETE",
        &format!("/v2/{P}/fgs/triggers/get_html/APIG/{id}"),
        "",
        &[],
    )
    .await;
    assert_eq!(d.status, 204, "{}", d.text());
    let a = send(&app, "GET", path, "", &[]).await;
    assert_eq!((a.status, a.code().as_str()), (404, "FSS.1138"));
}

#[tokio::test]
async fn the_event_carries_method_path_headers_query_and_base64_body() {
    let app = apig_app(fgs_http::Auth::Open);
    assert_eq!(create(&app, P, "peek", "apig_echo").await.status, 200);
    trigger(&app, "peek", "API_Peek", "/users/{id}", "POST").await;
    let a = send(
        &app,
        "POST",
        &format!("/apig/{DOMAIN}/users/42?q=a+b&lang=pt%2DBR"),
        "raw \u{0}body",
        &[("Content-Type", "text/plain"), ("X-Custom", "yes")],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.headers["content-type"], "application/json");
    let e = a.json();
    assert_eq!(e["httpMethod"], "POST");
    assert_eq!(e["path"], "/users/42");
    assert_eq!(e["pathParameters"], json!({"id": "42"}));
    assert_eq!(
        e["queryStringParameters"],
        json!({"q": "a b", "lang": "pt-BR"})
    );
    assert_eq!(e["headers"]["x-custom"], "yes");
    assert_eq!(e["headers"]["content-type"], "text/plain");
    assert_eq!(e["isBase64Encoded"], true);
    let body = base64::engine::general_purpose::STANDARD
        .decode(e["body"].as_str().unwrap())
        .unwrap();
    assert_eq!(body, b"raw \0body");
    assert_eq!(e["requestContext"]["stage"], "RELEASE");
    assert_eq!(
        e["requestContext"]["requestId"].as_str().map(str::len),
        Some(32)
    );
    // The trigger's method only: GET does not match a POST API.
    let g = send(&app, "GET", &format!("/apig/{DOMAIN}/users/42"), "", &[]).await;
    assert_eq!((g.status, g.code().as_str()), (404, "FSS.1138"));
}

#[tokio::test]
async fn a_result_that_is_not_an_apig_response_is_a_502() {
    let app = apig_app(fgs_http::Auth::Open);
    assert_eq!(create(&app, P, "plain", "echo").await.status, 200);
    assert_eq!(create(&app, P, "fails", "handled_error").await.status, 200);
    trigger(&app, "plain", "API_Plain", "/plain", "ANY").await;
    trigger(&app, "fails", "API_Fails", "/fails", "ANY").await;
    // echo returns the event itself: an object without statusCode.
    let a = send(&app, "GET", &format!("/apig/{DOMAIN}/plain"), "", &[]).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (502, "FSS.0502"),
        "{}",
        a.text()
    );
    let msg = a.json()["error_msg"].as_str().unwrap().to_owned();
    assert!(msg.contains("statusCode is missing"), "{msg}");
    // A failed invocation answers its outcome row, as sync invoke does.
    let f = send(&app, "GET", &format!("/apig/{DOMAIN}/fails"), "", &[]).await;
    assert_eq!(
        (f.status, f.code().as_str()),
        (500, "FSS.0500"),
        "{}",
        f.text()
    );
}

#[tokio::test]
async fn apig_routes_are_public_while_the_api_verifies() {
    let token = "t0ken";
    let app = apig_app(fgs_http::Auth::Verify {
        keys: Vec::new(),
        tokens: vec![token.to_owned()],
    });
    let auth = [("X-Auth-Token", token)];
    let body = json!({
        "func_name": "get_html", "package": "default", "runtime": "Custom",
        "handler": "index.handler", "memory_size": 128, "timeout": 3, "code_type": "inline",
        "func_code": {"file": base64::engine::general_purpose::STANDARD.encode(fixture("static_page"))}
    });
    let c = send(
        &app,
        "POST",
        &format!("/v2/{P}/fgs/functions"),
        &body.to_string(),
        &auth,
    )
    .await;
    assert_eq!(c.status, 200, "{}", c.text());
    let unsigned = send(&app, "GET", &format!("/v2/{P}/fgs/functions"), "", &[]).await;
    assert_eq!(unsigned.status, 401);
    let t = json!({
        "trigger_type_code": "APIG", "event_type_code": "APICreated",
        "event_data": {"group_id": "g", "env_id": "e", "auth": "NONE", "protocol": "HTTPS",
            "name": "API_Page", "path": "/", "match_mode": "SWA", "req_method": "GET",
            "backend_type": "FUNCTION", "sl_domain": DOMAIN, "type": 1}
    });
    let t = send(
        &app,
        "POST",
        &format!("/v2/{P}/fgs/triggers/get_html"),
        &t.to_string(),
        &auth,
    )
    .await;
    assert_eq!(t.status, 201, "{}", t.text());
    let a = send(&app, "GET", &format!("/apig/{DOMAIN}/any/page"), "", &[]).await;
    assert_eq!(a.status, 200, "{}", a.text());
}

#[tokio::test]
async fn without_a_base_url_invoke_url_is_the_seeds() {
    let app = app();
    assert_eq!(create(&app, P, "get_html", "static_page").await.status, 200);
    let t = trigger(&app, "get_html", "API_GetHtml", "/test", "ANY").await;
    assert_eq!(
        t["event_data"]["invoke_url"],
        format!("http://{DOMAIN}/test")
    );
}
