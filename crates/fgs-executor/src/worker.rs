//! Running a handler module in place on an async server's worker thread
//! ([`crate::Request::on_async_worker`]), and stepping off the worker for what may block.
//!
//! An HTTP server answers an invocation from a task on a tokio worker. Moving every call to
//! another thread (`spawn_blocking`, or `block_in_place`, which hands the worker's queue to a
//! new thread on every call) costs more than the call itself: thread wake-ups on every
//! request. So a handler module's call runs on the worker itself, as `wasmtime serve` runs
//! its guests, and only what may block leaves it, through [`tokio::task::block_in_place`]
//! (the worker's other tasks move to another thread while it blocks):
//!
//! - **WASI**: wasmtime-wasi's preview 1 functions that do I/O wait on the ambient tokio
//!   runtime, which must not happen on a worker. A module runs in place only when its WASI
//!   imports are the pure ones ([`PURE`]: arguments, environment, clocks, randomness, exit)
//!   and `fd_write`, which the [`in_place_linker`] implements natively for stdout and stderr
//!   (the log; no other descriptor of such a module is writable, so any other is `EBADF`).
//!   That is what a handler that prints and computes imports. A module importing more (files,
//!   `poll_oneoff`) runs off the worker as a whole, as do runtime components and WASI
//!   commands.
//! - **A guest that keeps running**: at the first epoch tick after [`HOLD_LIMIT`] the call
//!   steps aside
//!   ([`step_aside`]) so one long call does not hold the worker's queue; a CPU-share pause
//!   sleeps off the worker.
//! - **Waiting for a free instance** under `OverLimit::Wait` and **sub-function calls**
//!   (another invocation inside this one): off the worker.

use std::time::Duration;

use wasmtime::{Caller, Extern, Linker, Module};

use crate::state::HostState;

/// The WASI preview 1 module name.
const P1: &str = "wasi_snapshot_preview1";

/// The preview 1 functions that never wait on the runtime (wasmtime-wasi implements them
/// synchronously, touching no descriptor).
pub(crate) const PURE: &[&str] = &[
    "args_get",
    "args_sizes_get",
    "environ_get",
    "environ_sizes_get",
    "clock_res_get",
    "clock_time_get",
    "random_get",
    "proc_exit",
    "sched_yield",
];

/// How long a call may hold its worker before it steps aside at the next epoch tick (a tick
/// that falls within a short call, as most are, changes nothing).
pub(crate) const HOLD_LIMIT: Duration = Duration::from_millis(1);

/// How long a guest that steps aside on a worker waits, off the worker, for the worker's
/// queue to be taken over by another thread ([`step_aside`]).
const STEP_ASIDE: Duration = Duration::from_micros(200);

/// How many ticks in a row a long call steps aside: the hand-over cannot be observed, so a
/// call tries at each of its first ticks past [`HOLD_LIMIT`] (a busy machine may not start
/// the new thread within one [`STEP_ASIDE`]); at most this many times 200 us per call.
pub(crate) const STEP_ASIDE_TRIES: u8 = 5;

/// Whether `requested` (the caller says it is on an async worker) can be honoured: only on a
/// multi-threaded tokio runtime, where `block_in_place` works. Elsewhere the call runs as a
/// plain blocking call.
pub(crate) fn effective(requested: bool) -> bool {
    requested
        && tokio::runtime::Handle::try_current()
            .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread)
}

/// Runs `f` off the worker when `on_worker` (see the module docs), else directly.
pub(crate) fn off_worker<R>(on_worker: bool, f: impl FnOnce() -> R) -> R {
    if on_worker {
        tokio::task::block_in_place(f)
    } else {
        f()
    }
}

/// Lets the worker's other tasks move to another thread while this guest keeps running:
/// `block_in_place` hands the worker's queue to a new thread, which takes it within
/// [`STEP_ASIDE`] (if it has not by then, the worker resumes with its queue and the next
/// tick tries again, up to [`STEP_ASIDE_TRIES`]; a CPU-share pause hands it over too).
pub(crate) fn step_aside() {
    tokio::task::block_in_place(|| std::thread::sleep(STEP_ASIDE));
}

/// Whether `module` can run in place on a worker: its only WASI imports are [`PURE`] ones
/// and `fd_write` (see the module docs).
pub(crate) fn runs_in_place(module: &Module) -> bool {
    module
        .imports()
        .filter(|i| i.module() == P1)
        .all(|i| i.name() == "fd_write" || PURE.contains(&i.name()))
}

/// `linker` with `fd_write` implemented natively: descriptors 1 and 2 append to the
/// instance's log (as wasmtime-wasi's stdout and stderr of a handler store do, without its
/// wait on the runtime); any other descriptor is `EBADF`. Only for modules that
/// [`runs_in_place`] accepts, where no other descriptor can be writable.
pub(crate) fn in_place_linker(linker: &Linker<HostState>) -> wasmtime::Result<Linker<HostState>> {
    let mut linker = linker.clone();
    linker.allow_shadowing(true);
    linker.func_wrap(P1, "fd_write", fd_write)?;
    linker.allow_shadowing(false);
    Ok(linker)
}

/// WASI errno values `fd_write` answers.
const ERRNO_SUCCESS: i32 = 0;
const ERRNO_BADF: i32 = 8;
const ERRNO_FAULT: i32 = 21;

/// `fd_write(fd, iovs, iovs_len, nwritten) -> errno` for stdout and stderr.
fn fd_write(
    mut caller: Caller<'_, HostState>,
    fd: i32,
    iovs: i32,
    iovs_len: i32,
    nwritten: i32,
) -> wasmtime::Result<i32> {
    if fd != 1 && fd != 2 {
        return Ok(ERRNO_BADF);
    }
    let memory = match caller.data().memory {
        Some(m) => m,
        None => match caller.get_export("memory") {
            Some(Extern::Memory(m)) => m,
            _ => return Ok(ERRNO_FAULT),
        },
    };
    let (mem, state) = memory.data_and_store_mut(&mut caller);
    let word = |at: usize| -> Option<u32> {
        let b = mem.get(at..at.checked_add(4)?)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let mut total: u32 = 0;
    let mut log = state.log.lock();
    for i in 0..iovs_len.max(0) as usize {
        let at = iovs as u32 as usize + i * 8;
        let (Some(ptr), Some(len)) = (word(at), word(at + 4)) else {
            return Ok(ERRNO_FAULT);
        };
        let Some(bytes) = mem.get(ptr as usize..ptr as usize + len as usize) else {
            return Ok(ERRNO_FAULT);
        };
        log.push(bytes);
        total = total.saturating_add(len);
    }
    drop(log);
    let at = nwritten as u32 as usize;
    match mem.get_mut(at..at + 4) {
        Some(out) => out.copy_from_slice(&total.to_le_bytes()),
        None => return Ok(ERRNO_FAULT),
    }
    Ok(ERRNO_SUCCESS)
}
