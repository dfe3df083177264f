//! Function metrics (seed §5.8, §7.4): what one invocation contributes, how contributions
//! add up in a time bucket, the query parameters of §5.8.1 / §5.8.2 and their validation, and
//! the response shapes.
//!
//! Quantities (seed §7.4 Table 7-2, §5.8.1 Table 5-311):
//! - `count`: invocations that ran (success or function error). A rejected (throttled)
//!   invocation is not counted here but in `reject_count`, as the platform's "Invocations" and
//!   "Throttles" metrics are separate (an emulator ruling: the seed does not say whether
//!   `count` includes throttles).
//! - `fail_count`: invocations that ran and failed (handled error, trap, timeout, OOM,
//!   initializer failure).
//! - `reject_count`: invocations refused before running (over the instance limit, disabled
//!   function).
//! - `duration` (average), `min_duration`, `max_duration`: in ms, over invocations that ran.
//! - GB-seconds: `memory_size / 1024 * billed_ms / 1000` per invocation that ran.
//!
//! Time (DECISIONS "Time fields"): series timestamps are epoch milliseconds of the bucket's
//! start. A bucket with no data has the value `-1` in every series (seed §5.8.1 example).

use chrono::{DateTime, Datelike, FixedOffset, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{ErrorKind, Result};

/// Default retention of the one-minute buckets: 31 days, in minutes (an emulator default;
/// `Emulator::set_metrics_retention_minutes` changes it). It is also the largest `period`
/// the §5.8.1 and §5.8.2 queries accept.
pub const DEFAULT_RETENTION_MINUTES: u64 = 31 * 24 * 60;

/// The largest retention `Emulator::set_metrics_retention_minutes` accepts: 366 days, in
/// minutes.
pub const MAX_RETENTION_MINUTES: u64 = 366 * 24 * 60;

/// How many calendar months of monthly totals are kept: the current month and the five
/// before it, enough for §5.8.1 `option=3` ("last six months").
pub const MONTHS_KEPT: usize = 6;

/// The `period` of a `monitor_data` query when none is given: 60 minutes (the seed's
/// example, §5.8.1).
pub const DEFAULT_PERIOD_MINUTES: u64 = 60;

/// The most points a series has: the bucket width grows with the period (see
/// [`granularity_minutes`]) so that a series never exceeds this many points.
pub const MAX_POINTS: u64 = 60;

/// The bucket widths a series may use, in minutes (Cloud Eye's rollup periods: raw 1 min,
/// 5 min, 20 min, 1 h, 4 h, 1 day).
pub const GRANULARITIES: [u64; 6] = [1, 5, 20, 60, 240, 1440];

/// How an invocation ended, as metrics see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricOutcome {
    /// It ran and returned a result.
    Success,
    /// It ran and failed (handled error, trap, timeout, out of memory, initializer failure).
    FunctionError,
    /// It was refused before running (throttled: instance limit, disabled function).
    Rejected,
}

/// What one invocation contributes to its function's metrics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InvocationRecord {
    /// How it ended.
    pub outcome: MetricOutcome,
    /// Wall time of the run, in ms (ignored for [`MetricOutcome::Rejected`]).
    pub duration_ms: f64,
    /// Billed duration, in ms (ignored for [`MetricOutcome::Rejected`]).
    pub billed_ms: u64,
    /// The configured `memory_size` of the version that ran, in MB.
    pub memory_mb: u32,
    /// Whether the run started a new instance (ignored for [`MetricOutcome::Rejected`]).
    pub cold_start: bool,
}

impl InvocationRecord {
    /// GB-seconds this invocation costs: `memory_mb / 1024 * billed_ms / 1000`; 0 when
    /// rejected.
    pub fn gb_seconds(&self) -> f64 {
        if self.outcome == MetricOutcome::Rejected {
            0.0
        } else {
            f64::from(self.memory_mb) / 1024.0 * self.billed_ms as f64 / 1000.0
        }
    }
}

