//! Malformed `event_data` per type (seed §1.6.2 Tables 1-11..1-18, §7.2): every case gets
//! the type's own code with status 400, and random JSON never panics.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::{TYPES, function, req, valid};
use crate::common::{assert_code, emulator};

/// `valid(ty)` with `key` set to `value` (`Value::Null` removes it).
fn with(ty: &str, key: &str, value: Value) -> Value {
    let mut v = valid(ty);
    let obj = v.as_object_mut().unwrap();
    if value.is_null() {
        obj.remove(key);
    } else {
        obj.insert(key.to_owned(), value);
    }
    v
}

const REMOVE: Value = Value::Null;

/// (type, invalid-data code, malformed event_data cases).
fn table() -> Vec<(&'static str, &'static str, Vec<Value>)> {
    vec![
        (
            "SMN",
            "FSS.1102",
            vec![
                with("SMN", "topic_urn", REMOVE),
                with("SMN", "topic_urn", json!("")),
                with("SMN", "topic_urn", json!(42)),
                with("SMN", "topic_urn", json!("topic1")),
                with("SMN", "topic_urn", json!("urn:smn:r:p")),
                with("SMN", "topic_urn", json!("urn:obs:r:p:t")),
                with("SMN", "subscription_status", json!("confirmed")),
                with("SMN", "subscription_status", json!(true)),
            ],
        ),
        (
            "DMS",
            "FSS.1103",
            vec![
                with("DMS", "queue_id", REMOVE),
                with("DMS", "consumer_group_id", REMOVE),
                with("DMS", "queue_id", json!(["q"])),
                with("DMS", "polling_interval", json!("30")),
                with("DMS", "polling_interval", json!(0)),
                with("DMS", "polling_interval", json!(61)),
                with("DMS", "polling_interval", json!(-5)),
                with("DMS", "polling_interval", json!(2.5)),
            ],
        ),
        (
            "DIS",
            "FSS.1104",
            vec![
                with("DIS", "stream_name", REMOVE),
                with("DIS", "sharditerator_type", REMOVE),
                with("DIS", "sharditerator_type", json!("OLDEST")),
                with("DIS", "polling_interval", json!(0)),
                with("DIS", "polling_interval", json!(61)),
                with("DIS", "batch_size", json!(0)),
                with("DIS", "batch_size", json!(10001)),
                with("DIS", "batch_size", json!(-1)),
                with("DIS", "batch_size", json!(1e20)),
                with("DIS", "batch_size", json!(u64::MAX)),
                with("DIS", "batch_size", json!({"n": 1})),
            ],
        ),
        (
            "OBS",
            "FSS.1106",
            vec![
                with("OBS", "bucket", REMOVE),
                with("OBS", "bucket", json!("ab")),
                with("OBS", "bucket", json!("Upper-Case")),
                with("OBS", "bucket", json!("-dash-first")),
                with("OBS", "bucket", json!("a".repeat(64))),
                with("OBS", "events", REMOVE),
                with("OBS", "events", json!([])),
                with("OBS", "events", json!("s3:ObjectCreated:*")),
                with("OBS", "events", json!(["s3:ObjectCreated:Get"])),
                with("OBS", "events", json!(["s3:ObjectRemoved>Delete"])),
                with("OBS", "events", json!([1])),
                with(
                    "OBS",
                    "events",
                    json!(["s3:ObjectCreated:Put", "s3:ObjectCreated:Put"]),
                ),
                with("OBS", "prefix", json!(5)),
                with("OBS", "name", json!(5)),
            ],
        ),
        (
            "APIG",
            "FSS.1107",
            vec![
                with("APIG", "group_id", REMOVE),
                with("APIG", "env_id", REMOVE),
                with("APIG", "name", REMOVE),
                with("APIG", "auth", json!("TOKEN")),
                with("APIG", "auth", REMOVE),
                with("APIG", "protocol", json!("https")),
                with("APIG", "protocol", json!("FTP")),
                with("APIG", "path", REMOVE),
                with("APIG", "path", json!("test")),
                with("APIG", "path", json!("/with space")),
                with("APIG", "path", json!("/q?x=1")),
                with("APIG", "match_mode", json!("NORMAL")),
                with("APIG", "req_method", json!("DELETE")),
                with("APIG", "req_method", json!("get")),
                with("APIG", "backend_type", json!("HTTP")),
                with("APIG", "backend_type", REMOVE),
                with("APIG", "type", json!(2)),
                with("APIG", "type", json!("1")),
                with("APIG", "type", REMOVE),
                with("APIG", "sl_domain", REMOVE),
                with("APIG", "sl_domain", json!("bad domain")),
                with("APIG", "func_info", json!("5000")),
                with("APIG", "func_info", json!({"timeout": 0})),
                with("APIG", "func_info", json!({"timeout": 900001})),
                with("APIG", "func_info", json!({"timeout": "5000"})),
            ],
        ),
        (
            "DEDICATEDGATEWAY",
            "FSS.1107",
            vec![
                with("DEDICATEDGATEWAY", "instance_id", REMOVE),
                with("DEDICATEDGATEWAY", "instance_id", json!("")),
                with("DEDICATEDGATEWAY", "instance_id", json!(7)),
            ],
        ),
        (
            "APIC",
            "FSS.1107",
            vec![with("APIC", "instance_id", REMOVE)],
        ),
        (
            "TIMER",
            "FSS.1109",
            vec![
                with("TIMER", "name", REMOVE),
                with("TIMER", "name", json!(12)),
                with("TIMER", "schedule", REMOVE),
                with("TIMER", "schedule", json!(3)),
                with("TIMER", "schedule", json!("")),
                with("TIMER", "schedule_type", REMOVE),
                with("TIMER", "schedule_type", json!("Once")),
                with("TIMER", "schedule", json!("0m")),
                with("TIMER", "schedule", json!("-1h")),
                with("TIMER", "user_event", json!({"k": "v"})),
            ],
        ),
        (
            "LTS",
            "FSS.1110",
            vec![
                with("LTS", "log_group_id", REMOVE),
                with("LTS", "log_topic_id", REMOVE),
                with("LTS", "log_topic_id", json!(false)),
            ],
        ),
        (
            "DDS",
            "FSS.1164",
            vec![
                with("DDS", "instance_id", REMOVE),
                with("DDS", "db_name", REMOVE),
                with("DDS", "collection_name", json!("")),
                with("DDS", "db_password", json!(1234)),
                with("DDS", "batch_size", json!(0)),
                with("DDS", "batch_size", json!("100")),
            ],
        ),
        (
            "CTS",
            "FSS.1305",
            vec![
                with("CTS", "name", REMOVE),
                with("CTS", "operations", REMOVE),
                with("CTS", "operations", json!([])),
                with("CTS", "operations", json!("ECS:server:create")),
                with("CTS", "operations", json!(["ECS::create"])),
                with("CTS", "operations", json!([null])),
            ],
        ),
        (
            "KAFKA",
            "FSS.1112",
            vec![
                with("KAFKA", "instance_id", REMOVE),
                with("KAFKA", "topic_ids", REMOVE),
                with("KAFKA", "topic_ids", json!([])),
                with("KAFKA", "topic_ids", json!([""])),
                with("KAFKA", "topic_ids", json!(7)),
                with("KAFKA", "batch_size", json!(0)),
                with("KAFKA", "batch_size", json!(true)),
                with("KAFKA", "kafka_ssl_enable", json!("yes")),
                with("KAFKA", "kafka_user", json!(1)),
            ],
        ),
    ]
}

