//! Tests: Aliases with weighted additional versions (seed §5.7.1-§5.7.5).

use std::collections::BTreeMap;
use std::time::Duration;

use fgs_core::alias::{Alias, CreateAliasRequest, UpdateAliasRequest};
use fgs_core::limits::Limits;
use fgs_runtime::Emulator;
use serde_json::{Value, json};

use crate::common::{assert_code, emulator, emulator_with};
use crate::versions::{change_config, create, publish};

fn alias_req(body: Value) -> CreateAliasRequest {
    serde_json::from_value(body).unwrap()
}

fn update_req(body: Value) -> UpdateAliasRequest {
    serde_json::from_value(body).unwrap()
}

/// Function `f` with published versions v1 and v2 (each after a config change).
fn with_versions(emu: &Emulator) -> String {
    let created = create(emu, "f");
    change_config(emu, "f", "one");
    publish(emu, "f", "v1");
    change_config(emu, "f", "two");
    publish(emu, "f", "v2");
    created.func_urn.trim_end_matches(":latest").to_owned()
}

/// §5.7.2/§5.7.4 golden alias object: field order, `!` in `alias_urn`, RFC 3339 with offset.
#[test]
fn alias_object_golden_shape() {
    let (emu, _) = emulator_with(Emulator::builder().utc_offset_seconds(8 * 3600));
    let base = with_versions(&emu);
    let created = emu
        .create_alias(
            "f",
            alias_req(
                json!({"name": "dev", "version": "latest", "description": "my dev version",
                "additional_version_weights": {"v1": 10}}),
            ),
        )
        .unwrap();
    let expected = json!({
        "name": "dev",
        "version": "latest",
        "description": "my dev version",
        "last_modified": "2024-05-01T20:00:00+08:00",
        "alias_urn": format!("{base}:!dev"),
        "additional_version_weights": {"v1": 10}
    });
    let value = serde_json::to_value(&created).unwrap();
    assert_eq!(value, expected);
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "name",
            "version",
            "description",
            "last_modified",
            "alias_urn",
            "additional_version_weights"
        ]
    );
    assert_eq!(
        serde_json::to_value(emu.get_alias("f", "dev").unwrap()).unwrap(),
        expected
    );
    // Without weights the field is left out; the description defaults to "".
    let plain = emu
        .create_alias("f", alias_req(json!({"name": "a1", "version": "v1"})))
        .unwrap();
    let plain = serde_json::to_value(plain).unwrap();
    assert_eq!(plain["description"], "");
    assert!(plain.get("additional_version_weights").is_none());
    assert_eq!(plain["alias_urn"], format!("{base}:!a1"));
}

/// §5.7.1: a bare array of alias objects, by name; an empty array when there are none.
#[test]
fn list_aliases_is_a_bare_array() {
    let (emu, _) = emulator();
    with_versions(&emu);
    assert_eq!(
        serde_json::to_value(emu.list_aliases("f").unwrap()).unwrap(),
        json!([])
    );
    for (name, version) in [("prod", "v2"), ("beta", "v1"), ("dev", "latest")] {
        emu.create_alias("f", alias_req(json!({"name": name, "version": version})))
            .unwrap();
    }
    let list = serde_json::to_value(emu.list_aliases("f").unwrap()).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["beta", "dev", "prod"]);
    assert_eq!(list[2]["version"], "v2");
    assert_code(emu.list_aliases("nope"), "FSS.1051", 404);
}

/// §5.7.4: unknown alias FSS.1053 (404, not the seed's 401 heading), unknown function FSS.1051.
#[test]
fn get_unknown_alias_or_function() {
    let (emu, _) = emulator();
    create(&emu, "f");
    assert_code(emu.get_alias("f", "nope"), "FSS.1053", 404);
    assert_code(emu.get_alias("g", "nope"), "FSS.1051", 404);
}

/// §5.7.5: version replaced, description kept when absent, weights replaced or cleared with
/// `{}`, `last_modified` refreshed; the seed's request body deserializes.
#[test]
fn update_alias_rules() {
    let (emu, clock) = emulator();
    with_versions(&emu);
    emu.create_alias(
        "f",
        alias_req(json!({"name": "dev", "version": "v2", "description": "d"})),
    )
    .unwrap();
    clock.advance(Duration::from_secs(30));
    let updated = emu
        .update_alias(
            "f",
            "dev",
            update_req(json!({"version": "latest", "description": "", "additional_version_weights": {"v1": 50}})),
        )
        .unwrap();
    assert_eq!(updated.version, "latest");
    assert_eq!(updated.description, "");
    assert_eq!(updated.last_modified, "2024-05-01T12:00:30+00:00");
    assert_eq!(
        updated.additional_version_weights,
        Some(BTreeMap::from([("v1".to_owned(), 50)]))
    );
    let kept = emu
        .update_alias(
            "f",
            "dev",
            update_req(json!({"version": "v2", "description": "again"})),
        )
        .unwrap();
    assert_eq!(kept.additional_version_weights.as_ref().unwrap()["v1"], 50);
    let cleared = emu
        .update_alias(
            "f",
            "dev",
            update_req(json!({"version": "v2", "additional_version_weights": {}})),
        )
        .unwrap();
    assert_eq!(cleared.description, "again");
    assert_eq!(cleared.additional_version_weights, None);
    assert_eq!(emu.get_alias("f", "dev").unwrap(), cleared);
}

