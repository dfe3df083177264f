//! Function metrics (seed §5.8.1, §5.8.2, §7.4): the per-function store the invoke path
//! records into, and the two statistics queries.
//!
//! **Recording.** Each finished (or rejected) invocation calls
//! [`Emulator::record_invocation`] once with an [`InvocationRecord`]. The store keeps, per
//! function (metrics are per function: every version and alias of it adds up in one place,
//! like the platform's Cloud Eye dimension `package-functionname`, §7.4):
//! - lifetime totals ([`Emulator::function_metrics_totals`]), never pruned;
//! - one-minute buckets on the emulator's clock, kept for the retention window (default
//!   [`DEFAULT_RETENTION_MINUTES`] = 31 days; [`Emulator::set_metrics_retention_minutes`]).
//!   Older buckets are pruned as new ones arrive, so memory per function is bounded by the
//!   window;
//! - monthly totals (invocations and GB-seconds) for the last [`MONTHS_KEPT`] calendar months
//!   in the emulator's UTC offset, so monthly reports survive the minute-bucket retention.
//!
//! The hot path never takes the emulator's state lock nor a lock shared between threads: each
//! function's [`FunctionCell`] has one pending bucket per thread shard ([`fgs_core::shard`])
//! for the current minute, which the recording thread fills under its own uncontended lock
//! and settles into the function's figures when its minute is over. Every query settles all
//! pending buckets first, so it sees every invocation recorded before it.
//!
//! **Deleting a function.** The store is keyed by package and name. The delete path should
//! call [`Emulator::forget_function_metrics`], which moves the function's figures into a
//! tenant-level "retired" aggregate: tenant statistics (§5.8.1) keep counting work that
//! happened, and a function re-created under the same name starts from zero. Until the
//! delete path calls it, a deleted function's figures stay under its key (tenant statistics
//! are still right; the per-function queries answer FSS.1051 for the deleted function).
//!
//! **Queries.** `period` is minutes of history up to now, 1 to the retention window, in both
//! §5.8.1 and §5.8.2 (the seed gives §5.8.2's no unit; the digest recommends §5.8.1's). The
//! series' bucket width grows with the period ([`fgs_core::metrics::granularity_minutes`]: 1
//! minute up to an hour, then 5 min, 20 min, 1 h, 4 h, 1 day) so that a series has at most
//! 60 points; buckets are aligned to multiples of their width since the epoch, the last
//! one holds now, timestamps are the bucket starts in epoch ms, and a bucket without data
//! is `-1` in every series (seed §5.8.1 example).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use fgs_core::metrics::{
    DEFAULT_RETENTION_MINUTES, FunctionStatisticsResponse, InvocationRecord, MAX_RETENTION_MINUTES,
    MONTHS_KEPT, MetricBucket, MetricsTotals, MonthKey, MonthUsed, StatisticsSeries,
    TenantStatisticsFilter, TenantStatisticsQuery, TenantStatisticsResponse, month_label,
    month_minus, month_of, parse_period, series_window,
};
use fgs_core::shard::{Padded, home, shard_count};
use fgs_core::{ErrorKind, Result};
use parking_lot::{Mutex, RwLock};

use crate::Emulator;
use crate::state::FunctionKey;

/// The figures of one function (or of the retired functions together).
#[derive(Debug, Default)]
pub(crate) struct FunctionMetrics {
    /// Lifetime totals.
    totals: MetricBucket,
    /// One-minute buckets (minute since the epoch, figures), oldest first.
    minutes: VecDeque<(i64, MetricBucket)>,
    /// Monthly totals, the newest [`MONTHS_KEPT`] months.
    months: BTreeMap<MonthKey, MetricBucket>,
}

impl FunctionMetrics {
    /// Adds the invocations of `bucket`, all at `minute` (in `month`), and prunes buckets
    /// older than the retention window.
    fn add(&mut self, minute: i64, month: MonthKey, bucket: &MetricBucket, retention: u64) {
        self.totals.merge(bucket);
        match self.minutes.back_mut() {
            Some((m, b)) if *m == minute => b.merge(bucket),
            Some((m, _)) if *m > minute => {
                // The clock went back (ManualClock::set), or another shard settled a later
                // minute first: keep the buckets in order.
                let at = self.minutes.partition_point(|(m, _)| *m < minute);
                match self.minutes.get_mut(at) {
                    Some((m, b)) if *m == minute => b.merge(bucket),
                    _ => self.minutes.insert(at, (minute, *bucket)),
                }
            }
            _ => self.minutes.push_back((minute, *bucket)),
        }
        self.prune(minute, retention);
        self.months.entry(month).or_default().merge(bucket);
        while self.months.len() > MONTHS_KEPT {
            self.months.pop_first();
        }
    }

