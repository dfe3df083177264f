//! Unit tests of the metrics store (seed §5.8.1, §5.8.2), driven through the crate-private
//! recorder on a manual clock, asserted through the public queries and getters.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use fgs_core::clock::ManualClock;
use fgs_core::metrics::{
    Double, InvocationRecord, MetricOutcome, MonthUsed, SlaReportsValue, TenantStatisticsQuery,
};
use serde_json::json;

use crate::Emulator;
use crate::state::FunctionKey;

/// An emulator on a manual clock at `start` (RFC 3339) with the UTC offset `offset_s`.
fn emulator_at(start: &str, offset_s: i32) -> (Emulator, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::at_rfc3339(start).unwrap());
    let emu = Emulator::builder()
        .clock(clock.clone())
        .utc_offset_seconds(offset_s)
        .seed(42)
        .build()
        .unwrap();
    (emu, clock)
}

/// Creates function `name` (default handler) and returns its unqualified URN and key.
fn create(emu: &Emulator, name: &str) -> (String, FunctionKey) {
    let req = serde_json::from_value(json!({
        "func_name": name,
        "package": "default",
        "runtime": "Custom",
        "timeout": 30,
        "handler": "index.handler",
        "memory_size": 256,
        "code_type": "inline",
        "func_code": {"file": ""}
    }))
    .unwrap();
    let config = emu.create_function(req).unwrap();
    let urn = emu.parse_urn(&config.func_urn).unwrap();
    (urn.unqualified(), FunctionKey::of(&urn))
}

fn run(outcome: MetricOutcome, duration_ms: f64, billed_ms: u64, cold: bool) -> InvocationRecord {
    InvocationRecord {
        outcome,
        duration_ms,
        billed_ms,
        memory_mb: 256,
        cold_start: cold,
    }
}

fn ok(d: f64) -> InvocationRecord {
    run(MetricOutcome::Success, d, 100, false)
}

fn fail(d: f64) -> InvocationRecord {
    run(MetricOutcome::FunctionError, d, 100, false)
}

fn reject() -> InvocationRecord {
    run(MetricOutcome::Rejected, 0.0, 0, false)
}

fn ms(t: &str) -> i64 {
    DateTime::parse_from_rfc3339(t).unwrap().timestamp_millis()
}

fn values<V: Copy>(series: &[SlaReportsValue<V>]) -> Vec<V> {
    series.iter().map(|p| p.value).collect()
}

fn doubles(series: &[SlaReportsValue<Double>]) -> Vec<f64> {
    series.iter().map(|p| p.value.0).collect()
}

fn minutes(n: u64) -> Duration {
    Duration::from_secs(60 * n)
}

fn query(filter: &str, period: Option<&str>, option: Option<&str>) -> TenantStatisticsQuery {
    TenantStatisticsQuery {
        filter: Some(filter.to_owned()),
        period: period.map(str::to_owned),
        option: option.map(str::to_owned),
    }
}