/// §5.7.5 errors: unknown alias FSS.1053, unknown version FSS.1052, blank version FSS.1015,
/// description FSS.1019, the kept additional version becoming the major FSS.1093.
#[test]
fn update_alias_errors() {
    let (emu, _) = emulator();
    with_versions(&emu);
    emu.create_alias(
        "f",
        alias_req(json!({"name": "dev", "version": "v2", "additional_version_weights": {"v1": 5}})),
    )
    .unwrap();
    let up = |alias: &str, body: Value| emu.update_alias("f", alias, update_req(body));
    assert_code(up("nope", json!({"version": "v1"})), "FSS.1053", 404);
    assert_code(
        emu.update_alias("g", "dev", update_req(json!({"version": "v1"}))),
        "FSS.1051",
        404,
    );
    assert_code(up("dev", json!({"version": "v9"})), "FSS.1052", 404);
    assert_code(up("dev", json!({"version": ""})), "FSS.1015", 400);
    let long = "x".repeat(513);
    assert_code(
        up("dev", json!({"version": "v2", "description": long})),
        "FSS.1019",
        400,
    );
    assert_code(up("dev", json!({"version": "v1"})), "FSS.1093", 400);
    assert_code(
        up(
            "dev",
            json!({"version": "v2", "additional_version_weights": {"v1": 101}}),
        ),
        "FSS.1092",
        400,
    );
    // Nothing was changed by the refused updates.
    assert_eq!(emu.get_alias("f", "dev").unwrap().version, "v2");
}

/// §5.7.3: delete returns 204 (unit), the alias is gone; unknown alias FSS.1053.
#[test]
fn delete_alias() {
    let (emu, _) = emulator();
    with_versions(&emu);
    emu.create_alias("f", alias_req(json!({"name": "prod", "version": "v1"})))
        .unwrap();
    emu.delete_alias("f", "prod").unwrap();
    assert_code(emu.get_alias("f", "prod"), "FSS.1053", 404);
    assert_code(emu.delete_alias("f", "prod"), "FSS.1053", 404);
    assert_code(emu.delete_alias("g", "prod"), "FSS.1051", 404);
    // The name can be used again.
    emu.create_alias("f", alias_req(json!({"name": "prod", "version": "v2"})))
        .unwrap();
}

/// FSS.1014: invalid alias names, `latest`, generated-version-like names, a version's name.
#[test]
fn invalid_alias_names_are_fss_1014() {
    let (emu, _) = emulator();
    with_versions(&emu);
    let long = format!("a{}", "b".repeat(63));
    for bad in [
        "",
        "1abc",
        "a.b",
        "a b",
        "ab-",
        "latest",
        "Latest",
        "!a",
        "v20240501-120000",
        "v1",
        long.as_str(),
    ] {
        assert_code(
            emu.create_alias("f", alias_req(json!({"name": bad, "version": "latest"}))),
            "FSS.1014",
            400,
        );
    }
}

/// Create errors: FSS.1051, FSS.1015, FSS.1052, FSS.1019, FSS.1063.
#[test]
fn create_alias_errors() {
    let (emu, _) = emulator();
    with_versions(&emu);
    let mk = |body: Value| emu.create_alias("f", alias_req(body));
    assert_code(
        emu.create_alias("g", alias_req(json!({"name": "a", "version": "latest"}))),
        "FSS.1051",
        404,
    );
    assert_code(mk(json!({"name": "a", "version": ""})), "FSS.1015", 400);
    assert_code(
        mk(json!({"name": "a", "version": "bad version"})),
        "FSS.1015",
        400,
    );
    assert_code(mk(json!({"name": "a", "version": "v9"})), "FSS.1052", 404);
    let long = "x".repeat(513);
    assert_code(
        mk(json!({"name": "a", "version": "v1", "description": long})),
        "FSS.1019",
        400,
    );
    mk(json!({"name": "a", "version": "v1"})).unwrap();
    assert_code(mk(json!({"name": "a", "version": "v2"})), "FSS.1063", 409);
}

