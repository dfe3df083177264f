//! Every REST request body (and query) type of the management API, deserialized from the
//! fuzz input as JSON and, when it deserializes, handed to the `Emulator` method the REST
//! handler calls, on one emulator with a fixture function. Properties: a refusal is a 4xx
//! with an FSS code (never FSS.0500); anything accepted leaves the emulator whole (the
//! fixture and what was made read back, list, export and serialize), and is cleaned up so
//! the next input starts from the same state.
#![no_main]

use std::sync::{Arc, OnceLock};

use fgs_core::alias::{CreateAliasRequest, UpdateAliasRequest};
use fgs_core::async_config::{ListAsyncConfigsRequest, PutAsyncConfigRequest};
use fgs_core::async_record::{CancelAsyncInvocationRequest, ListAsyncInvocationsRequest};
use fgs_core::clock::ManualClock;
use fgs_core::dependency::{DependencyRequest, ListDependenciesQuery};
use fgs_core::function::{
    CreateFunctionRequest, ListFunctionsQuery, UpdateFunctionCodeRequest,
    UpdateFunctionConfigRequest, UpdateMaxInstancesRequest,
};
use fgs_core::metrics::TenantStatisticsQuery;
use fgs_core::reserved::UpdateReservedInstancesRequest;
use fgs_core::test_event::{CreateTestEventRequest, UpdateTestEventRequest};
use fgs_core::tracing_config::UpdateTracingRequest;
use fgs_core::transfer::{ExportFunctionQuery, ImportFunctionRequest};
use fgs_core::trigger::{CreateTriggerRequest, UpdateTriggerRequest};
use fgs_core::version::{ListVersionsQuery, PublishVersionRequest};
use fgs_runtime::Emulator;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

struct Fixture {
    emu: Emulator,
    /// The fixture function, unqualified.
    urn: String,
    /// A TIMER trigger and a test event on it, for the update bodies.
    trigger: (String, String),
    event_id: String,
    dependency_id: String,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let clock = Arc::new(ManualClock::at_rfc3339("2024-05-01T12:00:00Z").unwrap());
        let emu = Emulator::builder()
            .clock(clock)
            .background_scheduler(false)
            .build()
            .unwrap();
        let config = emu
            .create_function(body(json!({
                "func_name": "fixture", "package": "default", "runtime": "Custom",
                "timeout": 3, "handler": "index.handler", "memory_size": 128,
                "code_type": "inline", "func_code": {"file": ""}
            })))
            .unwrap();
        let urn = config.func_urn.trim_end_matches(":latest").to_owned();
        emu.publish_version(&urn, body(json!({"version": "v1"})))
            .unwrap();
        emu.create_alias(&urn, body(json!({"name": "prod", "version": "v1"})))
            .unwrap();
        let trigger = value(
            &emu.create_trigger(
                &urn,
                body(json!({
                    "trigger_type_code": "TIMER", "event_type_code": "MessageCreated",
                    "trigger_status": "ACTIVE",
                    "event_data": {"name": "t", "schedule_type": "Rate", "schedule": "3m"}
                })),
            )
            .unwrap(),
        );
        let event = value(
            &emu.create_test_event(&urn, body(json!({"name": "e1", "content": "e30="})))
                .unwrap(),
        );
        let dependency = value(
            &emu.create_dependency(body(json!({
                "depend_type": "zip", "depend_file": DEPEND_ZIP,
                "runtime": "Python3.9", "name": "dep"
            })))
            .unwrap(),
        );
        Fixture {
            trigger: (s(&trigger, "trigger_type_code"), s(&trigger, "trigger_id")),
            event_id: s(&event, "id"),
            dependency_id: s(&dependency, "id"),
            emu,
            urn,
        }
    })
}

/// A one-file ZIP (`a.txt`), Base64.
const DEPEND_ZIP: &str = "UEsDBBQAAAAAADhPhl2DFtyMAQAAAAEAAAAFAAAAYS50eHR4UEsBAhQDFAAAAAAAOE+GXYMW3IwBAAAAAQAAAAUAAAAAAAAAAAAAAIABAAAAAGEudHh0UEsFBgAAAAABAAEAMwAAACQAAAAAAA==";

fn body<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).unwrap()
}

fn value<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).expect("every answer serializes")
}

fn s(v: &Value, field: &str) -> String {
    v[field].as_str().unwrap_or_default().to_owned()
}

/// A refusal is the caller's fault, with a code of the table.
fn refused(e: &fgs_runtime::Error) {
    assert!(e.code().starts_with("FSS."), "{e}");
    assert!((400..500).contains(&e.status()), "{}: {e}", e.code());
}

/// `r` is a success (answered, serializable) or a refusal; its value if a success.
fn answered<T: Serialize>(r: fgs_runtime::Result<T>) -> Option<Value> {
    match r {
        Ok(t) => Some(value(&t)),
        Err(e) => {
            refused(&e);
            None
        }
    }
}

/// The fixture still reads back whole after an accepted request.
fn intact(f: &Fixture) {
    let e = &f.emu;
    value(&e.get_function_config(&f.urn).unwrap());
    value(&e.get_function_code(&f.urn).unwrap());
    value(&e.list_functions(&ListFunctionsQuery::default()).unwrap());
    value(
        &e.list_versions(&f.urn, &ListVersionsQuery::default())
            .unwrap(),
    );
    value(&e.list_aliases(&f.urn).unwrap());
    value(&e.list_triggers(&f.urn).unwrap());
    value(&e.list_test_events(&f.urn).unwrap());
    answered(e.get_tracing(&f.urn));
    let export = e
        .export_function(&f.urn, &ExportFunctionQuery::default())
        .unwrap();
    assert!(!export.bytes.is_empty());
    value(
        &e.list_dependencies(ListDependenciesQuery::default())
            .unwrap(),
    );
}

