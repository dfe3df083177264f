//! Tests: listing async configs of all qualifiers (seed §5.13.4; DECISIONS "Async" and
//! "Lists and other endpoints": one test per paging rule).

use fgs_core::alias::CreateAliasRequest;
use fgs_core::limits::Limits;
use fgs_core::version::PublishVersionRequest;
use fgs_runtime::Emulator;
use serde_json::json;

use super::{create, emulator_cst, put, query};
use crate::common::{assert_code, emulator, emulator_with};

#[test]
fn list_golden_shape_and_order() {
    // §5.13.4: async_invoke_configs, count and page_info; latest, versions, then aliases.
    let (emu, _) = emulator_cst();
    let urn = create(&emu, "test_async");
    emu.publish_version(
        &urn,
        PublishVersionRequest {
            version: Some("v1".into()),
            ..Default::default()
        },
    )
    .unwrap();
    emu.create_alias(
        &urn,
        CreateAliasRequest {
            name: "a".into(),
            version: "latest".into(),
            ..Default::default()
        },
    )
    .unwrap();
    for q in ["!a", "v1", "latest"] {
        emu.put_async_invoke_config(
            &format!("{urn}:{q}"),
            put(json!({"max_async_event_age_in_seconds": 60})),
        )
        .unwrap();
    }
    let out = emu
        .list_async_invoke_configs(&format!("{urn}:v1"), query(None, None))
        .unwrap();
    let v = serde_json::to_value(&out).unwrap();
    assert_eq!(v["count"], 3);
    assert_eq!(
        v["page_info"],
        json!({"next_marker": 3, "previous_marker": 0, "current_count": 3})
    );
    assert_eq!(
        v["async_invoke_configs"][0],
        json!({
            "func_urn": format!("{urn}:latest"),
            "max_async_event_age_in_seconds": 60,
            "max_async_retry_attempts": 1,
            "destination_config": {},
            "created_time": "2024-05-01T20:00:00+08:00",
            "last_modified": "2024-05-01T20:00:00+08:00",
            "enable_async_status_log": false
        })
    );
    let urns: Vec<&str> = out
        .async_invoke_configs
        .iter()
        .map(|c| c.func_urn.as_str())
        .collect();
    let expected = [
        format!("{urn}:latest"),
        format!("{urn}:v1"),
        format!("{urn}:!a"),
    ];
    assert_eq!(
        urns,
        expected.iter().map(String::as_str).collect::<Vec<_>>()
    );
}

#[test]
fn list_of_a_function_without_configs_is_empty() {
    let (emu, _) = emulator();
    let urn = create(&emu, "test");
    let out = emu
        .list_async_invoke_configs(&urn, query(None, None))
        .unwrap();
    assert_eq!(
        serde_json::to_value(&out).unwrap(),
        json!({"async_invoke_configs": [], "count": 0,
               "page_info": {"next_marker": 0, "previous_marker": 0, "current_count": 0}})
    );
}

