//! Trigger type codes and statuses (seed §1.6.2 Tables 1-9 and 1-10, §5.12).

use std::fmt;

use serde::{Serialize, Serializer};

use crate::error::{ErrorKind, Result};

/// A trigger type the emulator manages: the twelve codes of the seed's trigger-type model
/// (§1.6.2 Table 1-9). Other codes of the §5.12 enum (RABBITMQ, OPENSOURCEKAFKA, GAUSSMONGO,
/// EVENTGRID) have no model in the seed and are refused with FSS.1101.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TriggerType {
    /// `SMN`.
    Smn,
    /// `APIG`.
    Apig,
    /// `OBS`.
    Obs,
    /// `TIMER`.
    Timer,
    /// `DMS`.
    Dms,
    /// `DIS`.
    Dis,
    /// `LTS`.
    Lts,
    /// `DDS`.
    Dds,
    /// `CTS`.
    Cts,
    /// `KAFKA` (the seed's type model writes `kafka`; both spellings are accepted).
    Kafka,
    /// `DEDICATEDGATEWAY`: an APIG trigger on a dedicated gateway (needs `instance_id`).
    DedicatedGateway,
    /// `APIC`: an APIG trigger on an API Connect instance (needs `instance_id`).
    Apic,
}

impl TriggerType {
    /// Every type, in the order of the seed's Table 1-9.
    pub const ALL: [TriggerType; 12] = [
        TriggerType::Smn,
        TriggerType::Apig,
        TriggerType::Obs,
        TriggerType::Timer,
        TriggerType::Dms,
        TriggerType::Dis,
        TriggerType::Lts,
        TriggerType::Dds,
        TriggerType::Cts,
        TriggerType::Kafka,
        TriggerType::DedicatedGateway,
        TriggerType::Apic,
    ];

    /// The code as responses print it (`KAFKA` in upper case, as in §5.12).
    pub fn code(self) -> &'static str {
        match self {
            TriggerType::Smn => "SMN",
            TriggerType::Apig => "APIG",
            TriggerType::Obs => "OBS",
            TriggerType::Timer => "TIMER",
            TriggerType::Dms => "DMS",
            TriggerType::Dis => "DIS",
            TriggerType::Lts => "LTS",
            TriggerType::Dds => "DDS",
            TriggerType::Cts => "CTS",
            TriggerType::Kafka => "KAFKA",
            TriggerType::DedicatedGateway => "DEDICATEDGATEWAY",
            TriggerType::Apic => "APIC",
        }
    }

    /// The type a code names (exact upper case, plus `kafka`), if any.
    pub fn from_code(code: &str) -> Option<TriggerType> {
        if code == "kafka" {
            return Some(TriggerType::Kafka);
        }
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// Parses a `trigger_type_code` of a create request; anything else is FSS.1101.
    pub fn parse(code: &str) -> Result<TriggerType> {
        Self::from_code(code).ok_or_else(|| {
            ErrorKind::InvalidTriggerType.with(format!(
                "trigger_type_code '{code}' is not one of {}",
                Self::ALL.map(TriggerType::code).join(", ")
            ))
        })
    }

    /// Whether a trigger of this type may be disabled and enabled (seed §5.12.3: only
    /// TIMER, DDS, DMS, KAFKA and LTS).
    pub fn can_disable(self) -> bool {
        matches!(
            self,
            TriggerType::Timer
                | TriggerType::Dds
                | TriggerType::Dms
                | TriggerType::Kafka
                | TriggerType::Lts
        )
    }

    /// Whether this is a pull trigger, counted against `Limits::max_pull_triggers`
    /// (FSS.1123): DMS, DIS, KAFKA, DDS and LTS.
    pub fn is_pull(self) -> bool {
        matches!(
            self,
            TriggerType::Dms
                | TriggerType::Dis
                | TriggerType::Kafka
                | TriggerType::Dds
                | TriggerType::Lts
        )
    }

    /// The status a new trigger gets when the request gives none (seed §5.12.3: DDS and
    /// KAFKA start DISABLED, the others ACTIVE).
    pub fn default_status(self) -> TriggerStatus {
        match self {
            TriggerType::Dds | TriggerType::Kafka => TriggerStatus::Disabled,
            _ => TriggerStatus::Active,
        }
    }

    /// Whether this is one of the APIG family (APIG, DEDICATEDGATEWAY, APIC).
    pub fn is_apig(self) -> bool {
        matches!(
            self,
            TriggerType::Apig | TriggerType::DedicatedGateway | TriggerType::Apic
        )
    }

    /// The error of invalid `event_data` for this type (seed §7.2).
    pub fn invalid_kind(self) -> ErrorKind {
        match self {
            TriggerType::Smn => ErrorKind::InvalidSmnTrigger,
            TriggerType::Apig | TriggerType::DedicatedGateway | TriggerType::Apic => {
                ErrorKind::InvalidApigTrigger
            }
            TriggerType::Obs => ErrorKind::InvalidObsTrigger,
            TriggerType::Timer => ErrorKind::InvalidTimerTrigger,
            TriggerType::Dms => ErrorKind::InvalidDmsTrigger,
            TriggerType::Dis => ErrorKind::InvalidDisTrigger,
            TriggerType::Lts => ErrorKind::InvalidLtsTrigger,
            TriggerType::Dds => ErrorKind::InvalidDdsTrigger,
            TriggerType::Cts => ErrorKind::InvalidCtsTrigger,
            TriggerType::Kafka => ErrorKind::InvalidKafkaTrigger,
        }
    }

    /// The not-found error for this type (seed §7.2; FSS.1131 for types without their own).
    pub fn not_found_kind(self) -> ErrorKind {
        match self {
            TriggerType::Smn => ErrorKind::SmnTriggerNotFound,
            TriggerType::Dms => ErrorKind::DmsTriggerNotFound,
            TriggerType::Dis => ErrorKind::DisTriggerNotFound,
            TriggerType::Obs => ErrorKind::ObsTriggerNotFound,
            TriggerType::Apig => ErrorKind::ApigTriggerNotFound,
            TriggerType::Timer => ErrorKind::TimerTriggerNotFound,
            TriggerType::Lts => ErrorKind::LtsTriggerNotFound,
            TriggerType::Dds => ErrorKind::DdsTriggerNotFound,
            TriggerType::Kafka => ErrorKind::KafkaTriggerNotFound,
            TriggerType::Cts => ErrorKind::CtsTriggerNotFound,
            TriggerType::DedicatedGateway | TriggerType::Apic => ErrorKind::TriggerNotFound,
        }
    }
}

