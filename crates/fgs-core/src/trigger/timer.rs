//! TIMER `event_data` (seed §1.6.2 Table 1-16): `name`, `schedule_type`, `schedule`,
//! `user_event`. The schedule is parsed into a [`Schedule`] the scheduler reads.

use serde::Serialize;

use super::fields::{Fields, check_trigger_name};
use super::schedule::{Schedule, ScheduleType};
use crate::error::Result;

/// A TIMER trigger's `event_data`. Serializes as the seed's §4.1 example:
/// `{"name", "schedule", "schedule_type"}` plus `user_event` when given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimerEventData {
    /// Trigger name (required; FSS.1317 / FSS.1319 name rules).
    pub name: String,
    /// The schedule as given: `3m`, a six-field cron expression or `@every <duration>`.
    pub schedule: String,
    /// `Rate` or `Cron`.
    pub schedule_type: ScheduleType,
    /// Extra information passed to the function (optional).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_event: Option<String>,
    /// The parsed schedule (not serialized).
    #[serde(skip)]
    pub parsed: Schedule,
}

impl TimerEventData {
    /// Validates TIMER `event_data` (FSS.1109 for every defect but the name rules).
    pub(crate) fn parse(f: &Fields<'_>) -> Result<Self> {
        let name = super::read_name(f, true)?.unwrap_or_default();
        let schedule_type = ScheduleType::parse(&f.req_str("schedule_type")?)?;
        let schedule = f.req_str("schedule")?;
        let parsed = Schedule::parse(schedule_type, &schedule)?;
        let user_event = f.opt_str("user_event")?;
        check_trigger_name(&name, "TIMER")?;
        Ok(TimerEventData {
            name,
            schedule,
            schedule_type,
            user_event,
            parsed,
        })
    }
}
