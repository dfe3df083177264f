//! Triggers as data (seed §1.6.2, §5.12): the trigger object, the create and update bodies,
//! each type's `event_data` validation, defaults and server fields, and the duplicate rules.
//!
//! A trigger's `event_data` is typed per source ([`EventData`]); the TIMER schedule is parsed
//! into a [`Schedule`] the scheduler reads with [`Schedule::next_after`]. Validation reports
//! each type's own code (FSS.1102 SMN, FSS.1103 DMS, FSS.1104 DIS, FSS.1106 OBS, FSS.1107
//! APIG, FSS.1109 TIMER, FSS.1110 LTS, FSS.1112/1113 KAFKA, FSS.1164 DDS, FSS.1305 CTS) and
//! the name rules FSS.1317 / FSS.1319; the duplicate rules are in [`EventData::conflict`].
//!
//! ```
//! use fgs_core::trigger::{CreateTriggerRequest, EventData, TriggerType};
//! let req: CreateTriggerRequest = serde_json::from_str(
//!     r#"{"trigger_type_code":"TIMER","trigger_status":"ACTIVE","event_type_code":"MessageCreated",
//!         "event_data":{"name":"Timer-download","schedule_type":"Rate","schedule":"1d"}}"#,
//! )?;
//! assert_eq!(TriggerType::parse(&req.trigger_type_code)?, TriggerType::Timer);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod apig;
mod apig_http;
mod conflict;
pub mod events;
mod fields;
mod kind;
mod obs;
mod schedule;
mod sources;
mod timer;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Result;

pub use apig::{ApigEventData, ApigFuncInfo};
pub use apig_http::{ApigMatch, ApigRequest, ApigResponse, http_event};
pub use conflict::Placement;
pub use events::{EventContext, InvokeMode, build_event, timer_event};
pub use fields::MAX_TRIGGER_NAME_LEN;
pub use kind::{TriggerStatus, TriggerType};
pub use obs::{OBS_EVENTS, ObsEventData};
pub use schedule::{CronSchedule, RateUnit, Schedule, ScheduleType, cron_next_after};
pub use sources::{
    CtsEventData, DdsEventData, DisEventData, DmsEventData, KafkaEventData, LtsEventData,
    MAX_CTS_OPERATIONS, SmnEventData,
};
pub use timer::TimerEventData;

/// A trigger (seed Table 1-10; the §5.12.2/§5.12.3/§5.12.5 responses). Serializes as the
/// seed's examples: `trigger_id`, `trigger_type_code`, `trigger_status`, `event_data`,
/// `last_updated_time`, `created_time` (RFC 3339 with offset). `event_type_code` is stored
/// but, as in every seed example, not shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trigger {
    /// Trigger id (a UUID).
    pub trigger_id: String,
    /// The type.
    pub trigger_type_code: TriggerType,
    /// `ACTIVE` or `DISABLED`.
    pub trigger_status: TriggerStatus,
    /// The request's `event_type_code` (required on create, otherwise unused, §1.6.2).
    #[serde(skip)]
    pub event_type_code: String,
    /// The validated, defaulted and server-enriched source configuration.
    pub event_data: EventData,
    /// Last update, RFC 3339 with offset.
    pub last_updated_time: String,
    /// Creation, RFC 3339 with offset.
    pub created_time: String,
    /// Creation instant (for the scheduler; not serialized).
    #[serde(skip)]
    pub created_at: DateTime<Utc>,
    /// Last update instant, e.g. when it was last enabled (not serialized).
    #[serde(skip)]
    pub updated_at: DateTime<Utc>,
}

impl Trigger {
    /// The TIMER schedule, for a TIMER trigger.
    pub fn schedule(&self) -> Option<&Schedule> {
        match &self.event_data {
            EventData::Timer(t) => Some(&t.parsed),
            _ => None,
        }
    }

    /// Whether the trigger is `ACTIVE`.
    pub fn is_active(&self) -> bool {
        self.trigger_status == TriggerStatus::Active
    }
}

/// The body of create trigger (seed §5.12.3). Fields are lenient at the serde level so
/// that every defect reaches validation and gets its seed code.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CreateTriggerRequest {
    /// One of the [`TriggerType`] codes (FSS.1101 otherwise).
    #[serde(default)]
    pub trigger_type_code: String,
    /// `ACTIVE` or `DISABLED`; the type's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_status: Option<String>,
    /// The §1.6.2 model's spelling of `trigger_status` (digest A16); either is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Message code: required (§1.6.2), any non-blank string (FSS.0400 otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type_code: Option<String>,
    /// The source configuration, a JSON object whose shape depends on the type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_data: Option<Value>,
}

