//! A failed commit leaves the state unchanged and fails the call; a request that was RUNNING
//! when the process died is retried after the restart.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use fgs_core::async_record::AsyncStatus;
use fgs_core::clock::ManualClock;
use serde_json::{Value, json};

use super::{Store, Table, Write};
use crate::Emulator;

/// A durable-looking store whose commits fail while `fail` is set; it keeps nothing.
#[derive(Debug, Default)]
struct FlakyStore {
    fail: AtomicBool,
}

impl Store for FlakyStore {
    fn durable(&self) -> bool {
        true
    }
    fn commit(&self, _writes: Vec<Write>) -> fgs_core::Result<()> {
        if self.fail.load(Ordering::SeqCst) {
            Err(fgs_core::ErrorKind::Internal.with("disk full (test)"))
        } else {
            Ok(())
        }
    }
    fn load(&self, _table: Table) -> fgs_core::Result<Vec<(String, Vec<u8>)>> {
        Ok(Vec::new())
    }
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::at_rfc3339("2024-05-01T12:00:00Z").unwrap())
}

fn create(emu: &Emulator, name: &str) -> fgs_core::Result<fgs_core::function::FunctionConfig> {
    emu.create_function(
        serde_json::from_value(json!({
            "func_name": name, "package": "default", "runtime": "Custom", "timeout": 3,
            "handler": "index.handler", "memory_size": 128, "code_type": "inline"
        }))
        .unwrap(),
    )
}

fn names(emu: &Emulator) -> Vec<String> {
    let q = serde_json::from_value(json!({})).unwrap();
    let list = emu.list_functions(&q).unwrap();
    list.functions.into_iter().map(|f| f.func_name).collect()
}

#[test]
fn a_failed_commit_fails_the_call_and_changes_nothing() {
    let store = Arc::new(FlakyStore::default());
    let mut builder = Emulator::builder().clock(clock()).seed(1);
    builder.test_store = Some(store.clone());
    let emu = builder.build().unwrap();
    create(&emu, "kept").unwrap();
    let before: Value = serde_json::to_value(emu.get_function_config("kept").unwrap()).unwrap();
    store.fail.store(true, Ordering::SeqCst);

    let e = create(&emu, "lost").unwrap_err();
    assert_eq!(e.code(), "FSS.0500");
    assert_eq!(names(&emu), ["kept"]);
    let update = serde_json::from_value(json!({
        "func_name": "kept", "runtime": "Custom", "timeout": 9,
        "handler": "index.handler", "memory_size": 256
    }))
    .unwrap();
    assert_eq!(
        emu.update_function_config("kept", update)
            .unwrap_err()
            .code(),
        "FSS.0500"
    );
    let alias = serde_json::from_value(json!({"name": "a", "version": "latest"})).unwrap();
    assert!(emu.create_alias("kept", alias).is_err());
    assert!(emu.delete_function("kept").is_err());
    let accepted = emu.invoke_async("kept", json!({}));
    assert_eq!(accepted.unwrap_err().code(), "FSS.0500");
    assert_eq!(emu.pending_async_invocations(), 0);

    let after: Value = serde_json::to_value(emu.get_function_config("kept").unwrap()).unwrap();
    assert_eq!(before, after);
    assert!(emu.list_aliases("kept").unwrap().is_empty());
    // Once the store works again, so do the calls; the next sequence number was not used up.
    store.fail.store(false, Ordering::SeqCst);
    create(&emu, "second").unwrap();
    assert_eq!(names(&emu), ["kept", "second"]);
}

#[test]
fn a_request_running_at_the_crash_is_retried_with_its_attempt_count() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let open = || {
        Emulator::builder()
            .clock(clock.clone())
            .seed(1)
            .state_dir(dir.path())
            .build()
            .unwrap()
    };
    let id = {
        let emu = open();
        create(&emu, "echo").unwrap();
        let id = emu.invoke_async("echo", json!({})).unwrap().request_id;
        // The process dies during the attempt: the store holds the RUNNING record.
        let mut book = emu.inner.async_queue.book.lock();
        let r = book.get_mut(&id).unwrap();
        r.status = AsyncStatus::Running;
        r.attempts = 1;
        r.started = Some(emu.now());
        book.persist(&*emu.inner.store, std::slice::from_ref(&id))
            .unwrap();
        id
    };
    let emu = open();
    assert_eq!(
        emu.get_async_invocation(&id).unwrap().status,
        AsyncStatus::Wait
    );
    assert_eq!(emu.pending_async_invocations(), 1);
    emu.run_due();
    assert_eq!(
        emu.get_async_invocation(&id).unwrap().status,
        AsyncStatus::Success
    );
    let book = emu.inner.async_queue.book.lock();
    assert_eq!(
        book.get(&id).unwrap().attempts,
        2,
        "the interrupted attempt counts"
    );
}
