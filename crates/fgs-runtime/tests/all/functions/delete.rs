//! Delete a function or a version (seed §5.6.3, DECISIONS "Delete").

use std::collections::BTreeMap;

use fgs_core::alias::CreateAliasRequest;
use fgs_core::version::PublishVersionRequest;
use fgs_runtime::Emulator;

use super::req;
use crate::common::{assert_code, emulator};

const P: &str = "0123456789abcdef0123456789abcdef";

/// Publishes `latest` as `version`, after a config change so that publish has something new
/// (§5.7.7 FSS.1016).
fn publish(emu: &Emulator, name: &str, version: &str) {
    let cfg = emu.get_function_config(name).unwrap();
    let update = fgs_core::function::UpdateFunctionConfigRequest {
        func_name: name.into(),
        runtime: cfg.runtime,
        timeout: cfg.timeout.into(),
        handler: cfg.handler,
        memory_size: cfg.memory_size.into(),
        description: Some(format!("before {version}")),
        ..Default::default()
    };
    emu.update_function_config(name, update).unwrap();
    emu.publish_version(
        name,
        PublishVersionRequest {
            version: Some(version.into()),
            ..Default::default()
        },
    )
    .unwrap();
}

fn alias(emu: &Emulator, name: &str, alias: &str, version: &str, extra: Option<(&str, i64)>) {
    emu.create_alias(
        name,
        CreateAliasRequest {
            name: alias.into(),
            version: version.into(),
            additional_version_weights: extra.map(|(v, w)| BTreeMap::from([(v.to_owned(), w)])),
            ..Default::default()
        },
    )
    .unwrap();
}

#[test]
fn unqualified_urn_deletes_everything() {
    let (emu, _) = emulator();
    emu.create_function(req("f")).unwrap();
    publish(&emu, "f", "v1");
    alias(&emu, "f", "prod", "v1", None);
    emu.delete_function(&format!("urn:fss:local-1:{P}:function:default:f"))
        .unwrap();
    assert_code(emu.get_function_config("f"), "FSS.1051", 404);
    assert_code(
        emu.get_function_config("0123456789abcdef0123456789abcdef:default:f:v1"),
        "FSS.1051",
        404,
    );
    assert_eq!(emu.get_quotas().quotas.resources[3].used, 0);
    // The name is free again, with no leftover versions or aliases.
    emu.create_function(req("f")).unwrap();
    assert_code(
        emu.get_function_config(&format!("{P}:default:f:!prod")),
        "FSS.1053",
        404,
    );
    // Short forms without a qualifier delete everything too.
    emu.delete_function("f").unwrap();
    assert_code(emu.get_function_config("f"), "FSS.1051", 404);
}

#[test]
fn version_urn_deletes_only_that_version() {
    let (emu, _) = emulator();
    emu.create_function(req("f")).unwrap();
    publish(&emu, "f", "v1");
    publish(&emu, "f", "v2");
    emu.delete_function(&format!("urn:fss:local-1:{P}:function:default:f:v1"))
        .unwrap();
    assert_code(
        emu.get_function_config("0123456789abcdef0123456789abcdef:default:f:v1"),
        "FSS.1052",
        404,
    );
    assert_eq!(
        emu.get_function_config(&format!("{P}:default:f:v2"))
            .unwrap()
            .version,
        "v2"
    );
    assert_eq!(emu.get_function_config("f").unwrap().version, "latest");
    assert_code(
        emu.delete_function(&format!("{P}:default:f:v1")),
        "FSS.1052",
        404,
    );
}

#[test]
fn latest_alone_cannot_be_deleted() {
    let (emu, _) = emulator();
    emu.create_function(req("f")).unwrap();
    assert_code(
        emu.delete_function(&format!("{P}:default:f:latest")),
        "FSS.1015",
        400,
    );
    assert_code(
        emu.delete_function(&format!("urn:fss:local-1:{P}:function:default:f:latest")),
        "FSS.1015",
        400,
    );
    alias(&emu, "f", "dev", "latest", None);
    assert_code(
        emu.delete_function(&format!("{P}:default:f:!dev")),
        "FSS.1015",
        400,
    );
    assert!(emu.get_function_config("f").is_ok());
}

#[test]
fn missing_function_is_1051_whatever_the_qualifier() {
    let (emu, _) = emulator();
    for urn in [
        "ghost".to_owned(),
        format!("{P}:default:ghost:latest"),
        format!("{P}:default:ghost:v1"),
        format!("{P}:default:ghost:!a"),
    ] {
        assert_code(emu.delete_function(&urn), "FSS.1051", 404);
    }
    emu.create_function(req("f")).unwrap();
    assert_code(
        emu.delete_function(&format!("{P}:default:f:!nope")),
        "FSS.1053",
        404,
    );
}

#[test]
fn a_version_used_by_an_alias_is_1094() {
    let (emu, _) = emulator();
    emu.create_function(req("f")).unwrap();
    publish(&emu, "f", "v1");
    publish(&emu, "f", "v2");
    alias(&emu, "f", "gray", "v2", Some(("v1", 10)));
    assert_code(
        emu.delete_function(&format!("{P}:default:f:v1")),
        "FSS.1094",
        403,
    );
    assert_code(
        emu.delete_function(&format!("{P}:default:f:v2")),
        "FSS.1094",
        403,
    );
    assert!(
        emu.get_function_config("0123456789abcdef0123456789abcdef:default:f:v1")
            .is_ok()
    );
}

#[test]
fn alias_urn_deletes_the_version_it_points_to_and_the_alias() {
    let (emu, _) = emulator();
    emu.create_function(req("f")).unwrap();
    publish(&emu, "f", "v1");
    publish(&emu, "f", "v2");
    alias(&emu, "f", "prod", "v1", None);
    alias(&emu, "f", "other", "v2", None);
    emu.delete_function(&format!("{P}:default:f:!prod"))
        .unwrap();
    assert_code(
        emu.get_function_config("0123456789abcdef0123456789abcdef:default:f:v1"),
        "FSS.1052",
        404,
    );
    assert_code(
        emu.get_function_config(&format!("{P}:default:f:!prod")),
        "FSS.1053",
        404,
    );
    assert!(
        emu.get_function_config(&format!("{P}:default:f:!other"))
            .is_ok()
    );
    // Another alias still on the target blocks it.
    alias(&emu, "f", "second", "v2", None);
    assert_code(
        emu.delete_function(&format!("{P}:default:f:!other")),
        "FSS.1094",
        403,
    );
}
