//! Hostile input (issue 10, "Hostile guests" and "Hostile requests"): malicious guest modules
//! (`guests`), each with its asserted outcome and an echo call on the same emulator after
//! it, and malicious code packages (`packages`) and dependency packages
//! (`dependency_packages`), each refused with the seed's code (§7.2).
//! The guests are hand-written WAT in `fixtures/wat/` (compiled by the test with `wat`).

mod dependency_packages;
mod guests;
mod packages;

use fgs_runtime::{Emulator, OutcomeKind};
use serde_json::{Value, json};

use crate::common::b64;

/// The WAT fixture `fixtures/wat/<name>.wat`, compiled to wasm.
pub fn wat_fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../fixtures/wat/{name}.wat",
        env!("CARGO_MANIFEST_DIR")
    );
    wat::parse_file(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The create body of function `name` running the wasm `code` (inline, handler
/// `index.handler`, 128 MB, timeout 3 s), with the fields of `extra` on top.
pub fn create_body(name: &str, code: &[u8], extra: Value) -> Value {
    let mut body = json!({
        "func_name": name,
        "package": "default",
        "runtime": "Custom",
        "timeout": 3,
        "handler": "index.handler",
        "memory_size": 128,
        "code_type": "inline",
        "func_code": {"file": b64(code)}
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    body
}

/// Creates `name` running the wasm `code` (see [`create_body`]); returns its unqualified URN.
pub fn create_code(emu: &Emulator, name: &str, code: &[u8], extra: Value) -> String {
    let config = emu
        .create_function(serde_json::from_value(create_body(name, code, extra)).unwrap())
        .unwrap();
    config
        .func_urn
        .strip_suffix(":latest")
        .unwrap_or(&config.func_urn)
        .to_owned()
}

/// Asserts that the emulator still serves: a fresh echo function `name` answers its event.
#[track_caller]
pub fn assert_echo_still_works(emu: &Emulator, name: &str) {
    let urn = create_code(emu, name, &wat_fixture("echo"), json!({}));
    let inv = emu.invoke(&urn, b"still alive").unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    assert_eq!(inv.result, b"still alive");
}
