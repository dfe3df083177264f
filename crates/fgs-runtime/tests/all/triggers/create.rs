//! Create trigger (seed §5.12.3): qualifiers, types, status, defaults, server fields, names,
//! counts and duplicates.

use fgs_core::limits::Limits;
use fgs_core::trigger::{CreateTriggerRequest, EventData, TriggerStatus, TriggerType};
use fgs_runtime::Emulator;
use serde_json::json;

use super::{TYPES, alias, apig, create, function, parse_req, publish, req, timer, valid};
use crate::common::{assert_code, emulator, emulator_with};

#[test]
fn every_type_is_created_with_its_default_status() {
    let (emu, _) = emulator();
    let urn = function(&emu, "all_types");
    for ty in TYPES {
        let t = create(&emu, &urn, ty, valid(ty));
        assert_eq!(t.trigger_type_code.code(), ty);
        // §5.12.3: DDS and KAFKA start DISABLED, the others ACTIVE.
        let expected = if ty == "DDS" || ty == "KAFKA" {
            "DISABLED"
        } else {
            "ACTIVE"
        };
        assert_eq!(t.trigger_status.as_str(), expected, "{ty}");
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v["trigger_status"], expected);
        assert_eq!(v["trigger_type_code"], ty);
    }
    assert_eq!(emu.list_triggers(&urn).unwrap().len(), TYPES.len());
}

#[test]
fn missing_function_version_or_alias() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let t = || req("TIMER", valid("TIMER"));
    assert_code(emu.create_trigger("nope", t()), "FSS.1051", 404);
    assert_code(
        emu.create_trigger(&format!("{urn}:v9"), t()),
        "FSS.1052",
        404,
    );
    assert_code(
        emu.create_trigger(&format!("{urn}:!prod"), t()),
        "FSS.1053",
        404,
    );
}

#[test]
fn triggers_belong_to_the_qualifier_of_the_urn() {
    let (emu, _) = emulator();
    let urn = function(&emu, "q");
    publish(&emu, &urn, "v1");
    alias(&emu, &urn, "prod", "v1");
    let on_v1 = create(&emu, &format!("{urn}:v1"), "APIG", apig("API_v1", "/v1"));
    let on_alias = create(
        &emu,
        &format!("{urn}:!prod"),
        "APIG",
        apig("API_prod", "/prod"),
    );
    let on_latest = create(&emu, &format!("{urn}:latest"), "APIG", apig("API_l", "/l"));
    let version = |t: &fgs_core::trigger::Trigger| match &t.event_data {
        EventData::Apig(a) => a.func_info.version.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(version(&on_v1), "v1");
    assert_eq!(version(&on_alias), "prod");
    assert_eq!(version(&on_latest), "latest");
    let ids = |u: &str| -> Vec<String> {
        emu.list_triggers(u)
            .unwrap()
            .into_iter()
            .map(|t| t.trigger_id)
            .collect()
    };
    assert_eq!(ids(&format!("{urn}:v1")), vec![on_v1.trigger_id.clone()]);
    assert_eq!(
        ids(&format!("{urn}:!prod")),
        vec![on_alias.trigger_id.clone()]
    );
    assert_eq!(ids(&urn).len(), 3);
}

#[test]
fn unknown_type_is_fss_1101() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    for ty in ["", "timer", "RABBITMQ", "EVENTGRID", "HTTP", "Kafka"] {
        assert_code(
            emu.create_trigger(&urn, req(ty, valid("TIMER"))),
            "FSS.1101",
            400,
        );
    }
}

#[test]
fn lower_case_kafka_is_accepted() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let t = create(&emu, &urn, "kafka", valid("KAFKA"));
    assert_eq!(t.trigger_type_code, TriggerType::Kafka);
    assert_eq!(
        serde_json::to_value(&t).unwrap()["trigger_type_code"],
        "KAFKA"
    );
}

#[test]
fn event_type_code_is_required() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    for code in [None, Some(""), Some("   ")] {
        let r = CreateTriggerRequest {
            event_type_code: code.map(str::to_owned),
            ..req("TIMER", valid("TIMER"))
        };
        assert_code(emu.create_trigger(&urn, r), "FSS.0400", 400);
    }
}

#[test]
fn status_accepts_both_spellings() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    // digest A16: the model says `status`, the examples `trigger_status`.
    let a = emu
        .create_trigger(
            &urn,
            parse_req(json!({"trigger_type_code": "TIMER", "status": "DISABLED",
                "event_type_code": "x", "event_data": timer("t1", "Rate", "1m")})),
        )
        .unwrap();
    assert_eq!(a.trigger_status, TriggerStatus::Disabled);
    let b = emu
        .create_trigger(
            &urn,
            parse_req(
                json!({"trigger_type_code": "KAFKA", "trigger_status": "ACTIVE",
                "event_type_code": "x", "event_data": valid("KAFKA")}),
            ),
        )
        .unwrap();
    assert_eq!(b.trigger_status, TriggerStatus::Active);
}

