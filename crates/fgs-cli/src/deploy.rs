//! Applying a manifest through the REST API: `fgs-local deploy` against a running server,
//! and `fgs-local serve --manifest` against itself (so both use one path).
//!
//! Applying is idempotent: each resource is read first and written only when it differs
//! (a function's config and code digest, published versions by name, aliases, triggers
//! matched by type and `event_data`, the async config), so a second apply sends no writes.
//! Versions are published in manifest order from `latest` as it is at that point; a version
//! that already exists is left as it is (published versions are immutable, seed §5.7.7).

use std::process::ExitCode;

use anyhow::{Context as _, Result};
use base64::Engine as _;
use serde_json::{Value, json};

use crate::client::{Client, seg};
use crate::flags::DeployArgs;
use crate::manifest::{AsyncSpec, CodeSource, FunctionSpec, Manifest, TriggerSpec};

/// What an apply wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Resources created (functions, versions, aliases, triggers, async configs).
    pub created: usize,
    /// Resources updated (config, code, alias, trigger status, async config).
    pub updated: usize,
    /// Resources already as declared.
    pub unchanged: usize,
}

impl std::fmt::Display for Applied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} created, {} updated, {} unchanged",
            self.created, self.updated, self.unchanged
        )
    }
}

pub fn run(args: DeployArgs) -> Result<ExitCode> {
    let manifest = Manifest::load(&args.manifest)?;
    let client = Client::new(&args.endpoint);
    let applied = apply(&client, &manifest)?;
    println!(
        "deployed {} function(s) from {}: {applied}",
        manifest.functions.len(),
        manifest.origin
    );
    Ok(ExitCode::SUCCESS)
}

/// Applies every function of `manifest`.
pub fn apply(client: &Client, manifest: &Manifest) -> Result<Applied> {
    let mut applied = Applied::default();
    for f in &manifest.functions {
        apply_function(client, f, &mut applied)
            .with_context(|| format!("{}: function '{}'", manifest.at(f.line), f.name))?;
    }
    Ok(applied)
}

fn apply_function(client: &Client, f: &FunctionSpec, n: &mut Applied) -> Result<()> {
    let urn = seg(&f.urn());
    let reply = client.get(&format!("/functions/{urn}/config"))?;
    if reply.status == 404 && reply.error_code() == "FSS.1051" {
        let mut body = config_body(f);
        body["package"] = json!(f.package);
        body["code_type"] = json!(code_type(f));
        body["func_code"] = json!({"file": code_file(f)});
        if code_type(f) == "zip" {
            body["code_filename"] = json!("index.zip");
        }
        client.post("/functions", &body)?.expect("create")?;
        n.created += 1;
    } else {
        let current = reply.expect("get config")?;
        if config_differs(f, &current) {
            client
                .put(&format!("/functions/{urn}/config"), &config_body(f))?
                .expect("update config")?;
            n.updated += 1;
        } else {
            n.unchanged += 1;
        }
        let code = client
            .get(&format!("/functions/{urn}/code"))?
            .expect("get code")?;
        if code.get("digest").and_then(Value::as_str) != Some(f.code.digest.as_str()) {
            redeploy_code(client, f)?;
            n.updated += 1;
        }
    }
    apply_versions(client, f, &urn, n)?;
    apply_aliases(client, f, &urn, n)?;
    apply_triggers(client, f, &urn, n)?;
    if let Some(spec) = &f.async_config {
        apply_async(client, spec, &urn, n)?;
    }
    Ok(())
}

/// Sends `f`'s code to `latest` (`PUT .../code`): what `--watch` does on a change.
pub fn redeploy_code(client: &Client, f: &FunctionSpec) -> Result<Value> {
    let mut body = json!({"code_type": code_type(f), "func_code": {"file": code_file(f)}});
    if code_type(f) == "zip" {
        body["code_filename"] = json!("index.zip");
    }
    client
        .put(&format!("/functions/{}/code", seg(&f.urn())), &body)?
        .expect("update code")
}

/// `inline` for a wasm module or no code (the built-in handler), `zip` for a package.
fn code_type(f: &FunctionSpec) -> &'static str {
    let is_zip = f.code.bytes.starts_with(b"PK") || matches!(f.code.source, CodeSource::Dir(_));
    if is_zip { "zip" } else { "inline" }
}

