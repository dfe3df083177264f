//! Tests: end-to-end scenarios across the management API, and the rules that tie two areas
//! together (a dependency in use, reserved instances blocking updates, triggers blocking an
//! alias delete, per-qualifier resources going away with their version or alias).

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{assert_code, b64, body as req, emulator, zip_of};

/// A handler module with an exported `handler` function (valid WebAssembly).
const HANDLER_WASM: &[u8] = &[
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
    0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
    0x07, 0x0b, 0x01, 0x07, b'h', b'a', b'n', b'd', b'l', b'e', b'r', 0x00, 0x00, // export
    0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b, // code section: empty body
];

fn create(emu: &fgs_runtime::Emulator, name: &str) {
    emu.create_function(req(json!({
        "func_name": name, "package": "default", "runtime": "Custom", "timeout": 30,
        "handler": "index.handler", "memory_size": 256, "code_type": "zip",
        "code_filename": "index.zip",
        "func_code": {"file": b64(&zip_of(&[("index.wasm", HANDLER_WASM)]))},
        "user_data": "{\"STAGE\":\"dev\"}", "description": "scenario"
    })))
    .unwrap();
}

fn timer(name: &str) -> Value {
    json!({
        "trigger_type_code": "TIMER", "event_type_code": "MessageCreated",
        "trigger_status": "ACTIVE",
        "event_data": {"name": name, "schedule_type": "Rate", "schedule": "3m", "user_event": "tick"}
    })
}

#[test]
fn an_alias_with_triggers_cannot_be_deleted_until_they_are_gone() {
    let (emu, _clock) = emulator();
    create(&emu, "f");
    emu.publish_version("f", req(json!({"version": "v1"})))
        .unwrap();
    emu.create_alias("f", req(json!({"name": "prod", "version": "v1"})))
        .unwrap();
    let alias_urn = emu.get_alias("f", "prod").unwrap().alias_urn;
    let trigger = emu.create_trigger(&alias_urn, req(timer("t1"))).unwrap();
    emu.put_async_invoke_config(&alias_urn, req(json!({"max_async_retry_attempts": 2})))
        .unwrap();
    emu.update_reserved_instances(&alias_urn, req(json!({"count": 0})))
        .unwrap();

    assert!(
        emu.list_reserved_instance_configs("f")
            .unwrap()
            .iter()
            .any(|r| r.qualifier == "prod")
    );
    assert_code(emu.delete_alias("f", "prod"), "FSS.1154", 403);
    assert!(emu.get_alias("f", "prod").is_ok());

    emu.delete_trigger(&alias_urn, "TIMER", &trigger.trigger_id)
        .unwrap();
    emu.delete_alias("f", "prod").unwrap();
    assert_code(emu.get_alias("f", "prod"), "FSS.1053", 404);
    // The alias's own configs went with it; a new alias of that name starts clean.
    emu.create_alias("f", req(json!({"name": "prod", "version": "v1"})))
        .unwrap();
    assert_code(emu.get_async_invoke_config(&alias_urn), "FSS.0404", 404);
    let reserved = emu.list_reserved_instance_configs("f").unwrap();
    assert!(
        reserved.iter().all(|r| r.qualifier != "prod"),
        "{reserved:?}"
    );
}

#[test]
fn deleting_a_version_removes_its_triggers_and_configs() {
    let (emu, _clock) = emulator();
    create(&emu, "f");
    let v1 = emu
        .publish_version("f", req(json!({"version": "v1"})))
        .unwrap();
    let v1_urn = format!("{}:v1", v1.config.func_urn);
    emu.create_trigger(&v1_urn, req(timer("on-v1"))).unwrap();
    emu.create_trigger("f", req(timer("on-latest"))).unwrap();
    emu.put_async_invoke_config(&v1_urn, req(json!({"max_async_event_age_in_seconds": 60})))
        .unwrap();
    assert_eq!(emu.list_triggers("f").unwrap().len(), 2);

    emu.delete_function(&v1_urn).unwrap();
    assert_code(emu.get_function_config(&v1_urn), "FSS.1052", 404);
    let left = emu.list_triggers("f").unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(
        serde_json::to_value(&left[0]).unwrap()["event_data"]["name"],
        "on-latest"
    );
    // Publishing v1 again gives a version without the old one's async config.
    emu.update_function_config(
        "f",
        req(json!({"func_name": "f", "runtime": "Custom", "timeout": 31,
                   "handler": "index.handler", "memory_size": 256})),
    )
    .unwrap();
    emu.publish_version("f", req(json!({"version": "v1"})))
        .unwrap();
    assert_code(emu.get_async_invoke_config(&v1_urn), "FSS.0404", 404);
}

