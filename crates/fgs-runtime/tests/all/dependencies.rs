//! Tests: Dependencies (seed §5.3). Every rule and error code through the public API, plus
//! the golden JSON shapes of the §5.3.1/§5.3.2/§5.3.5 examples.
//!
//! FSS.1033 (delete while a function's `depend_list` names the dependency) needs a public way
//! to set `depend_list` (update function code, §5.6.5), which this crate does not have yet:
//! it is covered by the crate-internal test in `src/dependencies.rs` and its API test is left
//! to the integration of §5.6.5.

use std::collections::BTreeSet;
use std::path::PathBuf;

use fgs_core::dependency::{DependencyInfo, DependencyRequest};
use fgs_core::limits::Limits;
use fgs_runtime::{DEFAULT_DOMAIN_ID, Emulator};
use serde_json::{Value, json};

use crate::common::{assert_code, b64, emulator, emulator_with, zip_of};

mod list;

/// 2024-05-01T12:00:00Z, the tests' start time, in epoch seconds.
const START_EPOCH: i64 = 1_714_564_800;

fn package() -> Vec<u8> {
    zip_of(&[("python/kafka/__init__.py", b"print('kafka')\n")])
}

fn zip_req(name: &str, runtime: &str) -> DependencyRequest {
    DependencyRequest {
        depend_type: Some("zip".into()),
        depend_file: Some(b64(&package())),
        runtime: Some(runtime.into()),
        name: Some(name.into()),
        ..Default::default()
    }
}

fn create(emu: &Emulator, name: &str) -> DependencyInfo {
    emu.create_dependency(zip_req(name, "Python3.6")).unwrap()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// A file in the temp dir, unique to this test process and `name`.
fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("fgs-dep-test-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn create_zip_returns_the_seed_object_shape_with_computed_fields() {
    // §5.3.2: the seed's example body (with a real package) deserializes.
    let (emu, _) = emulator();
    let body = format!(
        r#"{{"depend_file":"{}","depend_type":"zip","runtime":"Python3.6","name":"python-kafka",
            "description":"Python library for Kafka operations."}}"#,
        b64(&package())
    );
    let req: DependencyRequest = serde_json::from_str(&body).unwrap();
    let dep = emu.create_dependency(req).unwrap();
    let v = serde_json::to_value(&dep).unwrap();
    // The §5.3.2 example's fields plus `version` and `last_modified` (§5.3.2 table).
    assert_eq!(
        keys(&v),
        set(&[
            "id",
            "owner",
            "link",
            "runtime",
            "etag",
            "size",
            "name",
            "description",
            "file_name",
            "version",
            "last_modified"
        ])
    );
    assert_eq!(dep.id.len(), 36);
    assert_eq!(dep.id.matches('-').count(), 4);
    assert_eq!(v["owner"], DEFAULT_DOMAIN_ID);
    assert!(
        dep.link
            .ends_with(&format!("/depends/{DEFAULT_DOMAIN_ID}/{}.zip", dep.id)),
        "{}",
        dep.link
    );
    assert!(dep.link.starts_with("https://"));
    assert_eq!(v["runtime"], "Python3.6");
    // etag is the MD5 of the package, 32 hex characters (§1.6.1 Table 1-5).
    assert_eq!(
        fgs_core::dependency::md5_hex(b"abc"),
        "900150983cd24fb0d6963f7d28e17f72"
    );
    assert_eq!(dep.etag, fgs_core::dependency::md5_hex(&package()));
    assert_eq!(dep.etag.len(), 32);
    assert_eq!(v["size"], json!(package().len()));
    assert_eq!(v["name"], "python-kafka");
    assert_eq!(v["description"], "Python library for Kafka operations.");
    assert_eq!(v["file_name"], "python-kafka.zip");
    assert_eq!(v["version"], json!(1));
    // Numeric epoch seconds (DECISIONS "Time fields").
    assert_eq!(v["last_modified"], json!(START_EPOCH));
    assert_eq!(emu.get_dependency(&dep.id).unwrap(), dep);
}

#[test]
fn description_is_omitted_when_unset() {
    let (emu, _) = emulator();
    let v = serde_json::to_value(create(&emu, "nodesc")).unwrap();
    assert!(v.get("description").is_none());
}