#[test]
fn n_invocations_with_k_failures_and_r_rejections_give_exact_figures() {
    // §5.8.2: 6 runs (1 failure) and 3 rejections over three minutes.
    let (emu, clock) = emulator_at("2024-05-01T12:00:00Z", 0);
    let (urn, key) = create(&emu, "hello");
    // 12:00: three successes (one cold), one failure, one rejection.
    emu.record_invocation(&key, run(MetricOutcome::Success, 10.0, 100, true));
    emu.record_invocation(&key, ok(20.0));
    clock.advance(Duration::from_secs(59));
    emu.record_invocation(&key, ok(30.0));
    emu.record_invocation(&key, fail(40.0));
    emu.record_invocation(&key, reject());
    // 12:01: nothing. 12:02: two successes (one cold) and two rejections.
    clock.advance(Duration::from_secs(61));
    emu.record_invocation(&key, ok(5.0));
    emu.record_invocation(&key, run(MetricOutcome::Success, 15.5, 100, true));
    emu.record_invocation(&key, reject());
    emu.record_invocation(&key, reject());
    clock.advance(Duration::from_secs(30)); // 12:02:30

    let s = emu.get_function_statistics(&urn, "5").unwrap();
    let stamps: Vec<i64> = s.count.iter().map(|p| p.timestamp).collect();
    assert_eq!(
        stamps,
        [
            ms("2024-05-01T11:58:00Z"),
            ms("2024-05-01T11:59:00Z"),
            ms("2024-05-01T12:00:00Z"),
            ms("2024-05-01T12:01:00Z"),
            ms("2024-05-01T12:02:00Z"),
        ]
    );
    assert_eq!(doubles(&s.count), [-1.0, -1.0, 4.0, -1.0, 2.0]);
    assert_eq!(doubles(&s.fail_count), [-1.0, -1.0, 1.0, -1.0, 0.0]);
    assert_eq!(doubles(&s.reject_count), [-1.0, -1.0, 1.0, -1.0, 2.0]);
    assert_eq!(doubles(&s.duration), [-1.0, -1.0, 25.0, -1.0, 10.25]);
    assert_eq!(doubles(&s.min_duration), [-1.0, -1.0, 10.0, -1.0, 5.0]);
    assert_eq!(doubles(&s.max_duration), [-1.0, -1.0, 40.0, -1.0, 15.5]);
    for series in [&s.duration, &s.fail_count, &s.min_duration, &s.reject_count] {
        assert_eq!(series.len(), 5);
    }

    // Lifetime totals.
    let t = emu.function_metrics_totals(&urn).unwrap();
    assert_eq!(t.invocations, 6);
    assert_eq!(t.failures, 1);
    assert_eq!(t.rejections, 3);
    assert_eq!(t.cold_starts, 2);
    assert_eq!(t.billed_ms, 600);
    // 256 MB = 0.25 GB, 6 runs * 0.1 s billed.
    assert!((t.gb_seconds - 0.15).abs() < 1e-12, "{}", t.gb_seconds);
    assert_eq!(t.min_duration_ms, Some(5.0));
    assert_eq!(t.max_duration_ms, Some(40.0));
    assert_eq!(t.avg_duration_ms, Some(120.5 / 6.0));

    // §5.8.1: the same figures tenant-wide, as integers (10.25 rounds to 10, 15.5 to 16).
    let tenant = emu
        .get_tenant_statistics(&query("monitor_data", Some("3"), None))
        .unwrap();
    assert_eq!(tenant.count, None);
    assert_eq!(tenant.gbs, None);
    let st = tenant.statistics.unwrap();
    assert_eq!(values(&st.count), [4, -1, 2]);
    assert_eq!(values(&st.fail_count), [1, -1, 0]);
    assert_eq!(values(&st.reject_count), [1, -1, 2]);
    assert_eq!(values(&st.duration), [25, -1, 10]);
    assert_eq!(values(&st.min_duration), [10, -1, 5]);
    assert_eq!(values(&st.max_duration), [40, -1, 16]);
    assert_eq!(st.count[0].timestamp, ms("2024-05-01T12:00:00Z"));
    assert_eq!(emu.tenant_metrics_totals(), t);
}

#[test]
fn a_bucket_is_one_clock_minute() {
    let (emu, clock) = emulator_at("2024-05-01T12:00:00Z", 0);
    let (urn, key) = create(&emu, "hello");
    emu.record_invocation(&key, ok(1.0)); // 12:00:00.000, first instant of its minute
    clock.advance(Duration::from_millis(59_999));
    emu.record_invocation(&key, ok(1.0)); // 12:00:59.999, last instant
    clock.advance(Duration::from_millis(1));
    emu.record_invocation(&key, ok(1.0)); // 12:01:00.000, next minute
    let s = emu.get_function_statistics(&urn, "2").unwrap();
    assert_eq!(s.count[0].timestamp, ms("2024-05-01T12:00:00Z"));
    assert_eq!(s.count[1].timestamp, ms("2024-05-01T12:01:00Z"));
    assert_eq!(doubles(&s.count), [2.0, 1.0]);
}

