//! Update code (seed §5.6.5), update config (§5.6.7) and max instances (§5.6.8).

use std::time::Duration;

use fgs_core::function::{
    FuncCode, UpdateFunctionCodeRequest, UpdateFunctionConfigRequest, UpdateMaxInstancesRequest,
};
use fgs_core::version::PublishVersionRequest;
use serde_json::json;

use super::{HANDLER_WASM, big_wasm, code, req};
use crate::common::{EMPTY_WASM, assert_code, b64, emulator, zip_of};

fn config_req(name: &str) -> UpdateFunctionConfigRequest {
    UpdateFunctionConfigRequest {
        func_name: name.into(),
        runtime: "Custom".into(),
        timeout: 40,
        handler: "index.handler".into(),
        memory_size: 768,
        ..Default::default()
    }
}

fn cfg(f: impl FnOnce(&mut UpdateFunctionConfigRequest)) -> UpdateFunctionConfigRequest {
    let mut r = config_req("f");
    f(&mut r);
    r
}

fn zip_code(bytes: &[u8]) -> UpdateFunctionCodeRequest {
    UpdateFunctionCodeRequest {
        code_type: "zip".into(),
        code_filename: Some("index.zip".into()),
        func_code: Some(code(bytes)),
        ..Default::default()
    }
}

#[test]
fn update_code_returns_the_base64_file_and_changes_digest() {
    let (emu, clock) = emulator();
    let created = emu.create_function(req("f")).unwrap();
    clock.advance(Duration::from_secs(61));
    let zip = zip_of(&[("index.wasm", HANDLER_WASM)]);
    let body =
        json!({"code_filename":"index.zip","code_type":"inline","func_code":{"file": b64(&zip)}});
    let resp = emu
        .update_function_code("f", serde_json::from_value(body).unwrap())
        .unwrap();
    let v = serde_json::to_value(&resp).unwrap();
    assert_eq!(v["func_code"], json!({"file": b64(&zip), "link": ""}));
    assert!(
        v["func_urn"]
            .as_str()
            .unwrap()
            .ends_with(":default:f:latest")
    );
    assert_eq!(v["code_size"], zip.len());
    assert_ne!(resp.digest, created.digest);
    assert_eq!(v["last_modified"], "2024-05-01T12:01:01+00:00");
    let after = emu.get_function_config("f").unwrap();
    assert_eq!(after.digest, resp.digest);
    assert_ne!(after.image_name, created.image_name);
    assert!(after.image_name.starts_with("latest-240501120101@"));
    assert_eq!(after.code_type, "inline");
    assert_eq!(after.code_filename.as_deref(), Some("index.zip"));
}

#[test]
fn update_code_applies_the_create_rules() {
    let (emu, _) = emulator();
    emu.create_function(req("f")).unwrap();
    let mut bad_type = zip_code(EMPTY_WASM);
    bad_type.code_type = "rar".into();
    assert_code(emu.update_function_code("f", bad_type), "FSS.1006", 400);
    let mut blank = zip_code(EMPTY_WASM);
    blank.func_code = Some(FuncCode {
        file: Some(String::new()),
        link: None,
    });
    assert_code(emu.update_function_code("f", blank), "FSS.1012", 400);
    let mut none = zip_code(EMPTY_WASM);
    none.func_code = None;
    assert_code(emu.update_function_code("f", none), "FSS.1012", 400);
    let mut no_name = zip_code(EMPTY_WASM);
    no_name.code_filename = None;
    assert_code(emu.update_function_code("f", no_name), "FSS.0400", 400);
    assert_code(
        emu.update_function_code("f", zip_code(b"PK\x03\x04x")),
        "FSS.1011",
        400,
    );
    let inline_source = UpdateFunctionCodeRequest {
        code_type: "inline".into(),
        func_code: Some(code("s".repeat(10 * 1024 + 1).as_bytes())),
        ..Default::default()
    };
    assert_code(
        emu.update_function_code("f", inline_source),
        "FSS.1072",
        413,
    );
    let obs = UpdateFunctionCodeRequest {
        code_type: "obs".into(),
        code_url: Some("/definitely/not/here.zip".into()),
        ..Default::default()
    };
    assert_code(emu.update_function_code("f", obs), "FSS.1054", 404);
    // A wasm over 10 KB as inline is a package, not source.
    let wasm = UpdateFunctionCodeRequest {
        code_type: "inline".into(),
        func_code: Some(code(&big_wasm(12 * 1024))),
        ..Default::default()
    };
    emu.update_function_code("f", wasm).unwrap();
}

