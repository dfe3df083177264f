//! Tests: function metrics queries (seed §5.8.1, §5.8.2; DECISIONS "Time fields": epoch
//! milliseconds for metric series): validation rules, error codes and the shapes of answers
//! without data. The figures after invocations are tested next to the recorder (unit tests
//! in `src/metrics/tests.rs`).

use std::time::Duration;

use fgs_core::alias::CreateAliasRequest;
use fgs_core::metrics::{
    DEFAULT_RETENTION_MINUTES, FunctionStatisticsResponse, TenantStatisticsQuery,
    TenantStatisticsResponse,
};
use fgs_core::version::PublishVersionRequest;
use serde_json::{Value, json};

use crate::common::{assert_code, emulator};

use crate::common::create_function as create;

/// A §5.8.1 query from its query-string fields, as the REST layer would deserialize it.
fn query(fields: Value) -> TenantStatisticsQuery {
    serde_json::from_value(fields).unwrap()
}

/// Epoch ms of an RFC 3339 time.
fn ms(t: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(t)
        .unwrap()
        .timestamp_millis()
}

// ---- §5.8.1 validation ----

#[test]
fn tenant_statistics_without_filter_is_fss_1001() {
    let (emu, _) = emulator();
    assert_code(
        emu.get_tenant_statistics(&query(json!({}))),
        "FSS.1001",
        400,
    );
    assert_code(
        emu.get_tenant_statistics(&query(json!({"period": "60"}))),
        "FSS.1001",
        400,
    );
}

#[test]
fn tenant_statistics_with_an_unknown_filter_is_fss_1001() {
    let (emu, _) = emulator();
    for filter in ["metric", "", "MONITOR_DATA", "mensal_report"] {
        let err = emu
            .get_tenant_statistics(&query(json!({"filter": filter})))
            .unwrap_err();
        assert_eq!((err.code(), err.status()), ("FSS.1001", 400), "{filter}");
        assert!(err.message().contains(&format!("'{filter}'")), "{err}");
    }
}

#[test]
fn monitor_data_period_must_be_positive_whole_minutes_up_to_the_retention() {
    let (emu, _) = emulator();
    let max = DEFAULT_RETENTION_MINUTES.to_string();
    let over = (DEFAULT_RETENTION_MINUTES + 1).to_string();
    for period in ["0", "-5", "abc", "1.5", "", over.as_str()] {
        let err = emu
            .get_tenant_statistics(&query(json!({"filter": "monitor_data", "period": period})))
            .unwrap_err();
        assert_eq!((err.code(), err.status()), ("FSS.1001", 400), "{period}");
    }
    for period in ["1", "60", max.as_str()] {
        emu.get_tenant_statistics(&query(json!({"filter": "monitor_data", "period": period})))
            .unwrap();
    }
}

#[test]
fn the_maximum_period_follows_the_configured_retention() {
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    emu.set_metrics_retention_minutes(120).unwrap();
    let q = |p: &str| query(json!({"filter": "monitor_data", "period": p}));
    assert!(emu.get_tenant_statistics(&q("120")).is_ok());
    assert_code(emu.get_tenant_statistics(&q("121")), "FSS.1001", 400);
    assert!(emu.get_function_statistics(&urn, "120").is_ok());
    assert_code(emu.get_function_statistics(&urn, "121"), "FSS.0400", 400);
    assert_code(emu.set_metrics_retention_minutes(0), "FSS.0400", 400);
}

#[test]
fn monthly_report_ignores_period_and_option_falls_back_to_zero() {
    // §5.8.1: "Se um valor além do intervalo anterior for especificado, o valor padrão 0
    // será usado."
    let (emu, _) = emulator();
    let current = emu
        .get_tenant_statistics(&query(json!({"filter": "monthly_report"})))
        .unwrap();
    for option in ["0", "4", "-1", "x", ""] {
        let r = emu
            .get_tenant_statistics(&query(
                json!({"filter": "monthly_report", "option": option, "period": "nonsense"}),
            ))
            .unwrap();
        assert_eq!(r, current, "option {option}");
    }
    let json = serde_json::to_value(&current).unwrap();
    assert_eq!(
        json,
        json!({"count": [{"date": "2024-05", "value": 0}], "gbs": [{"date": "2024-05", "value": 0}]})
    );
}

