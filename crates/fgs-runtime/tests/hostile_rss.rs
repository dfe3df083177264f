//! The hostile guests' process-level memory figure (issue 10, "Hostile guests"): the
//! resident set size after the hostile suite stays within 2x of what it is before.
//!
//! Its own test binary, so no other test shares the process (and its RSS). One emulator
//! runs every case of `tests/all/hostile/guests.rs` (the same fixtures) twice, deleting each
//! hostile function after its case as a user would, with an echo call after each; RSS
//! (`VmRSS` of `/proc/self/status`) is read after a warm-up (the emulator built, an echo
//! function created and invoked) and after each pass.
//!
//! FINDINGS (debug build, 2 shared cores; README "Durability and hostile input"):
//! - Now (6 runs): before 31-32 MiB, after each pass 54-57 MiB (1.75-1.84x), +0-1 MiB from
//!   the first pass to the third; after each 10,000-function module 98-104 MiB. Of the
//!   growth: ~16 MiB is the test thread's glibc arena (freed, kept: the 6 MiB results, the
//!   module past the function limit), ~3.5 MiB code pages of this binary touched for the
//!   first time, 2 MiB one pool slot.
//! - Was (before the two fixes below): after each pass 62, 67, 71 MiB (2.0-2.3x, up to
//!   2.5x on an earlier machine), +4-5 MiB per pass.
//! - Pool slots: wasmtime's `max_unused_warm_slots` defaults to 100, so a new module took a
//!   never-used slot rather than a free one affine to another module, and each slot ever
//!   used kept `keep_resident` (2 MiB) resident: +2 MiB per pass here (two slots after the
//!   first pass, six after the third), up to `pool_instances` slots (200 MiB with the default
//!   100). The executor sets it to 0 (`fgs-executor/src/engine.rs`): the slots used over the
//!   process's life are as many as the most instances alive at once.
//! - Inline code: `func_code.file` was copied char by char into a whitespace-free String
//!   (8 MiB of capacity for the 5.3 MB Base64 of the module past the limit), then decoded
//!   into a third buffer; it is now decoded in its own buffer (`decode_base64` in
//!   `fgs-runtime/src/functions.rs`): the first pass grows ~5 MiB less.
//! - Release build (`cargo test --release`, 5 runs): before 23 MiB, after each pass 45-47
//!   MiB, 1.96-2.01x: the 2x assertion held in 2 runs and missed by under 1% in 3. The heap
//!   grows as much as in debug, ~22 MiB, over a baseline 8 MiB smaller (the release binary's
//!   code). CI builds debug. Levers left: `keep_resident` 1 MiB instead of 2 saves ~1 MiB
//!   (measured: 45-46 MiB); the first call of `big` (its module compiled) leaves ~3 MiB in
//!   the glibc arenas of two threads other than the test's (likely wasmtime's parallel
//!   compilation), which `parallel_compilation(false)` might avoid at the cost of compile
//!   latency (not tried). Both are left as they are (DESIGN §7).
//! - glibc keeps freed heap: compiling the 10,000-function module peaks at ~85-110 MiB and
//!   that stays resident after its function is deleted, reused by the next compile (three
//!   such modules in a row: +0-1 MiB each). `malloc_trim` would give it back but needs
//!   `unsafe`, which the workspace forbids. mimalloc (`mimalloc` 0.1.52, v2 and v3) as the
//!   global allocator was measured and is worse here: before 272-293 MiB (it kept what the
//!   test freed after parsing its 1,000,001-function WAT), after each pass 86-120 MiB; glibc
//!   stays.
//! - The executor's module cache held every compiled module forever (+3.5 MiB per deleted
//!   10,000-function module); it holds them weakly (`fgs-executor/src/module.rs`). The memory
//!   bomb's 128 MiB is decommitted when it traps (only `keep_resident` stays).
//! - The module past the function limit is refused by `wasmparser` at its function section's
//!   count, before any per-function structure is built; its bytes (and WAT text) are built
//!   before the baseline: they are the test's, not the emulator's.

use std::sync::atomic::{AtomicBool, Ordering};

use base64::Engine as _;
use fgs_runtime::{Emulator, OutcomeKind};
use serde_json::{Value, json};