/// FSS.1043: at most `Limits::max_aliases` (default 10) aliases per function.
#[test]
fn alias_quota_is_fss_1043() {
    let (emu, _) = emulator();
    create(&emu, "f");
    for i in 0..10 {
        emu.create_alias(
            "f",
            alias_req(json!({"name": format!("a{i}"), "version": "latest"})),
        )
        .unwrap();
    }
    assert_code(
        emu.create_alias("f", alias_req(json!({"name": "a10", "version": "latest"}))),
        "FSS.1043",
        403,
    );
    let limits = Limits {
        max_aliases: 1,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    create(&emu, "f");
    emu.create_alias("f", alias_req(json!({"name": "a", "version": "latest"})))
        .unwrap();
    assert_code(
        emu.create_alias("f", alias_req(json!({"name": "b", "version": "latest"}))),
        "FSS.1043",
        403,
    );
}

/// Weights: one additional version (FSS.1091), published and not latest (FSS.1091/1052),
/// integer 0..100 (FSS.1092), not the major version (FSS.1093).
#[test]
fn weight_rules() {
    let (emu, _) = emulator();
    with_versions(&emu);
    let mk = |version: &str, weights: Value| {
        emu.create_alias(
            "f",
            alias_req(
                json!({"name": "w", "version": version, "additional_version_weights": weights}),
            ),
        )
    };
    assert_code(mk("latest", json!({"v1": 10, "v2": 10})), "FSS.1091", 400);
    assert_code(mk("v1", json!({"latest": 10})), "FSS.1091", 400);
    assert_code(mk("v1", json!({"not a version": 10})), "FSS.1091", 400);
    assert_code(mk("v1", json!({"v9": 10})), "FSS.1052", 404);
    assert_code(mk("v1", json!({"v2": -1})), "FSS.1092", 400);
    assert_code(mk("v1", json!({"v2": 101})), "FSS.1092", 400);
    assert_code(mk("v1", json!({"v1": 10})), "FSS.1093", 400);
    assert_code(mk("latest", json!({"latest": 10})), "FSS.1093", 400);
    for ok in [0, 100] {
        let a = mk("v1", json!({"v2": ok})).unwrap();
        assert_eq!(a.additional_version_weights.unwrap()["v2"], ok);
        emu.delete_alias("f", "w").unwrap();
    }
    // An empty map is no gray release.
    let a: Alias = mk("latest", json!({})).unwrap();
    assert_eq!(a.additional_version_weights, None);
}

/// FSS.1066 only with `Limits::exclusive_alias_versions`; by default versions are shared.
#[test]
fn exclusive_alias_versions_is_fss_1066() {
    let (emu, _) = emulator();
    with_versions(&emu);
    emu.create_alias("f", alias_req(json!({"name": "a", "version": "v1"})))
        .unwrap();
    emu.create_alias("f", alias_req(json!({"name": "b", "version": "v1"})))
        .unwrap();

    let limits = Limits {
        exclusive_alias_versions: true,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    with_versions(&emu);
    emu.create_alias(
        "f",
        alias_req(json!({"name": "a", "version": "v1", "additional_version_weights": {"v2": 5}})),
    )
    .unwrap();
    assert_code(
        emu.create_alias("f", alias_req(json!({"name": "b", "version": "v1"}))),
        "FSS.1066",
        409,
    );
    assert_code(
        emu.create_alias("f", alias_req(json!({"name": "b", "version": "v2"}))),
        "FSS.1066",
        409,
    );
    emu.create_alias("f", alias_req(json!({"name": "b", "version": "latest"})))
        .unwrap();
    assert_code(
        emu.update_alias("f", "b", update_req(json!({"version": "v1"}))),
        "FSS.1066",
        409,
    );
    // An alias may keep its own versions on update.
    emu.update_alias(
        "f",
        "a",
        update_req(json!({"version": "v1", "description": "x"})),
    )
    .unwrap();
}

/// End to end: create -> update config -> publish -> alias with weights -> GET config through
/// the alias URN gives the major version's configuration under the alias URN.
#[test]
fn end_to_end_config_through_the_alias_urn() {
    let (emu, _) = emulator_with(Emulator::builder().utc_offset_seconds(8 * 3600));
    let base = with_versions(&emu);
    let alias = emu
        .create_alias(
            "f",
            alias_req(
                json!({"name": "prod", "version": "v2", "additional_version_weights": {"v1": 30}}),
            ),
        )
        .unwrap();
    assert_eq!(alias.alias_urn, format!("{base}:!prod"));
    let config = emu.get_function_config(&alias.alias_urn).unwrap();
    assert_eq!(config.func_urn, alias.alias_urn);
    assert_eq!(config.version, "v2");
    assert_eq!(config.description.as_deref(), Some("two"));
    // The 4-field short form with `!` names the same alias.
    let short = format!("{}:default:f:!prod", emu.project_id());
    assert_eq!(emu.get_function_config(&short).unwrap().version, "v2");
    assert_code(
        emu.get_function_config(&format!("{base}:!nope")),
        "FSS.1053",
        404,
    );
}
