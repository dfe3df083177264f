//! Create function (seed §5.6.2, Table 5-138): every field rule and its code, defaults, code
//! handling (DECISIONS "Code") and quotas.

use fgs_core::function::{CreateFunctionRequest, FuncCode, MEMORY_SIZES};
use fgs_core::limits::Limits;
use fgs_runtime::Emulator;
use serde_json::{Value, json};

use super::{HANDLER_WASM, big_wasm, code, req};
use crate::common::{EMPTY_WASM, assert_code, b64, emulator, emulator_with, zip_of};

fn with(f: impl FnOnce(&mut CreateFunctionRequest)) -> CreateFunctionRequest {
    let mut r = req("fn1");
    f(&mut r);
    r
}

#[test]
fn create_returns_the_seed_shape_with_defaults() {
    let (emu, _) = emulator_with(Emulator::builder().utc_offset_seconds(8 * 3600));
    let created = emu.create_function(req("hello")).unwrap();
    let v = serde_json::to_value(&created).unwrap();
    assert_eq!(
        v["func_urn"],
        "urn:fss:local-1:0123456789abcdef0123456789abcdef:function:default:hello:latest"
    );
    assert_eq!(v["func_name"], "hello");
    assert_eq!(v["domain_id"], "fgslocal");
    assert_eq!(v["namespace"], "0123456789abcdef0123456789abcdef");
    assert_eq!(v["project_name"], "local-1");
    assert_eq!(v["package"], "default");
    assert_eq!(v["runtime"], "Custom");
    assert_eq!(v["timeout"], 30);
    assert_eq!(v["handler"], "index.handler");
    assert_eq!(v["memory_size"], 128);
    assert_eq!(v["cpu"], 300);
    assert_eq!(v["code_type"], "inline");
    assert_eq!(v["code_size"], HANDLER_WASM.len());
    assert_eq!(v["version"], "latest");
    assert_eq!(v["type"], "v2");
    assert_eq!(v["strategy_config"], json!({"concurrency": -1}));
    // 2024-05-01T12:00:00Z seen from +08:00.
    assert_eq!(v["last_modified"], "2024-05-01T20:00:00+08:00");
    assert_eq!(v["last_modified_utc"], 1_714_564_800);
    let image = v["image_name"].as_str().unwrap();
    assert!(image.starts_with("latest-240501200000@"), "{image}");
    let suffix = image.rsplit('@').next().unwrap();
    assert_eq!(suffix.len(), 5);
    assert!(
        suffix
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );
    let digest = v["digest"].as_str().unwrap();
    assert_eq!(digest.len(), 128, "SHA-512 hex");
    assert!(digest.bytes().all(|b| b.is_ascii_hexdigit()));
    // Unset optional fields are left out.
    for absent in [
        "user_data",
        "code_url",
        "func_vpc",
        "mount_config",
        "description",
    ] {
        assert!(v.get(absent).is_none(), "{absent} should be absent");
    }
}

#[test]
fn cpu_follows_the_formula_for_all_13_memory_sizes() {
    let (emu, _) = emulator();
    let expected = [
        300, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2200, 2600, 3000, 3400,
    ];
    for (i, (mem, cpu)) in MEMORY_SIZES.iter().zip(expected).enumerate() {
        let created = emu
            .create_function(with(|r| {
                r.func_name = format!("m{i}");
                r.memory_size = i64::from(*mem);
            }))
            .unwrap();
        let v = serde_json::to_value(&created).unwrap();
        assert_eq!(v["cpu"], cpu, "memory {mem}");
        assert_eq!(v["memory_size"], *mem);
    }
}

#[test]
fn the_seed_example_body_deserializes_and_type_v1_is_kept() {
    let (emu, _) = emulator();
    let body = json!({"func_name":"xxx","package":"default","runtime":"Python2.7",
        "handler":"index.py","memory_size":128,"code_type":"inline","timeout":3,
        "func_code":{"file":"","link":""},"type":"v1"});
    let r: CreateFunctionRequest = serde_json::from_value(body).unwrap();
    let created = emu.create_function(r).unwrap();
    assert_eq!(created.func_type.as_deref(), Some("v1"));
    assert_eq!(
        created.code_size, 0,
        "blank file = built-in default handler"
    );
}

