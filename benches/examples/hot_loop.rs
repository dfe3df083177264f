//! A tight loop of `Emulator::invoke` on one fixture, for `perf record`:
//! `cargo run --release -p fgs-benches --example hot_loop -- echo 3` (fixture, seconds);
//! `-- initializer 3 cold` makes every call a cold start (initializer `index.init`).
use std::time::{Duration, Instant};

fn main() {
    use base64::Engine as _;
    let mut args = std::env::args().skip(1);
    let fixture = args.next().unwrap_or_else(|| "echo".into());
    let secs: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let cold = args.next().as_deref() == Some("cold");
    let path = format!(
        "{}/../fixtures/wasm/{fixture}.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    let file = base64::engine::general_purpose::STANDARD.encode(std::fs::read(path).unwrap());
    let emu = fgs_runtime::Emulator::builder()
        .idle_timeout(if cold {
            Duration::ZERO
        } else {
            Duration::from_secs(600)
        })
        .cpu_share(false)
        .seed(1)
        .build()
        .unwrap();
    let mut body = serde_json::json!({
        "func_name": "f", "package": "default", "runtime": "Custom", "timeout": 3,
        "handler": "index.handler", "memory_size": 128, "code_type": "inline",
        "func_code": {"file": file}
    });
    if cold {
        body["initializer_handler"] = "index.init".into();
        body["initializer_timeout"] = 3.into();
    }
    emu.create_function(serde_json::from_value(body).unwrap())
        .unwrap();
    let event = br#"{"name":"fgs-local","items":[1,2,3,4,5],"nested":{"flag":true,"text":"a ~100-byte event"}}"#;
    let end = Instant::now() + Duration::from_secs(secs);
    let mut n = 0u64;
    while Instant::now() < end {
        for _ in 0..100 {
            if cold {
                emu.reclaim_idle();
            }
            std::hint::black_box(emu.invoke("f", event).unwrap());
        }
        n += 100;
    }
    println!("{n} calls, {:.3} us/call", secs as f64 * 1e6 / n as f64);
}
