//! Tests: Tracing configuration (seed §5.5): GET before any PUT is 404 FSS.0404, the SK comes
//! back masked, empty values disable, PUT on a missing function is 400 FSS.1128.

use fgs_core::function::CreateFunctionRequest;
use fgs_core::tracing_config::UpdateTracingRequest;
use fgs_runtime::Emulator;
use serde_json::json;

use crate::common::{assert_code, emulator};

fn function(emu: &Emulator, name: &str) {
    emu.create_function(CreateFunctionRequest {
        func_name: name.into(),
        package: "default".into(),
        runtime: "Custom".into(),
        timeout: 3,
        handler: "index.handler".into(),
        memory_size: 128,
        code_type: "inline".into(),
        ..Default::default()
    })
    .unwrap();
}

#[test]
fn get_before_any_put_is_fss_0404() {
    let (emu, _) = emulator();
    function(&emu, "f");
    assert_code(emu.get_tracing("f"), "FSS.0404", 404);
}

#[test]
fn put_then_get_returns_the_masked_sk_in_the_seed_shape() {
    let (emu, _) = emulator();
    function(&emu, "f");
    // §5.5.2 example body.
    let body: UpdateTracingRequest =
        serde_json::from_str(r#"{"tracing_ak":"xxx","tracing_sk":"yyy"}"#).unwrap();
    emu.update_tracing("f", body).unwrap();
    // §5.5.1 example response.
    assert_eq!(
        serde_json::to_value(emu.get_tracing("f").unwrap()).unwrap(),
        json!({"tracing_ak": "xxx", "tracing_sk": "*****"})
    );
    // Change.
    emu.update_tracing("f", UpdateTracingRequest::new("ak2", "sk2"))
        .unwrap();
    let got = emu.get_tracing("f").unwrap();
    assert_eq!(
        (got.tracing_ak.as_str(), got.tracing_sk.as_str()),
        ("ak2", "*****")
    );
}

#[test]
fn empty_or_missing_values_disable_tracing() {
    let (emu, _) = emulator();
    function(&emu, "f");
    for body in [
        r#"{}"#,
        r#"{"tracing_ak":"","tracing_sk":""}"#,
        r#"{"tracing_ak":null}"#,
    ] {
        emu.update_tracing("f", UpdateTracingRequest::new("ak", "sk"))
            .unwrap();
        assert_eq!(emu.get_tracing("f").unwrap().tracing_ak, "ak");
        let req: UpdateTracingRequest = serde_json::from_str(body).unwrap();
        emu.update_tracing("f", req).unwrap();
        assert_code(emu.get_tracing("f"), "FSS.0404", 404);
    }
}

#[test]
fn only_one_key_is_fss_0400_and_keeps_the_old_config() {
    let (emu, _) = emulator();
    function(&emu, "f");
    emu.update_tracing("f", UpdateTracingRequest::new("ak", "sk"))
        .unwrap();
    for (ak, sk) in [
        (Some("ak2"), None),
        (None, Some("sk2")),
        (Some("ak2"), Some("")),
    ] {
        let req = UpdateTracingRequest {
            tracing_ak: ak.map(str::to_owned),
            tracing_sk: sk.map(str::to_owned),
        };
        assert_code(emu.update_tracing("f", req), "FSS.0400", 400);
    }
    assert_eq!(emu.get_tracing("f").unwrap().tracing_ak, "ak");
}

#[test]
fn put_on_a_missing_function_is_400_fss_1128() {
    let (emu, _) = emulator();
    assert_code(
        emu.update_tracing("nope", UpdateTracingRequest::new("ak", "sk")),
        "FSS.1128",
        400,
    );
    // Whatever the body: the missing function is reported first.
    assert_code(
        emu.update_tracing("nope", UpdateTracingRequest::default()),
        "FSS.1128",
        400,
    );
}

#[test]
fn get_on_a_missing_function_is_fss_1051() {
    let (emu, _) = emulator();
    assert_code(emu.get_tracing("nope"), "FSS.1051", 404);
}

#[test]
fn tracing_belongs_to_the_function_whatever_the_urn_form() {
    let (emu, _) = emulator();
    function(&emu, "f");
    function(&emu, "g");
    let full = emu.get_function_config("f").unwrap().func_urn;
    emu.update_tracing(&full, UpdateTracingRequest::new("ak", "sk"))
        .unwrap();
    let short = format!("{}:default:f:latest", emu.project_id());
    let unqualified = format!(
        "urn:fss:{}:{}:function:default:f",
        emu.region(),
        emu.project_id()
    );
    for urn in ["f", "default:f", &short, &unqualified, full.as_str()] {
        assert_eq!(emu.get_tracing(urn).unwrap().tracing_ak, "ak", "{urn}");
    }
    assert_code(emu.get_tracing("g"), "FSS.0404", 404);
}
