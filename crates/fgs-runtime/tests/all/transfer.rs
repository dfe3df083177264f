//! Tests: Export and import of a function as a ZIP package (seed §5.11).

use std::io::Read;

use fgs_core::limits::Limits;
use fgs_core::transfer::{ExportFunctionQuery, FunctionExport, ImportFunctionRequest};
use fgs_runtime::Emulator;
use serde_json::{Value, json};

use crate::common::{EMPTY_WASM, assert_code, b64, emulator, emulator_with, zip_of};
use crate::versions::{change_config, create, publish};

/// The entries of a ZIP archive by name.
fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut out = Vec::new();
            f.read_to_end(&mut out).unwrap();
            (f.name().to_owned(), out)
        })
        .collect()
}

fn manifest(export: &FunctionExport) -> Value {
    let entries = entries(&export.bytes);
    let (_, raw) = entries.iter().find(|(n, _)| n == "function.json").unwrap();
    serde_json::from_slice(raw).unwrap()
}

fn import_req(body: Value) -> ImportFunctionRequest {
    serde_json::from_value(body).unwrap()
}

fn export_query(body: Value) -> ExportFunctionQuery {
    serde_json::from_value(body).unwrap()
}

/// A function with a wasm ZIP and many configuration fields set.
fn rich_function(emu: &Emulator) -> Value {
    let code = zip_of(&[("index.wasm", EMPTY_WASM), ("data/readme.txt", b"hello")]);
    let req = serde_json::from_value(json!({
        "func_name": "rich", "package": "default", "runtime": "Custom", "timeout": 120,
        "handler": "index.handler", "memory_size": 512, "code_type": "zip",
        "code_filename": "bundle.zip", "user_data": "{\"MODE\":\"prod\",\"LEVEL\":\"3\"}",
        "xrole": "agency_a", "app_xrole": "agency_b", "description": "a rich function",
        "func_code": {"file": b64(&code)}, "initializer_handler": "index.init",
        "initializer_timeout": 20, "enterprise_project_id": "0", "type": "v2"
    }))
    .unwrap();
    emu.create_function(req).unwrap();
    let update = serde_json::from_value(json!({
        "func_name": "rich", "runtime": "Custom", "timeout": 120, "handler": "index.handler",
        "memory_size": 512, "encrypted_user_data": "{\"SECRET\":\"s\"}",
        "strategy_config": {"concurrency": 7, "concurrent_num": 3},
        "extend_config": "{\"x\":1}", "domain_names": "example.internal",
        "enable_auth_in_header": true
    }))
    .unwrap();
    emu.update_function_config("rich", update).unwrap();
    serde_json::to_value(emu.get_function_config("rich").unwrap()).unwrap()
}

/// Every config field but the identity ones, for comparing an import with its source.
fn comparable(mut config: Value) -> Value {
    let object = config.as_object_mut().unwrap();
    for key in [
        "func_urn",
        "func_name",
        "last_modified",
        "last_modified_utc",
        "image_name",
    ] {
        object.remove(key);
    }
    config
}

/// §5.11.1 export layout: `function.json` (format, config as GET config) and the exact code.
#[test]
fn export_layout() {
    let (emu, _) = emulator();
    let config = rich_function(&emu);
    let export = emu
        .export_function("rich", &ExportFunctionQuery::default())
        .unwrap();
    assert_eq!(export.file_name, "rich.zip");
    assert_eq!(FunctionExport::CONTENT_TYPE, "application/zip");
    let names: Vec<String> = entries(&export.bytes).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["function.json", "code/bundle.zip"]);
    let m = manifest(&export);
    assert_eq!(m["format"], "fgs-local/function-export");
    assert_eq!(m["format_version"], 1);
    assert_eq!(m["code_file"], "code/bundle.zip");
    assert_eq!(m["function"], config);
    let code = &entries(&export.bytes)[1].1;
    let original = zip_of(&[("index.wasm", EMPTY_WASM), ("data/readme.txt", b"hello")]);
    assert_eq!(code, &original);
}

