//! The event each trigger type delivers (issue 4, DECISIONS "Triggers": event shapes,
//! `fgs_core::trigger::events`), through `Emulator::fire_trigger` and the TIMER scheduler:
//! exact top-level keys per type, a few nested keys and values, the invocation mode, and
//! the ACTIVE-only rule.

use std::collections::BTreeSet;
use std::time::Duration;

use base64::Engine as _;
use fgs_core::trigger::{InvokeMode, UpdateTriggerRequest};
use serde_json::{Value, json};

use super::{create, function, parse_req, valid};
use crate::common::{assert_code, emulator};

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

fn unb64(s: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(s.as_str().unwrap())
        .unwrap()
}

/// Creates an ACTIVE trigger of `ty` on function `f` and fires it with `payload`.
fn fire(ty: &str, payload: Value) -> (Value, fgs_runtime::DeliveredEvent) {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    let mut body = json!({"trigger_type_code": ty, "event_type_code": "MessageCreated",
                          "trigger_status": "ACTIVE", "event_data": valid(ty)});
    if ty == "KAFKA" {
        body["event_data"]["topic_ids"] = json!(["t1", "t2"]);
    }
    let t = emu.create_trigger(&urn, parse_req(body)).unwrap();
    let event = emu.fire_trigger(&urn, ty, &t.trigger_id, payload).unwrap();
    let log = emu.fired_events();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].event, event, "the log holds the returned event");
    assert_eq!(log[0].trigger_id, t.trigger_id);
    assert!(log[0].function_urn.ends_with(":function:default:f:latest"));
    (event, log[0].clone())
}