fn parse<T: DeserializeOwned>(json: &[u8]) -> Option<T> {
    serde_json::from_slice(json).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((&op, json)) = data.split_first() else {
        return;
    };
    let f = fixture();
    let (e, urn) = (&f.emu, f.urn.as_str());
    let (ty, id) = (&f.trigger.0, &f.trigger.1);
    let accepted = match op % 24 {
        0 => parse::<CreateFunctionRequest>(json).and_then(|b| {
            let made = answered(e.create_function(b))?;
            let made_urn = s(&made, "func_urn").trim_end_matches(":latest").to_owned();
            value(&e.get_function_config(&made_urn).unwrap());
            e.delete_function(&made_urn).unwrap();
            Some(made)
        }),
        1 => parse::<UpdateFunctionCodeRequest>(json)
            .and_then(|b| answered(e.update_function_code(urn, b))),
        2 => parse::<UpdateFunctionConfigRequest>(json)
            .and_then(|b| answered(e.update_function_config(urn, b))),
        3 => parse::<UpdateMaxInstancesRequest>(json)
            .and_then(|b| answered(e.update_max_instances(urn, b))),
        4 => parse::<DependencyRequest>(json).and_then(|b| {
            let made = answered(e.create_dependency(b))?;
            let dep = s(&made, "id");
            assert_eq!(value(&e.get_dependency(&dep).unwrap()), made);
            e.delete_dependency(&dep).unwrap();
            Some(made)
        }),
        5 => parse::<DependencyRequest>(json)
            .and_then(|b| answered(e.update_dependency(&f.dependency_id, b))),
        6 => parse::<CreateTestEventRequest>(json).and_then(|b| {
            let made = answered(e.create_test_event(urn, b))?;
            let event = s(&made, "id");
            value(&e.get_test_event(urn, &event).unwrap());
            e.delete_test_event(urn, &event).unwrap();
            Some(made)
        }),
        7 => parse::<UpdateTestEventRequest>(json)
            .and_then(|b| answered(e.update_test_event(urn, &f.event_id, b))),
        8 => parse::<UpdateTracingRequest>(json).and_then(|b| answered(e.update_tracing(urn, b))),
        9 => parse::<PublishVersionRequest>(json).and_then(|b| {
            let made = answered(e.publish_version(urn, b))?;
            let version = s(&made, "version");
            if version != "v1" {
                let version_urn = format!("{urn}:{version}");
                value(&e.get_function_config(&version_urn).unwrap());
                e.delete_function(&version_urn).unwrap();
            }
            Some(made)
        }),
        10 => parse::<CreateAliasRequest>(json).and_then(|b| {
            let made = answered(e.create_alias(urn, b))?;
            let name = s(&made, "name");
            assert_eq!(value(&e.get_alias(urn, &name).unwrap()), made);
            e.delete_alias(urn, &name).unwrap();
            Some(made)
        }),
        11 => {
            parse::<UpdateAliasRequest>(json).and_then(|b| answered(e.update_alias(urn, "prod", b)))
        }
        12 => parse::<UpdateReservedInstancesRequest>(json)
            .and_then(|b| answered(e.update_reserved_instances(urn, b))),
        13 => parse::<ImportFunctionRequest>(json).and_then(|b| {
            let made = answered(e.import_function(b))?;
            e.delete_function(s(&made, "func_urn").trim_end_matches(":latest"))
                .unwrap();
            Some(made)
        }),
        14 => parse::<CreateTriggerRequest>(json).and_then(|b| {
            let made = answered(e.create_trigger(urn, b))?;
            let (t, i) = (s(&made, "trigger_type_code"), s(&made, "trigger_id"));
            assert_eq!(value(&e.get_trigger(urn, &t, &i).unwrap()), made);
            e.delete_trigger(urn, &t, &i).unwrap();
            Some(made)
        }),
        15 => parse::<UpdateTriggerRequest>(json)
            .and_then(|b| answered(e.update_trigger(urn, ty, id, b))),
        16 => parse::<PutAsyncConfigRequest>(json).and_then(|b| {
            let made = answered(e.put_async_invoke_config(urn, b))?;
            value(&e.get_async_invoke_config(urn).unwrap());
            Some(made)
        }),
        17 => parse::<CancelAsyncInvocationRequest>(json)
            .and_then(|b| answered(e.cancel_async_invocation(urn, &b))),
        18 => parse::<ListFunctionsQuery>(json).and_then(|q| answered(e.list_functions(&q))),
        19 => parse::<ListVersionsQuery>(json).and_then(|q| answered(e.list_versions(urn, &q))),
        20 => parse::<ListAsyncInvocationsRequest>(json)
            .and_then(|q| answered(e.list_async_invocations(urn, &q))),
        21 => parse::<ListAsyncConfigsRequest>(json)
            .and_then(|q| answered(e.list_async_invoke_configs(urn, q))),
        22 => {
            parse::<TenantStatisticsQuery>(json).and_then(|q| answered(e.get_tenant_statistics(&q)))
        }
        _ => parse::<ListDependenciesQuery>(json).and_then(|q| answered(e.list_dependencies(q))),
    };
    if accepted.is_some() {
        intact(f);
    }
});
