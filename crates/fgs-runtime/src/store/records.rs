//! How the emulator's state is written to a durable store: one JSON record per function
//! (every version, alias, trigger, test event and config of it), per dependency and per async
//! request, and code packages stored once per digest as raw bytes.
//!
//! The records are this module's own types, not the API's: the API types skip fields the
//! emulator keeps (trigger instants, dependency packages), and a record must restore the
//! exact state. Triggers are stored as their shown `event_data` plus the fields it hides and
//! are parsed back with [`EventData::parse`], so a restored trigger went through the same
//! validation as a created one.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use fgs_core::alias::Alias;
use fgs_core::async_config::AsyncConfig;
use fgs_core::async_record::AsyncStatus;
use fgs_core::code::CodePackage;
use fgs_core::dependency::{Dependency, DependencyInfo};
use fgs_core::function::FunctionConfig;
use fgs_core::logs::LtsGroup;
use fgs_core::reserved::ReservedConfig;
use fgs_core::test_event::TestEvent;
use fgs_core::tracing_config::TracingConfig;
use fgs_core::trigger::{EventData, Trigger, TriggerContext, TriggerStatus, TriggerType};
use fgs_core::urn::Qualifier;
use fgs_core::{ErrorKind, Result};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::async_invoke::Request;
use crate::state::{FunctionEntry, FunctionKey, TriggerRecord, VersionState};

/// An instant as nanoseconds since the epoch (chrono's serde support is not enabled).
fn nanos(t: DateTime<Utc>) -> i64 {
    t.timestamp_nanos_opt().unwrap_or(i64::MAX)
}

fn instant(n: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(n)
}

/// A corrupt record: FSS.0500 naming what could not be read.
pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> fgs_core::Error {
    ErrorKind::Internal.with(format!("the state store holds a corrupt {what}: {e}"))
}

/// The store key of a function: project, package and name separated by NUL (none of them
/// can hold one).
pub(crate) fn function_key(key: &FunctionKey) -> String {
    format!("{}\0{}\0{}", key.project_id, key.package, key.name)
}

#[derive(Serialize, Deserialize)]
struct VersionRec {
    config: FunctionConfig,
    /// Digest of the code package (a row of the code table).
    code: String,
    modified: i64,
}

#[derive(Serialize, Deserialize)]
struct TriggerRec {
    qualifier: String,
    trigger_id: String,
    trigger_type_code: String,
    trigger_status: String,
    event_type_code: String,
    /// The shown `event_data` plus the hidden fields `EventData::parse` reads.
    event_data: Value,
    last_updated_time: String,
    created_time: String,
    created_at: i64,
    updated_at: i64,
}

/// A function entry as stored.
#[derive(Serialize, Deserialize)]
pub(crate) struct FunctionRec {
    project_id: String,
    package: String,
    name: String,
    seq: u64,
    latest: VersionRec,
    versions: Vec<(String, VersionRec)>,
    aliases: Vec<Alias>,
    triggers: Vec<TriggerRec>,
    test_events: Vec<TestEvent>,
    tracing: Option<TracingConfig>,
    reserved: Vec<(String, ReservedConfig)>,
    async_configs: Vec<(String, AsyncConfig)>,
}

fn version_rec(v: &VersionState) -> VersionRec {
    VersionRec {
        config: v.config.clone(),
        code: v.code.digest.clone(),
        modified: nanos(v.modified),
    }
}

fn trigger_rec(r: &TriggerRecord) -> Result<TriggerRec> {
    let t = &r.trigger;
    let mut event_data = serde_json::to_value(&t.event_data).map_err(|e| corrupt("trigger", e))?;
    if let (EventData::Apig(apig), Value::Object(map)) = (&t.event_data, &mut event_data) {
        map.insert("sl_domain".into(), Value::String(apig.sl_domain.clone()));
        map.insert(
            "backend_type".into(),
            Value::String(apig.backend_type.clone()),
        );
    }
    Ok(TriggerRec {
        qualifier: qualifier_text(&r.qualifier),
        trigger_id: t.trigger_id.clone(),
        trigger_type_code: t.trigger_type_code.code().to_owned(),
        trigger_status: t.trigger_status.as_str().to_owned(),
        event_type_code: t.event_type_code.clone(),
        event_data,
        last_updated_time: t.last_updated_time.clone(),
        created_time: t.created_time.clone(),
        created_at: nanos(t.created_at),
        updated_at: nanos(t.updated_at),
    })
}

