//! `fgs-guest`: write a FunctionGraph handler for fgs-local in Rust.
//!
//! A handler is one function plus one macro line. Build it for `wasm32-wasip1`; the module
//! follows the `fgs-abi` contract (version [`fgs_abi::ABI_VERSION`]): the host places the event
//! in guest memory, calls the export, and reads the result, and the instance is reused for later
//! invocations while it stays warm.
//!
//! ```
//! use fgs_guest::{Context, HandlerError};
//!
//! /// Returns the event unchanged.
//! fn echo(event: &[u8], _ctx: &Context) -> Result<Vec<u8>, HandlerError> {
//!     Ok(event.to_vec())
//! }
//! fgs_guest::handler!(echo);
//! ```
//!
//! With `handler` set to `index.handler`, build the crate (a binary with `#![no_main]`, or a
//! `cdylib`) and ship it as `index.wasm` in the code package.
//!
//! An initializer runs once per instance before its first invocation (`initializer_handler`
//! `index.init` names the export `init`); a handled error is returned as `Err`:
//!
//! ```
//! use fgs_guest::{Context, HandlerError};
//! use std::sync::atomic::{AtomicU32, Ordering};
//!
//! static INITS: AtomicU32 = AtomicU32::new(0);
//!
//! fn init(ctx: &Context) -> Result<(), HandlerError> {
//!     fgs_guest::log(&format!("initializing {}", ctx.function_name()));
//!     INITS.fetch_add(1, Ordering::SeqCst);
//!     Ok(())
//! }
//!
//! fn handler(event: &[u8], ctx: &Context) -> Result<Vec<u8>, HandlerError> {
//!     if event.is_empty() {
//!         return Err(HandlerError::new("empty event"));
//!     }
//!     let name = ctx.user_data("GREETING").unwrap_or("hello");
//!     Ok(format!("{name} ({} inits, {} ms left)", INITS.load(Ordering::SeqCst),
//!         fgs_guest::remaining_time().as_millis()).into_bytes())
//! }
//! fgs_guest::initializer!(init);
//! fgs_guest::handler!(handler);
//! ```
//!
//! Another function is called through the host with [`invoke`] (seed example 4.4); exports other
//! than `handler` and `init` are named with `as`: `fgs_guest::handler!(other as "other")`.
//!
//! Outside `wasm32` (for example in `cargo test` on the host) the host calls are stubs:
//! [`log`] writes to stderr, [`remaining_time`] is unbounded, the context is empty and
//! [`invoke`] fails.
#![deny(missing_docs)]
#![deny(unsafe_code)]

use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

pub use fgs_abi;
pub use fgs_abi::InvocationType;

mod sys;

/// The invocation context (DESIGN §3): request id, function, version, limits, `user_data`...
/// Fetched from the host the first time a field is read, so a handler that never looks at it
/// pays nothing.
#[derive(Default)]
pub struct Context {
    data: OnceLock<fgs_abi::Context>,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.data().fmt(f)
    }
}

impl Context {
    /// A context that fetches its data from the host on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every field of the context.
    pub fn data(&self) -> &fgs_abi::Context {
        self.data.get_or_init(|| {
            let bytes = sys::read_buffer(sys::context);
            serde_json::from_slice(&bytes).unwrap_or_default()
        })
    }

    /// The request id of this invocation.
    pub fn request_id(&self) -> &str {
        &self.data().request_id
    }

    /// The function's name.
    pub fn function_name(&self) -> &str {
        &self.data().function_name
    }

    /// The version or alias the call resolved through.
    pub fn version(&self) -> &str {
        &self.data().version
    }

    /// One `user_data` value (also an environment variable).
    pub fn user_data(&self, key: &str) -> Option<&str> {
        self.data().user_data.get(key).map(String::as_str)
    }

    /// Time left before the timeout, live (same as [`remaining_time`]).
    pub fn remaining_time(&self) -> Duration {
        remaining_time()
    }
}

/// A handled error: the invocation fails with this message, and the instance stays warm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerError {
    message: String,
}

impl HandlerError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        HandlerError {
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HandlerError {}

impl From<String> for HandlerError {
    fn from(message: String) -> Self {
        HandlerError { message }
    }
}

impl From<&str> for HandlerError {
    fn from(message: &str) -> Self {
        HandlerError::new(message)
    }
}

impl From<serde_json::Error> for HandlerError {
    fn from(e: serde_json::Error) -> Self {
        HandlerError::new(format!("invalid JSON: {e}"))
    }
}

/// Why [`invoke`] did not return a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvokeError {
    /// The other function ran and failed; its error message.
    Function(String),
    /// The call could not be made (unknown function, throttled, no invoker); the reason.
    Failed(String),
}

impl fmt::Display for InvokeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvokeError::Function(m) => write!(f, "function error: {m}"),
            InvokeError::Failed(m) => write!(f, "invoke failed: {m}"),
        }
    }
}

impl std::error::Error for InvokeError {}

impl From<InvokeError> for HandlerError {
    fn from(e: InvokeError) -> Self {
        HandlerError::new(e.to_string())
    }
}

