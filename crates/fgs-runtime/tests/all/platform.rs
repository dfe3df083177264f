//! `Platform`: one emulator per project on one shared executor (DESIGN §6).

use fgs_runtime::{Emulator, OutcomeKind, Platform};
use serde_json::json;

use crate::invoke::create;

fn platform() -> Platform {
    Platform::new(
        Emulator::builder()
            .seed(5)
            .manual_epoch()
            .background_scheduler(false),
    )
    .unwrap()
}

#[test]
fn projects_are_isolated_and_each_runs_its_own_functions() {
    let p = platform();
    let a = p.project("aaaa").unwrap();
    let b = p.project("bbbb").unwrap();
    let in_a = create(&a, "same-name", "echo", json!({}));
    // Project B has no such function, and may create its own under the same name.
    assert_eq!(
        b.get_function_config("same-name").unwrap_err().code(),
        "FSS.1051"
    );
    assert_eq!(b.invoke("same-name", b"x").unwrap_err().code(), "FSS.1051");
    let in_b = create(&b, "same-name", "counter", json!({}));
    assert_ne!(in_a, in_b, "URNs carry the project");
    assert_eq!(a.invoke("same-name", b"from a").unwrap().result, b"from a");
    // The counter fixture counts calls per instance: it is B's own code that runs.
    let inv = b.invoke("same-name", b"").unwrap();
    assert!(inv.is_success(), "{inv:?}");
    assert_eq!(
        inv.result_text(),
        "1",
        "the counter fixture answers with its count"
    );
    // Deleting in A leaves B's function alone.
    a.delete_function("same-name").unwrap();
    assert!(b.get_function_config("same-name").is_ok());
    // The same handle comes back for a known project.
    assert_eq!(p.project("aaaa").unwrap().project_id(), "aaaa");
    assert_eq!(
        p.project_ids(),
        ["0123456789abcdef0123456789abcdef", "aaaa", "bbbb"]
    );
}

#[test]
fn a_sub_function_call_runs_in_the_callers_project() {
    let p = platform();
    let a = p.project("aaaa").unwrap();
    let b = p.project("bbbb").unwrap();
    let callee_a = create(&a, "callee", "echo", json!({}));
    let caller_a = create(&a, "caller", "sub_invoke", json!({}));
    let caller_b = create(&b, "caller", "sub_invoke", json!({}));
    let inv = a.invoke(&caller_a, callee_a.as_bytes()).unwrap();
    assert_eq!(inv.result_text(), "sub said: ping", "{inv:?}");
    // B's caller names the same short URN; B has no `callee`, so its call fails.
    let short = "default:callee";
    let inv = b.invoke(&caller_b, short.as_bytes()).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::FunctionError, "{inv:?}");
    assert!(inv.error_message.unwrap().contains("FSS.1051"));
}