impl fmt::Display for TriggerType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for TriggerType {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// A trigger's status (seed Table 1-10): `ACTIVE` or `DISABLED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum TriggerStatus {
    /// Enabled: the trigger fires.
    #[serde(rename = "ACTIVE")]
    Active,
    /// Disabled: the trigger is kept but does not fire.
    #[serde(rename = "DISABLED")]
    Disabled,
}

impl TriggerStatus {
    /// `ACTIVE` or `DISABLED`.
    pub fn as_str(self) -> &'static str {
        match self {
            TriggerStatus::Active => "ACTIVE",
            TriggerStatus::Disabled => "DISABLED",
        }
    }

    /// Parses `ACTIVE` or `DISABLED` (exact case); anything else is FSS.0400.
    pub fn parse(s: &str) -> Result<TriggerStatus> {
        match s {
            "ACTIVE" => Ok(TriggerStatus::Active),
            "DISABLED" => Ok(TriggerStatus::Disabled),
            other => Err(ErrorKind::InvalidParameter.with(format!(
                "trigger_status '{other}' is not ACTIVE or DISABLED"
            ))),
        }
    }

    /// The status a request gives in `trigger_status` or `status` (both spellings are
    /// accepted, digest A16; FSS.0400 if both are given and differ). `None` if neither.
    pub fn from_request(
        trigger_status: Option<&str>,
        status: Option<&str>,
    ) -> Result<Option<TriggerStatus>> {
        match (trigger_status, status) {
            (Some(a), Some(b)) if a != b => Err(ErrorKind::InvalidParameter
                .with(format!("trigger_status '{a}' and status '{b}' disagree"))),
            (Some(s), _) | (None, Some(s)) => Self::parse(s).map(Some),
            (None, None) => Ok(None),
        }
    }
}

impl fmt::Display for TriggerStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
