//! A function's instance limit (`max_instance_num`, §5.6.8), shared by its versions: claims
//! counted per thread shard on the fast path, exact beyond a shard's share.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use fgs_core::shard::{Padded, home, shard_count};
use parking_lot::{Condvar, Mutex};

use crate::error::{Error, Result};
use crate::spec::OverLimit;

/// `max` meaning "no limit".
const UNLIMITED: u32 = u32::MAX;

/// The instance limit of one function, shared by its versions.
pub(crate) struct InstanceLimit {
    name: String,
    /// The max instance number, [`UNLIMITED`] for none.
    max: AtomicU32,
    /// Claims counted in a thread shard (see [`InstanceLimit::try_claim`]): each shard holds
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

impl InstanceLimit {
    pub(crate) fn new(name: String) -> Self {
        InstanceLimit {
            name,
            max: AtomicU32::new(UNLIMITED),
            sharded: (0..shard_count()).map(|_| Padded::default()).collect(),
            overflow: AtomicU32::new(0),
            policy: Mutex::new(OverLimit::Reject),
            waiters: AtomicU32::new(0),
            freed: Condvar::new(),
        }
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// At most `max` claims at once; `None` is no limit.
    pub(crate) fn set_max(&self, max: Option<u32>) {
        let max = max.map_or(UNLIMITED, |m| m.min(UNLIMITED - 1));
        self.max.store(max, Ordering::Relaxed);
        self.wake();
    }

    pub(crate) fn set_policy(&self, policy: OverLimit) {
        *self.policy.lock() = policy;
    }

    /// Invocations running now, over both kinds of claim (plus, for an instant, claims about
    /// to back off).
    pub(crate) fn running(&self) -> u32 {
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
    /// and goes to [`InstanceLimit::claim_exact`].
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

    /// [`InstanceLimit::acquire`] from a thread that may be an async worker: the fast claim
    /// in place, a wait off the worker (`crate::worker`).
    pub(crate) fn acquire_on(
        &self,
        override_policy: Option<OverLimit>,
        on_worker: bool,
    ) -> Result<Slot<'_>> {
        if let Some(slot) = self.try_claim() {
            return Ok(slot);
        }
        crate::worker::off_worker(on_worker, || self.acquire(override_policy))
    }

    pub(crate) fn wake(&self) {
        if self.waiters.load(Ordering::SeqCst) > 0 {
            let _policy = self.policy.lock();
            self.freed.notify_all();
        }
    }
}

/// One running invocation's claim on its function's instance limit: the shard it counted in,
/// or `None` for the overflow counter.
pub(crate) struct Slot<'a>(&'a InstanceLimit, Option<usize>);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        match self.1 {
            Some(shard) => self.0.sharded[shard].fetch_sub(1, Ordering::SeqCst),
            None => self.0.overflow.fetch_sub(1, Ordering::SeqCst),
        };
        self.0.wake();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicU32;
    use std::time::Duration;

    use super::*;

    /// Many threads claiming and releasing at once, with limits around and below the shard
    /// count: the number of claims held at once never exceeds the limit, and nothing stays
    /// counted afterwards. With `Wait`, no claim fails. (Checked to fail when a shard may
    /// hold the whole limit, or when a shard claim ignores the overflow counter.)
    #[test]
    fn claims_never_exceed_the_limit_under_contention() {
        for (max, policy) in [
            (1, OverLimit::Reject),
            (3, OverLimit::Reject),
            (4, OverLimit::Reject),
            (5, OverLimit::Reject),
            (7, OverLimit::Reject),
            (2, OverLimit::Wait(Duration::from_secs(60))),
            (6, OverLimit::Wait(Duration::from_secs(60))),
        ] {
            let f = InstanceLimit::new("f".into());
            f.set_max(Some(max));
            f.set_policy(policy);
            let (inside, peak, granted) = (AtomicU32::new(0), AtomicU32::new(0), AtomicU32::new(0));
            std::thread::scope(|s| {
                for _ in 0..8 {
                    s.spawn(|| {
                        let mut mine = 0;
                        for _ in 0..500 {
                            let Ok(slot) = f.acquire(None) else {
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
