//! How errors are rendered: every non-2xx body is `{"error_code", "error_msg"}` (seed §3.3).
//!
//! Management and invocation errors are `fgs_core::Error`s: their code and status come from
//! the one table in `fgs_core::error`, and this layer only renders them. The HTTP layer adds
//! codes only for what happens before a request reaches the emulator, each documented here:
//!
//! | case | status | `error_code` |
//! |---|---|---|
//! | no route matches the path | 404 | `FSS.0404` (seed §7.2) |
//! | the route exists, not for this method | 405 | `FSS.0405` (transport; §7.1 lists 405 without a code) |
//! | a body over the limit | 413 | `FSS.0413` (seed §7.2) |
//! | a body that is not JSON where JSON is required, with a non-JSON `Content-Type` | 415 | `FSS.0415` (transport) |
//! | a path segment that is not UTF-8 or not valid percent-encoding | 400 | `FSS.0400` |
//! | a body or query that does not deserialize (malformed JSON, wrong JSON types) | 400 | `FSS.0400` |

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fgs_core::{Error, ErrorKind};

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    status: u16,
    code: &'static str,
    message: String,
}

impl ApiError {
    /// A transport-level error with its own status and code (see the module table).
    pub(crate) fn transport(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 FSS.0400 with `message`.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        ErrorKind::InvalidParameter.with(message).into()
    }

    /// 413 FSS.0413: a body over `limit` bytes.
    pub(crate) fn too_large(limit: usize) -> Self {
        ApiError::transport(
            413,
            "FSS.0413",
            format!("the request body is larger than {limit} bytes"),
        )
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError {
            status: e.status(),
            code: e.code(),
            message: e.message().to_owned(),
        }
    }
}

/// `{"error_code","error_msg"}` with `status`.
pub(crate) fn error_response(status: u16, code: &str, message: &str) -> Response {
    let body = serde_json::json!({"error_code": code, "error_msg": message}).to_string();
    let mut resp = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body,
    )
        .into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status >= 500 {
            tracing::warn!(code = self.code, "request failed: {}", self.message);
        }
        error_response(self.status, self.code, &self.message)
    }
}