#[test]
fn monthly_report_options_list_their_months_oldest_first() {
    let (emu, _) = emulator();
    let dates = |option: &str| -> Vec<String> {
        let r = emu
            .get_tenant_statistics(&query(
                json!({"filter": "monthly_report", "option": option}),
            ))
            .unwrap();
        let count = r.count.unwrap();
        assert_eq!(count.len(), r.gbs.unwrap().len());
        assert!(count.iter().all(|m| m.value == 0));
        count.into_iter().map(|m| m.date).collect()
    };
    assert_eq!(dates("0"), ["2024-05"]);
    assert_eq!(dates("1"), ["2024-04"]);
    assert_eq!(dates("2"), ["2024-03", "2024-04", "2024-05"]);
    assert_eq!(
        dates("3"),
        [
            "2023-12", "2024-01", "2024-02", "2024-03", "2024-04", "2024-05"
        ]
    );
}

// ---- §5.8.1 shapes ----

#[test]
fn monitor_data_without_data_is_sixty_minute_points_of_minus_one() {
    // Default period 60 minutes -> 60 one-minute buckets ending with the current one.
    let (emu, clock) = emulator();
    create(&emu, "hello");
    clock.advance(Duration::from_secs(30)); // 12:00:30
    let r = emu
        .get_tenant_statistics(&query(json!({"filter": "monitor_data"})))
        .unwrap();
    let json = serde_json::to_value(&r).unwrap();
    let obj = json.as_object().unwrap();
    assert_eq!(obj.keys().collect::<Vec<_>>(), ["statistics"]);
    let stats = json["statistics"].as_object().unwrap();
    assert_eq!(
        stats.keys().collect::<Vec<_>>(),
        [
            "count",
            "duration",
            "fail_count",
            "max_duration",
            "min_duration",
            "reject_count"
        ]
    );
    for (name, series) in stats {
        let points = series.as_array().unwrap();
        assert_eq!(points.len(), 60, "{name}");
        assert_eq!(
            points[0],
            json!({"timestamp": ms("2024-05-01T11:01:00Z"), "value": -1})
        );
        assert_eq!(
            points[59],
            json!({"timestamp": ms("2024-05-01T12:00:00Z"), "value": -1})
        );
        for pair in points.windows(2) {
            let step =
                pair[1]["timestamp"].as_i64().unwrap() - pair[0]["timestamp"].as_i64().unwrap();
            assert_eq!(step, 60_000);
        }
    }
}

#[test]
fn monitor_data_bucket_width_grows_with_the_period() {
    let (emu, _) = emulator();
    let points = |period: &str| -> (usize, i64) {
        let s = emu
            .get_tenant_statistics(&query(json!({"filter": "monitor_data", "period": period})))
            .unwrap()
            .statistics
            .unwrap();
        (s.count.len(), s.count[1].timestamp - s.count[0].timestamp)
    };
    assert_eq!(points("60"), (60, 60_000));
    assert_eq!(points("180"), (36, 300_000));
    assert_eq!(points("1440"), (24, 3_600_000));
    assert_eq!(points("10080"), (42, 14_400_000));
    assert_eq!(points("44640"), (31, 86_400_000));
}

#[test]
fn tenant_statistics_seed_example_round_trips() {
    let example = json!({"statistics": {
        "count": [{"timestamp": 1596679200000_i64, "value": -1}, {"timestamp": 1596682800000_i64, "value": 2}],
        "duration": [{"timestamp": 1596682800000_i64, "value": 950}],
        "fail_count": [{"timestamp": 1596682800000_i64, "value": 0}],
        "max_duration": [{"timestamp": 1596682800000_i64, "value": 740}],
        "min_duration": [{"timestamp": 1596682800000_i64, "value": 210}],
        "reject_count": [{"timestamp": 1596682800000_i64, "value": 0}]}});
    let parsed: TenantStatisticsResponse = serde_json::from_value(example.clone()).unwrap();
    assert_eq!(serde_json::to_value(&parsed).unwrap(), example);
}

// ---- §5.8.2 ----