/// Invocations added up over some time (a bucket, a month, a lifetime).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MetricBucket {
    /// Invocations that ran.
    pub invocations: u64,
    /// Of those, the ones that failed.
    pub failures: u64,
    /// Invocations refused before running.
    pub rejections: u64,
    /// Runs that started a new instance.
    pub cold_starts: u64,
    /// Sum of the durations of the runs, ms.
    pub duration_sum_ms: f64,
    /// Shortest run, ms (meaningful when `invocations > 0`).
    pub min_duration_ms: f64,
    /// Longest run, ms (meaningful when `invocations > 0`).
    pub max_duration_ms: f64,
    /// Sum of billed durations, ms.
    pub billed_ms: u64,
    /// GB-seconds.
    pub gb_seconds: f64,
}

impl MetricBucket {
    /// Adds one invocation.
    pub fn add(&mut self, record: &InvocationRecord) {
        match record.outcome {
            MetricOutcome::Rejected => {
                self.rejections += 1;
                return;
            }
            MetricOutcome::FunctionError => self.failures += 1,
            MetricOutcome::Success => {}
        }
        let d = if record.duration_ms.is_finite() {
            record.duration_ms.max(0.0)
        } else {
            0.0
        };
        if self.invocations == 0 {
            self.min_duration_ms = d;
            self.max_duration_ms = d;
        } else {
            self.min_duration_ms = self.min_duration_ms.min(d);
            self.max_duration_ms = self.max_duration_ms.max(d);
        }
        self.invocations += 1;
        self.cold_starts += u64::from(record.cold_start);
        self.duration_sum_ms += d;
        self.billed_ms = self.billed_ms.saturating_add(record.billed_ms);
        self.gb_seconds += record.gb_seconds();
    }

    /// Adds another bucket's figures to this one.
    pub fn merge(&mut self, other: &MetricBucket) {
        if other.invocations > 0 {
            if self.invocations == 0 {
                self.min_duration_ms = other.min_duration_ms;
                self.max_duration_ms = other.max_duration_ms;
            } else {
                self.min_duration_ms = self.min_duration_ms.min(other.min_duration_ms);
                self.max_duration_ms = self.max_duration_ms.max(other.max_duration_ms);
            }
        }
        self.invocations += other.invocations;
        self.failures += other.failures;
        self.rejections += other.rejections;
        self.cold_starts += other.cold_starts;
        self.duration_sum_ms += other.duration_sum_ms;
        self.billed_ms = self.billed_ms.saturating_add(other.billed_ms);
        self.gb_seconds += other.gb_seconds;
    }

    /// Whether anything was recorded (a run or a rejection).
    pub fn has_data(&self) -> bool {
        self.invocations > 0 || self.rejections > 0
    }

    /// Average run duration, ms; `None` without runs.
    pub fn avg_duration_ms(&self) -> Option<f64> {
        (self.invocations > 0).then(|| self.duration_sum_ms / self.invocations as f64)
    }

    /// The raw totals of this bucket.
    pub fn totals(&self) -> MetricsTotals {
        let ran = self.invocations > 0;
        MetricsTotals {
            invocations: self.invocations,
            failures: self.failures,
            rejections: self.rejections,
            cold_starts: self.cold_starts,
            gb_seconds: self.gb_seconds,
            billed_ms: self.billed_ms,
            min_duration_ms: ran.then_some(self.min_duration_ms),
            avg_duration_ms: self.avg_duration_ms(),
            max_duration_ms: ran.then_some(self.max_duration_ms),
        }
    }
}

/// Raw lifetime totals of a function (or of the tenant), unaffected by bucket retention.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MetricsTotals {
    /// Invocations that ran (success or function error).
    pub invocations: u64,
    /// Of those, the ones that failed.
    pub failures: u64,
    /// Invocations refused before running.
    pub rejections: u64,
    /// Runs that started a new instance.
    pub cold_starts: u64,
    /// GB-seconds: sum of `memory_size / 1024 * billed seconds`.
    pub gb_seconds: f64,
    /// Sum of billed durations, ms.
    pub billed_ms: u64,
    /// Shortest run, ms; `None` without runs.
    pub min_duration_ms: Option<f64>,
    /// Average run, ms; `None` without runs.
    pub avg_duration_ms: Option<f64>,
    /// Longest run, ms; `None` without runs.
    pub max_duration_ms: Option<f64>,
}

