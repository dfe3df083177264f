//! When a new trigger duplicates or conflicts with an existing one (seed §7.2 codes; the
//! seed names the codes but not the rules, so these are the emulator's, stated here).
//!
//! Source duplicates (409), among triggers of the same function **and qualifier**:
//! - SMN FSS.1141: the same `topic_urn`.
//! - DMS FSS.1142: the same `queue_id` and `consumer_group_id`.
//! - DIS FSS.1143: the same `stream_name`.
//! - TIMER FSS.1148: the same `schedule_type`, `schedule` and `user_event`.
//! - LTS FSS.1149: the same `log_group_id` and `log_topic_id`.
//! - KAFKA FSS.1150: the same `instance_id` and at least one common topic.
//! - DDS FSS.1166: the same `instance_id`, `db_name` and `collection_name`.
//! - OBS FSS.1145: the same bucket, event set, prefix and suffix.
//!
//! Project-wide (any function, any qualifier), because the resource is shared:
//! - OBS FSS.1108 (403): a bucket notification that overlaps another OBS trigger's (same
//!   bucket, an event both cover, prefixes and suffixes that can both match one object).
//! - APIG family FSS.1146 (409): an API on the same gateway instance (none for APIG), group,
//!   environment and path whose methods overlap (`ANY` overlaps all); FSS.1147 (409): the
//!   same API `name` in the same group of the same instance.
//!
//! Names, among triggers of the same type on the same function (any qualifier): TIMER,
//! OBS and CTS names are unique, FSS.1307 (400). Source duplicates are checked first.

use super::EventData;
use crate::error::{Error, ErrorKind};

/// Where an existing trigger sits relative to the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Both belong to the same function.
    pub same_function: bool,
    /// Both belong to the same function and qualifier.
    pub same_qualifier: bool,
}

impl EventData {
    /// The duplicate or conflict error of `self` (new) against `existing`, if any: the
    /// source rules of the module docs.
    pub fn conflict(&self, existing: &EventData, at: Placement) -> Option<Error> {
        let local = at.same_function && at.same_qualifier;
        let dup = |kind: ErrorKind, what: String| Some(kind.with(what));
        match (self, existing) {
            (EventData::Smn(a), EventData::Smn(b)) if local && a.topic_urn == b.topic_urn => dup(
                ErrorKind::SmnTriggerExists,
                format!("an SMN trigger on topic '{}' already exists", a.topic_urn),
            ),
            (EventData::Dms(a), EventData::Dms(b))
                if local
                    && a.queue_id == b.queue_id
                    && a.consumer_group_id == b.consumer_group_id =>
            {
                dup(
                    ErrorKind::DmsTriggerExists,
                    format!(
                        "a DMS trigger on queue '{}' with consumer group '{}' already exists",
                        a.queue_id, a.consumer_group_id
                    ),
                )
            }
            (EventData::Dis(a), EventData::Dis(b)) if local && a.stream_name == b.stream_name => {
                dup(
                    ErrorKind::DisTriggerExists,
                    format!("a DIS trigger on stream '{}' already exists", a.stream_name),
                )
            }
            (EventData::Timer(a), EventData::Timer(b))
                if local
                    && a.schedule_type == b.schedule_type
                    && a.parsed == b.parsed
                    && a.user_event == b.user_event =>
            {
                dup(
                    ErrorKind::TimerTriggerExists,
                    format!(
                        "timer trigger '{}' already fires on {} schedule '{}'",
                        b.name,
                        a.schedule_type.as_str(),
                        a.schedule
                    ),
                )
            }
            (EventData::Lts(a), EventData::Lts(b))
                if local
                    && a.log_group_id == b.log_group_id
                    && a.log_topic_id == b.log_topic_id =>
            {
                dup(
                    ErrorKind::LtsTriggerExists,
                    format!(
                        "an LTS trigger on log group '{}' stream '{}' already exists",
                        a.log_group_id, a.log_topic_id
                    ),
                )
            }
            (EventData::Kafka(a), EventData::Kafka(b))
                if local
                    && a.instance_id == b.instance_id
                    && a.topics().any(|t| b.topics().any(|u| u == t)) =>
            {
                dup(
                    ErrorKind::KafkaTriggerExists,
                    format!(
                        "a Kafka trigger on instance '{}' already consumes one of these topics",
                        a.instance_id
                    ),
                )
            }
            (EventData::Dds(a), EventData::Dds(b))
                if local
                    && a.instance_id == b.instance_id
                    && a.db_name == b.db_name
                    && a.collection_name == b.collection_name =>
            {
                dup(
                    ErrorKind::DdsTriggerExists,
                    format!(
                        "a DDS trigger on {}/{}/{} already exists",
                        a.instance_id, a.db_name, a.collection_name
                    ),
                )
            }
            (EventData::Obs(a), EventData::Obs(b)) if local && a.same_config(b) => dup(
                ErrorKind::ObsTriggerExists,
                format!(
                    "an OBS trigger with this configuration of bucket '{}' already exists",
                    a.bucket
                ),
            ),
            (EventData::Obs(a), EventData::Obs(b)) if a.overlaps(b) => dup(
                ErrorKind::ObsTriggerBucketConflict,
                format!(
                    "the events, prefix and suffix overlap those of an existing trigger on \
                     bucket '{}'",
                    a.bucket
                ),
            ),
            (EventData::Apig(a), EventData::Apig(b)) if a.same_route(b) => dup(
                ErrorKind::ApigTriggerExists,
                format!(
                    "an API on {} {} in group '{}' already exists",
                    b.req_method, a.path, a.group_id
                ),
            ),
            (EventData::Apig(a), EventData::Apig(b)) if a.same_group(b) && a.name == b.name => dup(
                ErrorKind::ApiNameExists,
                format!(
                    "API name '{}' already exists in group '{}'",
                    a.name, a.group_id
                ),
            ),
            _ => None,
        }
    }

    /// FSS.1307 when `existing` is a trigger of the same type on the same function with the
    /// same name (TIMER, OBS, CTS; APIG names are checked per group by [`Self::conflict`]).
    pub fn name_clash(&self, existing: &EventData, at: Placement) -> Option<Error> {
        if !at.same_function || matches!(self, EventData::Apig(_)) {
            return None;
        }
        if std::mem::discriminant(self) != std::mem::discriminant(existing) {
            return None;
        }
        match (self.name(), existing.name()) {
            (Some(a), Some(b)) if a == b => Some(ErrorKind::TriggerNameExists.with(format!(
                "a trigger named '{a}' already exists on this function"
            ))),
            _ => None,
        }
    }
}
