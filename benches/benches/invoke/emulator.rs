//! The `*-emu` lines: the whole `Emulator::invoke` (URN, routing, request id, metrics, the
//! result) on emulators whose executors have the bench executor's engine settings (pooling
//! allocator, epoch ticker, CPU share off), each beside the same raw sequence on the same
//! module, measured in the same run.

use std::hint::black_box;
use std::time::Duration;

use fgs_benches::{
    EVENT, Raw, fixture_function, median, raw_call, raw_command, raw_instance, report_as,
    throughput,
};
use fgs_runtime::{Emulator, EmulatorBuilder, OutcomeKind};
use wasmtime::InstancePre;

/// The raw side's modules.
pub struct RawPres {
    pub echo: InstancePre<Raw>,
    pub json: InstancePre<Raw>,
    pub init: InstancePre<Raw>,
    pub command: InstancePre<Raw>,
}

/// An emulator from `builder` (CPU share off, seeded) with one function per
/// `(name, fixture, initializer)`, each warmed by one call.
fn emulator(builder: EmulatorBuilder, functions: &[(&str, &str, Option<&str>)]) -> Emulator {
    let emu = builder.cpu_share(false).seed(1).build().unwrap();
    for (name, fixture_name, init) in functions {
        let mut body = fixture_function(name, fixture_name);
        if let Some(init) = init {
            body["initializer_handler"] = (*init).into();
            body["initializer_timeout"] = 3.into();
        }
        emu.create_function(serde_json::from_value(body).unwrap())
            .unwrap();
        let inv = emu.invoke(name, EVENT).unwrap();
        assert_eq!(inv.outcome, OutcomeKind::Success, "{name}");
    }
    emu
}

/// Prints the lines `want` selects among `warm-emu`, `warm-json-emu`, `cold-emu`,
/// `command-emu` and `threads-emu` (all of them when `emulator` is wanted).
pub fn lines(raw: &RawPres, want: &dyn Fn(&str) -> bool) {
    let all = want("emulator");
    let paths = [
        "warm-emu",
        "warm-json-emu",
        "cold-emu",
        "command-emu",
        "threads-emu",
    ];
    if !all && !paths.into_iter().any(want) {
        return;
    }
    let emu = emulator(
        Emulator::builder(),
        &[
            ("echo", "echo", None),
            ("json", "json_transform", None),
            ("command", "wasi_echo", None),
        ],
    );
    let mut raw_echo = raw_instance(&raw.echo, false);
    let mut raw_json = raw_instance(&raw.json, false);
    if all || want("warm-emu") {
        let ours = median(
            || drop(black_box(emu.invoke("echo", EVENT).unwrap())),
            2000,
            31,
        );
        let base = median(|| drop(black_box(raw_call(&mut raw_echo, EVENT))), 2000, 31);
        report_as("emulator", "warm-emu", base, ours);
    }
    if all || want("warm-json-emu") {
        let ours = median(
            || drop(black_box(emu.invoke("json", EVENT).unwrap())),
            500,
            31,
        );
        let base = median(|| drop(black_box(raw_call(&mut raw_json, EVENT))), 500, 31);
        report_as("emulator", "warm-json-emu", base, ours);
    }
    if all || want("cold-emu") {
        // Idle instances are dropped at once by `reclaim_idle`, so each call is a cold start
        // (new instance from the pool, initializer, then the call).
        let cold = emulator(
            Emulator::builder().idle_timeout(Duration::ZERO),
            &[("init", "initializer", Some("index.init"))],
        );
        let ours = median(
            || {
                cold.reclaim_idle();
                let inv = cold.invoke("init", EVENT).unwrap();
                assert!(inv.cold_start);
                drop(black_box(inv));
            },
            200,
            21,
        );
        let base = median(
            || {
                let mut r = raw_instance(&raw.init, true);
                drop(black_box(raw_call(&mut r, EVENT)));
            },
            200,
            21,
        );
        report_as("emulator", "cold-emu", base, ours);
    }
    if all || want("command-emu") {
        let ours = median(
            || drop(black_box(emu.invoke("command", EVENT).unwrap())),
            100,
            21,
        );
        let base = median(
            || drop(black_box(raw_command(&raw.command, EVENT))),
            100,
            21,
        );
        report_as("emulator", "command-emu", base, ours);
    }
    if all || want("threads-emu") {
        for (name, n) in [("echo", 40_000), ("json", 10_000)] {
            let (one, two) = throughput(n, || {
                let emu = &emu;
                move || drop(black_box(emu.invoke(name, EVENT).unwrap()))
            });
            println!(
                "fgs-bench threads  {name:<4} emulator 1 thread {one:>9.0} calls/s  2 threads {two:>9.0} calls/s  ratio {:.2}x",
                two / one
            );
        }
    }
}
