//! Injected randomness: request ids, resource ids and the random suffixes the platform puts in
//! names (`image_name`), all from one seedable generator so that a test can fix them.
//!
//! ```
//! use fgs_core::random::Randomness;
//! let a = Randomness::seeded(7);
//! let b = Randomness::seeded(7);
//! assert_eq!(a.uuid(), b.uuid());
//! assert_eq!(a.suffix(5).len(), 5);
//! assert_eq!(a.request_id(), b.request_id());
//! assert_ne!(a.request_id(), a.request_id());
//! ```
//!
//! Request ids are drawn on every invocation, from several threads at once, so they do not
//! take the generator's lock: [`Randomness::request_id`] numbers the ids with a counter per
//! thread shard ([`crate::shard`]) and scrambles (shard, number) with a keyed bijection whose
//! keys come from the generator. Ids are therefore unique within one `Randomness` and, for a
//! seeded one used from one thread, the same from run to run.

use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};

use crate::shard::{Padded, home, shard_count};

/// A thread-safe, seedable random source.
#[derive(Debug)]
pub struct Randomness {
    rng: Mutex<StdRng>,
    /// Keys of the request-id scrambler, drawn from `rng` at construction.
    id_keys: [u64; 2],
    /// Request ids handed out, per thread shard.
    id_counters: Box<[Padded<AtomicU64>]>,
}

impl Randomness {
    /// A generator with a fixed seed: the same seed gives the same sequence.
    pub fn seeded(seed: u64) -> Self {
        Self::with_rng(StdRng::seed_from_u64(seed))
    }

    /// A generator seeded from the operating system.
    pub fn from_os() -> Self {
        Self::with_rng(StdRng::from_os_rng())
    }

    fn with_rng(mut rng: StdRng) -> Self {
        let id_keys = [rng.next_u64(), rng.next_u64()];
        Randomness {
            rng: Mutex::new(rng),
            id_keys,
            id_counters: (0..shard_count()).map(|_| Padded::default()).collect(),
        }
    }

    /// A fresh request id: a version-4 UUID, hyphenated lower case, unique within this
    /// generator, without taking its lock (see the module docs).
    pub fn request_id(&self) -> String {
        let shard = home(self.id_counters.len());
        let n = self.id_counters[shard].fetch_add(1, Ordering::Relaxed);
        // Shards are fewer than 2^8 and counters stay below 2^56: `x` is unique per id.
        let x = ((shard as u64) << 56) | (n & ((1 << 56) - 1));
        let (hi, lo) = (mix(x ^ self.id_keys[0]), mix(x ^ self.id_keys[1]));
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&hi.to_be_bytes());
        bytes[8..].copy_from_slice(&lo.to_be_bytes());
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .encode_lower(&mut text)
            .to_owned()
    }

    /// A random version-4 UUID, hyphenated lower case.
    pub fn uuid(&self) -> String {
        let mut bytes = [0u8; 16];
        self.rng.lock().fill_bytes(&mut bytes);
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }

    /// `len` random characters from `[a-z0-9]`.
    pub fn suffix(&self, len: usize) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let mut rng = self.rng.lock();
        (0..len)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect()
    }

    /// A uniformly random integer in `0..n` (`n` > 0), e.g. to pick an alias's version.
    pub fn below(&self, n: u32) -> u32 {
        self.rng.lock().random_range(0..n.max(1))
    }

    /// A random `u64`.
    pub fn next_u64(&self) -> u64 {
        self.rng.lock().next_u64()
    }
}

/// The finalizer of SplitMix64: a bijection on `u64` that spreads every input bit.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_version_4_uuids() {
        let r = Randomness::seeded(1);
        for _ in 0..100 {
            let id = r.request_id();
            let parsed = uuid::Uuid::parse_str(&id).unwrap();
            assert_eq!(parsed.get_version_num(), 4, "{id}");
            assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122, "{id}");
            assert_eq!(
                parsed.hyphenated().to_string(),
                id,
                "lower case, hyphenated"
            );
        }
    }

    #[test]
    fn request_ids_are_unique_across_threads_and_repeat_with_the_seed() {
        let r = Randomness::seeded(9);
        let ids: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| (0..5000).map(|_| r.request_id()).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), 20_000);
        let (a, b) = (Randomness::seeded(3), Randomness::seeded(3));
        let first: Vec<String> = (0..3).map(|_| a.request_id()).collect();
        assert_eq!(first, (0..3).map(|_| b.request_id()).collect::<Vec<_>>());
        assert_ne!(first[0], Randomness::seeded(4).request_id());
    }

    #[test]
    fn mix_is_a_bijection_on_a_sample() {
        let outputs: std::collections::HashSet<u64> = (0..100_000u64).map(mix).collect();
        assert_eq!(outputs.len(), 100_000);
    }
}
