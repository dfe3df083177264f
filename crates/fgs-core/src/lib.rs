//! `fgs-core`: the FunctionGraph model, pure. Functions, URNs, versions, aliases, triggers,
//! dependencies, test events, async configs, quotas, and the management [`Error`] with its
//! `FSS.xxxx` table. No I/O, no async, no wasm execution: `fgs-runtime` holds the state and
//! `fgs-executor` runs code.
//!
//! Seed section numbers (§x.y) refer to the FunctionGraph API reference the emulator follows.
#![deny(missing_docs)]

pub mod alias;
pub mod async_config;
pub mod async_record;
pub mod clock;
pub mod code;
pub mod dependency;
pub mod error;
pub mod function;
pub mod limits;
pub mod logs;
pub mod metrics;
pub mod quota;
pub mod random;
pub mod reserved;
pub mod runtime;
pub mod shard;
pub mod test_event;
pub mod timefmt;
pub mod tracing_config;
pub mod transfer;
pub mod trigger;
pub mod urn;
pub mod version;

pub use error::{Error, ErrorKind, Result};
