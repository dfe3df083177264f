//! The event each trigger type delivers to its function (DECISIONS "Triggers": event shapes),
//! built from the stored [`Trigger`] (its `event_data`: bucket, topic, stream, queue, names)
//! and a caller payload, at a given time.
//!
//! The seed (§1.6.2, §5.12) defines triggers as data only; the shapes below follow the
//! platform's public event templates: the "Supported Event Sources" page of the FunctionGraph
//! developer guide (support.huaweicloud.com, `devg-functiongraph/functiongraph_02_0102`, one
//! example event per source) and the same templates as the runtime SDKs publish them
//! (opentelekomcloud-community `otc-functiongraph-*-runtime`, "trigger events"). Values the
//! platform fills from its own state (request ids, owner ids, cursors) are filled from the
//! [`EventContext`]. The `fgs-abi` docs link here.
//!
//! | type | top-level keys | invocation |
//! |---|---|---|
//! | TIMER | `version`, `time`, `trigger_type`, `trigger_name`, `user_event` | async |
//! | APIG, DEDICATEDGATEWAY, APIC | `body`, `requestContext`, `queryStringParameters`, `httpMethod`, `pathParameters`, `headers`, `path`, `isBase64Encoded` | sync |
//! | OBS | `Records` (each `eventVersion`, `eventSource`, `eventRegion`, `eventTime`, `eventName`, `userIdentity`, `requestParameters`, `responseElements`, `s3`) | async |
//! | SMN | `record` (each `event_version`, `smn`, `event_subscription_urn`, `event_source`) | async |
//! | DMS | `queue_id`, `region`, `event_type`, `consumer_group_id`, `messages` | async |
//! | DIS | `ShardID`, `Message` (`next_partition_cursor`, `records`, `millisBehindLatest`), `Tag`, `StreamName` | async |
//! | KAFKA | `event_version`, `event_time`, `trigger_type`, `region`, `instance_id`, `records` (each `messages`, `topic_id`) | async |
//! | LTS | `lts` (`data`: Base64 of `{"logs", "owner", "log_group_id", "log_topic_id"}`) | async |
//! | CTS | `cts` (`time`, `user`, `request`, `response`, `code`, `service_type`, `resource_type`, `resource_name`, `resource_id`, `trace_name`, `trace_type`, `record_time`, `trace_id`, `trace_status`) | async |
//! | DDS | `records` (each `event_source`, `event_name`, `region`, `event_version`, `dds`, `event_source_id`) | async |
//!
//! How the payload is read, per type (lenient: any JSON is accepted and coerced, nothing
//! fails):
//! - TIMER: ignored; `user_event` is the trigger's (`""` when it has none), `time` is the
//!   firing time in RFC 3339 with the emulator's offset.
//! - APIG family: an object with any of `httpMethod` (default `GET`), `path` (default the
//!   trigger's `path`), `headers`, `queryStringParameters`, `pathParameters` and `body`; a
//!   string is the body. The body (a string, or other JSON serialized) is Base64-encoded and
//!   `isBase64Encoded` is `true`, as the platform delivers it. `requestContext` holds
//!   `apiId` (the trigger's `api_id`), `requestId`, `stage` (the trigger's `env_name`) and
//!   `sourceIp`.
//! - OBS: a string is the object key; an object may give `key`, `size`, `eTag`,
//!   `eventName` (default: the trigger's first event without `s3:`, `*` read as `Put` or
//!   `Delete`) and `sourceIPAddress`. `eventTime` is UTC with milliseconds and `Z`.
//! - SMN: a string is the message; an object may give `message`, `subject`,
//!   `message_attributes`. `timestamp` is UTC `...Z`; `event_subscription_urn` is the
//!   invoked function's URN.
//! - DMS, KAFKA, DIS, LTS, DDS: an array is one item per message (record, log, document);
//!   any other value is one item. DMS: a string item is the `body` (attributes `{}`), an
//!   object item is kept. KAFKA: string items are kept, other JSON serialized; an object
//!   payload `{"topic_id", "messages"}` picks the topic (default: the trigger's first).
//!   `event_time` is epoch seconds. DIS: a string item is Base64-encoded into `data`, an
//!   object item is kept with `partition_key` and `sequence_number` filled in. LTS: a string
//!   item is a log `message`, an object item is kept; the list is wrapped with `owner` (the
//!   project id) and the trigger's group and topic ids, then Base64-encoded. DDS: each item is
//!   a document serialized into `full_document`, with `ns` naming the trigger's database and
//!   collection.
//! - CTS: an object is merged over the defaults (`service_type`, `resource_type` and
//!   `trace_name` from the trigger's first operation `<service>:<resource>:<operation>`);
//!   `time` and `record_time` are epoch milliseconds.
//!
//! ```
//! use chrono::{DateTime, FixedOffset, Utc};
//! use fgs_core::trigger::{EventContext, InvokeMode, TriggerType};
//! assert_eq!(TriggerType::Apig.invoke_mode(), InvokeMode::Sync);
//! assert_eq!(TriggerType::Obs.invoke_mode(), InvokeMode::Async);
//! let t: DateTime<Utc> = "2024-05-01T12:00:00Z".parse()?;
//! let ctx = EventContext {
//!     time: t,
//!     utc_offset: FixedOffset::east_opt(8 * 3600).unwrap(),
//!     region: "local-1",
//!     project_id: "p",
//!     domain_id: "d",
//!     function_urn: "urn:fss:local-1:p:function:default:f:latest",
//!     event_id: "id-1",
//! };
//! assert_eq!(ctx.rfc3339(), "2024-05-01T20:00:00+08:00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use base64::Engine as _;
use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use super::{
    ApigEventData, CtsEventData, DdsEventData, DisEventData, DmsEventData, EventData,
    KafkaEventData, LtsEventData, ObsEventData, SmnEventData, TimerEventData, Trigger, TriggerType,
};

