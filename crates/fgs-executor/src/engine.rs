//! The [`Executor`]: one wasmtime `Engine` (pooling allocator, epoch interruption), the
//! compiled-module cache, the epoch ticker and the executor-wide settings.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

use fgs_core::clock::SystemClock;
use parking_lot::{Mutex, RwLock};
use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::component::{CompiledComponent, ComponentCache};
use crate::error::{Error, Result};
use crate::invoker::SubInvoker;
use crate::module::{CompiledModule, ModuleCache};
use crate::pool::VersionInner;
use crate::settings::ExecutorBuilder;
use crate::shared::Shared;
use crate::state::HostState;

/// Core instances the pool reserves per instance slot: a language runtime component instance
/// instantiates many core modules (python.wasm: 14).
const CORE_INSTANCES_PER_SLOT: u32 = 16;

/// Tables the pool reserves per instance slot (python.wasm: 2).
const TABLES_PER_SLOT: u32 = 2;

/// Free slots the pool keeps affine to the module that last used them before it reuses one
/// for another module. wasmtime's default (100) makes a new module take a never-used slot
/// while fewer than 100 free ones are affine, so every slot ever used keeps up to
/// `keep_resident` bytes resident: with a stream of new or redeployed modules, RSS climbed by
/// that much per module up to `pool_instances` slots (issue 10, `fgs-runtime/tests/
/// hostile_rss.rs`). With 0 the slots in use over the process's life are as many as the most
/// instances alive at once; a module still finds its own slot first while no other module
/// took it (least recently used goes first).
const MAX_UNUSED_WARM_SLOTS: u32 = 0;

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

impl ExecutorBuilder {
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
        let linker = crate::imports::linker(&engine)?;
        let in_place_linker =
            crate::worker::in_place_linker(&linker).map_err(|e| Error::Engine {
                message: format!("{e:#}"),
            })?;
        let component_linker = crate::component::linker(&engine)?;
        Ok(Executor {
            inner: Arc::new(ExecInner {
                engine,
                allocator,
                linker,
                in_place_linker,
                component_linker,
                components: ComponentCache::default(),
                stop,
                ticker: Mutex::new(ticker),
                modules: ModuleCache::new(self.cache_dir.clone()),
                versions: Mutex::new(Vec::new()),
                shared: Arc::new(Shared {
                    epoch,
                    invoker: RwLock::new(None),
                    clock,
                    next_instance: AtomicU64::new(1),
                    real_clock,
                    settings: self,
                }),
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
                // A language runtime component instance (python.wasm: 14 core instances,
                // 1 memory, 2 tables) takes several core instances and tables of one slot.
                pool.total_component_instances(self.pool_instances)
                    .total_core_instances(
                        self.pool_instances.saturating_mul(CORE_INSTANCES_PER_SLOT),
                    )
                    .total_memories(self.pool_instances)
                    .total_tables(self.pool_instances.saturating_mul(TABLES_PER_SLOT))
                    .linear_memory_keep_resident(self.keep_resident)
                    .table_keep_resident(64 << 10)
                    .max_unused_warm_slots(MAX_UNUSED_WARM_SLOTS)
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
            .field("settings", &self.inner.shared.settings)
            .finish()
    }
}

pub(crate) struct ExecInner {
    pub(crate) engine: Engine,
    pub(crate) allocator: Allocator,
    pub(crate) linker: wasmtime::Linker<HostState>,
    /// `linker` with the native `fd_write` of modules that run in place (`crate::worker`).
    pub(crate) in_place_linker: wasmtime::Linker<HostState>,
    pub(crate) component_linker: wasmtime::component::Linker<HostState>,
    components: ComponentCache,
    /// What the stores read while a guest runs (settings, epoch, clock, invoker).
    pub(crate) shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    ticker: Mutex<Option<JoinHandle<()>>>,
    modules: ModuleCache,
    pub(crate) versions: Mutex<Vec<Weak<VersionInner>>>,
}

impl ExecInner {
    /// The linkers versions are resolved with.
    pub(crate) fn linkers(&self) -> crate::kind::Linkers<'_> {
        crate::kind::Linkers {
            modules: &self.linker,
            in_place: &self.in_place_linker,
            components: &self.component_linker,
        }
    }
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
            self.inner.shared.epoch.fetch_add(1, Ordering::Release);
            self.inner.engine.increment_epoch();
        }
    }

    /// Ticks elapsed since the executor was built.
    pub fn ticks(&self) -> u64 {
        self.inner.shared.epoch_now()
    }

    /// Sets the host side of the guest's `invoke` import (seed example 4.4). Without one, a
    /// guest's `invoke` fails with "no sub-function invoker".
    pub fn set_sub_invoker(&self, invoker: Arc<dyn SubInvoker>) {
        *self.inner.shared.invoker.write() = Some(invoker);
    }

    /// Compiles a module (binary, or WebAssembly text), once per SHA-256 digest: compiling the
    /// same bytes again returns the cached module. With a cache dir the artifact is also read
    /// from / written to disk. Bytes that are not a valid module give
    /// [`Error::InvalidModule`], which the runtime reports at create/update time (FSS.1011).
    pub fn compile(&self, bytes: &[u8]) -> Result<CompiledModule> {
        self.inner.modules.get_or_compile(&self.inner.engine, bytes)
    }

    /// Loads a language runtime component (e.g. `python.wasm`, DESIGN §3 item 3), once per
    /// executor and file: compiling one takes tens of seconds, so its serialized artifact is
    /// kept beside it (`<stem>.<digest>.<engine hash>.cwasm`, written under a file lock so
    /// that concurrent processes compile it once) and later loads take milliseconds. Deploy
    /// it with [`Code::Component`](crate::Code::Component).
    pub fn load_component(&self, path: impl AsRef<std::path::Path>) -> Result<CompiledComponent> {
        self.inner
            .components
            .load(&self.inner.engine, path.as_ref())
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
