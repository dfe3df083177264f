//! Reserved-instance configuration (seed §5.10.1, digest §1.11).
//!
//! `PUT .../functions/{function_urn}/reservedinstances` sets, per qualifier (`latest`, a
//! version or an alias), how many instances the platform keeps warm: a required `count`, an
//! optional `idle_mode` and an optional `tactics_config` of scheduled (`cron_configs`) and
//! metric (`metric_configs`) policies. The response echoes what is stored (DECISIONS
//! "Reserved instances"); fields the caller left out stay out of the JSON, so the seed's
//! `{"count":3}` gives back `{"count":3}`.
//!
//! Validation ([`UpdateReservedInstancesRequest::validate`]), each rule with its code:
//! - `count` is required (FSS.0400), not negative (FSS.0400) and at most
//!   [`Limits::max_reserved_instances`](crate::limits::Limits::max_reserved_instances)
//!   (FSS.1076, seed §7.2).
//! - each `cron_configs[]` entry needs a `cron` expression that parses (six or seven fields
//!   with seconds, `?` accepted: the dialect of TIMER triggers, DECISIONS "Triggers") and a
//!   `count` in the same range as the top-level one (FSS.1076 above, FSS.0400 below 0);
//!   `name`, when given, is non-empty and unique in the list; `start_time` and
//!   `expired_time` (epoch seconds, an emulator reading of the seed's `Long`) are not
//!   negative and `expired_time` is after `start_time` when both are given (FSS.0400).
//! - each `metric_configs[]` entry: `name`, when given, non-empty and unique; `threshold`
//!   not negative; `min` in `0..=max_reserved_instances` (FSS.0400 / FSS.1076).
//!
//! Which fields act and which are only stored:
//! - `count` acts: it is the number of instances the executor keeps warm for the qualifier
//!   (DESIGN §4), and while it is ≥ 1 code and config updates fail with FSS.1077.
//! - `cron_configs` act: between `start_time` and `expired_time`, each time `cron` fires the
//!   reserved count of the qualifier becomes the policy's `count` (applied by the executor's
//!   pre-warming; [`CronConfig::schedule`] gives the parsed schedule).
//! - `idle_mode` and `metric_configs` are validated, stored and echoed only: instances in the
//!   emulator cost nothing while idle and there is no metric-driven scaling.

use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, Result};
use crate::limits::Limits;

/// A scheduled reserved-instance policy (seed Table 5-328 `CronConfig`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CronConfig {
    /// Policy name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Cron expression with seconds (`0 0 22 * * ?`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cron: Option<String>,
    /// Reserved instances while the policy applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// When the policy starts to apply, epoch seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    /// When the policy stops applying, epoch seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_time: Option<i64>,
}

impl CronConfig {
    /// The parsed schedule of `cron`, `None` if it has none (a validated policy always has
    /// one).
    pub fn schedule(&self) -> Option<cron::Schedule> {
        self.cron.as_deref().and_then(|c| parse_cron(c).ok())
    }
}

/// A metric ("flow-control") reserved-instance policy (seed Table 5-329 `MetricConfig`).
/// Stored and echoed only (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MetricConfig {
    /// Policy name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Flow-control type (the seed gives no values; any string is kept).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub metric_type: Option<String>,
    /// Flow-control threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<i64>,
    /// Minimum number of instances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
}

/// Reserved-instance policies (seed Table 5-327 `TacticsConfig`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TacticsConfig {
    /// Scheduled policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cron_configs: Option<Vec<CronConfig>>,
    /// Metric policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_configs: Option<Vec<MetricConfig>>,
}

/// The body of `PUT .../reservedinstances` (seed §5.10.1, Table 5-326). Numbers are signed so
/// that a negative value reaches validation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpdateReservedInstancesRequest {
    /// Number of reserved instances (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// Idle mode of the reserved instances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_mode: Option<bool>,
    /// Scheduled and metric policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tactics_config: Option<TacticsConfig>,
}

/// The reserved-instance settings of one qualifier, as stored and as the §5.10.1 response
/// returns them (seed Table 5-330).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReservedConfig {
    /// Number of reserved instances; while ≥ 1, updates of the function fail with FSS.1077.
    pub count: u32,
    /// Idle mode, as the caller set it (stored only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_mode: Option<bool>,
    /// Policies, as the caller set them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tactics_config: Option<TacticsConfig>,
}

impl ReservedConfig {
    /// Whether idle mode is on (`false` when never set); mirrored as a version's
    /// `reserved_instance_idle_mode` (seed §5.7.6).
    pub fn idle_mode(&self) -> bool {
        self.idle_mode.unwrap_or(false)
    }
}

/// Parses a reserved-instance cron expression (six or seven fields, seconds first).
fn parse_cron(expr: &str) -> std::result::Result<cron::Schedule, cron::error::Error> {
    expr.trim().parse::<cron::Schedule>()
}