/// How a trigger type invokes its function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum InvokeMode {
    /// Synchronous: the caller waits for the result (APIG, DEDICATEDGATEWAY, APIC).
    #[serde(rename = "sync")]
    Sync,
    /// Asynchronous: the event is queued (every other type).
    #[serde(rename = "async")]
    Async,
}

impl TriggerType {
    /// How this type invokes: [`InvokeMode::Sync`] for the APIG family, else
    /// [`InvokeMode::Async`].
    pub fn invoke_mode(self) -> InvokeMode {
        if self.is_apig() {
            InvokeMode::Sync
        } else {
            InvokeMode::Async
        }
    }
}

/// What an event needs besides the trigger and the payload.
#[derive(Debug, Clone, Copy)]
pub struct EventContext<'a> {
    /// When the event happens (a TIMER's firing time, or now).
    pub time: DateTime<Utc>,
    /// The offset of RFC 3339 times (TIMER `time`).
    pub utc_offset: FixedOffset,
    /// Region id (OBS `eventRegion`, Kafka/DMS/DDS `region`).
    pub region: &'a str,
    /// Project id (OBS owner, LTS `owner`).
    pub project_id: &'a str,
    /// Domain (account) id (CTS `user.domain.id`, OBS `userIdentity`).
    pub domain_id: &'a str,
    /// The URN of the function the event is delivered to (SMN `event_subscription_urn`).
    pub function_urn: &'a str,
    /// A fresh id for this delivery (request, message and trace ids are derived from it).
    pub event_id: &'a str,
}

impl EventContext<'_> {
    /// `time` in RFC 3339 with the offset, seconds precision.
    pub fn rfc3339(&self) -> String {
        crate::timefmt::rfc3339(self.time, self.utc_offset)
    }

    /// `time` in UTC with a `Z`, with milliseconds when `millis`.
    fn utc_z(&self, millis: bool) -> String {
        let fmt = if millis {
            SecondsFormat::Millis
        } else {
            SecondsFormat::Secs
        };
        self.time.to_rfc3339_opts(fmt, true)
    }

    /// `event_id` without dashes (32 hex characters for a UUID).
    fn hex_id(&self) -> String {
        self.event_id.replace('-', "")
    }
}

