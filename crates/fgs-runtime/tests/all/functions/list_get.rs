//! List functions (seed §5.6.1), get config (§5.6.6) and get code (§5.6.4): paging rules,
//! URN forms and golden JSON shapes.

use std::collections::BTreeSet;

use fgs_core::alias::CreateAliasRequest;
use fgs_core::function::ListFunctionsQuery;
use fgs_core::version::PublishVersionRequest;
use fgs_runtime::Emulator;
use serde_json::{Value, json};

use super::req;
use crate::common::{assert_code, emulator, emulator_with};

fn query(
    marker: Option<&str>,
    maxitems: Option<&str>,
    package: Option<&str>,
) -> ListFunctionsQuery {
    ListFunctionsQuery {
        marker: marker.map(Into::into),
        maxitems: maxitems.map(Into::into),
        package_name: package.map(Into::into),
    }
}

fn names(resp: &fgs_core::function::ListFunctionsResponse) -> Vec<String> {
    resp.functions.iter().map(|f| f.func_name.clone()).collect()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn list_is_in_creation_order_with_7_field_urns_and_the_seed_fields() {
    let (emu, _) = emulator_with(Emulator::builder().utc_offset_seconds(8 * 3600));
    for name in ["zeta", "alpha", "mid"] {
        emu.create_function(req(name)).unwrap();
    }
    let resp = emu.list_functions(&ListFunctionsQuery::default()).unwrap();
    assert_eq!(names(&resp), ["zeta", "alpha", "mid"]);
    let v = serde_json::to_value(&resp).unwrap();
    assert_eq!(keys(&v), set(&["functions", "next_marker", "count"]));
    assert_eq!(v["count"], 3);
    assert_eq!(v["next_marker"], 3);
    let item = &v["functions"][0];
    assert_eq!(
        item["func_urn"],
        "urn:fss:local-1:0123456789abcdef0123456789abcdef:function:default:zeta"
    );
    assert_eq!(item["fail_count"], 0);
    assert_eq!(item["version"], "latest");
    assert_eq!(item["last_modified"], "2024-05-01T20:00:00+08:00");
    assert_eq!(
        keys(item),
        set(&[
            "func_urn",
            "func_name",
            "domain_id",
            "namespace",
            "project_name",
            "package",
            "runtime",
            "timeout",
            "handler",
            "memory_size",
            "cpu",
            "code_type",
            "code_size",
            "digest",
            "version",
            "image_name",
            "last_modified",
            "strategy_config",
            "type",
            "fail_count",
        ])
    );
}

#[test]
fn maxitems_missing_zero_or_over_400_gives_400() {
    let limits = fgs_core::limits::Limits {
        max_functions: 1000,
        ..Default::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    for i in 0..401 {
        emu.create_function(req(&format!("f{i}"))).unwrap();
    }
    for m in [None, Some("0"), Some("401"), Some("100000"), Some("")] {
        let resp = emu.list_functions(&query(None, m, None)).unwrap();
        assert_eq!(resp.functions.len(), 400, "maxitems {m:?}");
        assert_eq!(resp.next_marker, 400);
        assert_eq!(resp.count, 401);
    }
    let last = emu.list_functions(&query(Some("400"), None, None)).unwrap();
    assert_eq!(names(&last), ["f400"]);
    assert_eq!(last.next_marker, 401);
}

#[test]
fn paging_follows_marker_and_next_marker() {
    let (emu, _) = emulator();
    for i in 0..5 {
        emu.create_function(req(&format!("p{i}"))).unwrap();
    }
    let first = emu
        .list_functions(&query(Some("0"), Some("2"), None))
        .unwrap();
    assert_eq!(names(&first), ["p0", "p1"]);
    assert_eq!((first.next_marker, first.count), (2, 5));
    let marker = first.next_marker.to_string();
    let second = emu
        .list_functions(&query(Some(&marker), Some("2"), None))
        .unwrap();
    assert_eq!(names(&second), ["p2", "p3"]);
    let third = emu
        .list_functions(&query(Some("4"), Some("2"), None))
        .unwrap();
    assert_eq!(names(&third), ["p4"]);
    assert_eq!(third.next_marker, 5);
    let past = emu.list_functions(&query(Some("99"), None, None)).unwrap();
    assert!(past.functions.is_empty());
    assert_eq!((past.next_marker, past.count), (5, 5));
}

#[test]
fn negative_or_non_numeric_paging_is_1001() {
    let (emu, _) = emulator();
    for (marker, maxitems) in [
        (None, Some("-1")),
        (None, Some("ten")),
        (None, Some("1.5")),
        (Some("-3"), None),
        (Some("x"), None),
    ] {
        assert_code(
            emu.list_functions(&query(marker, maxitems, None)),
            "FSS.1001",
            400,
        );
    }
}

#[test]
fn package_name_filters_and_counts() {
    let (emu, _) = emulator();
    emu.create_function(req("a")).unwrap();
    let mut other = req("b");
    other.package = "app2".into();
    emu.create_function(other).unwrap();
    let resp = emu
        .list_functions(&query(None, None, Some("app2")))
        .unwrap();
    assert_eq!(names(&resp), ["b"]);
    assert_eq!(resp.count, 1);
    assert!(resp.functions[0].func_urn.ends_with(":function:app2:b"));
    let none = emu
        .list_functions(&query(None, None, Some("nope")))
        .unwrap();
    assert_eq!((none.functions.len(), none.count), (0, 0));
}

#[test]
fn get_config_accepts_every_urn_form() {
    let (emu, _) = emulator();
    let created = emu.create_function(req("test")).unwrap();
    let p = "0123456789abcdef0123456789abcdef";
    for urn in [
        "test".to_owned(),
        "default:test".to_owned(),
        format!("{p}:default:test"),
        format!("{p}:default:test:latest"),
        format!("urn:fss:local-1:{p}:function:default:test"),
        format!("urn:fss:local-1:{p}:function:default:test:latest"),
    ] {
        let got = emu.get_function_config(&urn).unwrap();
        assert_eq!(got, created, "{urn}");
    }
}

#[test]
fn get_config_golden_shape() {
    let (emu, _) = emulator_with(Emulator::builder().utc_offset_seconds(8 * 3600));
    emu.create_function(req("test")).unwrap();
    let v = serde_json::to_value(emu.get_function_config("test").unwrap()).unwrap();
    assert_eq!(
        keys(&v),
        set(&[
            "func_urn",
            "func_name",
            "domain_id",
            "namespace",
            "project_name",
            "package",
            "runtime",
            "timeout",
            "handler",
            "memory_size",
            "cpu",
            "code_type",
            "code_size",
            "digest",
            "version",
            "image_name",
            "last_modified",
            "last_modified_utc",
            "strategy_config",
            "type",
        ])
    );
    assert!(
        v["func_urn"]
            .as_str()
            .unwrap()
            .ends_with(":default:test:latest")
    );
    assert_eq!(v["last_modified"], "2024-05-01T20:00:00+08:00");
}

#[test]
fn get_config_of_missing_function_version_alias() {
    let (emu, _) = emulator();
    assert_code(emu.get_function_config("nothere"), "FSS.1051", 404);
    emu.create_function(req("f")).unwrap();
    assert_code(
        emu.get_function_config("0123456789abcdef0123456789abcdef:default:f:v9"),
        "FSS.1052",
        404,
    );
    assert_code(
        emu.get_function_config("0123456789abcdef0123456789abcdef:default:f:!prod"),
        "FSS.1053",
        404,
    );
    assert_code(emu.get_function_config("a:b:c:d:e"), "FSS.1309", 400);
}

#[test]
fn get_config_of_alias_is_its_major_version() {
    let (emu, _) = emulator();
    emu.create_function(req("f")).unwrap();
    let p = "0123456789abcdef0123456789abcdef";
    let v1 = emu
        .publish_version(
            "f",
            PublishVersionRequest {
                version: Some("v1".into()),
                ..Default::default()
            },
        )
        .unwrap();
    emu.create_alias(
        "f",
        CreateAliasRequest {
            name: "prod".into(),
            version: "v1".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let by_version = emu
        .get_function_config("0123456789abcdef0123456789abcdef:default:f:v1")
        .unwrap();
    assert_eq!(by_version.version, "v1");
    assert_eq!(
        by_version.func_urn,
        format!("urn:fss:local-1:{p}:function:default:f:v1")
    );
    assert_eq!(by_version.digest, v1.config.digest);
    let by_alias = emu
        .get_function_config(&format!("{p}:default:f:!prod"))
        .unwrap();
    assert_eq!(by_alias.version, "v1");
    assert_eq!(by_alias.digest, v1.config.digest);
    assert!(by_alias.func_urn.ends_with(":default:f:!prod"));
}

#[test]
fn get_code_golden_shape() {
    let (emu, _) = emulator_with(Emulator::builder().utc_offset_seconds(8 * 3600));
    let created = emu.create_function(req("test")).unwrap();
    let code = emu.get_function_code("test").unwrap();
    let v = serde_json::to_value(&code).unwrap();
    assert_eq!(
        keys(&v),
        set(&[
            "func_urn",
            "func_name",
            "domain_id",
            "runtime",
            "code_type",
            "code_size",
            "digest",
            "last_modified",
            "func_code",
            "strategy_config",
        ])
    );
    assert_eq!(v["func_code"], json!({"file": "", "link": ""}));
    assert_eq!(v["func_urn"], created.func_urn.as_str());
    assert_eq!(v["digest"], created.digest.as_str());
    assert_eq!(v["last_modified"], "2024-05-01T20:00:00+08:00");
    assert_eq!(v["strategy_config"], json!({"concurrency": -1}));
    assert_code(
        emu.get_function_code("0123456789abcdef0123456789abcdef:default:test:v3"),
        "FSS.1052",
        404,
    );
    assert_code(emu.get_function_code("missing"), "FSS.1051", 404);
}
