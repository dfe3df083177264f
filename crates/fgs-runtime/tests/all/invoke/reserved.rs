//! Reserved instances (§5.10.1): pre-warmed at once (initializer run), used first, kept by
//! idle reclaim.

use std::time::Duration;

use serde_json::json;

use super::*;

fn reserve(emu: &Emulator, urn: &str, count: i64) {
    emu.update_reserved_instances(
        urn,
        serde_json::from_value(json!({"count": count, "idle_mode": false})).unwrap(),
    )
    .unwrap();
}

fn with_init(emu: &Emulator) -> String {
    create(
        emu,
        "init",
        "initializer",
        json!({"initializer_handler": "index.init", "initializer_timeout": 3}),
    )
}

#[test]
fn reserved_instances_are_warm_with_the_initializer_already_run() {
    let (emu, _) = emu();
    let urn = with_init(&emu);
    reserve(&emu, &urn, 2);
    for calls in 1..=3 {
        let inv = emu.invoke(&urn, b"{}").unwrap();
        assert!(!inv.cold_start, "call {calls} is warm");
        assert_eq!(inv.init_duration, None, "the initializer ran before");
        assert_eq!(
            inv.result_text(),
            format!(r#"{{"inits":1,"calls":{calls}}}"#)
        );
    }
    assert_eq!(emu.function_metrics_totals(&urn).unwrap().cold_starts, 0);
}

#[test]
fn n_reserved_instances_serve_n_concurrent_calls_warm() {
    // The sub_invoke fixture calls the URN in its event: the function calling itself runs
    // two invocations at once (the inner one fails: its event "ping" names no function).
    let run = |reserved: i64| {
        let (emu, _) = emu();
        let urn = create(&emu, "nested", "sub_invoke", json!({}));
        if reserved > 0 {
            reserve(&emu, &urn, reserved);
        }
        let inv = emu.invoke(&urn, urn.as_bytes()).unwrap();
        assert!(
            inv.error_message.as_deref().unwrap().contains("FSS.1051"),
            "{inv:?}"
        );
        let t = emu.function_metrics_totals(&urn).unwrap();
        assert_eq!(t.invocations, 2);
        t.cold_starts
    };
    assert_eq!(run(0), 2);
    assert_eq!(run(1), 1);
    assert_eq!(run(2), 0);
}

#[test]
fn idle_reclaim_keeps_reserved_instances() {
    let (emu, clock) = emu();
    let urn = with_init(&emu);
    reserve(&emu, &urn, 1);
    clock.advance(Duration::from_secs(3600));
    assert_eq!(emu.reclaim_idle(), 0);
    assert!(!emu.invoke(&urn, b"{}").unwrap().cold_start);
}

#[test]
fn reserving_an_alias_prewarms_its_version() {
    let (emu, _) = emu();
    let urn = with_init(&emu);
    publish(&emu, &urn, "v1");
    emu.create_alias(
        &urn,
        serde_json::from_value(json!({"name": "prod", "version": "v1"})).unwrap(),
    )
    .unwrap();
    reserve(&emu, &format!("{urn}:!prod"), 1);
    let inv = emu.invoke(&format!("{urn}:v1"), b"{}").unwrap();
    assert!(!inv.cold_start);
    assert!(
        emu.invoke(&urn, b"{}").unwrap().cold_start,
        "latest is not reserved"
    );
}

#[test]
fn a_reservation_lowered_to_zero_lets_idle_reclaim_drop_the_instances() {
    let (emu, clock) = emu();
    let urn = with_init(&emu);
    reserve(&emu, &urn, 1);
    reserve(&emu, &urn, 0);
    clock.advance(Duration::from_secs(3600));
    assert_eq!(emu.reclaim_idle(), 1);
    assert!(emu.invoke(&urn, b"{}").unwrap().cold_start);
}