#[test]
fn update_code_depend_list_is_validated() {
    let (emu, _) = emulator();
    emu.create_function(req("f")).unwrap();
    let mut unknown = zip_code(EMPTY_WASM);
    unknown.depend_list = Some(vec!["no-such-dependency".into()]);
    assert_code(emu.update_function_code("f", unknown), "FSS.1024", 400);
    let mut twice = zip_code(EMPTY_WASM);
    twice.depend_list = Some(vec!["d".into(), "d".into()]);
    assert_code(emu.update_function_code("f", twice), "FSS.1024", 400);
    let mut many = zip_code(EMPTY_WASM);
    many.depend_list = Some((0..21).map(|i| format!("d{i}")).collect());
    assert_code(emu.update_function_code("f", many), "FSS.1024", 400);
    let mut empty = zip_code(EMPTY_WASM);
    empty.depend_list = Some(vec![]);
    let resp = emu.update_function_code("f", empty).unwrap();
    assert!(resp.depend_list.is_none());
}

#[test]
fn update_code_quota_counts_published_copies() {
    let limits = fgs_core::limits::Limits {
        max_total_code_size: 3 * HANDLER_WASM.len() as u64,
        ..Default::default()
    };
    let (emu, _) = crate::common::emulator_with(fgs_runtime::Emulator::builder().limits(limits));
    emu.create_function(req("f")).unwrap();
    emu.publish_version("f", PublishVersionRequest::default())
        .unwrap();
    // latest and v share one package: replacing latest adds a second copy.
    let q = emu.get_quotas();
    assert_eq!(q.quotas.resources[4].used, 1);
    let big = big_wasm(3 * HANDLER_WASM.len());
    let wasm = |b: &[u8]| UpdateFunctionCodeRequest {
        code_type: "inline".into(),
        func_code: Some(code(b)),
        ..Default::default()
    };
    assert_code(emu.update_function_code("f", wasm(&big)), "FSS.1042", 403);
    emu.update_function_code("f", wasm(EMPTY_WASM)).unwrap();
}

#[test]
fn update_config_changes_fields_but_not_digest() {
    let (emu, clock) = emulator();
    let created = emu.create_function(req("f")).unwrap();
    clock.advance(Duration::from_secs(5));
    let body = json!({"func_name":"f","handler":"main.run","memory_size":768,"runtime":"Node.js6.10",
        "timeout":40,"user_data":"{\"K\":\"v\"}","xrole":"agency","description":"d",
        "strategy_config":{"concurrency":5,"concurrent_number":10},
        "func_vpc":{"vpc_name":"n","vpc_id":"vpc-1","subnet_name":"s","subnet_id":"sub-1","cidr":"10.0.0.0/24","gateway":"10.0.0.1"},
        "mount_config":{"mount_user":{"user_id":"-1","user_group_id":-1},
            "func_mounts":[{"mount_type":"sfs","mount_resource":"r1","local_mount_path":"/mnt/a"}]},
        "initializer_handler":"main.init","initializer_timeout":10,"domain_names":"x.local",
        "is_stateful_function":true});
    let updated = emu
        .update_function_config("f", serde_json::from_value(body).unwrap())
        .unwrap();
    let v = serde_json::to_value(&updated).unwrap();
    assert_eq!(
        v["func_urn"],
        "urn:fss:local-1:0123456789abcdef0123456789abcdef:function:default:f"
    );
    assert_eq!(
        (updated.timeout, updated.memory_size, updated.cpu),
        (40, 768, 800)
    );
    assert_eq!(updated.runtime, "Node.js6.10");
    assert_eq!(updated.handler, "main.run");
    assert_eq!(updated.digest, created.digest);
    assert_ne!(updated.image_name, created.image_name);
    assert_eq!(v["last_modified"], "2024-05-01T12:00:05+00:00");
    assert_eq!(
        v["strategy_config"],
        json!({"concurrency": 5, "concurrent_num": 10})
    );
    assert_eq!(v["func_vpc"]["vpc_id"], "vpc-1");
    assert_eq!(v["mount_config"]["func_mounts"][0]["status"], "ACTIVE");
    assert_eq!(updated.initializer_timeout, Some(10));
    let got = emu.get_function_config("f").unwrap();
    assert!(got.func_urn.ends_with(":f:latest"));
    assert_eq!(got.user_data.as_deref(), Some("{\"K\":\"v\"}"));
    assert_eq!(got.xrole.as_deref(), Some("agency"));
    // Absent optional fields keep their values; blank ones clear them.
    let kept = emu.update_function_config("f", config_req("f")).unwrap();
    assert_eq!(kept.user_data.as_deref(), Some("{\"K\":\"v\"}"));
    let cleared = emu
        .update_function_config("f", cfg(|r| r.user_data = Some(String::new())))
        .unwrap();
    assert!(cleared.user_data.is_none());
}