/// §5.11.1 query flags: `type=code`/`type=config`, `config`/`code` booleans, FSS.1001.
#[test]
fn export_flags() {
    let (emu, _) = emulator();
    create(&emu, "f");
    let code_only = emu
        .export_function("f", &export_query(json!({"type": "code"})))
        .unwrap();
    assert!(manifest(&code_only).get("function").is_none());
    assert_eq!(entries(&code_only.bytes).len(), 2);
    let config_only = emu
        .export_function("f", &export_query(json!({"type": "config"})))
        .unwrap();
    assert!(manifest(&config_only).get("code_file").is_none());
    assert_eq!(entries(&config_only.bytes).len(), 1);
    let no_code = emu
        .export_function("f", &export_query(json!({"code": false})))
        .unwrap();
    assert!(manifest(&no_code).get("function").is_some());
    assert!(manifest(&no_code).get("code_file").is_none());
    assert_code(
        emu.export_function("f", &export_query(json!({"config": false, "code": false}))),
        "FSS.1001",
        400,
    );
    assert_code(
        emu.export_function("f", &export_query(json!({"type": "all"}))),
        "FSS.1001",
        400,
    );
}

/// Export of an unknown function, version or alias: FSS.1051 / FSS.1052 / FSS.1053; a
/// version or alias URN exports that version.
#[test]
fn export_of_versions_and_missing_ones() {
    let (emu, _) = emulator();
    let base = create(&emu, "f")
        .func_urn
        .trim_end_matches(":latest")
        .to_owned();
    let q = ExportFunctionQuery::default();
    assert_code(emu.export_function("nope", &q), "FSS.1051", 404);
    assert_code(
        emu.export_function(&format!("{base}:v9"), &q),
        "FSS.1052",
        404,
    );
    assert_code(
        emu.export_function(&format!("{base}:!a"), &q),
        "FSS.1053",
        404,
    );
    change_config(&emu, "f", "first");
    publish(&emu, "f", "v1");
    change_config(&emu, "f", "second");
    emu.create_alias(
        "f",
        serde_json::from_value(json!({"name": "prod", "version": "v1"})).unwrap(),
    )
    .unwrap();
    for urn in [format!("{base}:v1"), format!("{base}:!prod")] {
        let m = manifest(&emu.export_function(&urn, &q).unwrap());
        assert_eq!(m["function"]["version"], "v1");
        assert_eq!(m["function"]["description"], "first");
    }
}

/// Round trip: export, import into a FRESH emulator under a new name; every config field
/// (except name, URN, timestamps and image_name) and the code digest are equal.
#[test]
fn round_trip_into_a_fresh_emulator() {
    let (source, _) = emulator();
    let original = rich_function(&source);
    let export = source
        .export_function("rich", &ExportFunctionQuery::default())
        .unwrap();
    let (target, _) = emulator_with(Emulator::builder().seed(7));
    let imported = target
        .import_function(export.to_import_request("copy"))
        .unwrap();
    assert_eq!(imported.func_name, "copy");
    let copy = serde_json::to_value(target.get_function_config("copy").unwrap()).unwrap();
    assert_eq!(comparable(copy.clone()), comparable(original.clone()));
    assert_eq!(copy["digest"], original["digest"]);
    assert_eq!(copy["user_data"], "{\"MODE\":\"prod\",\"LEVEL\":\"3\"}");
    assert_eq!(
        copy["strategy_config"],
        json!({"concurrency": 7, "concurrent_num": 3})
    );
    assert!(
        copy["func_urn"]
            .as_str()
            .unwrap()
            .ends_with(":function:default:copy:latest")
    );
    // The code itself survives: exporting the copy gives the same code entry.
    let again = target
        .export_function("copy", &ExportFunctionQuery::default())
        .unwrap();
    assert_eq!(entries(&again.bytes)[1], entries(&export.bytes)[1]);
    // The same package imports into the source emulator too, under yet another name.
    source
        .import_function(export.to_import_request("copy2"))
        .unwrap();
    let copy2 = serde_json::to_value(source.get_function_config("copy2").unwrap()).unwrap();
    assert_eq!(comparable(copy2), comparable(original));
}

