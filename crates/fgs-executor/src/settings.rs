//! The executor-wide settings ([`ExecutorBuilder`]), each with its default. A leaf module: the
//! builder's `build` lives with the engine it builds.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use fgs_core::clock::Clock;

use crate::outcome::LOG_TAIL_BYTES;

/// Builds an [`crate::Executor`]. Every setting has a default, stated on its method.
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

    /// No ticker thread: time inside the engine moves only with [`crate::Executor::tick`] (tests).
    /// Timeouts then fire after `ceil(timeout / epoch_tick)` ticks, and the guest's remaining
    /// time counts ticks too. Default: a ticker thread, stopped when the executor is dropped.
    pub fn manual_epoch(mut self) -> Self {
        self.manual_epoch = true;
        self
    }

    /// Use the pooling allocator (default true). When the pool cannot be created the engine
    /// falls back to the on-demand allocator; [`crate::Executor::allocator`] says which is in use.
    pub fn pooling(mut self, on: bool) -> Self {
        self.pooling = on;
        self
    }

    /// Instances (and memories, tables) the pool holds at once, over all functions. Default
    /// 100. Each slot reserves virtual address space for a 4 GiB memory, not resident memory.
    /// A language runtime component instance (Python) takes one slot (its many core
    /// instances come from a reserve of 16 per slot).
    pub fn pool_instances(mut self, n: u32) -> Self {
        self.pool_instances = n.max(1);
        self
    }

    /// Bytes of each linear memory kept resident between instances (DESIGN §7: "a few MiB").
    /// Default 2 MiB. The pool reuses a free slot before it takes a never-used one, so at most
    /// this times the most instances alive at once stays resident (issue 10).
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

    /// How long an idle, unreserved instance is kept before [`crate::Executor::reclaim_idle`]
    /// drops it. Default 10 minutes.
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle_timeout = idle;
        self
    }

    /// Bytes of log kept per invocation (stdout, stderr, log calls); older bytes are dropped.
    /// Default 64 KiB.
    pub fn log_limit(mut self, bytes: usize) -> Self {
        self.log_limit = bytes.max(LOG_TAIL_BYTES);
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
}
