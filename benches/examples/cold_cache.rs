//! One warm call of the `echo` fixture with the CPU caches cold, layer by layer: raw
//! wasmtime, `fgs_executor::Version::invoke`, `Emulator::invoke_with`, and a whole sync invoke
//! through `fgs_http::Api::handle` (no socket). Before each timed call a buffer is walked
//! (`KB` kibibytes, default 4096) to evict what the last call left in the caches.
//!
//! `cargo run --release -p fgs-benches --example cold_cache [-- KB [CALLS]]`
//!
//! Why: the in-process bench (`benches/invoke.rs`) runs the same call back to back, with
//! everything in L1; an HTTP server at one connection does not (the kernel's TCP path, the
//! runtime and the load generator run between two requests), and there each cache line a
//! layer touches costs a miss. This is the quick, steady stand-in for that line of the HTTP
//! bench (see `benches/README.md`): medians of thousands of calls, no sockets, no scheduler.
use std::time::Instant;

use fgs_benches::{EVENT, fixture, fixture_function, raw_call, raw_instance, raw_linker};
use http_body_util::BodyExt as _;

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let kb: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(4096);
    let calls: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(20_000);

    // Raw wasmtime and the executor, on one engine.
    let exec = fgs_executor::Executor::builder().build().unwrap();
    let pre = raw_linker(exec.engine())
        .instantiate_pre(&wasmtime::Module::new(exec.engine(), fixture("echo")).unwrap())
        .unwrap();
    let mut raw = raw_instance(&pre, false);
    let version = exec
        .function("echo")
        .deploy(
            fgs_executor::Code::Module(exec.compile(&fixture("echo")).unwrap()),
            fgs_executor::VersionSpec::new("echo", "index.handler"),
        )
        .unwrap();
    let req = fgs_executor::Request::new("bench-request", EVENT);

    // The emulator and the REST API, as `fgs-local serve` builds them.
    let platform = fgs_runtime::Platform::new(fgs_runtime::Emulator::builder()).unwrap();
    let emu = platform.default_project();
    let urn = emu
        .create_function(serde_json::from_value(fixture_function("echo", "echo")).unwrap())
        .unwrap()
        .func_urn;
    let api = fgs_http::Api::new(platform.clone(), fgs_http::HttpConfig::default());
    let path = format!(
        "/v2/{}/fgs/functions/{}/invocations",
        emu.project_id(),
        urn.replace(':', "%3A")
    );

    let mut junk = vec![0u8; kb * 1024];
    let mut evict = move || {
        for i in (0..junk.len()).step_by(64) {
            junk[i] = junk[i].wrapping_add(1);
        }
        std::hint::black_box(&junk);
    };
    let mut lines: [(&str, Vec<u64>); 5] = [
        ("raw", Vec::new()),
        ("executor", Vec::new()),
        ("emulator", Vec::new()),
        ("bare-http", Vec::new()),
        ("fgs-http", Vec::new()),
    ];
    // The HTTP layer runs where `fgs_http::serve` runs it: a task on a runtime worker.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let task = rt.spawn(async move {
        for _ in 0..calls {
            evict();
            let t = Instant::now();
            std::hint::black_box(raw_call(&mut raw, EVENT));
            lines[0].1.push(t.elapsed().as_nanos() as u64);
            evict();
            let t = Instant::now();
            std::hint::black_box(version.invoke(&req).unwrap());
            lines[1].1.push(t.elapsed().as_nanos() as u64);
            evict();
            let t = Instant::now();
            std::hint::black_box(emu.invoke_with(&urn, EVENT, Default::default()).unwrap());
            lines[2].1.push(t.elapsed().as_nanos() as u64);
            evict();
            let t = Instant::now();
            let body = request(&path)
                .into_body()
                .collect()
                .await
                .unwrap()
                .to_bytes();
            let inv = emu.invoke_with(&urn, &body, Default::default()).unwrap();
            let resp = axum::http::Response::new(http_body_util::Full::new(
                axum::body::Bytes::from(inv.result),
            ));
            lines[3].1.push(t.elapsed().as_nanos() as u64);
            std::hint::black_box(resp);
            evict();
            let t = Instant::now();
            let resp = api.clone().handle(request(&path)).await;
            lines[4].1.push(t.elapsed().as_nanos() as u64);
            assert_eq!(resp.status(), 200);
        }
        lines
    });
    let lines = rt.block_on(task).unwrap();
    println!("fgs-bench cold-cache: echo, {calls} calls per line, {kb} KiB walked before each");
    let raw_p50 = median(&lines[0].1);
    for (name, v) in lines {
        let p50 = median(&v);
        println!(
            "fgs-bench cold-cache {name:<9} p50 {:>6.2} us  (+{:.2} us over raw)",
            p50 as f64 / 1e3,
            p50.saturating_sub(raw_p50) as f64 / 1e3
        );
    }
}

/// A sync invoke of the echo function, as the load generator of the HTTP bench sends it.
fn request(path: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::post(path)
        .header("Content-Type", "application/json")
        .header("Content-Length", EVENT.len())
        .body(axum::body::Body::from(EVENT))
        .unwrap()
}

fn median(v: &[u64]) -> u64 {
    let mut v = v.to_vec();
    v.sort_unstable();
    v[v.len() / 2]
}
