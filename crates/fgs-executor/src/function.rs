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
use crate::pool::Version;
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
    running: AtomicU32,
    policy: Mutex<OverLimit>,
    /// Callers blocked under [`OverLimit::Wait`]; a release only takes the lock when nonzero.
    waiters: AtomicU32,
    freed: Condvar,
}

impl FunctionShared {
    /// Claims one of the function's instances: lock-free unless the limit is reached.
    fn try_claim(&self) -> bool {
        // SeqCst throughout, so that a waiter's claim and a release's check of `waiters` cannot
        // both miss each other (see `acquire` and `Slot::drop`).
        let mut cur = self.running.load(Ordering::SeqCst);
        loop {
            if cur >= self.max.load(Ordering::SeqCst) {
                return false;
            }
            match self.running.compare_exchange_weak(
                cur,
                cur + 1,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return true,
                Err(now) => cur = now,
            }
        }
    }

    pub(crate) fn acquire(&self) -> Result<Slot<'_>> {
        if self.try_claim() {
            return Ok(Slot(self));
        }
        let started = Instant::now();
        let mut policy = self.policy.lock();
        self.waiters.fetch_add(1, Ordering::SeqCst);
        let result = loop {
            if self.try_claim() {
                break Ok(Slot(self));
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

/// One running invocation's claim on its function's instance limit.
pub(crate) struct Slot<'a>(&'a FunctionShared);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::SeqCst);
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
        self.inner.running.load(Ordering::Relaxed)
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
        Ok(Kind::Handler { pre, export, init })
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
