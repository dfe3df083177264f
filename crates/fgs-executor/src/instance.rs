//! Handler-module instances (DESIGN §3, kind 1): resolving a version's exports once,
//! instantiating, checking the `fgs-abi` exports, running the initializer, calling the handler.

use std::time::Duration;

use quanta::Instant;
use wasmtime::{
    InstancePre, Memory, Module, ModuleExport, Store, TypedFunc, WasmParams, WasmResults,
};

use crate::error::{Error, Result};
use crate::live::{Created, Live};
use crate::outcome::Outcome;
use crate::settings::ExecutorBuilder;
use crate::state::{HostState, classify};
use crate::store::StoreBuilder;

/// The export indices a handler instance needs, resolved and type-checked once per version so
/// that creating an instance looks nothing up by name, builds no error for an absent optional
/// export, and does not take the engine's type registry to type-check each function again.
/// An export of the wrong type is treated as absent.
pub(crate) struct Exports {
    initialize: Option<ModuleExport>,
    abi_version: Option<ModuleExport>,
    memory: Option<ModuleExport>,
    alloc: Option<ModuleExport>,
    handler: Option<ModuleExport>,
    init: Option<ModuleExport>,
}

impl Exports {
    pub(crate) fn of(module: &Module, handler: &str, init: Option<&str>) -> Self {
        // A function export whose signature is `params` i32s to `results` i32s.
        let func = |name: &str, params: usize, results: usize| {
            let ok = match module.get_export(name) {
                Some(wasmtime::ExternType::Func(ty)) => {
                    ty.params().len() == params
                        && ty.results().len() == results
                        && ty.params().chain(ty.results()).all(|t| t.is_i32())
                }
                _ => false,
            };
            if ok {
                module.get_export_index(name)
            } else {
                None
            }
        };
        let memory = match module.get_export(fgs_abi::EXPORT_MEMORY) {
            Some(wasmtime::ExternType::Memory(_)) => {
                module.get_export_index(fgs_abi::EXPORT_MEMORY)
            }
            _ => None,
        };
        Exports {
            initialize: func(fgs_abi::EXPORT_INITIALIZE, 0, 0),
            abi_version: func(fgs_abi::EXPORT_ABI_VERSION, 0, 1),
            memory,
            alloc: func(fgs_abi::EXPORT_ALLOC, 1, 1),
            handler: func(handler, 2, 1),
            init: init.and_then(|name| func(name, 0, 1)),
        }
    }
}

/// The function export at `index` of `instance` as a typed function. `index` must come from
/// [`Exports::of`] for the instance's module, from the field checked for exactly `P -> R`
/// (every caller passes the field that matches its type arguments).
#[allow(unsafe_code)]
fn typed<P: WasmParams, R: WasmResults>(
    instance: &wasmtime::Instance,
    store: &mut Store<HostState>,
    index: Option<&ModuleExport>,
) -> Option<TypedFunc<P, R>> {
    let func = instance
        .get_module_export(&mut *store, index?)?
        .into_func()?;
    // SAFETY: `TypedFunc::new_unchecked` requires `func` to have the type `P -> R`. `index`
    // was resolved by `Exports::of` on the module this instance was instantiated from
    // (`Kind::Handler` keeps the `InstancePre` of that module beside its `Exports`), and only
    // when the module's export at that index has exactly those i32 parameters and results; an
    // instance's export at a module export index has the module's declared type.
    Some(unsafe { TypedFunc::new_unchecked(&*store, func) })
}

/// A live handler-module instance: its store and resolved exports. `init` is taken once it
/// ran.
pub(crate) struct ModuleLive {
    pub(crate) store: Store<HostState>,
    memory: Memory,
    alloc: TypedFunc<i32, i32>,
    handler: TypedFunc<(i32, i32), i32>,
    init: Option<TypedFunc<(), i32>>,
}

/// A failure while creating or initializing an instance, which the initializer timeout bounds.
pub(crate) fn as_init_failure(outcome: Outcome, timeout: Duration) -> Outcome {
    match outcome {
        Outcome::Timeout { .. } => Outcome::InitializerTimeout { timeout },
        Outcome::Trap { message } => Outcome::InitializerFailed { message },
        other => other,
    }
}

