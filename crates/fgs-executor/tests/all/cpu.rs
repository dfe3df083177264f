//! CPU share (DESIGN §4): a spinning guest at cpu=300 does proportionally less work than at
//! cpu=3400 or with the share off. This is the one test on real time: it needs the ticker.
//! Tolerance: the measured share must be within 0.5x..1.6x of cpu/1000 (see the crate docs).

use std::time::Duration;

use fgs_executor::{Executor, VersionSpec};

use crate::common::*;

fn work(exec: &Executor, cpu: u32) -> f64 {
    let spec = VersionSpec::new("cpu", "index.handler")
        .with_timeout(Duration::from_secs(10))
        .with_cpu(cpu);
    let v = deploy(exec, &fixture("cpu_work"), spec);
    text(&call(&v, br#"{"ms": 5}"#)); // warm up
    text(&call(&v, br#"{"ms": 300}"#)).parse().unwrap()
}

#[test]
fn a_small_cpu_share_does_proportionally_less_work() {
    let shared = Executor::builder()
        .epoch_tick(Duration::from_millis(2))
        .pool_instances(4)
        .build()
        .unwrap();
    let full = work(&shared, 3400);
    let small = work(&shared, 300);
    let ratio = small / full;
    assert!(
        (0.15..=0.48).contains(&ratio),
        "cpu=300 did {small} units, cpu=3400 {full}: ratio {ratio:.2}, expected about 0.30"
    );
    let off = Executor::builder()
        .epoch_tick(Duration::from_millis(2))
        .pool_instances(4)
        .cpu_share(false)
        .build()
        .unwrap();
    let unthrottled = work(&off, 300);
    assert!(
        unthrottled / full > 0.6,
        "with the share off cpu=300 did {unthrottled} units vs {full}"
    );
}