/// A qualifier as the 8th field of a URN (`latest`, a version, `!alias`).
fn qualifier_text(q: &Qualifier) -> String {
    match q {
        Qualifier::Alias(a) => format!("!{a}"),
        other => other.name().to_owned(),
    }
}

/// The stored form of a function entry, and the code packages it references.
pub(crate) fn encode_function(
    key: &FunctionKey,
    e: &FunctionEntry,
) -> Result<(Vec<u8>, Vec<Arc<CodePackage>>)> {
    let rec = FunctionRec {
        project_id: key.project_id.clone(),
        package: key.package.clone(),
        name: key.name.clone(),
        seq: e.seq,
        latest: version_rec(&e.latest),
        versions: e
            .versions
            .iter()
            .map(|(n, v)| (n.clone(), version_rec(v)))
            .collect(),
        aliases: e.aliases.values().cloned().collect(),
        triggers: e
            .triggers
            .values()
            .map(trigger_rec)
            .collect::<Result<_>>()?,
        test_events: e.test_events.clone(),
        tracing: e.tracing.clone(),
        reserved: e
            .reserved
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        async_configs: e
            .async_configs
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    };
    let bytes = serde_json::to_vec(&rec).map_err(|e| corrupt("function", e))?;
    let mut codes = vec![e.latest.code.clone()];
    codes.extend(e.versions.values().map(|v| v.code.clone()));
    Ok((bytes, codes))
}

/// Rebuilds a function entry; `code` finds a package by digest.
pub(crate) fn decode_function(
    bytes: &[u8],
    code: &mut dyn FnMut(&str) -> Result<Arc<CodePackage>>,
    urn_of: &dyn Fn(&FunctionKey) -> String,
) -> Result<(FunctionKey, FunctionEntry)> {
    let rec: FunctionRec = serde_json::from_slice(bytes).map_err(|e| corrupt("function", e))?;
    let key = FunctionKey {
        project_id: rec.project_id,
        package: rec.package,
        name: rec.name,
    };
    let mut version = |v: VersionRec| -> Result<VersionState> {
        Ok(VersionState {
            config: v.config,
            code: code(&v.code)?,
            modified: instant(v.modified),
        })
    };
    let latest = version(rec.latest)?;
    let mut versions = BTreeMap::new();
    for (name, v) in rec.versions {
        versions.insert(name, version(v)?);
    }
    let mut entry = FunctionEntry::new(rec.seq, latest);
    entry.versions = versions;
    entry.aliases = rec
        .aliases
        .into_iter()
        .map(|a| (a.name.clone(), a))
        .collect();
    let mut triggers = IndexMap::new();
    for t in rec.triggers {
        let record = decode_trigger(t, &entry, &key, urn_of)?;
        triggers.insert(record.trigger.trigger_id.clone(), record);
    }
    entry.triggers = triggers;
    entry.test_events = rec.test_events;
    entry.tracing = rec.tracing;
    entry.reserved = rec.reserved.into_iter().collect();
    entry.async_configs = rec.async_configs.into_iter().collect();
    Ok((key, entry))
}