/// The body of update trigger (seed §5.12.6).
///
/// `trigger_status` (or `status`) enables or disables the trigger. `event_data` is an
/// emulator extension (the seed's §5.12.6 body has only the status): when given it replaces
/// the source configuration, validated as on create, for every type.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UpdateTriggerRequest {
    /// `ACTIVE` or `DISABLED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_status: Option<String>,
    /// The §1.6.2 spelling of `trigger_status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// A new source configuration (extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_data: Option<Value>,
}

/// What validation needs from the server to fill in server fields (APIG `func_info`,
/// `invoke_url`, ids).
#[derive(Debug, Clone)]
pub struct TriggerContext<'a> {
    /// The trigger's id.
    pub trigger_id: &'a str,
    /// The APIG `api_id` to report (new on create, kept on update).
    pub api_id: &'a str,
    /// The function's URN without version.
    pub function_urn: &'a str,
    /// The function's name.
    pub func_name: &'a str,
    /// The qualifier the trigger belongs to (`latest`, a version or an alias name).
    pub qualifier: &'a str,
    /// The timeout of the version the qualifier resolves to, in seconds.
    pub timeout_secs: u32,
    /// The current time (a cron schedule must fire at least once after it).
    pub now: DateTime<Utc>,
}

/// A trigger's `event_data`, typed per source. Serializes as the inner object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum EventData {
    /// SMN.
    Smn(SmnEventData),
    /// DMS.
    Dms(DmsEventData),
    /// DIS.
    Dis(DisEventData),
    /// OBS.
    Obs(ObsEventData),
    /// APIG, DEDICATEDGATEWAY and APIC (boxed: the largest variant).
    Apig(Box<ApigEventData>),
    /// TIMER.
    Timer(TimerEventData),
    /// LTS.
    Lts(LtsEventData),
    /// DDS.
    Dds(DdsEventData),
    /// CTS.
    Cts(CtsEventData),
    /// KAFKA.
    Kafka(KafkaEventData),
}

impl EventData {
    /// Validates `event_data` for a type, fills in its defaults (DIS polling 30 / batch 100,
    /// DMS polling 30, ...) and server fields. Every defect gets the type's code; unknown
    /// fields are ignored and not stored.
    pub fn parse(ty: TriggerType, value: Option<&Value>, ctx: &TriggerContext<'_>) -> Result<Self> {
        let f = fields::Fields::of(value, ty.invalid_kind(), ty.code())?;
        let data = match ty {
            TriggerType::Smn => EventData::Smn(SmnEventData::parse(&f)?),
            TriggerType::Dms => EventData::Dms(DmsEventData::parse(&f)?),
            TriggerType::Dis => EventData::Dis(DisEventData::parse(&f)?),
            TriggerType::Obs => EventData::Obs(ObsEventData::parse(&f)?),
            TriggerType::Apig | TriggerType::DedicatedGateway | TriggerType::Apic => {
                let needs_instance = ty != TriggerType::Apig;
                EventData::Apig(Box::new(ApigEventData::parse(
                    &f,
                    needs_instance,
                    ty.code(),
                    ctx,
                )?))
            }
            TriggerType::Timer => {
                let timer = TimerEventData::parse(&f)?;
                if timer.parsed.next_after(ctx.now).is_none() {
                    return Err(f.err(format!(
                        "event_data.schedule '{}' never fires after {}",
                        timer.schedule, ctx.now
                    )));
                }
                EventData::Timer(timer)
            }
            TriggerType::Lts => EventData::Lts(LtsEventData::parse(&f)?),
            TriggerType::Dds => EventData::Dds(DdsEventData::parse(&f)?),
            TriggerType::Cts => EventData::Cts(CtsEventData::parse(&f)?),
            TriggerType::Kafka => EventData::Kafka(KafkaEventData::parse(&f)?),
        };
        Ok(data)
    }

    /// The trigger name, for the types that have one (TIMER, APIG family, CTS, and OBS when
    /// given).
    pub fn name(&self) -> Option<&str> {
        match self {
            EventData::Timer(t) => Some(&t.name),
            EventData::Apig(a) => Some(&a.name),
            EventData::Cts(c) => Some(&c.name),
            EventData::Obs(o) => o.name.as_deref(),
            _ => None,
        }
    }
}

/// Reads `name`: absent is an error of the type's code when `required`; a non-string is
/// always one. The name rules (FSS.1317 / FSS.1319) are checked by the caller.
fn read_name(f: &fields::Fields<'_>, required: bool) -> Result<Option<String>> {
    match f.opt_str("name")? {
        None if required => Err(f.err("event_data.name is required")),
        other => Ok(other),
    }
}
