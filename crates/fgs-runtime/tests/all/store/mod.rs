//! Durable state (issue 10): a state dir keeps everything across a restart; crashes (an
//! emulator dropped with no shutdown step) lose no accepted async request; damaged or
//! unknown stores are clear errors.

mod damage;
mod recovery;
mod roundtrip;

use std::path::Path;
use std::sync::Arc;

use fgs_core::clock::ManualClock;
use fgs_runtime::Emulator;
use serde::Serialize;
use serde_json::{Value, json};

use crate::common::{START, b64, body, create_function, publish_with_alias, zip_of};

/// An emulator on `clock` keeping its state in `dir`.
pub fn durable(dir: &Path, clock: &Arc<ManualClock>) -> Emulator {
    Emulator::builder()
        .clock(clock.clone())
        .seed(7)
        .state_dir(dir)
        .build()
        .unwrap()
}

/// A manual clock at [`START`].
pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::at_rfc3339(START).unwrap())
}

/// A result as JSON: the value, or `{"error": code}`.
fn j<T: Serialize>(r: fgs_core::Result<T>) -> Value {
    match r {
        Ok(v) => serde_json::to_value(v).unwrap(),
        Err(e) => json!({"error": e.code()}),
    }
}

/// Every list and get response of the management API (and the async records), as JSON.
pub fn view(emu: &Emulator) -> Value {
    let functions = emu.list_functions(&body(json!({}))).unwrap();
    let mut per_function = Vec::new();
    for f in &functions.functions {
        let urn = f.func_urn.trim_end_matches(":latest").to_owned();
        let versions = emu.list_versions(&urn, &body(json!({}))).unwrap();
        let aliases = emu.list_aliases(&urn).unwrap();
        let mut qualified = vec![];
        for v in &versions.versions {
            let q = format!("{urn}:{}", v.version);
            qualified.push(json!({
                "config": j(emu.get_function_config(&q)),
                "code": j(emu.get_function_code(&q)),
                "async": j(emu.get_async_invoke_config(&q)),
                "reserved": j(emu.list_reserved_instance_configs(&q)),
            }));
        }
        for a in &aliases {
            qualified.push(json!({
                "alias": j(emu.get_alias(&urn, &a.name)),
                "config": j(emu.get_function_config(&format!("{urn}:!{}", a.name))),
            }));
        }
        let triggers = emu.list_triggers(&urn).unwrap();
        let trigger_gets: Vec<Value> = triggers
            .iter()
            .map(|t| j(emu.get_trigger(&urn, t.trigger_type_code.code(), &t.trigger_id)))
            .collect();
        let events = emu.list_test_events(&urn).unwrap();
        let event_gets: Vec<Value> = events
            .events
            .iter()
            .map(|e| j(emu.get_test_event(&urn, &e.id)))
            .collect();
        per_function.push(json!({
            "config": j(emu.get_function_config(&urn)),
            "code": j(emu.get_function_code(&urn)),
            "versions": j(Ok(versions)),
            "aliases": j(Ok(aliases)),
            "qualified": qualified,
            "triggers": j(Ok(triggers)),
            "trigger_gets": trigger_gets,
            "test_events": j(Ok(events)),
            "test_event_gets": event_gets,
            "tracing": j(emu.get_tracing(&urn)),
            "reserved": j(emu.list_reserved_instance_configs(&urn)),
            "async_configs": j(emu.list_async_invoke_configs(&urn, body(json!({})))),
            "async_records": j(emu.list_async_invocations(&urn, &body(json!({})))),
            "lts": j(emu.get_lts_log_detail(&urn)),
            "export": j(emu
                .export_function(&urn, &body(json!({})))
                .map(|e| (e.file_name, b64(&e.bytes)))),
        }));
    }
    let deps = emu.list_dependencies(body(json!({}))).unwrap();
    let dep_gets: Vec<Value> = deps
        .dependencies
        .iter()
        .map(|d| j(emu.get_dependency(&d.id)))
        .collect();
    json!({
        "functions": j(Ok(functions)),
        "per_function": per_function,
        "dependencies": j(Ok(deps)),
        "dependency_gets": dep_gets,
        "quotas": j(Ok(emu.get_quotas())),
        "pending": emu.pending_async_invocations(),
    })
}