#[test]
fn bad_or_contradictory_status_is_fss_0400() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    for (ts, s) in [
        (Some("active"), None),
        (None, Some("ON")),
        (Some("ACTIVE"), Some("DISABLED")),
    ] {
        let r = CreateTriggerRequest {
            trigger_status: ts.map(str::to_owned),
            status: s.map(str::to_owned),
            ..req("TIMER", valid("TIMER"))
        };
        assert_code(emu.create_trigger(&urn, r), "FSS.0400", 400);
    }
}

#[test]
fn creating_disabled_a_type_that_cannot_be_disabled_is_fss_1318() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    for ty in [
        "APIG",
        "OBS",
        "SMN",
        "DIS",
        "CTS",
        "DEDICATEDGATEWAY",
        "APIC",
    ] {
        let r = CreateTriggerRequest {
            trigger_status: Some("DISABLED".to_owned()),
            ..req(ty, valid(ty))
        };
        assert_code(emu.create_trigger(&urn, r), "FSS.1318", 400);
    }
    for ty in ["TIMER", "DDS", "DMS", "KAFKA", "LTS"] {
        let r = CreateTriggerRequest {
            trigger_status: Some("DISABLED".to_owned()),
            ..req(ty, valid(ty))
        };
        assert_eq!(
            emu.create_trigger(&urn, r).unwrap().trigger_status,
            TriggerStatus::Disabled
        );
    }
}

#[test]
fn dis_and_dms_defaults_are_filled_in() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let dis = serde_json::to_value(create(&emu, &urn, "DIS", valid("DIS"))).unwrap();
    assert_eq!(dis["event_data"]["polling_interval"], 30);
    assert_eq!(dis["event_data"]["batch_size"], 100);
    assert_eq!(dis["event_data"]["sharditerator_type"], "TRIM_HORIZON");
    let dms = serde_json::to_value(create(&emu, &urn, "DMS", valid("DMS"))).unwrap();
    assert_eq!(dms["event_data"]["polling_interval"], 30);
    let dis2 = create(
        &emu,
        &urn,
        "DIS",
        json!({"stream_name": "s2", "sharditerator_type": "LATEST", "polling_interval": 1,
               "batch_size": 10000}),
    );
    let v = serde_json::to_value(dis2).unwrap();
    assert_eq!(v["event_data"]["polling_interval"], 1);
    assert_eq!(v["event_data"]["batch_size"], 10000);
}

#[test]
fn server_fields_uuid_and_rfc3339_times_with_offset() {
    let (emu, _) = emulator_with(Emulator::builder().utc_offset_seconds(8 * 3600));
    let urn = function(&emu, "f");
    let t = create(&emu, &urn, "TIMER", valid("TIMER"));
    assert_eq!(t.trigger_id.len(), 36);
    assert_eq!(t.trigger_id.matches('-').count(), 4);
    // The common clock starts at 2024-05-01T12:00:00Z.
    assert_eq!(t.created_time, "2024-05-01T20:00:00+08:00");
    assert_eq!(t.last_updated_time, t.created_time);
    let other = create(&emu, &urn, "TIMER", timer("t2", "Rate", "5m"));
    assert_ne!(other.trigger_id, t.trigger_id);
}

#[test]
fn apig_server_fields() {
    let (emu, _) = emulator();
    let urn = function(&emu, "get_html");
    let mut data = apig("API_GetHtml", "/test");
    data["protocol"] = json!("HTTPS");
    let t = create(&emu, &urn, "APIG", data);
    let EventData::Apig(a) = &t.event_data else {
        panic!()
    };
    assert_eq!(
        a.invoke_url,
        "https://a9ad0d5df4d7475c9bc35a7c17d89304.apig.xxx.xxxapis.com/test"
    );
    assert_eq!(a.func_info.function_urn, urn);
    assert_eq!(a.func_info.invocation_type, "sync");
    assert_eq!(a.func_info.timeout, 5000);
    assert_eq!(a.func_info.version, "latest");
    assert_eq!(a.triggerid, t.trigger_id);
    assert_eq!(a.api_name, "API_GetHtml");
    assert_eq!(a.group_name, "APIGroup_gethtml");
    assert_eq!(a.api_id.len(), 32);
    assert!(a.api_id.bytes().all(|b| b.is_ascii_hexdigit()));
    // §5.12.3's example sends func_info.timeout: it wins over the function's timeout.
    let mut data = apig("API_Other", "/other");
    data["func_info"] = json!({"timeout": 3000});
    let t = create(&emu, &urn, "APIG", data);
    let EventData::Apig(a) = &t.event_data else {
        panic!()
    };
    assert_eq!(a.func_info.timeout, 3000);
    // DEDICATEDGATEWAY keeps its instance id in the response.
    let d = serde_json::to_value(create(
        &emu,
        &urn,
        "DEDICATEDGATEWAY",
        valid("DEDICATEDGATEWAY"),
    ))
    .unwrap();
    assert_eq!(d["event_data"]["instance_id"], "dedicatedgateway-instance");
}

