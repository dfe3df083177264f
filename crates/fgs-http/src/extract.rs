//! Request parsing with the error shape of [`crate::error`]: path segments (percent-decoded,
//! UTF-8), query strings and JSON bodies. Every rejection is an [`ApiError`], never axum's
//! plain-text answer.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Path parameters, percent-decoded (`urn%3Afss%3A...%3A%21alias` is the URN with `:!alias`).
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|e| ApiError::bad_request(format!("invalid path: {}", e.body_text())))
    }
}

/// The query string as `T` (missing parameters are `None`/default in `T`).
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded_like(q)
            .map(Query)
            .map_err(|e| ApiError::bad_request(format!("invalid query string: {e}")))
    }
}

/// Query strings through axum's own deserializer.
fn serde_urlencoded_like<T: DeserializeOwned>(q: &str) -> Result<T, String> {
    let uri: axum::http::Uri = format!("/?{q}")
        .parse()
        .map_err(|e: axum::http::uri::InvalidUri| e.to_string())?;
    axum::extract::Query::<T>::try_from_uri(&uri)
        .map(|q| q.0)
        .map_err(|e| e.body_text())
}

/// The raw body bytes, at most `LIMIT` bytes (413 FSS.0413 beyond).
pub struct RawBody<const LIMIT: usize>(pub axum::body::Bytes);

impl<S: Send + Sync, const LIMIT: usize> FromRequest<S> for RawBody<LIMIT> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        read_body(req, LIMIT).await.map(RawBody)
    }
}

/// Reads a body of at most `limit` bytes.
pub(crate) async fn read_body(req: Request, limit: usize) -> Result<axum::body::Bytes, ApiError> {
    let (parts, body) = req.into_parts();
    read_limited(&parts.headers, body, limit).await
}

/// Reads `body` of at most `limit` bytes; a `Content-Length` over it is refused unread.
pub(crate) async fn read_limited<B>(
    headers: &HeaderMap,
    body: B,
    limit: usize,
) -> Result<axum::body::Bytes, ApiError>
where
    B: axum::body::HttpBody<Data = axum::body::Bytes>,
    B::Error: Into<axum::BoxError>,
{
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        && len > limit as u64
    {
        return Err(ApiError::too_large(limit));
    }
    http_body_util::BodyExt::collect(http_body_util::Limited::new(body, limit))
        .await
        .map(http_body_util::Collected::to_bytes)
        .map_err(|_| ApiError::too_large(limit))
}

/// A JSON body as `T`. An empty body reads as `{}` (GET-like POSTs, SDKs that send nothing);
/// malformed JSON or wrong types are 400 FSS.0400 naming the problem; a non-JSON body with a
/// non-JSON `Content-Type` is 415 FSS.0415.
pub struct Json<T>(pub T);

/// The limit of management bodies: a 50 MB code package (FSS.1071) as base64, plus JSON.
pub const MANAGEMENT_BODY_LIMIT: usize = 70 * 1024 * 1024;

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let json_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|ct| {
                let ct = ct.to_ascii_lowercase();
                ct.contains("json") || ct.starts_with("text/plain")
            });
        let bytes = read_body(req, MANAGEMENT_BODY_LIMIT).await?;
        let slice: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        serde_json::from_slice(slice).map(Json).map_err(|e| {
            if json_type {
                ApiError::bad_request(format!("invalid JSON body: {e}"))
            } else {
                ApiError::transport(
                    415,
                    "FSS.0415",
                    "the body must be JSON (Content-Type: application/json)",
                )
            }
        })
    }
}
