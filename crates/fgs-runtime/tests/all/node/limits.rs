//! The limits hold for Node.js handlers as for wasm handlers (issue 11): memory from
//! `memory_size`, `timeout` (the instance discarded), initializer timeout, max instances. The
//! checks are shared with Python (`crate::lang`); the CPU share is `tests/cpu_share.rs`.

use fgs_lang::Language::Node;
use serde_json::json;

use crate::lang::{
    assert_initializer_timeout, assert_max_instances, assert_out_of_memory_then_recovers,
    assert_timeout_then_recovers, create, lang_emu, or_skip,
};

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
    let emu = lang_emu(&or_skip!(Node));
    let urn = create(&emu, Node, "hungry", &[("index.js", HUNGRY)], json!({}));
    assert_out_of_memory_then_recovers(&emu, &urn);
}

#[test]
fn an_infinite_loop_times_out_and_the_next_call_works() {
    let emu = lang_emu(&or_skip!(Node));
    let urn = create(&emu, Node, "spin", &[("index.js", SPIN)], json!({}));
    assert_timeout_then_recovers(&emu, &urn);
}

#[test]
fn an_initializer_that_loops_ends_as_an_initializer_timeout() {
    let emu = lang_emu(&or_skip!(Node));
    let code = "exports.init = () => { for (;;) {} };\nexports.handler = () => 1;\n";
    let urn = create(
        &emu,
        Node,
        "slow-init",
        &[("index.js", code)],
        json!({"initializer_handler": "index.init", "initializer_timeout": 1}),
    );
    assert_initializer_timeout(&emu, &urn);
}

#[test]
fn max_instances_rejects_a_call_beyond_the_limit() {
    let emu = lang_emu(&or_skip!(Node));
    let urn = create(
        &emu,
        Node,
        "busy",
        &[("index.js", SPIN)],
        json!({"timeout": 900}),
    );
    assert_max_instances(&emu, &urn);
}