#[test]
fn create_obs_reads_a_local_path_or_file_url_and_keeps_the_link() {
    let (emu, _) = emulator();
    let path = temp_file("obs.zip", &package());
    let plain = path.to_str().unwrap().to_owned();
    let url = format!("file://{plain}");
    for (name, link) in [("by-path", plain.clone()), ("by-url", url.clone())] {
        // §5.3.2 OBS example body shape.
        let req: DependencyRequest = serde_json::from_value(json!({
            "depend_link": link, "depend_type": "obs", "runtime": "Node.js8.10", "name": name
        }))
        .unwrap();
        let dep = emu.create_dependency(req).unwrap();
        assert_eq!(dep.link, link);
        assert_eq!(dep.size, package().len() as u64);
        assert_eq!(dep.etag, fgs_core::dependency::md5_hex(&package()));
        assert_eq!(dep.file_name, format!("{name}.zip"));
    }
    std::fs::remove_file(path).unwrap();
}

#[test]
fn obs_link_errors() {
    let (emu, _) = emulator();
    let obs = |link: Option<&str>| DependencyRequest {
        depend_type: Some("obs".into()),
        depend_link: link.map(str::to_owned),
        runtime: Some("Python3.6".into()),
        name: Some("dep".into()),
        ..Default::default()
    };
    // A remote URL cannot be fetched: FSS.1010 Invalid URL.
    assert_code(
        emu.create_dependency(obs(Some("https://bucket.obs.example/depends/x.zip"))),
        "FSS.1010",
        400,
    );
    assert_code(
        emu.create_dependency(obs(Some("file://relative/x.zip"))),
        "FSS.1010",
        400,
    );
    // Missing link, missing file, a file that is not a ZIP: FSS.1024.
    assert_code(emu.create_dependency(obs(None)), "FSS.1024", 400);
    assert_code(emu.create_dependency(obs(Some(""))), "FSS.1024", 400);
    assert_code(
        emu.create_dependency(obs(Some("/nonexistent/fgs-local/dep.zip"))),
        "FSS.1024",
        400,
    );
    let not_zip = temp_file("notzip.zip", b"plain text");
    assert_code(
        emu.create_dependency(obs(Some(not_zip.to_str().unwrap()))),
        "FSS.1024",
        400,
    );
    std::fs::remove_file(not_zip).unwrap();
}

#[test]
fn bad_depend_type_is_fss_1032() {
    let (emu, _) = emulator();
    for t in [Some("tar"), Some("ZIP"), Some(""), None] {
        let mut req = zip_req("dep", "Python3.6");
        req.depend_type = t.map(str::to_owned);
        assert_code(emu.create_dependency(req), "FSS.1032", 400);
    }
}

#[test]
fn name_rules_are_fss_1024() {
    // §5.3.2: <= 96 characters, starts with a letter, ends with a letter or digit,
    // [A-Za-z0-9_.-] only.
    let (emu, _) = emulator();
    let long = format!("a{}", "b".repeat(96));
    for bad in [
        "",
        "1dep",
        "_dep",
        "dep-",
        "dep.",
        "de p",
        "dep!x",
        "dép",
        long.as_str(),
    ] {
        assert_code(
            emu.create_dependency(zip_req(bad, "Python3.6")),
            "FSS.1024",
            400,
        );
    }
    let mut missing = zip_req("x", "Python3.6");
    missing.name = None;
    assert_code(emu.create_dependency(missing), "FSS.1024", 400);
    let max = format!("a{}", "b".repeat(95));
    for good in ["a", "a.b_c-1", "Z9", max.as_str()] {
        assert_eq!(create(&emu, good).name, good);
    }
}

#[test]
fn runtime_outside_the_16_values_is_fss_1005() {
    let (emu, _) = emulator();
    for bad in [
        Some("Custom"),
        Some("Python 3.6"),
        Some("python3.6"),
        Some(""),
        None,
    ] {
        let mut req = zip_req("dep", "Python3.6");
        req.runtime = bad.map(str::to_owned);
        assert_code(emu.create_dependency(req), "FSS.1005", 400);
    }
    for (i, rt) in fgs_core::runtime::DEPENDENCY_RUNTIMES.iter().enumerate() {
        let dep = emu
            .create_dependency(zip_req(&format!("dep{i}"), rt))
            .unwrap();
        assert_eq!(dep.runtime, *rt);
    }
}