/// A metric value typed Double (§5.8.2 Table 5-317). It serializes an integral value as a
/// JSON integer (`2`, `-1`, as the seed's example prints them) and any other as a float.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Double(pub f64);

impl Serialize for Double {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let v = self.0;
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            s.serialize_i64(v as i64)
        } else {
            s.serialize_f64(v)
        }
    }
}

impl<'de> Deserialize<'de> for Double {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        f64::deserialize(d).map(Double)
    }
}

/// One point of a series (`SlaReportsValue`, §5.8.1 Table 5-312 / §5.8.2 Table 5-317):
/// the bucket's start in epoch ms and its value (`i64` in §5.8.1, [`Double`] in §5.8.2).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SlaReportsValue<V> {
    /// Start of the bucket, epoch milliseconds.
    pub timestamp: i64,
    /// The value; `-1` when the bucket has no data.
    pub value: V,
}

/// The six series of a metrics answer (`ListFunctionStatisticsResponseBody`, §5.8.1 Table
/// 5-311; top level of §5.8.2 Table 5-316), each with one point per bucket, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatisticsSeries<V> {
    /// Invocations that ran.
    pub count: Vec<SlaReportsValue<V>>,
    /// Average duration, ms.
    pub duration: Vec<SlaReportsValue<V>>,
    /// Failed invocations.
    pub fail_count: Vec<SlaReportsValue<V>>,
    /// Longest duration, ms.
    pub max_duration: Vec<SlaReportsValue<V>>,
    /// Shortest duration, ms.
    pub min_duration: Vec<SlaReportsValue<V>>,
    /// Rejected (throttled) invocations.
    pub reject_count: Vec<SlaReportsValue<V>>,
}

/// The §5.8.2 response: the six series at top level with Double values.
pub type FunctionStatisticsResponse = StatisticsSeries<Double>;

impl<V> StatisticsSeries<V> {
    /// Builds the series from buckets (start in epoch ms, figures), converting each figure
    /// with `value` (`None` = no data = `-1`).
    fn build(points: &[(i64, MetricBucket)], value: impl Fn(Option<f64>) -> V) -> Self {
        let series = |f: &dyn Fn(&MetricBucket) -> Option<f64>| -> Vec<SlaReportsValue<V>> {
            points
                .iter()
                .map(|(timestamp, b)| SlaReportsValue {
                    timestamp: *timestamp,
                    value: value(if b.has_data() { f(b) } else { None }),
                })
                .collect()
        };
        StatisticsSeries {
            count: series(&|b| Some(b.invocations as f64)),
            duration: series(&|b| b.avg_duration_ms()),
            fail_count: series(&|b| Some(b.failures as f64)),
            max_duration: series(&|b| (b.invocations > 0).then_some(b.max_duration_ms)),
            min_duration: series(&|b| (b.invocations > 0).then_some(b.min_duration_ms)),
            reject_count: series(&|b| Some(b.rejections as f64)),
        }
    }
}

impl StatisticsSeries<i64> {
    /// Integer series (§5.8.1): durations rounded to the nearest ms; `-1` without data.
    /// A bucket with rejections but no runs has `count` 0 and `-1` durations.
    pub fn integer(points: &[(i64, MetricBucket)]) -> Self {
        Self::build(points, |v| v.map_or(-1, |v| v.round() as i64))
    }
}

impl StatisticsSeries<Double> {
    /// Double series (§5.8.2): exact averages; `-1` without data.
    pub fn double(points: &[(i64, MetricBucket)]) -> Self {
        Self::build(points, |v| Double(v.unwrap_or(-1.0)))
    }
}

/// Monthly usage (`MonthUsed`, §5.8.1 Table 5-310).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthUsed {
    /// The calendar month, `YYYY-MM`, in the emulator's UTC offset.
    pub date: String,
    /// Invocations that ran in the month (`count`), or its GB-seconds rounded to the
    /// nearest integer (`gbs`). 0 for a month without data.
    pub value: i64,
}