#[test]
fn empty_buckets_are_minus_one_and_rejection_only_buckets_have_no_durations() {
    let (emu, clock) = emulator_at("2024-05-01T12:00:00Z", 0);
    let (urn, key) = create(&emu, "hello");
    let s = emu.get_function_statistics(&urn, "3").unwrap();
    for series in [&s.count, &s.duration, &s.fail_count, &s.reject_count] {
        assert_eq!(doubles(series), [-1.0, -1.0, -1.0]);
    }
    emu.record_invocation(&key, reject());
    clock.advance(minutes(1));
    let s = emu.get_function_statistics(&urn, "2").unwrap();
    assert_eq!(doubles(&s.count), [0.0, -1.0]);
    assert_eq!(doubles(&s.fail_count), [0.0, -1.0]);
    assert_eq!(doubles(&s.reject_count), [1.0, -1.0]);
    assert_eq!(doubles(&s.duration), [-1.0, -1.0]);
    assert_eq!(doubles(&s.min_duration), [-1.0, -1.0]);
    assert_eq!(doubles(&s.max_duration), [-1.0, -1.0]);
    let t = emu.function_metrics_totals(&urn).unwrap();
    assert_eq!((t.invocations, t.rejections), (0, 1));
    assert_eq!(t.avg_duration_ms, None);
    assert_eq!(t.gb_seconds, 0.0);
}

#[test]
fn long_periods_use_wider_buckets() {
    // period 120 -> 5-minute buckets, 24 points, aligned to multiples of 5 minutes.
    let (emu, clock) = emulator_at("2024-05-01T12:01:00Z", 0);
    let (urn, key) = create(&emu, "hello");
    emu.record_invocation(&key, ok(2.0)); // 12:01
    clock.advance(minutes(2));
    emu.record_invocation(&key, ok(4.0)); // 12:03, same 5-minute bucket
    clock.advance(minutes(3));
    emu.record_invocation(&key, fail(8.0)); // 12:06, the next one
    let s = emu.get_function_statistics(&urn, "120").unwrap();
    assert_eq!(s.count.len(), 24);
    let last = s.count.len() - 1;
    assert_eq!(s.count[last].timestamp, ms("2024-05-01T12:05:00Z"));
    assert_eq!(s.count[last - 1].timestamp, ms("2024-05-01T12:00:00Z"));
    assert_eq!(s.count[0].timestamp, ms("2024-05-01T10:10:00Z"));
    assert_eq!(s.count[last - 1].value.0, 2.0);
    assert_eq!(s.duration[last - 1].value.0, 3.0);
    assert_eq!(s.min_duration[last - 1].value.0, 2.0);
    assert_eq!(s.max_duration[last - 1].value.0, 4.0);
    assert_eq!(s.fail_count[last].value.0, 1.0);
    assert!(doubles(&s.count[..last - 1]).iter().all(|v| *v == -1.0));
    // A 31-day period -> daily buckets, 31 points.
    let s = emu.get_function_statistics(&urn, "44640").unwrap();
    assert_eq!(s.count.len(), 31);
    assert_eq!(s.count[30].timestamp, ms("2024-05-01T00:00:00Z"));
    assert_eq!(s.count[30].value.0, 3.0);
}

