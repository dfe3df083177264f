//! Deployed versions and their pools of warm instances.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use quanta::Instant;

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use wasmtime::{
    InstancePre, Memory, Module, ModuleExport, Store, TypedFunc, WasmParams, WasmResults,
};
use wasmtime_wasi::{FsPerms, HostWallClock, WasiCtxBuilder};

use crate::capture::CaptureStream;
use crate::engine::ExecInner;
use crate::error::{Error, Result};
use crate::function::{FunctionShared, Kind};
use crate::host::{CaptureBuffer, ContextTemplate, HostState, SharedBuffer, configure_store};
use crate::outcome::{Invocation, Outcome, billed};
use crate::spec::{Request, VersionSpec};
use fgs_core::shard::{Padded, home, shard_count};

/// A warm instance of a handler module, boxed so that moving it in and out of the idle lists
/// copies one pointer.
type Instance = Box<InstanceData>;

/// When an instance was last used: on the executor's clock, or, when that clock is the
/// system clock, as an `Instant` (read at the end of the call anyway, so releasing an
/// instance costs no further clock read or calendar conversion).
#[derive(Clone, Copy)]
enum Stamp {
    Clock(DateTime<Utc>),
    Real(Instant),
}

/// Aligned to its own cache lines: instances of one version are allocated one after the
/// other and then used by different threads, which write `last_used` on every call.
#[repr(align(128))]
struct InstanceData {
    id: u64,
    store: Store<HostState>,
    memory: Memory,
    alloc: TypedFunc<i32, i32>,
    handler: TypedFunc<(i32, i32), i32>,
    init: Option<TypedFunc<(), i32>>,
    reserved: bool,
    last_used: Stamp,
}

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

/// Counters of one version's pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolStats {
    /// Instances created (cold starts plus pre-warmed ones).
    pub instances_created: u64,
    /// Invocations that had to create their instance.
    pub cold_starts: u64,
    /// Instances thrown away after a trap, timeout, out-of-memory or failed initializer.
    pub discarded: u64,
    /// Warm instances waiting for a call.
    pub idle: usize,
    /// Reserved instances alive (idle or busy).
    pub reserved: usize,
}

pub(crate) struct VersionInner {
    function: Arc<FunctionShared>,
    exec: Arc<ExecInner>,
    spec: Arc<VersionSpec>,
    /// The guest's environment (`user_data` and `RUNTIME_*`), built once per version.
    env: Vec<(String, String)>,
    /// The guest context's fixed JSON, serialized once per version.
    context: Arc<ContextTemplate>,
    kind: Kind,
    idle: IdleShards,
    reserved_target: AtomicUsize,
    reserved_live: AtomicUsize,
    created: AtomicU64,
    cold_starts: AtomicU64,
    discarded: AtomicU64,
}

/// A deployed version: its spec, its linked module and its pool of warm instances. Cheap to
/// clone; the pool lives until the last clone is dropped.
#[derive(Clone)]
pub struct Version {
    inner: Arc<VersionInner>,
}

impl std::fmt::Debug for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Version")
            .field("spec", &self.inner.spec)
            .field("stats", &self.stats())
            .finish()
    }
}

/// One shard of a version's idle instances, with its length readable without the lock.
#[derive(Default)]
struct IdleShard {
    list: Mutex<ShardList>,
    len: AtomicUsize,
}

/// A shard's instances: the most recently returned one inline, in the shard's own padded
/// cache lines, and the others in a vector. A thread that returns its instance and takes it
/// again (the steady state) writes only its shard, never a heap buffer that may sit on the
/// same cache line as another shard's.
#[derive(Default)]
struct ShardList {
    top: Option<Instance>,
    rest: Vec<Instance>,
}

impl ShardList {
    fn len(&self) -> usize {
        usize::from(self.top.is_some()) + self.rest.len()
    }

    fn push(&mut self, inst: Instance) {
        if let Some(previous) = self.top.replace(inst) {
            self.rest.push(previous);
        }
    }

    fn pop(&mut self) -> Option<Instance> {
        self.top.take().or_else(|| self.rest.pop())
    }
}

impl IdleShard {
    fn pop(&self) -> Option<Instance> {
        let mut list = self.list.lock();
        let inst = list.pop();
        self.len.store(list.len(), Ordering::Relaxed);
        inst
    }
}

/// A version's idle instances, sharded per thread (DESIGN §7): a thread returns its instance
/// to its home shard and takes the next one from there, so threads invoking the same version
/// touch different locks and cache lines; a thread whose shard is empty steals from the
/// others before creating an instance.
struct IdleShards {
    shards: Box<[Padded<IdleShard>]>,
}