#[test]
fn names_are_checked() {
    let (emu, _) = emulator();
    for bad in ["", "1abc", "abc-", "a b", "a.b", &"a".repeat(61), "ünï"] {
        assert_code(
            emu.create_function(with(|r| r.func_name = bad.into())),
            "FSS.1002",
            400,
        );
    }
    emu.create_function(with(|r| r.func_name = "a".repeat(60)))
        .unwrap();
    emu.create_function(with(|r| r.func_name = "A_b-9".into()))
        .unwrap();
}

#[test]
fn package_blank_is_1004_and_malformed_is_1027() {
    let (emu, _) = emulator();
    assert_code(
        emu.create_function(with(|r| r.package = "".into())),
        "FSS.1004",
        400,
    );
    assert_code(
        emu.create_function(with(|r| r.package = "  ".into())),
        "FSS.1004",
        400,
    );
    for bad in ["9pkg", "pkg-", "p:k", "p/k"] {
        assert_code(
            emu.create_function(with(|r| r.package = bad.into())),
            "FSS.1027",
            400,
        );
    }
    let c = emu
        .create_function(with(|r| r.package = "app_1".into()))
        .unwrap();
    assert!(c.func_urn.ends_with(":function:app_1:fn1:latest"));
}

#[test]
fn runtime_must_be_one_of_the_17_values() {
    let (emu, _) = emulator();
    for bad in ["", "python3.9", "Python 3.6", "Rust", "custom"] {
        assert_code(
            emu.create_function(with(|r| r.runtime = bad.into())),
            "FSS.1005",
            400,
        );
    }
    for (i, rt) in fgs_core::runtime::FUNCTION_RUNTIMES.iter().enumerate() {
        emu.create_function(with(|r| {
            r.func_name = format!("rt{i}");
            r.runtime = (*rt).into();
        }))
        .unwrap();
    }
}

#[test]
fn code_type_memory_timeout_handler_are_checked() {
    let (emu, _) = emulator();
    assert_code(
        emu.create_function(with(|r| r.code_type = "tar".into())),
        "FSS.1006",
        400,
    );
    for m in [0, -128, 100, 4097, 8192, i64::MAX] {
        assert_code(
            emu.create_function(with(|r| r.memory_size = m)),
            "FSS.1007",
            400,
        );
    }
    for t in [2, 0, -1, 901, i64::MIN] {
        assert_code(
            emu.create_function(with(|r| r.timeout = t)),
            "FSS.1008",
            400,
        );
    }
    for h in [
        "index",
        ".handler",
        "index.",
        "",
        "in dex.handler",
        &format!("{}.h", "a".repeat(127)),
    ] {
        assert_code(
            emu.create_function(with(|r| r.handler = h.into())),
            "FSS.1003",
            400,
        );
    }
    emu.create_function(with(|r| {
        r.timeout = 900;
        r.handler = "lib.sub.run".into();
    }))
    .unwrap();
}

#[test]
fn initializer_rules() {
    let (emu, _) = emulator();
    assert_code(
        emu.create_function(with(|r| r.initializer_handler = Some("init".into()))),
        "FSS.1404",
        400,
    );
    for t in [0, 301, -5] {
        assert_code(
            emu.create_function(with(|r| r.initializer_timeout = Some(t))),
            "FSS.1405",
            400,
        );
    }
    let c = emu
        .create_function(with(|r| {
            r.initializer_handler = Some("index.init".into());
            r.initializer_timeout = Some(300);
        }))
        .unwrap();
    assert_eq!(c.initializer_handler.as_deref(), Some("index.init"));
    assert_eq!(c.initializer_timeout, Some(300));
}

#[test]
fn user_data_must_be_a_small_json_object_of_strings() {
    let (emu, _) = emulator();
    for bad in [
        "not json",
        "[1,2]",
        "\"s\"",
        r#"{"a":1}"#,
        r#"{"a":{"b":"c"}}"#,
        r#"{"1a":"x"}"#,
    ] {
        assert_code(
            emu.create_function(with(|r| r.user_data = Some(bad.into()))),
            "FSS.1009",
            400,
        );
    }
    let many: serde_json::Map<String, Value> =
        (0..21).map(|i| (format!("K{i}"), json!("v"))).collect();
    assert_code(
        emu.create_function(with(|r| {
            r.user_data = Some(Value::Object(many).to_string())
        })),
        "FSS.1017",
        400,
    );
    let big = json!({"BIG": "x".repeat(4100)}).to_string();
    assert_code(
        emu.create_function(with(|r| r.user_data = Some(big))),
        "FSS.1018",
        400,
    );
    let ok = json!({"Host": "10.0.0.1", "_x.y": ""}).to_string();
    let c = emu
        .create_function(with(|r| r.user_data = Some(ok.clone())))
        .unwrap();
    assert_eq!(c.user_data, Some(ok));
}