#[test]
fn malformed_event_data_gets_the_types_code() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    for (ty, code, cases) in table() {
        for data in cases {
            let result = emu.create_trigger(&urn, req(ty, data.clone()));
            match &result {
                Err(e) => assert_eq!(e.code(), code, "{ty} {data}: {}", e.message()),
                Ok(_) => panic!("{ty} {data} was accepted"),
            }
            assert_code(result, code, 400);
        }
    }
    assert!(emu.list_triggers(&urn).unwrap().is_empty());
}

#[test]
fn event_data_that_is_not_an_object_gets_the_types_code() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    let codes = [
        ("SMN", "FSS.1102"),
        ("DMS", "FSS.1103"),
        ("DIS", "FSS.1104"),
        ("OBS", "FSS.1106"),
        ("APIG", "FSS.1107"),
        ("TIMER", "FSS.1109"),
        ("LTS", "FSS.1110"),
        ("KAFKA", "FSS.1112"),
        ("DDS", "FSS.1164"),
        ("CTS", "FSS.1305"),
        ("DEDICATEDGATEWAY", "FSS.1107"),
        ("APIC", "FSS.1107"),
    ];
    for (ty, code) in codes {
        for data in [json!(null), json!([]), json!("{}"), json!(1), json!(true)] {
            assert_code(emu.create_trigger(&urn, req(ty, data)), code, 400);
        }
        let missing = fgs_core::trigger::CreateTriggerRequest {
            event_data: None,
            ..req(ty, json!({}))
        };
        assert_code(emu.create_trigger(&urn, missing), code, 400);
        assert_code(emu.create_trigger(&urn, req(ty, json!({}))), code, 400);
    }
}

/// Arbitrary JSON of depth <= 2.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-zA-Z0-9:/*_ .@?-]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random values in each type's fields: an error, if any, is a 4xx/502 trigger code,
    /// never a panic.
    #[test]
    fn random_event_data_never_panics(ty in prop::sample::select(TYPES.to_vec()),
                                      key in prop::sample::select(vec![
                                          "name", "schedule", "schedule_type", "topic_urn",
                                          "queue_id", "polling_interval", "batch_size",
                                          "bucket", "events", "path", "type", "func_info",
                                          "topic_ids", "topic_id", "kafka_ssl_enable",
                                          "operations", "sl_domain", "instance_id",
                                          "user_event", "prefix", "stream_name"]),
                                      value in arb_json()) {
        let (emu, _) = emulator();
        let urn = function(&emu, "f");
        let mut data = valid(ty);
        data[key] = value;
        if let Err(e) = emu.create_trigger(&urn, req(ty, data)) {
            prop_assert!(e.status() == 400 || e.status() == 502, "{e}");
        }
        let _ = emu.create_trigger(&urn, req(ty, arb_like(ty)));
    }
}

/// A whole object of odd values for the type's required keys.
fn arb_like(ty: &str) -> Value {
    let mut v = valid(ty);
    if let Some(obj) = v.as_object_mut() {
        for (_, val) in obj.iter_mut() {
            *val = json!([{"x": null}]);
        }
    }
    v
}
