//! The data of every store: the call in progress (timeout, CPU share, request), the memory
//! limiter (`memory_size`, §1.6.1), the log, and the epoch callback that enforces the timeout
//! and the CPU share (DESIGN §3).

use std::sync::Arc;
use std::time::Duration;

// Call timing reads the TSC (quanta: ~10 ns) rather than the vDSO clock (~20-25 ns on the
// VMs we measure on); a warm call reads it twice.
use quanta::Instant;

use wasmtime::{ResourceLimiter, UpdateDeadline};
use wasmtime_wasi::p1::WasiP1Ctx;

use crate::buffer::SharedBuffer;
use crate::context::{ContextTemplate, RequestInfo, context_of};
use crate::outcome::Outcome;
use crate::shared::Shared;
use crate::spec::{Request, VersionSpec};

/// Bytes counted per table element against the memory cap (a pointer-sized slot).
pub(crate) const TABLE_ELEMENT_BYTES: u64 = 8;

/// The state of the call in progress on a store.
pub(crate) struct CallState {
    pub(crate) output: Option<Vec<u8>>,
    pub(crate) oversize: Option<usize>,
    pub(crate) started: Instant,
    pub(crate) start_epoch: u64,
    pub(crate) timeout: Duration,
    pub(crate) timeout_ticks: u64,
    pub(crate) timed_out: bool,
    pub(crate) cpu_share: Option<f64>,
    pub(crate) resumed_at: Instant,
    pub(crate) request: RequestInfo,
    pub(crate) invoke_response: Vec<u8>,
    /// The context JSON of this call, serialized on the guest's first `context` call and kept
    /// (buffer reused across calls) while the guest has not read all of it.
    pub(crate) context_json: Vec<u8>,
    pub(crate) context_pending: bool,
    /// How many times the call stepped off its worker (`crate::worker::step_aside`).
    pub(crate) step_asides: u8,
}

impl CallState {
    fn new() -> Self {
        let now = Instant::now();
        CallState {
            output: None,
            oversize: None,
            started: now,
            start_epoch: 0,
            timeout: Duration::MAX,
            timeout_ticks: u64::MAX,
            timed_out: false,
            cpu_share: None,
            resumed_at: now,
            request: RequestInfo::default(),
            invoke_response: Vec::new(),
            context_json: Vec::new(),
            context_pending: false,
            step_asides: 0,
        }
    }
}

/// Caps linear memories and tables of one store together at the function's `memory_size`.
pub(crate) struct MemoryLimiter {
    pub(crate) cap: u64,
    pub(crate) used: u64,
    pub(crate) hit: bool,
}

impl MemoryLimiter {
    fn grow(&mut self, current: u64, desired: u64) -> bool {
        let next = self.used + desired.saturating_sub(current);
        if next > self.cap {
            self.hit = true;
            return false;
        }
        self.used = next;
        true
    }
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(self.grow(current as u64, desired as u64))
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(self.grow(
            current as u64 * TABLE_ELEMENT_BYTES,
            desired as u64 * TABLE_ELEMENT_BYTES,
        ))
    }
}

/// The data of every store the executor creates. Aligned to 128 bytes, which aligns the
/// store's whole allocation: stores used by different threads then never share a cache line
/// at their edges (each call writes the store's hot fields and this state).
#[repr(align(128))]
pub(crate) struct HostState {
    pub(crate) wasi: WasiP1Ctx,
    pub(crate) limiter: MemoryLimiter,
    pub(crate) log: Arc<SharedBuffer>,
    pub(crate) call: CallState,
    pub(crate) spec: Arc<VersionSpec>,
    /// The version's context JSON pieces.
    pub(crate) context: Arc<ContextTemplate>,
    pub(crate) shared: Arc<Shared>,
    /// The guest's `memory` export, cached once the instance exists.
    pub(crate) memory: Option<wasmtime::Memory>,
    /// The code package a runtime component reads through `read-file` (components only).
    pub(crate) files: Option<Arc<dyn crate::component::PackageFiles>>,
    /// The instance runs on an async server's worker thread (`crate::worker`): blocking
    /// host work steps off the worker. Set by the pool before each use of the instance.
    pub(crate) on_worker: bool,
}

impl HostState {
    pub(crate) fn new(
        wasi: WasiP1Ctx,
        log: Arc<SharedBuffer>,
        spec: Arc<VersionSpec>,
        context: Arc<ContextTemplate>,
        shared: Arc<Shared>,
    ) -> Self {
        HostState {
            wasi,
            limiter: MemoryLimiter {
                cap: u64::from(spec.memory_size_mb) << 20,
                used: 0,
                hit: false,
            },
            log,
            call: CallState::new(),
            spec,
            context,
            shared,
            memory: None,
            files: None,
            on_worker: false,
        }
    }