/// Builds the event `trigger` delivers for `payload` (shapes and payload rules in the module
/// docs).
pub fn build_event(trigger: &Trigger, payload: &Value, ctx: &EventContext<'_>) -> Value {
    match &trigger.event_data {
        EventData::Timer(t) => timer_event(t, ctx),
        EventData::Apig(a) => apig_event(a, payload, ctx),
        EventData::Obs(o) => obs_event(o, payload, ctx),
        EventData::Smn(s) => smn_event(s, payload, ctx),
        EventData::Dms(d) => dms_event(d, payload, ctx),
        EventData::Dis(d) => dis_event(d, payload, ctx),
        EventData::Kafka(k) => kafka_event(k, payload, ctx),
        EventData::Lts(l) => lts_event(l, payload, ctx),
        EventData::Cts(c) => cts_event(c, payload, ctx),
        EventData::Dds(d) => dds_event(d, payload, ctx),
    }
}

/// TIMER: `{"version":"v1.0","time","trigger_type":"TIMER","trigger_name","user_event"}`.
pub fn timer_event(t: &TimerEventData, ctx: &EventContext<'_>) -> Value {
    json!({
        "version": "v1.0",
        "time": ctx.rfc3339(),
        "trigger_type": "TIMER",
        "trigger_name": t.name,
        "user_event": t.user_event.clone().unwrap_or_default(),
    })
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A JSON value as a string: strings as they are, other JSON serialized.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// An array payload as its items; any other value as one item (`null` as none).
fn items(payload: &Value) -> Vec<Value> {
    match payload {
        Value::Array(a) => a.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// `field` of an object payload, if present.
fn field<'v>(payload: &'v Value, name: &str) -> Option<&'v Value> {
    payload.as_object().and_then(|o| o.get(name))
}

/// An object field of the payload, `{}` otherwise.
fn object_field(payload: &Value, name: &str) -> Value {
    match field(payload, name) {
        Some(v @ Value::Object(_)) => v.clone(),
        _ => Value::Object(Map::new()),
    }
}

fn apig_event(a: &ApigEventData, payload: &Value, ctx: &EventContext<'_>) -> Value {
    let (method, path, body) = match payload {
        Value::Object(o) => (
            o.get("httpMethod").map_or_else(|| "GET".to_owned(), text),
            o.get("path").map_or_else(|| a.path.clone(), text),
            o.get("body").map(text).unwrap_or_default(),
        ),
        other => ("GET".to_owned(), a.path.clone(), text(other)),
    };
    json!({
        "body": b64(body.as_bytes()),
        "requestContext": {
            "apiId": a.api_id,
            "requestId": ctx.hex_id(),
            "stage": a.env_name,
            "sourceIp": "127.0.0.1",
        },
        "queryStringParameters": object_field(payload, "queryStringParameters"),
        "httpMethod": method,
        "pathParameters": object_field(payload, "pathParameters"),
        "headers": object_field(payload, "headers"),
        "path": path,
        "isBase64Encoded": true,
    })
}

/// The OBS `eventName` a trigger delivers by default: its first event without `s3:`, with a
/// wildcard read as the plain operation.
fn obs_default_event_name(o: &ObsEventData) -> String {
    let first = o
        .events
        .first()
        .map_or("s3:ObjectCreated:Put", String::as_str);
    let name = first.strip_prefix("s3:").unwrap_or(first);
    match name {
        "ObjectCreated:*" => "ObjectCreated:Put".to_owned(),
        "ObjectRemoved:*" => "ObjectRemoved:Delete".to_owned(),
        other => other.to_owned(),
    }
}

fn obs_event(o: &ObsEventData, payload: &Value, ctx: &EventContext<'_>) -> Value {
    let key = match payload {
        Value::Object(m) => m
            .get("key")
            .map(text)
            .unwrap_or_else(|| "object".to_owned()),
        Value::Null => "object".to_owned(),
        other => text(other),
    };
    let size = field(payload, "size").cloned().unwrap_or(json!(0));
    // OBS computes the eTag from the content; the emulator has only the key.
    let etag = field(payload, "eTag")
        .map(text)
        .unwrap_or_else(|| crate::dependency::md5_hex(key.as_bytes()));
    let event_name = field(payload, "eventName")
        .map(text)
        .unwrap_or_else(|| obs_default_event_name(o));
    let source_ip = field(payload, "sourceIPAddress").map_or_else(|| "127.0.0.1".to_owned(), text);
    json!({"Records": [{
        "eventVersion": "2.0",
        "eventSource": "aws:s3",
        "eventRegion": ctx.region,
        "eventTime": ctx.utc_z(true),
        "eventName": event_name,
        "userIdentity": {"principalId": ctx.domain_id},
        "requestParameters": {"sourceIPAddress": source_ip},
        "responseElements": {
            "x-amz-request-id": ctx.hex_id(),
            "x-amz-id-2": b64(ctx.event_id.as_bytes()),
        },
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": o.name.clone().unwrap_or_else(|| ctx.event_id.to_owned()),
            "bucket": {
                "name": o.bucket,
                "ownerIdentity": {"PrincipalId": ctx.project_id},
                "arn": format!("arn:aws:s3:::{}", o.bucket),
            },
            "object": {
                "key": key,
                "eTag": etag,
                "size": size,
                "versionId": "null",
                "sequencer": ctx.hex_id().to_uppercase(),
            },
        },
    }]})
}