#[test]
fn old_buckets_are_pruned_but_totals_stay() {
    let (emu, clock) = emulator_at("2024-05-01T12:00:00Z", 0);
    let (urn, key) = create(&emu, "hello");
    emu.set_metrics_retention_minutes(10).unwrap();
    assert_eq!(emu.metrics_retention_minutes(), 10);
    for _ in 0..12 {
        emu.record_invocation(&key, ok(1.0));
        clock.advance(minutes(1));
    }
    // Recorded at 12:00..12:11; now 12:12: buckets 12:03..12:11 are within 10 minutes.
    let kept = |emu: &Emulator| {
        let functions = emu.inner.metrics.functions.read();
        functions[&key]
            .settled(emu.metrics_retention_minutes())
            .minutes
            .len()
    };
    assert_eq!(kept(&emu), 10); // pruned at the last record (12:11): 12:02..12:11
    let s = emu.get_function_statistics(&urn, "10").unwrap();
    assert_eq!(
        doubles(&s.count),
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, -1.0]
    );
    // The maximum period is the retention.
    assert!(emu.get_function_statistics(&urn, "11").is_err());
    // A record far later drops everything older than the window.
    clock.advance(minutes(60));
    emu.record_invocation(&key, ok(1.0));
    assert_eq!(kept(&emu), 1);
    assert_eq!(emu.function_metrics_totals(&urn).unwrap().invocations, 13);
    // Retention bounds.
    assert!(emu.set_metrics_retention_minutes(0).is_err());
    assert!(
        emu.set_metrics_retention_minutes(fgs_core::metrics::MAX_RETENTION_MINUTES + 1)
            .is_err()
    );
}

#[test]
fn a_clock_set_back_keeps_buckets_in_order() {
    let (emu, clock) = emulator_at("2024-05-01T12:05:00Z", 0);
    let (urn, key) = create(&emu, "hello");
    emu.record_invocation(&key, ok(1.0));
    clock.set("2024-05-01T12:03:00Z".parse::<DateTime<Utc>>().unwrap());
    emu.record_invocation(&key, ok(2.0));
    emu.record_invocation(&key, ok(2.0));
    clock.set("2024-05-01T12:05:30Z".parse::<DateTime<Utc>>().unwrap());
    emu.record_invocation(&key, ok(3.0));
    let s = emu.get_function_statistics(&urn, "3").unwrap();
    assert_eq!(doubles(&s.count), [2.0, -1.0, 2.0]);
    assert_eq!(doubles(&s.duration), [2.0, -1.0, 2.0]);
}

#[test]
fn monthly_report_windows_across_month_boundaries() {
    // §5.8.1 monthly_report: option 0 current, 1 last, 2 last three, 3 last six months.
    let (emu, clock) = emulator_at("2024-01-31T23:59:30Z", 0);
    let (_, key) = create(&emu, "hello");
    let gbs = |billed_ms| InvocationRecord {
        memory_mb: 1024,
        ..run(MetricOutcome::Success, 1.0, billed_ms, false)
    };
    emu.record_invocation(&key, gbs(1000)); // January: 1 GB-s each
    emu.record_invocation(&key, gbs(1000));
    emu.record_invocation(&key, reject()); // not counted in `count`
    clock.advance(minutes(1)); // 2024-02-01T00:00:30Z
    for _ in 0..3 {
        emu.record_invocation(&key, gbs(2000)); // February: 2 GB-s each
    }
    emu.record_invocation(&key, gbs(400)); // 0.4 GB-s: February has 6.4 -> 6
    let used = |v: &[(&str, i64)]| -> Vec<MonthUsed> {
        v.iter()
            .map(|(d, n)| MonthUsed {
                date: (*d).to_owned(),
                value: *n,
            })
            .collect()
    };
    let report = |option: Option<&str>| {
        let r = emu
            .get_tenant_statistics(&query("monthly_report", None, option))
            .unwrap();
        assert_eq!(r.statistics, None);
        (r.count.unwrap(), r.gbs.unwrap())
    };
    assert_eq!(
        report(None),
        (used(&[("2024-02", 4)]), used(&[("2024-02", 6)]))
    );
    assert_eq!(report(Some("0")), report(None));
    assert_eq!(report(Some("7")), report(None));
    assert_eq!(report(Some("x")), report(None));
    assert_eq!(
        report(Some("1")),
        (used(&[("2024-01", 2)]), used(&[("2024-01", 2)]))
    );
    assert_eq!(
        report(Some("2")),
        (
            used(&[("2023-12", 0), ("2024-01", 2), ("2024-02", 4)]),
            used(&[("2023-12", 0), ("2024-01", 2), ("2024-02", 6)])
        )
    );
    let (count, gbs6) = report(Some("3"));
    let dates: Vec<&str> = count.iter().map(|m| m.date.as_str()).collect();
    assert_eq!(
        dates,
        [
            "2023-09", "2023-10", "2023-11", "2023-12", "2024-01", "2024-02"
        ]
    );
    assert_eq!(count[4].value, 2);
    assert_eq!(gbs6[5].value, 6);
    // The report outlives the minute buckets' retention.
    emu.set_metrics_retention_minutes(1).unwrap();
    clock.advance(minutes(24 * 60));
    assert_eq!(
        report(Some("1")),
        (used(&[("2024-01", 2)]), used(&[("2024-01", 2)]))
    );
}

