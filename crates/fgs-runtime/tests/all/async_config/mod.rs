//! Tests: Async-invocation configuration per qualifier (seed §5.13.1-§5.13.4; DECISIONS
//! "Async", "Time fields").

use std::time::Duration;

use fgs_core::async_config::{ListAsyncConfigsRequest, PutAsyncConfigRequest};
use fgs_runtime::Emulator;
use serde_json::json;

use crate::common::{assert_code, emulator, emulator_with};

mod list;

use crate::common::create_function as create;
use crate::common::publish_with_alias;

/// A PUT body from JSON.
fn put(body: serde_json::Value) -> PutAsyncConfigRequest {
    serde_json::from_value(body).unwrap()
}

/// A list query.
fn query(marker: Option<&str>, limit: Option<&str>) -> ListAsyncConfigsRequest {
    ListAsyncConfigsRequest {
        marker: marker.map(str::to_owned),
        limit: limit.map(str::to_owned),
    }
}

/// An emulator whose timestamps use the seed's +08:00 offset.
fn emulator_cst() -> (Emulator, std::sync::Arc<fgs_core::clock::ManualClock>) {
    emulator_with(Emulator::builder().utc_offset_seconds(8 * 3600))
}

#[test]
fn seed_put_example_gives_the_seed_response_shape() {
    // §5.13.3 example request; the response has the §5.13.1 shape and echoes stored values
    // (digest ambiguity 2), with RFC 3339 times with offset (DECISIONS "Time fields").
    let (emu, _) = emulator_cst();
    let urn = create(&emu, "test");
    let out = emu
        .put_async_invoke_config(
            &urn,
            put(
                json!({"max_async_event_age_in_seconds": 10, "max_async_retry_attempts": 3,
                       "enable_async_status_log": true}),
            ),
        )
        .unwrap();
    assert_eq!(
        serde_json::to_value(&out).unwrap(),
        json!({
            "func_urn": format!("{urn}:latest"),
            "max_async_event_age_in_seconds": 10,
            "max_async_retry_attempts": 3,
            "destination_config": {},
            "created_time": "2024-05-01T20:00:00+08:00",
            "last_modified": "2024-05-01T20:00:00+08:00",
            "enable_async_status_log": true
        })
    );
}

#[test]
fn seed_destination_example_is_accepted_and_echoed() {
    // §5.13.1 example destination_config (FunctionGraph on_success and on_failure).
    let (emu, _) = emulator();
    let urn = create(&emu, "test");
    create(&emu, "testPython");
    let param = format!(
        "{{ \"func_urn\": \"urn:fss:local-1:{}:function:default:testPython:latest\" }}",
        emu.project_id()
    );
    let dest = json!({
        "on_success": {"destination": "FunctionGraph", "param": param},
        "on_failure": {"destination": "FunctionGraph", "param": param}
    });
    let out = emu
        .put_async_invoke_config(
            &urn,
            put(
                json!({"max_async_event_age_in_seconds": 60, "max_async_retry_attempts": 1,
                       "destination_config": dest}),
            ),
        )
        .unwrap();
    let got = emu.get_async_invoke_config(&urn).unwrap();
    assert_eq!(got, out);
    let v = serde_json::to_value(&got).unwrap();
    assert_eq!(v["destination_config"], dest);
    assert_eq!(v["max_async_event_age_in_seconds"], 60);
    assert_eq!(v["max_async_retry_attempts"], 1);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "func_urn",
            "max_async_event_age_in_seconds",
            "max_async_retry_attempts",
            "destination_config",
            "created_time",
            "last_modified",
            "enable_async_status_log"
        ]
    );
}

#[test]
fn empty_put_takes_the_request_table_defaults() {
    // §5.13.3: age default 3600, retries default 1.
    let (emu, _) = emulator();
    let urn = create(&emu, "test");
    let out = emu.put_async_invoke_config(&urn, put(json!({}))).unwrap();
    assert_eq!(out.config.max_async_event_age_in_seconds, 3600);
    assert_eq!(out.config.max_async_retry_attempts, 1);
    assert!(!out.config.enable_async_status_log);
    assert_eq!(out.config.created_time, "2024-05-01T12:00:00+00:00");
}

#[test]
fn event_age_range_is_1_to_86400() {
    let (emu, _) = emulator();
    let urn = create(&emu, "test");
    for bad in [0, -1, 86_401] {
        assert_code(
            emu.put_async_invoke_config(&urn, put(json!({"max_async_event_age_in_seconds": bad}))),
            "FSS.0400",
            400,
        );
    }
    for good in [1, 86_400] {
        let out = emu
            .put_async_invoke_config(&urn, put(json!({"max_async_event_age_in_seconds": good})))
            .unwrap();
        assert_eq!(i64::from(out.config.max_async_event_age_in_seconds), good);
    }
}

