//! `event_data` of the message, stream, log and database sources (seed §1.6.2 Tables 1-11,
//! 1-12, 1-14, 1-17, 1-18) and of LTS and CTS, which the seed lists without a model (digest
//! A17): their fields follow the platform's public API and are marked as emulator rules.
//!
//! Numbers the seed leaves without a range get an emulator range, stated on each field.

use serde::Serialize;

use super::fields::{Fields, check_trigger_name};
use crate::error::{ErrorKind, Result};

/// An SMN trigger's `event_data` (Table 1-11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SmnEventData {
    /// `Unconfirmed` or `Confirmed` (optional).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_status: Option<String>,
    /// Topic URN, `urn:smn:<region>:<project>:<topic>` (required).
    pub topic_urn: String,
}

impl SmnEventData {
    /// Validates SMN `event_data` (FSS.1102).
    pub(crate) fn parse(f: &Fields<'_>) -> Result<Self> {
        let topic_urn = f.req_str("topic_urn")?;
        let parts: Vec<&str> = topic_urn.split(':').collect();
        let well_formed = parts.len() == 5
            && parts[0] == "urn"
            && parts[1] == "smn"
            && parts[2..]
                .iter()
                .all(|p| !p.is_empty() && !p.contains(char::is_whitespace));
        if !well_formed {
            return Err(f.err(format!(
                "topic_urn '{topic_urn}' is not urn:smn:<region>:<project_id>:<topic_name>"
            )));
        }
        let subscription_status =
            f.opt_enum("subscription_status", &["Unconfirmed", "Confirmed"])?;
        Ok(SmnEventData {
            subscription_status,
            topic_urn,
        })
    }
}

/// A DMS trigger's `event_data` (Table 1-12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DmsEventData {
    /// Consumer group (required).
    pub consumer_group_id: String,
    /// Polling interval in seconds: default 30 (seed); range 1..60 (emulator rule, as DIS).
    pub polling_interval: i64,
    /// Queue (required).
    pub queue_id: String,
}

impl DmsEventData {
    /// Validates DMS `event_data` (FSS.1103) and fills in the default interval.
    pub(crate) fn parse(f: &Fields<'_>) -> Result<Self> {
        Ok(DmsEventData {
            queue_id: f.req_str("queue_id")?,
            consumer_group_id: f.req_str("consumer_group_id")?,
            polling_interval: f.opt_int("polling_interval", 1..=60)?.unwrap_or(30),
        })
    }
}

/// A DIS trigger's `event_data` (Table 1-14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisEventData {
    /// Records per pull, 1..10000, default 100.
    pub batch_size: i64,
    /// Pull period in seconds, 1..60, default 30.
    pub polling_interval: i64,
    /// `TRIM_HORIZON` (from the start) or `LATEST` (from the current position).
    pub sharditerator_type: String,
    /// Stream name (required).
    pub stream_name: String,
}

impl DisEventData {
    /// Validates DIS `event_data` (FSS.1104) and fills in the defaults.
    pub(crate) fn parse(f: &Fields<'_>) -> Result<Self> {
        Ok(DisEventData {
            stream_name: f.req_str("stream_name")?,
            polling_interval: f.opt_int("polling_interval", 1..=60)?.unwrap_or(30),
            batch_size: f.opt_int("batch_size", 1..=10_000)?.unwrap_or(100),
            sharditerator_type: f.req_enum("sharditerator_type", &["TRIM_HORIZON", "LATEST"])?,
        })
    }
}

/// A Kafka trigger's `event_data` (Table 1-18; the §5.12.3 example spells the topics
/// `topic_ids`, the model `topic_id`: both are accepted and echoed as given, digest A25).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KafkaEventData {
    /// Messages per batch: 1..10000 (emulator range), default 100.
    pub batch_size: i64,
    /// Kafka instance (required).
    pub instance_id: String,
    /// Password (required with SSL, FSS.1113).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kafka_password: Option<String>,
    /// SSL on (a boolean, or the strings `"true"`/`"false"` the seed's type suggests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kafka_ssl_enable: Option<bool>,
    /// User (required with SSL, FSS.1113).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kafka_user: Option<String>,
    /// Topics, when sent as `topic_id` (a list, or one string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<Vec<String>>,
    /// Topics, when sent as `topic_ids`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_ids: Option<Vec<String>>,
}

