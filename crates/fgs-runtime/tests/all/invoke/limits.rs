//! Instances and limits (DESIGN §4): reuse, discard, max instances applied at once, idle
//! reclaim on the emulator's clock, user data and dependency files in the guest.

use std::time::Duration;

use fgs_runtime::OutcomeKind;
use serde_json::json;

use super::*;

#[test]
fn warm_calls_reuse_the_instance_and_its_state() {
    let (emu, _) = emu();
    let urn = create(&emu, "counter", "counter", json!({}));
    let results: Vec<(String, bool)> = (0..3)
        .map(|_| {
            let inv = emu.invoke(&urn, b"{}").unwrap();
            (inv.result_text(), inv.cold_start)
        })
        .collect();
    assert_eq!(
        results,
        [
            ("1".to_owned(), true),
            ("2".to_owned(), false),
            ("3".to_owned(), false)
        ]
    );
}

#[test]
fn an_update_of_latest_redeploys_and_the_old_state_is_gone() {
    let (emu, _) = emu();
    let urn = create(&emu, "counter", "counter", json!({}));
    emu.invoke(&urn, b"{}").unwrap();
    // A change the executor does not see keeps the warm instance.
    set_max_instances(&emu, &urn, 5);
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!((inv.result_text(), inv.cold_start), ("2".to_owned(), false));
    // New code: a new deployment, a cold start, fresh state.
    update_code(&emu, &urn, "counter");
    update_code(&emu, &urn, "echo");
    let inv = emu.invoke(&urn, b"new code").unwrap();
    assert_eq!(
        (inv.result_text(), inv.cold_start),
        ("new code".to_owned(), true)
    );
}

#[test]
fn max_instances_changes_apply_at_once() {
    let (emu, _) = emu();
    let urn = create(&emu, "busy", "spin", json!({}));
    set_max_instances(&emu, &urn, 1);
    std::thread::scope(|s| {
        let first = s.spawn(|| emu.invoke(&urn, b"{}").unwrap());
        wait_running(&emu, &urn, 1);
        assert_eq!(
            emu.invoke(&urn, b"{}").unwrap_err().code(),
            "FSS.0429",
            "the second call is over the limit of 1"
        );
        set_max_instances(&emu, &urn, 2);
        // It runs (and times out: the fast ticks may end it while it starts, as an
        // initializer timeout), it is not rejected.
        let second = ticking(&emu, || emu.invoke(&urn, b"{}").unwrap());
        assert!(second.outcome.ran(), "{second:?}");
        let first = ticking(&emu, || first.join().unwrap());
        assert!(first.outcome.ran(), "{first:?}");
    });
    assert_eq!(emu.running_invocations(&urn).unwrap(), 0);
}

/// An emulator whose idle timeout is 60 s, with a `counter` function that ran once (cold).
fn idle_after_60s() -> (Emulator, Arc<ManualClock>, String) {
    let (emu, clock) = emulator_with(
        Emulator::builder()
            .manual_epoch()
            .pool_instances(8)
            .idle_timeout(Duration::from_secs(60)),
    );
    let urn = create(&emu, "counter", "counter", json!({}));
    assert!(emu.invoke(&urn, b"{}").unwrap().cold_start);
    (emu, clock, urn)
}

#[test]
fn idle_instances_are_reclaimed_after_the_idle_timeout() {
    let (emu, clock, urn) = idle_after_60s();
    clock.advance(Duration::from_secs(59));
    assert_eq!(emu.reclaim_idle(), 0, "not idle long enough");
    assert!(!emu.invoke(&urn, b"{}").unwrap().cold_start);
    clock.advance(Duration::from_secs(61));
    assert_eq!(emu.reclaim_idle(), 1);
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!((inv.result_text(), inv.cold_start), ("1".to_owned(), true));
}

#[test]
fn the_scheduler_reclaims_idle_instances_as_time_passes() {
    // Module docs of `scheduler`: a sweep at most every tenth of the idle timeout (here 6 s).
    let (emu, _, urn) = idle_after_60s();
    emu.advance(Duration::from_secs(50));
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!((inv.result_text(), inv.cold_start), ("2".to_owned(), false));
    emu.advance(Duration::from_secs(59));
    assert!(
        !emu.invoke(&urn, b"{}").unwrap().cold_start,
        "idle 59 s: kept"
    );
    emu.advance(Duration::from_secs(66));
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(
        (inv.result_text(), inv.cold_start),
        ("1".to_owned(), true),
        "idle 66 s: gone"
    );
    // Reserved instances are never reclaimed.
    warm(&emu, &urn);
    emu.advance(Duration::from_secs(3600));
    assert!(!emu.invoke(&urn, b"{}").unwrap().cold_start);
}