#[test]
fn months_follow_the_emulator_utc_offset() {
    // 2024-01-31T16:30Z is 2024-02-01T00:30 at +08:00.
    let (emu, _) = emulator_at("2024-01-31T16:30:00Z", 8 * 3600);
    let (_, key) = create(&emu, "hello");
    emu.record_invocation(&key, ok(1.0));
    let r = emu
        .get_tenant_statistics(&query("monthly_report", None, Some("1")))
        .unwrap();
    assert_eq!(r.count.unwrap()[0].date, "2024-01");
    let r = emu
        .get_tenant_statistics(&query("monthly_report", None, Some("0")))
        .unwrap();
    let count = r.count.unwrap();
    assert_eq!((count[0].date.as_str(), count[0].value), ("2024-02", 1));
}

#[test]
fn only_six_months_are_kept() {
    let (emu, clock) = emulator_at("2023-01-15T00:00:00Z", 0);
    let (_, key) = create(&emu, "hello");
    for _ in 0..9 {
        emu.record_invocation(&key, ok(1.0));
        clock.advance(minutes(31 * 24 * 60));
    }
    let months = emu.inner.metrics.functions.read()[&key]
        .settled(emu.metrics_retention_minutes())
        .months
        .len();
    assert_eq!(months, fgs_core::metrics::MONTHS_KEPT);
}

#[test]
fn tenant_statistics_add_up_functions_and_keep_forgotten_ones() {
    let (emu, clock) = emulator_at("2024-05-01T12:00:00Z", 0);
    let (a_urn, a) = create(&emu, "a");
    let (b_urn, b) = create(&emu, "b");
    emu.record_invocation(&a, ok(10.0));
    emu.record_invocation(&b, fail(30.0));
    emu.record_invocation(&b, reject());
    let st = |emu: &Emulator| {
        emu.get_tenant_statistics(&query("monitor_data", Some("1"), None))
            .unwrap()
            .statistics
            .unwrap()
    };
    let s = st(&emu);
    assert_eq!(values(&s.count), [2]);
    assert_eq!(values(&s.fail_count), [1]);
    assert_eq!(values(&s.reject_count), [1]);
    assert_eq!(values(&s.duration), [20]);
    assert_eq!(values(&s.min_duration), [10]);
    assert_eq!(values(&s.max_duration), [30]);
    assert_eq!(
        doubles(&emu.get_function_statistics(&a_urn, "1").unwrap().count),
        [1.0]
    );
    // Forgetting b (deleting it) keeps the tenant's figures and zeroes b's own.
    emu.forget_function_metrics(&b);
    assert_eq!(st(&emu), s);
    assert_eq!(emu.tenant_metrics_totals().invocations, 2);
    assert_eq!(emu.function_metrics_totals(&b_urn).unwrap().invocations, 0);
    emu.record_invocation(&b, ok(1.0));
    assert_eq!(emu.function_metrics_totals(&b_urn).unwrap().invocations, 1);
    clock.advance(minutes(1));
    emu.forget_function_metrics(&b);
    assert_eq!(emu.tenant_metrics_totals().invocations, 3);
    assert_eq!(emu.tenant_metrics_totals().rejections, 1);
    // Forgetting a function without metrics is harmless.
    emu.forget_function_metrics(&b);
}

