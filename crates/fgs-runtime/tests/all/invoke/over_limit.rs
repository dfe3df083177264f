//! The over-limit policy (§5.6.8, DESIGN §4; [`fgs_runtime::OverLimit`] set with
//! `EmulatorBuilder::over_limit`) through `Emulator::invoke`, with a function of max instances
//! 1 whose first call is held by the manual epoch:
//!
//! - `Reject` (the default): a second call while the first runs is 429 FSS.0429 at once, and
//!   counted as a rejection.
//! - `Wait(d)`: the second call waits for the first to end, then runs on the instance the
//!   first one freed (warm, same instance id: it did not run beside it) and succeeds; the
//!   function never runs two invocations and nothing is rejected.
//! - `Wait(d)` when `d` runs out first: the waiting call is 429 FSS.0429 after waiting at least
//!   `d` of wall time (the bound is real time, not the emulator's clock or epoch), counted as a
//!   rejection; the call that held the slot is unaffected and the next call runs.
//! - `Wait(d)` for a slot the waiter's own caller holds (a handler invoking its own function,
//!   max instances 1, seed example 4.4): the nested call can never get the slot, so it waits
//!   the whole of `d` and is 429; the caller gets it as a handled failure (FSS.0429 in its
//!   message). The bound is what keeps this from deadlocking.
//!
//! - An async attempt (§5.1.2) never waits, whatever the policy: it would hold the thread
//!   that runs the scheduler; it is rejected and the queue retries it a second later.
//!
//! The held call is `cpu_work` with `{"ms": 5000}`: under the manual epoch its remaining time
//! moves only with `advance_epoch`, so it spins until 500 ticks passed since it entered the
//! guest and then succeeds (keeping its instance warm); `{"ms": 0}` returns at once. The
//! function's one instance is created by a first call before anything ticks, and its timeout
//! is 900 s (90 000 ticks), so that the ticks that end the held call cannot time out any
//! call. No test sleeps: threads are awaited by polling `running_invocations` and
//! `JoinHandle::is_finished`, yielding. The waiting state itself is not observable through
//! the API, so the `Wait` test's assertions hold whether the second call reached the limit
//! before or after the first ended; it is called while the first provably runs (which cannot
//! end before 500 ticks), so in practice it waits.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use fgs_runtime::{InvocationResult, OutcomeKind, OverLimit};
use serde_json::json;

use super::*;
use crate::common::assert_code;

/// The held call: 500 ticks of the guest's remaining time.
const HELD: &[u8] = br#"{"ms": 5000}"#;
/// A call that returns at once.
const QUICK: &[u8] = br#"{"ms": 0}"#;

/// An emulator with `policy` (manual epoch) and a `cpu_work` function of max instances 1
/// (`update_max_instances`, stored as `strategy_config.concurrency`; create cannot set it)
/// with one warm instance (one call made).
fn limited(policy: OverLimit) -> (Emulator, String) {
    let (emu, _) = emulator_with(
        Emulator::builder()
            .manual_epoch()
            .pool_instances(8)
            .over_limit(policy),
    );
    let urn = create(&emu, "queue", "cpu_work", json!({"timeout": 900}));
    set_max_instances(&emu, &urn, 1);
    assert_eq!(
        emu.get_function_config(&urn)
            .unwrap()
            .strategy_config
            .concurrency,
        Some(1)
    );
    // Create the instance now, while nothing ticks, so that the held call is warm and the
    // ticks count only its run.
    let warm_up = emu.invoke(&urn, QUICK).unwrap();
    assert!(warm_up.cold_start);
    assert_eq!(assert_success(&warm_up), 0);
    (emu, urn)
}

