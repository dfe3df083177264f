//! URN forms and version routing (§1.6.1, §5.7): latest, versions, aliases with weights.

use serde_json::json;

use super::*;

#[test]
fn every_urn_form_reaches_the_function() {
    let (emu, _) = emu();
    let urn = create(&emu, "echo", "echo", json!({}));
    let project = emu.project_id();
    for form in [
        "echo".to_owned(),
        "default:echo".to_owned(),
        format!("{project}:default:echo"),
        format!("{project}:default:echo:latest"),
        urn.clone(),
        format!("{urn}:latest"),
    ] {
        let inv = emu.invoke(&form, b"hi").unwrap();
        assert_eq!(
            (inv.result_text(), inv.version.as_str()),
            ("hi".to_owned(), "latest"),
            "{form}"
        );
    }
}

#[test]
fn a_published_version_runs_its_own_code_after_latest_changes() {
    let (emu, _) = emu();
    let urn = create(&emu, "f", "echo", json!({}));
    publish(&emu, &urn, "v1");
    update_code(&emu, &urn, "counter");
    let latest = emu.invoke(&urn, b"x").unwrap();
    assert_eq!(
        (latest.result_text(), latest.version.as_str()),
        ("1".to_owned(), "latest")
    );
    let v1 = emu.invoke(&format!("{urn}:v1"), b"x").unwrap();
    assert_eq!(
        (v1.result_text(), v1.version.as_str()),
        ("x".to_owned(), "v1")
    );
    assert!(v1.cold_start, "each version has its own instances");
}

#[test]
fn an_alias_runs_its_version_and_tells_the_guest_its_name() {
    let (emu, _) = emu();
    let urn = create(&emu, "f", "env", json!({}));
    publish(&emu, &urn, "v1");
    emu.create_alias(
        &urn,
        serde_json::from_value(json!({"name": "prod", "version": "v1"})).unwrap(),
    )
    .unwrap();
    let inv = emu.invoke(&format!("{urn}:!prod"), b"{}").unwrap();
    assert_eq!(inv.version, "v1");
    assert_eq!(inv.alias.as_deref(), Some("prod"));
    let vars: serde_json::Map<String, Value> = serde_json::from_slice(&inv.result).unwrap();
    assert_eq!(vars["RUNTIME_FUNC_VERSION"], "v1");
}

#[test]
fn alias_weights_split_the_traffic() {
    // §5.7.2 additional_version_weights: v2 gets 20% of the calls (seeded: the same split
    // every run), within 3 points over 2000 calls.
    let (emu, _) = emu();
    let urn = create(&emu, "f", "echo", json!({}));
    publish(&emu, &urn, "v1");
    update_code(&emu, &urn, "counter");
    publish(&emu, &urn, "v2");
    emu.create_alias(
        &urn,
        serde_json::from_value(json!({
            "name": "gray", "version": "v1",
            "additional_version_weights": {"v2": 20}
        }))
        .unwrap(),
    )
    .unwrap();
    let alias = format!("{urn}:!gray");
    let mut v2 = 0;
    for _ in 0..2000 {
        let inv = emu.invoke(&alias, b"e").unwrap();
        match inv.version.as_str() {
            "v1" => assert_eq!(inv.result_text(), "e"),
            "v2" => {
                v2 += 1;
                assert_eq!(inv.result_text(), v2.to_string(), "v2 runs the counter");
            }
            other => panic!("unexpected version {other}"),
        }
    }
    assert!((340..=460).contains(&v2), "v2 ran {v2} of 2000 calls");
}