#[test]
fn reserved_instances_block_code_and_config_updates() {
    let (emu, _clock) = emulator();
    create(&emu, "f");
    emu.update_reserved_instances("f", req(json!({"count": 2})))
        .unwrap();
    let config = json!({"func_name": "f", "runtime": "Custom", "timeout": 40,
                        "handler": "index.handler", "memory_size": 512});
    assert_code(
        emu.update_function_config("f", req(config.clone())),
        "FSS.1077",
        400,
    );
    let code = json!({"code_type": "inline", "func_code": {"file": b64(HANDLER_WASM)}});
    assert_code(
        emu.update_function_code("f", req(code.clone())),
        "FSS.1077",
        400,
    );
    assert_eq!(emu.get_function_config("f").unwrap().timeout, 30);

    emu.update_reserved_instances("f", req(json!({"count": 0})))
        .unwrap();
    assert_eq!(
        emu.update_function_config("f", req(config))
            .unwrap()
            .timeout,
        40
    );
    emu.update_function_code("f", req(code)).unwrap();
}

#[test]
fn a_dependency_in_use_cannot_be_deleted_and_is_expanded_in_the_function() {
    let (emu, _clock) = emulator();
    create(&emu, "f");
    let dep = emu
        .create_dependency(req(json!({
            "depend_type": "zip", "runtime": "Python3.6", "name": "libs",
            "depend_file": b64(&zip_of(&[("lib/a.txt", b"hello")]))
        })))
        .unwrap();
    let dep_id = serde_json::to_value(&dep).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    emu.update_function_code(
        "f",
        req(json!({
            "code_type": "zip", "code_filename": "index.zip",
            "func_code": {"file": b64(&zip_of(&[("index.wasm", HANDLER_WASM)]))},
            "depend_list": [dep_id]
        })),
    )
    .unwrap();
    let config = serde_json::to_value(emu.get_function_config("f").unwrap()).unwrap();
    assert_eq!(config["depend_list"], json!([dep_id]));
    assert_eq!(config["dependencies"][0]["name"], "libs");
    assert_eq!(
        config["dependencies"][0]["etag"].as_str().unwrap().len(),
        32
    );

    assert_code(emu.delete_dependency(&dep_id), "FSS.1033", 412);

    // Published versions keep their depend_list: still in use after latest drops it.
    emu.publish_version("f", req(json!({"version": "v1"})))
        .unwrap();
    emu.update_function_code(
        "f",
        req(json!({
            "code_type": "zip", "code_filename": "index.zip",
            "func_code": {"file": b64(&zip_of(&[("index.wasm", HANDLER_WASM)]))},
            "depend_list": []
        })),
    )
    .unwrap();
    assert_code(emu.delete_dependency(&dep_id), "FSS.1033", 412);
    let v1 = emu
        .get_function_config("f")
        .unwrap()
        .func_urn
        .replace(":latest", ":v1");
    emu.delete_function(&v1).unwrap();
    emu.delete_dependency(&dep_id).unwrap();
    assert_code(emu.get_dependency(&dep_id), "FSS.1056", 404);
}