fn code_file(f: &FunctionSpec) -> String {
    base64::engine::general_purpose::STANDARD.encode(&f.code.bytes)
}

/// The §5.6.7 update body (also the common part of the §5.6.2 create body).
fn config_body(f: &FunctionSpec) -> Value {
    let mut body = json!({
        "func_name": f.name, "runtime": f.runtime, "handler": f.handler,
        "memory_size": f.memory_size, "timeout": f.timeout,
    });
    if let Some(u) = f.user_data_json() {
        body["user_data"] = json!(u);
    }
    if let Some(h) = &f.initializer_handler {
        body["initializer_handler"] = json!(h);
    }
    if let Some(t) = f.initializer_timeout {
        body["initializer_timeout"] = json!(t);
    }
    if let Some(d) = &f.description {
        body["description"] = json!(d);
    }
    body
}

fn config_differs(f: &FunctionSpec, cur: &Value) -> bool {
    let s = |k: &str| cur.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let u = |k: &str| cur.get(k).and_then(Value::as_u64);
    let user_data: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&s("user_data")).unwrap_or_default();
    s("runtime") != f.runtime
        || s("handler") != f.handler
        || u("memory_size") != Some(u64::from(f.memory_size))
        || u("timeout") != Some(u64::from(f.timeout))
        || user_data != f.user_data
        || f.initializer_handler
            .as_ref()
            .is_some_and(|h| s("initializer_handler") != *h)
        || f.initializer_timeout
            .is_some_and(|t| u("initializer_timeout") != Some(u64::from(t)))
        || f.description
            .as_ref()
            .is_some_and(|d| s("description") != *d)
}

fn apply_versions(client: &Client, f: &FunctionSpec, urn: &str, n: &mut Applied) -> Result<()> {
    if f.versions.is_empty() {
        return Ok(());
    }
    let list = client
        .get(&format!("/functions/{urn}/versions?maxitems=400"))?
        .expect("list versions")?;
    let existing: Vec<&str> = list
        .get("versions")
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .filter_map(|x| x.get("version")?.as_str())
                .collect()
        })
        .unwrap_or_default();
    for v in &f.versions {
        if existing.contains(&v.version.as_str()) {
            n.unchanged += 1;
            continue;
        }
        let mut body = json!({"version": v.version});
        if let Some(d) = &v.description {
            body["description"] = json!(d);
        }
        client
            .post(&format!("/functions/{urn}/versions"), &body)?
            .expect(&format!("publish version {}", v.version))?;
        n.created += 1;
    }
    Ok(())
}

fn apply_aliases(client: &Client, f: &FunctionSpec, urn: &str, n: &mut Applied) -> Result<()> {
    if f.aliases.is_empty() {
        return Ok(());
    }
    let list = client
        .get(&format!("/functions/{urn}/aliases"))?
        .expect("list aliases")?;
    let empty = Vec::new();
    let existing = list.as_array().unwrap_or(&empty);
    for a in &f.aliases {
        let mut body = json!({"version": a.version});
        if let Some(d) = &a.description {
            body["description"] = json!(d);
        }
        if !a.weights.is_empty() {
            body["additional_version_weights"] = json!(a.weights);
        }
        let cur = existing
            .iter()
            .find(|x| x.get("name").and_then(Value::as_str) == Some(a.name.as_str()));
        match cur {
            None => {
                body["name"] = json!(a.name);
                client
                    .post(&format!("/functions/{urn}/aliases"), &body)?
                    .expect(&format!("create alias {}", a.name))?;
                n.created += 1;
            }
            Some(cur) => {
                let weights = cur
                    .get("additional_version_weights")
                    .cloned()
                    .filter(|w| w.as_object().is_some_and(|o| !o.is_empty()))
                    .unwrap_or(Value::Null);
                let want = body
                    .get("additional_version_weights")
                    .cloned()
                    .unwrap_or(Value::Null);
                let same = cur.get("version") == body.get("version")
                    && weights == want
                    && a.description.as_ref().is_none_or(|d| {
                        cur.get("description").and_then(Value::as_str) == Some(d.as_str())
                    });
                if same {
                    n.unchanged += 1;
                } else {
                    client
                        .put(&format!("/functions/{urn}/aliases/{}", seg(&a.name)), &body)?
                        .expect(&format!("update alias {}", a.name))?;
                    n.updated += 1;
                }
            }
        }
    }
    Ok(())
}

