//! The [`Executor`]: one wasmtime `Engine` (pooling allocator, epoch interruption), the
//! compiled-module cache, the epoch ticker and the executor-wide settings.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

use fgs_core::clock::{Clock, SystemClock};
use parking_lot::{Mutex, RwLock};
use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::error::{Error, Result};
use crate::function::Function;
use crate::host::SubInvoker;
use crate::module::CompiledModule;
use crate::pool::VersionInner;

/// Which instance allocator the engine ended up with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allocator {
    /// The tuned pooling allocator, with the `PAGEMAP_SCAN` ioctl (Linux 6.7+).
    PoolingPagemap,
    /// The tuned pooling allocator without `PAGEMAP_SCAN`.
    Pooling,
    /// The on-demand allocator (pooling disabled, or the pool could not be created).
    OnDemand,
}

/// Builds an [`Executor`]. Every setting has a default, stated on its method.
///
/// ```
/// use std::time::Duration;
/// let executor = fgs_executor::Executor::builder()
///     .manual_epoch()
///     .pool_instances(8)
///     .build()?;
/// executor.tick(1); // tests move time by hand
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ExecutorBuilder {
    pub(crate) epoch_tick: Duration,
    pub(crate) manual_epoch: bool,
    pub(crate) pooling: bool,
    pub(crate) pool_instances: u32,
    pub(crate) keep_resident: usize,
    pub(crate) cache_dir: Option<PathBuf>,
    pub(crate) clock: Option<Arc<dyn Clock>>,
    pub(crate) idle_timeout: Duration,
    pub(crate) log_limit: usize,
    pub(crate) max_result_bytes: usize,
    pub(crate) cpu_share: bool,
}

impl Default for ExecutorBuilder {
    fn default() -> Self {
        ExecutorBuilder {
            epoch_tick: Duration::from_millis(10),
            manual_epoch: false,
            pooling: true,
            pool_instances: 100,
            keep_resident: 2 << 20,
            cache_dir: None,
            clock: None,
            idle_timeout: Duration::from_secs(600),
            log_limit: 64 << 10,
            max_result_bytes: 6 << 20,
            cpu_share: true,
        }
    }
}

impl ExecutorBuilder {
    /// The epoch tick: timeouts are enforced with this precision and CPU-share throttling
    /// works in slices of this length. Default 10 ms.
    pub fn epoch_tick(mut self, tick: Duration) -> Self {
        self.epoch_tick = tick.max(Duration::from_micros(100));
        self
    }

    /// No ticker thread: time inside the engine moves only with [`Executor::tick`] (tests).
    /// Timeouts then fire after `ceil(timeout / epoch_tick)` ticks, and the guest's remaining
    /// time counts ticks too. Default: a ticker thread, stopped when the executor is dropped.
    pub fn manual_epoch(mut self) -> Self {
        self.manual_epoch = true;
        self
    }

    /// Use the pooling allocator (default true). When the pool cannot be created the engine
    /// falls back to the on-demand allocator; [`Executor::allocator`] says which is in use.
    pub fn pooling(mut self, on: bool) -> Self {
        self.pooling = on;
        self
    }

    /// Instances (and memories, tables) the pool holds at once, over all functions. Default
    /// 100. Each slot reserves virtual address space for a 4 GiB memory, not resident memory.
    pub fn pool_instances(mut self, n: u32) -> Self {
        self.pool_instances = n.max(1);
        self
    }

    /// Bytes of each linear memory kept resident between instances (DESIGN §7: "a few MiB").
    /// Default 2 MiB.
    pub fn keep_resident(mut self, bytes: usize) -> Self {
        self.keep_resident = bytes;
        self
    }