#[test]
fn apig_family_is_sync_with_the_apig_shape() {
    for ty in ["APIG", "DEDICATEDGATEWAY", "APIC"] {
        let payload = json!({"httpMethod": "POST", "headers": {"a": "b"},
                             "queryStringParameters": {"q": "1"}, "body": {"x": 1}});
        let (e, d) = fire(ty, payload);
        assert_eq!(d.invoke_mode, InvokeMode::Sync, "{ty}");
        assert_eq!(
            keys(&e),
            set(&[
                "body",
                "requestContext",
                "queryStringParameters",
                "httpMethod",
                "pathParameters",
                "headers",
                "path",
                "isBase64Encoded"
            ]),
            "{ty}"
        );
        assert_eq!(e["httpMethod"], "POST");
        assert_eq!(e["isBase64Encoded"], true);
        assert_eq!(unb64(&e["body"]), br#"{"x":1}"#);
        assert_eq!(e["headers"], json!({"a": "b"}));
        assert_eq!(e["queryStringParameters"], json!({"q": "1"}));
        assert!(e["path"].as_str().unwrap().starts_with('/'));
        assert_eq!(
            keys(&e["requestContext"]),
            set(&["apiId", "requestId", "stage", "sourceIp"])
        );
    }
}

#[test]
fn obs_records_shape() {
    let (e, d) = fire("OBS", json!({"key": "job.png", "size": 777}));
    assert_eq!(d.invoke_mode, InvokeMode::Async);
    assert_eq!(keys(&e), set(&["Records"]));
    let r = &e["Records"][0];
    assert_eq!(
        keys(r),
        set(&[
            "eventVersion",
            "eventSource",
            "eventRegion",
            "eventTime",
            "eventName",
            "userIdentity",
            "requestParameters",
            "responseElements",
            "s3"
        ])
    );
    assert_eq!(
        r["eventName"], "ObjectCreated:Put",
        "s3:ObjectCreated:* reads as Put"
    );
    assert_eq!(r["eventTime"], "2024-05-01T12:00:00.000Z");
    assert_eq!(r["s3"]["bucket"]["name"], "input-picture2");
    assert_eq!(r["s3"]["object"]["key"], "job.png");
    assert_eq!(r["s3"]["object"]["size"], 777);
    // A string payload is the key.
    let (e, _) = fire("OBS", json!("a/b.txt"));
    assert_eq!(e["Records"][0]["s3"]["object"]["key"], "a/b.txt");
}

#[test]
fn smn_record_shape() {
    let (e, d) = fire("SMN", json!({"message": "hello", "subject": "hi"}));
    assert_eq!(d.invoke_mode, InvokeMode::Async);
    assert_eq!(keys(&e), set(&["record"]));
    let r = &e["record"][0];
    assert_eq!(
        keys(r),
        set(&[
            "event_version",
            "smn",
            "event_subscription_urn",
            "event_source"
        ])
    );
    assert_eq!(r["event_source"], "smn");
    assert_eq!(r["smn"]["message"], "hello");
    assert_eq!(r["smn"]["subject"], "hi");
    assert_eq!(r["smn"]["timestamp"], "2024-05-01T12:00:00Z");
    assert_eq!(
        r["smn"]["topic_urn"],
        "urn:smn:local-1:0123456789abcdef0123456789abcdef:topic1"
    );
    assert_eq!(
        r["event_subscription_urn"].as_str(),
        Some(d.function_urn.as_str())
    );
}

#[test]
fn dms_shape() {
    let (e, _) = fire(
        "DMS",
        json!(["m1", {"attributes": {"k": "v"}, "body": "m2"}]),
    );
    assert_eq!(
        keys(&e),
        set(&[
            "queue_id",
            "region",
            "event_type",
            "consumer_group_id",
            "messages"
        ])
    );
    assert_eq!(e["queue_id"], "q1");
    assert_eq!(e["consumer_group_id"], "g1");
    assert_eq!(e["messages"][0], json!({"attributes": {}, "body": "m1"}));
    assert_eq!(e["messages"][1]["attributes"]["k"], "v");
}

#[test]
fn dis_shape() {
    let (e, _) = fire("DIS", json!(["welcome", "using"]));
    assert_eq!(keys(&e), set(&["ShardID", "Message", "Tag", "StreamName"]));
    assert_eq!(
        keys(&e["Message"]),
        set(&["next_partition_cursor", "records", "millisBehindLatest"])
    );
    assert_eq!(e["StreamName"], "dis-qYPJ");
    let r = &e["Message"]["records"][1];
    assert_eq!(keys(r), set(&["partition_key", "data", "sequence_number"]));
    assert_eq!(unb64(&r["data"]), b"using");
    assert_eq!(r["sequence_number"], "1");
}

#[test]
fn kafka_shape() {
    let (e, _) = fire("KAFKA", json!(["a", {"n": 1}]));
    assert_eq!(
        keys(&e),
        set(&[
            "event_version",
            "event_time",
            "trigger_type",
            "region",
            "instance_id",
            "records"
        ])
    );
    assert_eq!(e["trigger_type"], "KAFKA");
    assert_eq!(e["event_time"], 1_714_564_800, "epoch seconds of START");
    assert_eq!(e["instance_id"], "86ad");
    assert_eq!(keys(&e["records"][0]), set(&["messages", "topic_id"]));
    assert_eq!(e["records"][0]["topic_id"], "t1");
    assert_eq!(e["records"][0]["messages"], json!(["a", "{\"n\":1}"]));
    let (e, _) = fire("KAFKA", json!({"topic_id": "t2", "messages": ["x"]}));
    assert_eq!(e["records"][0]["topic_id"], "t2");
}

#[test]
fn lts_shape() {
    let (e, _) = fire("LTS", json!(["line one"]));
    assert_eq!(keys(&e), set(&["lts"]));
    assert_eq!(keys(&e["lts"]), set(&["data"]));
    let data: Value = serde_json::from_slice(&unb64(&e["lts"]["data"])).unwrap();
    assert_eq!(
        keys(&data),
        set(&["logs", "owner", "log_group_id", "log_topic_id"])
    );
    assert_eq!(data["log_group_id"], "lg1");
    assert_eq!(data["logs"][0]["message"], "line one");
}

#[test]
fn cts_shape() {
    let (e, _) = fire("CTS", json!({"code": 204, "resource_name": "r1"}));
    assert_eq!(keys(&e), set(&["cts"]));
    let c = &e["cts"];
    for k in [
        "time",
        "user",
        "request",
        "response",
        "code",
        "service_type",
        "resource_type",
        "resource_name",
        "resource_id",
        "trace_name",
        "trace_type",
        "record_time",
        "trace_id",
        "trace_status",
    ] {
        assert!(c.get(k).is_some(), "cts.{k}");
    }
    assert_eq!(c["service_type"], "FunctionGraph");
    assert_eq!(c["resource_type"], "Functions");
    assert_eq!(c["trace_name"], "createFunction");
    assert_eq!(c["code"], 204);
    assert_eq!(c["resource_name"], "r1");
    assert_eq!(c["time"], 1_714_564_800_000_i64);
}

#[test]
fn dds_shape() {
    let (e, _) = fire("DDS", json!([{"name": "dds"}]));
    assert_eq!(keys(&e), set(&["records"]));
    let r = &e["records"][0];
    assert_eq!(
        keys(r),
        set(&[
            "event_source",
            "event_name",
            "region",
            "event_version",
            "dds",
            "event_source_id"
        ])
    );
    assert_eq!(
        keys(&r["dds"]),
        set(&["size_bytes", "token", "full_document", "ns"])
    );
    assert_eq!(r["dds"]["full_document"], r#"{"name":"dds"}"#);
    assert_eq!(r["dds"]["ns"], r#"{"db":"db","coll":"c1"}"#);
}

#[test]
fn timer_event_shape_when_it_fires() {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    let mut data = valid("TIMER");
    data["user_event"] = json!("hello");
    create(&emu, &urn, "TIMER", data);
    emu.advance(Duration::from_secs(180));
    let fired = emu.fired_events();
    assert_eq!(fired.len(), 1);
    let e = &fired[0].event;
    assert_eq!(
        keys(e),
        set(&[
            "version",
            "time",
            "trigger_type",
            "trigger_name",
            "user_event"
        ])
    );
    assert_eq!(e["version"], "v1.0");
    assert_eq!(e["time"], "2024-05-01T12:03:00+00:00");
    assert_eq!(e["trigger_type"], "TIMER");
    assert_eq!(e["trigger_name"], "Timer-cpg3");
    assert_eq!(e["user_event"], "hello");
    assert_eq!(fired[0].invoke_mode, InvokeMode::Async);
}

#[test]
fn only_active_triggers_fire() {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    // DDS starts DISABLED (§5.12.3).
    let t = create(&emu, &urn, "DDS", valid("DDS"));
    assert_code(
        emu.fire_trigger(&urn, "DDS", &t.trigger_id, json!({})),
        "FSS.1318",
        400,
    );
    assert!(emu.fired_events().is_empty());
    let enable = UpdateTriggerRequest {
        trigger_status: Some("ACTIVE".to_owned()),
        ..Default::default()
    };
    emu.update_trigger(&urn, "DDS", &t.trigger_id, enable)
        .unwrap();
    emu.fire_trigger(&urn, "DDS", &t.trigger_id, json!({}))
        .unwrap();
    assert_eq!(emu.fired_events().len(), 1);
}

#[test]
fn fire_trigger_lookup_errors() {
    let (emu, _clock) = emulator();
    let urn = function(&emu, "f");
    let t = create(&emu, &urn, "SMN", valid("SMN"));
    assert_code(
        emu.fire_trigger(&urn, "SMN", "nope", json!(1)),
        "FSS.1132",
        404,
    );
    assert_code(
        emu.fire_trigger(&urn, "OBS", &t.trigger_id, json!(1)),
        "FSS.1137",
        404,
    );
    assert_code(
        emu.fire_trigger(&urn, "XYZ", &t.trigger_id, json!(1)),
        "FSS.1137",
        404,
    );
    assert_code(
        emu.fire_trigger(&format!("{urn}:missing"), "SMN", &t.trigger_id, json!(1)),
        "FSS.1052",
        404,
    );
    assert_code(
        emu.fire_trigger(&format!("{urn}:!missing"), "SMN", &t.trigger_id, json!(1)),
        "FSS.1053",
        404,
    );
    let other = format!("{}:g", urn.strip_suffix(":f").unwrap());
    assert_code(
        emu.fire_trigger(&other, "SMN", &t.trigger_id, json!(1)),
        "FSS.1051",
        404,
    );
    assert!(emu.fired_events().is_empty());
}