/// The query of §5.8.1 `GET /v2/{project_id}/fgs/functions/statistics` (Table 5-307).
/// Every field is an optional string so that validation, not deserialization, judges it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantStatisticsQuery {
    /// `monitor_data` or `monthly_report` (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// Minutes of history for `monitor_data` (default [`DEFAULT_PERIOD_MINUTES`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Monthly window for `monthly_report`: `0`..`3`, anything else `0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
}

/// The §5.8.1 response (Table 5-309): `statistics` for `monitor_data`; `count` and `gbs`
/// for `monthly_report`. Absent fields are omitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantStatisticsResponse {
    /// Monthly invocation counts, oldest month first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<Vec<MonthUsed>>,
    /// Monthly GB-seconds, oldest month first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gbs: Option<Vec<MonthUsed>>,
    /// The tenant's series over the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<StatisticsSeries<i64>>,
}

/// A validated §5.8.1 query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantStatisticsFilter {
    /// `filter=monitor_data`: series over the last `period` minutes.
    MonitorData {
        /// Minutes of history.
        period_minutes: u64,
    },
    /// `filter=monthly_report`: monthly totals.
    MonthlyReport(MonthlyOption),
}

/// The §5.8.1 `option` of a monthly report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthlyOption {
    /// `0`: the current month.
    CurrentMonth,
    /// `1`: the previous calendar month.
    LastMonth,
    /// `2`: the current month and the two before it.
    LastThreeMonths,
    /// `3`: the current month and the five before it.
    LastSixMonths,
}

impl MonthlyOption {
    /// Parses `option`; a missing or any other value falls back to `0` (seed §5.8.1).
    pub fn from_param(option: Option<&str>) -> Self {
        match option.map(str::trim) {
            Some("1") => MonthlyOption::LastMonth,
            Some("2") => MonthlyOption::LastThreeMonths,
            Some("3") => MonthlyOption::LastSixMonths,
            _ => MonthlyOption::CurrentMonth,
        }
    }

    /// The months reported, as offsets back from the current month, oldest first.
    pub fn months_back(self) -> Vec<u32> {
        match self {
            MonthlyOption::CurrentMonth => vec![0],
            MonthlyOption::LastMonth => vec![1],
            MonthlyOption::LastThreeMonths => vec![2, 1, 0],
            MonthlyOption::LastSixMonths => vec![5, 4, 3, 2, 1, 0],
        }
    }
}

impl TenantStatisticsQuery {
    /// Validates the query (seed §5.8.1): `filter` is required and one of `monitor_data`,
    /// `monthly_report` (else 400 FSS.1001, invalid query parameter); with `monitor_data`,
    /// `period` is a positive integer of minutes up to `max_period` (else FSS.1001; absent
    /// means [`DEFAULT_PERIOD_MINUTES`]); with `monthly_report`, `period` is ignored and
    /// `option` falls back to `0` when it is not `0`..`3`.
    pub fn validate(&self, max_period: u64) -> Result<TenantStatisticsFilter> {
        match self.filter.as_deref() {
            Some("monitor_data") => {
                let period_minutes = match self.period.as_deref() {
                    None => DEFAULT_PERIOD_MINUTES.min(max_period),
                    Some(p) => parse_period(p, max_period, ErrorKind::InvalidQueryParameter)?,
                };
                Ok(TenantStatisticsFilter::MonitorData { period_minutes })
            }
            Some("monthly_report") => Ok(TenantStatisticsFilter::MonthlyReport(
                MonthlyOption::from_param(self.option.as_deref()),
            )),
            Some(other) => Err(ErrorKind::InvalidQueryParameter.with(format!(
                "filter '{other}' is invalid: use 'monitor_data' or 'monthly_report'"
            ))),
            None => Err(ErrorKind::InvalidQueryParameter
                .with("filter is required: use 'monitor_data' or 'monthly_report'".to_owned())),
        }
    }
}