/// Resident set size of this process in KiB (`VmRSS`), 0 where `/proc` is missing.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The mappings of this process holding the most resident memory: (KiB, size KiB, name).
fn top_mappings(n: usize) -> Vec<(u64, u64, String)> {
    let Ok(smaps) = std::fs::read_to_string("/proc/self/smaps") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut current: Option<(u64, String)> = None;
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if first.contains('-') && !first.ends_with(':') {
            let mut parts = line.split_whitespace();
            let range = parts.next().unwrap_or("");
            let name = parts.nth(4).unwrap_or("[anon]").to_owned();
            let size = range
                .split_once('-')
                .and_then(|(a, b)| {
                    Some(
                        (u64::from_str_radix(b, 16).ok()? - u64::from_str_radix(a, 16).ok()?)
                            / 1024,
                    )
                })
                .unwrap_or(0);
            current = Some((size, name));
        } else if let Some(rss) = line.strip_prefix("Rss:") {
            let kib: u64 = rss
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .unwrap_or(0);
            if let Some((size, name)) = &current {
                out.push((kib, *size, name.clone()));
            }
        }
    }
    out.sort_by_key(|b| std::cmp::Reverse(b.0));
    out.truncate(n);
    out
}

fn wat(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../fixtures/wat/{name}.wat",
        env!("CARGO_MANIFEST_DIR")
    );
    wat::parse_file(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn wasm(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../fixtures/wasm/{name}.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Creates `name` running `code` (inline wasm), with `extra` fields; its URN.
fn create(emu: &Emulator, name: &str, code: &[u8], extra: Value) -> String {
    let mut body = json!({
        "func_name": name, "package": "default", "runtime": "Custom", "timeout": 3,
        "handler": "index.handler", "memory_size": 128, "code_type": "inline",
        "func_code": {"file": base64::engine::general_purpose::STANDARD.encode(code)}
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let config = emu
        .create_function(serde_json::from_value(body).unwrap())
        .unwrap();
    config
        .func_urn
        .strip_suffix(":latest")
        .unwrap_or(&config.func_urn)
        .to_owned()
}

/// Runs `f` while another thread advances the manual epoch (the infinite loop's timeout).
fn ticking<R>(emu: &Emulator, f: impl FnOnce() -> R) -> R {
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

fn echo(emu: &Emulator, urn: &str) {
    let inv = emu.invoke(urn, b"still alive").unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    assert_eq!(inv.result, b"still alive");
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

/// A hostile case: name, module, function settings, event, expected outcome.
type Case = (&'static str, Vec<u8>, Value, Vec<u8>, OutcomeKind);

/// One pass of the hostile cases; every hostile function is deleted after its case.
fn hostile_pass(emu: &Emulator, echo_urn: &str, pass: usize, past_limit: &[u8]) {
    let name = |n: &str| format!("{n}-{pass}");
    let outcome = |urn: &str, event: &[u8], want: OutcomeKind| {
        let inv = emu.invoke(urn, event).unwrap();
        assert_eq!(inv.outcome, want, "{urn}: {:?}", inv.error_message);
    };
    let cases: Vec<Case> = vec![
        (
            "grow",
            wat("grow"),
            json!({}),
            b"{}".to_vec(),
            OutcomeKind::OutOfMemory,
        ),
        (
            "huge-mem",
            wat("huge_memory"),
            json!({}),
            b"{}".to_vec(),
            OutcomeKind::OutOfMemory,
        ),
        (
            "recurse",
            wat("stack_overflow"),
            json!({}),
            b"{}".to_vec(),
            OutcomeKind::Trap,
        ),
        (
            "big",
            wasm("large_output"),
            json!({}),
            ((6u64 << 20) + 1).to_string().into_bytes(),
            OutcomeKind::ResultTooLarge,
        ),
        (
            "at-limit",
            wasm("large_output"),
            json!({}),
            (6u64 << 20).to_string().into_bytes(),
            OutcomeKind::Success,
        ),
        (
            "bounds",
            wat("output_bounds"),
            json!({}),
            b"{}".to_vec(),
            OutcomeKind::ResultTooLarge,
        ),
        (
            "flood",
            wat("log_flood"),
            json!({}),
            b"{}".to_vec(),
            OutcomeKind::Success,
        ),
        (
            "tables",
            wat("table_grow"),
            json!({}),
            b"{}".to_vec(),
            OutcomeKind::Trap,
        ),
        (
            "init-trap",
            wat("init_trap"),
            json!({"initializer_handler": "index.init", "initializer_timeout": 3}),
            b"{}".to_vec(),
            OutcomeKind::InitializerFailed,
        ),
        (
            "start-trap",
            wat("start_trap"),
            json!({}),
            b"{}".to_vec(),
            OutcomeKind::Trap,
        ),
    ];
    for (n, code, extra, event, want) in cases {
        let urn = create(emu, &name(n), &code, extra);
        outcome(&urn, &event, want);
        emu.delete_function(&urn).unwrap();
        echo(emu, echo_urn);
        println!("  after {n}: {} MiB", rss_kib() / 1024);
    }
    // The infinite loop, stopped by its timeout on the manual epoch.
    let urn = create(emu, &name("loop"), &wat("loop"), json!({}));
    let inv = ticking(emu, || emu.invoke(&urn, b"{}").unwrap());
    assert_eq!(inv.outcome, OutcomeKind::Timeout, "{inv:?}");
    emu.delete_function(&urn).unwrap();
    // A missing import is an error, not an outcome.
    let urn = create(emu, &name("missiles"), &wat("missing_import"), json!({}));
    assert!(emu.invoke(&urn, b"{}").is_err());
    emu.delete_function(&urn).unwrap();
    // Not wasm, and past the function limit: refused at create.
    for (i, code) in [
        b"\0asm\x01\0\0\0\xff\xff garbage".to_vec(),
        past_limit.to_vec(),
    ]
    .into_iter()
    .enumerate()
    {
        let body = json!({
            "func_name": name(&format!("junk{i}")), "package": "default", "runtime": "Custom",
            "timeout": 3, "handler": "index.handler", "memory_size": 128, "code_type": "inline",
            "func_code": {"file": base64::engine::general_purpose::STANDARD.encode(&code)}
        });
        let err = emu
            .create_function(serde_json::from_value(body).unwrap())
            .unwrap_err();
        assert_eq!(err.code(), "FSS.1011");
    }
    echo(emu, echo_urn);
}

/// Creates, invokes and deletes a valid module of `10_000 + i` functions (each a new digest).
fn huge_module_case(emu: &Emulator, echo_urn: &str, i: usize) {
    let urn = create(
        emu,
        &format!("many-funcs-{i}"),
        &wide_module(10_000 + i, 0),
        json!({}),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    emu.delete_function(&urn).unwrap();
    echo(emu, echo_urn);
}

#[test]
fn rss_after_the_hostile_suite_stays_within_2x_of_before() {
    let emu = Emulator::builder()
        .manual_epoch()
        .pool_instances(16)
        .seed(7)
        .build()
        .unwrap();
    let echo_urn = create(&emu, "echo", &wat("echo"), json!({}));
    echo(&emu, &echo_urn);
    // The test's own input, built before the baseline: a module past the function limit
    // (its WAT text alone is ~20 MB).
    let past_limit = wide_module(1_000_001, 0);
    let before = rss_kib();
    let mut after = Vec::new();
    for pass in 0..3 {
        hostile_pass(&emu, &echo_urn, pass, &past_limit);
        after.push(rss_kib());
    }
    // Then the huge valid module, three times with a new digest each time.
    let mut huge = Vec::new();
    for i in 0..3 {
        huge_module_case(&emu, &echo_urn, i);
        huge.push(rss_kib());
    }
    let mib = |v: &[u64]| v.iter().map(|a| a / 1024).collect::<Vec<_>>();
    println!(
        "hostile suite RSS: before {} MiB, after each pass {:?} MiB, after each 10,000-function module {:?} MiB",
        before / 1024,
        mib(&after),
        mib(&huge)
    );
    for (rss, size, name) in top_mappings(4) {
        println!(
            "  mapping {name}: {} MiB resident of {} MiB",
            rss / 1024,
            size / 1024
        );
    }
    if before == 0 {
        return; // no /proc
    }
    // Issue 10: within 2x of before (measured 1.8x, see FINDINGS), and nothing accumulates
    // from pass to pass (measured +0-1 MiB; +4-5 MiB a pass when the pool took new slots).
    for a in &after {
        assert!(
            *a <= 2 * before,
            "RSS grew from {before} KiB to {a} KiB (over 2x)"
        );
    }
    assert!(
        after[2] <= after[0] + 4 * 1024,
        "RSS grows from pass to pass: {after:?} KiB"
    );
    // A deleted huge module is not kept: the second and third reuse what the first freed.
    assert!(
        huge[2] <= huge[0] + 8 * 1024,
        "RSS grows with each huge module: {huge:?} KiB"
    );
}