/// Checks a count against `0..=max` (FSS.0400 below, FSS.1076 above).
fn check_count(what: &str, count: i64, max: u32) -> Result<u32> {
    if count < 0 {
        return Err(ErrorKind::InvalidParameter.with(format!(
            "{what} {count} is negative; reserved instances range from 0 to {max}"
        )));
    }
    if count > i64::from(max) {
        return Err(ErrorKind::TooManyReservedInstances.with(format!(
            "{what} {count} exceeds the maximum of {max} reserved instances"
        )));
    }
    // In range 0..=max (a u32), so the conversion cannot fail.
    u32::try_from(count).map_err(|_| {
        ErrorKind::TooManyReservedInstances.with(format!("{what} {count} is out of range"))
    })
}

/// Checks that an optional policy name is non-empty and not seen before.
fn check_name(list: &str, index: usize, name: Option<&str>, seen: &mut Vec<String>) -> Result<()> {
    if let Some(name) = name {
        if name.trim().is_empty() {
            return Err(ErrorKind::InvalidParameter
                .with(format!("tactics_config.{list}[{index}].name is empty")));
        }
        if seen.iter().any(|s| s == name) {
            return Err(ErrorKind::InvalidParameter.with(format!(
                "tactics_config.{list}[{index}].name '{name}' is used twice"
            )));
        }
        seen.push(name.to_owned());
    }
    Ok(())
}

impl UpdateReservedInstancesRequest {
    /// Validates the request against `limits` (rules in the module docs) and gives the
    /// config to store.
    pub fn validate(self, limits: &Limits) -> Result<ReservedConfig> {
        let max = limits.max_reserved_instances;
        let count = self
            .count
            .ok_or_else(|| ErrorKind::InvalidParameter.with("count is required"))?;
        let count = check_count("count", count, max)?;
        if let Some(tactics) = &self.tactics_config {
            let mut seen = Vec::new();
            for (i, c) in tactics.cron_configs.iter().flatten().enumerate() {
                check_name("cron_configs", i, c.name.as_deref(), &mut seen)?;
                let expr = c.cron.as_deref().ok_or_else(|| {
                    ErrorKind::InvalidParameter
                        .with(format!("tactics_config.cron_configs[{i}].cron is required"))
                })?;
                parse_cron(expr).map_err(|e| {
                    ErrorKind::InvalidParameter.with(format!(
                        "tactics_config.cron_configs[{i}].cron '{expr}' is not a cron \
                         expression with seconds: {e}"
                    ))
                })?;
                let policy_count = c.count.ok_or_else(|| {
                    ErrorKind::InvalidParameter.with(format!(
                        "tactics_config.cron_configs[{i}].count is required"
                    ))
                })?;
                check_count(
                    &format!("tactics_config.cron_configs[{i}].count"),
                    policy_count,
                    max,
                )?;
                for (field, value) in [
                    ("start_time", c.start_time),
                    ("expired_time", c.expired_time),
                ] {
                    if let Some(v) = value.filter(|v| *v < 0) {
                        return Err(ErrorKind::InvalidParameter.with(format!(
                            "tactics_config.cron_configs[{i}].{field} {v} is negative"
                        )));
                    }
                }
                if let (Some(start), Some(end)) = (c.start_time, c.expired_time)
                    && end <= start
                {
                    return Err(ErrorKind::InvalidParameter.with(format!(
                        "tactics_config.cron_configs[{i}].expired_time {end} is not after \
                         start_time {start}"
                    )));
                }
            }
            let mut seen = Vec::new();
            for (i, m) in tactics.metric_configs.iter().flatten().enumerate() {
                check_name("metric_configs", i, m.name.as_deref(), &mut seen)?;
                if let Some(t) = m.threshold.filter(|t| *t < 0) {
                    return Err(ErrorKind::InvalidParameter.with(format!(
                        "tactics_config.metric_configs[{i}].threshold {t} is negative"
                    )));
                }
                if let Some(min) = m.min {
                    check_count(&format!("tactics_config.metric_configs[{i}].min"), min, max)?;
                }
            }
        }
        Ok(ReservedConfig {
            count,
            idle_mode: self.idle_mode,
            tactics_config: self.tactics_config,
        })
    }
}

/// One qualifier's reserved-instance config, as the Rust-only listing
/// `Emulator::list_reserved_instance_configs` returns it (the seed has no GET endpoint for
/// reserved instances, digest ambiguity 19).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualifiedReservedConfig {
    /// The qualified URN (`...:latest`, `...:<version>` or `...:!<alias>`).
    pub func_urn: String,
    /// The qualifier name (`latest`, a version or an alias name).
    pub qualifier: String,
    /// The stored config.
    #[serde(flatten)]
    pub config: ReservedConfig,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(json: &str) -> UpdateReservedInstancesRequest {
        serde_json::from_str(json).expect("valid request JSON")
    }

    #[test]
    fn seed_example_round_trips() {
        let cfg = req(r#"{"count":3}"#).validate(&Limits::default()).unwrap();
        assert_eq!(serde_json::to_string(&cfg).unwrap(), r#"{"count":3}"#);
    }

    #[test]
    fn cron_dialect_accepts_seconds_and_question_mark() {
        assert!(parse_cron("0 0 22 * * ?").is_ok());
        assert!(parse_cron("0 */5 * * * *").is_ok());
        assert!(parse_cron("every day").is_err());
    }
}
