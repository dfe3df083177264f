//! Tests: Reserved-instance configuration (seed §5.10.1, digest §1.11; DECISIONS "Reserved
//! instances").

use fgs_core::limits::Limits;
use fgs_core::reserved::UpdateReservedInstancesRequest;
use fgs_runtime::Emulator;
use serde_json::json;

use crate::common::{assert_code, emulator, emulator_with};

use crate::common::create_function as create;
use crate::common::publish_with_alias;

/// A request from the seed's JSON.
fn req(body: serde_json::Value) -> UpdateReservedInstancesRequest {
    serde_json::from_value(body).unwrap()
}

#[test]
fn seed_example_request_echoes_count_only() {
    // §5.10.1 example: {"count": 3}; the response echoes the stored config.
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    let out = emu
        .update_reserved_instances(&urn, req(json!({"count": 3})))
        .unwrap();
    assert_eq!(out.count, 3);
    assert_eq!(serde_json::to_value(&out).unwrap(), json!({"count": 3}));
}

#[test]
fn whole_tactics_config_and_idle_mode_are_echoed() {
    // §5.10.1 Tables 5-326..5-333: count, idle_mode and tactics_config come back as sent.
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    let body = json!({
        "count": 2,
        "idle_mode": true,
        "tactics_config": {
            "cron_configs": [{"name": "nightly", "cron": "0 0 22 * * ?", "count": 5,
                              "start_time": 1_660_000_000, "expired_time": 1_670_000_000}],
            "metric_configs": [{"name": "cpu", "type": "Concurrency", "threshold": 60, "min": 1}]
        }
    });
    let out = emu
        .update_reserved_instances(&urn, req(body.clone()))
        .unwrap();
    assert_eq!(serde_json::to_value(&out).unwrap(), body);
    assert!(out.idle_mode());
}

#[test]
fn put_replaces_the_previous_config() {
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    emu.update_reserved_instances(&urn, req(json!({"count": 4, "idle_mode": true})))
        .unwrap();
    let out = emu
        .update_reserved_instances(&urn, req(json!({"count": 1})))
        .unwrap();
    assert_eq!(serde_json::to_value(&out).unwrap(), json!({"count": 1}));
    let list = emu.list_reserved_instance_configs(&urn).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].config.count, 1);
    assert!(!list[0].config.idle_mode());
}

#[test]
fn count_is_required() {
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    assert_code(
        emu.update_reserved_instances(&urn, req(json!({"idle_mode": true}))),
        "FSS.0400",
        400,
    );
}

#[test]
fn negative_count_is_invalid_parameter() {
    // Digest "Reserved instances": a negative count is 400 FSS.0400.
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    assert_code(
        emu.update_reserved_instances(&urn, req(json!({"count": -1}))),
        "FSS.0400",
        400,
    );
}

#[test]
fn count_above_the_default_maximum_is_fss_1076() {
    // §7.2 FSS.1076; the default maximum is Limits::max_reserved_instances (1000).
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    let max = i64::from(Limits::default().max_reserved_instances);
    emu.update_reserved_instances(&urn, req(json!({"count": max})))
        .unwrap();
    assert_code(
        emu.update_reserved_instances(&urn, req(json!({"count": max + 1}))),
        "FSS.1076",
        400,
    );
}