    /// Drops the buckets that fell out of the retention window ending at `now_minute`.
    fn prune(&mut self, now_minute: i64, retention: u64) {
        let cutoff = cutoff(now_minute, retention);
        while self.minutes.front().is_some_and(|(m, _)| *m <= cutoff) {
            self.minutes.pop_front();
        }
    }

    /// Adds everything of `other` to this one (retiring a deleted function).
    fn absorb(&mut self, other: FunctionMetrics) {
        self.totals.merge(&other.totals);
        let mut minutes: BTreeMap<i64, MetricBucket> =
            std::mem::take(&mut self.minutes).into_iter().collect();
        for (m, b) in other.minutes {
            minutes.entry(m).or_default().merge(&b);
        }
        self.minutes = minutes.into_iter().collect();
        for (month, b) in other.months {
            self.months.entry(month).or_default().merge(&b);
        }
        while self.months.len() > MONTHS_KEPT {
            self.months.pop_first();
        }
    }

    /// Adds this function's buckets inside the window to `points` (`start` minute, bucket
    /// `width`), skipping those older than the retention cutoff.
    fn fold_window(&self, points: &mut [(i64, MetricBucket)], start: i64, width: i64, cut: i64) {
        let end = start + width * points.len() as i64;
        let from = self
            .minutes
            .partition_point(|(m, _)| *m < start.max(cut + 1));
        for (m, b) in self.minutes.range(from..) {
            if *m >= end {
                break;
            }
            let index = ((m - start) / width) as usize;
            if let Some((_, p)) = points.get_mut(index) {
                p.merge(b);
            }
        }
    }
}

/// The last minute outside a retention window of `retention` minutes ending at `now_minute`.
fn cutoff(now_minute: i64, retention: u64) -> i64 {
    now_minute.saturating_sub(retention.min(i64::MAX as u64) as i64)
}

/// Invocations of the current minute not yet added to a function's figures.
#[derive(Debug, Default)]
struct Pending {
    minute: i64,
    month: MonthKey,
    bucket: MetricBucket,
}

/// One function's figures, and the pending minute of each thread shard (module docs).
#[derive(Debug)]
pub(crate) struct FunctionCell {
    settled: Mutex<FunctionMetrics>,
    pending: Box<[Padded<Mutex<Pending>>]>,
}

impl Default for FunctionCell {
    fn default() -> Self {
        FunctionCell {
            settled: Mutex::new(FunctionMetrics::default()),
            pending: (0..shard_count()).map(|_| Padded::default()).collect(),
        }
    }
}

impl FunctionCell {
    /// Records one invocation at `minute`; `month` gives its calendar month, asked only when
    /// a new minute starts. Locks are taken in one order everywhere: `settled`, then a
    /// shard; so a shard whose pending minute is over is settled after letting go of it.
    fn record(
        &self,
        minute: i64,
        month: impl Fn() -> MonthKey,
        record: &InvocationRecord,
        retention: u64,
    ) {
        let shard = &self.pending[home(self.pending.len())];
        loop {
            let mut p = shard.lock();
            if !p.bucket.has_data() {
                p.minute = minute;
                p.month = month();
            }
            if p.minute == minute {
                p.bucket.add(record);
                return;
            }
            drop(p);
            let mut settled = self.settled.lock();
            let mut p = shard.lock();
            if p.bucket.has_data() && p.minute != minute {
                let done = std::mem::take(&mut p.bucket);
                settled.add(p.minute, p.month, &done, retention);
            }
        }
    }

    /// The function's figures with every pending minute settled.
    fn settled(&self, retention: u64) -> parking_lot::MutexGuard<'_, FunctionMetrics> {
        let mut settled = self.settled.lock();
        for shard in self.pending.iter() {
            let mut p = shard.lock();
            if p.bucket.has_data() {
                let done = std::mem::take(&mut p.bucket);
                settled.add(p.minute, p.month, &done, retention);
            }
        }
        settled
    }
}

/// The metrics of every function, held by the emulator's `Inner`.
#[derive(Debug)]
pub(crate) struct MetricsStore {
    /// Per-function figures; the map lock is only written when a function records for the
    /// first time or is forgotten. The invoke path's cached routes hold their function's cell.
    functions: RwLock<HashMap<FunctionKey, Arc<FunctionCell>>>,
    /// Figures of deleted functions, still part of the tenant's statistics.
    retired: Mutex<FunctionMetrics>,
    /// Retention of the one-minute buckets, minutes.
    retention_minutes: AtomicU64,
}

impl Default for MetricsStore {
    fn default() -> Self {
        MetricsStore {
            functions: RwLock::new(HashMap::new()),
            retired: Mutex::new(FunctionMetrics::default()),
            retention_minutes: AtomicU64::new(DEFAULT_RETENTION_MINUTES),
        }
    }
}

