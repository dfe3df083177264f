//! The server under test: `fgs_http::Api` served by `fgs_http::serve` (what `fgs-local serve`
//! runs), on a loopback listener on the current runtime.

use std::net::SocketAddr;

use fgs_runtime::Platform;
use tokio::net::TcpListener;

/// Serves `platform` with the REST API on a fresh loopback port; returns the address.
/// (`_urn` is the function the load generator invokes; the API finds it by path.)
pub async fn start(platform: Platform, _urn: String) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let api = fgs_http::Api::new(platform, fgs_http::HttpConfig::default());
    tokio::spawn(fgs_http::serve(listener, api, std::future::pending()));
    addr
}

/// The label of the line, and whether the management path can be measured (it needs routes).
pub const LABEL: &str = "fgs-http";
pub const HAS_ROUTER: bool = true;