/// A function with `n` async configs: `latest` plus `n - 1` aliases `a000`, `a001`, ...
fn with_configs(n: usize) -> (Emulator, String) {
    let limits = Limits {
        max_aliases: 200,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    let urn = create(&emu, "test");
    emu.put_async_invoke_config(&urn, put(json!({}))).unwrap();
    for i in 0..n - 1 {
        let name = format!("a{i:03}");
        emu.create_alias(
            &urn,
            CreateAliasRequest {
                name: name.clone(),
                version: "latest".into(),
                ..Default::default()
            },
        )
        .unwrap();
        emu.put_async_invoke_config(&format!("{urn}:!{name}"), put(json!({})))
            .unwrap();
    }
    (emu, urn)
}

#[test]
fn list_limit_missing_means_10() {
    let (emu, urn) = with_configs(12);
    let out = emu
        .list_async_invoke_configs(&urn, query(None, None))
        .unwrap();
    assert_eq!(out.async_invoke_configs.len(), 10);
    assert_eq!(out.count, 12);
    assert_eq!(out.page_info.next_marker, 10);
    assert_eq!(out.page_info.current_count, 10);
}

#[test]
fn list_limit_zero_means_10() {
    let (emu, urn) = with_configs(12);
    let out = emu
        .list_async_invoke_configs(&urn, query(None, Some("0")))
        .unwrap();
    assert_eq!(out.async_invoke_configs.len(), 10);
}

#[test]
fn list_limit_above_100_is_clamped_to_100() {
    let (emu, urn) = with_configs(105);
    let out = emu
        .list_async_invoke_configs(&urn, query(None, Some("150")))
        .unwrap();
    assert_eq!(out.async_invoke_configs.len(), 100);
    assert_eq!(out.count, 105);
    assert_eq!(out.page_info.next_marker, 100);
    let rest = emu
        .list_async_invoke_configs(&urn, query(Some("100"), Some("150")))
        .unwrap();
    assert_eq!(rest.async_invoke_configs.len(), 5);
    assert_eq!(rest.page_info.previous_marker, 0);
    assert_eq!(rest.page_info.next_marker, 105);
}

#[test]
fn list_negative_limit_is_fss_1001() {
    let (emu, urn) = with_configs(2);
    assert_code(
        emu.list_async_invoke_configs(&urn, query(None, Some("-1"))),
        "FSS.1001",
        400,
    );
}

#[test]
fn list_bad_limit_or_marker_is_fss_1001() {
    let (emu, urn) = with_configs(2);
    assert_code(
        emu.list_async_invoke_configs(&urn, query(None, Some("ten"))),
        "FSS.1001",
        400,
    );
    assert_code(
        emu.list_async_invoke_configs(&urn, query(Some("x"), None)),
        "FSS.1001",
        400,
    );
    assert_code(
        emu.list_async_invoke_configs(&urn, query(Some("-3"), None)),
        "FSS.1001",
        400,
    );
    let long = "1".repeat(65);
    assert_code(
        emu.list_async_invoke_configs(&urn, query(Some(&long), None)),
        "FSS.1001",
        400,
    );
}

#[test]
fn list_marker_pages_through() {
    let (emu, urn) = with_configs(5);
    let first = emu
        .list_async_invoke_configs(&urn, query(Some("0"), Some("2")))
        .unwrap();
    assert_eq!(
        first.page_info,
        fgs_core::async_config::PageInfo {
            next_marker: 2,
            previous_marker: 0,
            current_count: 2
        }
    );
    let second = emu
        .list_async_invoke_configs(&urn, query(Some("2"), Some("2")))
        .unwrap();
    assert_eq!(second.page_info.previous_marker, 0);
    assert_eq!(second.page_info.next_marker, 4);
    let third = emu
        .list_async_invoke_configs(&urn, query(Some("4"), Some("2")))
        .unwrap();
    assert_eq!(third.async_invoke_configs.len(), 1);
    assert_eq!(third.page_info.previous_marker, 2);
    assert_eq!(third.page_info.next_marker, 5);
    // Pages do not overlap and cover everything.
    let mut all: Vec<String> = [first, second, third]
        .into_iter()
        .flat_map(|p| p.async_invoke_configs.into_iter().map(|c| c.func_urn))
        .collect();
    all.dedup();
    assert_eq!(all.len(), 5);
    // A marker past the end gives an empty page.
    let past = emu
        .list_async_invoke_configs(&urn, query(Some("50"), None))
        .unwrap();
    assert!(past.async_invoke_configs.is_empty());
    assert_eq!(past.count, 5);
    assert_eq!(past.page_info.next_marker, 5);
}

#[test]
fn deleting_a_config_drops_it_from_the_list() {
    // §5.13.2 then §5.13.4: the list reflects a DELETE of one qualifier's config.
    let (emu, urn) = with_configs(3);
    emu.delete_async_invoke_config(&format!("{urn}:!a000"))
        .unwrap();
    let out = emu
        .list_async_invoke_configs(&urn, query(None, None))
        .unwrap();
    assert_eq!(out.count, 2);
    assert!(
        out.async_invoke_configs
            .iter()
            .all(|c| !c.func_urn.ends_with("!a000"))
    );
}
