//! Deployed versions and their pools of warm instances: taking an idle instance or creating
//! one, running the call, keeping or discarding the instance, reserved instances and idle
//! reclaim (DESIGN §7).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use quanta::Instant;

use chrono::{DateTime, Utc};

use crate::buffer::{CaptureBuffer, lossy};
use crate::error::{Error, Result};
use crate::idle::IdleShards;
use crate::kind::Kind;
use crate::limit::InstanceLimit;
use crate::live::{Created, Live};
use crate::outcome::{Invocation, Outcome, billed};
use crate::spec::{Request, VersionSpec};
use crate::store::StoreBuilder;

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
    live: Live,
    reserved: bool,
    last_used: Stamp,
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
    limit: Arc<InstanceLimit>,
    stores: StoreBuilder,
    kind: Kind,
    /// Keeps the compiled module alive (the executor's module cache holds it weakly).
    _module: Option<crate::module::CompiledModule>,
    idle: IdleShards<Instance>,
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
            .field("spec", &self.inner.stores.spec)
            .field("stats", &self.stats())
            .finish()
    }
}

impl VersionInner {
    /// Creates an instance of a pooled kind and counts it; a failure comes with the log of
    /// the failed start.
    fn create(
        &self,
        reserved: bool,
        on_worker: bool,
    ) -> Result<std::result::Result<Instance, (Outcome, String)>> {
        let Some(created) = Live::create(&self.stores, &self.kind, on_worker) else {
            return Err(Error::Instantiate {
                function: self.stores.spec.function_name.clone(),
                message: "this code has no pooled instances".into(),
            });
        };
        match created? {
            Created::Failed(outcome, log) => Ok(Err((outcome, log))),
            Created::Discarded(outcome, log) => {
                self.created.fetch_add(1, Ordering::Relaxed);
                self.discarded.fetch_add(1, Ordering::Relaxed);
                Ok(Err((outcome, log)))
            }
            Created::Ready(live) => {
                self.created.fetch_add(1, Ordering::Relaxed);
                if reserved {
                    self.reserved_live.fetch_add(1, Ordering::Relaxed);
                }
                Ok(Ok(Box::new(InstanceData {
                    id: self.stores.shared.next_instance_id(),
                    live,
                    reserved,
                    last_used: self.stamp(Instant::now()),
                })))
            }
        }
    }

    /// Runs the instance's initializer if it has one and has not run it yet.
    fn initialize(&self, inst: &mut Instance) -> std::result::Result<Option<Duration>, Outcome> {
        inst.live.initialize(self.stores.spec.initializer_timeout)
    }

