//! Hostile guests (issue 10): each malicious module gets its asserted outcome, and after it
//! an echo function on the same emulator still answers. Time-dependent cases run under the
//! manual epoch (`advance_epoch` from [`ticking`]), never sleeping.
//!
//! Which refusals happen at create and which at run, and why:
//! - bytes that are not wasm (`\0asm` then garbage) and a module past wasmparser's
//!   implementation limits (more than 1,000,000 functions or imports, the limits wasmtime
//!   also applies) are refused at **create** with FSS.1011: `func_code` is validated when it
//!   is uploaded (`fgs_core::code`), so they never reach the executor;
//! - everything that is valid wasm is accepted at create and fails at **run** with an
//!   outcome: a huge but valid module (10,000 functions, 10,000 imports the host lacks) is
//!   compiled when first invoked.

use std::time::Duration;

use fgs_runtime::OutcomeKind;
use serde_json::json;

use super::*;
use crate::common::{assert_code, emulator_with};
use crate::invoke::{fixture, ticking, warm};

/// An emulator whose epoch moves only with `advance_epoch`, with a small instance pool.
fn emu() -> Emulator {
    emulator_with(Emulator::builder().manual_epoch().pool_instances(16)).0
}

#[track_caller]
fn assert_failed(inv: &fgs_runtime::InvocationResult, kind: OutcomeKind, message_part: &str) {
    assert_eq!(inv.outcome, kind, "{inv:?}");
    let message = inv.error_message.as_deref().unwrap_or_default();
    assert!(message.contains(message_part), "{message}");
    assert!(inv.result.is_empty());
}

#[test]
fn an_infinite_loop_times_out_and_the_emulator_still_serves() {
    let emu = emu();
    let urn = create_code(&emu, "loop", &wat_fixture("loop"), json!({"timeout": 3}));
    warm(&emu, &urn);
    let inv = ticking(&emu, || emu.invoke(&urn, b"{}").unwrap());
    assert_failed(&inv, OutcomeKind::Timeout, "timed out after 3000 ms");
    assert_echo_still_works(&emu, "after-loop");
}

#[test]
fn a_memory_bomb_is_out_of_memory() {
    let emu = emu();
    let urn = create_code(&emu, "grow", &wat_fixture("grow"), json!({}));
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_failed(&inv, OutcomeKind::OutOfMemory, "memory_size of 128 MB");
    assert!(inv.memory_used_bytes <= 128 << 20);
    assert_echo_still_works(&emu, "after-grow");
}

#[test]
fn a_module_declaring_more_memory_than_memory_size_is_out_of_memory() {
    let emu = emu();
    let urn = create_code(&emu, "huge-mem", &wat_fixture("huge_memory"), json!({}));
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_failed(&inv, OutcomeKind::OutOfMemory, "memory_size of 128 MB");
    assert_echo_still_works(&emu, "after-huge-mem");
}

#[test]
fn deep_recursion_is_a_trap_not_a_host_stack_overflow() {
    let emu = emu();
    let urn = create_code(&emu, "recurse", &wat_fixture("stack_overflow"), json!({}));
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_failed(&inv, OutcomeKind::Trap, "function trapped");
    assert_echo_still_works(&emu, "after-recurse");
}

#[test]
fn a_result_over_6_mib_is_result_too_large() {
    let emu = emu();
    let urn = create_code(&emu, "big", &fixture("large_output"), json!({}));
    let over = (6 << 20) + 1;
    let inv = emu.invoke(&urn, over.to_string().as_bytes()).unwrap();
    assert_failed(&inv, OutcomeKind::ResultTooLarge, "");
    // Exactly at the limit passes.
    let at = emu
        .invoke(&urn, (6u64 << 20).to_string().as_bytes())
        .unwrap();
    assert_eq!(at.outcome, OutcomeKind::Success, "{at:?}");
    assert_eq!(at.result.len(), 6 << 20);
    assert_echo_still_works(&emu, "after-big");
}

#[test]
fn an_output_length_far_past_memory_is_result_too_large() {
    let emu = emu();
    let urn = create_code(&emu, "bounds", &wat_fixture("output_bounds"), json!({}));
    // The host refuses the claimed 2 GiB before reading guest memory for it.
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_failed(&inv, OutcomeKind::ResultTooLarge, "2147483647 bytes");
    assert_echo_still_works(&emu, "after-bounds");
}

#[test]
fn a_log_flood_keeps_only_the_4_kb_tail() {
    let emu = emu();
    let urn = create_code(&emu, "flood", &wat_fixture("log_flood"), json!({}));
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    assert_eq!(inv.result, b"flooded");
    let log = inv.log.unwrap();
    assert!(log.len() <= 4096, "{}", log.len());
    assert!(log.contains("AAAA"), "{log}");
    assert_echo_still_works(&emu, "after-flood");
}

#[test]
fn table_growth_past_the_limit_is_refused_and_the_guest_traps() {
    // wasmtime's own table limit refuses the growth before the memory_size cap does (the
    // first 1M elements, 8 MB, are granted): `table.grow` answers -1 and the guest traps.
    let emu = emu();
    let urn = create_code(&emu, "tables", &wat_fixture("table_grow"), json!({}));
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_failed(&inv, OutcomeKind::Trap, "unreachable");
    assert!(inv.memory_used_bytes <= 128 << 20, "{inv:?}");
    assert_echo_still_works(&emu, "after-tables");
}