impl MetricsStore {
    /// The retention window, minutes.
    fn retention(&self) -> u64 {
        self.retention_minutes.load(Ordering::Relaxed)
    }

    /// Runs `f` on every function's figures and the retired ones (the tenant).
    fn for_each(&self, mut f: impl FnMut(&FunctionMetrics)) {
        let retention = self.retention();
        for m in self.functions.read().values() {
            f(&m.settled(retention));
        }
        f(&self.retired.lock());
    }

    /// The cell of function `key`, created on first use.
    pub(crate) fn cell(&self, key: &FunctionKey) -> Arc<FunctionCell> {
        if let Some(c) = self.functions.read().get(key) {
            return c.clone();
        }
        self.functions
            .write()
            .entry(key.clone())
            .or_default()
            .clone()
    }
}

impl Emulator {
    /// The current minute since the epoch and calendar month (in the configured offset).
    fn metrics_now(&self) -> (i64, MonthKey) {
        let now = self.now();
        (
            now.timestamp().div_euclid(60),
            month_of(now, self.inner.settings.utc_offset),
        )
    }

    /// Records one invocation of the function `key` at the clock's current time. Called once
    /// per invocation by the invoke path (sync, async, trigger-fired), including rejected
    /// ones.
    pub(crate) fn record_invocation(&self, key: &FunctionKey, record: InvocationRecord) {
        let cell = self.inner.metrics.cell(key);
        self.record_in(&cell, &record);
    }

    /// [`Emulator::record_invocation`] into a cell the caller holds (the invoke path's cached
    /// route): no map lookup, and no lock shared with other threads.
    pub(crate) fn record_in(&self, cell: &FunctionCell, record: &InvocationRecord) {
        let seconds = self.inner.clock.unix_seconds();
        let month = || {
            let now = chrono::DateTime::from_timestamp(seconds, 0).unwrap_or_default();
            month_of(now, self.inner.settings.utc_offset)
        };
        let retention = self.inner.metrics.retention();
        cell.record(seconds.div_euclid(60), month, record, retention);
    }

    /// Moves a deleted function's figures into the tenant's retired aggregate (see the
    /// module docs). The delete path of an unqualified URN calls it.
    pub(crate) fn forget_function_metrics(&self, key: &FunctionKey) {
        let store = &self.inner.metrics;
        let removed = store.functions.write().remove(key);
        if let Some(m) = removed {
            let figures = std::mem::take(&mut *m.settled(store.retention()));
            store.retired.lock().absorb(figures);
        }
    }

    /// The retention window of the one-minute metric buckets, in minutes (default
    /// [`DEFAULT_RETENTION_MINUTES`], 31 days). It is also the largest `period` the
    /// statistics queries accept.
    pub fn metrics_retention_minutes(&self) -> u64 {
        self.inner.metrics.retention()
    }

    /// Sets the retention window of the one-minute metric buckets, in minutes: 1 to
    /// [`MAX_RETENTION_MINUTES`] (366 days), else 400 FSS.0400. Buckets that fall outside
    /// it are no longer reported and are pruned as new invocations arrive. Lifetime totals
    /// and monthly totals are not affected.
    pub fn set_metrics_retention_minutes(&self, minutes: u64) -> Result<()> {
        if !(1..=MAX_RETENTION_MINUTES).contains(&minutes) {
            return Err(ErrorKind::InvalidParameter.with(format!(
                "metrics retention {minutes} minutes is out of range 1..={MAX_RETENTION_MINUTES}"
            )));
        }
        self.inner
            .metrics
            .retention_minutes
            .store(minutes, Ordering::Relaxed);
        Ok(())
    }

    /// The lifetime totals of the function a URN names (any URN form; metrics are per
    /// function, so a version or alias URN gives the whole function's totals): invocations,
    /// failures, rejections, cold starts, GB-seconds, billed ms, min/avg/max duration.
    ///
    /// Errors: FSS.1051 / FSS.1052 / FSS.1053 for a missing function, version or alias.
    pub fn function_metrics_totals(&self, function_urn: &str) -> Result<MetricsTotals> {
        let key = self.metrics_key(function_urn)?;
        let store = &self.inner.metrics;
        let functions = store.functions.read();
        Ok(functions
            .get(&key)
            .map(|m| m.settled(store.retention()).totals.totals())
            .unwrap_or_default())
    }

    /// The lifetime totals of the whole tenant (every function, deleted ones included).
    pub fn tenant_metrics_totals(&self) -> MetricsTotals {
        let mut total = MetricBucket::default();
        self.inner.metrics.for_each(|m| total.merge(&m.totals));
        total.totals()
    }

