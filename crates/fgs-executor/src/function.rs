//! Functions: the concurrency domain whose versions share one `max_instance_num` (§5.6.8), and
//! deploying a version (resolving its entry point, linking it once).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};
use wasmtime::InstancePre;

use crate::engine::{ExecInner, Executor};
use crate::error::{Error, Result};
use crate::host::HostState;
use crate::pool::{Exports, Version};
use crate::shard::{Padded, home, shard_count};
use crate::spec::{Code, VersionSpec};

/// What happens to a call when its function already runs its maximum of instances
/// (`max_instance_num`, §5.6.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OverLimit {
    /// Fail at once with [`Error::TooManyInstances`] (the runtime answers 429 FSS.0429). The
    /// default, and what a sync invoke does on the platform.
    #[default]
    Reject,
    /// Wait up to this long for an instance to free up, then fail like `Reject` (for work that
    /// may queue, such as async invocations).
    Wait(Duration),
}

/// `max` meaning "no limit".
const UNLIMITED: u32 = u32::MAX;

pub(crate) struct FunctionShared {
    exec: Executor,
    name: String,
    /// The max instance number, [`UNLIMITED`] for none.
    max: AtomicU32,
    /// Invocations claimed while a limit was set.
    running: AtomicU32,
    /// Invocations claimed while there was no limit, per thread shard: the unlimited claim
    /// writes only its thread's cache line, so threads invoking the same function do not
    /// contend (DESIGN §7).
    unlimited: Box<[Padded<AtomicU32>]>,
    policy: Mutex<OverLimit>,
    /// Callers blocked under [`OverLimit::Wait`]; a release only takes the lock when nonzero.
    waiters: AtomicU32,
    freed: Condvar,
}

impl FunctionShared {
    /// Invocations running now, over both kinds of claim.
    fn running(&self) -> u32 {
        let sharded: u32 = self
            .unlimited
            .iter()
            .map(|c| c.load(Ordering::SeqCst))
            .sum();
        self.running.load(Ordering::SeqCst) + sharded
    }

    /// Claims one of the function's instances: lock-free, and without a write to any shared
    /// cache line while no limit is set. A claim made under no limit just as a limit is set may
    /// run beside the limit's last claim (the change applies to claims that see it).
    fn try_claim(&self) -> Option<Slot<'_>> {
        // SeqCst throughout, so that a waiter's claim and a release's check of `waiters` cannot
        // both miss each other (see `acquire` and `Slot::drop`).
        let max = self.max.load(Ordering::SeqCst);
        if max == UNLIMITED {
            let shard = home(self.unlimited.len());
            self.unlimited[shard].fetch_add(1, Ordering::SeqCst);
            return Some(Slot(self, Some(shard)));
        }
        let mut cur = self.running.load(Ordering::SeqCst);
        loop {
            let sharded: u32 = self
                .unlimited
                .iter()
                .map(|c| c.load(Ordering::SeqCst))
                .sum();
            if cur.saturating_add(sharded) >= max {
                return None;
            }
            match self.running.compare_exchange_weak(
                cur,
                cur + 1,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return Some(Slot(self, None)),
                Err(now) => cur = now,
            }
        }
    }

    pub(crate) fn acquire(&self) -> Result<Slot<'_>> {
        if let Some(slot) = self.try_claim() {
            return Ok(slot);
        }
        let started = Instant::now();
        let mut policy = self.policy.lock();
        self.waiters.fetch_add(1, Ordering::SeqCst);
        let result = loop {
            if let Some(slot) = self.try_claim() {
                break Ok(slot);
            }
            let waited = started.elapsed();
            match *policy {
                OverLimit::Wait(d) if waited < d => {
                    self.freed.wait_for(&mut policy, d - waited);
                }
                _ => {
                    break Err(Error::TooManyInstances {
                        function: self.name.clone(),
                        max: self.max.load(Ordering::Relaxed),
                        waited,
                    });
                }
            }
        };
        self.waiters.fetch_sub(1, Ordering::SeqCst);
        result
    }

    fn wake(&self) {
        if self.waiters.load(Ordering::SeqCst) > 0 {
            let _policy = self.policy.lock();
            self.freed.notify_all();
        }
    }
}

