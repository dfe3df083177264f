//! Tests: Publishing and listing versions (seed §5.7.6, §5.7.7).

use std::time::Duration;

use fgs_core::function::FunctionConfig;
use fgs_core::limits::Limits;
use fgs_core::version::{ListVersionsQuery, PublishVersionRequest};
use fgs_runtime::Emulator;
use serde_json::{Value, json};

use crate::common::{assert_code, b64, emulator, emulator_with, zip_of};

/// Creates function `name` (Custom runtime, the built-in handler) through the public API.
pub(crate) fn create(emu: &Emulator, name: &str) -> FunctionConfig {
    let req = serde_json::from_value(json!({
        "func_name": name, "package": "default", "runtime": "Custom", "timeout": 30,
        "handler": "index.handler", "memory_size": 128, "code_type": "inline",
        "func_code": {"file": ""}
    }))
    .unwrap();
    emu.create_function(req).unwrap()
}

/// Changes `latest`'s configuration (§5.6.7): sets the description to `description`.
pub(crate) fn change_config(emu: &Emulator, name: &str, description: &str) -> FunctionConfig {
    let cfg = emu.get_function_config(name).unwrap();
    let req = serde_json::from_value(json!({
        "func_name": name, "runtime": cfg.runtime, "timeout": cfg.timeout,
        "handler": cfg.handler, "memory_size": cfg.memory_size, "description": description
    }))
    .unwrap();
    emu.update_function_config(name, req).unwrap()
}

/// Replaces `latest`'s code (§5.6.5) with a ZIP holding `index.txt` = `content`.
pub(crate) fn change_code(emu: &Emulator, name: &str, content: &str) {
    let req = serde_json::from_value(json!({
        "code_type": "zip", "code_filename": "code.zip",
        "func_code": {"file": b64(&zip_of(&[("index.txt", content.as_bytes())]))}
    }))
    .unwrap();
    emu.update_function_code(name, req).unwrap();
}

pub(crate) fn publish(emu: &Emulator, urn: &str, version: &str) -> FunctionConfig {
    emu.publish_version(
        urn,
        PublishVersionRequest {
            version: Some(version.into()),
            description: Some(format!("{version} desc")),
            ..Default::default()
        },
    )
    .unwrap()
    .config
}

fn named(version: &str) -> PublishVersionRequest {
    PublishVersionRequest {
        version: Some(version.into()),
        ..Default::default()
    }
}

/// §5.7.7 response: the seed example's fields, a 7-field `func_urn`, `func_code: {}`.
#[test]
fn publish_returns_the_seed_shape() {
    let (emu, _) = emulator_with(Emulator::builder().utc_offset_seconds(8 * 3600));
    let created = create(&emu, "test");
    let req: PublishVersionRequest =
        serde_json::from_value(json!({"version": "v1", "description": "v1"})).unwrap();
    let published = serde_json::to_value(emu.publish_version("test", req).unwrap()).unwrap();
    let unqualified = created.func_urn.trim_end_matches(":latest");
    assert_eq!(published["func_urn"], unqualified);
    assert_eq!(
        published["func_urn"].as_str().unwrap().split(':').count(),
        7
    );
    for (key, expected) in [
        ("func_name", json!("test")),
        ("package", json!("default")),
        ("runtime", json!("Custom")),
        ("timeout", json!(30)),
        ("handler", json!("index.handler")),
        ("memory_size", json!(128)),
        ("cpu", json!(300)),
        ("code_type", json!("inline")),
        ("code_size", json!(created.code_size)),
        ("digest", json!(created.digest)),
        ("version", json!("v1")),
        ("version_description", json!("v1")),
        ("last_modified", json!("2024-05-01T20:00:00+08:00")),
        ("last_modified_utc", json!(1_714_564_800)),
        ("func_code", json!({})),
        (
            "strategy_config",
            serde_json::to_value(&created.strategy_config).unwrap(),
        ),
    ] {
        assert_eq!(published[key], expected, "field {key}");
    }
    let image = published["image_name"].as_str().unwrap();
    assert!(image.starts_with("v1-240501120000@"), "{image}");
    // The stored version answers GET config under its own 8-field URN.
    let v1 = emu
        .get_function_config(&format!("{unqualified}:v1"))
        .unwrap();
    assert_eq!(v1.func_urn, format!("{unqualified}:v1"));
    assert_eq!(v1.version_description.as_deref(), Some("v1"));
}

