//! A small blocking client of the FunctionGraph REST API (`ureq`), for `deploy`, `invoke`
//! and `serve --manifest` (which applies its manifest to itself through the same API).

use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use serde_json::Value;

use crate::flags::EndpointArgs;

/// The largest response body read (an invoke result is at most 6 MiB; export ZIPs more).
const MAX_BODY: u64 = 64 * 1024 * 1024;

/// A response: status, the headers the CLI reads, and the body.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `X-Cff-Request-Id`, if sent.
    pub request_id: Option<String>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON (`null` for an empty body).
    pub fn json(&self) -> Result<Value> {
        if self.body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body).with_context(|| {
            format!(
                "the server answered {} with a body that is not JSON: {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `error_code` of an error body (`""` when there is none).
    pub fn error_code(&self) -> String {
        self.json()
            .ok()
            .and_then(|v| v.get("error_code")?.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The body as JSON if 2xx, else an error naming the request, code and message.
    pub fn expect(self, what: &str) -> Result<Value> {
        if self.ok() {
            return self.json();
        }
        let v = self.json().unwrap_or(Value::Null);
        let code = v.get("error_code").and_then(Value::as_str).unwrap_or("");
        let msg = v
            .get("error_msg")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| String::from_utf8_lossy(&self.body).into_owned());
        bail!("{what}: the server answered {} {code}: {msg}", self.status)
    }
}

/// The API of one project on one server.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    base: String,
    token: Option<String>,
}

impl Client {
    /// A client of `endpoint` (for example `http://127.0.0.1:8000`) and `project`.
    pub fn new(endpoint: &EndpointArgs) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(960)))
            .build()
            .into();
        Client {
            agent,
            base: format!(
                "{}/v2/{}/fgs",
                endpoint.endpoint.trim_end_matches('/'),
                endpoint.project
            ),
            token: endpoint.token.clone(),
        }
    }

    /// `GET {base}{path}`.
    pub fn get(&self, path: &str) -> Result<Reply> {
        self.send("GET", path, None, &[])
    }

    /// `POST {base}{path}` with a JSON body.
    pub fn post(&self, path: &str, body: &Value) -> Result<Reply> {
        self.send("POST", path, Some(body.to_string().into_bytes()), &[])
    }

    /// `PUT {base}{path}` with a JSON body.
    pub fn put(&self, path: &str, body: &Value) -> Result<Reply> {
        self.send("PUT", path, Some(body.to_string().into_bytes()), &[])
    }

    /// A request with raw body bytes and extra headers.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        headers: &[(&str, &str)],
    ) -> Result<Reply> {
        let url = format!("{}{path}", self.base);
        let fail = || {
            format!(
                "{method} {url}: cannot reach the server (is `fgs-local serve` running there? see --endpoint)"
            )
        };
        let mut req = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header("Content-Type", "application/json");
        if let Some(t) = &self.token {
            req = req.header("X-Auth-Token", t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req
            .body(body.unwrap_or_default())
            .with_context(|| format!("{method} {url}: not a valid request"))?;
        let mut resp = self.agent.run(req).with_context(fail)?;
        let status = resp.status().as_u16();
        let request_id = resp
            .headers()
            .get("x-cff-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .with_context(fail)?;
        Ok(Reply {
            status,
            request_id,
            body,
        })
    }
}

/// A URN as one path segment: `:` and `!` percent-encoded, as the official SDKs send it.
pub fn seg(urn: &str) -> String {
    let mut out = String::with_capacity(urn.len() + 8);
    for b in urn.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