    /// Tenant-level statistics (seed §5.8.1, `GET /v2/{project_id}/fgs/functions/statistics`).
    ///
    /// - `filter=monitor_data`: `statistics` holds the six series of every function together
    ///   over the last `period` minutes (default 60), with Integer values (durations rounded
    ///   to the nearest ms).
    /// - `filter=monthly_report`: `count` and `gbs` hold one [`MonthUsed`] per month (`date`
    ///   `YYYY-MM` in the emulator's UTC offset, oldest first; 0 for a month without data):
    ///   `option` 0 the current month, 1 the previous month, 2 the current month and the two
    ///   before, 3 the current month and the five before; anything else counts as 0.
    ///   `period` is ignored.
    ///
    /// Errors: 400 FSS.1001 for a missing or unknown `filter`, or a `monitor_data` `period`
    /// that is not a whole number of minutes from 1 to the retention window.
    pub fn get_tenant_statistics(
        &self,
        query: &TenantStatisticsQuery,
    ) -> Result<TenantStatisticsResponse> {
        let store = &self.inner.metrics;
        match query.validate(store.retention())? {
            TenantStatisticsFilter::MonitorData { period_minutes } => {
                let points = self.window(period_minutes, |f| store.for_each(f));
                Ok(TenantStatisticsResponse {
                    count: None,
                    gbs: None,
                    statistics: Some(StatisticsSeries::integer(&points)),
                })
            }
            TenantStatisticsFilter::MonthlyReport(option) => {
                let (_, current) = self.metrics_now();
                let months: Vec<MonthKey> = option
                    .months_back()
                    .into_iter()
                    .map(|back| month_minus(current, back))
                    .collect();
                let mut sums = vec![MetricBucket::default(); months.len()];
                store.for_each(|m| {
                    for (month, sum) in months.iter().zip(sums.iter_mut()) {
                        if let Some(b) = m.months.get(month) {
                            sum.merge(b);
                        }
                    }
                });
                let used = |value: &dyn Fn(&MetricBucket) -> i64| -> Vec<MonthUsed> {
                    months
                        .iter()
                        .zip(&sums)
                        .map(|(month, b)| MonthUsed {
                            date: month_label(*month),
                            value: value(b),
                        })
                        .collect()
                };
                Ok(TenantStatisticsResponse {
                    count: Some(used(&|b| b.invocations as i64)),
                    gbs: Some(used(&|b| b.gb_seconds.round() as i64)),
                    statistics: None,
                })
            }
        }
    }

    /// Metrics of one function over a period (seed §5.8.2,
    /// `GET /v2/{project_id}/fgs/functions/{func_urn}/statistics/{period}`): the six series at
    /// top level with Double values (exact average durations), over the last `period`
    /// minutes. Any URN form is accepted; the series are the whole function's (every version
    /// and alias), and a qualifier must exist.
    ///
    /// Errors: 400 FSS.0400 for a `period` that is not a whole number of minutes from 1 to
    /// the retention window (a path parameter, hence not FSS.1001); FSS.1051 / FSS.1052 /
    /// FSS.1053 for a missing function, version or alias.
    pub fn get_function_statistics(
        &self,
        func_urn: &str,
        period: &str,
    ) -> Result<FunctionStatisticsResponse> {
        let key = self.metrics_key(func_urn)?;
        let store = &self.inner.metrics;
        let period = parse_period(period, store.retention(), ErrorKind::InvalidParameter)?;
        let points = self.window(period, |f| {
            if let Some(m) = store.functions.read().get(&key) {
                f(&m.settled(store.retention()));
            }
        });
        Ok(StatisticsSeries::double(&points))
    }

    /// The function key of a URN whose function (and qualifier, if any) exists.
    fn metrics_key(&self, function_urn: &str) -> Result<FunctionKey> {
        let urn = self.parse_urn(function_urn)?;
        let state = self.inner.state.read();
        state
            .function(&urn)?
            .check_qualifier(urn.effective_qualifier())?;
        Ok(FunctionKey::of(&urn))
    }

    /// The buckets of a series over the last `period` minutes, with the figures of every
    /// [`FunctionMetrics`] that `visit` hands to its callback.
    fn window(
        &self,
        period: u64,
        visit: impl FnOnce(&mut dyn FnMut(&FunctionMetrics)),
    ) -> Vec<(i64, MetricBucket)> {
        let (now_minute, _) = self.metrics_now();
        let (start, width, n) = series_window(now_minute, period);
        let mut points: Vec<(i64, MetricBucket)> = (0..n as i64)
            .map(|i| ((start + i * width) * 60_000, MetricBucket::default()))
            .collect();
        let cut = cutoff(now_minute, self.inner.metrics.retention());
        visit(&mut |m: &FunctionMetrics| m.fold_window(&mut points, start, width, cut));
        points
    }
}

#[cfg(test)]
mod tests;