/// §5.7.7/§5.7.6: without a name the version is `vYYYYMMDD-HHMMSS` in the configured offset.
#[test]
fn generated_name_uses_the_clock_and_offset() {
    let (emu, clock) = emulator_with(Emulator::builder().utc_offset_seconds(8 * 3600));
    create(&emu, "f");
    let v = emu
        .publish_version("f", PublishVersionRequest::default())
        .unwrap();
    assert_eq!(v.config.version, "v20240501-200000");
    assert_eq!(v.config.version_description.as_deref(), Some(""));
    // An empty name also generates one; a second publish in the same second is a duplicate.
    change_config(&emu, "f", "changed");
    assert_code(emu.publish_version("f", named("")), "FSS.1062", 409);
    clock.advance(Duration::from_secs(61));
    let v = emu.publish_version("f", named("")).unwrap();
    assert_eq!(v.config.version, "v20240501-200101");
}

/// A published version is an immutable snapshot: later updates of latest never change it.
#[test]
fn a_version_is_an_immutable_snapshot() {
    let (emu, clock) = emulator();
    let created = create(&emu, "f");
    let base = created.func_urn.trim_end_matches(":latest").to_owned();
    publish(&emu, "f", "v1");
    let before = emu.get_function_config(&format!("{base}:v1")).unwrap();
    clock.advance(Duration::from_secs(5));
    change_config(&emu, "f", "new description");
    change_code(&emu, "f", "new code");
    let after = emu.get_function_config(&format!("{base}:v1")).unwrap();
    assert_eq!(before, after);
    assert_eq!(after.digest, created.digest);
    assert_eq!(after.description, None);
    let latest = emu.get_function_config("f").unwrap();
    assert_ne!(latest.digest, created.digest);
    assert_eq!(latest.description.as_deref(), Some("new description"));
}

/// FSS.1016: nothing changed since the last publication; a config or code change allows it.
#[test]
fn publishing_without_changes_is_fss_1016() {
    let (emu, clock) = emulator();
    create(&emu, "f");
    publish(&emu, "f", "v1");
    clock.advance(Duration::from_secs(10));
    // A new name, a description or a later time are not changes of the function.
    assert_code(
        emu.publish_version(
            "f",
            PublishVersionRequest {
                version: Some("v2".into()),
                description: Some("other".into()),
                ..Default::default()
            },
        ),
        "FSS.1016",
        400,
    );
    change_config(&emu, "f", "d1");
    publish(&emu, "f", "v2");
    assert_code(emu.publish_version("f", named("v3")), "FSS.1016", 400);
    change_code(&emu, "f", "code 2");
    publish(&emu, "f", "v3");
    assert_code(emu.publish_version("f", named("v4")), "FSS.1016", 400);
}

/// FSS.1015: invalid version names, `latest`, and the name of an alias.
#[test]
fn invalid_version_names_are_fss_1015() {
    let (emu, _) = emulator();
    create(&emu, "f");
    let long = format!("v{}", "1".repeat(42));
    for bad in [
        "latest",
        "LATEST",
        "1abc",
        "v 1",
        "v1-",
        "v:1",
        "!v1",
        long.as_str(),
    ] {
        assert_code(emu.publish_version("f", named(bad)), "FSS.1015", 400);
    }
    emu.create_alias(
        "f",
        serde_json::from_value(json!({"name": "prod", "version": "latest"})).unwrap(),
    )
    .unwrap();
    assert_code(emu.publish_version("f", named("prod")), "FSS.1015", 400);
    assert_eq!(publish(&emu, "f", "v1.0-rc_1").version, "v1.0-rc_1");
}

/// FSS.1062: a version of that name exists.
#[test]
fn duplicate_version_is_fss_1062() {
    let (emu, _) = emulator();
    create(&emu, "f");
    publish(&emu, "f", "v1");
    change_config(&emu, "f", "changed");
    assert_code(emu.publish_version("f", named("v1")), "FSS.1062", 409);
}

/// FSS.1019: a version description over 512 characters.
#[test]
fn long_description_is_fss_1019() {
    let (emu, _) = emulator();
    create(&emu, "f");
    let req = |n: usize| PublishVersionRequest {
        version: Some("v1".into()),
        description: Some("é".repeat(n)),
        ..Default::default()
    };
    assert_code(emu.publish_version("f", req(513)), "FSS.1019", 400);
    let v = emu.publish_version("f", req(512)).unwrap();
    assert_eq!(v.config.version_description.unwrap().chars().count(), 512);
}

/// The request `digest` guards against publishing code the caller has not seen: FSS.0428.
#[test]
fn digest_mismatch_is_fss_0428() {
    let (emu, _) = emulator();
    let created = create(&emu, "f");
    let req = |digest: &str| PublishVersionRequest {
        digest: Some(digest.into()),
        version: Some("v1".into()),
        ..Default::default()
    };
    assert_code(emu.publish_version("f", req("0123")), "FSS.0428", 428);
    let v = emu.publish_version("f", req(&created.digest)).unwrap();
    assert_eq!(v.config.digest, created.digest);
}

