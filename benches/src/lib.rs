//! The benches' shared harness: the raw wasmtime sequences the emulator is measured against
//! (same module, same engine), the fixtures, and the timing helpers that print the figures
//! the README quotes.
#![allow(missing_docs)]

use std::time::{Duration, Instant};

use wasmtime::{Caller, InstancePre, Linker, Store, StoreLimits, StoreLimitsBuilder, TypedFunc};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};

/// The ~100-byte JSON event of every warm line.
pub const EVENT: &[u8] =
    br#"{"name":"fgs","items":[1,2,3],"nested":{"a":"bbbbbbbbbb","c":true},"pad":"xxxxxxx"}"#;

/// The context the raw `context` import hands the guest (what the executor would).
pub const CONTEXT: &[u8] = br#"{"request_id":"bench-request","function_name":"initializer","package":"default","version":"latest","memory_size":128,"cpu":300,"timeout":3,"remaining_time_ms":3000,"user_data":{},"project_id":"","invocation_type":"sync","attempt":1}"#;

pub fn fixture(name: &str) -> Vec<u8> {
    let p = format!(
        "{}/../fixtures/wasm/{name}.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The `create_function` body of a Custom-runtime function `name` running fixture
/// `fixture_name` (inline code, base64; `index.handler`, 128 MB, 3 s), as the emulator lines
/// deploy it.
pub fn fixture_function(name: &str, fixture_name: &str) -> serde_json::Value {
    use base64::Engine as _;
    let file = base64::engine::general_purpose::STANDARD.encode(fixture(fixture_name));
    serde_json::json!({
        "func_name": name, "package": "default", "runtime": "Custom", "timeout": 3,
        "handler": "index.handler", "memory_size": 128, "code_type": "inline",
        "func_code": {"file": file}
    })
}

pub struct Raw {
    wasi: WasiP1Ctx,
    limits: StoreLimits,
    out: Vec<u8>,
}

pub fn raw_linker(engine: &wasmtime::Engine) -> Linker<Raw> {
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

pub fn raw_store(engine: &wasmtime::Engine, wasi: WasiP1Ctx) -> Store<Raw> {
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

pub struct RawInstance {
    store: Store<Raw>,
    memory: wasmtime::Memory,
    alloc: TypedFunc<i32, i32>,
    handler: TypedFunc<(i32, i32), i32>,
}

pub fn raw_instance(pre: &InstancePre<Raw>, init: bool) -> RawInstance {
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

pub fn raw_call(r: &mut RawInstance, event: &[u8]) -> Vec<u8> {
    r.store.set_epoch_deadline(1 << 40);
    let len = event.len() as i32;
    let ptr = r.alloc.call(&mut r.store, len).unwrap();
    r.memory.write(&mut r.store, ptr as usize, event).unwrap();
    let status = r.handler.call(&mut r.store, (ptr, len)).unwrap();
    assert_eq!(status, 0);
    std::mem::take(&mut r.store.data_mut().out)
}

pub fn raw_command(pre: &InstancePre<Raw>, event: &[u8]) -> Vec<u8> {
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

/// Median per-call time over `batches` batches of `per` calls.
pub fn median(mut f: impl FnMut(), per: u32, batches: usize) -> Duration {
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

/// Prints one summary line: `fgs-bench <path> raw <median> <who> <median> ratio <x>`.
pub fn report_as(who: &str, path: &str, raw: Duration, ours: Duration) {
    println!(
        "fgs-bench {path:<8} raw {:>9.2} us  {who} {:>9.2} us  ratio {:.2}x",
        raw.as_secs_f64() * 1e6,
        ours.as_secs_f64() * 1e6,
        ours.as_secs_f64() / raw.as_secs_f64()
    );
}

/// Calls per second with one thread, then two threads, each running `n` calls of the closure
/// `setup` makes on its thread (for raw calls: its own instance of the same `InstancePre`;
/// for the executor: the same version). Median of 5 rounds each.
pub fn throughput<S, F>(n: u32, setup: S) -> (f64, f64)
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
