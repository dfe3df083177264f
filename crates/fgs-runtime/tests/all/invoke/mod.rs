//! Invocation (issue 3; seed §5.1.1, §5.6.8, §5.7, §5.8, §5.10; DESIGN §4-§5): functions run
//! from the committed fixtures (`fixtures/wasm`, sources in `fixtures/handlers/src/bin`).

mod async_worker;
mod limits;
mod metrics;
mod outcomes;
mod over_limit;
mod reserved;
mod routing;
mod warm_routes;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use fgs_core::clock::ManualClock;
use fgs_runtime::Emulator;
use serde_json::{Value, json};

use crate::common::{b64, emulator_with};

/// A committed fixture module, `fixtures/wasm/<name>.wasm`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../fixtures/wasm/{name}.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// An emulator on a manual clock whose epoch moves only with `advance_epoch`, with a small
/// instance pool.
pub fn emu() -> (Emulator, Arc<ManualClock>) {
    emulator_with(Emulator::builder().manual_epoch().pool_instances(16))
}

/// Creates `name` running the fixture `fixture` (sent inline, handler `index.handler`, 128 MB,
/// timeout 3 s), with the extra create fields of `extra`. Returns the unqualified URN.
pub fn create(emu: &Emulator, name: &str, fixture_name: &str, extra: Value) -> String {
    crate::hostile::create_code(emu, name, &fixture(fixture_name), extra)
}

/// Creates `name` running the `dep_files` fixture with a dependency `greetings` that holds
/// `data/hello.txt` ("hello from deps"). Returns the unqualified URN.
pub fn dep_files_function(emu: &Emulator, name: &str) -> String {
    let dep = emu
        .create_dependency(
            serde_json::from_value(json!({
                "depend_type": "zip",
                "runtime": "Python3.9",
                "name": "greetings",
                "depend_file": b64(&crate::common::zip_of(&[("data/hello.txt", b"hello from deps")]))
            }))
            .unwrap(),
        )
        .unwrap();
    let urn = create(emu, name, "dep_files", json!({}));
    emu.update_function_code(
        &urn,
        serde_json::from_value(json!({
            "code_type": "inline",
            "func_code": {"file": b64(&fixture("dep_files"))},
            "depend_list": [dep.id]
        }))
        .unwrap(),
    )
    .unwrap();
    urn
}

/// Replaces the code of `latest` with a fixture.
pub fn update_code(emu: &Emulator, urn: &str, fixture_name: &str) {
    emu.update_function_code(
        urn,
        serde_json::from_value(json!({
            "code_type": "inline",
            "func_code": {"file": b64(&fixture(fixture_name))}
        }))
        .unwrap(),
    )
    .unwrap();
}

/// Publishes `latest` as `version`.
pub fn publish(emu: &Emulator, urn: &str, version: &str) {
    emu.publish_version(
        urn,
        serde_json::from_value(json!({"version": version})).unwrap(),
    )
    .unwrap();
}

/// Sets the max instances (§5.6.8).
pub fn set_max_instances(emu: &Emulator, urn: &str, n: i64) {
    emu.update_max_instances(
        urn,
        serde_json::from_value(json!({"max_instance_num": n})).unwrap(),
    )
    .unwrap();
}

/// Runs `f` while another thread moves the emulator's epoch as fast as it can (virtual time
/// passes inside the guest, nobody sleeps), until `f` returns.
pub fn ticking<R>(emu: &Emulator, f: impl FnOnce() -> R) -> R {
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                emu.advance_epoch(1).unwrap();
                std::thread::yield_now();
            }
        });
        let r = f();
        done.store(true, Ordering::Relaxed);
        r
    })
}

/// Waits (yielding, never sleeping) until `n` invocations of `urn` are running.
pub fn wait_running(emu: &Emulator, urn: &str, n: u32) {
    while emu.running_invocations(urn).unwrap() < n {
        std::thread::yield_now();
    }
}

/// Creates one warm instance of `urn`'s `latest` now (a reserved instance, §5.10), so that a
/// call under [`ticking`] does not spend its virtual time creating one.
pub fn warm(emu: &Emulator, urn: &str) {
    emu.update_reserved_instances(urn, serde_json::from_value(json!({"count": 1})).unwrap())
        .unwrap();
}
