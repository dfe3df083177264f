//! A version's idle instances, sharded per thread (DESIGN §7). Generic over what it holds, so
//! it knows nothing of stores.

use std::sync::atomic::{AtomicUsize, Ordering};

use fgs_core::shard::{Padded, home, shard_count};
use parking_lot::Mutex;

/// One shard of a version's idle instances, with its length readable without the lock.
struct IdleShard<T> {
    list: Mutex<ShardList<T>>,
    len: AtomicUsize,
}

/// A shard's instances: the most recently returned one inline, in the shard's own padded
/// cache lines, and the others in a vector. A thread that returns its instance and takes it
/// again (the steady state) writes only its shard, never a heap buffer that may sit on the
/// same cache line as another shard's.
struct ShardList<T> {
    top: Option<T>,
    rest: Vec<T>,
}

impl<T> ShardList<T> {
    fn len(&self) -> usize {
        usize::from(self.top.is_some()) + self.rest.len()
    }

    fn push(&mut self, inst: T) {
        if let Some(previous) = self.top.replace(inst) {
            self.rest.push(previous);
        }
    }

    fn pop(&mut self) -> Option<T> {
        self.top.take().or_else(|| self.rest.pop())
    }
}

impl<T> IdleShard<T> {
    fn pop(&self) -> Option<T> {
        let mut list = self.list.lock();
        let inst = list.pop();
        self.len.store(list.len(), Ordering::Relaxed);
        inst
    }
}

/// A version's idle instances, sharded per thread (DESIGN §7): a thread returns its instance
/// to its home shard and takes the next one from there, so threads invoking the same version
/// touch different locks and cache lines; a thread whose shard is empty steals from the
/// others before creating an instance.
pub(crate) struct IdleShards<T> {
    shards: Box<[Padded<IdleShard<T>>]>,
}

impl<T> IdleShards<T> {
    pub(crate) fn new() -> Self {
        IdleShards {
            shards: (0..shard_count()).map(|_| Padded::default()).collect(),
        }
    }

    pub(crate) fn pop(&self) -> Option<T> {
        let n = self.shards.len();
        let home = home(n);
        if let Some(inst) = self.shards[home].pop() {
            return Some(inst);
        }
        (1..n)
            .map(|k| &self.shards[(home + k) % n])
            .filter(|s| s.len.load(Ordering::Relaxed) > 0)
            .find_map(|s| s.pop())
    }

    pub(crate) fn push(&self, inst: T) {
        let shard = &self.shards[home(self.shards.len())];
        let mut list = shard.list.lock();
        list.push(inst);
        shard.len.store(list.len(), Ordering::Relaxed);
    }

    pub(crate) fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.len.load(Ordering::Relaxed))
            .sum()
    }

    /// Runs `f` on every shard's list, under that shard's lock.
    pub(crate) fn each<R>(&self, mut f: impl FnMut(&mut Vec<T>) -> R) -> Vec<R> {
        self.shards
            .iter()
            .map(|s| {
                let mut list = s.list.lock();
                let mut all = std::mem::take(&mut list.rest);
                all.extend(list.top.take());
                let r = f(&mut all);
                list.top = all.pop();
                list.rest = all;
                s.len.store(list.len(), Ordering::Relaxed);
                r
            })
            .collect()
    }
}

impl<T> Default for IdleShard<T> {
    fn default() -> Self {
        IdleShard {
            list: Mutex::new(ShardList {
                top: None,
                rest: Vec::new(),
            }),
            len: AtomicUsize::new(0),
        }
    }
}