impl IdleShards {
    fn new() -> Self {
        IdleShards {
            shards: (0..shard_count()).map(|_| Padded::default()).collect(),
        }
    }

    fn pop(&self) -> Option<Instance> {
        let n = self.shards.len();
        let home = home(n);
        if let Some(inst) = self.shards[home].pop() {
            return Some(inst);
        }
        (1..n)
            .map(|k| &self.shards[(home + k) % n])
            .filter(|s| s.len.load(Ordering::Relaxed) > 0)
            .find_map(|s| s.pop())
    }

    fn push(&self, inst: Instance) {
        let shard = &self.shards[home(self.shards.len())];
        let mut list = shard.list.lock();
        list.push(inst);
        shard.len.store(list.len(), Ordering::Relaxed);
    }

    fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.len.load(Ordering::Relaxed))
            .sum()
    }

    /// Runs `f` on every shard's list, under that shard's lock.
    fn each<R>(&self, mut f: impl FnMut(&mut Vec<Instance>) -> R) -> Vec<R> {
        self.shards
            .iter()
            .map(|s| {
                let mut list = s.list.lock();
                let mut all = std::mem::take(&mut list.rest);
                all.extend(list.top.take());
                let r = f(&mut all);
                list.top = all.pop();
                list.rest = all;
                s.len.store(list.len(), Ordering::Relaxed);
                r
            })
            .collect()
    }
}

/// The guest's wall clock: the executor's clock (DESIGN §3).
struct GuestClock(Arc<dyn fgs_core::clock::Clock>);

impl HostWallClock for GuestClock {
    fn resolution(&self) -> Duration {
        Duration::from_millis(1)
    }

    fn now(&self) -> Duration {
        let t = self.0.now();
        Duration::new(t.timestamp().max(0) as u64, t.timestamp_subsec_nanos())
    }
}

/// A failure while creating or initializing an instance, which the initializer timeout bounds.
fn as_init_failure(outcome: Outcome, timeout: Duration) -> Outcome {
    match outcome {
        Outcome::Timeout { .. } => Outcome::InitializerTimeout { timeout },
        Outcome::Trap { message } => Outcome::InitializerFailed { message },
        other => other,
    }
}

/// How a guest call failed, before it is told apart as handler or initializer.
pub(crate) fn classify(e: &wasmtime::Error, state: &HostState) -> Outcome {
    if state.call.timed_out {
        Outcome::Timeout {
            timeout: state.call.timeout,
        }
    } else if state.limiter.hit {
        Outcome::OutOfMemory {
            memory_size_mb: state.spec.memory_size_mb,
        }
    } else {
        Outcome::Trap {
            message: trap_message(e),
        }
    }
}

fn trap_message(e: &wasmtime::Error) -> String {
    let trap = e
        .downcast_ref::<wasmtime::Trap>()
        .map(|t| t.to_string())
        .unwrap_or_else(|| format!("{e:#}"));
    match e.downcast_ref::<wasmtime::WasmBacktrace>() {
        Some(bt) => format!("{trap}\n{bt}"),
        None => trap,
    }
}

impl VersionInner {
    pub(crate) fn spec(&self) -> &VersionSpec {
        &self.spec
    }

    pub(crate) fn exec(&self) -> &ExecInner {
        &self.exec
    }

