//! Python and Node.js handlers (issue 11, "Performance"): for a hello handler of each
//! language, the emulator's paths beside the raw wasmtime component calls on the same runtime
//! component (`python.wasm`, `node.wasm` from the runtimes dir), same engine settings, same
//! run. Each line is a median.
//!
//! - warm: `Emulator::invoke` on a warm instance / raw: `handle` on a reused instance (the
//!   user's code loaded once).
//! - cold: drop the idle instance, then `Emulator::invoke` (new instance, the user's code
//!   loaded, the call) / raw: new store, instantiate the component's `InstancePre`, `load`,
//!   `handle`.
//! - update: the first `Emulator::invoke` after `update_function_code` (the code update itself
//!   is timed apart, not in the line) / raw: the cold sequence (and, printed apart, the raw
//!   `InstancePre` a new version needs).
//!
//! Targets (issue 11): warm within 1.5x of raw; cold under 3 ms (Python) and 1.5 ms (Node.js);
//! first invoke after a code update under 50 ms. A language whose component is not installed
//! is skipped with a line saying so (install: `bash crates/fgs-lang/install-runtimes.sh`).
//! Run: `cargo bench -p fgs-benches --bench lang` (`FGS_LANG_ONLY=python` or `node`;
//! `FGS_LANG_PROFILE=update` loops the update line for 5 s per language, for `perf record`).
#![allow(missing_docs)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use fgs_benches::{CONTEXT, EVENT, median};
use fgs_executor::Executor;
use fgs_runtime::{Emulator, OutcomeKind};
use serde_json::json;
use wasmtime::component::{HasSelf, Linker, ResourceTable};
use wasmtime::{Store, StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

/// The bindings of the runtime components' world, for the raw side.
#[allow(clippy::all)]
mod bindings {
    wasmtime::component::bindgen!({
        path: "../crates/fgs-lang/wit/handler.wit",
        world: "handler-runtime",
    });
}

use bindings::{HandlerRuntime, HandlerRuntimePre};

/// One language's bench subject.
struct Lang {
    name: &'static str,
    runtime: &'static str,
    file: &'static str,
    /// The hello handler, and a second version of it for the update line.
    hello: [&'static str; 2],
}

const LANGS: [Lang; 2] = [
    Lang {
        name: "python",
        runtime: "Python3.9",
        file: "index.py",
        hello: [
            "def handler(event, context):\n    return {\"hello\": event.get(\"name\", \"world\")}\n",
            "def handler(event, context):\n    return {\"hi\": event.get(\"name\", \"world\")}\n",
        ],
    },
    Lang {
        name: "node",
        runtime: "Node.js14.18",
        file: "index.js",
        hello: [
            "exports.handler = async (event, context) => ({ hello: event.name || 'world' });\n",
            "exports.handler = async (event, context) => ({ hi: event.name || 'world' });\n",
        ],
    },
];

/// The runtimes dir as `fgs_lang::default_runtimes_dir` computes it (`$FGS_RUNTIMES_DIR`,
/// else `$XDG_CACHE_HOME/fgs-local/runtimes`, else `~/.cache/fgs-local/runtimes`).
fn runtimes_dir() -> PathBuf {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(dir) = var("FGS_RUNTIMES_DIR") {
        return dir.into();
    }
    var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("fgs-local")
        .join("runtimes")
}

/// The raw side's store data: WASI preview 2, the memory limit, the package's files.
struct RawState {
    wasi: WasiCtx,
    table: ResourceTable,
    limits: StoreLimits,
    files: Arc<BTreeMap<String, Vec<u8>>>,
}

impl WasiView for RawState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl bindings::fgs::lang::host::Host for RawState {
    fn remaining_time_ms(&mut self) -> u64 {
        3000
    }

    fn log(&mut self, _level: String, _msg: String) {}

    fn read_file(&mut self, path: String) -> Option<Vec<u8>> {
        self.files.get(&path).cloned()
    }
}

impl bindings::fgs::lang::types::Host for RawState {}

/// The raw component, linked once.
struct Raw {
    pre: HandlerRuntimePre<RawState>,
    files: Arc<BTreeMap<String, Vec<u8>>>,
    linker: Linker<RawState>,
    component: wasmtime::component::Component,
}

/// A raw instance with the user's code loaded.
struct RawInstance {
    store: Store<RawState>,
    bindings: HandlerRuntime,
}

impl Raw {
    fn new(exec: &Executor, component: &Path, file: &str, code: &str) -> Raw {
        let compiled = exec.load_component(component).unwrap();
        let mut linker = Linker::new(exec.engine());
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).unwrap();
        HandlerRuntime::add_to_linker::<RawState, HasSelf<RawState>>(&mut linker, |s| s).unwrap();
        let pre = linker.instantiate_pre(compiled.component()).unwrap();
        let files = BTreeMap::from([(file.to_owned(), code.as_bytes().to_vec())]);
        Raw {
            pre: HandlerRuntimePre::new(pre).unwrap(),
            files: Arc::new(files),
            linker,
            component: compiled.component().clone(),
        }
    }

    /// What deploying a new version costs the executor on top of a cold start: resolving the
    /// component's imports into an `InstancePre` (median).
    fn link_time(&self) -> Duration {
        median_of(21, || {
            let t = Instant::now();
            let pre = self.linker.instantiate_pre(&self.component).unwrap();
            black_box(HandlerRuntimePre::new(pre).unwrap());
            t.elapsed()
        })
    }

    /// New store, instance, `load` of the user's code.
    fn instance(&self) -> RawInstance {
        self.instance_timed(&mut [Duration::ZERO; 2])
    }

    /// [`Raw::instance`], adding the time of instantiating and of `load` to `phases`.
    fn instance_timed(&self, phases: &mut [Duration; 2]) -> RawInstance {
        let t = Instant::now();
        let state = RawState {
            wasi: WasiCtxBuilder::new().build(),
            table: ResourceTable::new(),
            limits: StoreLimitsBuilder::new().memory_size(128 << 20).build(),
            files: self.files.clone(),
        };
        let mut store = Store::new(self.pre.engine(), state);
        store.limiter(|s| &mut s.limits);
        store.set_epoch_deadline(1 << 40);
        let bindings = self.pre.instantiate(&mut store).unwrap();
        phases[0] += t.elapsed();
        let t = Instant::now();
        bindings
            .call_load(&mut store, "index.handler", None)
            .unwrap()
            .unwrap();
        phases[1] += t.elapsed();
        RawInstance { store, bindings }
    }
}

impl RawInstance {
    fn call(&mut self, event: &str, context: &str) -> String {
        self.store.set_epoch_deadline(1 << 40);
        self.bindings
            .call_handle(&mut self.store, event, context)
            .unwrap()
            .unwrap()
    }
}

/// The median of `n` samples, each timed by `f` itself (so that it can leave setup out).
fn median_of(n: usize, mut f: impl FnMut() -> Duration) -> Duration {
    f();
    let mut v: Vec<Duration> = (0..n).map(|_| f()).collect();
    v.sort();
    v[v.len() / 2]
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The inline source `code`, Base64 (the function's code is read as `index.py` / `index.js`,
/// the file its handler names).
fn source(code: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(code)
}

/// An emulator finding its runtimes in `dir` (CPU share off, as the invoke bench's), with
/// `lang`'s hello function `hello`, warmed by one call.
fn emulator(lang: &Lang, dir: &Path, idle: Option<Duration>) -> Emulator {
    let mut builder = Emulator::builder()
        .cpu_share(false)
        .seed(1)
        .runtimes_dir(dir);
    if let Some(idle) = idle {
        builder = builder.idle_timeout(idle);
    }
    let emu = builder.build().unwrap();
    let body = json!({
        "func_name": "hello", "package": "default", "runtime": lang.runtime, "timeout": 3,
        "handler": "index.handler", "memory_size": 128, "code_type": "inline",
        "code_filename": lang.file, "func_code": {"file": source(lang.hello[0])}
    });
    emu.create_function(serde_json::from_value(body).unwrap())
        .unwrap();
    let inv = emu.invoke("hello", EVENT).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    emu
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT MET" }
}

fn bench(lang: &Lang, dir: &Path, component: &Path) {
    let name = lang.name;
    let exec = Executor::builder().cpu_share(false).build().unwrap();
    let started = Instant::now();
    let raw = Raw::new(&exec, component, lang.file, lang.hello[0]);
    println!(
        "fgs-bench {name:<6} component loaded (cached artifact) in {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    let event = std::str::from_utf8(EVENT).unwrap();
    let context = std::str::from_utf8(CONTEXT).unwrap();
    let mut warm = raw.instance();
    let reply = warm.call(event, context);
    assert!(reply.contains("fgs"), "{reply}");

    // warm
    let emu = emulator(lang, dir, None);
    let ours = median(
        || drop(black_box(emu.invoke("hello", EVENT).unwrap())),
        200,
        21,
    );
    let base = median(|| drop(black_box(warm.call(event, context))), 200, 21);
    let ratio = ours.as_secs_f64() / base.as_secs_f64();
    println!(
        "fgs-bench {name:<6} warm    raw {:>9.2} us  emulator {:>9.2} us  ratio {ratio:.2}x  (target <= 1.50x: {})",
        us(base),
        us(ours),
        verdict(ratio <= 1.5)
    );

    // cold
    let cold = emulator(lang, dir, Some(Duration::ZERO));
    let ours = median_of(101, || {
        cold.reclaim_idle();
        let t = Instant::now();
        let inv = cold.invoke("hello", EVENT).unwrap();
        let took = t.elapsed();
        assert!(
            inv.cold_start && inv.outcome == OutcomeKind::Success,
            "{inv:?}"
        );
        took
    });
    let mut phases = Vec::new();
    let base = median_of(101, || {
        let t = Instant::now();
        let mut p = [Duration::ZERO; 2];
        let mut r = raw.instance_timed(&mut p);
        let first = Instant::now();
        black_box(r.call(event, context));
        let took = t.elapsed();
        let first = first.elapsed();
        let t = Instant::now();
        drop(r);
        phases.push([p[0], p[1], first, t.elapsed()]);
        took
    });
    let phase = |i: usize| {
        let mut v: Vec<Duration> = phases.iter().map(|p| p[i]).collect();
        v.sort();
        us(v[v.len() / 2])
    };
    println!(
        "fgs-bench {name:<6} cold    raw phases (medians): instantiate {:.2} us, load {:.2} us, first handle {:.2} us; then dropping the store {:.2} us (not in the line)",
        phase(0),
        phase(1),
        phase(2),
        phase(3)
    );
    let target = if name == "python" { 3000.0 } else { 1500.0 };
    println!(
        "fgs-bench {name:<6} cold    raw {:>9.2} us  emulator {:>9.2} us  ratio {:.2}x  (target < {:.1} ms: {})",
        us(base),
        us(ours),
        ours.as_secs_f64() / base.as_secs_f64(),
        target / 1000.0,
        verdict(us(ours) < target)
    );

    // first invoke after a code update
    let mut updates = Vec::new();
    let mut round = 0usize;
    let ours = median_of(51, || {
        round += 1;
        let code = lang.hello[round % 2];
        let req = json!({
            "code_type": "inline", "code_filename": lang.file,
            "func_code": {"file": source(code)}
        });
        let t = Instant::now();
        emu.update_function_code("hello", serde_json::from_value(req).unwrap())
            .unwrap();
        updates.push(t.elapsed());
        let t = Instant::now();
        let inv = emu.invoke("hello", EVENT).unwrap();
        let took = t.elapsed();
        assert!(
            inv.cold_start && inv.outcome == OutcomeKind::Success,
            "{inv:?}"
        );
        took
    });
    updates.sort();
    println!(
        "fgs-bench {name:<6} update  raw {:>9.2} us  emulator {:>9.2} us  ratio {:.2}x  (target < 50 ms: {}; the update call itself {:.2} us; raw InstancePre of a new version {:.2} us)",
        us(base),
        us(ours),
        ours.as_secs_f64() / base.as_secs_f64(),
        verdict(ours < Duration::from_millis(50)),
        us(updates[updates.len() / 2]),
        us(raw.link_time())
    );
}

/// `FGS_LANG_PROFILE=update`: only the emulator's update line, in a loop for 5 s, for
/// `perf record`.
fn profile_update(lang: &Lang, dir: &Path) {
    let emu = emulator(lang, dir, None);
    let (start, mut n) = (Instant::now(), 0usize);
    while start.elapsed() < Duration::from_secs(5) {
        n += 1;
        let req = json!({
            "code_type": "inline", "code_filename": lang.file,
            "func_code": {"file": source(lang.hello[n % 2])}
        });
        emu.update_function_code("hello", serde_json::from_value(req).unwrap())
            .unwrap();
        black_box(emu.invoke("hello", EVENT).unwrap());
    }
    println!(
        "fgs-bench {:<6} profile update: {n} updates and invokes in 5 s",
        lang.name
    );
}

fn main() {
    let profile = std::env::var("FGS_LANG_PROFILE").ok();
    let only = std::env::var("FGS_LANG_ONLY").ok();
    let dir = runtimes_dir();
    for lang in &LANGS {
        if only.as_deref().is_some_and(|o| o != lang.name) {
            continue;
        }
        let component = dir.join(format!("{}.wasm", lang.name));
        if !component.is_file() {
            println!(
                "fgs-bench {:<6} skipped: {} is not installed (run `bash crates/fgs-lang/install-runtimes.sh`)",
                lang.name,
                component.display()
            );
            continue;
        }
        match profile.as_deref() {
            Some("update") => profile_update(lang, &dir),
            _ => bench(lang, &dir, &component),
        }
    }
}
