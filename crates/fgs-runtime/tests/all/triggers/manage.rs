//! List, get, update, delete and delete-all (seed §5.12.1, §5.12.2, §5.12.4-§5.12.6).

use std::time::Duration;

use fgs_core::alias::CreateAliasRequest;
use fgs_core::trigger::{TriggerStatus, UpdateTriggerRequest};
use fgs_core::version::PublishVersionRequest;
use fgs_runtime::Emulator;
use serde_json::json;

use super::{TYPES, create, function, timer, valid};
use crate::common::{assert_code, emulator};

fn status(s: &str) -> UpdateTriggerRequest {
    UpdateTriggerRequest {
        trigger_status: Some(s.to_owned()),
        ..Default::default()
    }
}

/// A function with `v1` and alias `prod` -> v1, and one TIMER on each of latest, v1, prod.
fn three_qualifiers(emu: &Emulator) -> (String, [String; 3]) {
    let urn = function(emu, "f");
    emu.publish_version(
        &urn,
        PublishVersionRequest {
            version: Some("v1".to_owned()),
            ..Default::default()
        },
    )
    .unwrap();
    emu.create_alias(
        &urn,
        CreateAliasRequest {
            name: "prod".to_owned(),
            version: "v1".to_owned(),
            ..Default::default()
        },
    )
    .unwrap();
    let a = create(emu, &urn, "TIMER", timer("on-latest", "Rate", "1m"));
    let b = create(
        emu,
        &format!("{urn}:v1"),
        "TIMER",
        timer("on-v1", "Rate", "1m"),
    );
    let c = create(
        emu,
        &format!("{urn}:!prod"),
        "TIMER",
        timer("on-prod", "Rate", "1m"),
    );
    (urn, [a.trigger_id, b.trigger_id, c.trigger_id])
}

fn ids(emu: &Emulator, urn: &str) -> Vec<String> {
    emu.list_triggers(urn)
        .unwrap()
        .into_iter()
        .map(|t| t.trigger_id)
        .collect()
}

#[test]
fn list_is_a_bare_array_scoped_like_delete_all() {
    let (emu, _) = emulator();
    let (urn, [a, b, c]) = three_qualifiers(&emu);
    // Unqualified and latest: every trigger of the function, in creation order.
    assert_eq!(ids(&emu, &urn), vec![a.clone(), b.clone(), c.clone()]);
    assert_eq!(
        ids(&emu, &format!("{urn}:latest")),
        vec![a, b.clone(), c.clone()]
    );
    assert_eq!(ids(&emu, &format!("{urn}:v1")), vec![b]);
    assert_eq!(ids(&emu, &format!("{urn}:!prod")), vec![c]);
    let v = serde_json::to_value(emu.list_triggers(&urn).unwrap()).unwrap();
    assert!(v.is_array());
    let keys: Vec<&String> = v[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "trigger_id",
            "trigger_type_code",
            "trigger_status",
            "event_data",
            "last_updated_time",
            "created_time"
        ]
    );
    // A function without triggers lists [].
    let g = function(&emu, "g");
    assert!(emu.list_triggers(&g).unwrap().is_empty());
}

#[test]
fn list_of_missing_function_version_or_alias() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    assert_code(emu.list_triggers("missing"), "FSS.1051", 404);
    assert_code(emu.list_triggers(&format!("{urn}:v7")), "FSS.1052", 404);
    assert_code(emu.list_triggers(&format!("{urn}:!dev")), "FSS.1053", 404);
    assert_code(emu.list_triggers("a:b:c:d:e"), "FSS.1309", 400);
}

#[test]
fn get_returns_the_stored_trigger() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    for ty in TYPES {
        let t = create(&emu, &urn, ty, valid(ty));
        let got = emu.get_trigger(&urn, ty, &t.trigger_id).unwrap();
        assert_eq!(got, t);
        assert_eq!(
            serde_json::to_value(&got).unwrap(),
            serde_json::to_value(&t).unwrap()
        );
    }
    let k = emu.list_triggers(&urn).unwrap();
    let kafka = k
        .iter()
        .find(|t| t.trigger_type_code.code() == "KAFKA")
        .unwrap();
    // The path may spell the type `kafka` (§1.6.2).
    emu.get_trigger(&urn, "kafka", &kafka.trigger_id).unwrap();
}

