//! Shared helpers for the integration tests: an emulator on a manual clock, code packages.
#![allow(dead_code)]

use std::io::Write;
use std::sync::Arc;

use base64::Engine as _;
use fgs_core::clock::ManualClock;
use fgs_runtime::Emulator;

/// A request type from the seed-shaped JSON the REST layer would pass through.
pub fn body<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("the request deserializes")
}

/// The time every test starts at: 2024-05-01T12:00:00Z.
pub const START: &str = "2024-05-01T12:00:00Z";

/// An emulator on a manual clock at [`START`], seeded with 42, and its clock.
pub fn emulator() -> (Emulator, Arc<ManualClock>) {
    emulator_with(Emulator::builder())
}

/// Like [`emulator`], from a builder the test configured (limits, offset, ...).
pub fn emulator_with(builder: fgs_runtime::EmulatorBuilder) -> (Emulator, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::at_rfc3339(START).unwrap());
    let emu = builder.clock(clock.clone()).seed(42).build().unwrap();
    (emu, clock)
}

/// The smallest valid wasm module (magic and version only).
pub const EMPTY_WASM: &[u8] = b"\0asm\x01\0\0\0";

/// A ZIP archive holding `files` (name, content), deflated.
pub fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in files {
            w.start_file(*name, opts).unwrap();
            w.write_all(content).unwrap();
        }
        w.finish().unwrap();
    }
    out.into_inner()
}

/// Standard Base64 of `bytes`.
pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Asserts that `result` failed with `code` (and the status the table gives it).
#[track_caller]
pub fn assert_code<T: std::fmt::Debug>(result: fgs_core::Result<T>, code: &str, status: u16) {
    match result {
        Ok(v) => panic!("expected {code}, got Ok({v:?})"),
        Err(e) => {
            assert_eq!(e.code(), code, "wrong code, message: {}", e.message());
            assert_eq!(e.status(), status, "wrong status for {code}");
        }
    }
}

/// Creates function `name` in package `default` and returns its unqualified URN.
pub fn create_function(emu: &fgs_runtime::Emulator, name: &str) -> String {
    let req = serde_json::from_value(serde_json::json!({
        "func_name": name,
        "package": "default",
        "runtime": "Python3.9",
        "timeout": 30,
        "handler": "index.handler",
        "memory_size": 128,
        "code_type": "zip",
        "code_filename": "index.zip",
        "func_code": {"file": b64(&zip_of(&[("index.py", b"def handler(e, c):\n    return e\n")]))}
    }))
    .unwrap();
    let config = emu.create_function(req).unwrap();
    config
        .func_urn
        .strip_suffix(":latest")
        .unwrap_or(&config.func_urn)
        .to_owned()
}

/// Publishes `latest` of `urn` as `version` and points a new alias `alias` at it.
pub fn publish_with_alias(emu: &fgs_runtime::Emulator, urn: &str, version: &str, alias: &str) {
    emu.publish_version(
        urn,
        fgs_core::version::PublishVersionRequest {
            version: Some(version.into()),
            ..Default::default()
        },
    )
    .unwrap();
    emu.create_alias(
        urn,
        fgs_core::alias::CreateAliasRequest {
            name: alias.into(),
            version: version.into(),
            ..Default::default()
        },
    )
    .unwrap();
}

/// The runtimes dir (`$FGS_RUNTIMES_DIR`, else `~/.cache/fgs-local/runtimes`) if it holds
/// `lang`'s component; else `None` after printing why the test is skipped, or a panic when
/// `FGS_REQUIRE_RUNTIMES=1` (CI) (issue 11: the language tests need the runtimes built by
/// `bash crates/fgs-lang/install-runtimes.sh`).
pub fn runtimes(lang: fgs_lang::Language) -> Option<std::path::PathBuf> {
    let dir = fgs_lang::default_runtimes_dir(|k| std::env::var_os(k));
    if dir.installed(lang).is_some() {
        return Some(dir.path().to_path_buf());
    }
    let message = format!(
        "{}.wasm is not installed in {} (run `bash crates/fgs-lang/install-runtimes.sh`)",
        lang.name(),
        dir.path().display()
    );
    if std::env::var_os("FGS_REQUIRE_RUNTIMES").is_some_and(|v| v == "1") {
        panic!("FGS_REQUIRE_RUNTIMES=1: {message}");
    }
    eprintln!("skipped: {message}");
    None
}