/// Parses a `period` in minutes: a positive integer up to `max` (the metrics retention),
/// else `kind` (FSS.1001 for the §5.8.1 query, FSS.0400 for the §5.8.2 path).
pub fn parse_period(raw: &str, max: u64, kind: ErrorKind) -> Result<u64> {
    match raw.trim().parse::<i64>() {
        Ok(p) if p >= 1 && (p as u64) <= max => Ok(p as u64),
        Ok(p) => Err(kind.with(format!(
            "period {p} is out of range: minutes of history, 1 to {max}"
        ))),
        Err(_) => Err(kind.with(format!(
            "period '{raw}' is invalid: a whole number of minutes, 1 to {max}"
        ))),
    }
}

/// The bucket width of a series over `period` minutes: the smallest of [`GRANULARITIES`]
/// giving at most [`MAX_POINTS`] points (1 minute up to an hour, 5 minutes up to 5 hours, 20
/// minutes up to 20 hours, 1 hour up to 60 hours, 4 hours up to 10 days, 1 day beyond).
pub fn granularity_minutes(period: u64) -> u64 {
    GRANULARITIES
        .iter()
        .copied()
        .find(|w| period.div_ceil(*w) <= MAX_POINTS)
        .unwrap_or(GRANULARITIES[GRANULARITIES.len() - 1])
}

/// The window of a series over the last `period` minutes ending at `now_minute` (minutes
/// since the epoch): `(first bucket's start minute, width, number of buckets)`. Buckets are
/// aligned to multiples of the width since the epoch; the last one holds `now_minute`.
pub fn series_window(now_minute: i64, period: u64) -> (i64, i64, usize) {
    let width = granularity_minutes(period);
    let n = period.div_ceil(width).max(1);
    let width = width as i64;
    let last = now_minute.div_euclid(width) * width;
    (last - (n as i64 - 1) * width, width, n as usize)
}

/// A calendar month (year, month 1..=12).
pub type MonthKey = (i32, u32);

/// The calendar month of `t` in the offset `offset`.
pub fn month_of(t: DateTime<Utc>, offset: FixedOffset) -> MonthKey {
    let local = t.with_timezone(&offset);
    (local.year(), local.month())
}

/// The month `back` months before `month`.
pub fn month_minus(month: MonthKey, back: u32) -> MonthKey {
    let index = month.0 as i64 * 12 + (month.1 as i64 - 1) - back as i64;
    (
        index.div_euclid(12) as i32,
        (index.rem_euclid(12) + 1) as u32,
    )
}

/// `YYYY-MM` of a month.
pub fn month_label(month: MonthKey) -> String {
    format!("{:04}-{:02}", month.0, month.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn granularity_grows_with_the_period() {
        assert_eq!(granularity_minutes(1), 1);
        assert_eq!(granularity_minutes(60), 1);
        assert_eq!(granularity_minutes(61), 5);
        assert_eq!(granularity_minutes(300), 5);
        assert_eq!(granularity_minutes(301), 20);
        assert_eq!(granularity_minutes(1440), 60);
        assert_eq!(granularity_minutes(10080), 240);
        assert_eq!(granularity_minutes(DEFAULT_RETENTION_MINUTES), 1440);
    }

    #[test]
    fn months_wrap_around_years() {
        assert_eq!(month_minus((2024, 3), 2), (2024, 1));
        assert_eq!(month_minus((2024, 1), 1), (2023, 12));
        assert_eq!(month_minus((2024, 2), 5), (2023, 9));
        assert_eq!(month_label((2023, 9)), "2023-09");
    }

    #[test]
    fn double_prints_integers_as_integers() {
        assert_eq!(serde_json::to_string(&Double(2.0)).unwrap(), "2");
        assert_eq!(serde_json::to_string(&Double(-1.0)).unwrap(), "-1");
        assert_eq!(serde_json::to_string(&Double(2.5)).unwrap(), "2.5");
    }

    #[test]
    fn gb_seconds_follow_memory_and_billed_time() {
        let r = InvocationRecord {
            outcome: MetricOutcome::Success,
            duration_ms: 10.0,
            billed_ms: 1000,
            memory_mb: 512,
            cold_start: false,
        };
        assert_eq!(r.gb_seconds(), 0.5);
        let rejected = InvocationRecord {
            outcome: MetricOutcome::Rejected,
            ..r
        };
        assert_eq!(rejected.gb_seconds(), 0.0);
    }
}
