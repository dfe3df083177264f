//! Per-thread sharding of hot-path state (the executor's idle instance lists and running
//! counters, the runtime's metrics and request-id counters), so that threads invoking the same
//! function do not bounce one cache line between cores.
//!
//! ```
//! use fgs_core::shard::{Padded, home, shard_count};
//! use std::sync::atomic::{AtomicU64, Ordering};
//! let counters: Vec<Padded<AtomicU64>> = (0..shard_count()).map(|_| Padded::default()).collect();
//! counters[home(counters.len())].fetch_add(1, Ordering::Relaxed);
//! let total: u64 = counters.iter().map(|c| c.load(Ordering::Relaxed)).sum();
//! assert_eq!(total, 1);
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};

/// A value alone on its cache line(s): 128 bytes covers adjacent-line prefetching on x86 and
/// the 128-byte lines of some ARM cores.
#[repr(align(128))]
#[derive(Debug, Default)]
pub struct Padded<T>(pub T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// How many shards a sharded structure has: twice the available parallelism, a power of two
/// between 2 and 64, so that threads handed out round-robin rarely share one.
pub fn shard_count() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cores * 2).next_power_of_two().clamp(2, 64)
}

/// This thread's home shard among `n` (a power of two, as [`shard_count`] gives): threads get
/// consecutive numbers the first time they ask, so the first `n` threads that invoke never
/// share a shard.
pub fn home(n: usize) -> usize {
    debug_assert!(n.is_power_of_two());
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static INDEX: usize = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    INDEX.with(|i| *i) & (n - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padded_values_do_not_share_a_line() {
        assert_eq!(std::mem::align_of::<Padded<AtomicUsize>>(), 128);
        let v: Vec<Padded<AtomicUsize>> = (0..2).map(|_| Padded::default()).collect();
        let a = &v[0] as *const _ as usize;
        let b = &v[1] as *const _ as usize;
        assert!(b - a >= 128);
    }

    #[test]
    fn threads_get_distinct_home_shards() {
        let n = shard_count();
        assert!(n.is_power_of_two() && n >= 2);
        let mine = home(n);
        assert_eq!(home(n), mine, "a thread keeps its shard");
        let other = std::thread::spawn(move || home(1 << 20)).join().unwrap();
        assert_ne!(other, home(1 << 20));
    }
}
