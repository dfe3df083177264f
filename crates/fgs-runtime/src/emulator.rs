//! The [`Emulator`] handle and its [`EmulatorBuilder`].

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use fgs_core::clock::{Clock, SystemClock};
use fgs_core::limits::Limits;
use fgs_core::random::Randomness;
use fgs_core::urn::{FunctionUrn, UrnDefaults};
use fgs_core::{ErrorKind, Result};

use crate::state::StateLock;

/// The default region id printed in URNs ([`EmulatorBuilder::region`]).
pub const DEFAULT_REGION: &str = "local-1";
/// The default project id ([`EmulatorBuilder::project_id`]).
pub const DEFAULT_PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";
/// The default domain (account) id ([`EmulatorBuilder::domain_id`]).
pub const DEFAULT_DOMAIN_ID: &str = "fgslocal";

/// A local FunctionGraph: every function, version, alias, trigger and configuration of one
/// project, managed with the platform's rules.
///
/// `Emulator` is a cheap, cloneable, thread-safe handle: clones share the same state. All
/// state lives behind it (no globals); time comes from its [`Clock`] and ids from its seeded
/// [`Randomness`].
///
/// ```
/// use fgs_runtime::Emulator;
/// let emu = Emulator::builder().seed(1).build()?;
/// assert_eq!(emu.project_id(), fgs_runtime::DEFAULT_PROJECT_ID);
/// # Ok::<(), fgs_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Emulator {
    pub(crate) inner: Arc<Inner>,
}

/// What every clone of an [`Emulator`] shares.
#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) settings: Settings,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) random: Randomness,
    pub(crate) state: StateLock,
    /// Where mutations are written (`crate::store`): in memory unless a state dir is set.
    pub(crate) store: Arc<dyn crate::store::Store>,
    /// Function metrics (seed §5.8), outside the state lock: see `crate::metrics`.
    pub(crate) metrics: crate::metrics::MetricsStore,
    /// Async requests and their records (`crate::async_invoke`).
    pub(crate) async_queue: crate::async_invoke::AsyncQueue,
    /// The executor (built on first use) and the deployed versions: see `crate::invoke`.
    pub(crate) runner: crate::invoke::Runner,
    /// Timed jobs: TIMER triggers, reserved-instance policies, deferred work
    /// (`crate::scheduler`). Declared last so that it drops last.
    pub(crate) scheduler: crate::scheduler::Scheduler,
}

/// Resolved builder settings.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) urn: UrnDefaults,
    pub(crate) domain_id: String,
    pub(crate) utc_offset: FixedOffset,
    pub(crate) limits: Limits,
}

/// Builds an [`Emulator`]. Every setting has a default, stated on its method.
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    region: String,
    project_id: String,
    domain_id: String,
    utc_offset_seconds: i32,
    clock: Option<Arc<dyn Clock>>,
    seed: Option<u64>,
    limits: Limits,
    background_scheduler: Option<bool>,
    async_queue_capacity: usize,
    destination_sink: Option<Arc<dyn crate::async_invoke::DestinationSink>>,
    exec: crate::invoke::ExecSettings,
    state_dir: Option<PathBuf>,
    snapshot: Option<PathBuf>,
    /// A store a crate test substitutes (e.g. one whose commits fail).
    #[cfg(test)]
    pub(crate) test_store: Option<Arc<dyn crate::store::Store>>,
    /// The executor shared with other projects of a [`crate::Platform`]; `None`: its own.
    pub(crate) exec_cell: Option<Arc<crate::invoke::ExecCell>>,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            region: DEFAULT_REGION.to_owned(),
            project_id: DEFAULT_PROJECT_ID.to_owned(),
            domain_id: DEFAULT_DOMAIN_ID.to_owned(),
            utc_offset_seconds: 0,
            clock: None,
            seed: None,
            limits: Limits::default(),
            background_scheduler: None,
            async_queue_capacity: crate::async_invoke::DEFAULT_ASYNC_QUEUE_CAPACITY,
            destination_sink: None,
            exec: crate::invoke::ExecSettings::default(),
            exec_cell: None,
            state_dir: None,
            snapshot: None,
            #[cfg(test)]
            test_store: None,
        }
    }
}

