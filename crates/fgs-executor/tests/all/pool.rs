//! The instance pool: max instances and its policies, reserved pre-warm, idle reclaim.

use std::sync::Arc;
use std::time::Duration;

use fgs_core::clock::ManualClock;
use fgs_executor::{Code, Error, Executor, OverLimit, Request, VersionSpec};

use crate::common::*;

/// Waits (yielding, no sleep) until the function has `n` invocations running.
fn until_running(f: &fgs_executor::Function, n: u32) {
    while f.running() != n {
        std::thread::yield_now();
    }
}

#[test]
fn beyond_max_instances_a_call_is_rejected() {
    let exec = executor();
    let f = exec.function("busy");
    f.set_max_instances(Some(1));
    let spin = warmed(
        f.deploy(
            Code::Module(exec.compile(&fixture("spin")).unwrap()),
            VersionSpec::new("busy", "index.handler"),
        )
        .unwrap(),
    );
    let echo = f
        .deploy(
            Code::Module(exec.compile(&fixture("echo")).unwrap()),
            VersionSpec::new("busy", "index.handler").with_version("v1"),
        )
        .unwrap();
    std::thread::scope(|s| {
        let running = s.spawn(|| call(&spin, b""));
        until_running(&f, 1);
        let err = echo.invoke(&Request::new("r2", b"x")).unwrap_err();
        assert!(matches!(err, Error::TooManyInstances { max: 1, .. }));
        assert_eq!(
            err.to_string(),
            "function busy is at its maximum of 1 concurrent instances; request rejected"
        );
        ticking(&exec, || running.join().unwrap());
    });
    assert_eq!(f.running(), 0);
    assert_eq!(text(&call(&echo, b"free again")), "free again");
}

#[test]
fn with_the_wait_policy_a_call_waits_for_a_free_instance() {
    let exec = executor();
    let f = exec.function("queue");
    f.set_max_instances(Some(1));
    f.set_over_limit(OverLimit::Wait(Duration::from_secs(60)));
    let spin = warmed(
        f.deploy(
            Code::Module(exec.compile(&fixture("spin")).unwrap()),
            VersionSpec::new("queue", "index.handler"),
        )
        .unwrap(),
    );
    // The second call starts as soon as the first frees its instance, while the ticker may
    // still run until the first thread is joined: a long timeout keeps those racing ticks from
    // timing it out.
    let echo = warmed(
        f.deploy(
            Code::Module(exec.compile(&fixture("echo")).unwrap()),
            // The longest timeout, so that the ticks still running when the waiting call
            // starts cannot time it out on a loaded machine.
            VersionSpec::new("queue", "index.handler").with_timeout(Duration::from_secs(900)),
        )
        .unwrap(),
    );
    std::thread::scope(|s| {
        let first = s.spawn(|| call(&spin, b""));
        until_running(&f, 1);
        let second = s.spawn(|| call(&echo, b"after"));
        // The second call is blocked; end the first by moving time past its timeout.
        let first = ticking(&exec, || first.join().unwrap());
        assert_eq!(first.outcome.kind(), "timeout");
        assert_eq!(text(&second.join().unwrap()), "after");
    });
}

#[test]
fn max_instances_counts_all_versions_and_none_means_unlimited() {
    let exec = executor();
    let f = exec.function("many");
    let echo = f
        .deploy(
            Code::Module(exec.compile(&fixture("echo")).unwrap()),
            VersionSpec::new("many", "index.handler"),
        )
        .unwrap();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(|| call(&echo, b"x"))).collect();
        for h in handles {
            assert_eq!(text(&h.join().unwrap()), "x");
        }
    });
    assert!(echo.stats().instances_created >= 1);
}

#[test]
fn reserved_instances_are_prewarmed_so_the_first_calls_are_warm() {
    let exec = executor();
    let spec = VersionSpec::new("reserved", "index.handler")
        .with_initializer("index.init", Duration::from_secs(1));
    let v = deploy(&exec, &fixture("initializer"), spec);
    assert_eq!(v.set_reserved(2).unwrap(), 2);
    let stats = v.stats();
    assert_eq!(
        (stats.instances_created, stats.reserved, stats.idle),
        (2, 2, 2)
    );
    for _ in 0..2 {
        let inv = call(&v, b"");
        assert!(!inv.cold_start);
        assert_eq!(inv.init_duration, None);
        assert!(text(&inv).starts_with(r#"{"inits":1,"#));
    }
    assert_eq!(v.stats().cold_starts, 0);
    // Setting the same figure again creates nothing.
    assert_eq!(v.set_reserved(2).unwrap(), 0);
}

#[test]
fn prewarming_with_a_failing_initializer_is_an_error() {
    let exec = executor();
    let spec = VersionSpec::new("reserved", "index.handler")
        .with_initializer("index.init", Duration::from_secs(1))
        .with_user_data("INIT_MODE", "fail");
    let v = deploy(&exec, &fixture("initializer"), spec);
    let err = v.set_reserved(1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot pre-warm an instance of reserved: initializer failed: initializer refused: INIT_MODE=fail"
    );
}

fn clocked(clock: Arc<ManualClock>) -> Executor {
    Executor::builder()
        .manual_epoch()
        .pool_instances(8)
        .clock(clock)
        .idle_timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

#[test]
fn idle_instances_are_reclaimed_after_the_idle_timeout() {
    let clock = Arc::new(ManualClock::default());
    let exec = clocked(clock.clone());
    let v = deploy_fixture(&exec, "counter");
    assert_eq!(text(&call(&v, b"")), "1");
    clock.advance(Duration::from_secs(59));
    assert_eq!(exec.reclaim_idle(), 0);
    assert_eq!(text(&call(&v, b"")), "2");
    clock.advance(Duration::from_secs(60));
    assert_eq!(exec.reclaim_idle(), 1);
    assert_eq!(v.stats().idle, 0);
    let inv = call(&v, b"");
    assert!(inv.cold_start);
    assert_eq!(text(&inv), "1");
}

#[test]
fn reserved_instances_are_never_reclaimed_and_are_replaced_after_a_discard() {
    let clock = Arc::new(ManualClock::default());
    let exec = clocked(clock.clone());
    let v = deploy_fixture(&exec, "panics");
    v.set_reserved(1).unwrap();
    clock.advance(Duration::from_secs(3600));
    assert_eq!(v.reclaim_idle(), 0);
    assert_eq!(v.stats().reserved, 1);
    assert_eq!(call(&v, b"").outcome.kind(), "trap");
    assert_eq!(v.stats().reserved, 0);
    assert_eq!(exec.reclaim_idle(), 0);
    let stats = v.stats();
    assert_eq!((stats.reserved, stats.idle), (1, 1));
}
