//! Shared helpers: fixture loading, a manual-epoch executor, deploying, ticking.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use fgs_executor::{Code, Executor, Invocation, Request, Version, VersionSpec};

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// A committed fixture module, `fixtures/wasm/<name>.wasm`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join("wasm").join(format!("{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A `.wat` trap case, `fixtures/wat/<name>.wat`.
pub fn wat(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join("wat").join(format!("{name}.wat"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An executor whose time moves only with `tick`.
pub fn executor() -> Executor {
    Executor::builder()
        .manual_epoch()
        .pool_instances(16)
        .build()
        .unwrap()
}

/// Deploys `bytes` as a new function named like the spec.
pub fn deploy(exec: &Executor, bytes: &[u8], spec: VersionSpec) -> Version {
    let module = exec.compile(bytes).unwrap();
    exec.function(spec.function_name.clone())
        .deploy(Code::Module(module), spec)
        .unwrap()
}

/// Deploys the fixture `name` with handler `index.handler` and default limits.
pub fn deploy_fixture(exec: &Executor, name: &str) -> Version {
    deploy(
        exec,
        &fixture(name),
        VersionSpec::new(name, "index.handler"),
    )
}

/// Creates one warm instance now, so that a later call under `ticking` does not spend its
/// virtual time instantiating (the ticker thread runs far faster than real time).
pub fn warmed(v: Version) -> Version {
    v.set_reserved(1).unwrap();
    v
}

/// Invokes with a fixed request id.
pub fn call(v: &Version, event: &[u8]) -> Invocation {
    v.invoke(&Request::new("req-test", event)).unwrap()
}

/// Runs `f` while another thread ticks the epoch as fast as it can (virtual time moves, no
/// sleeping), until `f` returns.
pub fn ticking<R>(exec: &Executor, f: impl FnOnce() -> R) -> R {
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                exec.tick(1);
                std::thread::yield_now();
            }
        });
        let r = f();
        done.store(true, Ordering::Relaxed);
        r
    })
}

/// The result bytes of a success as text, or a panic naming the outcome.
pub fn text(inv: &Invocation) -> String {
    match inv.outcome.result() {
        Some(b) => String::from_utf8_lossy(b).into_owned(),
        None => panic!("expected success, got {} (log: {})", inv.outcome, inv.log),
    }
}
