//! Invocation endpoints: sync (seed §5.1.1), async (§5.1.2) and reserved (§5.1.3).
//!
//! Sync invoke renders `fgs_runtime::OutcomeKind` row by row: a success is 200 with the
//! handler's bytes (v0) or `{"request_id","result","log","status"}` (v1); any other outcome
//! answers its status (408, 500, ...) with `{"error_code","error_msg"}` (v1 adds
//! `request_id`, `log` and `status` to that body). Every answer that ran carries
//! `X-Cff-Request-Id` and `X-Cff-Invoke-Summary` (JSON: duration and billed duration in ms,
//! memory size and peak in MB, cold start, outcome); with `X-Cff-Log-Type: tail` the base64
//! of the last 4 KB of log is in `X-Cff-Log` (and v1's `log`).
//!
//! Sync invoke is served twice over, with one body ([`sync`]): as a route of the router, and
//! matched by hand ([`sync_target`]) in front of the router by [`crate::Api`], the service
//! `fgs_http::serve` runs (see there for why).

use std::borrow::Cow;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use axum::routing::{MethodFilter, on};
use base64::Engine as _;
use fgs_runtime::{InvocationResult, InvokeOptions};

use crate::App;
use crate::error::ApiError;
use crate::extract::{Path, RawBody, read_limited};
use crate::routes::{Row, build, json, row};
use crate::summary::Summary;

/// The largest invoke event: 6 MiB (seed §5.1.1; the platform's payload limit).
pub const MAX_EVENT_BYTES: usize = 6 * 1024 * 1024;

/// The invocation routes.
pub(crate) fn table() -> Vec<Row> {
    vec![
        row!(POST "/functions/{urn}/invocations" invoke),
        row!(POST "/functions/{urn}/invocations-async" invoke_async),
        row!(POST "/functions/{urn}/reserved-invocations" reserved_invoke),
    ]
}

/// The invocation routes.
pub(crate) fn routes() -> Router<App> {
    build(table())
}

/// The header names of sync invoke, made once (a name given as text is parsed and validated
/// on every lookup or insert).
const REQUEST_VERSION: HeaderName = HeaderName::from_static("x-cff-request-version");
const LOG_TYPE: HeaderName = HeaderName::from_static("x-cff-log-type");
const REQUEST_ID: HeaderName = HeaderName::from_static("x-cff-request-id");
const INVOKE_SUMMARY: HeaderName = HeaderName::from_static("x-cff-invoke-summary");
const LOG: HeaderName = HeaderName::from_static("x-cff-log");

/// The request headers sync invoke reads (§5.1.1), read in place (no copy of the header map).
struct InvokeHeaders {
    /// `X-CFF-Request-Version: v1`.
    v1: bool,
    /// `X-Cff-Log-Type: tail`.
    tail: bool,
}

impl InvokeHeaders {
    fn of(headers: &HeaderMap) -> Self {
        let is = |name: &HeaderName, value: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case(value))
        };
        InvokeHeaders {
            v1: is(&REQUEST_VERSION, "v1"),
            tail: is(&LOG_TYPE, "tail"),
        }
    }
}

/// A sync invoke's project id and URN, percent-decoded.
pub(crate) type Target<'a> = (Cow<'a, str>, Cow<'a, str>);

/// The project id and URN of a sync invoke path
/// (`/v2/{project_id}/fgs/functions/{urn}/invocations`), percent-decoded: `None` for any
/// other path (as the router's match: no `/` in either segment; an empty one matches, and
/// the emulator refuses it), 400 FSS.0400 for a segment that is not UTF-8 once decoded (as
/// the router's `Path`).
pub(crate) fn sync_target(path: &str) -> Option<Result<Target<'_>, ApiError>> {
    let (project, rest) = path.strip_prefix("/v2/")?.split_once('/')?;
    let urn = rest
        .strip_prefix("fgs/functions/")?
        .strip_suffix("/invocations")?;
    if urn.contains('/') {
        return None;
    }
    let decode = |segment: &str, text| {
        percent_decode(text).ok_or_else(|| {
            ApiError::bad_request(format!(
                "invalid path: `{segment}` is not UTF-8 once percent-decoded"
            ))
        })
    };
    Some(decode("project_id", project).and_then(|p| Ok((p, decode("urn", urn)?))))
}

