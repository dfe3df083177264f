//! A restart on the same state dir restores the exact state; snapshots; platforms.

use fgs_core::async_record::AsyncStatus;
use fgs_runtime::{Emulator, Platform};
use serde_json::json;

use super::{clock, durable, echo_function, rich_state, view};
use crate::common::{body, create_function};

#[test]
fn a_restart_restores_every_list_and_get_response() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let before = {
        let emu = durable(dir.path(), &clock);
        let urn = rich_state(&emu);
        // Async records in each status: SUCCESS (echo), FAIL (python code cannot run and
        // retries run out), DISCARD (canceled), WAIT (not run yet).
        let echo = echo_function(&emu, "echo");
        let ok = emu.invoke_async(&echo, json!({"n": 1})).unwrap().request_id;
        let fail = emu
            .invoke_async(&format!("{urn}:v1"), json!({}))
            .unwrap()
            .request_id;
        emu.run_due();
        let canceled = emu.invoke_async(&echo, json!({"n": 2})).unwrap().request_id;
        emu.cancel_async_invocation(&echo, &body(json!({"request_id": canceled})))
            .unwrap();
        let waiting = emu.invoke_async(&echo, json!({"n": 3})).unwrap().request_id;
        let status = |id: &str| emu.get_async_invocation(id).unwrap().status;
        assert_eq!(status(&ok), AsyncStatus::Success);
        assert_eq!(status(&fail), AsyncStatus::Fail);
        assert_eq!(status(&canceled), AsyncStatus::Discard);
        assert_eq!(status(&waiting), AsyncStatus::Wait);
        view(&emu)
        // Dropped here without any shutdown step.
    };
    let emu = durable(dir.path(), &clock);
    let after = view(&emu);
    assert_eq!(
        serde_json::to_string_pretty(&before).unwrap(),
        serde_json::to_string_pretty(&after).unwrap()
    );
    assert_eq!(before["per_function"].as_array().unwrap().len(), 2);
    // The restored emulator keeps working: the waiting request runs now.
    emu.run_due();
    assert_eq!(emu.pending_async_invocations(), 0);
}

#[test]
fn deletes_are_durable_too() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    {
        let emu = durable(dir.path(), &clock);
        let a = create_function(&emu, "a");
        create_function(&emu, "b");
        emu.create_alias(&a, body(json!({"name": "x", "version": "latest"})))
            .unwrap();
        emu.delete_alias(&a, "x").unwrap();
        emu.delete_function("b").unwrap();
    }
    let emu = durable(dir.path(), &clock);
    let names: Vec<String> = emu
        .list_functions(&body(json!({})))
        .unwrap()
        .functions
        .into_iter()
        .map(|f| f.func_name)
        .collect();
    assert_eq!(names, ["a"]);
    assert!(emu.list_aliases("a").unwrap().is_empty());
    // Sequence numbers carry over: a new function lists after the old one.
    create_function(&emu, "c");
    let names: Vec<String> = emu
        .list_functions(&body(json!({})))
        .unwrap()
        .functions
        .into_iter()
        .map(|f| f.func_name)
        .collect();
    assert_eq!(names, ["a", "c"]);
}

#[test]
fn a_snapshot_starts_emulators_with_the_same_state() {
    let clock = clock();
    let (source, _) = crate::common::emulator_with(Emulator::builder());
    rich_state(&source);
    let snap = tempfile::tempdir().unwrap();
    let snap_dir = snap.path().join("snap");
    source.snapshot(&snap_dir).unwrap();
    let expected = view(&source);
    // In memory, twice (the snapshot is not changed by the first).
    for _ in 0..2 {
        let emu = Emulator::builder()
            .clock(clock.clone())
            .seed(1)
            .from_snapshot(&snap_dir)
            .build()
            .unwrap();
        assert_eq!(view(&emu), expected);
        emu.delete_function("rich").unwrap();
    }
    // Into a state dir, which then keeps it.
    let dir = tempfile::tempdir().unwrap();
    let emu = Emulator::builder()
        .clock(clock.clone())
        .from_snapshot(&snap_dir)
        .state_dir(dir.path())
        .build()
        .unwrap();
    assert_eq!(view(&emu), expected);
    drop(emu);
    assert_eq!(view(&durable(dir.path(), &clock)), expected);
    // A second snapshot into the same directory is refused.
    crate::common::assert_code(source.snapshot(&snap_dir), "FSS.0400", 400);
}

#[test]
fn a_platform_restores_every_project() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let template = || {
        Emulator::builder()
            .clock(clock.clone())
            .seed(3)
            .state_dir(dir.path())
    };
    {
        let platform = Platform::new(template()).unwrap();
        let a = platform.project("aaaa").unwrap();
        create_function(&a, "in-a");
        let b = platform.project("bbbb").unwrap();
        create_function(&b, "in-b");
    }
    let platform = Platform::new(template()).unwrap();
    let mut ids = platform.project_ids();
    ids.sort();
    assert!(ids.contains(&"aaaa".to_owned()) && ids.contains(&"bbbb".to_owned()));
    let a = platform.existing("aaaa").unwrap();
    assert!(a.get_function_config("in-a").is_ok());
    assert_eq!(
        a.get_function_config("in-b").unwrap_err().code(),
        "FSS.1051"
    );
    let b = platform.existing("bbbb").unwrap();
    assert!(b.get_function_config("in-b").is_ok());
}
