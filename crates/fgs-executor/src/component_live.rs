//! Instances of a language runtime component (DESIGN §3 item 3): instantiating, `load` of the
//! user's code at instance start, `initialize` once per instance under the initializer
//! timeout, `handle` per call, and how each failure maps to an [`Outcome`]. The limits are the
//! store's, as for handler modules: memory (the limiter), time (epoch deadlines), CPU share.

use std::time::Duration;

use quanta::Instant;
use wasmtime::Store;

use crate::component::{Failure, FailureKind, HandlerRuntime};
use crate::error::{Error, Result};
use crate::instance::as_init_failure;
use crate::kind::ComponentCode;
use crate::live::{Created, Live};
use crate::outcome::Outcome;
use crate::settings::ExecutorBuilder;
use crate::state::{HostState, classify};
use crate::store::StoreBuilder;

/// A live component instance with the user's code loaded.
pub(crate) struct ComponentLive {
    pub(crate) store: Store<HostState>,
    bindings: HandlerRuntime,
    /// The initializer has not run yet.
    init_pending: bool,
}

/// The log so far of a store (for a failed start).
fn drain_log(store: &Store<HostState>) -> String {
    let (bytes, _, _) = store.data().log.take(|b| b.take());
    crate::buffer::lossy(bytes)
}

/// Appends a failure's trace to the invocation log.
fn log_trace(store: &Store<HostState>, f: &Failure) {
    let trace = f.trace.trim_end();
    if !trace.is_empty() {
        store.data().log.lock().push_line(trace);
    }
}

/// The outcome of a failure the component reported.
fn failed(store: &Store<HostState>, f: Failure) -> Outcome {
    log_trace(store, &f);
    if store.data().limiter.hit {
        // A `MemoryError` (or the like) after the memory cap refused to grow.
        return Outcome::OutOfMemory {
            memory_size_mb: store.data().spec.memory_size_mb,
        };
    }
    match f.kind {
        FailureKind::MissingHandler => Outcome::MissingHandler { message: f.message },
        FailureKind::FunctionError => Outcome::FunctionError { message: f.message },
        FailureKind::LoadError => Outcome::FunctionError {
            message: format!("cannot load the function's code: {}", f.message),
        },
    }
}

/// The context JSON of the call armed on `store` (as handler modules get it).
fn context_json(store: &mut Store<HostState>) -> String {
    let state = store.data_mut();
    let remaining = state.remaining();
    let mut json = std::mem::take(&mut state.call.context_json);
    json.clear();
    state
        .context
        .write(&mut json, &state.call.request, remaining);
    let text = String::from_utf8_lossy(&json).into_owned();
    state.call.context_json = json;
    text
}

impl ComponentLive {
    /// Instantiates the runtime component and loads the user's code; a guest failure is a
    /// [`Created`] outcome, `Err` only an instantiation the host could not do.
    pub(crate) fn create(stores: &StoreBuilder, code: &ComponentCode) -> Result<Created> {
        let spec = &stores.spec;
        let log = stores.log();
        let wasi = stores.wasi(&log, &[]).build_p1();
        let mut store = stores.store(wasi, log);
        store.data_mut().files = Some(code.files.clone());
        // Loading the code is part of the initialization when the version has an
        // initializer (bounded by its timeout), else part of the first call.
        let (startup, init_failure) = match &code.init {
            Some(_) => (spec.initializer_timeout, true),
            None => (spec.timeout, false),
        };
        let as_startup = |o: Outcome| {
            if init_failure {
                as_init_failure(o, startup)
            } else {
                o
            }
        };
        store.data_mut().begin(startup, None);
        let deadline = store.data().first_deadline();
        store.set_epoch_deadline(deadline);
        let bindings = match code.pre.instantiate(&mut store) {
            Ok(b) => b,
            Err(e) => {
                let state = store.data();
                if e.downcast_ref::<wasmtime::Trap>().is_some()
                    || state.limiter.hit
                    || state.call.timed_out
                {
                    let outcome = as_startup(classify(&e, state));
                    return Ok(Created::Failed(outcome, drain_log(&store)));
                }
                return Err(Error::Instantiate {
                    function: spec.function_name.clone(),
                    message: format!("{e:#}"),
                });
            }
        };
        let loaded = bindings.call_load(&mut store, &code.handler, code.init.as_deref());
        let outcome = match loaded {
            Ok(Ok(())) => {
                return Ok(Created::Ready(Live::Component(ComponentLive {
                    store,
                    bindings,
                    init_pending: code.init.is_some(),
                })));
            }
            Ok(Err(f)) => failed(&store, f),
            Err(e) => as_startup(classify(&e, store.data())),
        };
        Ok(Created::Discarded(outcome, drain_log(&store)))
    }

    /// Runs the initializer once per instance (its context has no request id).
    pub(crate) fn initialize(
        &mut self,
        timeout: Duration,
    ) -> std::result::Result<Option<Duration>, Outcome> {
        if !self.init_pending {
            return Ok(None);
        }
        self.init_pending = false;
        self.store.data_mut().begin(timeout, None);
        let deadline = self.store.data().first_deadline();
        self.store.set_epoch_deadline(deadline);
        let context = context_json(&mut self.store);
        let t0 = Instant::now();
        let r = self.bindings.call_initialize(&mut self.store, &context);
        let took = t0.elapsed();
        match r {
            Ok(Ok(())) => Ok(Some(took)),
            Ok(Err(f)) => Err(match failed(&self.store, f) {
                Outcome::FunctionError { message } | Outcome::MissingHandler { message } => {
                    Outcome::InitializerFailed { message }
                }
                other => other,
            }),
            Err(e) => Err(as_init_failure(classify(&e, self.store.data()), timeout)),
        }
    }

    /// Calls `handle` with the event and the call's context (the call is armed by the pool).
    pub(crate) fn run(&mut self, event: &[u8], settings: &ExecutorBuilder) -> Outcome {
        let context = context_json(&mut self.store);
        let event = String::from_utf8_lossy(event);
        let r = self.bindings.call_handle(&mut self.store, &event, &context);
        match r {
            Ok(Ok(result)) if result.len() > settings.max_result_bytes => Outcome::ResultTooLarge {
                size: result.len(),
                limit: settings.max_result_bytes,
            },
            Ok(Ok(result)) => Outcome::Success(result.into_bytes()),
            Ok(Err(f)) => failed(&self.store, f),
            Err(e) => classify(&e, self.store.data()),
        }
    }
}