/// `text` with each `%XX` (two hex digits) decoded, as `percent_encoding` and the router do
/// (a `%` not followed by two hex digits stays as it is); `None` when the result is not
/// UTF-8. Borrowed when there is nothing to decode. By hand, copying the runs between escapes
/// whole: `percent_encoding` decodes one byte per iterator step, which was 4% of the server's
/// user time for a full URN.
fn percent_decode(text: &str) -> Option<Cow<'_, str>> {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let mut rest = text.as_bytes();
    let Some(first) = rest.iter().position(|&b| b == b'%') else {
        return Some(Cow::Borrowed(text));
    };
    let mut out = Vec::with_capacity(rest.len());
    let mut at = Some(first);
    while let Some(i) = at {
        out.extend_from_slice(&rest[..i]);
        let pair = rest.get(i + 1).copied().and_then(hex);
        match pair.zip(rest.get(i + 2).copied().and_then(hex)) {
            Some((hi, lo)) => {
                out.push(hi << 4 | lo);
                rest = &rest[i + 3..];
            }
            None => {
                out.push(b'%');
                rest = &rest[i + 1..];
            }
        }
        at = rest.iter().position(|&b| b == b'%');
    }
    out.extend_from_slice(rest);
    String::from_utf8(out).ok().map(Cow::Owned)
}

async fn invoke(
    State(app): State<App>,
    Path((p, urn)): Path<(String, String)>,
    req: Request,
) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    sync(&app, &p, &urn, &parts.headers, body).await
}

/// Sync invoke (§5.1.1) of `urn` in `project`: the route's body, and [`crate::Api`]'s.
pub(crate) async fn sync<B>(
    app: &App,
    project: &str,
    urn: &str,
    headers: &HeaderMap,
    body: B,
) -> Result<Response, ApiError>
where
    B: axum::body::HttpBody<Data = Bytes>,
    B::Error: Into<axum::BoxError>,
{
    let InvokeHeaders { v1, tail } = InvokeHeaders::of(headers);
    let event = read_limited(headers, body, MAX_EVENT_BYTES).await?;
    // On a multi-threaded runtime the call runs right here (see `App::in_place`); the executor
    // steps off the worker where it may block.
    let in_place = App::on_multi_thread_worker();
    let options = InvokeOptions {
        log_tail: tail,
        on_async_worker: in_place,
        ..Default::default()
    };
    let inv = if in_place {
        app.in_place(project, move |e| e.invoke_with(urn, &event, options))?
    } else {
        let urn = urn.to_owned();
        app.call(project, move |e| e.invoke_with(&urn, &event, options))
            .await?
    };
    Ok(render(inv, v1))
}

/// One sync invocation as its HTTP answer.
fn render(mut inv: InvocationResult, v1: bool) -> Response {
    let log_b64 = inv
        .log
        .as_deref()
        .map(|l| base64::engine::general_purpose::STANDARD.encode(l));
    let status =
        StatusCode::from_u16(inv.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = match (inv.error(), v1) {
        (None, false) => {
            // Built directly: `(status, Vec<u8>).into_response()` would insert a content
            // type of its own first.
            let ctype = content_type(&inv.result);
            let mut r = Response::new(axum::body::Body::from(std::mem::take(&mut inv.result)));
            *r.status_mut() = status;
            // Room for exactly the three headers below (a map grown on first insert holds
            // six: twice the memory to write on every call).
            let h = r.headers_mut();
            *h = HeaderMap::with_capacity(3 + usize::from(inv.log.is_some()));
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
            r
        }
        (None, true) => json(
            status,
            &serde_json::json!({
                "request_id": inv.request_id,
                "result": inv.result_text(),
                "log": log_b64.as_deref().unwrap_or(""),
                "status": inv.status(),
            }),
        ),
        (Some(err), false) => json(
            status,
            &serde_json::json!({"error_code": err.code(), "error_msg": err.message()}),
        ),
        (Some(err), true) => json(
            status,
            &serde_json::json!({
                "error_code": err.code(), "error_msg": err.message(),
                "request_id": inv.request_id, "result": "",
                "log": log_b64.as_deref().unwrap_or(""), "status": inv.status(),
            }),
        ),
    };
    let summary = Summary::of(&inv).to_json();
    let h = resp.headers_mut();
    // The id's own buffer becomes the header's (no copy; the body above is built).
    if let Ok(v) = HeaderValue::from_maybe_shared(Bytes::from(std::mem::take(&mut inv.request_id)))
    {
        h.insert(REQUEST_ID, v);
    }
    if let Ok(v) = HeaderValue::from_bytes(&summary) {
        h.insert(INVOKE_SUMMARY, v);
    }
    if let Some(v) = log_b64.and_then(|l| HeaderValue::from_str(&l).ok()) {
        h.insert(LOG, v);
    }
    resp
}

/// The media type of a v0 result: JSON when it is one JSON document, else text or bytes.
fn content_type(result: &[u8]) -> &'static str {
    match std::str::from_utf8(result) {
        Ok(text) if crate::json_text::is_json(text) => "application/json",
        Ok(_) => "text/plain; charset=utf-8",
        Err(_) => "application/octet-stream",
    }
}