#[test]
fn description_over_512_characters_is_fss_1019() {
    let (emu, _) = emulator();
    let mut req = zip_req("dep", "Python3.6");
    req.description = Some("é".repeat(513));
    assert_code(emu.create_dependency(req.clone()), "FSS.1019", 400);
    req.description = Some("é".repeat(512));
    assert_eq!(emu.create_dependency(req).unwrap().version, 1);
}

#[test]
fn missing_or_invalid_zip_package_is_fss_1024() {
    let (emu, _) = emulator();
    let with_file = |file: Option<String>| {
        let mut req = zip_req("dep", "Python3.6");
        req.depend_file = file;
        req
    };
    assert_code(emu.create_dependency(with_file(None)), "FSS.1024", 400);
    assert_code(
        emu.create_dependency(with_file(Some(String::new()))),
        "FSS.1024",
        400,
    );
    // The seed's placeholder "xxx" is not Base64 of anything useful.
    assert_code(
        emu.create_dependency(with_file(Some("xxx".into()))),
        "FSS.1024",
        400,
    );
    assert_code(
        emu.create_dependency(with_file(Some("!!!".into()))),
        "FSS.1024",
        400,
    );
    assert_code(
        emu.create_dependency(with_file(Some(b64(b"not a zip archive")))),
        "FSS.1024",
        400,
    );
    // An entry that escapes the archive root.
    let evil = zip_of(&[("../evil.py", b"x")]);
    assert_code(
        emu.create_dependency(with_file(Some(b64(&evil)))),
        "FSS.1024",
        400,
    );
}

