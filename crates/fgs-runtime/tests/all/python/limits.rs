//! The limits hold for Python handlers as for wasm handlers (issue 11): memory from
//! `memory_size`, `timeout` (the instance discarded), initializer timeout, max instances. The
//! checks are shared with Node.js (`crate::lang`); the CPU share is `tests/cpu_share.rs`.

use fgs_lang::Language::Python;
use serde_json::json;

use crate::lang::{
    assert_initializer_timeout, assert_max_instances, assert_out_of_memory_then_recovers,
    assert_timeout_then_recovers, create, lang_emu, or_skip,
};

const HUNGRY: &str = r#"
def handler(event, context):
    if event.get("hungry"):
        hoard = []
        while True:
            hoard.append(bytearray(1 << 20))
    return "fed"
"#;

const SPIN: &str = r#"
def handler(event, context):
    if event.get("spin"):
        while True:
            pass
    return "done"
"#;

#[test]
fn an_allocation_loop_ends_as_out_of_memory_and_the_next_call_works() {
    let emu = lang_emu(&or_skip!(Python));
    let urn = create(&emu, Python, "hungry", &[("index.py", HUNGRY)], json!({}));
    assert_out_of_memory_then_recovers(&emu, &urn);
}

#[test]
fn an_infinite_loop_times_out_and_the_next_call_works() {
    let emu = lang_emu(&or_skip!(Python));
    let urn = create(&emu, Python, "spin", &[("index.py", SPIN)], json!({}));
    assert_timeout_then_recovers(&emu, &urn);
}

#[test]
fn an_initializer_that_loops_ends_as_an_initializer_timeout() {
    let emu = lang_emu(&or_skip!(Python));
    let code =
        "def init(context):\n    while True:\n        pass\n\ndef handler(e, c):\n    return 1\n";
    let urn = create(
        &emu,
        Python,
        "slow-init",
        &[("index.py", code)],
        json!({"initializer_handler": "index.init", "initializer_timeout": 1}),
    );
    assert_initializer_timeout(&emu, &urn);
}

#[test]
fn max_instances_rejects_a_call_beyond_the_limit() {
    let emu = lang_emu(&or_skip!(Python));
    let urn = create(
        &emu,
        Python,
        "busy",
        &[("index.py", SPIN)],
        json!({"timeout": 900}),
    );
    assert_max_instances(&emu, &urn);
}
