//! `fgs_http::serve` through a real socket: keep-alive, APIG source address, and a graceful
//! stop that lets the call in flight finish. No sleeps: waits are on events.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use crate::common::*;

/// Reads one HTTP/1.1 response (with `Content-Length`): status and body.
async fn read_response(s: &mut TcpStream) -> (u16, String) {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut chunk = [0u8; 4096];
        let n = s.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the connection closed before a response");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let status = head[9..12].parse().unwrap();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    while buf.len() < head_end + len {
        let mut chunk = [0u8; 4096];
        let n = s.read(&mut chunk).await.unwrap();
        assert!(n > 0);
        buf.extend_from_slice(&chunk[..n]);
    }
    (
        status,
        String::from_utf8_lossy(&buf[head_end..head_end + len]).into_owned(),
    )
}

async fn request(s: &mut TcpStream, method: &str, path: &str, body: &str) -> (u16, String) {
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    read_response(s).await
}

/// A platform on the manual epoch, its router served on a fresh port; the stop switch.
async fn start() -> (
    std::net::SocketAddr,
    fgs_runtime::Platform,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let platform = fgs_runtime::Platform::new(
        fgs_runtime::Emulator::builder()
            .seed(9)
            .background_scheduler(false)
            .manual_epoch(),
    )
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = fgs_http::router(platform.clone(), fgs_http::HttpConfig::default());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(fgs_http::serve(listener, router, async move {
        let _ = stopped.await;
    }));
    (addr, platform, stop, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alive_serves_many_requests_on_one_connection() {
    let (addr, _platform, stop, server) = start().await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    let quotas = format!("/v2/{P}/fgs/quotas");
    for _ in 0..3 {
        let (status, body) = request(&mut s, "GET", &quotas, "").await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = request(&mut s, "GET", "/nowhere", "").await;
    assert_eq!(status, 404, "{body}");
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "the port is closed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graceful_stop_lets_the_call_in_flight_finish() {
    let (addr, platform, stop, server) = start().await;
    let emu = platform.default_project();
    let mut s = TcpStream::connect(addr).await.unwrap();
    let create = serde_json::json!({
        "func_name": "spin", "package": "default", "runtime": "Custom",
        "handler": "index.handler", "memory_size": 128, "timeout": 3, "code_type": "inline",
        "func_code": {"file": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, fixture("spin"))}
    });
    let (status, body) = request(
        &mut s,
        "POST",
        &format!("/v2/{P}/fgs/functions"),
        &create.to_string(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // The call runs until the epoch moves (it never does until the stop was asked).
    let call = tokio::spawn(async move {
        request(
            &mut s,
            "POST",
            &format!("/v2/{P}/fgs/functions/spin/invocations"),
            "{}",
        )
        .await
    });
    while emu.running_invocations("spin").unwrap() < 1 {
        tokio::task::yield_now().await;
    }
    stop.send(()).unwrap();
    // The listener closes; the server waits for the call.
    while TcpStream::connect(addr).await.is_ok() {
        tokio::task::yield_now().await;
    }
    assert!(!server.is_finished());
    let done = Arc::new(AtomicBool::new(false));
    let ticker = {
        let (done, emu) = (done.clone(), emu.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                emu.advance_epoch(1).unwrap();
                std::thread::yield_now();
            }
        })
    };
    let (status, body) = call.await.unwrap();
    done.store(true, Ordering::Relaxed);
    ticker.join().unwrap();
    assert_eq!(status, 408, "{body}");
    server.await.unwrap().unwrap();
}
