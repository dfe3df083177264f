//! fgs-executor and the whole emulator vs raw wasmtime, same module (`fixtures/wasm/*.wasm`),
//! same engine settings, same run. Run with `cargo bench -p fgs-benches`; besides criterion's
//! report it prints one line per path: raw median, executor (or emulator) median, ratio. The
//! raw sequences are in this crate's library (`fgs_benches`); the emulator's lines in
//! `invoke/emulator.rs`.
//!
//! - warm: a reused instance; raw = set deadline, `fgs_alloc`, write the event, call
//!   `handler`, read the result; executor = `Version::invoke`.
//! - cold: a new instance per call with the initializer; raw = new store + WASI context,
//!   `InstancePre::instantiate`, `init`, then the warm sequence; executor = drop idle instances,
//!   then `Version::invoke` (cold start).
//! - command: the WASI command echo; raw = new WASI context with stdin/stdout pipes, instance,
//!   `_start`; executor = `Version::invoke`.
//! - warm-json: the warm path on `json_transform`, a Rust guest that parses the ~100-byte JSON
//!   event with serde_json, reads its context and returns JSON (the guest of DESIGN §7).
//! - threads: warm calls per second from one thread, then two, for `echo` and `json_transform`;
//!   raw = each thread its own instance of the same `InstancePre`; executor = both threads on
//!   the same version.
//! - emulator (`*-emu` lines): the same paths through `Emulator::invoke` (URN, routing,
//!   request id, metrics included), each beside the same raw sequence.
#![allow(missing_docs)]

#[path = "invoke/emulator.rs"]
mod emulator;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use fgs_benches::{
    EVENT, Raw, fixture, median, raw_call, raw_command, raw_instance, raw_linker, report_as,
    throughput,
};
use fgs_executor::{Code, Executor, Request, Version, VersionSpec};
use wasmtime::InstancePre;

fn deploy(exec: &Executor, name: &str, spec: VersionSpec) -> Version {
    let m = exec.compile(&fixture(name)).unwrap();
    exec.function(name).deploy(Code::Module(m), spec).unwrap()
}

fn report(path: &str, raw: Duration, ours: Duration) {
    report_as("executor", path, raw, ours);
}

/// The raw `InstancePre` of each fixture the emulator lines use, on the executor's engine.
fn raw_pre(pre_of: &impl Fn(&str) -> InstancePre<Raw>) -> emulator::RawPres {
    emulator::RawPres {
        echo: pre_of("echo"),
        json: pre_of("json_transform"),
        init: pre_of("initializer"),
        command: pre_of("wasi_echo"),
    }
}

