//! What every store of an executor reads while a guest runs: the settings, the epoch count
//! (time inside the engine), the clock and the sub-function invoker. The engine owns it; the
//! stores hold it, so they never reach back into the engine.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use fgs_core::clock::Clock;
use parking_lot::RwLock;

use crate::invoker::SubInvoker;
use crate::settings::ExecutorBuilder;

pub(crate) struct Shared {
    pub(crate) settings: ExecutorBuilder,
    /// Epoch ticks since the executor was built (the engine's epoch, readable).
    pub(crate) epoch: Arc<AtomicU64>,
    pub(crate) invoker: RwLock<Option<Arc<dyn SubInvoker>>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) next_instance: AtomicU64,
    /// The clock is the system clock (the default, or `fgs_core`'s `SystemClock` passed in,
    /// recognized by its `Debug` name): idle times can then be measured with `Instant`s.
    pub(crate) real_clock: bool,
}

impl Shared {
    pub(crate) fn epoch_now(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    pub(crate) fn manual(&self) -> bool {
        self.settings.manual_epoch
    }

    pub(crate) fn tick_len(&self) -> Duration {
        self.settings.epoch_tick
    }

    /// A new instance id, unique in the executor.
    pub(crate) fn next_instance_id(&self) -> u64 {
        self.next_instance.fetch_add(1, Ordering::Relaxed)
    }
}