#[test]
fn deleting_a_function_leaves_the_queries_consistent() {
    let (emu, _) = emulator_at("2024-05-01T12:00:00Z", 0);
    let (urn, key) = create(&emu, "gone");
    emu.record_invocation(&key, ok(1.0));
    emu.delete_function(&urn).unwrap();
    let err = emu.get_function_statistics(&urn, "5").unwrap_err();
    assert_eq!(err.code(), "FSS.1051");
    let err = emu.function_metrics_totals(&urn).unwrap_err();
    assert_eq!(err.code(), "FSS.1051");
    assert_eq!(emu.tenant_metrics_totals().invocations, 1);
}

#[test]
fn recording_from_two_threads_loses_nothing() {
    let (emu, _) = emulator_at("2024-05-01T12:00:00Z", 0);
    let (urn, key) = create(&emu, "hello");
    let (_, other) = create(&emu, "other");
    std::thread::scope(|s| {
        for k in [&key, &key, &other] {
            let emu = emu.clone();
            s.spawn(move || {
                for i in 0..500 {
                    let r = if i % 10 == 0 { fail(2.0) } else { ok(2.0) };
                    emu.record_invocation(k, r);
                }
            });
        }
    });
    let t = emu.function_metrics_totals(&urn).unwrap();
    assert_eq!((t.invocations, t.failures), (1000, 100));
    assert_eq!(emu.tenant_metrics_totals().invocations, 1500);
}

#[test]
fn qualified_urns_give_the_whole_function() {
    let (emu, _) = emulator_at("2024-05-01T12:00:00Z", 0);
    let (urn, key) = create(&emu, "hello");
    emu.record_invocation(&key, ok(1.0));
    let latest = format!("{urn}:latest");
    assert_eq!(
        emu.function_metrics_totals(&latest).unwrap(),
        emu.function_metrics_totals(&urn).unwrap()
    );
    assert_eq!(
        doubles(&emu.get_function_statistics(&latest, "1").unwrap().count),
        [1.0]
    );
    assert_eq!(
        emu.function_metrics_totals(&format!("{urn}:v9"))
            .unwrap_err()
            .code(),
        "FSS.1052"
    );
}

/// Recording threads crossing minute boundaries (each settles its pending minute) while other
/// threads query (each settles every shard): no deadlock (a watchdog fails the test instead
/// of hanging), and every invocation is counted once, in its own minute.
#[test]
fn recording_across_minutes_while_querying_loses_nothing() {
    let (emu, clock) = emulator_at("2024-05-01T12:00:00Z", 0);
    let (urn, key) = create(&emu, "hello");
    let per_thread = 3000;
    let mut threads = Vec::new();
    for _ in 0..2 {
        let (emu, clock, key) = (emu.clone(), clock.clone(), key.clone());
        threads.push(std::thread::spawn(move || {
            for _ in 0..per_thread {
                emu.record_invocation(&key, ok(1.0));
                clock.advance(Duration::from_secs(20));
            }
        }));
    }
    for _ in 0..2 {
        let (emu, urn) = (emu.clone(), urn.clone());
        threads.push(std::thread::spawn(move || {
            for _ in 0..300 {
                emu.function_metrics_totals(&urn).unwrap();
                emu.get_function_statistics(&urn, "60").unwrap();
            }
        }));
    }
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for t in threads {
            t.join().unwrap();
        }
        let _ = done.send(());
    });
    finished
        .recv_timeout(Duration::from_secs(60))
        .expect("recording and querying deadlocked");
    let totals = emu.function_metrics_totals(&urn).unwrap();
    assert_eq!(totals.invocations, 2 * per_thread);
    let retention = emu.metrics_retention_minutes();
    let functions = emu.inner.metrics.functions.read();
    let settled = functions[&key].settled(retention);
    let in_minutes: u64 = settled.minutes.iter().map(|(_, b)| b.invocations).sum();
    assert_eq!(in_minutes, 2 * per_thread, "every call in a minute bucket");
    assert!(
        settled
            .minutes
            .iter()
            .zip(settled.minutes.iter().skip(1))
            .all(|(a, b)| a.0 < b.0),
        "minute buckets in order, each once"
    );
}