/// `Limits::max_versions`: one more publish is FSS.0400.
#[test]
fn version_quota_is_fss_0400() {
    let limits = Limits {
        max_versions: 1,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    create(&emu, "f");
    publish(&emu, "f", "v1");
    change_config(&emu, "f", "changed");
    assert_code(emu.publish_version("f", named("v2")), "FSS.0400", 400);
}

/// FSS.1051 for an unknown function, on publish and list.
#[test]
fn unknown_function_is_fss_1051() {
    let (emu, _) = emulator();
    assert_code(
        emu.publish_version("nope", PublishVersionRequest::default()),
        "FSS.1051",
        404,
    );
    assert_code(
        emu.list_versions("nope", &ListVersionsQuery::default()),
        "FSS.1051",
        404,
    );
}

fn query(
    marker: Option<&str>,
    maxitems: Option<&str>,
    maxitens: Option<&str>,
) -> ListVersionsQuery {
    serde_json::from_value(json!({
        "marker": marker, "maxitems": maxitems, "maxitens": maxitens
    }))
    .unwrap()
}

fn three_versions() -> Emulator {
    let (emu, clock) = emulator();
    create(&emu, "f");
    for (i, v) in ["v1", "b2", "a3"].iter().enumerate() {
        change_config(&emu, "f", &format!("d{i}"));
        publish(&emu, "f", v);
        clock.advance(Duration::from_secs(1));
    }
    emu
}

/// §5.7.6: latest first, then versions in publication order; golden shape of the list.
#[test]
fn list_versions_shape_and_order() {
    let emu = three_versions();
    let list = emu
        .list_versions("f", &ListVersionsQuery::default())
        .unwrap();
    let value = serde_json::to_value(&list).unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["versions", "next_marker", "count"]);
    assert_eq!(value["count"], 4);
    assert_eq!(value["next_marker"], 4);
    let names: Vec<&str> = list.versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(names, ["latest", "v1", "b2", "a3"]);
    let first = &value["versions"][0];
    assert_eq!(first["func_urn"].as_str().unwrap().split(':').count(), 7);
    assert!(!first["func_urn"].as_str().unwrap().ends_with(":latest"));
    for key in [
        "func_name",
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
    ] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
    assert_eq!(value["versions"][1]["version_description"], "v1 desc");
    assert_eq!(
        value["versions"][1]["last_modified"],
        "2024-05-01T12:00:00+00:00"
    );
    assert_eq!(
        value["versions"][2]["last_modified"],
        "2024-05-01T12:00:01+00:00"
    );
}

/// §5.7.6 paging: `marker` offset, `maxitems` and the seed's `maxitens`, `next_marker`.
#[test]
fn list_versions_paging() {
    let emu = three_versions();
    let page = |m, a, b| emu.list_versions("f", &query(m, a, b)).unwrap();
    let p = page(None, Some("2"), None);
    assert_eq!((p.versions.len(), p.next_marker, p.count), (2, 2, 4));
    let p = page(Some("2"), Some("2"), None);
    let names: Vec<&str> = p.versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(names, ["b2", "a3"]);
    assert_eq!(p.next_marker, 4);
    let p = page(Some("1"), None, Some("1"));
    assert_eq!(p.versions[0].version, "v1");
    assert_eq!(p.next_marker, 2);
    // maxitems wins over maxitens; 0 and > 400 mean 400.
    assert_eq!(page(None, Some("3"), Some("1")).versions.len(), 3);
    assert_eq!(page(None, Some("0"), None).versions.len(), 4);
    assert_eq!(page(None, None, Some("401")).versions.len(), 4);
    let past = page(Some("9"), None, None);
    assert!(past.versions.is_empty());
    assert_eq!((past.next_marker, past.count), (4, 4));
}

/// §5.7.6 paging errors: FSS.1001 for negative or non-integer values.
#[test]
fn bad_paging_values_are_fss_1001() {
    let emu = three_versions();
    for q in [
        query(Some("-1"), None, None),
        query(Some("abc"), None, None),
        query(None, Some("-5"), None),
        query(None, Some("1.5"), None),
        query(None, None, Some("-1")),
        query(None, None, Some("many")),
    ] {
        assert_code(emu.list_versions("f", &q), "FSS.1001", 400);
    }
}

/// The seed's §5.7.7 request body and the §5.7.6 query deserialize as sent.
#[test]
fn seed_bodies_deserialize() {
    let req: PublishVersionRequest =
        serde_json::from_value(json!({"digest": "d", "version": "v1", "description": "v1"}))
            .unwrap();
    assert_eq!(req.version.as_deref(), Some("v1"));
    let q: ListVersionsQuery = serde_json::from_value(json!({"maxitens": "5"})).unwrap();
    assert_eq!(q.page().unwrap(), (0, 5));
    let _: Value = serde_json::to_value(q).unwrap();
}