impl ModuleLive {
    /// Creates and links a handler-module instance (not yet initialized); a guest failure is
    /// a [`Created`] outcome, `Err` only an instantiation the host could not do. `on_worker`:
    /// created on an async worker (`crate::worker`).
    pub(crate) fn create(
        stores: &StoreBuilder,
        pre: &InstancePre<HostState>,
        export: &str,
        init: Option<&str>,
        exports: &Exports,
        on_worker: bool,
    ) -> Result<Created> {
        let spec = &stores.spec;
        let log = stores.log();
        let wasi = stores.wasi(&log, &[]).build_p1();
        let mut store = stores.store(wasi, log);
        store.data_mut().on_worker = on_worker;
        // Start-up (the module's start function) is part of the initialization when the
        // version has an initializer, bounded by its timeout; otherwise it is part of the
        // first call, bounded by the function's timeout, and fails as that call.
        let startup = if init.is_some() {
            spec.initializer_timeout
        } else {
            spec.timeout
        };
        store.data_mut().begin(startup, None);
        let deadline = store.data().first_deadline();
        store.set_epoch_deadline(deadline);
        let instance = match pre.instantiate(&mut store) {
            Ok(i) => i,
            Err(e) => {
                if e.downcast_ref::<wasmtime::Trap>().is_some()
                    || store.data().limiter.hit
                    || store.data().call.timed_out
                {
                    let outcome = classify(&e, store.data());
                    let outcome = match init {
                        Some(_) => as_init_failure(outcome, startup),
                        None => outcome,
                    };
                    return Ok(Created::Failed(outcome, String::new()));
                }
                return Err(Error::Instantiate {
                    function: spec.function_name.clone(),
                    message: format!("{e:#}"),
                });
            }
        };
        // From here on an instance exists: whatever stops its creation discards it.
        let discard = |outcome: Outcome| Ok(Created::Discarded(outcome, String::new()));
        let missing = |what: &str| {
            discard(Outcome::MissingHandler {
                message: format!("the module does not export {what} as fgs-abi requires"),
            })
        };
        if let Some(f) = typed::<(), ()>(&instance, &mut store, exports.initialize.as_ref())
            && let Err(e) = f.call(&mut store, ())
        {
            let timeout = spec.initializer_timeout;
            return discard(as_init_failure(classify(&e, store.data()), timeout));
        }
        if let Some(f) = typed::<(), i32>(&instance, &mut store, exports.abi_version.as_ref()) {
            match f.call(&mut store, ()) {
                Ok(v) if v == fgs_abi::ABI_VERSION => {}
                Ok(v) => {
                    return discard(Outcome::MissingHandler {
                        message: format!(
                            "the module was built for fgs-abi version {v}; this host speaks version {}",
                            fgs_abi::ABI_VERSION
                        ),
                    });
                }
                Err(e) => {
                    // Instance creation is bounded by the initializer timeout, as above.
                    let timeout = spec.initializer_timeout;
                    return discard(as_init_failure(classify(&e, store.data()), timeout));
                }
            }
        }
        let memory = exports
            .memory
            .as_ref()
            .and_then(|i| instance.get_module_export(&mut store, i))
            .and_then(wasmtime::Extern::into_memory);
        let Some(memory) = memory else {
            return missing("`memory`");
        };
        store.data_mut().memory = Some(memory);
        let Some(alloc) = typed::<i32, i32>(&instance, &mut store, exports.alloc.as_ref()) else {
            return missing("`fgs_alloc: (i32) -> i32`");
        };
        let Some(handler) =
            typed::<(i32, i32), i32>(&instance, &mut store, exports.handler.as_ref())
        else {
            return missing(&format!("the handler `{export}: (i32, i32) -> i32`"));
        };
        let init = match init {
            None => None,
            Some(name) => match typed::<(), i32>(&instance, &mut store, exports.init.as_ref()) {
                Some(f) => Some(f),
                None => return missing(&format!("the initializer `{name}: () -> i32`")),
            },
        };
        Ok(Created::Ready(Live::Module(ModuleLive {
            store,
            memory,
            alloc,
            handler,
            init,
        })))
    }

    /// Runs the instance's initializer if it has one and has not run it yet.
    pub(crate) fn initialize(
        &mut self,
        timeout: Duration,
    ) -> std::result::Result<Option<Duration>, Outcome> {
        let Some(init) = self.init.take() else {
            return Ok(None);
        };
        self.store.data_mut().begin(timeout, None);
        let deadline = self.store.data().first_deadline();
        self.store.set_epoch_deadline(deadline);
        let t0 = Instant::now();
        let r = init.call(&mut self.store, ());
        let took = t0.elapsed();
        let state = self.store.data();
        match r {
            Ok(fgs_abi::STATUS_OK) => Ok(Some(took)),
            Ok(status) => Err(Outcome::InitializerFailed {
                message: match &state.call.output {
                    Some(m) => String::from_utf8_lossy(m).into_owned(),
                    None => format!("initializer returned status {status}"),
                },
            }),
            Err(e) => Err(as_init_failure(classify(&e, state), timeout)),
        }
    }

    /// Calls the handler with `event` (copied into memory from `fgs_alloc`).
    fn call(&mut self, event: &[u8]) -> wasmtime::Result<i32> {
        let len = i32::try_from(event.len())
            .map_err(|_| wasmtime::format_err!("event of {} bytes is too large", event.len()))?;
        let ptr = self.alloc.call(&mut self.store, len)?;
        self.memory
            .write(&mut self.store, ptr as u32 as usize, event)
            .map_err(|_| {
                wasmtime::format_err!("fgs_alloc returned {ptr}, outside the guest's memory")
            })?;
        self.handler.call(&mut self.store, (ptr, len))
    }

    /// Runs one armed call (see [`Live::run`]) and tells how it ended.
    pub(crate) fn run(&mut self, event: &[u8], settings: &ExecutorBuilder) -> Outcome {
        let result = self.call(event);
        let output = self.store.data_mut().call.output.take();
        let state = self.store.data();
        match result {
            Ok(fgs_abi::STATUS_OK) => match state.call.oversize {
                Some(size) => Outcome::ResultTooLarge {
                    size,
                    limit: settings.max_result_bytes,
                },
                None => Outcome::Success(output.unwrap_or_default()),
            },
            Ok(status) => Outcome::FunctionError {
                message: match &output {
                    Some(m) => String::from_utf8_lossy(m).into_owned(),
                    None if status == fgs_abi::STATUS_ERROR => "handled error".into(),
                    None => format!("handler returned unknown status {status}"),
                },
            },
            Err(e) => classify(&e, state),
        }
    }
}