    /// A directory for serialized compiled modules, keyed by code digest and engine settings,
    /// so a restart does not compile again. Default none (in-memory cache only).
    pub fn cache_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cache_dir = Some(dir.into());
        self
    }

    /// The clock for idle-instance reclaim and the guest's wall clock. Default the system
    /// clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// How long an idle, unreserved instance is kept before [`Executor::reclaim_idle`]
    /// drops it. Default 10 minutes.
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle_timeout = idle;
        self
    }

    /// Bytes of log kept per invocation (stdout, stderr, log calls); older bytes are dropped.
    /// Default 64 KiB.
    pub fn log_limit(mut self, bytes: usize) -> Self {
        self.log_limit = bytes.max(crate::outcome::LOG_TAIL_BYTES);
        self
    }

    /// The largest result a handler may return. Default 6 MiB (the platform's sync response
    /// limit).
    pub fn max_result_bytes(mut self, bytes: usize) -> Self {
        self.max_result_bytes = bytes;
        self
    }

    /// Enforce each function's `cpu` millicores as a CPU share (default true). See
    /// [`crate`] docs for the model.
    pub fn cpu_share(mut self, on: bool) -> Self {
        self.cpu_share = on;
        self
    }

    /// Builds the engine (falling back from the tuned pool to on-demand allocation if needed)
    /// and starts the ticker unless manual.
    pub fn build(self) -> Result<Executor> {
        let (engine, allocator) = self.engine()?;
        let epoch = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let ticker = if self.manual_epoch {
            None
        } else {
            Some(spawn_ticker(
                engine.clone(),
                epoch.clone(),
                stop.clone(),
                self.epoch_tick,
            )?)
        };
        if let Some(dir) = &self.cache_dir {
            std::fs::create_dir_all(dir).map_err(|source| Error::Cache {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let real_clock = self
            .clock
            .as_ref()
            .is_none_or(|c| format!("{c:?}") == format!("{SystemClock:?}"));
        let clock = self.clock.clone().unwrap_or_else(|| Arc::new(SystemClock));
        let linker = crate::host::linker(&engine)?;
        Ok(Executor {
            inner: Arc::new(ExecInner {
                engine,
                allocator,
                linker,
                epoch,
                stop,
                ticker: Mutex::new(ticker),
                modules: Mutex::new(HashMap::new()),
                versions: Mutex::new(Vec::new()),
                invoker: RwLock::new(None),
                clock,
                next_instance: AtomicU64::new(1),
                real_clock,
                settings: self,
            }),
        })
    }

    fn engine(&self) -> Result<(Engine, Allocator)> {
        let base = || {
            let mut config = Config::new();
            config.epoch_interruption(true);
            config
        };
        if self.pooling {
            for pagemap in [true, false] {
                let mut config = base();
                let mut pool = PoolingAllocationConfig::new();
                pool.total_core_instances(self.pool_instances)
                    .total_memories(self.pool_instances)
                    .total_tables(self.pool_instances)
                    .linear_memory_keep_resident(self.keep_resident)
                    .table_keep_resident(64 << 10)
                    .pagemap_scan(if pagemap { Enabled::Yes } else { Enabled::No });
                config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
                match Engine::new(&config) {
                    Ok(engine) => {
                        let kind = if pagemap {
                            Allocator::PoolingPagemap
                        } else {
                            Allocator::Pooling
                        };
                        return Ok((engine, kind));
                    }
                    Err(e) => {
                        tracing::warn!(pagemap, error = %e, "pooling allocator unavailable");
                    }
                }
            }
        }
        Engine::new(&base())
            .map(|e| (e, Allocator::OnDemand))
            .map_err(|e| Error::Engine {
                message: format!("{e:#}"),
            })
    }
}

fn spawn_ticker(
    engine: Engine,
    epoch: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    tick: Duration,
) -> Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("fgs-epoch-ticker".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::park_timeout(tick);
                epoch.fetch_add(1, Ordering::Release);
                engine.increment_epoch();
            }
        })
        .map_err(|e| Error::Engine {
            message: format!("cannot start the epoch ticker: {e}"),
        })
}

