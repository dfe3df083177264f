//! Quickstart: embed the emulator, deploy a function, publish a version, route an alias,
//! invoke it and read its metrics.
//!
//! Run it with `cargo run -p fgs-runtime --example quickstart`.

use fgs_core::alias::CreateAliasRequest;
use fgs_core::function::{CreateFunctionRequest, FuncCode};
use fgs_core::version::PublishVersionRequest;
use fgs_runtime::Emulator;

fn main() -> Result<(), fgs_runtime::Error> {
    let emu = Emulator::builder().utc_offset_seconds(8 * 3600).build()?;

    // A function whose code is the built-in default handler (a blank `func_code.file`).
    let created = emu.create_function(CreateFunctionRequest {
        func_name: "hello".into(),
        package: "default".into(),
        runtime: "Custom".into(),
        handler: "index.handler".into(),
        memory_size: 256,
        timeout: 30,
        code_type: "inline".into(),
        func_code: Some(FuncCode::default()),
        ..Default::default()
    })?;
    println!(
        "created {} (cpu {} millicores)",
        created.func_urn, created.cpu
    );

    let v1 = emu.publish_version(
        "hello",
        PublishVersionRequest {
            version: Some("v1".into()),
            ..Default::default()
        },
    )?;
    println!("published {}", v1.config.func_urn);

    let alias = emu.create_alias(
        "hello",
        CreateAliasRequest {
            name: "prod".into(),
            version: "v1".into(),
            ..Default::default()
        },
    )?;
    println!("alias {} -> {}", alias.alias_urn, alias.version);

    let through_alias = emu.get_function_config(&alias.alias_urn)?;
    println!(
        "{}",
        serde_json::to_string_pretty(&through_alias).expect("a config serializes")
    );

    // Run it: through the alias, which routes to v1 (the built-in echo handler).
    let inv = emu.invoke(&alias.alias_urn, br#"{"hello":"world"}"#)?;
    println!(
        "invoked {} -> {} {} in {:?} (cold start: {}): {}",
        inv.version,
        inv.http_status(),
        inv.outcome.name(),
        inv.duration,
        inv.cold_start,
        String::from_utf8_lossy(&inv.result)
    );
    let totals = emu.function_metrics_totals("hello")?;
    println!(
        "metrics: {} invocations, {} cold starts",
        totals.invocations, totals.cold_starts
    );

    // Errors carry the platform's code and status.
    let err = emu.get_function_config("default:nobody").unwrap_err();
    println!("{} -> HTTP {}", err, err.status());
    Ok(())
}
