//! Unknown format versions and damaged store files are clear errors naming the file.

use std::fs;

use fgs_runtime::Emulator;

use super::{clock, durable};
use crate::common::create_function;

fn open_err(dir: &std::path::Path) -> fgs_core::Error {
    Emulator::builder()
        .clock(clock())
        .state_dir(dir)
        .build()
        .unwrap_err()
}

#[test]
fn an_unknown_format_version_is_refused_and_nothing_is_reset() {
    let dir = tempfile::tempdir().unwrap();
    create_function(&durable(dir.path(), &clock()), "f");
    let format = dir.path().join("FORMAT");
    let original = fs::read_to_string(&format).unwrap();
    assert!(
        original.starts_with("fgs-local state format 1"),
        "{original}"
    );
    fs::write(&format, "fgs-local state format 99\n").unwrap();
    let e = open_err(dir.path());
    assert_eq!(e.code(), "FSS.0500");
    assert!(
        e.message().contains("FORMAT") && e.message().contains("99"),
        "{}",
        e.message()
    );
    // Nothing was reset: with the right version the state is there.
    fs::write(&format, original).unwrap();
    assert!(
        durable(dir.path(), &clock())
            .get_function_config("f")
            .is_ok()
    );
}

#[test]
fn a_store_without_its_format_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    create_function(&durable(dir.path(), &clock()), "f");
    fs::remove_file(dir.path().join("FORMAT")).unwrap();
    let e = open_err(dir.path());
    assert!(e.message().contains("FORMAT"), "{}", e.message());
}

#[test]
fn a_garbage_store_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    create_function(&durable(dir.path(), &clock()), "f");
    let file = dir.path().join("state.redb");
    fs::write(
        &file,
        b"this is not a database, just garbage bytes".repeat(100),
    )
    .unwrap();
    let e = open_err(dir.path());
    assert_eq!(e.code(), "FSS.0500");
    assert!(e.message().contains("state.redb"), "{}", e.message());
}

#[test]
fn a_truncated_store_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let emu = durable(dir.path(), &clock());
    for i in 0..20 {
        create_function(&emu, &format!("f{i}"));
    }
    drop(emu);
    let file = dir.path().join("state.redb");
    let len = fs::metadata(&file).unwrap().len();
    for keep in [len / 2, 100, 0] {
        let f = fs::OpenOptions::new().write(true).open(&file).unwrap();
        f.set_len(keep).unwrap();
        drop(f);
        match Emulator::builder()
            .clock(clock())
            .state_dir(dir.path())
            .build()
        {
            Err(e) => {
                assert_eq!(e.code(), "FSS.0500");
                assert!(e.message().contains("state.redb"), "{}", e.message());
            }
            // redb may recover an empty file as a new database; it must not invent state.
            Ok(emu) => panic!(
                "a store truncated to {keep} bytes opened with {} functions",
                emu.list_functions(&crate::common::body(serde_json::json!({})))
                    .unwrap()
                    .functions
                    .len()
            ),
        }
    }
}
