//! The baseline: a minimal hyper HTTP/1.1 server that runs the module with raw wasmtime,
//! one reused instance per connection (what `wasmtime serve` does with instance reuse), the
//! same warm sequence as the `raw` lines of the invoke bench (`fgs_benches::raw_call`), on
//! the executor's engine.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use fgs_benches::{Raw, raw_call, raw_instance};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use wasmtime::InstancePre;

/// Serves every request on `listener` by calling the module's `handler` with the body.
pub async fn serve(listener: TcpListener, pre: InstancePre<Raw>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        stream.set_nodelay(true).unwrap();
        let pre = pre.clone();
        tokio::spawn(async move {
            // One instance per connection, reused for each of its requests.
            let inst = Arc::new(Mutex::new(raw_instance(&pre, false)));
            let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                let inst = inst.clone();
                async move {
                    let body = match req.into_body().collect().await {
                        Ok(b) => b.to_bytes(),
                        Err(_) => Bytes::new(),
                    };
                    let out = raw_call(&mut inst.lock().unwrap(), &body);
                    Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(out))))
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}

/// Binds a loopback port and serves on the current runtime; returns the address.
pub async fn start(pre: InstancePre<Raw>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(listener, pre));
    addr
}
