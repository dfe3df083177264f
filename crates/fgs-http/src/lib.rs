//! `fgs-http`: the FunctionGraph REST API over [`fgs_runtime`], with axum.
//!
//! [`router`] answers every endpoint of the FunctionGraph API reference (seed §5, E01-E50 of
//! the digest) under `/v2/{project_id}/fgs/...` for any project id: each project is its own
//! [`fgs_runtime::Emulator`] of one [`Platform`], so projects are isolated while sharing one
//! engine. Each handler parses the request, calls the emulator method of the same name (the
//! README's API table) and renders the answer; every rule lives below this crate.
//!
//! ```
//! use tower::ServiceExt as _;
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let platform = fgs_runtime::Platform::new(fgs_runtime::Emulator::builder()).unwrap();
//! let app = fgs_http::router(platform, fgs_http::HttpConfig::default());
//! let req = axum::http::Request::get("/v2/0123456789abcdef0123456789abcdef/fgs/quotas")
//!     .body(axum::body::Body::empty())
//!     .unwrap();
//! let resp = app.oneshot(req).await.unwrap();
//! assert_eq!(resp.status(), 200);
//! # }
//! ```
//!
//! - **Status codes** as the seed gives them: 200, 201 for a created trigger, 202 for async
//!   and reserved invocations, 204 with no body for deletes.
//! - **Errors**: `{"error_code","error_msg"}` from the `fgs_core` table; the few transport
//!   codes of this layer are listed in [`error`].
//! - **URNs** in paths may be percent-encoded (`urn%3Afss%3A...%3A%21prod`) and take every
//!   form of seed §1.6.1.
//! - **Sync invoke** (§5.1.1, `invoke` module): `X-CFF-Request-Version: v0` (the default: the
//!   handler's bytes as the body) or `v1` (`{"request_id","result","log","status"}`),
//!   `X-Cff-Log-Type: tail` (the base64 log tail in v1's `log` and the `X-Cff-Log` header),
//!   `X-Cff-Request-Id` and `X-Cff-Invoke-Summary` on every answer; a failed call answers the
//!   outcome's status with its `error_code` (the `fgs_runtime::OutcomeKind` table). Events up
//!   to 6 MiB.
//! - **Auth** ([`Auth`]): open by default; [`Auth::Verify`] checks `X-Auth-Token` or the SDKs'
//!   AK/SK signature on every request of the REST API.
//! - **Serving** ([`serve`]): HTTP/1.1 on a TCP listener, of an [`Api`]: the router with
//!   sync invoke, the hot path, matched by hand in front of it (the same answers without
//!   axum's per-request routing; `fgs-local serve` runs this).
//! - **APIG triggers** ([`apig`]): `ANY /apig/<sl_domain><path>`, each trigger's `invoke_url`
//!   when the platform has an `apig_base_url`, invokes the function with the APIG event and
//!   answers with its response object; not behind the REST API's auth.
#![deny(missing_docs)]

mod api;
pub mod apig;
pub mod auth;
pub mod error;
mod extract;
mod invoke;
mod json_text;
mod routes;
mod serve;
mod summary;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fgs_runtime::{Emulator, Platform};

pub use api::Api;
pub use auth::Auth;
pub use error::ApiError;
pub use serve::serve;

/// Settings of the router. `Default`: open auth.
#[derive(Debug, Clone, Default)]
pub struct HttpConfig {
    /// How requests are authenticated. Default [`Auth::Open`].
    pub auth: Auth,
}

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct App {
    pub(crate) platform: Platform,
    pub(crate) auth: Arc<Auth>,
    /// The default project's emulator, held for the calls that name it (most of them): no
    /// lookup in the platform's map of projects, and no reference count to move.
    default: Emulator,
}

impl App {
    /// The emulator of `project` (made on first use; a bad id is 400).
    pub(crate) fn project(&self, project: &str) -> Result<Emulator, ApiError> {
        Ok(self.platform.project(project)?)
    }

