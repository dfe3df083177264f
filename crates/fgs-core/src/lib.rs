//! `fgs-core`: the FunctionGraph model, pure. Functions, URNs, versions, aliases, triggers,
//! dependencies, test events, async configs, quotas, and the management [`Error`] with its
//! `FSS.xxxx` table. No I/O, no async, no wasm execution: `fgs-runtime` holds the state and
//! `fgs-executor` runs code.
//!
//! Seed section numbers (§x.y) refer to the FunctionGraph API reference the emulator follows.
//!
//! **Unknown fields.** The seed forbids unknown request fields nowhere: no endpoint of §5
//! lists one as an error, and the official SDKs send fields of newer API versions. So every
//! request type here ignores fields it does not know (serde's default; no type uses
//! `deny_unknown_fields`), in the body and in `event_data` alike, and does not store or echo
//! them. A known field with a wrong JSON type is 400 `FSS.0400` (or the field's own code).
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
