//! APIG triggers as HTTP routes: which requests an APIG trigger answers, the event a request
//! becomes, and how the handler's answer becomes the HTTP response.
//!
//! - **Routing** ([`ApigEventData::match_request`]): a trigger answers the requests to its
//!   `sl_domain` (ASCII case-insensitive) whose method is its `req_method` (`ANY`: every
//!   method) and whose path starts with its `path` by whole segments (`match_mode` `SWA`,
//!   prefix match: `/test` answers `/test`, `/test/` and `/test/a`, not `/testing`). A
//!   `{name}` segment of the trigger's path matches any one segment and a final `{name+}`
//!   the rest of the path; both are delivered in `pathParameters`. Among several triggers the
//!   caller picks the most specific ([`ApigMatch::specificity`]).
//! - **Event** ([`http_event`]): `httpMethod`, `path` (as requested), `headers` (names in
//!   lower case; a repeated header's values joined with `,`), `queryStringParameters` (each
//!   name's last value, percent-decoded), `pathParameters`, `body` (Base64 of the raw bytes)
//!   with `isBase64Encoded: true`, and `requestContext` (`apiId`, `requestId`, `stage`,
//!   `sourceIp`), the shape of [`super::events`] for an APIG trigger.
//! - **Response** ([`ApigResponse::from_result`]): the handler must return a JSON object with
//!   an integer `statusCode` (100-599), and may give `headers` (an object of strings; numbers
//!   and booleans are written as text; an array gives the header once per item), `body` (a
//!   string; absent is empty) and `isBase64Encoded` (`true`: `body` is Base64 and is decoded).
//!   Anything else is 502 `FSS.0502` (Bad gateway) with a message that says what was wrong,
//!   as a gateway answers for a backend whose answer it cannot read.
//!
//! ```
//! use fgs_core::trigger::ApigResponse;
//! let r = ApigResponse::from_result(
//!     br#"{"statusCode":200,"headers":{"Content-Type":"text/html"},"body":"<h1>hi</h1>"}"#,
//! )?;
//! assert_eq!((r.status, r.body.as_slice()), (200, &b"<h1>hi</h1>"[..]));
//! let err = ApigResponse::from_result(b"\"just a string\"").unwrap_err();
//! assert_eq!((err.status(), err.code()), (502, "FSS.0502"));
//! # Ok::<(), fgs_core::Error>(())
//! ```

use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::ApigEventData;
use super::events::EventContext;
use crate::error::{ErrorKind, Result};

/// An HTTP request to an APIG trigger, as the gateway received it.
#[derive(Debug, Clone, Default)]
pub struct ApigRequest {
    /// The method (`GET`, `POST`, ...).
    pub method: String,
    /// The path after the domain, starting with `/` (percent-encoded as received).
    pub path: String,
    /// The headers in order; names as received (made lower case in the event).
    pub headers: Vec<(String, String)>,
    /// The raw query string without `?` (empty when none).
    pub query: String,
    /// The body.
    pub body: Vec<u8>,
    /// The client's address.
    pub source_ip: String,
}

/// How a trigger matched a request: the path parameters and how specific the match is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApigMatch {
    /// `{name}` and `{name+}` segments of the trigger's path, with what they matched.
    pub path_parameters: Vec<(String, String)>,
    /// Higher is more specific: literal segments count 2, `{name}` 1 (and an exact method
    /// beats `ANY` at equal paths).
    pub specificity: u32,
}

impl ApigEventData {
    /// Whether this trigger answers `method` on `domain` at `path` (the module's rules).
    pub fn match_request(&self, domain: &str, method: &str, path: &str) -> Option<ApigMatch> {
        if !self.sl_domain.eq_ignore_ascii_case(domain) {
            return None;
        }
        let exact_method = self.req_method.eq_ignore_ascii_case(method);
        if !exact_method && self.req_method != "ANY" {
            return None;
        }
        let mut wanted = segments(&self.path).peekable();
        let mut got = segments(path);
        let mut m = ApigMatch {
            path_parameters: Vec::new(),
            specificity: u32::from(exact_method),
        };
        while let Some(want) = wanted.next() {
            let param = want.strip_prefix('{').and_then(|w| w.strip_suffix('}'));
            match param {
                Some(name) if name.ends_with('+') && wanted.peek().is_none() => {
                    let rest: Vec<&str> = got.by_ref().collect();
                    if rest.is_empty() {
                        return None;
                    }
                    let name = name.trim_end_matches('+').to_owned();
                    m.path_parameters.push((name, decode(&rest.join("/"))));
                    m.specificity += 1;
                }
                Some(name) => {
                    let seg = got.next()?;
                    m.path_parameters.push((name.to_owned(), decode(seg)));
                    m.specificity += 2;
                }
                None => {
                    if got.next()? != want {
                        return None;
                    }
                    m.specificity += 4;
                }
            }
        }
        Some(m)
    }
}