/// An async event: the body as JSON (an empty body is `{}`).
fn event_json(body: &[u8]) -> Result<serde_json::Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::json!({}));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("the event is not valid JSON: {e}")))
}

async fn invoke_async(
    State(app): State<App>,
    Path((p, urn)): Path<(String, String)>,
    RawBody(body): RawBody<MAX_EVENT_BYTES>,
) -> Result<Response, ApiError> {
    let event = event_json(&body)?;
    let accepted = app.call(&p, move |e| e.invoke_async(&urn, event)).await?;
    Ok(json(StatusCode::ACCEPTED, &accepted))
}

async fn reserved_invoke(
    State(app): State<App>,
    Path((p, urn)): Path<(String, String)>,
    RawBody(body): RawBody<MAX_EVENT_BYTES>,
) -> Result<Response, ApiError> {
    let event = event_json(&body)?;
    let accepted = app
        .call(&p, move |e| e.reserved_invoke(&urn, event))
        .await?;
    Ok(json(StatusCode::ACCEPTED, &accepted))
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::{percent_decode, sync_target};

    /// The hand decoder answers as `percent_encoding` (what the router's `Path` decodes with).
    #[test]
    fn percent_decode_matches_percent_encoding() {
        let cases = [
            "",
            "echo",
            "urn%3Afss%3Alocal-1%3Ap%3Afunction%3Adefault%3Aecho%3A%21prod",
            "%3a%3A",
            "%",
            "%%",
            "%4",
            "a%4g",
            "%zz%41",
            "%E2%9C%93 ok",
            "100%",
            "%FF",
            "%C3",
            "%C3%A9",
            "é%20é",
            "%%41",
            "%4%41",
            "x%2",
            "a%41%42b%43",
        ];
        for text in cases {
            let theirs = percent_encoding::percent_decode_str(text)
                .decode_utf8()
                .ok()
                .map(Cow::into_owned);
            let ours = percent_decode(text).map(Cow::into_owned);
            assert_eq!(ours, theirs, "{text:?}");
        }
        assert!(matches!(percent_decode("echo:!a"), Some(Cow::Borrowed(_))));
    }

    #[test]
    fn sync_target_takes_only_the_invoke_shape() {
        let ok = |path: &str| match sync_target(path) {
            Some(Ok((p, u))) => Some((p.into_owned(), u.into_owned())),
            _ => None,
        };
        assert_eq!(
            ok("/v2/p1/fgs/functions/urn%3Ax%3A%21a/invocations"),
            Some(("p1".into(), "urn:x:!a".into()))
        );
        for other in [
            "/v2/p1/fgs/functions/echo/invocations-async",
            "/v2/p1/fgs/functions/echo/invocations/",
            "/v2/p1/fgs/functions/a/b/invocations",
            "/v2/p1/fgs/functions/echo",
            "/v2/p1/x/fgs/functions/echo/invocations",
        ] {
            assert!(sync_target(other).is_none(), "{other}");
        }
        assert!(matches!(
            sync_target("/v2/p1/fgs/functions/%FF/invocations"),
            Some(Err(_))
        ));
    }
}