    pub(crate) fn count_command_instance(&self) {
        self.created.fetch_add(1, Ordering::Relaxed);
        self.cold_starts.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn next_instance_id(&self) -> u64 {
        self.exec.next_instance.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn wasi(
        &self,
        log: &Arc<SharedBuffer>,
        extra_env: &[(String, String)],
    ) -> WasiCtxBuilder {
        let mut b = WasiCtxBuilder::new();
        b.stdout(CaptureStream(log.clone()))
            .stderr(CaptureStream(log.clone()))
            .args(&[self.spec.function_name.as_str()])
            .envs(&self.env)
            .envs(extra_env)
            .wall_clock(GuestClock(self.exec.clock.clone()));
        if let Some(dir) = &self.spec.deps_dir
            && let Err(e) = b.preopened_dir(dir, fgs_abi::DEPS_DIR, FsPerms::ReadOnly)
        {
            log.lock().push_line(&format!(
                "dependency directory {} unavailable: {e:#}",
                dir.display()
            ));
        }
        b
    }

    pub(crate) fn new_store(
        &self,
        wasi: wasmtime_wasi::p1::WasiP1Ctx,
        log: Arc<SharedBuffer>,
    ) -> Store<HostState> {
        let state = HostState::new(
            wasi,
            log,
            self.spec.clone(),
            self.context.clone(),
            self.exec.clone(),
        );
        let mut store = Store::new(&self.exec.engine, state);
        configure_store(&mut store);
        store
    }

    /// Creates and links a handler-module instance (not yet initialized). `Ok(Err(outcome))`
    /// when the guest failed during instantiation.
    fn create(
        &self,
        pre: &InstancePre<HostState>,
        export: &str,
        init: Option<&str>,
        exports: &Exports,
        reserved: bool,
    ) -> Result<std::result::Result<Instance, Outcome>> {
        let log = Arc::new(SharedBuffer::new(CaptureBuffer::log(
            self.exec.settings.log_limit,
        )));
        let wasi = self.wasi(&log, &[]).build_p1();
        let mut store = self.new_store(wasi, log);
        // Start-up (the module's start function) is part of the initialization when the
        // version has an initializer, bounded by its timeout; otherwise it is part of the
        // first call, bounded by the function's timeout, and fails as that call.
        let startup = if init.is_some() {
            self.spec.initializer_timeout
        } else {
            self.spec.timeout
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
                    return Ok(Err(match init {
                        Some(_) => as_init_failure(outcome, startup),
                        None => outcome,
                    }));
                }
                return Err(Error::Instantiate {
                    function: self.spec.function_name.clone(),
                    message: format!("{e:#}"),
                });
            }
        };
        self.created.fetch_add(1, Ordering::Relaxed);
        // From here on an instance exists: whatever stops its creation discards it.
        let discard = |outcome: Outcome| {
            self.discarded.fetch_add(1, Ordering::Relaxed);
            Ok(Err(outcome))
        };
        let missing = |what: &str| {
            discard(Outcome::MissingHandler {
                message: format!("the module does not export {what} as fgs-abi requires"),
            })
        };
        if let Some(f) = typed::<(), ()>(&instance, &mut store, exports.initialize.as_ref())
            && let Err(e) = f.call(&mut store, ())
        {
            let timeout = self.spec.initializer_timeout;
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
                    let timeout = self.spec.initializer_timeout;
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
        if reserved {
            self.reserved_live.fetch_add(1, Ordering::Relaxed);
        }
        Ok(Ok(Box::new(InstanceData {
            id: self.exec.next_instance.fetch_add(1, Ordering::Relaxed),
            store,
            memory,
            alloc,
            handler,
            init,
            reserved,
            last_used: self.stamp(Instant::now()),
        })))
    }

    /// Runs the instance's initializer if it has one and has not run it yet.
    fn initialize(&self, inst: &mut Instance) -> std::result::Result<Option<Duration>, Outcome> {
        let Some(init) = inst.init.take() else {
            return Ok(None);
        };
        let timeout = self.spec.initializer_timeout;
        inst.store.data_mut().begin(timeout, None);
        let deadline = inst.store.data().first_deadline();
        inst.store.set_epoch_deadline(deadline);
        let t0 = Instant::now();
        let r = init.call(&mut inst.store, ());
        let took = t0.elapsed();
        let state = inst.store.data();
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

    fn discard(&self, inst: Instance) {
        self.discarded.fetch_add(1, Ordering::Relaxed);
        if inst.reserved {
            self.reserved_live.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// The stamp for "used now", `now` being the current `Instant`.
    fn stamp(&self, now: Instant) -> Stamp {
        if self.exec.real_clock {
            Stamp::Real(now)
        } else {
            Stamp::Clock(self.exec.clock.now())
        }
    }

    fn release(&self, mut inst: Instance, now: Instant) {
        inst.last_used = self.stamp(now);
        self.idle.push(inst);
    }

    pub(crate) fn reclaim_idle(&self) -> usize {
        let now = self.exec.clock.now();
        let real_now = Instant::now();
        let idle_timeout = self.exec.settings.idle_timeout;
        let expired = |i: &Instance| {
            !i.reserved
                && match i.last_used {
                    Stamp::Clock(t) => now
                        .signed_duration_since(t)
                        .to_std()
                        .is_ok_and(|d| d >= idle_timeout),
                    Stamp::Real(t) => real_now.saturating_duration_since(t) >= idle_timeout,
                }
        };
        // Dropped after the shard locks are released (dropping a store frees its slot).
        let mut dropped: Vec<Instance> = Vec::new();
        self.idle
            .each(|idle| dropped.extend(idle.extract_if(.., |i| expired(i))));
        let n = dropped.len();
        drop(dropped);
        if let Err(e) = self.top_up_reserved() {
            tracing::warn!(error = %e, "cannot top up reserved instances");
        }
        n
    }

    fn top_up_reserved(&self) -> Result<usize> {
        let Kind::Handler {
            pre,
            export,
            init,
            exports,
        } = &self.kind
        else {
            return Ok(0);
        };
        let mut made = 0;
        while self.reserved_live.load(Ordering::Relaxed)
            < self.reserved_target.load(Ordering::Relaxed)
        {
            let prewarm_err = |o: Outcome| Error::Prewarm {
                function: self.spec.function_name.clone(),
                message: o.to_string(),
            };
            let mut inst = self
                .create(pre, export, init.as_deref(), exports, true)?
                .map_err(prewarm_err)?;
            if let Err(o) = self.initialize(&mut inst) {
                self.discard(inst);
                return Err(prewarm_err(o));
            }
            inst.store.data().log.take(CaptureBuffer::clear);
            self.release(inst, Instant::now());
            made += 1;
        }
        Ok(made)
    }

    fn invoke(&self, req: &Request<'_>) -> Result<Invocation> {
        let (pre, export, init, exports) = match &self.kind {
            Kind::Missing(message) => {
                return Ok(simple(Outcome::MissingHandler {
                    message: message.clone(),
                }));
            }
            Kind::Command { pre } => {
                let _slot = self.function.acquire(req.over_limit)?;
                return crate::command::invoke(self, pre, req);
            }
            Kind::Handler {
                pre,
                export,
                init,
                exports,
            } => (pre, export, init, exports),
        };
        let _slot = self.function.acquire(req.over_limit)?;
        let warm = self.idle.pop();
        let (mut inst, cold) = match warm {
            // Empty log: every path that returns an instance to the pool took or cleared it.
            Some(inst) => (inst, false),
            None => {
                self.cold_starts.fetch_add(1, Ordering::Relaxed);
                match self.create(pre, export, init.as_deref(), exports, false)? {
                    Ok(inst) => (inst, true),
                    Err(outcome) => return Ok(cold_failure(outcome)),
                }
            }
        };
        let init_duration = match self.initialize(&mut inst) {
            Ok(d) => d,
            Err(outcome) => {
                let (log, log_truncated) = take_log(&inst, &outcome);
                let mut inv = simple(outcome);
                inv.cold_start = cold;
                inv.log = log;
                inv.log_truncated = log_truncated;
                inv.instance_id = inst.id;
                self.discard(inst);
                return Ok(inv);
            }
        };
        inst.store
            .data_mut()
            .begin(self.spec.call_timeout(req), Some(req));
        let deadline = inst.store.data().first_deadline();
        inst.store.set_epoch_deadline(deadline);
        let result = call_handler(&mut inst, req.event);
        let ended = Instant::now();
        let duration = ended.saturating_duration_since(inst.store.data().call.started);
        let output = inst.store.data_mut().call.output.take();
        let state = inst.store.data();
        let outcome = match result {
            Ok(fgs_abi::STATUS_OK) => match state.call.oversize {
                Some(size) => Outcome::ResultTooLarge {
                    size,
                    limit: self.exec.settings.max_result_bytes,
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
        };
        let (log, log_truncated) = take_log(&inst, &outcome);
        let inv = Invocation {
            duration,
            billed_duration: billed(duration),
            max_memory_bytes: state.limiter.used,
            log,
            log_truncated,
            cold_start: cold,
            init_duration,
            instance_id: inst.id,
            outcome,
        };
        if inv.outcome.keeps_instance() {
            self.release(inst, ended);
        } else {
            self.discard(inst);
        }
        Ok(inv)
    }
}

fn call_handler(inst: &mut Instance, event: &[u8]) -> wasmtime::Result<i32> {
    let len = i32::try_from(event.len())
        .map_err(|_| wasmtime::format_err!("event of {} bytes is too large", event.len()))?;
    let ptr = inst.alloc.call(&mut inst.store, len)?;
    inst.memory
        .write(&mut inst.store, ptr as u32 as usize, event)
        .map_err(|_| {
            wasmtime::format_err!("fgs_alloc returned {ptr}, outside the guest's memory")
        })?;
    inst.handler.call(&mut inst.store, (ptr, len))
}

/// The log of the call just finished, with a trap's message appended.
fn take_log(inst: &Instance, outcome: &Outcome) -> (String, bool) {
    let log = &inst.store.data().log;
    let keeps = outcome.keeps_instance();
    if keeps && log.untouched() {
        return (String::new(), false);
    }
    let (bytes, truncated, _) = log.take(|buf| {
        if !keeps {
            buf.push_line(&outcome.to_string());
        }
        buf.take()
    });
    (lossy(bytes), truncated)
}

/// Bytes as text, copying only when they are not valid UTF-8.
pub(crate) fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn simple(outcome: Outcome) -> Invocation {
    Invocation {
        outcome,
        duration: Duration::ZERO,
        billed_duration: Duration::ZERO,
        max_memory_bytes: 0,
        log: String::new(),
        log_truncated: false,
        cold_start: false,
        init_duration: None,
        instance_id: 0,
    }
}

fn cold_failure(outcome: Outcome) -> Invocation {
    let mut inv = simple(outcome);
    inv.cold_start = true;
    inv.log = format!("{}\n", inv.outcome);
    inv
}

impl Version {
    pub(crate) fn new(
        function: Arc<FunctionShared>,
        exec: Arc<ExecInner>,
        spec: VersionSpec,
        kind: Kind,
    ) -> Version {
        let inner = Arc::new(VersionInner {
            function,
            exec: exec.clone(),
            env: spec.env(),
            context: Arc::new(ContextTemplate::of(&spec)),
            spec: Arc::new(spec),
            kind,
            idle: IdleShards::new(),
            reserved_target: AtomicUsize::new(0),
            reserved_live: AtomicUsize::new(0),
            created: AtomicU64::new(0),
            cold_starts: AtomicU64::new(0),
            discarded: AtomicU64::new(0),
        });
        exec.versions.lock().push(Arc::downgrade(&inner));
        Version { inner }
    }

    /// Runs one invocation. Guest behaviour (traps, timeouts, OOM, handled errors) is in the
    /// returned [`Invocation`]'s outcome; `Err` only for a rejected call
    /// ([`Error::TooManyInstances`]) or an instance that could not be created.
    pub fn invoke(&self, req: &Request<'_>) -> Result<Invocation> {
        self.inner.invoke(req)
    }

    /// Keeps `n` reserved instances (§5.10): creates them now, initializer included, so the
    /// next `n` concurrent invocations are warm; reserved instances are never reclaimed when
    /// idle, and [`crate::Executor::reclaim_idle`] replaces one that was discarded. Returns how many
    /// were created. Lowering `n` un-reserves nothing already running (they age out normally
    /// once unreserved instances are no longer needed).
    pub fn set_reserved(&self, n: usize) -> Result<usize> {
        self.inner.reserved_target.store(n, Ordering::Relaxed);
        if n < self.inner.reserved_live.load(Ordering::Relaxed) {
            let mut extra = self.inner.reserved_live.load(Ordering::Relaxed) - n;
            self.inner.idle.each(|idle| {
                for inst in idle.iter_mut().filter(|i| i.reserved) {
                    if extra == 0 {
                        break;
                    }
                    inst.reserved = false;
                    self.inner.reserved_live.fetch_sub(1, Ordering::Relaxed);
                    extra -= 1;
                }
            });
        }
        self.inner.top_up_reserved()
    }

    /// Drops this version's idle, unreserved instances unused for the idle timeout; see
    /// [`crate::Executor::reclaim_idle`].
    pub fn reclaim_idle(&self) -> usize {
        self.inner.reclaim_idle()
    }

    /// The pool's counters.
    pub fn stats(&self) -> PoolStats {
        let i = &self.inner;
        PoolStats {
            instances_created: i.created.load(Ordering::Relaxed),
            cold_starts: i.cold_starts.load(Ordering::Relaxed),
            discarded: i.discarded.load(Ordering::Relaxed),
            idle: i.idle.len(),
            reserved: i.reserved_live.load(Ordering::Relaxed),
        }
    }

    /// The spec it was deployed with.
    pub fn spec(&self) -> &VersionSpec {
        &self.inner.spec
    }

    /// Whether the code is a handler module (`handler`), a WASI command (`command`) or lacks
    /// its entry point (`missing`).
    pub fn kind(&self) -> &'static str {
        match self.inner.kind {
            Kind::Handler { .. } => "handler",
            Kind::Command { .. } => "command",
            Kind::Missing(_) => "missing",
        }
    }
}
