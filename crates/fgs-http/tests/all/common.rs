//! A router on a fresh platform, and one-request helpers.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::Request;
use base64::Engine as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

pub const P: &str = "0123456789abcdef0123456789abcdef";

/// The API as `fgs-local serve` runs it (`fgs_http::Api`: the router behind its front).
pub fn app() -> fgs_http::Api {
    app_with(fgs_http::HttpConfig::default())
}

pub fn app_with(config: fgs_http::HttpConfig) -> fgs_http::Api {
    fgs_http::Api::new(platform(), config)
}

/// The bare router as an `Api` with no front, for what must answer the same through both.
pub fn router() -> fgs_http::Api {
    fgs_http::Api::from(fgs_http::router(
        platform(),
        fgs_http::HttpConfig::default(),
    ))
}

fn platform() -> fgs_runtime::Platform {
    fgs_runtime::Platform::new(
        fgs_runtime::Emulator::builder()
            .seed(9)
            .background_scheduler(false),
    )
    .unwrap()
}

pub struct Answer {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn code(&self) -> String {
        self.json()["error_code"].as_str().unwrap_or("").to_owned()
    }
}

pub async fn send(
    app: &fgs_http::Api,
    method: &str,
    path: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> Answer {
    send_bytes(app, method, path, body.as_bytes(), headers).await
}

/// [`send`] with a body that need not be text.
pub async fn send_bytes(
    app: &fgs_http::Api,
    method: &str,
    path: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) -> Answer {
    let mut req = Request::builder().method(method).uri(path);
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        req = req.header("Content-Type", "application/json");
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = app
        .clone()
        .oneshot(req.body(Body::from(body.to_vec())).unwrap())
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../fixtures/wasm/{name}.wasm",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// POST /functions with fixture `code` as inline base64.
/// Publishes version `v1` of `name` and points alias `prod` at it.
pub async fn publish_v1_with_alias_prod(app: &fgs_http::Api, name: &str) {
    let f = format!("/v2/{P}/fgs/functions/{name}");
    let v = send(
        app,
        "POST",
        &format!("{f}/versions"),
        r#"{"version":"v1"}"#,
        &[],
    )
    .await;
    assert_eq!(v.status, 200, "{}", v.text());
    let body = r#"{"name":"prod","version":"v1"}"#;
    let a = send(app, "POST", &format!("{f}/aliases"), body, &[]).await;
    assert_eq!(a.status, 200, "{}", a.text());
}

pub async fn create(app: &fgs_http::Api, project: &str, name: &str, code: &str) -> Answer {
    let body = json!({
        "func_name": name, "package": "default", "runtime": "Custom", "handler": "index.handler",
        "memory_size": 128, "timeout": 3, "code_type": "inline",
        "func_code": {"file": base64::engine::general_purpose::STANDARD.encode(fixture(code))}
    });
    send(
        app,
        "POST",
        &format!("/v2/{project}/fgs/functions"),
        &body.to_string(),
        &[],
    )
    .await
}