fn smn_event(s: &SmnEventData, payload: &Value, ctx: &EventContext<'_>) -> Value {
    let (message, subject, attributes) = match payload {
        Value::Object(o) => (
            o.get("message").map(text).unwrap_or_default(),
            o.get("subject").map(text).unwrap_or_default(),
            o.get("message_attributes").cloned().unwrap_or(Value::Null),
        ),
        other => (text(other), String::new(), Value::Null),
    };
    json!({"record": [{
        "event_version": "1.0",
        "smn": {
            "topic_urn": s.topic_urn,
            "timestamp": ctx.utc_z(false),
            "message_attributes": attributes,
            "message": message,
            "type": "notification",
            "message_id": ctx.hex_id(),
            "subject": subject,
        },
        "event_subscription_urn": ctx.function_urn,
        "event_source": "smn",
    }]})
}

fn dms_event(d: &DmsEventData, payload: &Value, ctx: &EventContext<'_>) -> Value {
    let messages: Vec<Value> = items(payload)
        .into_iter()
        .map(|m| match m {
            Value::Object(_) => m,
            other => json!({"attributes": {}, "body": text(&other)}),
        })
        .collect();
    json!({
        "queue_id": d.queue_id,
        "region": ctx.region,
        "event_type": "MessageCreated",
        "consumer_group_id": d.consumer_group_id,
        "messages": messages,
    })
}

fn dis_event(d: &DisEventData, payload: &Value, ctx: &EventContext<'_>) -> Value {
    let shard = "shardId-0000000000";
    let records: Vec<Value> = items(payload)
        .into_iter()
        .enumerate()
        .map(|(i, r)| match r {
            Value::Object(mut o) => {
                o.entry("partition_key")
                    .or_insert_with(|| json!(shard.replace('-', "_")));
                o.entry("sequence_number")
                    .or_insert_with(|| json!(i.to_string()));
                Value::Object(o)
            }
            other => json!({
                "partition_key": shard.replace('-', "_"),
                "data": b64(text(&other).as_bytes()),
                "sequence_number": i.to_string(),
            }),
        })
        .collect();
    let cursor = json!({
        "stream-name": d.stream_name,
        "partition-id": shard,
        "cursor-type": d.sharditerator_type,
        "starting-sequence-number": records.len().to_string(),
        "event-id": ctx.event_id,
    });
    json!({
        "ShardID": shard,
        "Message": {
            "next_partition_cursor": b64(cursor.to_string().as_bytes()),
            "records": records,
            "millisBehindLatest": "",
        },
        "Tag": "latest",
        "StreamName": d.stream_name,
    })
}