#[test]
fn reclaim_before_any_invocation_is_a_no_op() {
    let (emu, _) = emu();
    assert_eq!(emu.reclaim_idle(), 0);
}

#[test]
fn user_data_keys_are_environment_variables() {
    let (emu, _) = emu();
    let urn = create(
        &emu,
        "env",
        "env",
        json!({"user_data": r#"{"GREETING":"hi","RUNTIME_FUNC_NAME":"spoofed"}"#}),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    let vars: serde_json::Map<String, Value> = serde_json::from_slice(&inv.result).unwrap();
    assert_eq!(vars["GREETING"], "hi");
    assert_eq!(
        vars["RUNTIME_FUNC_NAME"], "env",
        "user keys cannot spoof RUNTIME_*"
    );
    assert_eq!(vars["RUNTIME_MEMORY"], "128");
    assert_eq!(vars["RUNTIME_FUNC_VERSION"], "latest");
    assert_eq!(vars["RUNTIME_PROJECT_ID"], emu.project_id());
}

#[test]
fn dependency_files_are_readable_and_read_only() {
    let (emu, _) = emu();
    let urn = dep_files_function(&emu, "deps");
    let inv = emu.invoke(&urn, b"data/hello.txt").unwrap();
    assert_eq!(inv.result_text(), "hello from deps", "{inv:?}");
    let inv = emu.invoke(&urn, b"write:data/x.txt").unwrap();
    assert_eq!(inv.outcome, OutcomeKind::FunctionError);
    assert!(
        inv.error_message
            .as_deref()
            .unwrap()
            .contains("cannot write"),
        "{inv:?}"
    );
}

#[test]
fn a_sub_function_call_ends_when_its_caller_runs_out_of_time() {
    // The caller (timeout 3 s = 300 ticks of 10 ms) calls a function that spins with a 900 s
    // timeout: the callee runs within the caller's remaining time, so both end after about
    // 300 ticks, not 90 000.
    let (emu, _) = emu();
    let spinner = create(&emu, "spinner", "spin", json!({"timeout": 900}));
    let caller = create(&emu, "caller", "sub_invoke", json!({"timeout": 3}));
    // Instances first, while nothing ticks: the ticks then count only the calls.
    warm(&emu, &caller);
    warm(&emu, &spinner);
    std::thread::scope(|s| {
        let call = s.spawn(|| emu.invoke(&caller, spinner.as_bytes()).unwrap());
        wait_running(&emu, &spinner, 1);
        for _ in 0..400 {
            emu.advance_epoch(1).unwrap();
            std::thread::yield_now();
        }
        // No more ticks: only the callee's own 900 s could end it now.
        let bound = std::time::Instant::now() + Duration::from_secs(30);
        while !call.is_finished() && std::time::Instant::now() < bound {
            std::thread::yield_now();
        }
        let finished = call.is_finished();
        if !finished {
            // Let the threads end, so that the failure is reported, not a hang.
            ticking(&emu, || while !call.is_finished() {});
        }
        assert!(
            finished,
            "the caller outlived its timeout while its callee ran"
        );
        let inv = call.join().unwrap();
        assert_eq!(inv.outcome, OutcomeKind::Timeout, "{inv:?}");
    });
    let callee = emu.function_metrics_totals(&spinner).unwrap();
    assert_eq!(
        (callee.invocations, callee.failures),
        (1, 1),
        "the callee timed out too"
    );
    assert_eq!(emu.running_invocations(&spinner).unwrap(), 0);
}

#[test]
fn a_handler_invokes_another_function_through_the_host() {
    // Seed example 4.4: a function calling a sub-function.
    let (emu, _) = emu();
    let target = create(&emu, "target", "echo", json!({}));
    let caller = create(&emu, "caller", "sub_invoke", json!({}));
    let inv = emu.invoke(&caller, target.as_bytes()).unwrap();
    assert_eq!(inv.result_text(), "sub said: ping", "{inv:?}");
    assert_eq!(emu.function_metrics_totals(&target).unwrap().invocations, 1);
    // A sub-call that cannot run fails the caller with the reason.
    let inv = emu.invoke(&caller, b"no-such-function").unwrap();
    assert_eq!(inv.outcome, OutcomeKind::FunctionError);
    assert!(
        inv.error_message.as_deref().unwrap().contains("FSS.1051"),
        "{inv:?}"
    );
}
