//! Sync invoke over HTTP renders each row of `fgs_runtime::OutcomeKind` (the rows that
//! `invoke.rs` does not show already): status, `error_code`, v1 `status`, and the summary's
//! `outcome`. Time passes inside guests only through the manual epoch (no sleeps).

use std::sync::atomic::{AtomicBool, Ordering};

use base64::Engine as _;
use fgs_runtime::{Emulator, OutcomeKind, Platform};
use serde_json::{Value, json};

use crate::common::*;

/// A router over a platform whose guests' time moves only with `advance_epoch`.
fn manual() -> (fgs_http::Api, Platform) {
    let platform = Platform::new(
        Emulator::builder()
            .seed(9)
            .background_scheduler(false)
            .manual_epoch()
            .pool_instances(8),
    )
    .unwrap();
    (
        fgs_http::Api::new(platform.clone(), fgs_http::HttpConfig::default()),
        platform,
    )
}

/// Creates `name` from fixture `code` with the extra create fields `extra`.
async fn create_with(app: &fgs_http::Api, name: &str, code: &str, extra: Value) {
    let mut body = json!({
        "func_name": name, "package": "default", "runtime": "Custom", "handler": "index.handler",
        "memory_size": 128, "timeout": 3, "code_type": "inline",
        "func_code": {"file": base64::engine::general_purpose::STANDARD.encode(fixture(code))}
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let a = send(
        app,
        "POST",
        &format!("/v2/{P}/fgs/functions"),
        &body.to_string(),
        &[],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text());
}

/// Invokes `name` (v1) with `event`.
async fn invoke_v1(app: &fgs_http::Api, name: &str, event: &str) -> Answer {
    send(
        app,
        "POST",
        &format!("/v2/{P}/fgs/functions/{name}/invocations"),
        event,
        &[("X-CFF-Request-Version", "v1")],
    )
    .await
}

/// Invokes `name` (v1) with `event`, moving the epoch from another thread until it answered.
async fn invoke_ticking(
    app: &fgs_http::Api,
    platform: &Platform,
    name: &str,
    event: &str,
) -> Answer {
    let emu = platform.default_project();
    let done = std::sync::Arc::new(AtomicBool::new(false));
    let ticker = {
        let done = done.clone();
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                emu.advance_epoch(1).unwrap();
                std::thread::yield_now();
            }
        })
    };
    let a = invoke_v1(app, name, event).await;
    done.store(true, Ordering::Relaxed);
    ticker.join().unwrap();
    a
}

/// Asserts `a` is the row `kind`: HTTP status, `error_code`, v1 `status` and the summary.
fn assert_row(a: &Answer, kind: OutcomeKind, status: u16, code: &str) {
    assert_eq!(
        (a.status, a.code().as_str()),
        (status, code),
        "{}",
        a.text()
    );
    assert_eq!(a.json()["status"], status);
    let summary: Value =
        serde_json::from_str(a.headers["x-cff-invoke-summary"].to_str().unwrap()).unwrap();
    assert_eq!(summary["outcome"], kind.name());
}

#[tokio::test]
async fn timeout_is_408() {
    let (app, platform) = manual();
    create_with(&app, "spin", "spin", json!({})).await;
    // A warm instance first: its creation is not what the ticks time out.
    platform
        .default_project()
        .update_reserved_instances("spin", serde_json::from_value(json!({"count": 1})).unwrap())
        .unwrap();
    let a = invoke_ticking(&app, &platform, "spin", "{}").await;
    assert_row(&a, OutcomeKind::Timeout, 408, "FSS.0408");
    assert_eq!(a.json()["error_msg"], "function timed out after 3000 ms");
}

#[tokio::test]
async fn initializer_rows() {
    let (app, platform) = manual();
    let init = |mode: &str, timeout: u32| {
        json!({"initializer_handler": "index.init", "initializer_timeout": timeout,
               "user_data": format!(r#"{{"INIT_MODE":"{mode}"}}"#)})
    };
    create_with(&app, "init-fails", "initializer", init("fail", 3)).await;
    create_with(&app, "init-spins", "initializer", init("spin", 1)).await;
    // The epoch stands still while the failing initializer runs: it cannot time out (a ticker
    // racing it could reach its 3 s first on a fast machine).
    let a = invoke_v1(&app, "init-fails", "{}").await;
    assert_row(&a, OutcomeKind::InitializerFailed, 500, "FSS.0500");
    let a = invoke_ticking(&app, &platform, "init-spins", "{}").await;
    assert_row(&a, OutcomeKind::InitializerTimeout, 408, "FSS.0408");
    assert_eq!(a.json()["error_msg"], "initializer timed out after 1000 ms");
}

#[tokio::test]
async fn missing_handler_out_of_memory_and_result_too_large_are_500() {
    let (app, _platform) = manual();
    create_with(
        &app,
        "other-export",
        "echo",
        json!({"handler": "index.main"}),
    )
    .await;
    create_with(&app, "oom", "oom", json!({})).await;
    create_with(&app, "big", "large_output", json!({})).await;
    // The epoch does not move: none of these can time out.
    let a = invoke_v1(&app, "other-export", "{}").await;
    assert_row(&a, OutcomeKind::MissingHandler, 500, "FSS.0500");
    let a = invoke_v1(&app, "oom", "{}").await;
    assert_row(&a, OutcomeKind::OutOfMemory, 500, "FSS.0500");
    let a = invoke_v1(&app, "big", &(7 << 20).to_string()).await;
    assert_row(&a, OutcomeKind::ResultTooLarge, 500, "FSS.0500");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_over_max_instances_is_429() {
    let (app, platform) = manual();
    create_with(&app, "busy", "spin", json!({})).await;
    let put = send(
        &app,
        "PUT",
        &format!("/v2/{P}/fgs/functions/busy/config-max-instance"),
        r#"{"max_instance_num":1}"#,
        &[],
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.text());
    let emu = platform.default_project();
    let held = {
        let app = app.clone();
        tokio::spawn(async move {
            send(
                &app,
                "POST",
                &format!("/v2/{P}/fgs/functions/busy/invocations"),
                "{}",
                &[],
            )
            .await
        })
    };
    // Wait (yielding) until the first call runs; the epoch does not move, so it stays.
    while emu.running_invocations("busy").unwrap() < 1 {
        tokio::task::yield_now().await;
    }
    let a = send(
        &app,
        "POST",
        &format!("/v2/{P}/fgs/functions/busy/invocations"),
        "{}",
        &[("X-CFF-Request-Version", "v1")],
    )
    .await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (429, "FSS.0429"),
        "{}",
        a.text()
    );
    // The held call ends once time passes.
    let done = std::sync::Arc::new(AtomicBool::new(false));
    let ticker = {
        let (done, emu) = (done.clone(), emu.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                emu.advance_epoch(1).unwrap();
                std::thread::yield_now();
            }
        })
    };
    let first = held.await.unwrap();
    done.store(true, Ordering::Relaxed);
    ticker.join().unwrap();
    assert_eq!((first.status, first.code().as_str()), (408, "FSS.0408"));
}