    /// Runs `f` on `project`'s emulator right on the task's thread, for what does not block:
    /// reads of the in-memory state (no read touches the store's disk), and a sync invoke
    /// with `InvokeOptions::on_async_worker` (the executor steps off the worker where the
    /// call may block). A panic in `f` is 500 FSS.0500.
    pub(crate) fn in_place<T>(
        &self,
        project: &str,
        f: impl FnOnce(&Emulator) -> fgs_core::Result<T>,
    ) -> Result<T, ApiError> {
        let other;
        let emu = if project == self.default.project_id() {
            &self.default
        } else {
            other = self.project(project)?;
            &other
        };
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(emu)))
            .map_err(panicked)?
            .map_err(ApiError::from)
    }

    /// Whether this task runs on a worker of a multi-threaded runtime, where a sync invoke
    /// runs in place with `InvokeOptions::on_async_worker` (no hop to another thread: the
    /// executor steps off the worker only where the call may block).
    pub(crate) fn on_multi_thread_worker() -> bool {
        use tokio::runtime::{Handle, RuntimeFlavor};
        Handle::try_current().is_ok_and(|h| h.runtime_flavor() == RuntimeFlavor::MultiThread)
    }

    /// Runs `f` on `project`'s emulator off the async threads (management calls may wait on
    /// the store's disk commit or compile code; invocations run guests).
    pub(crate) async fn call<T: Send + 'static>(
        &self,
        project: &str,
        f: impl FnOnce(Emulator) -> fgs_core::Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        let emu = self.project(project)?;
        self.run_blocking(move || f(emu)).await
    }

    /// Runs `f`, which may run a guest or wait on the disk, without stalling the server: on
    /// a multi-threaded runtime in `block_in_place` on the current worker (no hop to the
    /// blocking pool and back: the worker's other tasks move to another thread while `f`
    /// runs), on a current-thread runtime on the blocking pool. Not inline on the worker:
    /// WASI output of a guest blocks on the ambient runtime (wasmtime-wasi), which panics on
    /// a worker thread. A panic in `f` is 500 FSS.0500.
    pub(crate) async fn run_blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> fgs_core::Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        if !Self::on_multi_thread_worker() {
            return match tokio::task::spawn_blocking(f).await {
                Ok(r) => r.map_err(ApiError::from),
                Err(e) if e.is_panic() => Err(panicked(e.into_panic())),
                Err(e) => Err(ApiError::from(
                    fgs_core::ErrorKind::Internal.with(format!("the call was cancelled: {e}")),
                )),
            };
        }
        let guarded = std::panic::AssertUnwindSafe(f);
        tokio::task::block_in_place(move || std::panic::catch_unwind(guarded))
            .map_err(panicked)?
            .map_err(ApiError::from)
    }
}

/// A panic caught in a call, as 500 FSS.0500 with its message.
fn panicked(payload: Box<dyn std::any::Any + Send>) -> ApiError {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    ApiError::from(fgs_core::ErrorKind::Internal.with(format!("the call panicked: {msg}")))
}

/// The OpenAPI 3 document of the REST API, served at `GET /openapi.json`.
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

/// Every `(method, path template)` [`router`] serves under `/v2` (the table it is built
/// from; `/openapi.json` aside), for checking the OpenAPI document against the router.
pub fn routes() -> Vec<(axum::http::Method, &'static str)> {
    let rows = routes::table().into_iter().chain(invoke::table());
    rows.map(|(method, path, _)| (method, path)).collect()
}

/// The router of every endpoint, for every project of `platform` (what [`Api`] puts its
/// front before).
pub fn router(platform: Platform, config: HttpConfig) -> Router {
    build(platform, config).0
}

/// The router, and the state its handlers share.
fn build(platform: Platform, config: HttpConfig) -> (Router, App) {
    let app = App {
        default: platform.default_project(),
        platform,
        auth: Arc::new(config.auth),
    };
    let api = routes::routes()
        .merge(invoke::routes())
        .route("/openapi.json", axum::routing::get(routes::openapi))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed);
    let api = if matches!(*app.auth, Auth::Open) {
        api
    } else {
        api.layer(axum::middleware::from_fn_with_state(
            app.clone(),
            authenticate,
        ))
    };
    // APIG triggers are their own mount, outside the auth layer (see `apig`).
    (api.merge(apig::routes()).with_state(app.clone()), app)
}

async fn not_found(req: Request) -> ApiError {
    ApiError::transport(
        404,
        "FSS.0404",
        format!("no such route: {} {}", req.method(), req.uri().path()),
    )
}

async fn method_not_allowed(req: Request) -> ApiError {
    ApiError::transport(
        405,
        "FSS.0405",
        format!("{} is not allowed on {}", req.method(), req.uri().path()),
    )
}

/// Verifies a request under [`Auth::Verify`]: buffers its body (within the management
/// limit), checks the token or signature against the default project's clock, and passes
/// the request on unchanged.
async fn authenticate(State(app): State<App>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = match extract::read_body(
        Request::from_parts(parts.clone(), body),
        extract::MANAGEMENT_BODY_LIMIT,
    )
    .await
    {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
    let now = app.platform.default_project().clock().now();
    if let Err(e) = auth::verify(
        &app.auth,
        &parts.method,
        &target,
        &parts.headers,
        &bytes,
        now,
    ) {
        return ApiError::from(e).into_response();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}