#[test]
fn kafka_ssl_needs_user_and_password() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    for ssl in [json!(true), json!("true")] {
        let data = json!({"instance_id": "k1", "topic_ids": ["t"], "kafka_ssl_enable": ssl});
        assert_code(
            emu.create_trigger(&urn, req("KAFKA", data)),
            "FSS.1113",
            400,
        );
        let data = json!({"instance_id": "k1", "topic_ids": ["t"], "kafka_ssl_enable": ssl,
                          "kafka_user": "u"});
        assert_code(
            emu.create_trigger(&urn, req("KAFKA", data)),
            "FSS.1113",
            400,
        );
    }
    let t = create(
        &emu,
        &urn,
        "KAFKA",
        json!({"instance_id": "k1", "topic_id": ["t"], "kafka_ssl_enable": "true",
               "kafka_user": "u", "kafka_password": "p"}),
    );
    let v = serde_json::to_value(t).unwrap();
    assert_eq!(v["event_data"]["topic_id"], json!(["t"]));
    assert_eq!(v["event_data"]["kafka_ssl_enable"], true);
    assert_eq!(v["event_data"]["batch_size"], 100);
}

#[test]
fn trigger_name_rules() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let long = format!("T{}", "x".repeat(64));
    for ty in ["TIMER", "APIG", "OBS", "CTS"] {
        let mut data = valid(ty);
        data["name"] = json!(long);
        assert_code(emu.create_trigger(&urn, req(ty, data)), "FSS.1317", 400);
        for bad in ["", "1timer", "has space", "dot.name", "ümlaut"] {
            let mut data = valid(ty);
            data["name"] = json!(bad);
            assert_code(emu.create_trigger(&urn, req(ty, data)), "FSS.1319", 502);
        }
    }
    // Exactly 64 characters is fine.
    create(
        &emu,
        &urn,
        "TIMER",
        timer(&format!("T{}", "x".repeat(63)), "Rate", "1m"),
    );
}

#[test]
fn trigger_count_limit_is_fss_1306() {
    let limits = Limits {
        max_triggers: 2,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    let urn = function(&emu, "f");
    create(&emu, &urn, "TIMER", timer("a", "Rate", "1m"));
    create(&emu, &urn, "TIMER", timer("b", "Rate", "2m"));
    let r = req("TIMER", timer("c", "Rate", "3m"));
    assert_code(emu.create_trigger(&urn, r), "FSS.1306", 400);
    // Per function: another function still has room.
    let g = function(&emu, "g");
    create(&emu, &g, "TIMER", timer("c", "Rate", "3m"));
}

#[test]
fn pull_trigger_limit_is_fss_1123() {
    let limits = Limits {
        max_pull_triggers: 2,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    let urn = function(&emu, "f");
    create(&emu, &urn, "DMS", valid("DMS"));
    create(&emu, &urn, "KAFKA", valid("KAFKA"));
    for ty in ["DIS", "DDS", "LTS", "DMS", "KAFKA"] {
        assert_code(
            emu.create_trigger(&urn, req(ty, valid(ty))),
            "FSS.1123",
            403,
        );
    }
    // Push triggers are not counted.
    create(&emu, &urn, "TIMER", valid("TIMER"));
    create(&emu, &urn, "SMN", valid("SMN"));
}

#[test]
fn cts_operation_rules() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let ops: Vec<String> = (0..101).map(|i| format!("ECS:server:op{i}")).collect();
    let data = json!({"name": "cts-many", "operations": ops});
    assert_code(emu.create_trigger(&urn, req("CTS", data)), "FSS.1313", 400);
    let data = json!({"name": "cts-twice", "operations": ["ECS:server:a", "ECS:server:a"]});
    assert_code(emu.create_trigger(&urn, req("CTS", data)), "FSS.1316", 400);
    let data = json!({"name": "cts-bad", "operations": ["ECS-server-a"]});
    assert_code(emu.create_trigger(&urn, req("CTS", data)), "FSS.1305", 400);
}

#[test]
fn timer_dialect_through_the_api() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let ok = [
        ("Rate", "1m"),
        ("Rate", "60m"),
        ("Rate", "24h"),
        ("Rate", "30d"),
        ("Cron", "0 0 12 ? * MON"),
        ("Cron", "0 */5 * * * *"),
        ("Cron", "@every 90s"),
        ("Rate", "@every 1h30m"),
    ];
    for (i, (ty, s)) in ok.iter().enumerate() {
        let t = create(&emu, &urn, "TIMER", timer(&format!("t{i}"), ty, s));
        assert!(t.schedule().is_some());
    }
    let bad = [
        ("Rate", "0m"),
        ("Rate", "61m"),
        ("Rate", "25h"),
        ("Rate", "31d"),
        ("Rate", "5s"),
        ("Rate", "0 * * * * *"),
        ("Cron", "* * * * *"),
        ("Cron", "0 0 0 * * * 2030"),
        ("Cron", "@daily"),
        ("Cron", "3m"),
        ("Cron", "0 0 0 30 2 ?"),
        ("Cron", "@every 0s"),
        ("rate", "3m"),
        ("Daily", "3m"),
    ];
    for (i, (ty, s)) in bad.iter().enumerate() {
        let r = req("TIMER", timer(&format!("b{i}"), ty, s));
        assert_code(emu.create_trigger(&urn, r), "FSS.1109", 400);
    }
}
