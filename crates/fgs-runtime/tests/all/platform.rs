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

#[test]
fn requests_make_at_most_max_projects_and_the_made_ones_stay_usable() {
    let p = platform();
    p.set_max_projects(3);
    let a = p.project("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").unwrap();
    p.project("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb").unwrap();
    // The default project is the first of the three.
    assert_eq!(p.project_ids().len(), 3);
    let err = p.project("cccccccccccccccccccccccccccccccc").unwrap_err();
    assert_eq!((err.code(), err.status()), ("FSS.0403", 403), "{err:?}");
    assert!(err.message().contains("--max-projects"), "{err:?}");
    assert_eq!(p.project_ids().len(), 3, "a refused project is not made");
    // Existing projects keep answering; raising the limit admits the new one.
    assert_eq!(
        p.project("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
            .unwrap()
            .project_id(),
        a.project_id()
    );
    p.set_max_projects(4);
    assert!(p.project("cccccccccccccccccccccccccccccccc").is_ok());
}
