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
use crate::spec::{Code, VersionSpec};
use fgs_core::shard::{Padded, home, shard_count};

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
    /// Claims counted in a thread shard (see [`FunctionShared::try_claim`]): each shard holds
    /// at most its share of `max`, and only while `overflow` is 0.
    sharded: Box<[Padded<AtomicU32>]>,
    /// Claims made beyond a shard's share, each checked against the exact total under the
    /// `policy` lock.
    overflow: AtomicU32,
    policy: Mutex<OverLimit>,
    /// Callers blocked under [`OverLimit::Wait`]; a release only takes the lock when nonzero.
    waiters: AtomicU32,
    freed: Condvar,
}

impl FunctionShared {
    /// Invocations running now, over both kinds of claim (plus, for an instant, claims about
    /// to back off).
    fn running(&self) -> u32 {
        let sharded: u32 = self.sharded.iter().map(|c| c.load(Ordering::SeqCst)).sum();
        self.overflow.load(Ordering::SeqCst).saturating_add(sharded)
    }

    /// Claims one of the function's instances on the fast path: lock-free, and writing only
    /// the calling thread's own cache line while its shard holds less than its share of the
    /// limit (`max / shards`; no bound without a limit) and no claim is in `overflow`.
    ///
    /// The claim counts itself first, then reads `overflow`; an overflow claim does the
    /// reverse (SeqCst), so an overflow claim's check sees every shard claim it could run
    /// beside, and the total never exceeds `max`. A claim that cannot stay backs off at once
    /// and goes to [`FunctionShared::claim_exact`].
    fn try_claim(&self) -> Option<Slot<'_>> {
        let max = self.max.load(Ordering::SeqCst);
        let shard = home(self.sharded.len());
        let share = if max == UNLIMITED {
            UNLIMITED
        } else {
            max / self.sharded.len() as u32
        };
        if share == 0 {
            // A limit below the shard count: every claim is exact (and none is transient).
            return None;
        }
        let before = self.sharded[shard].fetch_add(1, Ordering::SeqCst);
        if before < share && (max == UNLIMITED || self.overflow.load(Ordering::SeqCst) == 0) {
            return Some(Slot(self, Some(shard)));
        }
        self.sharded[shard].fetch_sub(1, Ordering::SeqCst);
        None
    }

    /// Claims an instance against the exact total; called with the `policy` lock held, so
    /// exact claims do not race each other. A fast claim racing with this one either stays
    /// (it is then counted) or backs off and queues behind the lock, so the check is retried
    /// while the total it saw was over only because of such transient counts.
    fn claim_exact(&self) -> Option<Slot<'_>> {
        for _ in 0..64 {
            let max = self.max.load(Ordering::SeqCst);
            if max == UNLIMITED {
                return self.try_claim();
            }
            if self.running() >= max {
                return None;
            }
            self.overflow.fetch_add(1, Ordering::SeqCst);
            if self.running() <= max {
                return Some(Slot(self, None));
            }
            self.overflow.fetch_sub(1, Ordering::SeqCst);
            std::hint::spin_loop();
        }
        None
    }

    /// Claims an instance: the fast path, else an exact claim under the policy lock,
    /// waiting for a release under [`OverLimit::Wait`] (the function's policy, or
    /// `override_policy` when given).
    pub(crate) fn acquire(&self, override_policy: Option<OverLimit>) -> Result<Slot<'_>> {
        if let Some(slot) = self.try_claim() {
            return Ok(slot);
        }
        let started = Instant::now();
        let mut policy = self.policy.lock();
        self.waiters.fetch_add(1, Ordering::SeqCst);
        let result = loop {
            if let Some(slot) = self.claim_exact() {
                break Ok(slot);
            }
            let waited = started.elapsed();
            match override_policy.unwrap_or(*policy) {
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
/// or `None` for the overflow counter.
pub(crate) struct Slot<'a>(&'a FunctionShared, Option<usize>);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        match self.1 {
            Some(shard) => self.0.sharded[shard].fetch_sub(1, Ordering::SeqCst),
            None => self.0.overflow.fetch_sub(1, Ordering::SeqCst),
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
                sharded: (0..shard_count()).map(|_| Padded::default()).collect(),
                overflow: AtomicU32::new(0),
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicU32;

    use super::*;

    /// Many threads claiming and releasing at once, with limits around and below the shard
    /// count: the number of claims held at once never exceeds the limit, and nothing stays
    /// counted afterwards. With `Wait`, no claim fails. (Checked to fail when a shard may
    /// hold the whole limit, or when a shard claim ignores the overflow counter.)
    #[test]
    fn claims_never_exceed_the_limit_under_contention() {
        let exec = Executor::builder().manual_epoch().build().unwrap();
        for (max, policy) in [
            (1, OverLimit::Reject),
            (3, OverLimit::Reject),
            (4, OverLimit::Reject),
            (5, OverLimit::Reject),
            (7, OverLimit::Reject),
            (2, OverLimit::Wait(Duration::from_secs(60))),
            (6, OverLimit::Wait(Duration::from_secs(60))),
        ] {
            let f = exec.function("f");
            f.set_max_instances(Some(max));
            f.set_over_limit(policy);
            let (inside, peak, granted) = (AtomicU32::new(0), AtomicU32::new(0), AtomicU32::new(0));
            std::thread::scope(|s| {
                for _ in 0..8 {
                    s.spawn(|| {
                        let mut mine = 0;
                        for _ in 0..500 {
                            let Ok(slot) = f.inner.acquire(None) else {
                                continue;
                            };
                            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                            peak.fetch_max(now, Ordering::SeqCst);
                            // Hold the claim across reschedules, so that claims pile up.
                            std::thread::yield_now();
                            std::thread::yield_now();
                            inside.fetch_sub(1, Ordering::SeqCst);
                            drop(slot);
                            mine += 1;
                        }
                        granted.fetch_add(mine, Ordering::SeqCst);
                    });
                }
            });
            let peak = peak.load(Ordering::SeqCst);
            assert!(peak <= max, "max {max}: {peak} claims at once");
            assert_eq!(f.running(), 0, "max {max}");
            let granted = granted.load(Ordering::SeqCst);
            if matches!(policy, OverLimit::Wait(_)) {
                assert_eq!(granted, 4000, "max {max}");
            } else {
                assert!(granted > 0, "max {max}: no claim granted");
            }
        }
    }
}