/// An unknown id gets the path type's not-found code (seed §7.2); FSS.1301 is a 400.
#[test]
fn unknown_id_gets_the_types_not_found_code() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let codes = [
        ("SMN", "FSS.1132", 404),
        ("DMS", "FSS.1133", 404),
        ("DIS", "FSS.1134", 404),
        ("OBS", "FSS.1136", 404),
        ("APIG", "FSS.1138", 404),
        ("TIMER", "FSS.1140", 404),
        ("LTS", "FSS.1160", 404),
        ("DDS", "FSS.1163", 404),
        ("KAFKA", "FSS.1174", 404),
        ("CTS", "FSS.1301", 400),
        ("DEDICATEDGATEWAY", "FSS.1131", 404),
        ("APIC", "FSS.1131", 404),
    ];
    for (ty, code, st) in codes {
        assert_code(emu.get_trigger(&urn, ty, "no-such-id"), code, st);
        assert_code(
            emu.update_trigger(&urn, ty, "no-such-id", status("ACTIVE")),
            code,
            st,
        );
        assert_code(emu.delete_trigger(&urn, ty, "no-such-id"), code, st);
    }
}

#[test]
fn type_mismatch_or_unknown_path_type_is_fss_1137() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let t = create(&emu, &urn, "TIMER", valid("TIMER"));
    for ty in ["OBS", "APIG", "RABBITMQ", "timer", ""] {
        assert_code(emu.get_trigger(&urn, ty, &t.trigger_id), "FSS.1137", 404);
        assert_code(
            emu.update_trigger(&urn, ty, &t.trigger_id, status("DISABLED")),
            "FSS.1137",
            404,
        );
        assert_code(emu.delete_trigger(&urn, ty, &t.trigger_id), "FSS.1137", 404);
    }
    emu.get_trigger(&urn, "TIMER", &t.trigger_id).unwrap();
}

#[test]
fn a_version_urn_does_not_see_other_qualifiers_triggers() {
    let (emu, _) = emulator();
    let (urn, [a, b, c]) = three_qualifiers(&emu);
    assert_code(
        emu.get_trigger(&format!("{urn}:v1"), "TIMER", &a),
        "FSS.1140",
        404,
    );
    assert_code(
        emu.get_trigger(&format!("{urn}:!prod"), "TIMER", &b),
        "FSS.1140",
        404,
    );
    emu.get_trigger(&format!("{urn}:!prod"), "TIMER", &c)
        .unwrap();
    emu.get_trigger(&urn, "TIMER", &b).unwrap();
    assert_code(emu.get_trigger("nope", "TIMER", &a), "FSS.1051", 404);
    assert_code(
        emu.get_trigger(&format!("{urn}:v2"), "TIMER", &a),
        "FSS.1052",
        404,
    );
    assert_code(
        emu.get_trigger(&format!("{urn}:!x"), "TIMER", &a),
        "FSS.1053",
        404,
    );
}

