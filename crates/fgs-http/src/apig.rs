//! APIG triggers as real routes: `ANY /apig/<sl_domain><path>` (the `invoke_url` an APIG
//! trigger reports when the platform has an `apig_base_url`, as `fgs-local serve` sets it)
//! invokes the function of the ACTIVE APIG trigger that answers the request
//! (`fgs_runtime::Platform::apig_route`) with the APIG event and answers with the handler's
//! response object (`statusCode`, `headers`, `body`, `isBase64Encoded`).
//!
//! These routes are mounted outside the REST API's auth layer: an APIG trigger with `auth`
//! `NONE` is public on the platform, and the emulator does not model APIG's IAM or APP
//! authentication. Errors are `{"error_code","error_msg"}`:
//!
//! | case | status | `error_code` |
//! |---|---|---|
//! | no ACTIVE APIG trigger answers the domain, method and path | 404 | `FSS.1138` |
//! | the handler's result is not an APIG response object | 502 | `FSS.0502` |
//! | the invocation failed (error, timeout, ...) | the outcome's (sync invoke's table) | the outcome's |
//! | a body over 6 MiB | 413 | `FSS.0413` |
//!
//! The headers `Content-Length`, `Transfer-Encoding` and `Connection` of the handler's answer
//! are left to the server; a header the handler names that is not valid HTTP is a 502.

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use fgs_core::trigger::{ApigRequest, ApigResponse};

use crate::App;
use crate::error::ApiError;
use crate::invoke::MAX_EVENT_BYTES;

/// The path prefix of APIG routes.
pub const APIG_PREFIX: &str = "/apig/";

/// The APIG routes (mounted without auth).
pub(crate) fn routes() -> Router<App> {
    Router::new()
        .route("/apig/{*rest}", any(apig))
        .route("/apig/", any(apig))
        .route("/apig", any(apig))
}

async fn apig(State(app): State<App>, req: Request) -> Result<Response, ApiError> {
    let rest = req
        .uri()
        .path()
        .strip_prefix(APIG_PREFIX)
        .unwrap_or_default();
    let (domain, path) = match rest.split_once('/') {
        Some((d, p)) => (d.to_owned(), format!("/{p}")),
        None => (rest.to_owned(), "/".to_owned()),
    };
    let method = req.method().as_str().to_owned();
    let route = app.platform.apig_route(&domain, &method, &path)?;
    let source_ip = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "127.0.0.1".to_owned(), |c| c.0.ip().to_string());
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let query = req.uri().query().unwrap_or_default().to_owned();
    let body = crate::extract::read_body(req, MAX_EVENT_BYTES).await?;
    let request = ApigRequest {
        method,
        path,
        headers,
        query,
        body: body.to_vec(),
        source_ip,
    };
    let platform = app.platform.clone();
    let answer = app
        .run_blocking(move || platform.invoke_apig(&route, &request))
        .await?;
    let mut resp = render(answer.response)?;
    if let Ok(v) = HeaderValue::from_str(&answer.invocation.request_id) {
        resp.headers_mut().insert("x-cff-request-id", v);
    }
    Ok(resp)
}

/// The handler's response object as HTTP.
fn render(r: ApigResponse) -> Result<Response, ApiError> {
    let status =
        StatusCode::from_u16(r.status).map_err(|_| bad(format!("statusCode {}", r.status)))?;
    let mut resp = (status, r.body).into_response();
    let h = resp.headers_mut();
    h.remove(header::CONTENT_TYPE);
    for (name, value) in r.headers {
        let n = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| bad(format!("header name '{name}'")))?;
        if n == header::CONTENT_LENGTH || n == header::TRANSFER_ENCODING || n == header::CONNECTION
        {
            continue;
        }
        let v = HeaderValue::from_str(&value)
            .map_err(|_| bad(format!("the value of header '{name}'")))?;
        h.append(n, v);
    }
    Ok(resp)
}

fn bad(what: String) -> ApiError {
    fgs_core::ErrorKind::BadGateway
        .with(format!(
            "the function's APIG response is not valid HTTP: {what} is not allowed"
        ))
        .into()
}
