//! Tests: triggers as data (seed §5.12, §1.6.2), all through the public `Emulator` API.
//!
//! - `create`: the create rules of §5.12.3 (qualifiers, types, status, defaults, server
//!   fields, names, counts, duplicates), code and status asserted.
//! - `duplicates`: per-type duplicates, OBS/APIG conflicts and trigger names.
//! - `event_data`: a table of malformed `event_data` per type, and random JSON that must
//!   never panic.
//! - `manage`: list, get, update, delete and delete-all (§5.12.1, §5.12.2, §5.12.4-§5.12.6).
//! - `golden`: the TIMER (§4.1) and APIG (§4.2) responses against the seed's examples.
//! - `schedule`: the parsed TIMER schedule's firings over a simulated day.

mod create;
mod duplicates;
mod event_data;
mod events;
mod golden;
mod manage;
mod schedule;

use fgs_core::alias::CreateAliasRequest;
use fgs_core::function::{CreateFunctionRequest, FuncCode};
use fgs_core::trigger::{CreateTriggerRequest, Trigger};
use fgs_core::version::PublishVersionRequest;
use fgs_runtime::Emulator;
use serde_json::{Value, json};

/// Creates function `name` in package `default` (timeout 5 s) and returns its
/// unqualified URN.
pub(super) fn function(emu: &Emulator, name: &str) -> String {
    let config = emu
        .create_function(CreateFunctionRequest {
            func_name: name.to_owned(),
            package: "default".to_owned(),
            runtime: "Python3.9".to_owned(),
            timeout: 5,
            handler: "index.handler".to_owned(),
            memory_size: 256,
            code_type: "inline".to_owned(),
            func_code: Some(FuncCode {
                file: Some(String::new()),
                link: None,
            }),
            ..CreateFunctionRequest::default()
        })
        .unwrap();
    let urn = emu.parse_urn(&config.func_urn).unwrap();
    urn.unqualified()
}

/// A create request with `event_type_code` set and no status.
pub(super) fn req(ty: &str, event_data: Value) -> CreateTriggerRequest {
    CreateTriggerRequest {
        trigger_type_code: ty.to_owned(),
        event_type_code: Some("MessageCreated".to_owned()),
        event_data: Some(event_data),
        ..CreateTriggerRequest::default()
    }
}

/// A request from seed-shaped JSON.
pub(super) fn parse_req(body: Value) -> CreateTriggerRequest {
    serde_json::from_value(body).unwrap()
}

/// Creates a trigger and returns it, panicking on error.
#[track_caller]
pub(super) fn create(emu: &Emulator, urn: &str, ty: &str, event_data: Value) -> Trigger {
    match emu.create_trigger(urn, req(ty, event_data)) {
        Ok(t) => t,
        Err(e) => panic!("create {ty} failed: {e}"),
    }
}

/// Valid `event_data` for each type code (the seed's examples where it has one).
pub(super) fn valid(ty: &str) -> Value {
    match ty {
        "SMN" => json!({"topic_urn": "urn:smn:local-1:0123456789abcdef0123456789abcdef:topic1",
                        "subscription_status": "Confirmed"}),
        "DMS" => json!({"queue_id": "q1", "consumer_group_id": "g1"}),
        "DIS" => json!({"stream_name": "dis-qYPJ", "sharditerator_type": "TRIM_HORIZON"}),
        "OBS" => json!({"bucket": "input-picture2", "events": ["s3:ObjectCreated:*"],
                        "name": "obs-event-1ec7"}),
        "APIG" => apig("API_test", "/test"),
        "DEDICATEDGATEWAY" | "APIC" => {
            let mut v = apig("API_dedicated", "/dedicated");
            v["instance_id"] = json!(format!("{}-instance", ty.to_lowercase()));
            v
        }
        "TIMER" => json!({"name": "Timer-cpg3", "schedule": "3m", "schedule_type": "Rate"}),
        "LTS" => json!({"log_group_id": "lg1", "log_topic_id": "lt1"}),
        "DDS" => json!({"instance_id": "dds1", "db_name": "db", "collection_name": "c1",
                        "db_password": "secret", "batch_size": 10}),
        "CTS" => json!({"name": "cts-1", "operations": ["FunctionGraph:Functions:createFunction"]}),
        "KAFKA" => json!({"instance_id": "86ad", "topic_ids": ["PUSH_TOKEN_RECORD"],
                          "batch_size": 100}),
        other => panic!("no sample for {other}"),
    }
}

/// The §4.2 APIG `event_data` with another name and path.
pub(super) fn apig(name: &str, path: &str) -> Value {
    json!({
        "group_id": "a9ad0d5df4d7475c9bc35a7c17d89304",
        "env_id": "DEFAULT_ENVIRONMENT_RELEASE_ID",
        "env_name": "RELEASE",
        "auth": "NONE",
        "protocol": "HTTP",
        "name": name,
        "path": path,
        "match_mode": "SWA",
        "req_method": "ANY",
        "backend_type": "FUNCTION",
        "sl_domain": "a9ad0d5df4d7475c9bc35a7c17d89304.apig.xxx.xxxapis.com",
        "type": 1
    })
}

/// A TIMER `event_data`.
pub(super) fn timer(name: &str, schedule_type: &str, schedule: &str) -> Value {
    json!({"name": name, "schedule_type": schedule_type, "schedule": schedule})
}

/// Every type code the emulator manages.
pub(super) const TYPES: [&str; 12] = [
    "SMN",
    "APIG",
    "OBS",
    "TIMER",
    "DMS",
    "DIS",
    "LTS",
    "DDS",
    "CTS",
    "KAFKA",
    "DEDICATEDGATEWAY",
    "APIC",
];

/// Publishes `latest` of `urn` as `version`.
pub(super) fn publish(emu: &Emulator, urn: &str, version: &str) {
    emu.publish_version(
        urn,
        PublishVersionRequest {
            version: Some(version.to_owned()),
            ..Default::default()
        },
    )
    .unwrap();
}

/// Creates alias `name` of `version`.
pub(super) fn alias(emu: &Emulator, urn: &str, name: &str, version: &str) {
    emu.create_alias(
        urn,
        CreateAliasRequest {
            name: name.to_owned(),
            version: version.to_owned(),
            ..Default::default()
        },
    )
    .unwrap();
}
