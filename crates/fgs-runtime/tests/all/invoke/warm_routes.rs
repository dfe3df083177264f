//! Warm calls and changes (DESIGN §7): a warm `Emulator::invoke` reuses what it resolved from
//! the URN string (the version, its deployment), and every change to the function, its
//! versions or its aliases applies to the very next call, warm or not.

use fgs_runtime::OutcomeKind;
use serde_json::json;

use super::*;
use crate::common::{assert_code, body as req};

#[test]
fn code_and_config_updates_apply_to_the_next_warm_call() {
    let (emu, _) = emu();
    let urn = create(
        &emu,
        "f",
        "env",
        json!({"user_data": "{\"GREETING\":\"one\"}"}),
    );
    let vars = |emu: &Emulator| {
        let inv = emu.invoke(&urn, b"{}").unwrap();
        let vars: serde_json::Map<String, Value> = serde_json::from_slice(&inv.result).unwrap();
        (
            vars["GREETING"].as_str().unwrap().to_owned(),
            inv.cold_start,
        )
    };
    assert_eq!(vars(&emu), ("one".to_owned(), true));
    assert_eq!(
        vars(&emu),
        ("one".to_owned(), false),
        "the second call is warm"
    );
    emu.update_function_config(
        &urn,
        req(json!({"func_name": "f", "runtime": "Custom", "timeout": 3,
                   "handler": "index.handler", "memory_size": 128,
                   "user_data": "{\"GREETING\":\"two\"}"})),
    )
    .unwrap();
    assert_eq!(
        vars(&emu),
        ("two".to_owned(), true),
        "new environment, new instance"
    );
    update_code(&emu, &urn, "counter");
    let counted: Vec<String> = (0..3)
        .map(|_| emu.invoke(&urn, b"{}").unwrap().result_text())
        .collect();
    assert_eq!(
        counted,
        ["1", "2", "3"],
        "the new code, on one reused instance"
    );
}

#[test]
fn an_alias_moved_to_another_version_runs_it_at_once() {
    let (emu, _) = emu();
    let urn = create(&emu, "f", "echo", json!({}));
    publish(&emu, &urn, "v1");
    update_code(&emu, &urn, "counter");
    publish(&emu, &urn, "v2");
    emu.create_alias(&urn, req(json!({"name": "prod", "version": "v1"})))
        .unwrap();
    let alias = format!("{urn}:!prod");
    for _ in 0..3 {
        let inv = emu.invoke(&alias, b"e").unwrap();
        assert_eq!(
            (inv.version.as_str(), inv.result_text()),
            ("v1", "e".to_owned())
        );
    }
    emu.update_alias(&urn, "prod", req(json!({"version": "v2"})))
        .unwrap();
    let inv = emu.invoke(&alias, b"e").unwrap();
    assert_eq!(
        (inv.version.as_str(), inv.result_text()),
        ("v2", "1".to_owned())
    );
    assert_eq!(inv.alias.as_deref(), Some("prod"));
    // Weights added to a warm alias split its calls from the next call on.
    emu.update_alias(
        &urn,
        "prod",
        req(json!({"version": "v2", "additional_version_weights": {"v1": 50}})),
    )
    .unwrap();
    let v1 = (0..200)
        .filter(|_| emu.invoke(&alias, b"e").unwrap().version == "v1")
        .count();
    assert!(
        (60..=140).contains(&v1),
        "v1 ran {v1} of 200 calls at weight 50"
    );
}

#[test]
fn a_warm_function_deleted_is_not_found_and_a_new_one_starts_cold() {
    let (emu, _) = emu();
    let urn = create(&emu, "f", "counter", json!({}));
    assert_eq!(emu.invoke(&urn, b"{}").unwrap().result_text(), "1");
    assert_eq!(emu.invoke(&urn, b"{}").unwrap().result_text(), "2");
    emu.delete_function(&urn).unwrap();
    assert_code(emu.invoke(&urn, b"{}"), "FSS.1051", 404);
    assert_code(emu.invoke("f", b"{}"), "FSS.1051", 404);
    let again = create(&emu, "f", "counter", json!({}));
    assert_eq!(again, urn);
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!((inv.result_text(), inv.cold_start), ("1".to_owned(), true));
}

#[test]
fn disabling_a_warm_function_rejects_its_next_call() {
    let (emu, _) = emu();
    let urn = create(&emu, "f", "echo", json!({}));
    emu.invoke(&urn, b"a").unwrap();
    set_max_instances(&emu, &urn, 0);
    assert_code(emu.invoke(&urn, b"a"), "FSS.0403", 403);
    set_max_instances(&emu, &urn, 1);
    let inv = emu.invoke(&urn, b"a").unwrap();
    assert_eq!((inv.outcome, inv.cold_start), (OutcomeKind::Success, false));
    let totals = emu.function_metrics_totals(&urn).unwrap();
    assert_eq!((totals.invocations, totals.rejections), (2, 1));
}

#[test]
fn every_urn_form_shares_the_function_instances_and_metrics() {
    let (emu, _) = emu();
    let urn = create(&emu, "f", "counter", json!({}));
    let project = emu.project_id();
    let forms = [
        "f".to_owned(),
        "default:f".to_owned(),
        format!("{project}:default:f:latest"),
        urn.clone(),
    ];
    let mut seen = Vec::new();
    for round in 0..3 {
        for form in &forms {
            let inv = emu.invoke(form, b"{}").unwrap();
            seen.push(inv.result_text());
            assert_eq!(inv.version, "latest", "{form}");
            assert_eq!(inv.cold_start, round == 0 && form == "f", "{form}");
        }
    }
    let expected: Vec<String> = (1..=12).map(|n| n.to_string()).collect();
    assert_eq!(seen, expected, "one instance serves every form");
    assert_eq!(emu.function_metrics_totals("f").unwrap().invocations, 12);
    assert_code(emu.invoke(&format!("{urn}:v9"), b"{}"), "FSS.1052", 404);
    assert_code(emu.invoke(&format!("{urn}:!none"), b"{}"), "FSS.1053", 404);
}

#[test]
fn request_ids_are_fresh_on_every_warm_call_unless_given() {
    let (emu, _) = emu();
    let urn = create(&emu, "f", "echo", json!({}));
    let ids: std::collections::HashSet<String> = (0..50)
        .map(|_| emu.invoke(&urn, b"{}").unwrap().request_id)
        .collect();
    assert_eq!(ids.len(), 50);
    assert!(
        ids.iter()
            .all(|id| id.len() == 36 && id.as_bytes()[14] == b'4')
    );
    let given = fgs_runtime::InvokeOptions {
        request_id: Some("my-request".into()),
        ..Default::default()
    };
    assert_eq!(
        emu.invoke_with(&urn, b"{}", given).unwrap().request_id,
        "my-request"
    );
}