#[test]
fn disable_and_enable_a_timer() {
    let (emu, clock) = emulator();
    let urn = function(&emu, "f");
    let t = create(&emu, &urn, "TIMER", valid("TIMER"));
    clock.advance(Duration::from_secs(90));
    let off = emu
        .update_trigger(&urn, "TIMER", &t.trigger_id, status("DISABLED"))
        .unwrap();
    assert_eq!(off.trigger_status, TriggerStatus::Disabled);
    assert_eq!(off.created_time, t.created_time);
    assert_eq!(off.last_updated_time, "2024-05-01T12:01:30+00:00");
    assert_eq!(emu.get_trigger(&urn, "TIMER", &t.trigger_id).unwrap(), off);
    // Already disabled: FSS.1153 (412).
    assert_code(
        emu.update_trigger(&urn, "TIMER", &t.trigger_id, status("DISABLED")),
        "FSS.1153",
        412,
    );
    // `status` is accepted as well (digest A16).
    let on = emu
        .update_trigger(
            &urn,
            "TIMER",
            &t.trigger_id,
            UpdateTriggerRequest {
                status: Some("ACTIVE".to_owned()),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(on.is_active());
    assert_code(
        emu.update_trigger(&urn, "TIMER", &t.trigger_id, status("ACTIVE")),
        "FSS.1153",
        412,
    );
}

#[test]
fn only_timer_dds_dms_kafka_lts_can_be_toggled() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    for ty in TYPES {
        let t = create(&emu, &urn, ty, valid(ty));
        let target = if t.is_active() { "DISABLED" } else { "ACTIVE" };
        let result = emu.update_trigger(&urn, ty, &t.trigger_id, status(target));
        if ["TIMER", "DDS", "DMS", "KAFKA", "LTS"].contains(&ty) {
            assert_eq!(result.unwrap().trigger_status.as_str(), target, "{ty}");
        } else {
            assert_code(result, "FSS.1318", 400);
            // Even asking for the state it is in.
            let same = emu.update_trigger(&urn, ty, &t.trigger_id, status("ACTIVE"));
            assert_code(same, "FSS.1318", 400);
        }
    }
}

#[test]
fn bad_status_in_update_is_fss_0400() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let t = create(&emu, &urn, "TIMER", valid("TIMER"));
    assert_code(
        emu.update_trigger(&urn, "TIMER", &t.trigger_id, status("PAUSED")),
        "FSS.0400",
        400,
    );
    let both = UpdateTriggerRequest {
        trigger_status: Some("ACTIVE".to_owned()),
        status: Some("DISABLED".to_owned()),
        ..Default::default()
    };
    assert_code(
        emu.update_trigger(&urn, "TIMER", &t.trigger_id, both),
        "FSS.0400",
        400,
    );
}

#[test]
fn empty_update_changes_nothing() {
    let (emu, clock) = emulator();
    let urn = function(&emu, "f");
    let t = create(&emu, &urn, "TIMER", valid("TIMER"));
    clock.advance(Duration::from_secs(60));
    let same = emu
        .update_trigger(
            &urn,
            "TIMER",
            &t.trigger_id,
            UpdateTriggerRequest::default(),
        )
        .unwrap();
    assert_eq!(same, t);
}

#[test]
fn event_data_update_is_validated_like_create() {
    let (emu, clock) = emulator();
    let urn = function(&emu, "f");
    let t = create(&emu, &urn, "TIMER", timer("a", "Rate", "1m"));
    create(&emu, &urn, "TIMER", timer("b", "Rate", "5m"));
    let with_data = |v| UpdateTriggerRequest {
        event_data: Some(v),
        ..Default::default()
    };
    clock.advance(Duration::from_secs(1));
    let updated = emu
        .update_trigger(
            &urn,
            "TIMER",
            &t.trigger_id,
            with_data(timer("a", "Cron", "0 0 * * * ?")),
        )
        .unwrap();
    assert_eq!(updated.schedule().unwrap().to_string(), "0 0 * * * ?");
    assert_eq!(updated.last_updated_time, "2024-05-01T12:00:01+00:00");
    assert_ne!(updated.last_updated_time, updated.created_time);
    // Its own old configuration does not count as a duplicate.
    emu.update_trigger(
        &urn,
        "TIMER",
        &t.trigger_id,
        with_data(timer("a", "Cron", "0 0 * * * ?")),
    )
    .unwrap();
    assert_code(
        emu.update_trigger(
            &urn,
            "TIMER",
            &t.trigger_id,
            with_data(timer("a", "Rate", "99m")),
        ),
        "FSS.1109",
        400,
    );
    assert_code(
        emu.update_trigger(
            &urn,
            "TIMER",
            &t.trigger_id,
            with_data(timer("a", "Rate", "5m")),
        ),
        "FSS.1148",
        409,
    );
    assert_code(
        emu.update_trigger(
            &urn,
            "TIMER",
            &t.trigger_id,
            with_data(timer("b", "Rate", "7m")),
        ),
        "FSS.1307",
        400,
    );
    // APIG keeps its ids when its configuration changes.
    let api = create(&emu, &urn, "APIG", valid("APIG"));
    let mut data = valid("APIG");
    data["path"] = json!("/moved");
    let moved = emu
        .update_trigger(&urn, "APIG", &api.trigger_id, with_data(data))
        .unwrap();
    let (before, after) = (
        serde_json::to_value(&api).unwrap()["event_data"].clone(),
        serde_json::to_value(&moved).unwrap()["event_data"].clone(),
    );
    assert_eq!(before["api_id"], after["api_id"]);
    assert_eq!(after["triggerid"], json!(api.trigger_id));
    assert_eq!(
        after["invoke_url"],
        "http://a9ad0d5df4d7475c9bc35a7c17d89304.apig.xxx.xxxapis.com/moved"
    );
}

