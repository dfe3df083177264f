//! WASI commands, captured logs, user_data environment, the dependency directory.

use fgs_executor::{Executor, Outcome, Request, VersionSpec};

use crate::common::*;

#[test]
fn a_wasi_command_echoes_stdin_on_a_new_instance_each_call() {
    let exec = executor();
    let v = deploy(
        &exec,
        &fixture("wasi_echo"),
        VersionSpec::new("cmd", "index.handler"),
    );
    assert_eq!(v.kind(), "command");
    let a = call(&v, b"first");
    let b = call(&v, b"second");
    assert_eq!((text(&a), text(&b)), ("first".into(), "second".into()));
    assert!(a.cold_start && b.cold_start);
    assert_ne!(a.instance_id, b.instance_id);
    assert_eq!(v.stats().cold_starts, 2);
}

#[test]
fn a_wasi_command_exit_code_is_a_function_error_with_stderr() {
    let exec = executor();
    let v = deploy(
        &exec,
        &fixture("wasi_echo"),
        VersionSpec::new("cmd", "index.handler"),
    );
    let inv = call(&v, b"fail");
    assert_eq!(
        inv.outcome,
        Outcome::FunctionError {
            message: "exit code 3: failing on purpose".into()
        }
    );
    assert!(inv.log.contains("failing on purpose"));
}

#[test]
fn a_wasi_command_reads_its_context_from_the_environment() {
    let exec = executor();
    let v = deploy(
        &exec,
        &fixture("wasi_echo"),
        VersionSpec::new("cmd-env", "index.handler"),
    );
    let inv = v.invoke(&Request::new("req-env-1", b"env")).unwrap();
    assert_eq!(text(&inv), "req-env-1 cmd-env");
}

#[test]
fn stdout_stderr_and_log_calls_are_captured_in_order() {
    let exec = executor();
    let v = deploy_fixture(&exec, "logs");
    let inv = call(&v, b"{}");
    assert_eq!(text(&inv), "logged");
    assert_eq!(inv.log, "stdout line\nstderr line\nlog call line\n");
    assert!(!inv.log_truncated);
    // Each invocation has its own log.
    assert_eq!(call(&v, b"{}").log, inv.log);
}

#[test]
fn the_log_is_bounded_and_the_tail_is_the_last_4_kb() {
    let exec = Executor::builder()
        .manual_epoch()
        .log_limit(16 * 1024)
        .build()
        .unwrap();
    let v = deploy_fixture(&exec, "logs");
    let inv = call(&v, br#"{"lines": 2000}"#);
    assert!(inv.log_truncated);
    assert!(inv.log.len() <= 16 * 1024);
    assert!(inv.log.ends_with(
        "extra line 001999 ..........................................................\n"
    ));
    assert!(inv.log_tail().len() <= 4096 && inv.log_tail().len() > 4000);
    assert!(inv.log.ends_with(inv.log_tail()));
}

#[test]
fn user_data_keys_are_environment_variables() {
    let exec = executor();
    let spec = VersionSpec::new("env", "index.handler")
        .with_user_data("GREETING", "hello")
        .with_user_data("DB_HOST", "localhost:5432");
    let v = deploy(&exec, &fixture("env"), spec);
    let env: serde_json::Value = serde_json::from_str(&text(&call(&v, b""))).unwrap();
    assert_eq!(env["GREETING"], "hello");
    assert_eq!(env["DB_HOST"], "localhost:5432");
    assert_eq!(env["RUNTIME_FUNC_NAME"], "env");
    assert_eq!(env["RUNTIME_MEMORY"], "128");
    assert_eq!(env["RUNTIME_CPU"], "300");
}

fn deps_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("fgs-exec-deps-{}-{name}", std::process::id()));
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::write(dir.join("lib/data.txt"), b"dependency content").unwrap();
    dir
}

#[test]
fn dependency_files_are_readable_under_the_documented_directory() {
    assert_eq!(fgs_executor::fgs_abi::DEPS_DIR, "/opt/function/deps");
    let exec = executor();
    let dir = deps_dir("read");
    let v = deploy(
        &exec,
        &fixture("dep_files"),
        VersionSpec::new("deps", "index.handler").with_deps_dir(&dir),
    );
    assert_eq!(text(&call(&v, b"lib/data.txt")), "dependency content");
    let missing = call(&v, b"lib/none.txt");
    assert_eq!(missing.outcome.kind(), "function_error");
    assert!(
        missing
            .outcome
            .to_string()
            .contains("/opt/function/deps/lib/none.txt")
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_dependency_directory_is_read_only() {
    let exec = executor();
    let dir = deps_dir("ro");
    let v = deploy(
        &exec,
        &fixture("dep_files"),
        VersionSpec::new("deps", "index.handler").with_deps_dir(&dir),
    );
    let inv = call(&v, b"write:new.txt");
    assert_eq!(inv.outcome.kind(), "function_error", "{}", inv.outcome);
    assert!(
        inv.outcome
            .to_string()
            .contains("cannot write /opt/function/deps/new.txt")
    );
    assert!(!dir.join("new.txt").exists());
    std::fs::remove_dir_all(dir).unwrap();
}
