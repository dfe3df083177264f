//! The load generator: `conns` keep-alive HTTP/1.1 connections (hyper client), each sending
//! one request at a time, bounded in count and in time, loopback only. A warm-up phase on the
//! same connections comes first and is not measured.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::header::{CONTENT_TYPE, HOST};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// What each request is and what its answer must be.
#[derive(Clone)]
pub struct Plan {
    pub method: Method,
    /// The path and body of the next request (requests may differ, e.g. one new function
    /// each; the closure keeps its own count).
    pub request: Arc<dyn Fn() -> (String, Bytes) + Send + Sync>,
    /// The expected status, and the expected body if it is fixed.
    pub status: u16,
    pub expect: Option<Bytes>,
}

impl Plan {
    /// The same POST with the same body every time, answering 200 with `expect`.
    pub fn fixed_post(path: &str, body: &'static [u8], expect: Option<&'static [u8]>) -> Plan {
        let path = path.to_owned();
        Plan {
            method: Method::POST,
            request: Arc::new(move || (path.clone(), Bytes::from_static(body))),
            status: 200,
            expect: expect.map(Bytes::from_static),
        }
    }
}

/// The figures of one measured phase.
#[derive(Clone, Copy, Debug)]
pub struct Figures {
    pub requests: u64,
    pub per_sec: f64,
    pub p50: Duration,
    pub p99: Duration,
}

/// Limits of one phase: at most `count` requests in all, and no new request after `time`.
#[derive(Clone, Copy)]
pub struct Bound {
    pub count: u64,
    pub time: Duration,
}

async fn connect(addr: SocketAddr) -> SendRequest<Full<Bytes>> {
    let stream = TcpStream::connect(addr)
        .await
        .expect("connect to the bench server");
    stream.set_nodelay(true).unwrap();
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("HTTP/1.1 handshake");
    tokio::spawn(conn);
    sender
}

/// One connection's share of a phase: sends until the shared budget or the deadline runs
/// out; returns the connection and its latencies (nanoseconds).
async fn drive(
    mut sender: SendRequest<Full<Bytes>>,
    plan: Plan,
    budget: Arc<AtomicI64>,
    deadline: Instant,
) -> (SendRequest<Full<Bytes>>, Vec<u64>) {
    let mut lat = Vec::with_capacity(4096);
    while Instant::now() < deadline {
        let left = budget.fetch_sub(1, Ordering::Relaxed);
        if left <= 0 {
            break;
        }
        let (path, body) = (plan.request)();
        let req = Request::builder()
            .method(plan.method.clone())
            .uri(path)
            .header(HOST, "127.0.0.1")
            .header(CONTENT_TYPE, "application/json")
            .body(Full::new(body))
            .unwrap();
        sender.ready().await.expect("connection ready");
        let t = Instant::now();
        let resp = sender.send_request(req).await.expect("send request");
        let status = resp.status().as_u16();
        let body = resp
            .into_body()
            .collect()
            .await
            .expect("read body")
            .to_bytes();
        lat.push(t.elapsed().as_nanos() as u64);
        assert_eq!(status, plan.status, "unexpected status; body {body:?}");
        if let Some(want) = &plan.expect {
            assert_eq!(&body, want, "unexpected body");
        }
    }
    (sender, lat)
}

async fn phase(
    senders: Vec<SendRequest<Full<Bytes>>>,
    plan: &Plan,
    bound: Bound,
) -> (Vec<SendRequest<Full<Bytes>>>, Vec<u64>, Duration) {
    let budget = Arc::new(AtomicI64::new(bound.count as i64));
    let start = Instant::now();
    let deadline = start + bound.time;
    let tasks: Vec<_> = senders
        .into_iter()
        .map(|s| tokio::spawn(drive(s, plan.clone(), budget.clone(), deadline)))
        .collect();
    let mut back = Vec::with_capacity(tasks.len());
    let mut all = Vec::new();
    for t in tasks {
        let (s, lat) = t.await.expect("load task");
        back.push(s);
        all.extend(lat);
    }
    (back, all, start.elapsed())
}

/// Opens `conns` connections to `addr`, warms up, then measures one phase.
pub async fn run(
    addr: SocketAddr,
    conns: usize,
    plan: &Plan,
    warm: Bound,
    measure: Bound,
) -> Figures {
    let mut senders = Vec::with_capacity(conns);
    for _ in 0..conns {
        senders.push(connect(addr).await);
    }
    let (senders, _, _) = phase(senders, plan, warm).await;
    let (_senders, mut lat, elapsed) = phase(senders, plan, measure).await;
    assert!(!lat.is_empty(), "no request completed");
    lat.sort_unstable();
    let at = |q: f64| Duration::from_nanos(lat[((lat.len() - 1) as f64 * q) as usize]);
    Figures {
        requests: lat.len() as u64,
        per_sec: lat.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}