#[test]
fn deleting_a_function_removes_everything_it_owns() {
    let (emu, _clock) = emulator();
    create(&emu, "f");
    emu.publish_version("f", req(json!({"version": "v1"})))
        .unwrap();
    emu.create_alias("f", req(json!({"name": "prod", "version": "v1"})))
        .unwrap();
    emu.create_trigger("f", req(timer("t"))).unwrap();
    emu.create_test_event("f", req(json!({"name": "ev", "content": "{\"k\":\"v\"}"})))
        .unwrap();
    emu.update_tracing("f", req(json!({"tracing_ak": "ak", "tracing_sk": "sk"})))
        .unwrap();
    emu.put_async_invoke_config("f", req(json!({"max_async_retry_attempts": 0})))
        .unwrap();
    let before = emu.get_quotas();

    emu.delete_function("default:f").unwrap();
    assert_code(emu.get_function_config("f"), "FSS.1051", 404);
    assert_code(emu.list_triggers("f"), "FSS.1051", 404);
    assert_code(emu.list_test_events("f"), "FSS.1051", 404);
    assert_code(emu.list_aliases("f"), "FSS.1051", 404);
    assert_code(emu.delete_function("f"), "FSS.1051", 404);
    assert_code(emu.delete_function("f:v1"), "FSS.1051", 404);
    let after = serde_json::to_value(emu.get_quotas()).unwrap();
    let used = |q: &Value, ty: &str| {
        q["quotas"]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == ty)
            .unwrap()["used"]
            .clone()
    };
    assert_eq!(
        used(&serde_json::to_value(before).unwrap(), "fgs_func_num"),
        1
    );
    assert_eq!(used(&after, "fgs_func_num"), 0);

    // The same name can be created again, with nothing left over.
    create(&emu, "f");
    assert!(emu.list_triggers("f").unwrap().is_empty());
    assert_eq!(emu.list_test_events("f").unwrap().count, 0);
    assert!(emu.list_aliases("f").unwrap().is_empty());
    assert_code(emu.get_tracing("f"), "FSS.0404", 404);
}

#[test]
fn a_function_created_after_enabling_logs_gets_its_stream_at_once() {
    let (emu, _clock) = emulator();
    create(&emu, "before");
    emu.enable_lts_logs().unwrap();
    create(&emu, "after");
    let config = emu.get_function_config("after").unwrap();
    let detail = emu.get_lts_log_detail("after").unwrap();
    let detail = serde_json::to_value(detail).unwrap();
    assert_eq!(config.log_group_id.as_deref(), detail["group_id"].as_str());
    assert_eq!(
        config.log_stream_id.as_deref(),
        detail["stream_id"].as_str()
    );
    let before = emu.get_function_config("before").unwrap();
    assert_eq!(before.log_group_id, config.log_group_id);
    assert_ne!(before.log_stream_id, config.log_stream_id);
}

#[test]
fn create_update_publish_alias_trigger_export_import() {
    let (emu, clock) = emulator();
    create(&emu, "orders");
    clock.advance(Duration::from_secs(60));
    emu.update_function_config(
        "orders",
        req(
            json!({"func_name": "orders", "runtime": "Custom", "timeout": 60,
                   "handler": "index.handler", "memory_size": 1024,
                   "user_data": "{\"TABLE\":\"orders\"}",
                   "initializer_handler": "index.init", "initializer_timeout": 10}),
        ),
    )
    .unwrap();
    let v1 = emu.publish_version("orders", req(json!({}))).unwrap();
    assert_eq!(v1.config.version, "v20240501-120100");
    clock.advance(Duration::from_secs(60));
    emu.update_function_config(
        "orders",
        req(
            json!({"func_name": "orders", "runtime": "Custom", "timeout": 90,
                   "handler": "index.handler", "memory_size": 1024}),
        ),
    )
    .unwrap();
    let v2 = emu
        .publish_version("orders", req(json!({"version": "v2"})))
        .unwrap();
    let alias = emu
        .create_alias(
            "orders",
            req(json!({"name": "prod", "version": v1.config.version,
                       "additional_version_weights": {"v2": 20}})),
        )
        .unwrap();
    assert_eq!(alias.alias_urn, format!("{}:!prod", v2.config.func_urn));
    let through = emu.get_function_config(&alias.alias_urn).unwrap();
    assert_eq!(through.timeout, 60, "the alias's major version is v1");
    assert_eq!(through.cpu, 1000);
    emu.create_trigger(&alias.alias_urn, req(timer("nightly")))
        .unwrap();
    // Published versions are immutable: latest moved on, v1 did not.
    assert_eq!(emu.get_function_config("orders").unwrap().timeout, 90);
    assert_eq!(
        emu.get_function_config(&format!("{}:{}", v2.config.func_urn, v1.config.version))
            .unwrap()
            .timeout,
        60
    );

    let export = emu.export_function("orders", &Default::default()).unwrap();
    let (fresh, _clock) = emulator();
    let imported = fresh
        .import_function(export.to_import_request("orders-copy"))
        .unwrap();
    let original = emu.get_function_config("orders").unwrap();
    assert_eq!(imported.digest, original.digest);
    assert_eq!(imported.timeout, original.timeout);
    assert_eq!(imported.memory_size, original.memory_size);
    assert_eq!(imported.func_name, "orders-copy");
}
