//! `InvokeOptions::on_async_worker`: a call made from a task on a tokio worker (as
//! `fgs-http` makes it) runs in place, and steps off the worker wherever it may block:
//! WASI output (wasmtime-wasi waits on the ambient runtime, which would panic on a worker),
//! a sub-function call, a guest that keeps running (the worker's other tasks go on).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use fgs_runtime::{InvokeOptions, OutcomeKind};
use serde_json::json;

use super::*;

fn on_worker() -> InvokeOptions {
    InvokeOptions {
        on_async_worker: true,
        ..Default::default()
    }
}

/// A multi-threaded runtime with `workers` worker threads.
fn runtime(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .unwrap()
}

#[test]
fn a_guest_writing_to_stdout_and_stderr_runs_on_a_worker_and_its_log_is_kept() {
    let (emu, _) = emu();
    let urn = create(&emu, "logs", "logs", json!({}));
    let rt = runtime(1);
    let task = rt.spawn(async move {
        let first = emu.invoke_with(&urn, br#"{"lines": 3}"#, on_worker());
        let warm = emu.invoke_with(&urn, b"{}", on_worker());
        (first, warm)
    });
    let (first, warm) = rt.block_on(task).unwrap();
    for inv in [first.unwrap(), warm.unwrap()] {
        assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
        assert_eq!(inv.result_text(), "logged");
        let log = inv.log.unwrap_or_default();
        for line in ["stdout line", "stderr line", "log call line"] {
            assert!(log.contains(line), "{line:?} missing from {log:?}");
        }
    }
}

#[test]
fn a_sub_function_call_from_a_worker_runs_the_callee() {
    let (emu, _) = emu();
    let callee = create(&emu, "callee", "logs", json!({}));
    let caller = create(&emu, "caller", "sub_invoke", json!({}));
    let rt = runtime(1);
    let task = rt.spawn(async move { emu.invoke_with(&caller, callee.as_bytes(), on_worker()) });
    let inv = rt.block_on(task).unwrap().unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    assert_eq!(inv.result_text(), "sub said: logged");
}

#[test]
fn a_guest_that_keeps_running_lets_the_other_tasks_of_its_worker_run() {
    let (emu, _) = emu();
    let urn = create(&emu, "spin", "spin", json!({"timeout": 3}));
    warm(&emu, &urn);
    // One worker: while the spinning call holds it, no other task can run unless the call
    // stepped off it (at its first epoch tick).
    let rt = runtime(1);
    let a_done = Arc::new(AtomicBool::new(false));
    let a = {
        let (emu, urn, a_done) = (emu.clone(), urn.clone(), a_done.clone());
        rt.spawn(async move {
            let inv = emu.invoke_with(&urn, b"{}", on_worker());
            a_done.store(true, Ordering::SeqCst);
            inv
        })
    };
    wait_running(&emu, &urn, 1);
    let b = {
        let a_done = a_done.clone();
        rt.spawn(async move { a_done.load(Ordering::SeqCst) })
    };
    // Virtual time, one tick at a time, well short of the 3 s timeout (300 ticks of 10 ms),
    // until the other task ran (each tick gets a bounded real wait for it: the worker's
    // queue moves to another thread), then on until the spinning call times out.
    for _ in 0..100 {
        if b.is_finished() {
            break;
        }
        emu.advance_epoch(1).unwrap();
        let bound = std::time::Instant::now() + Duration::from_millis(50);
        while !b.is_finished() && std::time::Instant::now() < bound {
            std::thread::yield_now();
        }
    }
    let b_ran = b.is_finished();
    // Whatever happened, tick the spinning call to its end so that the runtime can stop.
    let inv = ticking(&emu, || rt.block_on(a).unwrap().unwrap());
    assert_eq!(inv.outcome, OutcomeKind::Timeout, "{inv:?}");
    assert!(b_ran, "the other task did not run within 100 ticks");
    let a_was_done = rt.block_on(b).unwrap();
    assert!(
        !a_was_done,
        "the other task ran only after the spinning call ended"
    );
}

#[test]
fn outside_a_multi_threaded_runtime_the_option_is_ignored() {
    let (emu, _) = emu();
    let urn = create(&emu, "echo", "echo", json!({}));
    // No runtime at all, then a current-thread runtime: a plain blocking call each time.
    let inv = emu.invoke_with(&urn, b"{\"a\":1}", on_worker()).unwrap();
    assert_eq!(inv.result_text(), "{\"a\":1}");
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let inv = rt
        .block_on(async { emu.invoke_with(&urn, b"{\"b\":2}", on_worker()) })
        .unwrap();
    assert_eq!(inv.result_text(), "{\"b\":2}");
}

#[test]
fn a_guest_reading_files_and_a_wasi_command_run_off_the_worker() {
    let (emu, _) = emu();
    // `dep_files` imports `path_open` and `fd_read`: the whole call leaves the worker.
    let reader = dep_files_function(&emu, "deps");
    let command = create(&emu, "cmd", "wasi_echo", json!({}));
    let rt = runtime(1);
    let task = rt.spawn(async move {
        (
            emu.invoke_with(&reader, b"data/hello.txt", on_worker()),
            emu.invoke_with(&command, b"piped through", on_worker()),
        )
    });
    let (read, echoed) = rt.block_on(task).unwrap();
    let read = read.unwrap();
    assert_eq!(read.result_text(), "hello from deps", "{read:?}");
    let echoed = echoed.unwrap();
    assert_eq!(echoed.result_text(), "piped through", "{echoed:?}");
}