    fn discard(&self, inst: Instance) {
        self.discarded.fetch_add(1, Ordering::Relaxed);
        if inst.reserved {
            self.reserved_live.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// The stamp for "used now", `now` being the current `Instant`.
    fn stamp(&self, now: Instant) -> Stamp {
        if self.stores.shared.real_clock {
            Stamp::Real(now)
        } else {
            Stamp::Clock(self.stores.shared.clock.now())
        }
    }

    fn release(&self, mut inst: Instance, now: Instant) {
        inst.last_used = self.stamp(now);
        self.idle.push(inst);
    }

    pub(crate) fn reclaim_idle(&self) -> usize {
        let now = self.stores.shared.clock.now();
        let real_now = Instant::now();
        let idle_timeout = self.stores.shared.settings.idle_timeout;
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
        if !matches!(self.kind, Kind::Handler { .. } | Kind::Component(_)) {
            return Ok(0);
        }
        let mut made = 0;
        while self.reserved_live.load(Ordering::Relaxed)
            < self.reserved_target.load(Ordering::Relaxed)
        {
            let prewarm_err = |o: Outcome| Error::Prewarm {
                function: self.stores.spec.function_name.clone(),
                message: o.to_string(),
            };
            let mut inst = self.create(true, false)?.map_err(|(o, _)| prewarm_err(o))?;
            if let Err(o) = self.initialize(&mut inst) {
                self.discard(inst);
                return Err(prewarm_err(o));
            }
            inst.live.store().data().log.take(CaptureBuffer::clear);
            self.release(inst, Instant::now());
            made += 1;
        }
        Ok(made)
    }

    fn invoke(&self, req: &Request<'_>) -> Result<Invocation> {
        let on_worker = crate::worker::effective(req.on_async_worker);
        match &self.kind {
            Kind::Missing(message) => Ok(simple(Outcome::MissingHandler {
                message: message.clone(),
            })),
            // A process-like run with preview 1 I/O throughout: off the worker as a whole.
            Kind::Command { pre } => crate::worker::off_worker(on_worker, || {
                let _slot = self.limit.acquire(req.over_limit)?;
                self.created.fetch_add(1, Ordering::Relaxed);
                self.cold_starts.fetch_add(1, Ordering::Relaxed);
                crate::command::invoke(&self.stores, pre, req)
            }),
            // Preview 2 WASI waits on the runtime: off the worker as a whole.
            Kind::Component(_) => {
                crate::worker::off_worker(on_worker, || self.invoke_pooled(req, false))
            }
            Kind::Handler { in_place: true, .. } => self.invoke_pooled(req, on_worker),
            // WASI that waits on the runtime: off the worker as a whole.
            Kind::Handler { .. } => {
                crate::worker::off_worker(on_worker, || self.invoke_pooled(req, false))
            }
        }
    }

    /// Runs one invocation on a pooled instance, on the calling thread; `on_worker`: that
    /// thread is an async worker (`crate::worker`).
    fn invoke_pooled(&self, req: &Request<'_>, on_worker: bool) -> Result<Invocation> {
        let _slot = self.limit.acquire_on(req.over_limit, on_worker)?;
        let warm = self.idle.pop();
        let (mut inst, cold) = match warm {
            // Empty log: every path that returns an instance to the pool took or cleared it.
            Some(inst) => (inst, false),
            None => {
                self.cold_starts.fetch_add(1, Ordering::Relaxed);
                match self.create(false, on_worker)? {
                    Ok(inst) => (inst, true),
                    Err((outcome, log)) => return Ok(cold_failure(outcome, log)),
                }
            }
        };
        inst.live.store_mut().data_mut().on_worker = on_worker;
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
        let store = inst.live.store_mut();
        store
            .data_mut()
            .begin(self.stores.spec.call_timeout(req), Some(req));
        let deadline = store.data().first_deadline();
        store.set_epoch_deadline(deadline);
        let outcome = inst.live.run(req.event, &self.stores.shared.settings);
        let ended = Instant::now();
        let state = inst.live.store().data();
        let duration = ended.saturating_duration_since(state.call.started);
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

/// The log of the call just finished, with a trap's message appended.
fn take_log(inst: &Instance, outcome: &Outcome) -> (String, bool) {
    let log = &inst.live.store().data().log;
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

fn cold_failure(outcome: Outcome, mut log: String) -> Invocation {
    let mut inv = simple(outcome);
    inv.cold_start = true;
    log.push_str(&format!("{}\n", inv.outcome));
    inv.log = log;
    inv
}

impl Version {
    pub(crate) fn new(
        limit: Arc<InstanceLimit>,
        stores: StoreBuilder,
        kind: Kind,
        module: Option<crate::module::CompiledModule>,
    ) -> Version {
        let inner = Arc::new(VersionInner {
            limit,
            stores,
            kind,
            _module: module,
            idle: IdleShards::new(),
            reserved_target: AtomicUsize::new(0),
            reserved_live: AtomicUsize::new(0),
            created: AtomicU64::new(0),
            cold_starts: AtomicU64::new(0),
            discarded: AtomicU64::new(0),
        });
        Version { inner }
    }

    /// A weak handle for the executor's list of versions (idle reclaim).
    pub(crate) fn downgrade(&self) -> Weak<VersionInner> {
        Arc::downgrade(&self.inner)
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
        &self.inner.stores.spec
    }

    /// Whether the code is a handler module (`handler`), a language runtime component
    /// (`component`), a WASI command (`command`) or lacks its entry point (`missing`).
    pub fn kind(&self) -> &'static str {
        match self.inner.kind {
            Kind::Handler { .. } => "handler",
            Kind::Component(_) => "component",
            Kind::Command { .. } => "command",
            Kind::Missing(_) => "missing",
        }
    }
}
