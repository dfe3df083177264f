//! Async throughput and scheduler cost (issue 4), on the emulator's manual clock so that the
//! figures measure the emulator's own work, never waiting.
//!
//! - `async-drain`: events per second that `advance` drains from the async queue for a no-op
//!   handler (the built-in echo), accepting included (`invoke_async` then `advance`).
//! - `timers-idle`: the cost of `advance(1 s)` with 10,000 TIMER triggers registered and none
//!   due (what the scheduler costs while it waits).
//! - `timers-fire`: the cost per timer when all 10,000 fire in one `advance` (each firing
//!   queues and runs an async invocation).
//!
//! Run with `cargo bench -p fgs-benches --bench async_queue`; the `fgs-bench` lines are the
//! figures the README quotes (medians).

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fgs_core::clock::ManualClock;
use fgs_core::limits::Limits;
use fgs_runtime::Emulator;
use serde_json::json;

const TIMERS: usize = 10_000;
const EVENTS: usize = 1_000;

fn emulator(limits: Limits) -> (Emulator, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::at_rfc3339("2024-05-01T00:00:00Z").unwrap());
    let emu = Emulator::builder()
        .clock(clock.clone())
        .seed(1)
        .cpu_share(false)
        .limits(limits)
        .build()
        .unwrap();
    emu.create_function(
        serde_json::from_value(json!({
            "func_name": "noop", "package": "default", "runtime": "Custom", "timeout": 3,
            "handler": "index.handler", "memory_size": 128, "code_type": "inline"
        }))
        .unwrap(),
    )
    .unwrap();
    (emu, clock)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn async_drain() {
    let (emu, _clock) = emulator(Limits::default());
    let event = json!({"k": "v", "n": 1});
    // Warm the instance and the code paths.
    emu.invoke_async("noop", event.clone()).unwrap();
    emu.advance(Duration::ZERO);
    let runs: Vec<Duration> = (0..7)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..EVENTS {
                emu.invoke_async("noop", black_box(event.clone())).unwrap();
            }
            emu.advance(Duration::ZERO);
            assert_eq!(emu.pending_async_invocations(), 0);
            t.elapsed()
        })
        .collect();
    let per = median(runs) / EVENTS as u32;
    println!(
        "fgs-bench async-drain  {:>9.2} us per event  {:>10.0} events/s  (accept + run, no-op handler)",
        per.as_secs_f64() * 1e6,
        1.0 / per.as_secs_f64()
    );
}

fn timers() {
    let limits = Limits {
        max_triggers: TIMERS + 1,
        ..Limits::default()
    };
    let (emu, _clock) = emulator(limits);
    let t = Instant::now();
    for i in 0..TIMERS {
        emu.create_trigger(
            "noop",
            serde_json::from_value(json!({
                "trigger_type_code": "TIMER", "event_type_code": "MessageCreated",
                "event_data": {"name": format!("t{i}"), "schedule_type": "Rate",
                               "schedule": "1h", "user_event": i.to_string()}
            }))
            .unwrap(),
        )
        .unwrap();
    }
    let register = t.elapsed();
    println!(
        "fgs-bench timers-register {:>9.2} us per timer ({TIMERS} timers)",
        register.as_secs_f64() * 1e6 / TIMERS as f64
    );

    // Idle: nothing is due for the next hour.
    let idle: Vec<Duration> = (0..200)
        .map(|_| {
            let t = Instant::now();
            black_box(emu.advance(Duration::from_secs(1)));
            t.elapsed()
        })
        .collect();
    println!(
        "fgs-bench timers-idle  {:>9.2} us per advance(1 s) with {TIMERS} timers registered",
        median(idle).as_secs_f64() * 1e6
    );

    // Fire: move to the hour, where all of them fall due at once.
    let next = emu.next_scheduled().expect("timers are scheduled");
    let now = emu.clock().now();
    let to_due = (next - now).to_std().unwrap_or_default();
    let t = Instant::now();
    let ran = emu.advance(to_due);
    let fire = t.elapsed();
    assert!(ran >= TIMERS, "{ran} jobs ran");
    println!(
        "fgs-bench timers-fire  {:>9.2} us per timer ({TIMERS} fired in {:.1} ms, each an async invocation)",
        fire.as_secs_f64() * 1e6 / TIMERS as f64,
        fire.as_secs_f64() * 1e3
    );
}

fn main() {
    async_drain();
    timers();
}