/// Moves the epoch one tick at a time (yielding) until every thread of `handles` ended,
/// returning the most invocations of `urn` seen running meanwhile. Fails after a generous
/// wall-clock bound instead of hanging.
fn tick_until_done<T>(
    emu: &Emulator,
    urn: &str,
    handles: &[&std::thread::ScopedJoinHandle<'_, T>],
) -> u32 {
    let bound = Instant::now() + Duration::from_secs(120);
    let mut most = 0;
    while !handles.iter().all(|h| h.is_finished()) {
        most = most.max(emu.running_invocations(urn).unwrap());
        emu.advance_epoch(1).unwrap();
        std::thread::yield_now();
        assert!(Instant::now() < bound, "the calls did not end within 120 s");
    }
    most
}

/// The success's work units (the held call's count, `0` for the quick one).
fn assert_success(inv: &InvocationResult) -> u64 {
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    inv.result_text().parse().unwrap()
}

#[test]
fn with_reject_a_call_over_max_instances_is_429_at_once() {
    let (emu, urn) = limited(OverLimit::Reject);
    std::thread::scope(|s| {
        let first = s.spawn(|| emu.invoke(&urn, HELD).unwrap());
        wait_running(&emu, &urn, 1);
        // The first call cannot end without ticks: this one is over the limit for sure.
        let err = emu.invoke(&urn, QUICK).unwrap_err();
        assert!(
            err.message()
                .contains("is at its maximum of 1 concurrent instances"),
            "{}",
            err.message()
        );
        assert_code(Err::<(), _>(err), "FSS.0429", 429);
        assert_eq!(emu.running_invocations(&urn).unwrap(), 1);
        assert_eq!(tick_until_done(&emu, &urn, &[&first]), 1);
        assert!(assert_success(&first.join().unwrap()) > 0);
    });
    let totals = emu.function_metrics_totals(&urn).unwrap();
    assert_eq!((totals.invocations, totals.rejections), (2, 1));
    assert_eq!(emu.running_invocations(&urn).unwrap(), 0);
}

#[test]
fn with_wait_a_call_over_max_instances_waits_for_the_running_one_and_reuses_its_instance() {
    let (emu, urn) = limited(OverLimit::Wait(Duration::from_secs(600)));
    let second_called = AtomicBool::new(false);
    let (first, second, most) = std::thread::scope(|s| {
        let first = s.spawn(|| emu.invoke(&urn, HELD).unwrap());
        wait_running(&emu, &urn, 1);
        let second = s.spawn(|| {
            second_called.store(true, Ordering::SeqCst);
            emu.invoke(&urn, QUICK)
                .expect("the waiting call is not rejected")
        });
        while !second_called.load(Ordering::SeqCst) {
            std::thread::yield_now();
        }
        // The first call holds the only slot until its 500 ticks passed, so the second one
        // (which was called while it ran) waits; neither can end before the ticks.
        assert!(!first.is_finished());
        let most = tick_until_done(&emu, &urn, &[&first, &second]);
        (first.join().unwrap(), second.join().unwrap(), most)
    });
    assert!(assert_success(&first) > 0);
    assert_eq!(assert_success(&second), 0);
    assert!(!first.cold_start);
    // It ran on the instance the first call held: one instance runs one request at a time,
    // so it started only after the first ended (running beside it would have needed a new,
    // cold instance).
    assert!(!second.cold_start, "{second:?}");
    assert_eq!(second.instance_id, first.instance_id);
    assert_eq!(most, 1, "never two invocations at once");
    let totals = emu.function_metrics_totals(&urn).unwrap();
    assert_eq!(
        (totals.invocations, totals.rejections, totals.cold_starts),
        (3, 0, 1)
    );
    assert_eq!(emu.running_invocations(&urn).unwrap(), 0);
}

#[test]
fn with_wait_a_call_that_waits_past_its_bound_is_429() {
    let bound = Duration::from_millis(100);
    let (emu, urn) = limited(OverLimit::Wait(bound));
    std::thread::scope(|s| {
        let first = s.spawn(|| emu.invoke(&urn, HELD).unwrap());
        wait_running(&emu, &urn, 1);
        // Nothing ticks: the first call holds the slot for longer than the bound.
        let started = Instant::now();
        let err = emu.invoke(&urn, QUICK).unwrap_err();
        let waited = started.elapsed();
        assert_code(Err::<(), _>(err), "FSS.0429", 429);
        assert!(
            waited >= bound,
            "gave up after {waited:?}, before {bound:?}"
        );
        assert_eq!(emu.running_invocations(&urn).unwrap(), 1);
        assert!(!first.is_finished());
        assert_eq!(tick_until_done(&emu, &urn, &[&first]), 1);
        assert_success(&first.join().unwrap());
    });
    // The slot is free again: the next call runs at once, warm.
    let next = emu.invoke(&urn, QUICK).unwrap();
    assert_eq!(assert_success(&next), 0);
    assert!(!next.cold_start);
    let totals = emu.function_metrics_totals(&urn).unwrap();
    assert_eq!((totals.invocations, totals.rejections), (3, 1));
}

#[test]
fn with_wait_a_handler_invoking_its_own_function_at_its_limit_gets_429_after_the_bound() {
    let bound = Duration::from_millis(100);
    let (emu, _) = emulator_with(
        Emulator::builder()
            .manual_epoch()
            .pool_instances(8)
            .over_limit(OverLimit::Wait(bound)),
    );
    let urn = create(&emu, "recursive", "sub_invoke", json!({"timeout": 900}));
    set_max_instances(&emu, &urn, 1);
    let started = Instant::now();
    // The handler calls its own function: the nested call waits for the slot its caller holds.
    let inv = emu.invoke(&urn, urn.as_bytes()).unwrap();
    let waited = started.elapsed();
    assert_eq!(inv.outcome, OutcomeKind::FunctionError, "{inv:?}");
    let message = inv.error_message.as_deref().unwrap();
    assert!(
        message.contains("FSS.0429") && message.contains("maximum of 1"),
        "{message}"
    );
    assert!(waited >= bound, "the nested call gave up after {waited:?}");
    // The waited time is part of the caller's run (it was blocked in the host call).
    assert!(inv.duration >= bound, "{:?}", inv.duration);
    let totals = emu.function_metrics_totals(&urn).unwrap();
    assert_eq!(
        (totals.invocations, totals.failures, totals.rejections),
        (1, 1, 1)
    );
    assert_eq!(emu.running_invocations(&urn).unwrap(), 0);
}

#[test]
fn an_async_attempt_over_the_limit_does_not_wait_even_with_wait() {
    let (emu, urn) = limited(OverLimit::Wait(Duration::from_secs(600)));
    let id = std::thread::scope(|s| {
        let first = s.spawn(|| emu.invoke(&urn, HELD).unwrap());
        wait_running(&emu, &urn, 1);
        let id = emu.invoke_async(&urn, json!({"ms": 0})).unwrap().request_id;
        // The attempt runs in `run_due` on a thread of its own: it must come back without
        // a single tick (the held call cannot end before 500).
        let attempt = s.spawn(|| emu.run_due());
        let bound = Instant::now() + Duration::from_secs(30);
        while !attempt.is_finished() && Instant::now() < bound {
            std::thread::yield_now();
        }
        let returned_at_once = attempt.is_finished();
        let record = emu.get_async_invocation(&id).unwrap();
        // Ends both threads either way, so that a failure is reported, not a hang.
        assert_eq!(tick_until_done(&emu, &urn, &[&first]), 1);
        tick_until_done(&emu, &urn, &[&attempt]);
        assert!(
            returned_at_once,
            "the async attempt waited for the instance"
        );
        assert_eq!(attempt.join().unwrap(), 1);
        assert_eq!(record.status, fgs_core::async_record::AsyncStatus::Wait);
        assert!(record.error_message.contains("FSS.0429"), "{record:?}");
        assert_success(&first.join().unwrap());
        id
    });
    // Retried a second later, now that the slot is free.
    emu.advance(Duration::from_secs(1));
    let record = emu.get_async_invocation(&id).unwrap();
    assert_eq!(record.status, fgs_core::async_record::AsyncStatus::Success);
    let totals = emu.function_metrics_totals(&urn).unwrap();
    assert_eq!((totals.invocations, totals.rejections), (3, 1));
}