/// Whether `existing` (a trigger as listed) is the one `spec` declares: same type and every
/// declared `event_data` field equal.
fn same_trigger(spec: &TriggerSpec, existing: &Value) -> bool {
    existing.get("trigger_type_code").and_then(Value::as_str) == Some(spec.trigger_type.as_str())
        && spec.event_data.as_object().is_some_and(|want| {
            want.iter()
                .all(|(k, v)| existing.get("event_data").and_then(|d| d.get(k)) == Some(v))
        })
}

fn apply_triggers(client: &Client, f: &FunctionSpec, urn: &str, n: &mut Applied) -> Result<()> {
    if f.triggers.is_empty() {
        return Ok(());
    }
    let list = client
        .get(&format!("/triggers/{urn}"))?
        .expect("list triggers")?;
    let empty = Vec::new();
    let existing = list.as_array().unwrap_or(&empty);
    for t in &f.triggers {
        match existing.iter().find(|x| same_trigger(t, x)) {
            Some(cur) => {
                if cur.get("trigger_status").and_then(Value::as_str) == Some(t.status.as_str()) {
                    n.unchanged += 1;
                    continue;
                }
                let id = cur.get("trigger_id").and_then(Value::as_str).unwrap_or("");
                client
                    .put(
                        &format!("/triggers/{urn}/{}/{}", t.trigger_type, seg(id)),
                        &json!({"trigger_status": t.status}),
                    )?
                    .expect(&format!("update {} trigger", t.trigger_type))?;
                n.updated += 1;
            }
            None => {
                let event_type = t.event_type_code.clone().unwrap_or_else(|| {
                    match t.trigger_type.as_str() {
                        "APIG" | "APIC" => "APICreated",
                        "OBS" => "ObjectCreated",
                        _ => "MessageCreated",
                    }
                    .to_owned()
                });
                let body = json!({
                    "trigger_type_code": t.trigger_type, "trigger_status": t.status,
                    "event_type_code": event_type, "event_data": t.event_data,
                });
                client
                    .post(&format!("/triggers/{urn}"), &body)?
                    .expect(&format!("create {} trigger", t.trigger_type))?;
                n.created += 1;
            }
        }
    }
    Ok(())
}

fn apply_async(client: &Client, spec: &AsyncSpec, urn: &str, n: &mut Applied) -> Result<()> {
    let mut body = json!({});
    if let Some(v) = spec.max_async_event_age_in_seconds {
        body["max_async_event_age_in_seconds"] = json!(v);
    }
    if let Some(v) = spec.max_async_retry_attempts {
        body["max_async_retry_attempts"] = json!(v);
    }
    if let Some(v) = spec.enable_async_status_log {
        body["enable_async_status_log"] = json!(v);
    }
    let mut dest = serde_json::Map::new();
    for (key, d) in [
        ("on_success", &spec.on_success),
        ("on_failure", &spec.on_failure),
    ] {
        if let Some(d) = d {
            dest.insert(
                key.into(),
                json!({"destination": d.destination, "param": d.param_json()}),
            );
        }
    }
    if !dest.is_empty() {
        body["destination_config"] = Value::Object(dest);
    }
    let path = format!("/functions/{urn}/async-invoke-config");
    let reply = client.get(&path)?;
    let exists = reply.ok();
    if exists {
        let cur = reply.json()?;
        let same = body
            .as_object()
            .is_some_and(|want| want.iter().all(|(k, v)| same_value(cur.get(k), v)));
        if same {
            n.unchanged += 1;
            return Ok(());
        }
    }
    client.put(&path, &body)?.expect("put async config")?;
    if exists {
        n.updated += 1;
    } else {
        n.created += 1;
    }
    Ok(())
}

/// `want` equals `cur`, where objects compare on `want`'s keys only.
fn same_value(cur: Option<&Value>, want: &Value) -> bool {
    match (cur, want) {
        (Some(Value::Object(c)), Value::Object(w)) => {
            w.iter().all(|(k, v)| same_value(c.get(k), v))
        }
        (Some(c), w) => c == w,
        (None, _) => false,
    }
}
