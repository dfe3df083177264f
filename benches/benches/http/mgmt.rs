//! The management lines: create-function and get-config requests per second through the
//! router, on the same keep-alive load generator (1 and 64 connections).
//!
//! Create-function makes a new function per request (`bench_f{n}`, the echo fixture inline,
//! 35 KB of wasm); a project holds at most 400 functions (FSS.1041), so request `n` goes to
//! project `bench-p{n / 400}` (a `Platform` makes a project on first use). Get-config reads
//! the deployed echo function's config again and again.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hyper::Method;
use hyper::body::Bytes;

use crate::load::{self, Bound, Plan};

/// Functions per project (the seed's function quota).
const PER_PROJECT: u64 = 400;

/// One create-function request per call, each a new function (its own count).
fn create_plan(code_b64: &str) -> Plan {
    let next = AtomicU64::new(0);
    let mut template = serde_json::json!({
        "func_name": "", "package": "default", "runtime": "Custom", "timeout": 3,
        "handler": "index.handler", "memory_size": 128, "code_type": "inline",
        "func_code": {"file": code_b64}
    });
    // Only the name changes: splice it into the serialized template.
    template["func_name"] = serde_json::Value::String("\u{0}".into());
    let text = serde_json::to_string(&template).unwrap();
    let (head, tail) = text.split_once("\\u0000").unwrap();
    let (head, tail) = (head.to_owned(), tail.to_owned());
    Plan {
        method: Method::POST,
        request: Arc::new(move || {
            let n = next.fetch_add(1, Ordering::Relaxed);
            let path = format!("/v2/bench-p{}/fgs/functions", n / PER_PROJECT);
            (path, Bytes::from(format!("{head}bench_f{n}{tail}")))
        }),
        status: 200,
        expect: None,
    }
}

/// The same get-config request each time.
fn config_plan(path: String) -> Plan {
    Plan {
        method: Method::GET,
        request: Arc::new(move || (path.clone(), Bytes::new())),
        status: 200,
        expect: None,
    }
}

/// Measures and prints both management lines at 1 and 64 connections.
pub fn run(
    client: &tokio::runtime::Runtime,
    addr: SocketAddr,
    config_path: String,
    code_b64: &str,
    rounds: usize,
    secs: Duration,
) {
    // Creates are bounded in count as well as time: each keeps a function (and its code).
    let lines = [
        ("create", create_plan(code_b64), 4_000u64),
        ("get-config", config_plan(config_path), 2_000_000),
    ];
    for (what, plan, count) in lines {
        for conns in [1usize, 64] {
            let warm = Bound {
                count: 50 * conns as u64,
                time: Duration::from_millis(200),
            };
            let measure = Bound { count, time: secs };
            let figures = (0..rounds)
                .map(|_| client.block_on(load::run(addr, conns, &plan, warm, measure)))
                .collect();
            let (f, lo, hi) = crate::median_of(figures);
            crate::line(what, conns, &f, lo, hi);
        }
    }
}