fn decode_trigger(
    t: TriggerRec,
    entry: &FunctionEntry,
    key: &FunctionKey,
    urn_of: &dyn Fn(&FunctionKey) -> String,
) -> Result<TriggerRecord> {
    let qualifier = Qualifier::parse(&t.qualifier).map_err(|e| corrupt("trigger", e))?;
    let ty = TriggerType::parse(&t.trigger_type_code).map_err(|e| corrupt("trigger", e))?;
    let status = TriggerStatus::parse(&t.trigger_status).map_err(|e| corrupt("trigger", e))?;
    let timeout_secs = entry
        .version(&qualifier)
        .map(|v| v.config.timeout)
        .unwrap_or(3);
    let api_id = t
        .event_data
        .get("api_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let function_urn = urn_of(key);
    let updated_at = instant(t.updated_at);
    let ctx = TriggerContext {
        trigger_id: &t.trigger_id,
        api_id: &api_id,
        function_urn: &function_urn,
        func_name: &key.name,
        qualifier: qualifier.name(),
        timeout_secs,
        now: updated_at - TimeDelta::seconds(1),
    };
    let event_data =
        EventData::parse(ty, Some(&t.event_data), &ctx).map_err(|e| corrupt("trigger", e))?;
    Ok(TriggerRecord {
        qualifier,
        trigger: Trigger {
            trigger_id: t.trigger_id,
            trigger_type_code: ty,
            trigger_status: status,
            event_type_code: t.event_type_code,
            event_data,
            last_updated_time: t.last_updated_time,
            created_time: t.created_time,
            created_at: instant(t.created_at),
            updated_at,
        },
    })
}

#[derive(Serialize, Deserialize)]
struct DependencyRec {
    info: DependencyInfo,
    seq: u64,
}

/// The stored form of a dependency (its package is stored apart, by id).
pub(crate) fn encode_dependency(d: &Dependency) -> Result<Vec<u8>> {
    serde_json::to_vec(&DependencyRec {
        info: d.info.clone(),
        seq: d.seq,
    })
    .map_err(|e| corrupt("dependency", e))
}

/// Rebuilds a dependency from its record and package.
pub(crate) fn decode_dependency(bytes: &[u8], package: Vec<u8>) -> Result<Dependency> {
    let rec: DependencyRec = serde_json::from_slice(bytes).map_err(|e| corrupt("dependency", e))?;
    Ok(Dependency {
        info: rec.info,
        package: Arc::new(package),
        seq: rec.seq,
    })
}

/// The state's counters and project-wide settings.
#[derive(Serialize, Deserialize, Default)]
pub(crate) struct MetaRec {
    pub(crate) next_seq: u64,
    pub(crate) lts: Option<LtsGroup>,
}

/// An async request as stored.
#[derive(Serialize, Deserialize)]
struct RequestRec {
    seq: u64,
    request_id: String,
    key: (String, String, String),
    function_seq: u64,
    qualifier: String,
    urn: String,
    event: Value,
    accepted: i64,
    started: Option<i64>,
    ended: Option<i64>,
    status: AsyncStatus,
    error_message: String,
    attempts: u32,
    instance_id: Option<String>,
    retention_secs: i64,
}

/// The stored form of an async request and its acceptance sequence.
pub(crate) fn encode_request(seq: u64, r: &Request) -> Result<Vec<u8>> {
    serde_json::to_vec(&RequestRec {
        seq,
        request_id: r.request_id.clone(),
        key: (
            r.key.project_id.clone(),
            r.key.package.clone(),
            r.key.name.clone(),
        ),
        function_seq: r.function_seq,
        qualifier: qualifier_text(&r.qualifier),
        urn: r.urn.clone(),
        event: r.event.clone(),
        accepted: nanos(r.accepted),
        started: r.started.map(nanos),
        ended: r.ended.map(nanos),
        status: r.status,
        error_message: r.error_message.clone(),
        attempts: r.attempts,
        instance_id: r.instance_id.clone(),
        retention_secs: r.retention.num_seconds(),
    })
    .map_err(|e| corrupt("async request", e))
}

/// Rebuilds an async request and its acceptance sequence.
pub(crate) fn decode_request(bytes: &[u8]) -> Result<(u64, Request)> {
    let r: RequestRec = serde_json::from_slice(bytes).map_err(|e| corrupt("async request", e))?;
    let qualifier = Qualifier::parse(&r.qualifier).map_err(|e| corrupt("async request", e))?;
    Ok((
        r.seq,
        Request {
            request_id: r.request_id,
            key: FunctionKey {
                project_id: r.key.0,
                package: r.key.1,
                name: r.key.2,
            },
            function_seq: r.function_seq,
            qualifier,
            urn: r.urn,
            event: r.event,
            accepted: instant(r.accepted),
            started: r.started.map(instant),
            ended: r.ended.map(instant),
            status: r.status,
            error_message: r.error_message,
            attempts: r.attempts,
            instance_id: r.instance_id,
            retention: TimeDelta::seconds(r.retention_secs),
        },
    ))
}