impl EmulatorBuilder {
    /// The region id in URNs and `project_name`. Default [`DEFAULT_REGION`].
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// The project id (`namespace`, and the project in URNs). Default [`DEFAULT_PROJECT_ID`].
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = project_id.into();
        self
    }

    /// The domain (account) id reported as `domain_id`. Default [`DEFAULT_DOMAIN_ID`].
    pub fn domain_id(mut self, domain_id: impl Into<String>) -> Self {
        self.domain_id = domain_id.into();
        self
    }

    /// The UTC offset, in seconds, of RFC 3339 timestamps and version names. Default 0 (UTC);
    /// the seed's examples use `8 * 3600`.
    pub fn utc_offset_seconds(mut self, seconds: i32) -> Self {
        self.utc_offset_seconds = seconds;
        self
    }

    /// The clock every timestamp comes from. Default [`SystemClock`]; tests pass a
    /// [`fgs_core::clock::ManualClock`].
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Seeds the random source (ids, name suffixes, alias routing). Default: seeded from the
    /// operating system.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The limits and quotas to enforce. Default [`Limits::default()`].
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Whether a background thread runs scheduler jobs (TIMER triggers, reserved-instance
    /// policies) as they fall due. Default: on for every clock but a
    /// [`fgs_core::clock::ManualClock`], which `Emulator::advance` drives instead. The thread
    /// stops when the last handle of the emulator is dropped.
    pub fn background_scheduler(mut self, on: bool) -> Self {
        self.background_scheduler = Some(on);
        self
    }

    /// The most unfinished async requests (WAIT or RUNNING) the queue holds; one more is 429
    /// FSS.0429 (seed §5.1.2). Default
    /// [`DEFAULT_ASYNC_QUEUE_CAPACITY`](crate::async_invoke::DEFAULT_ASYNC_QUEUE_CAPACITY).
    pub fn async_queue_capacity(mut self, capacity: usize) -> Self {
        self.async_queue_capacity = capacity;
        self
    }

    /// Where `OBS`, `SMN` and `DIS` async destinations are delivered. Default a
    /// [`RecordingSink`](crate::async_invoke::RecordingSink).
    pub fn destination_sink(mut self, sink: Arc<dyn crate::async_invoke::DestinationSink>) -> Self {
        self.destination_sink = Some(sink);
        self
    }

    /// No epoch ticker thread: time inside a running guest moves only with
    /// [`Emulator::advance_epoch`] (tests). Default: a ticker thread every
    /// [`EmulatorBuilder::epoch_tick`], stopped when the emulator is dropped.
    pub fn manual_epoch(mut self) -> Self {
        self.exec.manual_epoch = true;
        self
    }

    /// The epoch tick: timeouts are enforced with this precision and the CPU share works in
    /// slices of it. Default 10 ms.
    pub fn epoch_tick(mut self, tick: Duration) -> Self {
        self.exec.epoch_tick = tick;
        self
    }

    /// Enforce each function's `cpu` millicores as a CPU share of one core (§1.6.1, DESIGN
    /// §4; see `fgs_executor`'s docs for the model). Default true.
    pub fn cpu_share(mut self, on: bool) -> Self {
        self.exec.cpu_share = on;
        self
    }

    /// Wasm instances the engine's pooling allocator holds at once, over all functions
    /// (running, warm and reserved). Default 100.
    pub fn pool_instances(mut self, n: u32) -> Self {
        self.exec.pool_instances = n;
        self
    }

    /// A directory where compiled modules are kept (serialized, keyed by code digest and
    /// engine settings), so that a restart does not compile again. Default none (modules
    /// are compiled once per digest and kept in memory only).
    pub fn module_cache_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.exec.cache_dir = Some(dir.into());
        self
    }

    /// Where the language runtime components are (`python.wasm`, `node.wasm`; built by
    /// `fgs-local runtimes install`, see `fgs_lang`). Functions with a Python or Node.js
    /// runtime whose code package holds source files (`index.py`, `index.js`) run on them.
    /// Default none: such functions answer 503 FSS.0503 saying how to install the runtimes
    /// (the library reads no environment; `fgs-local` passes `$FGS_RUNTIMES_DIR` or
    /// `~/.cache/fgs-local/runtimes`, see `fgs_lang::default_runtimes_dir`). Wasm handlers
    /// never need it.
    pub fn runtimes_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.exec.runtimes_dir = Some(dir.into());
        self
    }

    /// How long an idle, unreserved instance is kept, on the emulator's clock, before the
    /// scheduler's sweep (at most a tenth of this later, between 1 s and 60 s; see
    /// `crate::scheduler`) or [`Emulator::reclaim_idle`] drops it. Default 10 minutes.
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.exec.idle_timeout = idle;
        self
    }

    /// What a sync call does when its function already runs its maximum of instances
    /// (§5.6.8). Default [`crate::OverLimit::Reject`]: 429 FSS.0429 at once. With
    /// [`crate::OverLimit::Wait`] a call waits up to the bound (wall-clock time, not the
    /// emulator's clock) for an instance to free up; a sub-function call waits at most its
    /// caller's remaining time; an async attempt never waits (it is rejected and the queue
    /// retries it a second later).
    pub fn over_limit(mut self, policy: crate::OverLimit) -> Self {
        self.exec.over_limit = policy;
        self
    }

    /// The unit the billed duration is rounded up to. Default 1 ms (per-millisecond
    /// billing).
    pub fn billing_granularity(mut self, unit: Duration) -> Self {
        self.exec.billing_granularity = unit;
        self
    }

    /// Keeps the state in `dir` (created if missing): every function with its code, versions,
    /// aliases, triggers, test events and configs, the dependencies, the LTS settings, the
    /// async queue with its records and each TIMER trigger's last fired tick, in an embedded
    /// transactional store (redb). A management call answered with success is committed
    /// before it returns; `build` restores what the directory holds. Default none: state
    /// lives in memory only. See the README's "Durable state" for the rules.
    pub fn state_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.state_dir = Some(dir.into());
        self
    }

    /// Starts from a snapshot written by [`Emulator::snapshot`]: its state is loaded (and,
    /// with a [`EmulatorBuilder::state_dir`], copied into that directory, which must hold no
    /// state yet). The snapshot itself is never changed.
    pub fn from_snapshot(mut self, dir: impl Into<PathBuf>) -> Self {
        self.snapshot = Some(dir.into());
        self
    }

    /// The state directory set so far.
    pub(crate) fn state_dir_value(&self) -> Option<&std::path::Path> {
        self.state_dir.as_deref()
    }

    /// The project id set so far.
    pub(crate) fn project_id_value(&self) -> &str {
        &self.project_id
    }

    /// The seed set so far.
    pub(crate) fn seed_value(&self) -> Option<u64> {
        self.seed
    }

    /// Validates the settings and builds the emulator. The wasm engine is not built here
    /// but on first use (an invocation, reserved instances), so an emulator that only
    /// manages functions costs nothing more.
    pub fn build(self) -> Result<Emulator> {
        let check = |what: &str, value: &str| {
            if value.is_empty() || value.contains(':') || value.chars().any(char::is_whitespace) {
                Err(ErrorKind::InvalidParameter.with(format!(
                    "{what} '{value}' must be non-empty, without ':' or spaces"
                )))
            } else {
                Ok(())
            }
        };
        check("region", &self.region)?;
        check("project id", &self.project_id)?;
        check("domain id", &self.domain_id)?;
        let utc_offset = FixedOffset::east_opt(self.utc_offset_seconds).ok_or_else(|| {
            ErrorKind::InvalidParameter.with(format!(
                "UTC offset {}s is out of range",
                self.utc_offset_seconds
            ))
        })?;
        let random = match self.seed {
            Some(seed) => Randomness::seeded(seed),
            None => Randomness::from_os(),
        };
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let background = self
            .background_scheduler
            .unwrap_or_else(|| clock.as_manual().is_none());
        let routes_seed = random.next_u64();
        let urn_defaults = UrnDefaults::new(self.region, self.project_id);
        #[allow(unused_mut)]
        let (mut store, loaded) = crate::store::open(
            self.state_dir.as_deref(),
            self.snapshot.as_deref(),
            &urn_defaults,
        )?;
        #[cfg(test)]
        if let Some(test_store) = self.test_store {
            store = test_store;
        }
        let emu = Emulator {
            inner: Arc::new(Inner {
                settings: Settings {
                    urn: urn_defaults,
                    domain_id: self.domain_id,
                    utc_offset,
                    limits: self.limits,
                },
                clock,
                random,
                state: StateLock::default(),
                store,
                metrics: crate::metrics::MetricsStore::default(),
                async_queue: crate::async_invoke::AsyncQueue::new(
                    self.async_queue_capacity,
                    self.destination_sink
                        .unwrap_or_else(|| Arc::new(crate::async_invoke::RecordingSink::new())),
                ),
                scheduler: crate::scheduler::Scheduler::new(),
                runner: crate::invoke::Runner::new(
                    self.exec,
                    self.exec_cell.unwrap_or_default(),
                    routes_seed,
                ),
            }),
        };
        if let Some(loaded) = loaded {
            emu.restore(loaded);
        }
        if background {
            crate::scheduler::start_driver(&emu);
        }
        Ok(emu)
    }
}