#[test]
fn function_statistics_of_an_unknown_function_is_fss_1051() {
    let (emu, _) = emulator();
    assert_code(
        emu.get_function_statistics("nothere", "60"),
        "FSS.1051",
        404,
    );
    assert_code(emu.function_metrics_totals("nothere"), "FSS.1051", 404);
}

#[test]
fn function_statistics_with_an_unknown_version_or_alias_is_fss_1052_or_1053() {
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    assert_code(
        emu.get_function_statistics(&format!("{urn}:v7"), "60"),
        "FSS.1052",
        404,
    );
    assert_code(
        emu.get_function_statistics(&format!("{urn}:!nope"), "60"),
        "FSS.1053",
        404,
    );
}

#[test]
fn function_statistics_accept_version_and_alias_urns() {
    // Metrics are per function: every qualifier gives the same series.
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    let v = emu
        .publish_version(&urn, PublishVersionRequest::default())
        .unwrap()
        .config
        .version;
    emu.create_alias(
        &urn,
        serde_json::from_value::<CreateAliasRequest>(json!({"name": "prod", "version": v}))
            .unwrap(),
    )
    .unwrap();
    let plain = emu.get_function_statistics(&urn, "5").unwrap();
    for qualified in [
        format!("{urn}:{v}"),
        format!("{urn}:!prod"),
        format!("{urn}:latest"),
    ] {
        assert_eq!(emu.get_function_statistics(&qualified, "5").unwrap(), plain);
        assert_eq!(
            emu.function_metrics_totals(&qualified).unwrap(),
            emu.function_metrics_totals(&urn).unwrap()
        );
    }
}

#[test]
fn function_statistics_period_must_be_positive_whole_minutes() {
    // The path `period` is minutes of history; anything else is 400 FSS.0400.
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    let over = (DEFAULT_RETENTION_MINUTES + 1).to_string();
    for period in ["0", "-1", "abc", "2.5", "", over.as_str()] {
        let err = emu.get_function_statistics(&urn, period).unwrap_err();
        assert_eq!((err.code(), err.status()), ("FSS.0400", 400), "{period}");
    }
}

#[test]
fn function_statistics_without_data_have_the_seed_shape() {
    let (emu, _) = emulator();
    let urn = create(&emu, "hello");
    let r = emu.get_function_statistics(&urn, "3").unwrap();
    let point = |t: &str| json!({"timestamp": ms(t), "value": -1});
    let series = json!([
        point("2024-05-01T11:58:00Z"),
        point("2024-05-01T11:59:00Z"),
        point("2024-05-01T12:00:00Z")
    ]);
    assert_eq!(
        serde_json::to_value(&r).unwrap(),
        json!({
            "count": series, "duration": series, "fail_count": series,
            "max_duration": series, "min_duration": series, "reject_count": series
        })
    );
    let totals = emu.function_metrics_totals(&urn).unwrap();
    assert_eq!(totals.invocations + totals.failures + totals.rejections, 0);
    assert_eq!(totals.cold_starts, 0);
    assert_eq!(totals.gb_seconds, 0.0);
    assert_eq!(totals.avg_duration_ms, None);
    assert_eq!(emu.tenant_metrics_totals(), totals);
}

#[test]
fn function_statistics_seed_example_round_trips_with_double_values() {
    // §5.8.2 Table 5-317: `value` is Double; integral values print as the example does.
    let example = json!({
        "count": [{"timestamp": 1596682800000_i64, "value": 2}],
        "duration": [{"timestamp": 1596682800000_i64, "value": 950.5}],
        "fail_count": [{"timestamp": 1596682800000_i64, "value": 0}],
        "max_duration": [{"timestamp": 1596682800000_i64, "value": 740}],
        "min_duration": [{"timestamp": 1596682800000_i64, "value": 210}],
        "reject_count": [{"timestamp": 1596682800000_i64, "value": -1}]});
    let parsed: FunctionStatisticsResponse = serde_json::from_value(example.clone()).unwrap();
    assert_eq!(parsed.duration[0].value.0, 950.5);
    assert_eq!(serde_json::to_value(&parsed).unwrap(), example);
}

#[test]
fn retention_defaults_to_31_days() {
    let (emu, _) = emulator();
    assert_eq!(emu.metrics_retention_minutes(), 31 * 24 * 60);
}