/// §5.11.2 with a plain code ZIP: the seed example's response shape and defaults.
#[test]
fn import_plain_zip_response_shape() {
    let (emu, _) = emulator();
    let code = zip_of(&[("index.wasm", EMPTY_WASM)]);
    let body = json!({"func_name": "test", "file_name": "test.zip", "file_type": "zip",
        "file_code": b64(&code)});
    let imported = serde_json::to_value(emu.import_function(import_req(body)).unwrap()).unwrap();
    let urn = imported["func_urn"].as_str().unwrap();
    assert_eq!(urn.split(':').count(), 7);
    assert!(urn.ends_with(":function:default:test"));
    for (key, expected) in [
        ("func_name", json!("test")),
        ("package", json!("default")),
        ("runtime", json!("Custom")),
        ("timeout", json!(3)),
        ("handler", json!("index.handler")),
        ("memory_size", json!(128)),
        ("cpu", json!(300)),
        ("code_type", json!("zip")),
        ("code_filename", json!("test.zip")),
        ("code_size", json!(code.len())),
        ("version", json!("latest")),
        ("strategy_config", json!({"concurrency": -1})),
    ] {
        assert_eq!(imported[key], expected, "field {key}");
    }
    for absent in [
        "encrypted_user_data",
        "mount_config",
        "dependencies",
        "long_time",
        "type",
    ] {
        assert!(imported.get(absent).is_none(), "{absent} must be left out");
    }
    let config = emu.get_function_config("test").unwrap();
    assert_eq!(
        serde_json::to_value(&config.digest).unwrap(),
        imported["digest"]
    );
    assert_eq!(config.digest.len(), 128);
}

/// A code-only export imports with the plain defaults and the exported code.
#[test]
fn import_code_only_export() {
    let (emu, _) = emulator();
    let code = zip_of(&[("index.wasm", EMPTY_WASM)]);
    let req = serde_json::from_value(json!({
        "func_name": "src", "package": "default", "runtime": "Custom", "timeout": 60,
        "handler": "index.handler", "memory_size": 256, "code_type": "zip",
        "code_filename": "src.zip", "func_code": {"file": b64(&code)}
    }))
    .unwrap();
    let src = emu.create_function(req).unwrap();
    let export = emu
        .export_function("src", &export_query(json!({"type": "code"})))
        .unwrap();
    let copy = emu
        .import_function(export.to_import_request("dst"))
        .unwrap();
    assert_eq!(copy.digest, src.digest);
    assert_eq!(copy.code_filename.as_deref(), Some("src.zip"));
    assert_eq!((copy.timeout, copy.memory_size), (3, 128));
}

/// Import validation: FSS.1002, FSS.0400, FSS.1013, FSS.1012, FSS.1011.
#[test]
fn import_validation_errors() {
    let (emu, _) = emulator();
    let good = b64(&zip_of(&[("index.wasm", EMPTY_WASM)]));
    let imp = |name: &str, file_name: &str, file_type: &str, code: &str| {
        emu.import_function(import_req(
            json!({"func_name": name, "file_name": file_name,
            "file_type": file_type, "file_code": code}),
        ))
    };
    for bad in ["", "1abc", "a.b", "ab-"] {
        assert_code(imp(bad, "t.zip", "zip", &good), "FSS.1002", 400);
    }
    assert_code(imp("f", " ", "zip", &good), "FSS.0400", 400);
    for bad in ["", "jar", "tar.gz"] {
        assert_code(imp("f", "t.zip", bad, &good), "FSS.1013", 400);
    }
    assert_code(imp("f", "t.zip", "zip", ""), "FSS.1012", 400);
    assert_code(imp("f", "t.zip", "zip", "not base64 !"), "FSS.1011", 400);
    assert_code(
        imp("f", "t.zip", "zip", &b64(b"plain text")),
        "FSS.1011",
        400,
    );
    // Missing required fields deserialize as blank and get their own codes.
    assert_code(
        emu.import_function(import_req(json!({"file_name": "t.zip", "file_type": "zip",
            "file_code": good}))),
        "FSS.1002",
        400,
    );
    // A config-only export package carries no code.
    create(&emu, "src");
    let config_only = emu
        .export_function("src", &export_query(json!({"type": "config"})))
        .unwrap();
    assert_code(
        emu.import_function(config_only.to_import_request("dst")),
        "FSS.1012",
        400,
    );
    // A broken manifest of the export format is FSS.1011.
    let broken = zip_of(&[(
        "function.json",
        br#"{"format":"fgs-local/function-export","format_version":1,"function":{"func_name":1}}"#,
    )]);
    assert_code(imp("f", "t.zip", "zip", &b64(&broken)), "FSS.1011", 400);
    assert_code(emu.get_function_config("f"), "FSS.1051", 404);
}