#[test]
fn retry_range_is_0_to_3() {
    let (emu, _) = emulator();
    let urn = create(&emu, "test");
    for bad in [-1, 4, 8] {
        assert_code(
            emu.put_async_invoke_config(&urn, put(json!({"max_async_retry_attempts": bad}))),
            "FSS.0400",
            400,
        );
    }
    for good in [0, 3] {
        let out = emu
            .put_async_invoke_config(&urn, put(json!({"max_async_retry_attempts": good})))
            .unwrap();
        assert_eq!(i64::from(out.config.max_async_retry_attempts), good);
    }
}

/// Asserts that a PUT with `on_success` = `dest` fails with FSS.0400.
#[track_caller]
fn destination_rejected(emu: &Emulator, urn: &str, dest: serde_json::Value) {
    assert_code(
        emu.put_async_invoke_config(
            urn,
            put(json!({"destination_config": {"on_success": dest}})),
        ),
        "FSS.0400",
        400,
    );
}

/// Asserts that a PUT with `on_failure` = `dest` succeeds and echoes it.
#[track_caller]
fn destination_accepted(emu: &Emulator, urn: &str, dest: serde_json::Value) {
    let out = emu
        .put_async_invoke_config(
            urn,
            put(json!({"destination_config": {"on_failure": dest}})),
        )
        .unwrap();
    assert_eq!(
        serde_json::to_value(&out.config.destination_config).unwrap(),
        json!({"on_failure": dest})
    );
}

#[test]
fn destination_type_must_be_one_of_four_exact_case() {
    let (emu, _) = emulator();
    let urn = create(&emu, "test");
    destination_rejected(&emu, &urn, json!({"destination": "SQS", "param": "{}"}));
    destination_rejected(
        &emu,
        &urn,
        json!({"destination": "obs", "param": "{\"bucket\":\"abc\"}"}),
    );
}

#[test]
fn destination_param_must_be_a_json_object_string() {
    let (emu, _) = emulator();
    let urn = create(&emu, "test");
    destination_rejected(&emu, &urn, json!({"destination": "DIS", "param": "stream"}));
    destination_rejected(&emu, &urn, json!({"destination": "DIS", "param": "[1]"}));
    destination_rejected(&emu, &urn, json!({"destination": "DIS"}));
    destination_rejected(&emu, &urn, json!({"param": "{\"stream_name\":\"s\"}"}));
}

#[test]
fn empty_destination_entry_means_none() {
    let (emu, _) = emulator();
    let urn = create(&emu, "test");
    destination_accepted(&emu, &urn, json!({}));
}

#[test]
fn functiongraph_destination_needs_a_parsable_func_urn_of_another_function() {
    let (emu, _) = emulator();
    let urn = create(&emu, "test");
    let fg = |p: serde_json::Value| json!({"destination": "FunctionGraph", "param": p.to_string()});
    destination_rejected(&emu, &urn, fg(json!({})));
    destination_rejected(&emu, &urn, fg(json!({"func_urn": ""})));
    destination_rejected(&emu, &urn, fg(json!({"func_urn": 5})));
    destination_rejected(&emu, &urn, fg(json!({"func_urn": "a:b:c:d:e"})));
    // The function itself, in any URN form, would loop.
    destination_rejected(&emu, &urn, fg(json!({"func_urn": format!("{urn}:latest")})));
    destination_rejected(&emu, &urn, fg(json!({"func_urn": "test"})));
    destination_accepted(&emu, &urn, fg(json!({"func_urn": "default:other"})));
    destination_accepted(
        &emu,
        &urn,
        fg(json!({"func_urn": format!("{}:!prod", urn.replace("test", "other"))})),
    );
}

#[test]
fn obs_destination_needs_a_bucket_and_expiry_0_to_365() {
    let (emu, _) = emulator();
    let urn = create(&emu, "test");
    let obs = |p: serde_json::Value| json!({"destination": "OBS", "param": p.to_string()});
    destination_rejected(&emu, &urn, obs(json!({"prefix": "x"})));
    destination_rejected(&emu, &urn, obs(json!({"bucket": "UPPER"})));
    destination_rejected(&emu, &urn, obs(json!({"bucket": "ab"})));
    destination_rejected(&emu, &urn, obs(json!({"bucket": "logs", "expires": 366})));
    destination_rejected(&emu, &urn, obs(json!({"bucket": "logs", "expires": -1})));
    destination_rejected(&emu, &urn, obs(json!({"bucket": "logs", "prefix": 3})));
    destination_accepted(
        &emu,
        &urn,
        obs(json!({"bucket": "logs", "prefix": "async/", "expires": 0})),
    );
    destination_accepted(
        &emu,
        &urn,
        obs(json!({"bucket": "my.logs-1", "expires": 365})),
    );
}

#[test]
fn smn_destination_needs_a_topic_urn() {
    let (emu, _) = emulator();
    let urn = create(&emu, "test");
    let smn = |p: serde_json::Value| json!({"destination": "SMN", "param": p.to_string()});
    destination_rejected(&emu, &urn, smn(json!({})));
    destination_rejected(&emu, &urn, smn(json!({"topic_urn": "topic"})));
    destination_accepted(
        &emu,
        &urn,
        smn(json!({"topic_urn": "urn:smn:local-1:p:topic"})),
    );
}

