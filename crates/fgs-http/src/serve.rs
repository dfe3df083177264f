//! [`serve`]: the API ([`crate::Api`], or a bare router) on a TCP listener, HTTP/1.1 with
//! keep-alive, on hyper directly.
//!
//! What it adds over `axum::serve`: `TCP_NODELAY` on every connection (a small answer is
//! sent at once, not held for Nagle's algorithm: the 1-connection latency of the HTTP bench),
//! the client's address as `axum::extract::ConnectInfo<SocketAddr>` in every APIG request
//! (the event's `sourceIp`), and a graceful stop: when `shutdown` completes the listener is
//! closed, idle keep-alive connections are closed, and requests in flight finish before
//! [`serve`] returns.
//!
//! It sets no header-read timeout (hyper's needs a timer armed for every request): a client
//! that opens a connection and sends nothing holds one connection task, nothing more. Put a
//! proxy in front before exposing it beyond a trusted network.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use crate::Api;

/// Serves `api` on `listener` until `shutdown` completes, then stops gracefully (module
/// docs). `api` is an [`Api`] (what `fgs-local serve` runs: [`Api::new`]) or any router.
/// Errors of single connections are not errors of the server.
pub async fn serve(
    listener: TcpListener,
    api: impl Into<Api>,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let api = api.into();
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    // No timer, so no header-read timeout: hyper's arms a timer for every request (about 4%
    // of the server's user time in the HTTP bench), and this server is a local one.
    let http = hyper::server::conn::http1::Builder::new();
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors and the like: back off a little, go on.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let api = api.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            // Only APIG routes read it (an extension is an allocation per request).
            if req.uri().path().starts_with(crate::apig::APIG_PREFIX) {
                req.extensions_mut()
                    .insert(ConnectInfo::<SocketAddr>(remote));
            }
            let api = api.clone();
            async move { Ok::<_, Infallible>(api.handle(req).await) }
        });
        let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!("connection from {remote}: {e}");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