/// Appends one line to the invocation's log (returned with the result, last 4 KB as the tail).
pub fn log(message: &str) {
    sys::log(message.as_bytes());
}

/// Time left before this invocation's timeout.
pub fn remaining_time() -> Duration {
    Duration::from_millis(sys::remaining_time_ms().max(0) as u64)
}

/// Invokes another function synchronously through the host and returns its result (seed
/// example 4.4). `urn` is any function URN form the emulator accepts.
pub fn invoke(urn: &str, event: &[u8]) -> Result<Vec<u8>, InvokeError> {
    let status = sys::invoke(urn.as_bytes(), event);
    let response = sys::read_buffer(sys::invoke_response);
    match status {
        fgs_abi::INVOKE_OK => Ok(response),
        fgs_abi::INVOKE_FUNCTION_ERROR => Err(InvokeError::Function(
            String::from_utf8_lossy(&response).into_owned(),
        )),
        _ => Err(InvokeError::Failed(
            String::from_utf8_lossy(&response).into_owned(),
        )),
    }
}

#[doc(hidden)]
pub mod __private {
    pub use crate::sys::{alloc, take_event};
    use crate::{Context, HandlerError};

    /// Runs a handler on the event and reports its outcome to the host.
    pub fn run_handler(
        event: Vec<u8>,
        f: impl FnOnce(&[u8], &Context) -> Result<Vec<u8>, HandlerError>,
    ) -> i32 {
        let ctx = Context::new();
        match f(&event, &ctx) {
            Ok(out) => {
                crate::sys::output(&out);
                fgs_abi::STATUS_OK
            }
            Err(e) => {
                crate::sys::output(e.message.as_bytes());
                fgs_abi::STATUS_ERROR
            }
        }
    }

    /// Runs an initializer and reports its outcome to the host.
    pub fn run_initializer(f: impl FnOnce(&Context) -> Result<(), HandlerError>) -> i32 {
        match f(&Context::new()) {
            Ok(()) => fgs_abi::STATUS_OK,
            Err(e) => {
                crate::sys::output(e.message.as_bytes());
                fgs_abi::STATUS_ERROR
            }
        }
    }

    /// The ABI version export's value.
    pub const fn abi_version() -> i32 {
        fgs_abi::ABI_VERSION
    }
}

/// Exports `f` as a handler: `handler!(f)` exports `handler` (the `handler` setting
/// `index.handler`), `handler!(f as "name")` exports `name`. `f` is
/// `fn(&[u8], &Context) -> Result<Vec<u8>, HandlerError>`.
///
/// The first use in a module also exports the allocator and the ABI version; use
/// [`handler_extra!`] for further entry points in the same module.
#[macro_export]
macro_rules! handler {
    ($f:path) => {
        $crate::handler!($f as "handler");
    };
    ($f:path as $name:literal) => {
        #[allow(unsafe_code)]
        const _: () = {
            // SAFETY: `fgs_alloc` is the allocator export of the fgs-abi contract; the symbol
            // name is unique in a module (use `handler_extra!` for a second entry point).
            #[unsafe(export_name = "fgs_alloc")]
            extern "C" fn __fgs_alloc(len: i32) -> i32 {
                $crate::__private::alloc(len)
            }
            // SAFETY: the ABI version export, unique in a module like `fgs_alloc`.
            #[unsafe(export_name = "fgs_abi_version")]
            extern "C" fn __fgs_abi_version() -> i32 {
                $crate::__private::abi_version()
            }
        };
        $crate::handler_extra!($f as $name);
    };
}

/// Exports one more handler entry point in a module that already used [`handler!`].
#[macro_export]
macro_rules! handler_extra {
    ($f:path as $name:literal) => {
        #[allow(unsafe_code)]
        const _: () = {
            // SAFETY: the export name is the one the function's `handler` setting names; the
            // host passes a (ptr, len) pair it obtained from `fgs_alloc` and filled with `len`
            // bytes, which `take_event` takes ownership of exactly once.
            #[unsafe(export_name = $name)]
            extern "C" fn __fgs_handler(ptr: i32, len: i32) -> i32 {
                let event = unsafe { $crate::__private::take_event(ptr, len) };
                $crate::__private::run_handler(event, $f)
            }
        };
    };
}

/// Exports `f` as the initializer: `initializer!(f)` exports `init` (the
/// `initializer_handler` setting `index.init`), `initializer!(f as "name")` exports `name`.
/// `f` is `fn(&Context) -> Result<(), HandlerError>`.
#[macro_export]
macro_rules! initializer {
    ($f:path) => {
        $crate::initializer!($f as "init");
    };
    ($f:path as $name:literal) => {
        #[allow(unsafe_code)]
        const _: () = {
            // SAFETY: the export name is the one `initializer_handler` names; it takes no
            // pointers from the host.
            #[unsafe(export_name = $name)]
            extern "C" fn __fgs_initializer() -> i32 {
                $crate::__private::run_initializer($f)
            }
        };
    };
}