/// Import goes through create: FSS.1061 for an existing name, FSS.1041 over the function
/// quota, FSS.1071 over the package size.
#[test]
fn import_quotas_and_duplicates() {
    let limits = Limits {
        max_functions: 1,
        max_code_package_size: 4096,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    let good = b64(&zip_of(&[("index.wasm", EMPTY_WASM)]));
    let imp = |name: &str, code: &str| {
        emu.import_function(import_req(json!({"func_name": name, "file_name": "t.zip",
            "file_type": "zip", "file_code": code})))
    };
    imp("first", &good).unwrap();
    assert_code(imp("first", &good), "FSS.1061", 409);
    assert_code(imp("second", &good), "FSS.1041", 403);
    let noise: Vec<u8> = (0u32..8192)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let big = b64(&zip_of(&[("index.wasm", &noise)]));
    let (emu2, _) = emulator_with(Emulator::builder().limits(Limits {
        max_code_package_size: 100,
        ..Limits::default()
    }));
    assert_code(
        emu2.import_function(import_req(json!({"func_name": "f", "file_name": "t.zip",
            "file_type": "zip", "file_code": big}))),
        "FSS.1071",
        413,
    );
}

/// The seed's §5.11.2 example body, with `package`, imports into that package.
#[test]
fn seed_import_body_with_package() {
    let (emu, _) = emulator();
    let body = json!({"func_name": "test", "file_name": "test.zip", "file_type": "zip",
        "file_code": b64(&zip_of(&[("index.wasm", EMPTY_WASM)])), "package": "apps"});
    let imported = emu.import_function(import_req(body)).unwrap();
    assert_eq!(imported.package, "apps");
    assert!(imported.func_urn.ends_with(":function:apps:test"));
    assert!(emu.get_function_config("apps:test").is_ok());
}

/// An edited export package is validated with the rules of create and update config: the
/// import is refused with the rule's code and leaves no function behind.
#[test]
fn edited_packages_are_validated() {
    let (emu, _) = emulator();
    create(&emu, "src");
    let export = emu
        .export_function("src", &ExportFunctionQuery::default())
        .unwrap();
    let files = entries(&export.bytes);
    let edited = |key: &str, value: Value| {
        let mut m = manifest(&export);
        m["function"][key] = value;
        let m = serde_json::to_vec(&m).unwrap();
        let mut parts: Vec<(&str, &[u8])> = vec![("function.json", &m)];
        parts.extend(
            files
                .iter()
                .filter(|(n, _)| n != "function.json")
                .map(|(n, b)| (n.as_str(), b.as_slice())),
        );
        b64(&zip_of(&parts))
    };
    for (key, value, code, status) in [
        ("memory_size", json!(100), "FSS.1007", 400),
        ("timeout", json!(901), "FSS.1008", 400),
        (
            "strategy_config",
            json!({"concurrency": 5000}),
            "FSS.0400",
            400,
        ),
    ] {
        let body = json!({"func_name": "dst", "file_name": "src.zip", "file_type": "zip",
            "file_code": edited(key, value)});
        assert_code(emu.import_function(import_req(body)), code, status);
        assert_code(emu.get_function_config("dst"), "FSS.1051", 404);
    }
}
