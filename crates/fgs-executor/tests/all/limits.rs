//! Limits (DESIGN §4): memory cap, timeout, initializer and its timeout, discard after failure.

use std::time::Duration;

use fgs_executor::{Outcome, VersionSpec};

use crate::common::*;

#[test]
fn allocating_past_128_mb_is_out_of_memory_and_discards_the_instance() {
    let exec = executor();
    let v = deploy(
        &exec,
        &fixture("oom"),
        VersionSpec::new("oom", "index.handler").with_memory_mb(128),
    );
    let inv = call(&v, b"{}");
    assert_eq!(
        inv.outcome,
        Outcome::OutOfMemory {
            memory_size_mb: 128
        }
    );
    assert_eq!(
        inv.outcome.to_string(),
        "function ran out of memory: it needed more than its memory_size of 128 MB"
    );
    assert!(inv.max_memory_bytes <= 128 << 20);
    assert!(inv.max_memory_bytes > 100 << 20, "{}", inv.max_memory_bytes);
    assert!(inv.log.contains("memory allocation"), "{}", inv.log);
    assert_eq!(v.stats().discarded, 1);
}

#[test]
fn memory_grow_past_the_cap_is_out_of_memory() {
    let exec = executor();
    let v = deploy(
        &exec,
        &wat("grow"),
        VersionSpec::new("grow", "index.handler").with_memory_mb(128),
    );
    let inv = call(&v, b"");
    assert_eq!(inv.outcome.kind(), "out_of_memory");
    assert_eq!(inv.max_memory_bytes, 128 << 20);
}

#[test]
fn the_cap_follows_memory_size() {
    let exec = executor();
    let v = deploy(
        &exec,
        &wat("grow"),
        VersionSpec::new("grow", "index.handler").with_memory_mb(256),
    );
    let inv = call(&v, b"");
    assert_eq!(
        inv.outcome,
        Outcome::OutOfMemory {
            memory_size_mb: 256
        }
    );
    assert_eq!(inv.max_memory_bytes, 256 << 20);
}

#[test]
fn a_spinning_handler_times_out_after_its_ticks_and_is_discarded() {
    let exec = executor();
    let v = warmed(deploy(
        &exec,
        &fixture("spin"),
        VersionSpec::new("spin", "index.handler").with_timeout(Duration::from_secs(3)),
    ));
    let before = exec.ticks();
    let inv = ticking(&exec, || call(&v, b"{}"));
    assert_eq!(
        inv.outcome,
        Outcome::Timeout {
            timeout: Duration::from_secs(3)
        }
    );
    assert_eq!(inv.outcome.to_string(), "function timed out after 3000 ms");
    // 3 s at the default 10 ms tick is 300 ticks.
    assert!(exec.ticks() - before >= 300);
    let stats = v.stats();
    assert_eq!((stats.discarded, stats.idle), (1, 0));
}

#[test]
fn a_wat_loop_times_out() {
    let exec = executor();
    let v = warmed(deploy(
        &exec,
        &wat("loop"),
        VersionSpec::new("loop", "index.handler").with_timeout(Duration::from_millis(50)),
    ));
    let inv = ticking(&exec, || call(&v, b""));
    assert_eq!(inv.outcome.to_string(), "function timed out after 50 ms");
}

#[test]
fn a_handler_waiting_on_remaining_time_runs_past_it_and_times_out() {
    let exec = executor();
    let v = warmed(deploy(
        &exec,
        &fixture("sleep"),
        VersionSpec::new("sleep", "index.handler").with_timeout(Duration::from_secs(3)),
    ));
    let inv = ticking(&exec, || call(&v, b""));
    assert_eq!(
        inv.outcome,
        Outcome::Timeout {
            timeout: Duration::from_secs(3)
        }
    );
}

#[test]
fn a_timed_out_function_works_again_on_a_new_instance() {
    let exec = executor();
    let v = warmed(deploy(
        &exec,
        &fixture("spin"),
        VersionSpec::new("spin", "index.handler"),
    ));
    let first = ticking(&exec, || call(&v, b""));
    assert_eq!(first.outcome.kind(), "timeout");
    assert_eq!(v.stats().reserved, 0);
    // Replace the discarded instance (outside the ticking), then run on it.
    assert_eq!(v.set_reserved(1).unwrap(), 1);
    let second = ticking(&exec, || call(&v, b""));
    assert_eq!(second.outcome.kind(), "timeout");
    assert_ne!(second.instance_id, first.instance_id);
    assert_eq!(v.stats().instances_created, 2);
}

fn init_spec(mode: Option<&str>) -> VersionSpec {
    let spec = VersionSpec::new("init", "index.handler")
        .with_initializer("index.init", Duration::from_secs(1));
    match mode {
        Some(m) => spec.with_user_data("INIT_MODE", m),
        None => spec,
    }
}

#[test]
fn the_initializer_runs_once_per_instance_before_the_first_call() {
    let exec = executor();
    let v = deploy(&exec, &fixture("initializer"), init_spec(None));
    let first = call(&v, b"");
    assert_eq!(text(&first), r#"{"inits":1,"calls":1}"#);
    assert!(first.init_duration.is_some());
    assert!(first.log.contains("init for init"), "{}", first.log);
    let second = call(&v, b"");
    assert_eq!(text(&second), r#"{"inits":1,"calls":2}"#);
    assert_eq!(second.init_duration, None);
}

#[test]
fn a_failing_initializer_fails_the_call_and_discards_the_instance() {
    let exec = executor();
    let v = deploy(&exec, &fixture("initializer"), init_spec(Some("fail")));
    let inv = call(&v, b"");
    assert_eq!(
        inv.outcome.to_string(),
        "initializer failed: initializer refused: INIT_MODE=fail"
    );
    assert_eq!(inv.outcome.kind(), "initializer_failed");
    assert_eq!(v.stats().discarded, 1);
    assert!(call(&v, b"").cold_start);
}

#[test]
fn an_initializer_past_its_timeout_is_an_initializer_timeout() {
    let exec = executor();
    let v = deploy(&exec, &fixture("initializer"), init_spec(Some("spin")));
    let inv = ticking(&exec, || call(&v, b""));
    assert_eq!(
        inv.outcome,
        Outcome::InitializerTimeout {
            timeout: Duration::from_secs(1)
        }
    );
    assert_eq!(
        inv.outcome.to_string(),
        "initializer timed out after 1000 ms"
    );
    assert_eq!(v.stats().discarded, 1);
}

#[test]
fn a_missing_initializer_export_is_reported() {
    let exec = executor();
    let spec = VersionSpec::new("x", "index.handler")
        .with_initializer("index.setup", Duration::from_secs(1));
    let v = deploy(&exec, &fixture("echo"), spec);
    assert_eq!(
        call(&v, b"").outcome.to_string(),
        "handler not found: the module has no export for initializer index.setup"
    );
}
