//! Tests: Tenant quotas (seed §5.2.1) with real `used` counts; the quotas are the figures
//! FSS.1041 and FSS.1042 enforce.

use fgs_core::limits::Limits;
use fgs_runtime::Emulator;
use serde_json::json;

use crate::common::{assert_code, emulator, emulator_with};
use crate::functions::{big_wasm, code, req};

#[test]
fn quotas_have_the_seed_shape_and_default_figures() {
    let (emu, _) = emulator();
    let v = serde_json::to_value(emu.get_quotas()).unwrap();
    assert_eq!(
        v,
        json!({"quotas":{"resources":[
            {"quota":60,"used":0,"type":"fgs_func_scale_down_timeout"},
            {"quota":100,"used":0,"type":"fgs_func_occurs"},
            {"quota":100,"used":0,"type":"fgs_func_pat_idle_time"},
            {"quota":400,"used":0,"type":"fgs_func_num"},
            {"quota":20480,"used":0,"type":"fgs_func_code_size","unit":"MB"},
            {"quota":512,"used":0,"type":"fgs_workflow_num"}]}})
    );
}

#[test]
fn used_counts_functions_and_code_megabytes() {
    let (emu, _) = emulator();
    emu.create_function(req("a")).unwrap();
    let mut big = req("b");
    big.func_code = Some(code(&big_wasm(3 * 1024 * 1024 / 2)));
    emu.create_function(big).unwrap();
    let q = emu.get_quotas().quotas.resources;
    assert_eq!((q[3].quota_type.as_str(), q[3].used), ("fgs_func_num", 2));
    assert_eq!(
        (q[4].quota_type.as_str(), q[4].used),
        ("fgs_func_code_size", 2)
    );
    emu.delete_function("b").unwrap();
    let q = emu.get_quotas().quotas.resources;
    assert_eq!((q[3].used, q[4].used), (1, 1));
}

#[test]
fn reported_quotas_are_the_enforced_limits() {
    let limits = Limits {
        max_functions: 1,
        max_total_code_size: 5 * 1024 * 1024,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    let q = emu.get_quotas().quotas.resources;
    assert_eq!((q[3].quota, q[4].quota), (1, 5));
    emu.create_function(req("a")).unwrap();
    assert_code(emu.create_function(req("b")), "FSS.1041", 403);
    let q = emu.get_quotas().quotas.resources;
    assert_eq!(q[3].used, q[3].quota);
}

#[test]
fn code_size_quota_is_enforced_at_the_reported_figure() {
    let limits = Limits {
        max_total_code_size: 1024 * 1024,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    let mut big = req("big");
    big.func_code = Some(code(&big_wasm(1024 * 1024 + 1)));
    assert_code(emu.create_function(big), "FSS.1042", 403);
    assert_eq!(emu.get_quotas().quotas.resources[4].quota, 1);
}
