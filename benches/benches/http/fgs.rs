//! The server under test, started on a loopback listener on the current runtime.
//!
//! Until `fgs-http` is in the workspace this is a stand-in: a plain hyper server that calls
//! `Emulator::invoke` with the body (what the router adds on top is the part not measured).

use std::convert::Infallible;
use std::net::SocketAddr;

use fgs_runtime::Platform;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// Serves `platform` (its default project) on a fresh loopback port; returns the address.
pub async fn start(platform: Platform, urn: String) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let emu = platform.default_project();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            stream.set_nodelay(true).unwrap();
            let (emu, urn) = (emu.clone(), urn.clone());
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                    let (emu, urn) = (emu.clone(), urn.clone());
                    async move {
                        let body = req.into_body().collect().await.map(|b| b.to_bytes());
                        let inv = emu.invoke(&urn, &body.unwrap_or_default()).unwrap();
                        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(inv.result))))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    addr
}

/// The label of the line, and whether the management path can be measured (it needs routes).
pub const LABEL: &str = "emu-hyper";
pub const HAS_ROUTER: bool = false;