#[test]
fn delete_one_trigger() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let a = create(&emu, &urn, "TIMER", timer("a", "Rate", "1m"));
    let b = create(&emu, &urn, "OBS", valid("OBS"));
    emu.delete_trigger(&urn, "TIMER", &a.trigger_id).unwrap();
    assert_eq!(ids(&emu, &urn), vec![b.trigger_id.clone()]);
    assert_code(
        emu.delete_trigger(&urn, "TIMER", &a.trigger_id),
        "FSS.1140",
        404,
    );
    assert_code(
        emu.get_trigger(&urn, "TIMER", &a.trigger_id),
        "FSS.1140",
        404,
    );
    // Its name and schedule are free again.
    create(&emu, &urn, "TIMER", timer("a", "Rate", "1m"));
    assert_code(
        emu.delete_trigger("missing", "OBS", &b.trigger_id),
        "FSS.1051",
        404,
    );
}

#[test]
fn delete_all_follows_the_qualifier() {
    let (emu, _) = emulator();
    let (urn, [a, b, c]) = three_qualifiers(&emu);
    // A version URN deletes that version's triggers only.
    emu.delete_all_triggers(&format!("{urn}:v1")).unwrap();
    assert_eq!(ids(&emu, &urn), vec![a.clone(), c.clone()]);
    // An alias URN deletes the alias's.
    emu.delete_all_triggers(&format!("{urn}:!prod")).unwrap();
    assert_eq!(ids(&emu, &urn), vec![a]);
    let _ = b;
    // latest (or unqualified) deletes everything the function has.
    create(
        &emu,
        &format!("{urn}:v1"),
        "TIMER",
        timer("again", "Rate", "1m"),
    );
    emu.delete_all_triggers(&format!("{urn}:latest")).unwrap();
    assert!(emu.list_triggers(&urn).unwrap().is_empty());
    create(
        &emu,
        &format!("{urn}:!prod"),
        "TIMER",
        timer("again", "Rate", "1m"),
    );
    emu.delete_all_triggers(&urn).unwrap();
    assert!(emu.list_triggers(&urn).unwrap().is_empty());
    assert_code(emu.delete_all_triggers("missing"), "FSS.1051", 404);
    assert_code(
        emu.delete_all_triggers(&format!("{urn}:v9")),
        "FSS.1052",
        404,
    );
    assert_code(
        emu.delete_all_triggers(&format!("{urn}:!nope")),
        "FSS.1053",
        404,
    );
}

#[test]
fn triggers_of_other_functions_are_untouched() {
    let (emu, _) = emulator();
    let f = function(&emu, "f");
    let g = function(&emu, "g");
    let tf = create(&emu, &f, "TIMER", valid("TIMER"));
    let tg = create(&emu, &g, "TIMER", valid("TIMER"));
    assert_code(
        emu.get_trigger(&f, "TIMER", &tg.trigger_id),
        "FSS.1140",
        404,
    );
    emu.delete_all_triggers(&f).unwrap();
    assert_eq!(ids(&emu, &g), vec![tg.trigger_id]);
    let _ = tf;
}