impl KafkaEventData {
    /// Validates Kafka `event_data` (FSS.1112; SSL without user and password FSS.1113).
    pub(crate) fn parse(f: &Fields<'_>) -> Result<Self> {
        let instance_id = f.req_str("instance_id")?;
        let topic_id = match f.get("topic_id") {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(vec![s.clone()]),
            _ => f.opt_str_list("topic_id")?,
        };
        let topic_ids = f.opt_str_list("topic_ids")?;
        let topics: Vec<&String> = topic_id.iter().chain(topic_ids.iter()).flatten().collect();
        if topics.is_empty() {
            return Err(f.err("topic_ids (or topic_id) must name at least one topic"));
        }
        let kafka_user = f.opt_str("kafka_user")?;
        let kafka_password = f.opt_str("kafka_password")?;
        let kafka_ssl_enable = f.opt_bool("kafka_ssl_enable")?;
        let batch_size = f.opt_int("batch_size", 1..=10_000)?.unwrap_or(100);
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        if kafka_ssl_enable == Some(true) && (blank(&kafka_user) || blank(&kafka_password)) {
            return Err(ErrorKind::KafkaSaslCredentialsMissing.with(
                "KAFKA trigger: kafka_ssl_enable is true, so kafka_user and kafka_password \
                 are required",
            ));
        }
        Ok(KafkaEventData {
            batch_size,
            instance_id,
            kafka_password,
            kafka_ssl_enable,
            kafka_user,
            topic_id,
            topic_ids,
        })
    }

    /// Every topic, whichever field named it.
    pub fn topics(&self) -> impl Iterator<Item = &String> {
        self.topic_id.iter().chain(self.topic_ids.iter()).flatten()
    }
}

/// A DDS trigger's `event_data` (Table 1-17; the seed marks no field required, the emulator
/// requires the three that name the source).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DdsEventData {
    /// Documents per batch: 1..10000 (emulator range), default 100.
    pub batch_size: i64,
    /// Collection (required).
    pub collection_name: String,
    /// Database (required).
    pub db_name: String,
    /// Login password (optional).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub db_password: Option<String>,
    /// DB instance (required).
    pub instance_id: String,
}

impl DdsEventData {
    /// Validates DDS `event_data` (FSS.1164).
    pub(crate) fn parse(f: &Fields<'_>) -> Result<Self> {
        Ok(DdsEventData {
            instance_id: f.req_str("instance_id")?,
            db_name: f.req_str("db_name")?,
            collection_name: f.req_str("collection_name")?,
            db_password: f.opt_str("db_password")?,
            batch_size: f.opt_int("batch_size", 1..=10_000)?.unwrap_or(100),
        })
    }
}

/// An LTS trigger's `event_data` (no seed model; emulator rule after the platform's API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LtsEventData {
    /// Log group id (required).
    pub log_group_id: String,
    /// Log stream (topic) id (required).
    pub log_topic_id: String,
}

impl LtsEventData {
    /// Validates LTS `event_data` (FSS.1110).
    pub(crate) fn parse(f: &Fields<'_>) -> Result<Self> {
        Ok(LtsEventData {
            log_group_id: f.req_str("log_group_id")?,
            log_topic_id: f.req_str("log_topic_id")?,
        })
    }
}

/// The most operations one CTS trigger may watch (seed §7.2 FSS.1313: 100).
pub const MAX_CTS_OPERATIONS: usize = 100;

/// A CTS trigger's `event_data` (no seed model; emulator rule after the platform's API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CtsEventData {
    /// Notification (trigger) name (required; name rules FSS.1317 / FSS.1319).
    pub name: String,
    /// Operations, each `<service>:<resource type>:<operation>`, 1..100 (FSS.1313), no
    /// repeats (FSS.1316).
    pub operations: Vec<String>,
}

impl CtsEventData {
    /// Validates CTS `event_data` (FSS.1305, FSS.1313, FSS.1316).
    pub(crate) fn parse(f: &Fields<'_>) -> Result<Self> {
        let name = super::read_name(f, true)?.unwrap_or_default();
        let operations = f.req_str_list("operations")?;
        if operations.len() > MAX_CTS_OPERATIONS {
            return Err(ErrorKind::CtsTooManyResources.with(format!(
                "CTS trigger: {} operations, at most {MAX_CTS_OPERATIONS}",
                operations.len()
            )));
        }
        for (i, op) in operations.iter().enumerate() {
            let parts: Vec<&str> = op.split(':').collect();
            if parts.len() != 3 || parts.iter().any(|p| p.trim().is_empty()) {
                return Err(f.err(format!(
                    "operations[{i}] '{op}' is not <service>:<resource type>:<operation>"
                )));
            }
            if operations[..i].contains(op) {
                return Err(ErrorKind::CtsOperationAlreadySelected
                    .with(format!("CTS trigger: operation '{op}' is listed twice")));
            }
        }
        check_trigger_name(&name, "CTS")?;
        Ok(CtsEventData { name, operations })
    }
}
