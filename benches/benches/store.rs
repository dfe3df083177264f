//! The cost of durable state (issue 10): management calls and the async accept with a state
//! dir (every success committed to the redb store, fsynced, before it returns) beside the
//! same calls in memory.
//!
//! - `create`: `create_function` (inline, built-in code).
//! - `update`: `update_function_config` of one function.
//! - `async-accept`: `invoke_async` (the 202), the queue never drained.
//!
//! Targets: a durable create or update under 5 ms at the median, an async accept under 1 ms.
//! Run with `cargo bench -p fgs-benches --bench store`; the `fgs-bench` lines are the
//! figures the README quotes (medians of single calls).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fgs_core::clock::ManualClock;
use fgs_runtime::Emulator;
use serde_json::json;

const CALLS: usize = 300;

fn emulator(dir: Option<&Path>) -> Emulator {
    let clock = Arc::new(ManualClock::at_rfc3339("2024-05-01T00:00:00Z").unwrap());
    let mut b = Emulator::builder()
        .clock(clock)
        .seed(1)
        .async_queue_capacity(1_000_000);
    if let Some(dir) = dir {
        b = b.state_dir(dir);
    }
    b.build().unwrap()
}

fn create_req(name: &str) -> fgs_core::function::CreateFunctionRequest {
    serde_json::from_value(json!({
        "func_name": name, "package": "default", "runtime": "Custom", "timeout": 3,
        "handler": "index.handler", "memory_size": 128, "code_type": "inline"
    }))
    .unwrap()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time(mut f: impl FnMut(usize)) -> Duration {
    median(
        (0..CALLS)
            .map(|i| {
                let t = Instant::now();
                f(i);
                t.elapsed()
            })
            .collect(),
    )
}

fn run(label: &str, dir: Option<&Path>) {
    let emu = emulator(dir);
    let create = time(|i| {
        emu.create_function(create_req(&format!("f{i}"))).unwrap();
    });
    let update = time(|i| {
        let req = serde_json::from_value(json!({
            "func_name": "f0", "runtime": "Custom", "timeout": 3 + (i % 5),
            "handler": "index.handler", "memory_size": 128
        }))
        .unwrap();
        emu.update_function_config("f0", req).unwrap();
    });
    let accept = time(|i| {
        emu.invoke_async("f1", json!({"n": i})).unwrap();
    });
    for (name, d) in [
        ("create", create),
        ("update", update),
        ("async-accept", accept),
    ] {
        println!(
            "fgs-bench store/{name}/{label}: median {:.1} us",
            d.as_secs_f64() * 1e6
        );
    }
}

fn main() {
    // `cargo test --benches` runs bench binaries with `--bench` absent: a smoke run only.
    run("memory", None);
    let dir = tempfile::tempdir().unwrap();
    run("state-dir", Some(dir.path()));
}
