//! fgs-executor vs raw wasmtime, same module (`fixtures/wasm/*.wasm`), same engine (the
//! executor's own), same run. Run with `cargo bench -p fgs-benches`; besides criterion's
//! report it prints one line per path: raw median, executor median, ratio.
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
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use fgs_executor::{Code, Executor, Request, Version, VersionSpec};
use wasmtime::{Caller, InstancePre, Linker, Store, StoreLimits, StoreLimitsBuilder, TypedFunc};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};

const EVENT: &[u8] =
    br#"{"name":"fgs","items":[1,2,3],"nested":{"a":"bbbbbbbbbb","c":true},"pad":"xxxxxxx"}"#;

const CONTEXT: &[u8] = br#"{"request_id":"bench-request","function_name":"initializer","package":"default","version":"latest","memory_size":128,"cpu":300,"timeout":3,"remaining_time_ms":3000,"user_data":{},"project_id":"","invocation_type":"sync","attempt":1}"#;

fn fixture(name: &str) -> Vec<u8> {
    let p = format!(
        "{}/../fixtures/wasm/{name}.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

struct Raw {
    wasi: WasiP1Ctx,
    limits: StoreLimits,
    out: Vec<u8>,
}

fn raw_linker(engine: &wasmtime::Engine) -> Linker<Raw> {
    let mut l = Linker::new(engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut l, |s: &mut Raw| &mut s.wasi).unwrap();
    l.func_wrap(
        fgs_abi::IMPORT_MODULE,
        fgs_abi::IMPORT_OUTPUT,
        |mut c: Caller<'_, Raw>, ptr: i32, len: i32| {
            let mem = c.get_export("memory").unwrap().into_memory().unwrap();
            let data = mem.data(&c)[ptr as usize..(ptr + len) as usize].to_vec();
            c.data_mut().out = data;
        },
    )
    .unwrap();
    l.func_wrap(
        fgs_abi::IMPORT_MODULE,
        fgs_abi::IMPORT_LOG,
        |_: i32, _: i32| {},
    )
    .unwrap();
    // The same context a guest gets from the executor, precomputed.
    l.func_wrap(
        fgs_abi::IMPORT_MODULE,
        fgs_abi::IMPORT_CONTEXT,
        |mut c: Caller<'_, Raw>, ptr: i32, cap: i32| {
            let n = CONTEXT.len().min(cap as usize);
            let mem = c.get_export("memory").unwrap().into_memory().unwrap();
            mem.write(&mut c, ptr as usize, &CONTEXT[..n]).unwrap();
            CONTEXT.len() as i32
        },
    )
    .unwrap();
    l
}

fn raw_store(engine: &wasmtime::Engine, wasi: WasiP1Ctx) -> Store<Raw> {
    let limits = StoreLimitsBuilder::new().memory_size(128 << 20).build();
    let mut store = Store::new(
        engine,
        Raw {
            wasi,
            limits,
            out: Vec::new(),
        },
    );
    store.limiter(|s| &mut s.limits);
    store.set_epoch_deadline(1 << 40);
    store
}

struct RawInstance {
    store: Store<Raw>,
    memory: wasmtime::Memory,
    alloc: TypedFunc<i32, i32>,
    handler: TypedFunc<(i32, i32), i32>,
}

fn raw_instance(pre: &InstancePre<Raw>, init: bool) -> RawInstance {
    let mut store = raw_store(pre.module().engine(), WasiCtxBuilder::new().build_p1());
    let inst = pre.instantiate(&mut store).unwrap();
    if init {
        let f = inst.get_typed_func::<(), i32>(&mut store, "init").unwrap();
        f.call(&mut store, ()).unwrap();
    }
    RawInstance {
        memory: inst.get_memory(&mut store, "memory").unwrap(),
        alloc: inst.get_typed_func(&mut store, "fgs_alloc").unwrap(),
        handler: inst.get_typed_func(&mut store, "handler").unwrap(),
        store,
    }
}

fn raw_call(r: &mut RawInstance, event: &[u8]) -> Vec<u8> {
    r.store.set_epoch_deadline(1 << 40);
    let len = event.len() as i32;
    let ptr = r.alloc.call(&mut r.store, len).unwrap();
    r.memory.write(&mut r.store, ptr as usize, event).unwrap();
    let status = r.handler.call(&mut r.store, (ptr, len)).unwrap();
    assert_eq!(status, 0);
    std::mem::take(&mut r.store.data_mut().out)
}

fn raw_command(pre: &InstancePre<Raw>, event: &[u8]) -> Vec<u8> {
    let stdout = MemoryOutputPipe::new(1 << 20);
    let wasi = WasiCtxBuilder::new()
        .stdin(MemoryInputPipe::new(event.to_vec()))
        .stdout(stdout.clone())
        .build_p1();
    let mut store = raw_store(pre.module().engine(), wasi);
    let inst = pre.instantiate(&mut store).unwrap();
    let start = inst.get_typed_func::<(), ()>(&mut store, "_start").unwrap();
    start.call(&mut store, ()).unwrap();
    drop(store);
    stdout.contents().to_vec()
}

