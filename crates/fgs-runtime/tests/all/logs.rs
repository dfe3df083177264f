//! Tests: Log group and stream of a function (seed §5.9.1, §5.9.2; DECISIONS "Lists and
//! other endpoints": enable-lts-logs).

use serde_json::json;

use crate::common::{assert_code, emulator};

use crate::common::create_function as create;
use crate::common::publish_with_alias;

/// Whether `s` looks like a hyphenated lower-case UUID.
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.chars().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

#[test]
fn detail_before_enabling_is_fss_0404() {
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    assert_code(emu.get_lts_log_detail(&urn), "FSS.0404", 404);
    // And GET config shows no ids yet.
    let config = emu.get_function_config(&urn).unwrap();
    assert_eq!(config.log_group_id, None);
    assert_eq!(config.log_stream_id, None);
}

#[test]
fn enable_then_detail_has_the_seed_fields_and_matches_get_config() {
    // §5.9.1 Table 5-319: group_name, group_id, stream_id, stream_name.
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    emu.enable_lts_logs().unwrap();
    let detail = emu.get_lts_log_detail(&urn).unwrap();
    let v = serde_json::to_value(&detail).unwrap();
    let mut keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["group_id", "group_name", "stream_id", "stream_name"]);
    assert!(is_uuid(&detail.group_id), "{}", detail.group_id);
    assert!(is_uuid(&detail.stream_id), "{}", detail.stream_id);
    assert_eq!(detail.group_name, "functiongraph.log.group.01234567");
    assert_eq!(detail.stream_name, "default-hello");
    let config = emu.get_function_config(&urn).unwrap();
    assert_eq!(
        config.log_group_id.as_deref(),
        Some(detail.group_id.as_str())
    );
    assert_eq!(
        config.log_stream_id.as_deref(),
        Some(detail.stream_id.as_str())
    );
    let cv = serde_json::to_value(&config).unwrap();
    assert_eq!(cv["log_group_id"], json!(detail.group_id));
    assert_eq!(cv["log_stream_id"], json!(detail.stream_id));
}

#[test]
fn enable_is_idempotent() {
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    emu.enable_lts_logs().unwrap();
    let first = emu.get_lts_log_detail(&urn).unwrap();
    emu.enable_lts_logs().unwrap();
    assert_eq!(emu.get_lts_log_detail(&urn).unwrap(), first);
}

#[test]
fn one_group_per_project_one_stream_per_function() {
    let (emu, _) = emulator();
    let a = create(&emu, "alpha");
    let b = create(&emu, "beta");
    emu.enable_lts_logs().unwrap();
    let da = emu.get_lts_log_detail(&a).unwrap();
    let db = emu.get_lts_log_detail(&b).unwrap();
    assert_eq!(da.group_id, db.group_id);
    assert_eq!(da.group_name, db.group_name);
    assert_ne!(da.stream_id, db.stream_id);
    assert_eq!(db.stream_name, "default-beta");
}

#[test]
fn function_created_after_enabling_gets_a_stream() {
    let (emu, _) = emulator();
    let a = create(&emu, "alpha");
    emu.enable_lts_logs().unwrap();
    let group = emu.get_lts_log_detail(&a).unwrap().group_id;
    let b = create(&emu, "beta");
    let detail = emu.get_lts_log_detail(&b).unwrap();
    assert_eq!(detail.group_id, group);
    assert_eq!(
        emu.get_function_config(&b).unwrap().log_stream_id,
        Some(detail.stream_id.clone())
    );
    // Stable from then on.
    assert_eq!(emu.get_lts_log_detail(&b).unwrap(), detail);
}

#[test]
fn versions_and_aliases_share_the_function_stream() {
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    publish_with_alias(&emu, &urn, "v1", "prod");
    emu.enable_lts_logs().unwrap();
    let latest = emu.get_lts_log_detail(&urn).unwrap();
    assert_eq!(
        emu.get_lts_log_detail(&format!("{urn}:v1")).unwrap(),
        latest
    );
    assert_eq!(
        emu.get_lts_log_detail(&format!("{urn}:!prod")).unwrap(),
        latest
    );
    // GET config of the published version shows the ids too.
    let v1 = emu.get_function_config(&format!("{urn}:v1")).unwrap();
    assert_eq!(v1.log_stream_id, Some(latest.stream_id));
}

#[test]
fn missing_function_version_or_alias() {
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    emu.enable_lts_logs().unwrap();
    assert_code(emu.get_lts_log_detail("nobody"), "FSS.1051", 404);
    assert_code(
        emu.get_lts_log_detail(&format!("{urn}:v9")),
        "FSS.1052",
        404,
    );
    assert_code(
        emu.get_lts_log_detail(&format!("{urn}:!nope")),
        "FSS.1053",
        404,
    );
    assert_code(emu.get_lts_log_detail("a:b:c:d:e"), "FSS.1309", 400);
}

#[test]
fn missing_function_is_reported_before_logs_disabled() {
    // The function is resolved first: 404 FSS.1051, not FSS.0404.
    let (emu, _) = emulator();
    assert_code(emu.get_lts_log_detail("nobody"), "FSS.1051", 404);
}

#[test]
fn enable_with_no_functions_then_detail() {
    let (emu, _) = emulator();
    emu.enable_lts_logs().unwrap();
    let urn = create(&emu, "late");
    let detail = emu.get_lts_log_detail(&urn).unwrap();
    assert!(is_uuid(&detail.stream_id));
}

#[test]
fn ids_are_deterministic_for_a_seed() {
    // Ids come from the emulator's seeded randomness.
    let run = || {
        let (emu, _) = emulator();
        let urn = create(&emu, "hello");
        emu.enable_lts_logs().unwrap();
        emu.get_lts_log_detail(&urn).unwrap()
    };
    assert_eq!(run(), run());
}
