//! The executor's error type: failures that are not an invocation's outcome (an invalid module
//! at deploy time, a rejected call, an exhausted instance pool). What a guest does (traps,
//! timeouts, running out of memory, handled errors) is never an `Error`: it is an
//! [`Outcome`](crate::Outcome).

use std::time::Duration;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong outside the guest.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes are not a valid WebAssembly module (refused at deploy time; the runtime maps
    /// it to FSS.1011).
    #[error("invalid wasm module: {message}")]
    InvalidModule {
        /// Why the module was refused.
        message: String,
    },
    /// The module imports something the host does not provide (refused at deploy time).
    #[error("wasm module cannot be linked: {message}")]
    Link {
        /// The unresolved import.
        message: String,
    },
    /// The function already runs `max` instances and the over-limit policy is to reject, or
    /// the wait for a free slot ran out. The runtime maps it to 429 FSS.0429 (§5.6.8).
    #[error(
        "function {function} is at its maximum of {max} concurrent instances; request rejected"
    )]
    TooManyInstances {
        /// The function.
        function: String,
        /// Its max instance number.
        max: u32,
        /// How long the call waited before giving up (zero under the reject policy).
        waited: Duration,
    },
    /// A new instance could not be created for a reason other than the guest (for example the
    /// pooling allocator's capacity is exhausted).
    #[error("cannot create an instance of {function}: {message}")]
    Instantiate {
        /// The function.
        function: String,
        /// The engine's reason.
        message: String,
    },
    /// Pre-warming a reserved instance failed (its initializer failed or timed out).
    #[error("cannot pre-warm an instance of {function}: {message}")]
    Prewarm {
        /// The function.
        function: String,
        /// The outcome's message.
        message: String,
    },
    /// The engine could not be built from the builder's settings.
    #[error("cannot build the wasm engine: {message}")]
    Engine {
        /// The engine's reason.
        message: String,
    },
    /// Reading or writing the compiled-module cache failed.
    #[error("module cache {path}: {source}")]
    Cache {
        /// The cache file or directory.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}