#[test]
fn dis_destination_needs_a_stream_name() {
    let (emu, _) = emulator();
    let urn = create(&emu, "test");
    let dis = |p: serde_json::Value| json!({"destination": "DIS", "param": p.to_string()});
    destination_rejected(&emu, &urn, dis(json!({})));
    destination_rejected(&emu, &urn, dis(json!({"stream_name": "bad name"})));
    destination_rejected(&emu, &urn, dis(json!({"stream_name": "s".repeat(65)})));
    destination_accepted(&emu, &urn, dis(json!({"stream_name": "dis-stream_1"})));
}

#[test]
fn put_again_replaces_and_keeps_created_time() {
    let (emu, clock) = emulator();
    let urn = create(&emu, "test");
    emu.put_async_invoke_config(
        &urn,
        put(json!({"max_async_retry_attempts": 3, "enable_async_status_log": true})),
    )
    .unwrap();
    clock.advance(Duration::from_secs(90));
    let out = emu
        .put_async_invoke_config(&urn, put(json!({"max_async_event_age_in_seconds": 100})))
        .unwrap();
    assert_eq!(out.config.created_time, "2024-05-01T12:00:00+00:00");
    assert_eq!(out.config.last_modified, "2024-05-01T12:01:30+00:00");
    // Replaced, not merged: omitted fields are back at their defaults.
    assert_eq!(out.config.max_async_retry_attempts, 1);
    assert!(!out.config.enable_async_status_log);
    assert_eq!(emu.get_async_invoke_config(&urn).unwrap(), out);
}

#[test]
fn get_without_config_is_fss_0404() {
    let (emu, _) = emulator();
    let urn = create(&emu, "test");
    assert_code(emu.get_async_invoke_config(&urn), "FSS.0404", 404);
}

#[test]
fn delete_removes_and_absent_delete_is_fss_0404() {
    let (emu, _) = emulator();
    let urn = create(&emu, "test");
    emu.put_async_invoke_config(&urn, put(json!({}))).unwrap();
    emu.delete_async_invoke_config(&urn).unwrap();
    assert_code(emu.get_async_invoke_config(&urn), "FSS.0404", 404);
    assert_code(emu.delete_async_invoke_config(&urn), "FSS.0404", 404);
}

#[test]
fn missing_function_version_or_alias() {
    let (emu, _) = emulator();
    let urn = create(&emu, "test");
    assert_code(
        emu.put_async_invoke_config("default:nobody", put(json!({}))),
        "FSS.1051",
        404,
    );
    assert_code(emu.get_async_invoke_config("nobody"), "FSS.1051", 404);
    assert_code(emu.delete_async_invoke_config("nobody"), "FSS.1051", 404);
    assert_code(
        emu.list_async_invoke_configs("nobody", query(None, None)),
        "FSS.1051",
        404,
    );
    let v9 = format!("{urn}:v9");
    assert_code(
        emu.put_async_invoke_config(&v9, put(json!({}))),
        "FSS.1052",
        404,
    );
    assert_code(emu.get_async_invoke_config(&v9), "FSS.1052", 404);
    assert_code(emu.delete_async_invoke_config(&v9), "FSS.1052", 404);
    let alias = format!("{urn}:!nope");
    assert_code(
        emu.put_async_invoke_config(&alias, put(json!({}))),
        "FSS.1053",
        404,
    );
    assert_code(emu.get_async_invoke_config(&alias), "FSS.1053", 404);
    assert_code(emu.delete_async_invoke_config(&alias), "FSS.1053", 404);
    assert_code(emu.get_async_invoke_config("a:b:c:d:e"), "FSS.1309", 400);
}

#[test]
fn configs_are_per_qualifier() {
    let (emu, _) = emulator();
    let urn = create(&emu, "test");
    publish_with_alias(&emu, &urn, "v1", "prod");
    // Unqualified means latest.
    let latest = emu
        .put_async_invoke_config(&urn, put(json!({"max_async_retry_attempts": 0})))
        .unwrap();
    assert_eq!(latest.func_urn, format!("{urn}:latest"));
    let v1 = emu
        .put_async_invoke_config(
            &format!("{urn}:v1"),
            put(json!({"max_async_retry_attempts": 2})),
        )
        .unwrap();
    assert_eq!(v1.func_urn, format!("{urn}:v1"));
    assert_code(
        emu.get_async_invoke_config(&format!("{urn}:!prod")),
        "FSS.0404",
        404,
    );
    let prod = emu
        .put_async_invoke_config(
            &format!("{urn}:!prod"),
            put(json!({"max_async_retry_attempts": 3})),
        )
        .unwrap();
    assert_eq!(prod.func_urn, format!("{urn}:!prod"));
    assert_eq!(
        emu.get_async_invoke_config(&format!("{urn}:latest"))
            .unwrap()
            .config
            .max_async_retry_attempts,
        0
    );
    // Deleting one leaves the others.
    emu.delete_async_invoke_config(&format!("{urn}:v1"))
        .unwrap();
    assert!(emu.get_async_invoke_config(&urn).is_ok());
    assert!(emu.get_async_invoke_config(&format!("{urn}:!prod")).is_ok());
}