#[test]
fn package_over_the_size_limit_is_fss_1023() {
    let pkg = package();
    let limits = Limits {
        max_code_package_size: pkg.len() as u64 - 1,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    assert_code(
        emu.create_dependency(zip_req("dep", "Python3.6")),
        "FSS.1023",
        400,
    );
    let path = temp_file("big.zip", &pkg);
    let req = DependencyRequest {
        depend_type: Some("obs".into()),
        depend_link: Some(path.to_str().unwrap().into()),
        runtime: Some("Python3.6".into()),
        name: Some("dep".into()),
        ..Default::default()
    };
    assert_code(emu.create_dependency(req), "FSS.1023", 400);
    std::fs::remove_file(path).unwrap();
    // Exactly at the limit is accepted.
    let limits = Limits {
        max_code_package_size: pkg.len() as u64,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    assert_eq!(create(&emu, "dep").size, pkg.len() as u64);
}

#[test]
fn more_than_max_dependencies_is_fss_1045() {
    let limits = Limits {
        max_dependencies: 2,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    let first = create(&emu, "a");
    create(&emu, "b");
    assert_code(
        emu.create_dependency(zip_req("c", "Python3.6")),
        "FSS.1045",
        403,
    );
    // Deleting one frees a slot.
    emu.delete_dependency(&first.id).unwrap();
    create(&emu, "c");
}

#[test]
fn duplicate_name_is_fss_1065() {
    let (emu, _) = emulator();
    create(&emu, "dup");
    let other = create(&emu, "other");
    assert_code(
        emu.create_dependency(zip_req("dup", "Java8")),
        "FSS.1065",
        409,
    );
    // Renaming another dependency to the taken name, too.
    assert_code(
        emu.update_dependency(&other.id, zip_req("dup", "Python3.6")),
        "FSS.1065",
        409,
    );
    // Keeping one's own name is fine.
    assert_eq!(
        emu.update_dependency(&other.id, zip_req("other", "Java8"))
            .unwrap()
            .runtime,
        "Java8"
    );
}

#[test]
fn get_unknown_dependency_is_fss_1056() {
    let (emu, _) = emulator();
    assert_code(emu.get_dependency("no-such-id"), "FSS.1056", 404);
}

#[test]
fn update_bumps_version_and_returns_table_5_72_shape() {
    let (emu, clock) = emulator();
    let dep = create(&emu, "dep");
    clock.advance(std::time::Duration::from_secs(125));
    let new_pkg = zip_of(&[("lib/a.txt", b"a"), ("lib/b.txt", b"b")]);
    // §5.3.5 example body shape.
    let req: DependencyRequest = serde_json::from_value(json!({
        "depend_file": b64(&new_pkg), "depend_type": "zip", "runtime": "Node.js8.10",
        "name": "renamed", "description": "new"
    }))
    .unwrap();
    let resp = emu.update_dependency(&dep.id, req).unwrap();
    let v = serde_json::to_value(&resp).unwrap();
    assert_eq!(
        keys(&v),
        set(&[
            "id",
            "owner",
            "link",
            "runtime",
            "etag",
            "size",
            "name",
            "description",
            "file_name"
        ])
    );
    assert_eq!(v["id"], json!(dep.id));
    assert_eq!(v["owner"], DEFAULT_DOMAIN_ID);
    assert_eq!(v["link"], json!(dep.link));
    assert_eq!(v["runtime"], "Node.js8.10");
    assert_eq!(v["etag"], json!(fgs_core::dependency::md5_hex(&new_pkg)));
    assert_eq!(v["size"], json!(new_pkg.len()));
    assert_eq!(v["name"], "renamed");
    assert_eq!(v["file_name"], "renamed.zip");
    let got = emu.get_dependency(&dep.id).unwrap();
    assert_eq!(got.version, 2);
    assert_eq!(got.last_modified, START_EPOCH + 125);
    assert_eq!(got.description.as_deref(), Some("new"));
    emu.update_dependency(&dep.id, zip_req("renamed", "Node.js8.10"))
        .unwrap();
    let got = emu.get_dependency(&dep.id).unwrap();
    assert_eq!(got.version, 3);
    // Update replaces the description: omitted means none.
    assert_eq!(got.description, None);
}

#[test]
fn update_applies_the_create_rules_and_fss_1056() {
    let (emu, _) = emulator();
    let dep = create(&emu, "dep");
    assert_code(
        emu.update_dependency("no-such-id", zip_req("dep", "Python3.6")),
        "FSS.1056",
        404,
    );
    let mut req = zip_req("dep", "Python3.6");
    req.depend_type = Some("jar".into());
    assert_code(emu.update_dependency(&dep.id, req), "FSS.1032", 400);
    assert_code(
        emu.update_dependency(&dep.id, zip_req("9dep", "Python3.6")),
        "FSS.1024",
        400,
    );
    assert_code(
        emu.update_dependency(&dep.id, zip_req("dep", "Custom")),
        "FSS.1005",
        400,
    );
    let mut req = zip_req("dep", "Python3.6");
    req.description = Some("d".repeat(513));
    assert_code(emu.update_dependency(&dep.id, req), "FSS.1019", 400);
    let mut req = zip_req("dep", "Python3.6");
    req.depend_file = Some(b64(b"nope"));
    assert_code(emu.update_dependency(&dep.id, req), "FSS.1024", 400);
    // Nothing changed.
    assert_eq!(emu.get_dependency(&dep.id).unwrap(), dep);
}

#[test]
fn update_over_the_size_limit_is_fss_1023() {
    let limits = Limits {
        max_code_package_size: package().len() as u64,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    let dep = create(&emu, "dep");
    let mut req = zip_req("dep", "Python3.6");
    // Incompressible content, so the ZIP outgrows the limit.
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    req.depend_file = Some(b64(&zip_of(&[("big.bin", &noise)])));
    assert_code(emu.update_dependency(&dep.id, req), "FSS.1023", 400);
}

#[test]
fn delete_removes_and_unknown_is_fss_1056() {
    let (emu, _) = emulator();
    let dep = create(&emu, "dep");
    emu.delete_dependency(&dep.id).unwrap();
    assert_code(emu.get_dependency(&dep.id), "FSS.1056", 404);
    assert_code(emu.delete_dependency(&dep.id), "FSS.1056", 404);
    // The name is free again.
    create(&emu, "dep");
}

#[test]
fn the_documented_mount_dir_is_where_the_executor_mounts_dependencies() {
    assert_eq!(
        fgs_core::dependency::DEPENDENCY_MOUNT_DIR,
        fgs_executor::fgs_abi::DEPS_DIR
    );
}