fn main() {
    let exec = Executor::builder()
        .idle_timeout(Duration::ZERO)
        .cpu_share(false)
        .build()
        .unwrap();
    let engine = exec.engine().clone();
    let linker = raw_linker(&engine);
    let pre_of = |name: &str| {
        let module = wasmtime::Module::new(&engine, fixture(name)).unwrap();
        linker.instantiate_pre(&module).unwrap()
    };

    // warm: the WAT-like echo guest and the serde_json guest of DESIGN §7
    let echo = deploy(&exec, "echo", VersionSpec::new("echo", "index.handler"));
    let echo_pre = pre_of("echo");
    let mut raw = raw_instance(&echo_pre, false);
    assert_eq!(raw_call(&mut raw, EVENT), EVENT);
    let req = Request::new("bench-request", EVENT);
    assert_eq!(echo.invoke(&req).unwrap().outcome.result(), Some(EVENT));
    let json = deploy(
        &exec,
        "json_transform",
        VersionSpec::new("json_transform", "index.handler"),
    );
    let json_pre = pre_of("json_transform");
    let mut raw_json = raw_instance(&json_pre, false);
    let raw_out = raw_call(&mut raw_json, EVENT);
    let ours_out = json.invoke(&req).unwrap();
    assert_eq!(ours_out.outcome.result(), Some(&raw_out[..]));
    // cold
    let init_spec = VersionSpec::new("initializer", "index.handler")
        .with_initializer("index.init", Duration::from_secs(3));
    let init = deploy(&exec, "initializer", init_spec);
    let init_pre = pre_of("initializer");
    // command
    let cmd = deploy(
        &exec,
        "wasi_echo",
        VersionSpec::new("wasi_echo", "index.handler"),
    );
    let cmd_pre = pre_of("wasi_echo");
    assert_eq!(raw_command(&cmd_pre, EVENT), EVENT);

    let mut c = Criterion::default().configure_from_args();
    let mut g = c.benchmark_group("warm");
    g.throughput(Throughput::Elements(1));
    g.bench_function("raw", |b| b.iter(|| black_box(raw_call(&mut raw, EVENT))));
    g.bench_function("executor", |b| {
        b.iter(|| black_box(echo.invoke(&req).unwrap()))
    });
    g.finish();
    let mut g = c.benchmark_group("warm-json");
    g.throughput(Throughput::Elements(1));
    g.bench_function("raw", |b| {
        b.iter(|| black_box(raw_call(&mut raw_json, EVENT)))
    });
    g.bench_function("executor", |b| {
        b.iter(|| black_box(json.invoke(&req).unwrap()))
    });
    g.finish();
    let mut g = c.benchmark_group("cold");
    g.throughput(Throughput::Elements(1));
    g.bench_function("raw", |b| {
        b.iter(|| {
            let mut r = raw_instance(&init_pre, true);
            black_box(raw_call(&mut r, EVENT))
        })
    });
    g.bench_function("executor", |b| {
        b.iter(|| {
            init.reclaim_idle();
            black_box(init.invoke(&req).unwrap())
        })
    });
    g.finish();
    let mut g = c.benchmark_group("command");
    g.throughput(Throughput::Elements(1));
    g.bench_function("raw", |b| {
        b.iter(|| black_box(raw_command(&cmd_pre, EVENT)))
    });
    g.bench_function("executor", |b| {
        b.iter(|| black_box(cmd.invoke(&req).unwrap()))
    });
    g.finish();

    // FGS_BENCH_ONLY=cold (a comma-separated list of warm, warm-json, cold, command, threads,
    // emulator (every `*-emu` line) or one `*-emu` line) runs only those summary lines, e.g.
    // under `perf record`.
    let only = std::env::var("FGS_BENCH_ONLY").unwrap_or_default();
    let want = |path: &str| only.is_empty() || only.split(',').any(|p| p == path);
    if want("warm") {
        let warm_raw = median(|| drop(black_box(raw_call(&mut raw, EVENT))), 2000, 31);
        let warm_ours = median(|| drop(black_box(echo.invoke(&req).unwrap())), 2000, 31);
        report("warm", warm_raw, warm_ours);
    }
    if want("warm-json") {
        let json_raw = median(|| drop(black_box(raw_call(&mut raw_json, EVENT))), 500, 31);
        let json_ours = median(|| drop(black_box(json.invoke(&req).unwrap())), 500, 31);
        report("warm-json", json_raw, json_ours);
    }
    if want("cold") {
        cold(&init_pre, &init, &req);
    }
    if want("command") {
        let cmd_raw = median(|| drop(black_box(raw_command(&cmd_pre, EVENT))), 100, 21);
        let cmd_ours = median(|| drop(black_box(cmd.invoke(&req).unwrap())), 100, 21);
        report("command", cmd_raw, cmd_ours);
    }
    for (name, version, pre, n) in [
        ("echo", &echo, &echo_pre, 40_000),
        ("json", &json, &json_pre, 10_000),
    ] {
        if !want("threads") {
            break;
        }
        let raw = throughput(n, || {
            let mut r = raw_instance(pre, false);
            move || drop(black_box(raw_call(&mut r, EVENT)))
        });
        let ours = throughput(n, || {
            let req = Request::new("bench-request", EVENT);
            move || drop(black_box(version.invoke(&req).unwrap()))
        });
        for (who, (one, two)) in [("raw", raw), ("executor", ours)] {
            println!(
                "fgs-bench threads  {name:<4} {who:<8} 1 thread {one:>9.0} calls/s  2 threads {two:>9.0} calls/s  ratio {:.2}x",
                two / one
            );
        }
    }
    // Last: the emulator's own executor and threads do not run beside the lines above.
    emulator::lines(&raw_pre(&pre_of), &want);
    c.final_summary();
}

/// The cold summary line: a new instance per call, initializer included.
fn cold(init_pre: &InstancePre<Raw>, init: &Version, req: &Request<'_>) {
    let n: u32 = std::env::var("FGS_BENCH_COLD_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(21);
    let cold_raw = median(
        || {
            let mut r = raw_instance(init_pre, true);
            drop(black_box(raw_call(&mut r, EVENT)));
        },
        200,
        n as usize,
    );
    let cold_ours = median(
        || {
            init.reclaim_idle();
            drop(black_box(init.invoke(req).unwrap()));
        },
        200,
        n as usize,
    );
    report("cold", cold_raw, cold_ours);
}