/// Creates a function whose code is the built-in echo handler (an async call succeeds).
pub fn echo_function(emu: &Emulator, name: &str) -> String {
    let config = emu
        .create_function(body(json!({
            "func_name": name, "package": "default", "runtime": "Custom", "timeout": 3,
            "handler": "index.handler", "memory_size": 128, "code_type": "inline"
        })))
        .unwrap();
    config.func_urn.trim_end_matches(":latest").to_owned()
}

/// Builds a state with every resource kind through the public API.
pub fn rich_state(emu: &Emulator) -> String {
    let urn = create_function(emu, "rich");
    publish_with_alias(emu, &urn, "v1", "prod");
    emu.update_function_code(
        &urn,
        body(json!({"code_type": "zip", "code_filename": "index.zip",
            "func_code": {"file": b64(&zip_of(&[("index.py", b"print(2)\n")]))}})),
    )
    .unwrap();
    emu.publish_version(
        &urn,
        body(json!({"version": "v2", "description": "second"})),
    )
    .unwrap();
    emu.create_alias(
        &urn,
        body(json!({"name": "canary", "version": "v2",
            "additional_version_weights": {"v1": 30}})),
    )
    .unwrap();
    let dep = emu
        .create_dependency(body(json!({"depend_type": "zip", "runtime": "Python3.9",
            "name": "lib", "depend_file": b64(&zip_of(&[("lib/a.py", b"x = 1\n")]))})))
        .unwrap();
    emu.update_function_config(
        &urn,
        body(
            json!({"func_name": "rich", "runtime": "Python3.9", "timeout": 20,
            "handler": "index.handler", "memory_size": 256, "depend_list": [dep.id],
            "user_data": "{\"k\":\"v\"}"}),
        ),
    )
    .unwrap();
    for t in [
        json!({"trigger_type_code": "TIMER", "trigger_status": "ACTIVE",
            "event_type_code": "MessageCreated",
            "event_data": {"name": "every5m", "schedule_type": "Rate", "schedule": "5m"}}),
        json!({"trigger_type_code": "APIG", "trigger_status": "ACTIVE",
            "event_type_code": "MessageCreated",
            "event_data": {"func_info": {"timeout": 5000}, "name": "api_rich",
                "env_id": "DEFAULT_ENVIRONMENT_RELEASE_ID", "env_name": "RELEASE",
                "protocol": "HTTPS", "auth": "NONE", "group_id": "g1",
                "sl_domain": "g1.apig.local", "match_mode": "SWA", "req_method": "ANY",
                "backend_type": "FUNCTION", "type": 1, "path": "/rich"}}),
        json!({"trigger_type_code": "OBS", "trigger_status": "ACTIVE",
            "event_type_code": "MessageCreated",
            "event_data": {"bucket": "pics", "events": ["s3:ObjectCreated:*"], "name": "obs-1"}}),
        json!({"trigger_type_code": "KAFKA", "trigger_status": "DISABLED",
            "event_type_code": "MessageCreated",
            "event_data": {"instance_id": "86ad", "topic_ids": ["T"], "batch_size": 100}}),
    ] {
        emu.create_trigger(&urn, body(t)).unwrap();
    }
    emu.create_trigger(
        &format!("{urn}:!prod"),
        body(
            json!({"trigger_type_code": "TIMER", "event_type_code": "MessageCreated",
            "event_data": {"name": "cron-prod", "schedule_type": "Cron",
                "schedule": "0 0 * * * *", "user_event": "hello"}}),
        ),
    )
    .unwrap();
    emu.create_test_event(
        &urn,
        body(json!({"name": "e1", "content": b64(b"{\"a\":1}")})),
    )
    .unwrap();
    emu.create_test_event(&urn, body(json!({"name": "e2", "content": b64(b"{}")})))
        .unwrap();
    emu.update_tracing(&urn, body(json!({"tracing_ak": "ak", "tracing_sk": "sk"})))
        .unwrap();
    emu.put_async_invoke_config(
        &urn,
        body(
            json!({"max_async_event_age_in_seconds": 3600, "max_async_retry_attempts": 2,
            "enable_async_status_log": true}),
        ),
    )
    .unwrap();
    emu.put_async_invoke_config(
        &format!("{urn}:v1"),
        body(json!({"max_async_retry_attempts": 0})),
    )
    .unwrap();
    emu.update_reserved_instances(&format!("{urn}:!prod"), body(json!({"count": 0})))
        .unwrap();
    emu.enable_lts_logs().unwrap();
    urn
}