/// One running invocation's claim on its function's instance limit: the shard it counted in,
/// or `None` for the limited counter.
pub(crate) struct Slot<'a>(&'a FunctionShared, Option<usize>);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        match self.1 {
            Some(shard) => self.0.unlimited[shard].fetch_sub(1, Ordering::SeqCst),
            None => self.0.running.fetch_sub(1, Ordering::SeqCst),
        };
        self.0.wake();
    }
}

/// A function as the executor sees it: the concurrency domain whose versions share one
/// `max_instance_num`. Cheap to clone.
#[derive(Clone)]
pub struct Function {
    inner: Arc<FunctionShared>,
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Function")
            .field("name", &self.inner.name)
            .finish()
    }
}

impl Function {
    pub(crate) fn new(exec: Executor, name: String) -> Self {
        Function {
            inner: Arc::new(FunctionShared {
                exec,
                name,
                max: AtomicU32::new(UNLIMITED),
                running: AtomicU32::new(0),
                unlimited: (0..shard_count()).map(|_| Padded::default()).collect(),
                policy: Mutex::new(OverLimit::Reject),
                waiters: AtomicU32::new(0),
                freed: Condvar::new(),
            }),
        }
    }

    /// The function's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// At most `max` invocations of this function (all versions) run at once, each on its own
    /// instance; `None` (the default) is no limit. Idle warm instances do not count.
    pub fn set_max_instances(&self, max: Option<u32>) {
        let max = max.map_or(UNLIMITED, |m| m.min(UNLIMITED - 1));
        self.inner.max.store(max, Ordering::Relaxed);
        self.inner.wake();
    }

    /// What a call beyond the limit does. Default [`OverLimit::Reject`].
    pub fn set_over_limit(&self, policy: OverLimit) {
        *self.inner.policy.lock() = policy;
    }

    /// Invocations running now.
    pub fn running(&self) -> u32 {
        self.inner.running()
    }

    /// Deploys a version: resolves the entry point and links the module once (one
    /// `InstancePre`). A module whose imports the host does not provide is refused here
    /// ([`Error::Link`]); a missing handler file or export is not an error until invoked.
    pub fn deploy(&self, code: Code, spec: VersionSpec) -> Result<Version> {
        let exec = self.inner.exec.inner.clone();
        let kind = resolve(&exec, code, &spec)?;
        Ok(Version::new(self.inner.clone(), exec, spec, kind))
    }
}

pub(crate) enum Kind {
    Handler {
        pre: InstancePre<HostState>,
        export: String,
        init: Option<String>,
        exports: Exports,
    },
    Command {
        pre: InstancePre<HostState>,
    },
    Missing(String),
}

fn resolve(exec: &ExecInner, code: Code, spec: &VersionSpec) -> Result<Kind> {
    let module = match code {
        Code::Missing { file } => {
            return Ok(Kind::Missing(format!(
                "the code package has no file {file} for handler {}",
                spec.handler
            )));
        }
        Code::Module(m) => m,
    };
    let pre = exec
        .linker
        .instantiate_pre(&module.module)
        .map_err(|e| Error::Link {
            message: format!("{e:#}"),
        })?;
    let export = match fgs_abi::split_handler(&spec.handler) {
        Some((_, export)) => export.to_string(),
        None => {
            return Ok(Kind::Missing(format!(
                "handler {:?} is not of the form FILE.EXPORT",
                spec.handler
            )));
        }
    };
    if module.has_export(&export) {
        let init = match &spec.initializer {
            None => None,
            Some(i) => match fgs_abi::split_handler(i) {
                Some((_, e)) if module.has_export(e) => Some(e.to_string()),
                _ => {
                    return Ok(Kind::Missing(format!(
                        "the module has no export for initializer {i}"
                    )));
                }
            },
        };
        let exports = Exports::of(&module.module, &export, init.as_deref());
        Ok(Kind::Handler {
            pre,
            export,
            init,
            exports,
        })
    } else if module.has_export(fgs_abi::EXPORT_ALLOC) {
        // A handler module (it speaks fgs-abi) without the handler's export: missing, even
        // when it also exports `_start` (as `#![no_main]` Rust binaries do).
        Ok(Kind::Missing(format!(
            "the module has no export `{export}` for handler {}",
            spec.handler
        )))
    } else if module.has_export(fgs_abi::EXPORT_START) {
        Ok(Kind::Command { pre })
    } else {
        Ok(Kind::Missing(format!(
            "the module has no export `{export}` for handler {} (and no `_start`)",
            spec.handler
        )))
    }
}