    /// Arms the call state for one call (handler, initializer or `_start`).
    pub(crate) fn begin(&mut self, timeout: Duration, request: Option<&Request<'_>>) {
        let exec = &*self.shared;
        let now = Instant::now();
        let c = &mut self.call;
        // The tick count only changes with the timeout (handler vs initializer): no 128-bit
        // division on a warm call.
        if timeout != c.timeout || c.timeout_ticks == u64::MAX {
            let tick = exec.tick_len().as_nanos().max(1);
            c.timeout_ticks = timeout.as_nanos().div_ceil(tick).max(1) as u64;
        }
        c.output = None;
        c.oversize = None;
        c.started = now;
        c.resumed_at = now;
        c.start_epoch = exec.epoch_now();
        c.timeout = timeout;
        c.timed_out = false;
        c.cpu_share = if exec.settings.cpu_share {
            cpu_share(self.spec.cpu_millicores)
        } else {
            None
        };
        c.context_pending = false;
        c.step_asides = 0;
        if let Some(r) = request {
            c.request.set(r);
        }
        self.limiter.hit = false;
    }

    /// The epoch deadline to set before entering the guest.
    pub(crate) fn first_deadline(&self) -> u64 {
        // On a worker the first tick steps aside (`crate::worker`).
        if self.call.cpu_share.is_some() || self.on_worker {
            1
        } else {
            self.call.timeout_ticks
        }
    }

    pub(crate) fn remaining(&self) -> Duration {
        let c = &self.call;
        if self.shared.manual() {
            let ticks = self.shared.epoch_now().saturating_sub(c.start_epoch);
            let used = self
                .shared
                .tick_len()
                .saturating_mul(ticks.min(u32::MAX as u64) as u32);
            c.timeout.saturating_sub(used)
        } else {
            c.timeout.saturating_sub(c.started.elapsed())
        }
    }

    pub(crate) fn context(&self) -> fgs_abi::Context {
        context_of(&self.spec, &self.call.request, self.remaining())
    }

    /// The epoch callback: timeout check, stepping off an async worker once (`crate::worker`),
    /// then the CPU-share pause.
    pub(crate) fn on_epoch(&mut self) -> UpdateDeadline {
        let exec = &*self.shared;
        let c = &mut self.call;
        let ticks = exec.epoch_now().saturating_sub(c.start_epoch);
        if ticks >= c.timeout_ticks && (exec.manual() || c.started.elapsed() >= c.timeout) {
            c.timed_out = true;
            return UpdateDeadline::Interrupt;
        }
        if self.on_worker
            && c.step_asides < crate::worker::STEP_ASIDE_TRIES
            && c.started.elapsed() >= crate::worker::HOLD_LIMIT
        {
            c.step_asides += 1;
            crate::worker::step_aside();
        }
        match c.cpu_share {
            Some(share) => {
                // Run `share` of wall time: having run `ran` since the last resume, pause for
                // ran * (1 - share) / share, never past the timeout.
                let ran = c.resumed_at.elapsed();
                let pause = ran.mul_f64((1.0 - share) / share);
                let left = c.timeout.saturating_sub(c.started.elapsed());
                if exec.manual() {
                    c.resumed_at = Instant::now();
                } else if pause >= MIN_PAUSE {
                    crate::worker::off_worker(self.on_worker, || {
                        std::thread::sleep(pause.min(left));
                    });
                    c.resumed_at = Instant::now();
                }
                // A shorter pause (a call that began just before the tick) is owed, not
                // slept: `ran` keeps counting from the last resume until the next tick.
                UpdateDeadline::Continue(1)
            }
            None => UpdateDeadline::Continue(c.timeout_ticks.saturating_sub(ticks).max(1)),
        }
    }
}

/// The shortest CPU-share pause worth a sleep; shorter ones carry over to the next tick.
const MIN_PAUSE: Duration = Duration::from_micros(100);

/// The CPU share of `millicores`: one instance runs on one thread, so 1000 millicores (one
/// core) or more is no throttling.
pub(crate) fn cpu_share(millicores: u32) -> Option<f64> {
    if millicores == 0 || millicores >= 1000 {
        None
    } else {
        Some(f64::from(millicores) / 1000.0)
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
