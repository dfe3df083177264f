//! [`Api`]: the REST API as the one service [`crate::serve`] runs, the [`crate::router`] with
//! sync invoke matched by hand in front of it.
//!
//! Sync invoke is the hot path, and axum's per-request machinery on it (the route match,
//! each path parameter percent-decoded into a fresh `Arc<str>` beside its name's, the boxed
//! body, the boxed route service and its futures) cost about a fifth of the throughput at 64
//! connections in the HTTP bench: 0.75x of the plain hyper baseline through the router, 0.96x
//! with the same work minus the router (`benches/README.md`). So [`Api`] matches `POST
//! /v2/{project_id}/fgs/functions/{urn}/invocations` itself and runs the very function the
//! route runs (`invoke::sync`); every other request goes to the router. It stands aside under
//! [`Auth::Verify`]: then every request goes through the router's auth layer.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::Router;
use axum::body::{Bytes, HttpBody};
use axum::http::{Method, Request};
use axum::response::{IntoResponse, Response};
use fgs_runtime::Platform;
use tower::Service;

use crate::{App, Auth, HttpConfig, invoke};

/// The REST API of every project of a platform: [`crate::router`]'s answers, with the hot
/// route served without axum's routing (module docs). Cheap to clone; a `tower::Service`.
///
/// ```
/// use tower::ServiceExt as _;
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let platform = fgs_runtime::Platform::new(fgs_runtime::Emulator::builder()).unwrap();
/// let api = fgs_http::Api::new(platform, fgs_http::HttpConfig::default());
/// let req = axum::http::Request::post(
///     "/v2/0123456789abcdef0123456789abcdef/fgs/functions/nobody/invocations",
/// )
/// .body(axum::body::Body::from("{}"))
/// .unwrap();
/// let resp = api.oneshot(req).await.unwrap();
/// assert_eq!(resp.status(), 404); // FSS.1051: no such function
/// # }
/// ```
#[derive(Clone)]
pub struct Api(Arc<Inner>);

struct Inner {
    router: Router,
    /// What the front serves sync invoke with; `None` when it stands aside.
    front: Option<App>,
}

impl Api {
    /// The API of `platform` with `config`: [`crate::router`] and the front before it.
    pub fn new(platform: Platform, config: HttpConfig) -> Api {
        let open = matches!(config.auth, Auth::Open);
        let (router, app) = crate::build(platform, config);
        Api(Arc::new(Inner {
            router,
            front: open.then_some(app),
        }))
    }

    /// The router behind the front (every route, sync invoke included).
    pub fn router(&self) -> Router {
        self.0.router.clone()
    }

    /// Answers one request.
    pub async fn handle<B>(self, req: Request<B>) -> Response
    where
        B: HttpBody<Data = Bytes> + Send + 'static,
        B::Error: Into<axum::BoxError>,
    {
        let req = match &self.0.front {
            Some(app) if req.method() == Method::POST => {
                let (parts, body) = req.into_parts();
                match invoke::sync_target(parts.uri.path()) {
                    Some(Ok((project, urn))) => {
                        return invoke::sync(app, &project, &urn, &parts.headers, body)
                            .await
                            .unwrap_or_else(IntoResponse::into_response);
                    }
                    Some(Err(e)) => return e.into_response(),
                    None => Request::from_parts(parts, body),
                }
            }
            _ => req,
        };
        match self.0.router.clone().call(req).await {
            Ok(resp) => resp,
            Err(never) => match never {},
        }
    }
}

/// A router as an [`Api`] with no front: every request goes to `router`.
impl From<Router> for Api {
    fn from(router: Router) -> Api {
        Api(Arc::new(Inner {
            router,
            front: None,
        }))
    }
}

impl<B> Service<Request<B>> for Api
where
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let api = self.clone();
        Box::pin(async move { Ok(api.handle(req).await) })
    }
}
