//! Deploy-time errors and the compiled-module cache.

use fgs_executor::{Allocator, Code, Error, Executor, VersionSpec};

use crate::common::*;

#[test]
fn invalid_bytes_are_refused_at_compile_time() {
    let exec = executor();
    let err = exec.compile(b"not wasm at all").unwrap_err();
    assert!(matches!(err, Error::InvalidModule { .. }));
    assert!(
        err.to_string().starts_with("invalid wasm module: "),
        "{err}"
    );
}

#[test]
fn unknown_imports_are_refused_at_deploy_time() {
    let exec = executor();
    let module = exec
        .compile(br#"(module (import "env" "mystery" (func)) (memory (export "memory") 1))"#)
        .unwrap();
    let err = exec
        .function("imports")
        .deploy(
            Code::Module(module),
            VersionSpec::new("imports", "index.handler"),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Link { .. }));
    assert!(err.to_string().contains("env::mystery"), "{err}");
}

#[test]
fn the_same_bytes_compile_once() {
    let exec = executor();
    let a = exec.compile(&fixture("echo")).unwrap();
    let b = exec.compile(&fixture("echo")).unwrap();
    assert_eq!(a.digest(), b.digest());
    assert_eq!(a.digest().len(), 64);
}

#[test]
fn the_engine_uses_the_tuned_pool_and_can_fall_back() {
    let pooled = executor();
    assert_ne!(pooled.allocator(), Allocator::OnDemand);
    let on_demand = Executor::builder()
        .manual_epoch()
        .pooling(false)
        .build()
        .unwrap();
    assert_eq!(on_demand.allocator(), Allocator::OnDemand);
    let v = deploy_fixture(&on_demand, "echo");
    assert_eq!(text(&call(&v, b"x")), "x");
}

#[test]
fn a_cache_dir_keeps_serialized_artifacts_that_a_new_executor_loads() {
    let dir = std::env::temp_dir().join(format!("fgs-exec-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let build = || {
        Executor::builder()
            .manual_epoch()
            .pool_instances(4)
            .cache_dir(&dir)
            .build()
            .unwrap()
    };
    let first = build();
    let m = first.compile(&fixture("echo")).unwrap();
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(files.len(), 1);
    let second = build();
    let again = second.compile(&fixture("echo")).unwrap();
    assert_eq!(again.digest(), m.digest());
    let v = second
        .function("cached")
        .deploy(
            Code::Module(again),
            VersionSpec::new("cached", "index.handler"),
        )
        .unwrap();
    assert_eq!(text(&call(&v, b"from cache")), "from cache");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn dropping_an_executor_stops_its_ticker_thread() {
    let exec = Executor::builder()
        .epoch_tick(std::time::Duration::from_millis(1))
        .pool_instances(2)
        .build()
        .unwrap();
    let v = deploy_fixture(&exec, "echo");
    assert_eq!(text(&call(&v, b"t")), "t");
    drop(v);
    // The drop joins the ticker thread; reaching the next line is the assertion.
    drop(exec);
}