fn kafka_event(k: &KafkaEventData, payload: &Value, ctx: &EventContext<'_>) -> Value {
    let default_topic = k.topics().next().cloned().unwrap_or_default();
    let (topic, messages) = match payload {
        Value::Object(o) if o.contains_key("messages") => (
            o.get("topic_id").map_or(default_topic, text),
            o.get("messages").map(items).unwrap_or_default(),
        ),
        other => (default_topic, items(other)),
    };
    let messages: Vec<String> = messages.iter().map(text).collect();
    json!({
        "event_version": "v1.0",
        "event_time": crate::timefmt::epoch_seconds(ctx.time),
        "trigger_type": "KAFKA",
        "region": ctx.region,
        "instance_id": k.instance_id,
        "records": [{"messages": messages, "topic_id": topic}],
    })
}

fn lts_event(l: &LtsEventData, payload: &Value, ctx: &EventContext<'_>) -> Value {
    let millis = crate::timefmt::epoch_millis(ctx.time);
    let logs: Vec<Value> = items(payload)
        .into_iter()
        .enumerate()
        .map(|(i, log)| match log {
            Value::Object(_) => log,
            other => json!({
                "message": text(&other),
                "time": millis,
                "host_name": "localhost",
                "ip": "127.0.0.1",
                "path": "/var/log/function.log",
                "log_uid": format!("{}-{i}", ctx.event_id),
                "line_no": i + 1,
            }),
        })
        .collect();
    let data = json!({
        "logs": logs,
        "owner": ctx.project_id,
        "log_group_id": l.log_group_id,
        "log_topic_id": l.log_topic_id,
    });
    json!({"lts": {"data": b64(data.to_string().as_bytes())}})
}

fn cts_event(c: &CtsEventData, payload: &Value, ctx: &EventContext<'_>) -> Value {
    let millis = crate::timefmt::epoch_millis(ctx.time);
    let op = c.operations.first().map_or("", String::as_str);
    let mut parts = op.splitn(3, ':');
    let service = parts.next().unwrap_or_default();
    let resource = parts.next().unwrap_or_default();
    let operation = parts.next().unwrap_or_default();
    let mut cts = json!({
        "time": millis,
        "user": {
            "name": ctx.domain_id,
            "id": ctx.project_id,
            "domain": {"name": ctx.domain_id, "id": ctx.domain_id},
        },
        "request": {},
        "response": {},
        "code": 200,
        "service_type": service,
        "resource_type": resource,
        "resource_name": "",
        "resource_id": "",
        "trace_name": operation,
        "trace_type": "ApiCall",
        "record_time": millis,
        "trace_id": ctx.event_id,
        "trace_status": "normal",
    });
    if let (Some(target), Value::Object(over)) = (cts.as_object_mut(), payload) {
        for (k, v) in over {
            target.insert(k.clone(), v.clone());
        }
    }
    json!({"cts": cts})
}

fn dds_event(d: &DdsEventData, payload: &Value, ctx: &EventContext<'_>) -> Value {
    let ns = json!({"db": d.db_name, "coll": d.collection_name}).to_string();
    let records: Vec<Value> = items(payload)
        .into_iter()
        .enumerate()
        .map(|(i, doc)| {
            let full = text(&doc);
            json!({
                "event_source": "dds",
                "event_name": "insert",
                "region": ctx.region,
                "event_version": "1.0",
                "dds": {
                    "size_bytes": full.len().to_string(),
                    "token": json!({"_data": format!("{}{i:04}", ctx.hex_id())}).to_string(),
                    "full_document": full,
                    "ns": ns,
                },
                "event_source_id": d.instance_id,
            })
        })
        .collect();
    json!({"records": records})
}