/// The non-empty segments of a path.
fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// Percent-decodes `s` (lossy UTF-8; `+` stays as it is).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The event an APIG trigger delivers for an HTTP request (module docs).
pub fn http_event(
    a: &ApigEventData,
    req: &ApigRequest,
    matched: &ApigMatch,
    ctx: &EventContext<'_>,
) -> Value {
    let mut headers = Map::new();
    for (name, value) in &req.headers {
        let name = name.to_ascii_lowercase();
        match headers.get_mut(&name) {
            Some(Value::String(v)) => {
                v.push(',');
                v.push_str(value);
            }
            _ => {
                headers.insert(name, Value::String(value.clone()));
            }
        }
    }
    let mut query = Map::new();
    for pair in req.query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let plus = |s: &str| decode(&s.replace('+', " "));
        query.insert(plus(k), Value::String(plus(v)));
    }
    let path_parameters: Map<String, Value> = matched
        .path_parameters
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    json!({
        "body": base64::engine::general_purpose::STANDARD.encode(&req.body),
        "requestContext": {
            "apiId": a.api_id,
            "requestId": ctx.event_id.replace('-', ""),
            "stage": a.env_name,
            "sourceIp": req.source_ip,
        },
        "queryStringParameters": query,
        "httpMethod": req.method,
        "pathParameters": path_parameters,
        "headers": headers,
        "path": req.path,
        "isBase64Encoded": true,
    })
}

/// What an APIG-triggered handler answered, as the HTTP response to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApigResponse {
    /// `statusCode`.
    pub status: u16,
    /// `headers`, in order (an array value gives one entry per item).
    pub headers: Vec<(String, String)>,
    /// `body`, Base64-decoded when `isBase64Encoded`.
    pub body: Vec<u8>,
}

impl ApigResponse {
    /// Reads a handler's result (module docs); 502 `FSS.0502` when it is not an APIG
    /// response object.
    pub fn from_result(result: &[u8]) -> Result<ApigResponse> {
        let bad = |why: String| {
            ErrorKind::BadGateway.with(format!(
                "the function's result is not an APIG response: {why}; return a JSON object \
                 {{\"statusCode\": 200, \"headers\": {{...}}, \"body\": \"...\", \
                 \"isBase64Encoded\": false}}"
            ))
        };
        let value: Value =
            serde_json::from_slice(result).map_err(|e| bad(format!("it is not JSON ({e})")))?;
        let Value::Object(o) = value else {
            return Err(bad(format!("it is {}, not an object", kind_of(&value))));
        };
        let status = match o.get("statusCode") {
            None => return Err(bad("statusCode is missing".to_owned())),
            Some(v) => v
                .as_u64()
                .filter(|s| (100..=599).contains(s))
                .ok_or_else(|| bad(format!("statusCode {v} is not an integer from 100 to 599")))?,
        };
        let mut headers = Vec::new();
        match o.get("headers") {
            None | Some(Value::Null) => {}
            Some(Value::Object(h)) => {
                for (name, v) in h {
                    let items = match v {
                        Value::Array(items) => items.as_slice(),
                        one => std::slice::from_ref(one),
                    };
                    for item in items {
                        let text = match item {
                            Value::String(s) => s.clone(),
                            Value::Number(_) | Value::Bool(_) => item.to_string(),
                            other => {
                                return Err(bad(format!(
                                    "header '{name}' is {}, not a string",
                                    kind_of(other)
                                )));
                            }
                        };
                        headers.push((name.clone(), text));
                    }
                }
            }
            Some(other) => {
                return Err(bad(format!("headers is {}, not an object", kind_of(other))));
            }
        }
        let base64 = match o.get("isBase64Encoded") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(bad(format!(
                    "isBase64Encoded is {}, not a boolean",
                    kind_of(other)
                )));
            }
        };
        let body = match o.get("body") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) if base64 => base64::engine::general_purpose::STANDARD
                .decode(s.trim())
                .map_err(|e| {
                    bad(format!(
                        "isBase64Encoded is true but body is not Base64 ({e})"
                    ))
                })?,
            Some(Value::String(s)) => s.clone().into_bytes(),
            Some(other) => return Err(bad(format!("body is {}, not a string", kind_of(other)))),
        };
        Ok(ApigResponse {
            status: status as u16,
            headers,
            body,
        })
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl ApigEventData {
    /// Points `invoke_url` at an emulator's own listener: `<base>/apig/<sl_domain><path>`
    /// (`base` without a trailing `/`, e.g. `http://127.0.0.1:8000`), the URL `fgs-local
    /// serve` answers. Without a base the URL stays the seed's
    /// `<protocol>://<sl_domain><path>`.
    pub fn set_base_url(&mut self, base: Option<&str>) {
        self.invoke_url = match base {
            Some(b) => format!(
                "{}/apig/{}{}",
                b.trim_end_matches('/'),
                self.sl_domain,
                self.path
            ),
            None => format!(
                "{}://{}{}",
                self.protocol.to_ascii_lowercase(),
                self.sl_domain,
                self.path
            ),
        };
    }
}
