//! A router on a fresh platform, and one-request helpers.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::Request;
use base64::Engine as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

pub const P: &str = "0123456789abcdef0123456789abcdef";

pub fn app() -> axum::Router {
    app_with(fgs_http::HttpConfig::default())
}

pub fn app_with(config: fgs_http::HttpConfig) -> axum::Router {
    let platform = fgs_runtime::Platform::new(
        fgs_runtime::Emulator::builder()
            .seed(9)
            .background_scheduler(false),
    )
    .unwrap();
    fgs_http::router(platform, config)
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
    app: &axum::Router,
    method: &str,
    path: &str,
    body: &str,
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
        .oneshot(req.body(Body::from(body.to_owned())).unwrap())
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
pub async fn create(app: &axum::Router, project: &str, name: &str, code: &str) -> Answer {
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