#[test]
fn count_maximum_follows_the_configured_limit() {
    let limits = Limits {
        max_reserved_instances: 5,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    let urn = create(&emu, "hello");
    assert_eq!(
        emu.update_reserved_instances(&urn, req(json!({"count": 5})))
            .unwrap()
            .count,
        5
    );
    assert_code(
        emu.update_reserved_instances(&urn, req(json!({"count": 6}))),
        "FSS.1076",
        400,
    );
}

#[test]
fn zero_count_is_accepted() {
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    let out = emu
        .update_reserved_instances(&urn, req(json!({"count": 0})))
        .unwrap();
    assert_eq!(out.count, 0);
}

/// Asserts that a PUT with the given cron policy fails with `code`.
#[track_caller]
fn cron_fails(policy: serde_json::Value, code: &str) {
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    let body = json!({"count": 1, "tactics_config": {"cron_configs": [policy]}});
    assert_code(emu.update_reserved_instances(&urn, req(body)), code, 400);
}

#[test]
fn cron_expression_must_parse() {
    cron_fails(
        json!({"name": "a", "cron": "every night", "count": 1}),
        "FSS.0400",
    );
    cron_fails(
        json!({"name": "a", "cron": "0 0 25 * * ?", "count": 1}),
        "FSS.0400",
    );
}

#[test]
fn cron_expression_is_required() {
    cron_fails(json!({"name": "a", "count": 1}), "FSS.0400");
}

#[test]
fn cron_count_is_required_and_ranged() {
    cron_fails(json!({"name": "a", "cron": "0 0 22 * * ?"}), "FSS.0400");
    cron_fails(
        json!({"name": "a", "cron": "0 0 22 * * ?", "count": -2}),
        "FSS.0400",
    );
    cron_fails(
        json!({"name": "a", "cron": "0 0 22 * * ?", "count": 1001}),
        "FSS.1076",
    );
}

#[test]
fn cron_times_must_be_ordered_and_not_negative() {
    cron_fails(
        json!({"cron": "0 0 22 * * ?", "count": 1, "start_time": 20, "expired_time": 10}),
        "FSS.0400",
    );
    cron_fails(
        json!({"cron": "0 0 22 * * ?", "count": 1, "start_time": 10, "expired_time": 10}),
        "FSS.0400",
    );
    cron_fails(
        json!({"cron": "0 0 22 * * ?", "count": 1, "start_time": -1}),
        "FSS.0400",
    );
}

#[test]
fn policy_names_must_be_non_empty_and_unique() {
    cron_fails(
        json!({"name": "", "cron": "0 0 22 * * ?", "count": 1}),
        "FSS.0400",
    );
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    let twice = json!({"count": 1, "tactics_config": {"cron_configs": [
        {"name": "n", "cron": "0 0 22 * * ?", "count": 1},
        {"name": "n", "cron": "0 0 6 * * ?", "count": 0}
    ]}});
    assert_code(
        emu.update_reserved_instances(&urn, req(twice)),
        "FSS.0400",
        400,
    );
    let metric_twice = json!({"count": 1, "tactics_config": {"metric_configs": [
        {"name": "m"}, {"name": "m"}
    ]}});
    assert_code(
        emu.update_reserved_instances(&urn, req(metric_twice)),
        "FSS.0400",
        400,
    );
}

#[test]
fn metric_policy_values_are_checked() {
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    let with = |m: serde_json::Value| {
        emu.update_reserved_instances(
            &urn,
            req(json!({"count": 1, "tactics_config": {"metric_configs": [m]}})),
        )
    };
    assert_code(with(json!({"threshold": -1})), "FSS.0400", 400);
    assert_code(with(json!({"min": -1})), "FSS.0400", 400);
    assert_code(with(json!({"min": 1001})), "FSS.1076", 400);
    assert!(with(json!({"type": "anything", "threshold": 0, "min": 0})).is_ok());
}

#[test]
fn per_qualifier_latest_version_and_alias() {
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    publish_with_alias(&emu, &urn, "v1", "prod");
    emu.update_reserved_instances(&format!("{urn}:!prod"), req(json!({"count": 3})))
        .unwrap();
    emu.update_reserved_instances(&format!("{urn}:v1"), req(json!({"count": 2})))
        .unwrap();
    emu.update_reserved_instances(&urn, req(json!({"count": 1})))
        .unwrap();

    // Unqualified: every qualifier, latest first, then versions, then aliases.
    let all = emu.list_reserved_instance_configs(&urn).unwrap();
    let got: Vec<(String, String, u32)> = all
        .iter()
        .map(|c| (c.qualifier.clone(), c.func_urn.clone(), c.config.count))
        .collect();
    assert_eq!(
        got,
        vec![
            ("latest".into(), format!("{urn}:latest"), 1),
            ("v1".into(), format!("{urn}:v1"), 2),
            ("prod".into(), format!("{urn}:!prod"), 3),
        ]
    );
    assert_eq!(
        serde_json::to_value(&all[2]).unwrap(),
        json!({"func_urn": format!("{urn}:!prod"), "qualifier": "prod", "count": 3})
    );

    // Qualified: that qualifier only.
    let one = emu
        .list_reserved_instance_configs(&format!("{urn}:v1"))
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].config.count, 2);
}

#[test]
fn listing_a_function_without_reserved_instances_is_empty() {
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    assert!(emu.list_reserved_instance_configs(&urn).unwrap().is_empty());
}

#[test]
fn missing_function_version_or_alias() {
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    let body = || req(json!({"count": 1}));
    assert_code(
        emu.update_reserved_instances("default:nobody", body()),
        "FSS.1051",
        404,
    );
    assert_code(
        emu.update_reserved_instances(&format!("{urn}:v9"), body()),
        "FSS.1052",
        404,
    );
    assert_code(
        emu.update_reserved_instances(&format!("{urn}:!nope"), body()),
        "FSS.1053",
        404,
    );
    assert_code(
        emu.list_reserved_instance_configs("default:nobody"),
        "FSS.1051",
        404,
    );
    assert_code(
        emu.list_reserved_instance_configs(&format!("{urn}:v9")),
        "FSS.1052",
        404,
    );
}

#[test]
fn invalid_urn_is_fss_1309() {
    let (emu, _) = emulator();
    assert_code(
        emu.update_reserved_instances("a:b:c:d:e", req(json!({"count": 1}))),
        "FSS.1309",
        400,
    );
}

#[test]
fn missing_function_is_checked_before_the_body() {
    // The path is resolved first: an unknown function is 404 even with a bad count.
    let (emu, _) = emulator();
    assert_code(
        emu.update_reserved_instances("nobody", req(json!({"count": -5}))),
        "FSS.1051",
        404,
    );
}