/// A module with `functions` empty functions and `imports` imports of `env.f<i>`.
fn wide_module(functions: usize, imports: usize) -> Vec<u8> {
    let mut wat = String::from("(module\n");
    for i in 0..imports {
        wat.push_str(&format!("(import \"env\" \"f{i}\" (func))\n"));
    }
    wat.push_str("(memory (export \"memory\") 1)\n");
    wat.push_str("(func (export \"fgs_alloc\") (param i32) (result i32) i32.const 1024)\n");
    wat.push_str("(func (export \"handler\") (param i32 i32) (result i32) i32.const 0)\n");
    for _ in 0..functions {
        wat.push_str("(func)\n");
    }
    wat.push(')');
    wat::parse_str(&wat).unwrap()
}

#[test]
fn a_module_past_the_function_limit_is_refused_at_create() {
    let emu = emu();
    let code = wide_module(1_000_001, 0);
    assert!(code.len() < 50 << 20);
    let result =
        emu.create_function(serde_json::from_value(create_body("wide", &code, json!({}))).unwrap());
    assert_code(result, "FSS.1011", 400);
    assert_echo_still_works(&emu, "after-wide");
}

#[test]
fn a_huge_valid_module_is_accepted_and_runs() {
    let emu = emu();
    let urn = create_code(&emu, "many-funcs", &wide_module(10_000, 0), json!({}));
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    assert_echo_still_works(&emu, "after-many-funcs");
}

#[test]
fn a_huge_number_of_missing_imports_is_a_clear_outcome() {
    let emu = emu();
    let urn = create_code(&emu, "many-imports", &wide_module(0, 10_000), json!({}));
    assert_missing_import(&emu, &urn, "env::f0");
    assert_echo_still_works(&emu, "after-many-imports");
}

#[test]
fn bytes_that_are_not_wasm_are_refused_at_create() {
    let emu = emu();
    for (i, code) in [
        b"\0asm\x01\0\0\0\xff\xff\xff\xff garbage".to_vec(),
        b"\0asm\x02\0\0\0".to_vec(),
        b"\0asm".to_vec(),
    ]
    .iter()
    .enumerate()
    {
        let result = emu.create_function(
            serde_json::from_value(create_body(&format!("junk{i}"), code, json!({}))).unwrap(),
        );
        assert_code(result, "FSS.1011", 400);
    }
    // As a package (code_type zip), bytes that are neither ZIP nor wasm are refused too.
    let result = emu.create_function(
        serde_json::from_value(create_body(
            "junk-zip",
            b"MZ\x90\0 a PE file",
            json!({"code_type": "zip", "code_filename": "index.zip"}),
        ))
        .unwrap(),
    );
    assert_code(result, "FSS.1011", 400);
    assert_echo_still_works(&emu, "after-junk");
}

/// A module importing what the host lacks cannot be linked: the call is an FSS.0500 error
/// (not an outcome: no instance exists to run) that names the import.
#[track_caller]
fn assert_missing_import(emu: &Emulator, urn: &str, import: &str) {
    let err = emu.invoke(urn, b"{}").unwrap_err();
    assert_eq!((err.code(), err.status()), ("FSS.0500", 500), "{err:?}");
    assert!(
        err.message()
            .contains(&format!("unknown import: `{import}`")),
        "{}",
        err.message()
    );
}

#[test]
fn a_missing_import_is_a_clear_outcome() {
    let emu = emu();
    let urn = create_code(&emu, "missiles", &wat_fixture("missing_import"), json!({}));
    assert_missing_import(&emu, &urn, "env::launch_missiles");
    assert_echo_still_works(&emu, "after-missiles");
}

#[test]
fn a_trap_in_the_initializer_is_an_initializer_failure() {
    let emu = emu();
    let urn = create_code(
        &emu,
        "init-trap",
        &wat_fixture("init_trap"),
        json!({"initializer_handler": "index.init", "initializer_timeout": 3}),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_failed(&inv, OutcomeKind::InitializerFailed, "initializer");
    // Not kept: the next call initializes again, and fails again.
    let again = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(again.outcome, OutcomeKind::InitializerFailed);
    assert_echo_still_works(&emu, "after-init-trap");
}

#[test]
fn a_trap_in_the_start_function_is_a_clear_outcome() {
    let emu = emu();
    let urn = create_code(&emu, "start-trap", &wat_fixture("start_trap"), json!({}));
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_failed(&inv, OutcomeKind::Trap, "");
    assert_echo_still_works(&emu, "after-start-trap");
}

#[test]
fn a_guest_invoking_itself_recursively_is_bounded() {
    let emu = emu();
    // Bounded by the function's max instances: each level holds one instance while its
    // nested call runs, so level 5 is refused (FSS.0429) and every level unwinds with a
    // handled error; no deadlock, no host stack overflow. (Without a max, the pool's
    // instance limit is the bound: see the report of issue 10.)
    let urn = create_code(&emu, "ouroboros", &wat_fixture("self_invoke"), json!({}));
    crate::invoke::set_max_instances(&emu, &urn, 4);
    let started = std::time::Instant::now();
    let inv = emu.invoke(&urn, urn.as_bytes()).unwrap();
    let elapsed = started.elapsed();
    assert_eq!(inv.outcome, OutcomeKind::FunctionError, "{inv:?}");
    let message = inv.error_message.as_deref().unwrap();
    assert_eq!(message.matches("function error: ").count(), 4, "{message}");
    assert!(message.contains("FSS.0429"), "{message}");
    assert!(elapsed < Duration::from_secs(60));
    assert_eq!(emu.running_invocations(&urn).unwrap(), 0);
    assert_echo_still_works(&emu, "after-ouroboros");
}