fn deploy(exec: &Executor, name: &str, spec: VersionSpec) -> Version {
    let m = exec.compile(&fixture(name)).unwrap();
    exec.function(name).deploy(Code::Module(m), spec).unwrap()
}

/// Median per-call time over `batches` batches of `per` calls.
fn median(mut f: impl FnMut(), per: u32, batches: usize) -> Duration {
    for _ in 0..per {
        f();
    }
    let mut v: Vec<Duration> = (0..batches)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..per {
                f();
            }
            t.elapsed() / per
        })
        .collect();
    v.sort();
    v[v.len() / 2]
}

/// An emulator (same engine settings as the bench's executor: pooling, epoch ticker, no CPU
/// share) with one function per `(name, fixture)`, each warmed by one call.
fn emulator_with(functions: &[(&str, &str)]) -> fgs_runtime::Emulator {
    use base64::Engine as _;
    let emu = fgs_runtime::Emulator::builder()
        .cpu_share(false)
        .seed(1)
        .build()
        .unwrap();
    for (name, fixture_name) in functions {
        let file = base64::engine::general_purpose::STANDARD.encode(fixture(fixture_name));
        emu.create_function(
            serde_json::from_value(serde_json::json!({
                "func_name": name, "package": "default", "runtime": "Custom", "timeout": 3,
                "handler": "index.handler", "memory_size": 128, "code_type": "inline",
                "func_code": {"file": file}
            }))
            .unwrap(),
        )
        .unwrap();
        let inv = emu.invoke(name, EVENT).unwrap();
        assert_eq!(inv.outcome, fgs_runtime::OutcomeKind::Success, "{name}");
    }
    emu
}

fn report_as(who: &str, path: &str, raw: Duration, ours: Duration) {
    println!(
        "fgs-bench {path:<8} raw {:>9.2} us  {who} {:>9.2} us  ratio {:.2}x",
        raw.as_secs_f64() * 1e6,
        ours.as_secs_f64() * 1e6,
        ours.as_secs_f64() / raw.as_secs_f64()
    );
}

fn report(path: &str, raw: Duration, ours: Duration) {
    report_as("executor", path, raw, ours);
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

    // FGS_BENCH_ONLY=cold (a comma-separated list of warm, emulator, warm-json, cold, command,
    // threads)
    // runs only those summary lines, e.g. under `perf record`.
    let only = std::env::var("FGS_BENCH_ONLY").unwrap_or_default();
    let want = |path: &str| only.is_empty() || only.split(',').any(|p| p == path);
    if want("warm") {
        let warm_raw = median(|| drop(black_box(raw_call(&mut raw, EVENT))), 2000, 31);
        let warm_ours = median(|| drop(black_box(echo.invoke(&req).unwrap())), 2000, 31);
        report("warm", warm_raw, warm_ours);
    }
    if want("emulator") {
        // The whole `Emulator::invoke` (URN resolution, routing, deployment lookup, request id,
        // metrics) on an emulator whose executor has the same engine settings.
        let emu = emulator_with(&[("echo", "echo"), ("json", "json_transform")]);
        let emu_echo = median(
            || drop(black_box(emu.invoke("echo", EVENT).unwrap())),
            2000,
            31,
        );
        let raw_echo = median(|| drop(black_box(raw_call(&mut raw, EVENT))), 2000, 31);
        report_as("emulator", "warm-emu", raw_echo, emu_echo);
        let emu_json = median(
            || drop(black_box(emu.invoke("json", EVENT).unwrap())),
            500,
            31,
        );
        let raw_js = median(|| drop(black_box(raw_call(&mut raw_json, EVENT))), 500, 31);
        report_as("emulator", "warm-json-emu", raw_js, emu_json);
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

/// Calls per second with one thread, then two threads, each running `n` calls of the closure
/// `setup` makes on its thread (for raw calls: its own instance of the same `InstancePre`;
/// for the executor: the same version). Median of 5 rounds each.
fn throughput<S, F>(n: u32, setup: S) -> (f64, f64)
where
    S: Fn() -> F + Sync,
    F: FnMut(),
{
    // Each thread times its own calls after the barrier; the span is from the first start to
    // the last end (a late-scheduled main thread cannot shorten it).
    let run = |threads: u32| {
        let barrier = std::sync::Barrier::new(threads as usize);
        let spans: Vec<(Instant, Instant)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut f = setup();
                        for _ in 0..n / 10 {
                            f();
                        }
                        barrier.wait();
                        let start = Instant::now();
                        for _ in 0..n {
                            f();
                        }
                        (start, Instant::now())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let start = spans.iter().map(|s| s.0).min().unwrap();
        let end = spans.iter().map(|s| s.1).max().unwrap();
        end - start
    };
    let rate = |threads: u32| {
        let mut v: Vec<f64> = (0..5)
            .map(|_| f64::from(n * threads) / run(threads).as_secs_f64())
            .collect();
        v.sort_by(f64::total_cmp);
        v[2]
    };
    (rate(1), rate(2))
}
