//! Injected randomness: request ids, resource ids and the random suffixes the platform puts in
//! names (`image_name`), all from one seedable generator so that a test can fix them.
//!
//! ```
//! use fgs_core::random::Randomness;
//! let a = Randomness::seeded(7);
//! let b = Randomness::seeded(7);
//! assert_eq!(a.uuid(), b.uuid());
//! assert_eq!(a.suffix(5).len(), 5);
//! ```

use parking_lot::Mutex;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};

/// A thread-safe, seedable random source.
#[derive(Debug)]
pub struct Randomness {
    rng: Mutex<StdRng>,
}

impl Randomness {
    /// A generator with a fixed seed: the same seed gives the same sequence.
    pub fn seeded(seed: u64) -> Self {
        Randomness {
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        }
    }

    /// A generator seeded from the operating system.
    pub fn from_os() -> Self {
        Randomness {
            rng: Mutex::new(StdRng::from_os_rng()),
        }
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