#[test]
fn update_config_field_rules() {
    let (emu, _) = emulator();
    emu.create_function(req("f")).unwrap();
    let e = |r| emu.update_function_config("f", r);
    assert_code(e(cfg(|r| r.func_name = "g".into())), "FSS.1002", 400);
    assert_code(e(cfg(|r| r.runtime = "Perl".into())), "FSS.1005", 400);
    assert_code(e(cfg(|r| r.timeout = 1000)), "FSS.1008", 400);
    assert_code(e(cfg(|r| r.handler = "nodot".into())), "FSS.1003", 400);
    assert_code(e(cfg(|r| r.memory_size = 64)), "FSS.1007", 400);
    assert_code(e(cfg(|r| r.user_data = Some("[]".into()))), "FSS.1009", 400);
    assert_code(
        e(cfg(|r| r.encrypted_user_data = Some("{\"a\":2}".into()))),
        "FSS.1009",
        400,
    );
    assert_code(
        e(cfg(|r| r.description = Some("d".repeat(513)))),
        "FSS.1019",
        400,
    );
    assert_code(
        e(cfg(|r| r.initializer_handler = Some("x".into()))),
        "FSS.1404",
        400,
    );
    assert_code(e(cfg(|r| r.initializer_timeout = Some(0))), "FSS.1405", 400);
    let strategy = |c: i64, n: i64| {
        cfg(|r| {
            r.strategy_config = Some(fgs_core::function::StrategyConfig {
                concurrency: Some(c),
                concurrent_num: Some(n),
            })
        })
    };
    assert_code(e(strategy(1001, 1)), "FSS.0400", 400);
    assert_code(e(strategy(-2, 1)), "FSS.0400", 400);
    assert_code(e(strategy(1, 200_001)), "FSS.0400", 400);
    assert_code(e(strategy(1, -2)), "FSS.0400", 400);
    e(strategy(1000, 200_000)).unwrap();
    e(strategy(-1, -1)).unwrap();
}

#[test]
fn update_config_vpc_and_mount_rules() {
    let (emu, _) = emulator();
    emu.create_function(req("f")).unwrap();
    let e = |v: serde_json::Value| {
        let mut body = json!({"func_name":"f","runtime":"Custom","timeout":3,"handler":"a.b","memory_size":128});
        for (k, val) in v.as_object().unwrap() {
            body[k] = val.clone();
        }
        emu.update_function_config("f", serde_json::from_value(body).unwrap())
    };
    assert_code(e(json!({"func_vpc":{"vpc_id":"v"}})), "FSS.0400", 400);
    assert_code(e(json!({"func_vpc":{"subnet_id":"s"}})), "FSS.0400", 400);
    let mount = |uid: serde_json::Value, gid: serde_json::Value, mounts: serde_json::Value| json!({"mount_config":{"mount_user":{"user_id":uid,"user_group_id":gid},"func_mounts":mounts}});
    let one = json!([{"mount_type":"sfs","mount_resource":"r","local_mount_path":"/mnt/x"}]);
    for bad in [
        json!(0),
        json!(1000),
        json!(1002),
        json!(-2),
        json!(65535),
        json!("abc"),
        json!(null),
    ] {
        assert_code(
            e(mount(bad.clone(), json!(-1), one.clone())),
            "FSS.1075",
            400,
        );
        assert_code(e(mount(json!(-1), bad, one.clone())), "FSS.1075", 400);
    }
    let six: Vec<_> = (0..6)
        .map(|i| json!({"mount_type":"sfs","mount_resource":"r","local_mount_path":format!("/mnt/{i}")}))
        .collect();
    assert_code(e(mount(json!(1), json!(1), json!(six))), "FSS.1049", 403);
    for path in ["", "relative", "/", "/a/../b", "/with space"] {
        let m = json!([{"mount_type":"sfs","mount_resource":"r","local_mount_path":path}]);
        assert_code(e(mount(json!(1), json!(1), m)), "FSS.1039", 400);
    }
    let dup = json!([
        {"mount_type":"sfs","mount_resource":"r","local_mount_path":"/m"},
        {"mount_type":"sfsTurbo","mount_resource":"r2","local_mount_path":"/m"}]);
    assert_code(e(mount(json!(1), json!(1), dup)), "FSS.1039", 400);
    let ecs = json!([{"mount_type":"ecs","mount_resource":"r","local_mount_path":"/m"}]);
    assert_code(e(mount(json!(1), json!(1), ecs)), "FSS.1039", 400);
    let bad_type = json!([{"mount_type":"nfs","mount_resource":"r","local_mount_path":"/m"}]);
    assert_code(e(mount(json!(1), json!(1), bad_type)), "FSS.0400", 400);
    let no_res = json!([{"mount_type":"sfs","local_mount_path":"/m"}]);
    assert_code(e(mount(json!(1), json!(1), no_res)), "FSS.0400", 400);
    assert_code(
        e(json!({"mount_config":{"func_mounts":one}})),
        "FSS.0400",
        400,
    );
    let five: Vec<_> = (0..5)
        .map(|i| json!({"mount_type":"ecs","mount_resource":"r","mount_share_path":"1.2.3.4:/d","local_mount_path":format!("/mnt/{i}")}))
        .collect();
    let ok = e(mount(json!(65534), json!("-1"), json!(five))).unwrap();
    assert_eq!(ok.mount_config.unwrap().func_mounts.unwrap().len(), 5);
    // An empty object removes the mounts.
    let removed = e(json!({"mount_config":{}, "func_vpc":{}})).unwrap();
    assert!(removed.mount_config.is_none() && removed.func_vpc.is_none());
}

