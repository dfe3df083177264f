//! The limits hold for Node.js handlers as for wasm handlers (issue 11): memory from
//! `memory_size`, `timeout` (the instance discarded), initializer timeout, max instances.

use fgs_runtime::OutcomeKind;
use serde_json::json;

use super::{create_js, js_emu, node_or_skip, text};
use crate::common::assert_code;
use crate::invoke::{set_max_instances, ticking, wait_running};

const HUNGRY: &str = r#"
exports.handler = (event) => {
  if (event.hungry) {
    const hoard = [];
    for (;;) hoard.push(new Uint8Array(1 << 20).fill(1));
  }
  return 'fed';
};
"#;

const SPIN: &str = r#"
exports.handler = (event) => {
  if (event.spin) { for (;;) {} }
  return 'done';
};
"#;

#[test]
fn an_allocation_loop_ends_as_out_of_memory_and_the_next_call_works() {
    let dir = node_or_skip!();
    let emu = js_emu(&dir);
    let urn = create_js(&emu, "hungry", &[("index.js", HUNGRY)], json!({}));
    let inv = emu.invoke(&urn, br#"{"hungry": true}"#).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::OutOfMemory, "{inv:?}");
    assert!(
        inv.memory_used_bytes <= 128 << 20,
        "{} bytes",
        inv.memory_used_bytes
    );
    let next = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(next.outcome, OutcomeKind::Success, "{next:?}");
    assert!(
        next.cold_start,
        "the instance that ran out of memory was discarded"
    );
    assert_eq!(text(&next), "fed");
}

#[test]
fn an_infinite_loop_times_out_and_the_next_call_works() {
    let dir = node_or_skip!();
    let emu = js_emu(&dir);
    let urn = create_js(&emu, "spin", &[("index.js", SPIN)], json!({"timeout": 3}));
    assert_eq!(text(&emu.invoke(&urn, b"{}").unwrap()), "done");
    let inv = ticking(&emu, || emu.invoke(&urn, br#"{"spin": true}"#).unwrap());
    assert_eq!(inv.outcome, OutcomeKind::Timeout, "{inv:?}");
    assert_eq!(
        inv.error_message.as_deref(),
        Some("function timed out after 3000 ms")
    );
    let next = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(next.outcome, OutcomeKind::Success, "{next:?}");
    assert!(next.cold_start, "the timed-out instance was discarded");
}

#[test]
fn an_initializer_that_loops_ends_as_an_initializer_timeout() {
    let dir = node_or_skip!();
    let emu = js_emu(&dir);
    let code = "exports.init = () => { for (;;) {} };\nexports.handler = () => 1;\n";
    let urn = create_js(
        &emu,
        "slow-init",
        &[("index.js", code)],
        json!({"initializer_handler": "index.init", "initializer_timeout": 1}),
    );
    let inv = ticking(&emu, || emu.invoke(&urn, b"{}").unwrap());
    assert_eq!(inv.outcome, OutcomeKind::InitializerTimeout, "{inv:?}");
    assert_eq!(
        inv.error_message.as_deref(),
        Some("initializer timed out after 1000 ms")
    );
}

#[test]
fn max_instances_rejects_a_call_beyond_the_limit() {
    let dir = node_or_skip!();
    let emu = js_emu(&dir);
    let urn = create_js(&emu, "busy", &[("index.js", SPIN)], json!({"timeout": 900}));
    set_max_instances(&emu, &urn, 1);
    std::thread::scope(|s| {
        let running = s.spawn(|| emu.invoke(&urn, br#"{"spin": true}"#).unwrap());
        wait_running(&emu, &urn, 1);
        assert_code(emu.invoke(&urn, b"{}"), "FSS.0429", 429);
        ticking(&emu, || {
            while !running.is_finished() {
                std::thread::yield_now();
            }
        });
        assert_eq!(running.join().unwrap().outcome, OutcomeKind::Timeout);
    });
    assert_eq!(text(&emu.invoke(&urn, b"{}").unwrap()), "done");
}