/// Runs function code: compiles modules, deploys versions, and owns the epoch ticker (stopped
/// when the last clone is dropped). Cheap to clone.
#[derive(Clone)]
pub struct Executor {
    pub(crate) inner: Arc<ExecInner>,
}

impl std::fmt::Debug for Executor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Executor")
            .field("allocator", &self.inner.allocator)
            .field("settings", &self.inner.settings)
            .finish()
    }
}

pub(crate) struct ExecInner {
    pub(crate) engine: Engine,
    pub(crate) allocator: Allocator,
    pub(crate) linker: wasmtime::Linker<crate::host::HostState>,
    pub(crate) epoch: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    ticker: Mutex<Option<JoinHandle<()>>>,
    pub(crate) modules: Mutex<HashMap<String, CompiledModule>>,
    pub(crate) versions: Mutex<Vec<Weak<VersionInner>>>,
    pub(crate) invoker: RwLock<Option<Arc<dyn SubInvoker>>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) next_instance: AtomicU64,
    /// The clock is the system clock (the default, or `fgs_core`'s `SystemClock` passed in,
    /// recognized by its `Debug` name): idle times can then be measured with `Instant`s.
    pub(crate) real_clock: bool,
    pub(crate) settings: ExecutorBuilder,
}

impl Drop for ExecInner {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(handle) = self.ticker.lock().take() {
            handle.thread().unpark();
            let _ = handle.join();
        }
    }
}

impl ExecInner {
    pub(crate) fn epoch_now(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    pub(crate) fn manual(&self) -> bool {
        self.settings.manual_epoch
    }

    pub(crate) fn tick_len(&self) -> Duration {
        self.settings.epoch_tick
    }
}

impl Executor {
    /// A builder with every default.
    pub fn builder() -> ExecutorBuilder {
        ExecutorBuilder::default()
    }

    /// An executor with every default (ticker thread, tuned pool).
    pub fn new() -> Result<Executor> {
        ExecutorBuilder::default().build()
    }

    /// The allocator the engine uses (the tuned pool, or the on-demand fallback).
    pub fn allocator(&self) -> Allocator {
        self.inner.allocator
    }

    /// The wasmtime engine (for embedders that need it, e.g. benches comparing raw calls).
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Moves time inside the engine by `n` epoch ticks (each [`ExecutorBuilder::epoch_tick`]
    /// long). Meant for executors built with [`ExecutorBuilder::manual_epoch`]; with the
    /// ticker thread it adds ticks on top of it.
    pub fn tick(&self, n: u64) {
        for _ in 0..n {
            self.inner.epoch.fetch_add(1, Ordering::Release);
            self.inner.engine.increment_epoch();
        }
    }

    /// Ticks elapsed since the executor was built.
    pub fn ticks(&self) -> u64 {
        self.inner.epoch_now()
    }

    /// Sets the host side of the guest's `invoke` import (seed example 4.4). Without one, a
    /// guest's `invoke` fails with "no sub-function invoker".
    pub fn set_sub_invoker(&self, invoker: Arc<dyn SubInvoker>) {
        *self.inner.invoker.write() = Some(invoker);
    }

    /// A new concurrency domain for one function: its versions share its max-instance limit.
    pub fn function(&self, name: impl Into<String>) -> Function {
        Function::new(self.clone(), name.into())
    }

    /// Drops every idle, unreserved instance that has not been used for the idle timeout (by
    /// the executor's clock), in every deployed version, and tops reserved instances back up.
    /// Returns how many instances were dropped. The runtime calls it from its scheduler.
    pub fn reclaim_idle(&self) -> usize {
        let versions: Vec<Arc<VersionInner>> = {
            let mut list = self.inner.versions.lock();
            list.retain(|w| w.strong_count() > 0);
            list.iter().filter_map(Weak::upgrade).collect()
        };
        versions.iter().map(|v| v.reclaim_idle()).sum()
    }
}