impl Emulator {
    /// A builder with every default.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// An emulator with every default (system clock, OS-seeded randomness).
    pub fn new() -> Self {
        // The defaults are valid by construction.
        Self::builder()
            .build()
            .expect("the default emulator settings are valid")
    }

    /// The project id this emulator serves.
    pub fn project_id(&self) -> &str {
        &self.inner.settings.urn.project_id
    }

    /// The region id in its URNs.
    pub fn region(&self) -> &str {
        &self.inner.settings.urn.region
    }

    /// The limits it enforces.
    pub fn limits(&self) -> &Limits {
        &self.inner.settings.limits
    }

    /// The clock it reads time from.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// Parses a `function_urn` in any of the seed's forms (§1.6.1) with this emulator's
    /// region and project as defaults.
    pub fn parse_urn(&self, urn: &str) -> Result<FunctionUrn> {
        FunctionUrn::parse(urn, &self.inner.settings.urn)
    }

    /// The current time.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    /// An RFC 3339 timestamp of `t` in the configured offset.
    pub(crate) fn rfc3339(&self, t: DateTime<Utc>) -> String {
        fgs_core::timefmt::rfc3339(t, self.inner.settings.utc_offset)
    }
}

impl Default for Emulator {
    fn default() -> Self {
        Self::new()
    }
}
