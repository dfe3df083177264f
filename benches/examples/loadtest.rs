//! The load test of issue 10 ("Hostile requests", load): the REST API as `fgs-local serve`
//! serves it (the `fgs-http` router over a `Platform`, on a 2-worker tokio runtime, loopback)
//! under a mix of sync invokes, async invokes and management calls from blocking HTTP/1.1
//! clients (ureq, keep-alive) for a bounded time. Every answer must be the documented one
//! (200/202/204, or 429 when a limit refuses); anything else is an error. It prints the rate,
//! p50 and p99 per kind and the process's peak RSS (`VmHWM`: server and clients together),
//! and exits non-zero on any error or when the peak RSS passes the stated limit.
//!
//! ```text
//! cargo run --release -p fgs-benches --example loadtest            # 60 s, limit 512 MiB
//! cargo run --release -p fgs-benches --example loadtest -- 10      # 10 s
//! FGS_LOAD_SECS=10 FGS_LOAD_MAX_RSS_MIB=256 cargo run --release -p fgs-benches --example loadtest
//! ```
//!
//! Clients: 2 sync (`echo`, 100-byte JSON event), 1 async (`echo`), 1 management (create a
//! function, get its config, list functions, delete it: each call timed as `mgmt`).
#![allow(missing_docs)]

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::json;

const PROJECT: &str = fgs_runtime::DEFAULT_PROJECT_ID;
const EVENT: &str = r#"{"user":"load","items":[1,2,3,4,5],"nested":{"a":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}}"#;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `VmHWM` (peak RSS) of this process in KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// What one client thread saw.
#[derive(Default)]
struct Tally {
    /// Latencies of answered calls, in microseconds.
    micros: Vec<u32>,
    /// 429 answers (documented rejections).
    throttled: u64,
    /// Anything else: wrong status, no answer.
    errors: Vec<String>,
}

impl Tally {
    fn record(&mut self, started: Instant, answer: Option<(u16, String)>, ok: &[u16]) {
        self.micros
            .push(started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
        match answer {
            Some((s, _)) if ok.contains(&s) => {}
            Some((429, _)) => self.throttled += 1,
            Some((s, body)) => self.errors.push(format!("{s}: {body}")),
            None => self.errors.push("no answer".into()),
        }
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn http(agent: &ureq::Agent, method: &str, url: &str, body: &str) -> Option<(u16, String)> {
    let req = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Content-Type", "application/json")
        .body(body.as_bytes().to_vec())
        .ok()?;
    let mut resp = agent.run(req).ok()?;
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().ok()?;
    Some((status, text))
}

fn create_body(name: &str, code: &str) -> String {
    json!({
        "func_name": name, "package": "default", "runtime": "Custom", "timeout": 3,
        "handler": "index.handler", "memory_size": 128, "code_type": "inline",
        "func_code": {"file": code}
    })
    .to_string()
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

fn main() -> ExitCode {
    let secs = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| env_or("FGS_LOAD_SECS", 60));
    let limit_mib = env_or("FGS_LOAD_MAX_RSS_MIB", 512);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let platform = fgs_runtime::Platform::new(fgs_runtime::Emulator::builder()).unwrap();
    let api = fgs_http::Api::new(platform, fgs_http::HttpConfig::default());
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}/v2/{PROJECT}/fgs", listener.local_addr().unwrap());
    rt.spawn(fgs_http::serve(listener, api, std::future::pending()));

    let echo = base64::engine::general_purpose::STANDARD.encode(
        std::fs::read(format!(
            "{}/../fixtures/wasm/echo.wasm",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    );
    let a = agent();
    let created = http(
        &a,
        "POST",
        &format!("{base}/functions"),
        &create_body("echo", &echo),
    );
    assert_eq!(created.as_ref().map(|c| c.0), Some(200), "{created:?}");

    let stop = Arc::new(AtomicBool::new(false));
    let kinds = ["sync", "sync", "async", "mgmt"];
    let started = Instant::now();
    let clients: Vec<_> = kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let (stop, base, echo, kind) = (stop.clone(), base.clone(), echo.clone(), *kind);
            std::thread::spawn(move || {
                let agent = agent();
                let mut t = Tally::default();
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    match kind {
                        "sync" => {
                            let s = Instant::now();
                            let url = format!("{base}/functions/echo/invocations");
                            t.record(s, http(&agent, "POST", &url, EVENT), &[200]);
                        }
                        "async" => {
                            let s = Instant::now();
                            let url = format!("{base}/functions/echo/invocations-async");
                            t.record(s, http(&agent, "POST", &url, EVENT), &[202]);
                        }
                        _ => {
                            let name = format!("load-{i}-{n}");
                            let calls = [
                                (
                                    "POST",
                                    format!("{base}/functions"),
                                    create_body(&name, &echo),
                                    200,
                                ),
                                (
                                    "GET",
                                    format!("{base}/functions/{name}/config"),
                                    String::new(),
                                    200,
                                ),
                                (
                                    "GET",
                                    format!("{base}/functions?maxitems=50"),
                                    String::new(),
                                    200,
                                ),
                                (
                                    "DELETE",
                                    format!("{base}/functions/{name}"),
                                    String::new(),
                                    204,
                                ),
                            ];
                            for (method, url, body, want) in calls {
                                let s = Instant::now();
                                t.record(s, http(&agent, method, &url, &body), &[want, 200]);
                            }
                        }
                    }
                    n += 1;
                }
                (kind, t)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(secs));
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    let mut by_kind: std::collections::BTreeMap<&str, Tally> = Default::default();
    for c in clients {
        let (kind, t) = c.join().expect("a client panicked");
        let all = by_kind.entry(kind).or_default();
        all.micros.extend(t.micros);
        all.throttled += t.throttled;
        all.errors.extend(t.errors);
    }
    let peak_mib = peak_rss_kib() / 1024;
    let mut errors = 0;
    println!("fgs-load: {secs} s on loopback (2 sync, 1 async, 1 management client)");
    for (kind, t) in &mut by_kind {
        t.micros.sort_unstable();
        println!(
            "fgs-load {kind:5} {:>7} calls {:>8.0}/s  p50 {:>6.2} ms  p99 {:>6.2} ms  429 {:>5}  errors {}",
            t.micros.len(),
            t.micros.len() as f64 / elapsed,
            percentile(&t.micros, 0.50),
            percentile(&t.micros, 0.99),
            t.throttled,
            t.errors.len()
        );
        for e in t.errors.iter().take(5) {
            println!("  {kind} error: {e}");
        }
        errors += t.errors.len();
    }
    println!("fgs-load peak RSS {peak_mib} MiB (limit {limit_mib} MiB)");
    if errors > 0 {
        println!("fgs-load FAILED: {errors} error(s)");
        return ExitCode::FAILURE;
    }
    if peak_mib > limit_mib {
        println!("fgs-load FAILED: peak RSS {peak_mib} MiB over {limit_mib} MiB");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