#[test]
fn description_type_and_code_filename() {
    let (emu, _) = emulator();
    assert_code(
        emu.create_function(with(|r| r.description = Some("é".repeat(513)))),
        "FSS.1019",
        400,
    );
    assert_code(
        emu.create_function(with(|r| r.func_type = Some("v3".into()))),
        "FSS.0400",
        400,
    );
    for t in ["zip", "jar"] {
        assert_code(
            emu.create_function(with(|r| {
                r.code_type = t.into();
                r.func_code = Some(code(&zip_of(&[("index.wasm", EMPTY_WASM)])));
            })),
            "FSS.0400",
            400,
        );
    }
    let c = emu
        .create_function(with(|r| r.description = Some("é".repeat(512))))
        .unwrap();
    assert_eq!(c.description.unwrap().chars().count(), 512);
}

#[test]
fn duplicate_is_1061() {
    let (emu, _) = emulator();
    emu.create_function(req("dup")).unwrap();
    assert_code(emu.create_function(req("dup")), "FSS.1061", 409);
    // Same name in another package is another function.
    emu.create_function(with(|r| {
        r.func_name = "dup".into();
        r.package = "other".into();
    }))
    .unwrap();
}

#[test]
fn function_count_quota_is_1041() {
    let limits = Limits {
        max_functions: 2,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    emu.create_function(req("a")).unwrap();
    emu.create_function(req("b")).unwrap();
    assert_code(emu.create_function(req("c")), "FSS.1041", 403);
}

#[test]
fn code_size_quota_is_1042() {
    let limits = Limits {
        max_total_code_size: 2 * HANDLER_WASM.len() as u64 + 1,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    emu.create_function(req("a")).unwrap();
    emu.create_function(req("b")).unwrap();
    assert_code(emu.create_function(req("c")), "FSS.1042", 403);
    // The built-in default handler has no bytes and still fits.
    emu.create_function(with(|r| {
        r.func_name = "d".into();
        r.func_code = None;
    }))
    .unwrap();
}

#[test]
fn a_wasm_over_10kb_sent_inline_is_accepted() {
    let (emu, _) = emulator();
    let wasm = big_wasm(20 * 1024);
    let c = emu
        .create_function(with(|r| r.func_code = Some(code(&wasm))))
        .unwrap();
    assert_eq!(c.code_size, wasm.len() as u64);
}

#[test]
fn inline_source_over_10kb_is_1072_and_packages_over_the_limit_are_1071() {
    let limits = Limits {
        max_code_package_size: 4096,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    let source = "x".repeat(10 * 1024 + 1);
    assert_code(
        emu.create_function(with(|r| r.func_code = Some(code(source.as_bytes())))),
        "FSS.1072",
        413,
    );
    // 10 KB of source exactly is fine.
    emu.create_function(with(|r| {
        r.func_code = Some(code("y".repeat(10 * 1024).as_bytes()))
    }))
    .unwrap();
    assert_code(
        emu.create_function(with(|r| {
            r.func_name = "big".into();
            r.func_code = Some(code(&big_wasm(5000)));
        })),
        "FSS.1071",
        413,
    );
    let zip = zip_of(&[("index.wasm", &big_wasm(5000)), ("pad.bin", &[7u8; 100])]);
    let zip_stored = {
        // Incompressible content so the archive itself is over the limit.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let noise: Vec<u8> = (0..6000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect();
        zip_of(&[("noise.bin", &noise)])
    };
    assert!(zip_stored.len() > 4096);
    assert_code(
        emu.create_function(with(|r| {
            r.func_name = "bigzip".into();
            r.code_type = "zip".into();
            r.code_filename = Some("index.zip".into());
            r.func_code = Some(code(&zip_stored));
        })),
        "FSS.1071",
        413,
    );
    // A small ZIP holding a big (valid) module passes: the limit is on the package.
    assert!(zip.len() < 4096);
    emu.create_function(with(|r| {
        r.func_name = "smallzip".into();
        r.func_code = Some(code(&zip));
    }))
    .unwrap();
}

#[test]
fn corrupt_code_is_1011() {
    let (emu, _) = emulator();
    // Not Base64.
    assert_code(
        emu.create_function(with(|r| {
            r.func_code = Some(FuncCode {
                file: Some("@@@".into()),
                link: None,
            })
        })),
        "FSS.1011",
        400,
    );
    // Invalid wasm after the magic.
    let mut bad_wasm = HANDLER_WASM.to_vec();
    bad_wasm.truncate(12);
    assert_code(
        emu.create_function(with(|r| r.func_code = Some(code(&bad_wasm)))),
        "FSS.1011",
        400,
    );
    // A ZIP that does not unpack.
    assert_code(
        emu.create_function(with(|r| r.func_code = Some(code(b"PK\x03\x04broken")))),
        "FSS.1011",
        400,
    );
    // The handler .wasm inside a ZIP is not WebAssembly.
    let zip = zip_of(&[("index.wasm", b"\0asm\x01\0\0\0\xff\xff")]);
    assert_code(
        emu.create_function(with(|r| r.func_code = Some(code(&zip)))),
        "FSS.1011",
        400,
    );
    // Plain source is inline-only.
    assert_code(
        emu.create_function(with(|r| {
            r.code_type = "zip".into();
            r.code_filename = Some("index.zip".into());
            r.func_code = Some(code(b"print('hi')"));
        })),
        "FSS.1011",
        400,
    );
}

#[test]
fn a_zip_without_the_handler_module_is_stored() {
    let (emu, _) = emulator();
    let zip = zip_of(&[("README.md", b"no wasm here")]);
    let c = emu
        .create_function(with(|r| {
            r.code_type = "zip".into();
            r.code_filename = Some("code.zip".into());
            r.func_code = Some(code(&zip));
        }))
        .unwrap();
    assert_eq!(c.code_size, zip.len() as u64);
    assert_eq!(c.code_filename.as_deref(), Some("code.zip"));
    assert_eq!(emu.get_function_config("fn1").unwrap().digest, c.digest);
}

#[test]
fn obs_code_is_read_from_a_local_path_or_file_url() {
    let (emu, _) = emulator();
    let dir = std::env::temp_dir().join(format!("fgs-func-obs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("pkg.zip");
    let zip = zip_of(&[("index.wasm", HANDLER_WASM)]);
    std::fs::write(&path, &zip).unwrap();
    let obs = |name: &str, url: String| {
        with(|r| {
            r.func_name = name.into();
            r.code_type = "obs".into();
            r.code_url = Some(url);
            r.func_code = None;
        })
    };
    let c = emu
        .create_function(obs("o1", path.display().to_string()))
        .unwrap();
    assert_eq!(c.code_size, zip.len() as u64);
    assert_eq!(c.code_filename.as_deref(), Some("pkg.zip"));
    let c2 = emu
        .create_function(obs("o2", format!("file://{}", path.display())))
        .unwrap();
    assert_eq!(c2.digest, c.digest);
    assert_code(
        emu.create_function(obs("o3", format!("{}/missing.zip", dir.display()))),
        "FSS.1054",
        404,
    );
    for bad in [
        "https://bucket.obs/x.zip",
        "obs://b/x.zip",
        "file://relative/x.zip",
        "",
    ] {
        assert_code(emu.create_function(obs("o4", bad.into())), "FSS.1010", 400);
    }
    // code_url with another code type.
    assert_code(
        emu.create_function(with(|r| r.code_url = Some(path.display().to_string()))),
        "FSS.1010",
        400,
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn zip_with_base64_line_breaks_is_accepted() {
    let (emu, _) = emulator();
    let zip = zip_of(&[("index.wasm", HANDLER_WASM)]);
    let text = b64(&zip);
    let wrapped: String = text
        .as_bytes()
        .chunks(20)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let c = emu
        .create_function(with(|r| {
            r.func_code = Some(FuncCode {
                file: Some(wrapped),
                link: None,
            })
        }))
        .unwrap();
    assert_eq!(c.code_size, zip.len() as u64);
}
