//! Metrics of real invocations (§5.8): N runs with k failures and r rejections on the manual
//! clock, and the exact figures of the totals and the §5.8.2 series.

use fgs_core::metrics::Double;
use serde_json::json;

use super::*;
use crate::common::assert_code;

#[test]
fn n_invocations_with_k_failures_and_r_rejections_give_exact_figures() {
    let (emu, _) = emu();
    let urn = create(&emu, "m", "echo", json!({"memory_size": 256}));
    publish(&emu, &urn, "v1");
    update_code(&emu, &urn, "handled_error");
    // 7 successes on v1, 3 handled errors on latest: N = 10, k = 3.
    let mut billed_ms = 0u64;
    let mut durations = Vec::new();
    for i in 0..10 {
        let target = if i < 7 {
            format!("{urn}:v1")
        } else {
            urn.clone()
        };
        let inv = emu.invoke(&target, b"{}").unwrap();
        assert_eq!(inv.is_success(), i < 7);
        billed_ms += inv.billed_duration.as_millis() as u64;
        durations.push(inv.duration.as_secs_f64() * 1000.0);
    }
    // r = 2 rejections: the function is disabled.
    set_max_instances(&emu, &urn, 0);
    for _ in 0..2 {
        assert_code(emu.invoke(&urn, b"{}"), "FSS.0403", 403);
    }

    let t = emu.function_metrics_totals(&urn).unwrap();
    assert_eq!(
        (t.invocations, t.failures, t.rejections, t.cold_starts),
        (10, 3, 2, 2),
        "one cold start per version"
    );
    assert_eq!(t.billed_ms, billed_ms);
    let gbs = 256.0 / 1024.0 * billed_ms as f64 / 1000.0;
    assert!(
        (t.gb_seconds - gbs).abs() < 1e-9,
        "{} vs {gbs}",
        t.gb_seconds
    );
    let min = durations.iter().cloned().fold(f64::MAX, f64::min);
    let max = durations.iter().cloned().fold(0.0, f64::max);
    let avg = durations.iter().sum::<f64>() / 10.0;
    assert!((t.min_duration_ms.unwrap() - min).abs() < 1e-6);
    assert!((t.max_duration_ms.unwrap() - max).abs() < 1e-6);
    assert!((t.avg_duration_ms.unwrap() - avg).abs() < 1e-6);

    // §5.8.2 over the last minute: one bucket, now.
    let stats = emu.get_function_statistics(&urn, "1").unwrap();
    let last = |s: &Vec<fgs_core::metrics::SlaReportsValue<Double>>| s.last().unwrap().value.0;
    assert_eq!(last(&stats.count), 10.0);
    assert_eq!(last(&stats.fail_count), 3.0);
    assert_eq!(last(&stats.reject_count), 2.0);
    assert!((last(&stats.duration) - avg).abs() < 1e-6);
    // Metrics are per function: a version URN gives the same figures.
    assert_eq!(
        emu.function_metrics_totals(&format!("{urn}:v1")).unwrap(),
        t
    );
}
