//! Destinations (issue 4): FunctionGraph invokes the named function with the documented
//! envelope; OBS/SMN/DIS go to the builder's sink (default: a recording sink).

use std::sync::Arc;

use fgs_core::async_config::Destination;
use fgs_core::async_record::AsyncStatus;
use fgs_runtime::async_invoke::Condition;
use fgs_runtime::{DestinationDelivery, DestinationSink, Emulator, RecordingSink};
use serde_json::json;

use super::{put_config, records};
use crate::common::{emulator, emulator_with};
use crate::triggers::function;

#[test]
fn function_graph_on_success_invokes_the_target_with_the_envelope() {
    let (emu, _) = emulator();
    let urn = function(&emu, "src");
    let target = function(&emu, "dst");
    let param = json!({"func_urn": target}).to_string();
    put_config(
        &emu,
        &urn,
        json!({"destination_config": {"on_success": {"destination": "FunctionGraph", "param": param}}}),
    );
    let id = emu
        .invoke_async(&urn, json!({"k": "v"}))
        .unwrap()
        .request_id;
    emu.run_due();
    let d = emu.destination_deliveries();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].destination_type, "FunctionGraph");
    assert_eq!(d[0].condition, Condition::Success);
    let env = &d[0].envelope;
    let mut keys: Vec<_> = env.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "error_message",
            "request_context",
            "request_payload",
            "response_payload",
            "timestamp",
            "version"
        ]
    );
    let ctx = &env["request_context"];
    assert_eq!(ctx["request_id"], id.as_str());
    assert_eq!(ctx["function_urn"], format!("{urn}:latest"));
    assert_eq!(ctx["qualifier"], "latest");
    assert_eq!(ctx["condition"], "Success");
    assert_eq!(ctx["approximate_invoke_count"], 1);
    assert_eq!(ctx["accepted_time"], "2024-05-01T12:00:00");
    assert_eq!(ctx["end_time"], "2024-05-01T12:00:00");
    assert_eq!(env["request_payload"], json!({"k": "v"}));
    assert_eq!(env["error_message"], "");
    // The target got an async request of its own, carrying the envelope.
    let new_id = d[0].outcome.clone().unwrap();
    let target_records = records(&emu, &target);
    assert_eq!(target_records.len(), 1);
    assert_eq!(target_records[0].request_id, new_id);
    assert_eq!(target_records[0].status, AsyncStatus::Success);
}

#[test]
fn function_graph_destination_that_vanished_records_the_error() {
    let (emu, _) = emulator();
    let urn = function(&emu, "src");
    let target = function(&emu, "dst");
    let param = json!({"func_urn": target}).to_string();
    put_config(
        &emu,
        &urn,
        json!({"destination_config": {"on_success": {"destination": "FunctionGraph", "param": param}}}),
    );
    emu.delete_function(&target).unwrap();
    let id = emu.invoke_async(&urn, json!({})).unwrap().request_id;
    emu.run_due();
    let d = emu.destination_deliveries();
    assert!(d[0].outcome.as_ref().unwrap_err().starts_with("FSS.1051"));
    // The source request keeps its own status.
    assert_eq!(
        emu.get_async_invocation(&id).unwrap().status,
        AsyncStatus::Success
    );
}

#[test]
fn obs_smn_dis_go_to_the_builder_sink() {
    let sink = Arc::new(RecordingSink::new());
    let (emu, _) = emulator_with(Emulator::builder().destination_sink(sink.clone()));
    let cases = [
        (
            "o",
            json!({"destination": "OBS", "param": json!({"bucket": "my-bucket", "prefix": "p/"}).to_string()}),
        ),
        (
            "s",
            json!({"destination": "SMN", "param": json!({"topic_urn": "urn:smn:local-1:p:topic"}).to_string()}),
        ),
        (
            "d",
            json!({"destination": "DIS", "param": json!({"stream_name": "st"}).to_string()}),
        ),
    ];
    for (name, dest) in &cases {
        let urn = function(&emu, name);
        put_config(
            &emu,
            &urn,
            json!({"destination_config": {"on_success": dest}}),
        );
        emu.invoke_async(&urn, json!({"n": name})).unwrap();
    }
    emu.run_due();
    let got = sink.deliveries();
    assert_eq!(got.len(), 3);
    assert_eq!(
        got.iter()
            .map(|d| d.destination_type.as_str())
            .collect::<Vec<_>>(),
        ["OBS", "SMN", "DIS"]
    );
    assert_eq!(
        got[0].destination,
        Destination::Obs {
            bucket: "my-bucket".into(),
            prefix: "p/".into(),
            expires: 0
        }
    );
    assert_eq!(got[1].envelope["request_payload"], json!({"n": "s"}));
    assert_eq!(got[2].envelope["request_context"]["condition"], "Success");
    assert_eq!(emu.destination_deliveries(), got);
}

/// A sink that refuses every delivery.
#[derive(Debug)]
struct Refusing;

impl DestinationSink for Refusing {
    fn deliver(&self, _: &DestinationDelivery) -> Result<(), String> {
        Err("bucket is read-only".into())
    }
}

#[test]
fn a_failing_sink_is_recorded_in_the_delivery_log() {
    let (emu, _) = emulator_with(Emulator::builder().destination_sink(Arc::new(Refusing)));
    let urn = function(&emu, "f");
    let dest = json!({"destination": "DIS", "param": json!({"stream_name": "st"}).to_string()});
    put_config(
        &emu,
        &urn,
        json!({"destination_config": {"on_success": dest}}),
    );
    emu.invoke_async(&urn, json!({})).unwrap();
    emu.run_due();
    let d = emu.destination_deliveries();
    assert_eq!(d[0].outcome, Err("bucket is read-only".to_owned()));
}

#[test]
fn no_destination_without_config() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    emu.invoke_async(&urn, json!({})).unwrap();
    emu.run_due();
    assert!(emu.destination_deliveries().is_empty());
}