#[test]
fn max_instances_is_stored_in_strategy_concurrency() {
    let (emu, _) = emulator();
    emu.create_function(req("f")).unwrap();
    let r = emu
        .update_max_instances(
            "f",
            serde_json::from_value(json!({"max_instance_num": 3})).unwrap(),
        )
        .unwrap();
    assert_eq!(r.strategy_config.concurrency, Some(3));
    assert!(!r.func_urn.ends_with(":latest"));
    assert_eq!(
        emu.get_function_config("f")
            .unwrap()
            .strategy_config
            .concurrency,
        Some(3)
    );
    for n in [-2, 1001, i64::MIN] {
        let req = UpdateMaxInstancesRequest {
            max_instance_num: Some(n),
        };
        assert_code(emu.update_max_instances("f", req), "FSS.0400", 400);
    }
    emu.update_max_instances(
        "f",
        UpdateMaxInstancesRequest {
            max_instance_num: Some(-1),
        },
    )
    .unwrap();
    let unchanged = emu
        .update_max_instances("f", UpdateMaxInstancesRequest::default())
        .unwrap();
    assert_eq!(unchanged.strategy_config.concurrency, Some(-1));
    assert_code(
        emu.update_max_instances("nope", UpdateMaxInstancesRequest::default()),
        "FSS.1051",
        404,
    );
}

#[test]
fn v1_functions_accept_only_minus_one_or_zero_instances() {
    let (emu, _) = emulator();
    let mut r = req("old");
    r.func_type = Some("v1".into());
    emu.create_function(r).unwrap();
    let set = |n| UpdateMaxInstancesRequest {
        max_instance_num: Some(n),
    };
    assert_code(emu.update_max_instances("old", set(5)), "FSS.0400", 400);
    emu.update_max_instances("old", set(0)).unwrap();
    let stateful = UpdateFunctionConfigRequest {
        is_stateful_function: Some(true),
        ..config_req("old")
    };
    assert_code(emu.update_function_config("old", stateful), "FSS.0400", 400);
}

#[test]
fn updates_of_published_versions_and_aliases_are_refused() {
    let (emu, _) = emulator();
    emu.create_function(req("f")).unwrap();
    emu.publish_version(
        "f",
        PublishVersionRequest {
            version: Some("v1".into()),
            ..Default::default()
        },
    )
    .unwrap();
    emu.create_alias(
        "f",
        fgs_core::alias::CreateAliasRequest {
            name: "prod".into(),
            version: "v1".into(),
            ..Default::default()
        },
    )
    .unwrap();
    for urn in [
        "0123456789abcdef0123456789abcdef:default:f:v1",
        "0123456789abcdef0123456789abcdef:default:f:!prod",
    ] {
        assert_code(
            emu.update_function_config(urn, config_req("f")),
            "FSS.1015",
            400,
        );
        assert_code(
            emu.update_function_code(urn, zip_code(EMPTY_WASM)),
            "FSS.1015",
            400,
        );
        assert_code(
            emu.update_max_instances(
                urn,
                UpdateMaxInstancesRequest {
                    max_instance_num: Some(1),
                },
            ),
            "FSS.1015",
            400,
        );
    }
    let p = "0123456789abcdef0123456789abcdef";
    assert_code(
        emu.update_function_config(&format!("{p}:default:f:v9"), config_req("f")),
        "FSS.1052",
        404,
    );
    assert_code(
        emu.update_function_code(&format!("{p}:default:f:!dev"), zip_code(EMPTY_WASM)),
        "FSS.1053",
        404,
    );
    assert_code(
        emu.update_function_code("ghost", zip_code(EMPTY_WASM)),
        "FSS.1051",
        404,
    );
    assert_code(
        emu.update_function_config("ghost", config_req("ghost")),
        "FSS.1051",
        404,
    );
    // Explicit latest is fine.
    emu.update_function_config(&format!("{p}:default:f:latest"), config_req("f"))
        .unwrap();
}
