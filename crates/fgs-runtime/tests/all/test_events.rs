//! Tests: Test events (seed §5.4). Every rule and error code through the public API, plus the
//! golden JSON shapes of the §5.4.1/§5.4.2/§5.4.4 examples.

use std::collections::BTreeSet;

use fgs_core::function::CreateFunctionRequest;
use fgs_core::limits::Limits;
use fgs_core::test_event::{CreateTestEventRequest, UpdateTestEventRequest};
use fgs_runtime::Emulator;
use serde_json::{Value, json};

use crate::common::{assert_code, emulator, emulator_with};

/// 2024-05-01T12:00:00Z, the tests' start time, in epoch seconds.
const START_EPOCH: i64 = 1_714_564_800;

fn function(emu: &Emulator, name: &str) {
    emu.create_function(CreateFunctionRequest {
        func_name: name.into(),
        package: "default".into(),
        runtime: "Custom".into(),
        timeout: 3,
        handler: "index.handler".into(),
        memory_size: 128,
        code_type: "inline".into(),
        ..Default::default()
    })
    .unwrap();
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn req(name: &str, content: Value) -> CreateTestEventRequest {
    CreateTestEventRequest {
        name: Some(name.into()),
        content: Some(content),
    }
}

#[test]
fn create_get_and_list_follow_the_seed_examples() {
    let (emu, _) = emulator();
    function(&emu, "f");
    // §5.4.2 example body.
    let body: CreateTestEventRequest =
        serde_json::from_str(r#"{"name":"event-xx","content":"{\"k\":\"v\"}"}"#).unwrap();
    let created = emu.create_test_event("f", body).unwrap();
    let v = serde_json::to_value(&created).unwrap();
    assert_eq!(keys(&v), set(&["id", "name"]));
    assert_eq!(v["name"], "event-xx");
    assert_eq!(created.id.len(), 36);

    // §5.4.4: {id, name, last_modified, content}, numeric epoch seconds.
    let got = emu.get_test_event("f", &created.id).unwrap();
    let v = serde_json::to_value(&got).unwrap();
    assert_eq!(keys(&v), set(&["id", "name", "last_modified", "content"]));
    assert_eq!(v["id"], json!(created.id));
    assert_eq!(v["content"], r#"{"k":"v"}"#);
    assert_eq!(v["last_modified"], json!(START_EPOCH));

    // §5.4.1: {events: [{id, name, last_modified}], next_marker, count}.
    let list = serde_json::to_value(emu.list_test_events("f").unwrap()).unwrap();
    assert_eq!(
        list,
        json!({"events": [{"id": created.id, "name": "event-xx", "last_modified": START_EPOCH}],
               "next_marker": 1, "count": 1})
    );
}

#[test]
fn content_is_returned_exactly_as_sent() {
    // A24: the seed's examples are not valid JSON and its GET example is Base64; the content
    // is stored verbatim.
    let (emu, _) = emulator();
    function(&emu, "f");
    for (name, content) in [
        ("malformed", r#"{\k:\v\}"#),
        (
            "base64",
            "ewogICAgImJvZGkiOiAiIiwKICAgICJyZXF1ZXN0Q29udGV4dCI6IHt9Cn0=",
        ),
        ("spaced", "{\n    \"body\": \"\",\n    \"n\": 1 }\n"),
        ("unicode", "{\"msg\":\"olá 世界\"}"),
    ] {
        let id = emu
            .create_test_event("f", CreateTestEventRequest::new(name, content))
            .unwrap()
            .id;
        assert_eq!(emu.get_test_event("f", &id).unwrap().content, content);
    }
}

#[test]
fn list_is_in_creation_order_and_empty_list_counts_zero() {
    let (emu, clock) = emulator();
    function(&emu, "f");
    let list = emu.list_test_events("f").unwrap();
    assert_eq!((list.events.len(), list.next_marker, list.count), (0, 0, 0));
    for name in ["b-event", "a_event", "C1"] {
        emu.create_test_event("f", CreateTestEventRequest::new(name, "{}"))
            .unwrap();
        clock.advance(std::time::Duration::from_secs(10));
    }
    let list = emu.list_test_events("f").unwrap();
    let names: Vec<_> = list.events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["b-event", "a_event", "C1"]);
    let times: Vec<_> = list.events.iter().map(|e| e.last_modified).collect();
    assert_eq!(times, [START_EPOCH, START_EPOCH + 10, START_EPOCH + 20]);
    assert_eq!((list.next_marker, list.count), (3, 3));
}

#[test]
fn events_belong_to_the_function_whatever_the_urn_form() {
    let (emu, _) = emulator();
    function(&emu, "f");
    function(&emu, "g");
    let full = emu.get_function_config("f").unwrap().func_urn;
    let id = emu
        .create_test_event(&full, CreateTestEventRequest::new("e1", "{}"))
        .unwrap()
        .id;
    let short = format!("{}:default:f:latest", emu.project_id());
    let unqualified = format!(
        "urn:fss:{}:{}:function:default:f",
        emu.region(),
        emu.project_id()
    );
    for urn in ["f", "default:f", &short, &unqualified, full.as_str()] {
        assert_eq!(emu.get_test_event(urn, &id).unwrap().name, "e1", "{urn}");
        assert_eq!(emu.list_test_events(urn).unwrap().count, 1, "{urn}");
    }
    // Another function does not see it.
    assert_eq!(emu.list_test_events("g").unwrap().count, 0);
    assert_code(emu.get_test_event("g", &id), "FSS.1070", 404);
}

#[test]
fn missing_function_is_fss_1051() {
    let (emu, _) = emulator();
    let ok = CreateTestEventRequest::new("e", "{}");
    assert_code(emu.create_test_event("nope", ok), "FSS.1051", 404);
    assert_code(emu.list_test_events("nope"), "FSS.1051", 404);
    assert_code(emu.get_test_event("nope", "x"), "FSS.1051", 404);
    assert_code(
        emu.update_test_event("nope", "x", UpdateTestEventRequest::new("{}")),
        "FSS.1051",
        404,
    );
    assert_code(emu.delete_test_event("nope", "x"), "FSS.1051", 404);
}

#[test]
fn bad_name_is_fss_1074() {
    // §5.4.2: starts with a letter; letters, digits, '-' and '_' only.
    let (emu, _) = emulator();
    function(&emu, "f");
    for bad in [
        "", "1event", "-event", "_e", "ev.ent", "ev ent", "evént", "e!",
    ] {
        assert_code(
            emu.create_test_event("f", CreateTestEventRequest::new(bad, "{}")),
            "FSS.1074",
            400,
        );
    }
    let missing = CreateTestEventRequest {
        name: None,
        content: Some(json!("{}")),
    };
    assert_code(emu.create_test_event("f", missing), "FSS.1074", 400);
    for good in ["e", "Event-1_x", "a-"] {
        emu.create_test_event("f", CreateTestEventRequest::new(good, "{}"))
            .unwrap();
    }
}

#[test]
fn content_that_is_not_a_non_empty_string_is_fss_1074() {
    let (emu, _) = emulator();
    function(&emu, "f");
    let bodies = [
        r#"{"name":"e"}"#,
        r#"{"name":"e","content":null}"#,
        r#"{"name":"e","content":""}"#,
        r#"{"name":"e","content":42}"#,
        r#"{"name":"e","content":{"k":"v"}}"#,
        r#"{"name":"e","content":["a"]}"#,
        r#"{"name":"e","content":true}"#,
    ];
    for body in bodies {
        let r: CreateTestEventRequest = serde_json::from_str(body).unwrap();
        assert_code(emu.create_test_event("f", r), "FSS.1074", 400);
    }
    let id = emu
        .create_test_event("f", req("e", json!("{}")))
        .unwrap()
        .id;
    for content in [None, Some(json!("")), Some(json!({"k": 1})), Some(json!(3))] {
        assert_code(
            emu.update_test_event("f", &id, UpdateTestEventRequest { content }),
            "FSS.1074",
            400,
        );
    }
}

#[test]
fn content_over_the_size_limit_is_fss_1069() {
    let (emu, _) = emulator();
    function(&emu, "f");
    let max = emu.limits().max_test_event_size;
    assert_eq!(max, 4096);
    let big = "x".repeat(max + 1);
    assert_code(
        emu.create_test_event("f", CreateTestEventRequest::new("big", big.clone())),
        "FSS.1069",
        403,
    );
    // Multi-byte characters count as their UTF-8 bytes.
    let wide = "é".repeat(max / 2 + 1);
    assert_code(
        emu.create_test_event("f", CreateTestEventRequest::new("wide", wide)),
        "FSS.1069",
        403,
    );
    let id = emu
        .create_test_event("f", CreateTestEventRequest::new("ok", "x".repeat(max)))
        .unwrap()
        .id;
    assert_code(
        emu.update_test_event("f", &id, UpdateTestEventRequest::new(big)),
        "FSS.1069",
        403,
    );
    assert_eq!(emu.get_test_event("f", &id).unwrap().content.len(), max);
}

#[test]
fn duplicate_name_is_fss_1073() {
    let (emu, _) = emulator();
    function(&emu, "f");
    function(&emu, "g");
    emu.create_test_event("f", CreateTestEventRequest::new("same", "{}"))
        .unwrap();
    assert_code(
        emu.create_test_event("f", CreateTestEventRequest::new("same", "{\"a\":1}")),
        "FSS.1073",
        403,
    );
    // Names are per function.
    emu.create_test_event("g", CreateTestEventRequest::new("same", "{}"))
        .unwrap();
}

#[test]
fn more_than_the_per_function_limit_is_fss_1068() {
    let (emu, _) = emulator();
    function(&emu, "f");
    let max = emu.limits().max_test_events;
    assert_eq!(max, 10);
    let mut ids = Vec::new();
    for i in 0..max {
        ids.push(
            emu.create_test_event("f", CreateTestEventRequest::new(format!("e{i}"), "{}"))
                .unwrap()
                .id,
        );
    }
    assert_code(
        emu.create_test_event("f", CreateTestEventRequest::new("one-more", "{}")),
        "FSS.1068",
        403,
    );
    emu.delete_test_event("f", &ids[0]).unwrap();
    emu.create_test_event("f", CreateTestEventRequest::new("one-more", "{}"))
        .unwrap();

    // The limit is a builder setting.
    let limits = Limits {
        max_test_events: 1,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    function(&emu, "f");
    emu.create_test_event("f", CreateTestEventRequest::new("a", "{}"))
        .unwrap();
    assert_code(
        emu.create_test_event("f", CreateTestEventRequest::new("b", "{}")),
        "FSS.1068",
        403,
    );
}

#[test]
fn update_changes_only_the_content_and_last_modified() {
    let (emu, clock) = emulator();
    function(&emu, "f");
    let created = emu
        .create_test_event(
            "f",
            CreateTestEventRequest::new("event-k9r3", "{\"k\":\"v\"}"),
        )
        .unwrap();
    clock.advance(std::time::Duration::from_secs(3600));
    // §5.4.5 example body.
    let body: UpdateTestEventRequest =
        serde_json::from_str(r#"{"content":"{\"k\":\"w\"}"}"#).unwrap();
    let resp = emu.update_test_event("f", &created.id, body).unwrap();
    assert_eq!(
        serde_json::to_value(&resp).unwrap(),
        json!({"id": created.id, "name": "event-k9r3"})
    );
    let got = emu.get_test_event("f", &created.id).unwrap();
    assert_eq!(got.content, "{\"k\":\"w\"}");
    assert_eq!(got.name, "event-k9r3");
    assert_eq!(got.last_modified, START_EPOCH + 3600);
}

#[test]
fn unknown_event_id_is_fss_1070() {
    let (emu, _) = emulator();
    function(&emu, "f");
    assert_code(emu.get_test_event("f", "no-such-id"), "FSS.1070", 404);
    assert_code(
        emu.update_test_event("f", "no-such-id", UpdateTestEventRequest::new("{}")),
        "FSS.1070",
        404,
    );
    assert_code(emu.delete_test_event("f", "no-such-id"), "FSS.1070", 404);
}

#[test]
fn delete_removes_the_event() {
    let (emu, _) = emulator();
    function(&emu, "f");
    let a = emu
        .create_test_event("f", CreateTestEventRequest::new("a", "{}"))
        .unwrap();
    let b = emu
        .create_test_event("f", CreateTestEventRequest::new("b", "{}"))
        .unwrap();
    emu.delete_test_event("f", &a.id).unwrap();
    assert_code(emu.get_test_event("f", &a.id), "FSS.1070", 404);
    assert_code(emu.delete_test_event("f", &a.id), "FSS.1070", 404);
    let list = emu.list_test_events("f").unwrap();
    assert_eq!(list.count, 1);
    assert_eq!(list.events[0].id, b.id);
    // The name is free again.
    emu.create_test_event("f", CreateTestEventRequest::new("a", "{}"))
        .unwrap();
}
