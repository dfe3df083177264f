//! `fgs-abi`: the versioned contract between the fgs-local host (`fgs-executor`) and the
//! WebAssembly code it runs (written by hand, or with the `fgs-guest` SDK for Rust).
//!
//! This crate holds only names, numbers and the [`Context`] type; both sides compile against it,
//! so a name can never drift between host and guest. The contract version is [`ABI_VERSION`].
//!
//! # Two kinds of module (DESIGN §3)
//!
//! The executor tells them apart by their exports: a module that exports the entry point named
//! by the function's `handler` is a **handler module**; otherwise a module that exports `_start`
//! is a **WASI command**; otherwise the invocation fails with a "missing handler" outcome.
//!
//! ## 1. Handler modules (instances reused)
//!
//! A `wasm32-wasip1` module (a reactor, or a binary with `#![no_main]`) that exports:
//!
//! | export | signature | role |
//! |---|---|---|
//! | [`EXPORT_MEMORY`] `memory` | memory | the guest's linear memory |
//! | [`EXPORT_ALLOC`] `fgs_alloc` | `(len: i32) -> i32` | returns `len` writable bytes (no alignment promised); the host places the event there and the guest owns (frees) them after the call |
//! | the handler, e.g. `handler` | `(ptr: i32, len: i32) -> i32` | runs one invocation on the event at `ptr..ptr+len`; returns [`STATUS_OK`] or [`STATUS_ERROR`] |
//! | the initializer, e.g. `init` (optional) | `() -> i32` | runs once per instance before its first invocation; returns [`STATUS_OK`] or [`STATUS_ERROR`] |
//! | [`EXPORT_ABI_VERSION`] `fgs_abi_version` (optional) | `() -> i32` | the contract version the guest was built for; if present it must equal [`ABI_VERSION`] |
//! | `_initialize` (optional) | `() -> ()` | a reactor's constructor, called once when the instance is created |
//!
//! The function's `handler` setting `"index.handler"` names the file `index.wasm` in the code
//! package and the export `handler` ([`split_handler`]); `initializer_handler` `"index.init"`
//! names the export `init`. Before returning, the handler (or initializer) may call the
//! [`IMPORT_OUTPUT`] import once: with [`STATUS_OK`] those bytes are the result, with
//! [`STATUS_ERROR`] they are the handled error's message (UTF-8). Any other return value, or a
//! trap, is an unhandled failure.
//!
//! Host imports, all in module [`IMPORT_MODULE`] (`fgs_v1`); pointers are offsets into `memory`:
//!
//! | import | signature | meaning |
//! |---|---|---|
//! | [`IMPORT_OUTPUT`] `output` | `(ptr, len)` | sets the call's result (or error message); the last call wins |
//! | [`IMPORT_LOG`] `log` | `(ptr, len)` | appends one line to the invocation's log |
//! | [`IMPORT_REMAINING_TIME`] `remaining_time_ms` | `() -> i64` | milliseconds until the invocation's timeout |
//! | [`IMPORT_CONTEXT`] `context` | `(ptr, cap) -> i32` | writes up to `cap` bytes of the JSON [`Context`] at `ptr` and returns its full length (call with `cap = 0` to size a buffer) |
//! | [`IMPORT_INVOKE`] `invoke` | `(urn_ptr, urn_len, event_ptr, event_len) -> i32` | invokes another function synchronously (seed example 4.4); returns [`INVOKE_OK`], [`INVOKE_FUNCTION_ERROR`] or [`INVOKE_FAILED`] |
//! | [`IMPORT_INVOKE_RESPONSE`] `invoke_response` | `(ptr, cap) -> i32` | copies the last `invoke`'s response (result, error message or failure reason) like `context` |
//!
//! The guest may also use WASI preview 1 (`wasi_snapshot_preview1`): stdout and stderr go to
//! the invocation's log, environment variables hold the function's `user_data` plus the
//! `RUNTIME_*` variables below, the clocks are the emulator's, and the function's dependencies
//! are readable (read-only) under [`DEPS_DIR`].
//!
//! An instance runs one invocation at a time and is reused for later invocations of the same
//! function version while it stays warm; memory (statics, heap) survives between calls. An
//! instance whose call trapped, timed out or ran out of memory is discarded.
//!
//! ## 2. WASI commands (any toolchain; a new instance per invocation)
//!
//! A `wasm32-wasip1` command: `_start` reads the event from stdin and writes the result to
//! stdout; stderr goes to the log; the context is in the environment ([`ENV_CONTEXT`] holds the
//! whole JSON [`Context`], plus the `RUNTIME_*` variables and the `user_data` keys). Exit code 0
//! (or returning from `_start`) is success; a non-zero exit code is a function error whose message
//! is the process's stderr tail.
//!
//! # Events that triggers deliver
//!
//! A function invoked by a trigger receives that trigger type's event as its event bytes
//! (JSON). The shapes follow the platform's public event templates (the FunctionGraph
//! developer guide's "Supported Event Sources" page, one example event per source, and the
//! same templates in the runtime SDKs); `fgs_core::trigger::events` builds them and documents
//! how a payload given to `Emulator::fire_trigger` fills each one. Top-level keys, and whether
//! the trigger invokes synchronously or asynchronously:
//!
//! | type | top-level keys | invocation |
//! |---|---|---|
//! | TIMER | `version`, `time`, `trigger_type`, `trigger_name`, `user_event` | async |
//! | APIG, DEDICATEDGATEWAY, APIC | `body`, `requestContext`, `queryStringParameters`, `httpMethod`, `pathParameters`, `headers`, `path`, `isBase64Encoded` | sync |
//! | OBS | `Records` (each `eventVersion`, `eventSource`, `eventRegion`, `eventTime`, `eventName`, `userIdentity`, `requestParameters`, `responseElements`, `s3`) | async |
//! | SMN | `record` (each `event_version`, `smn`, `event_subscription_urn`, `event_source`) | async |
//! | DMS | `queue_id`, `region`, `event_type`, `consumer_group_id`, `messages` | async |
//! | DIS | `ShardID`, `Message` (`next_partition_cursor`, `records`, `millisBehindLatest`), `Tag`, `StreamName` | async |
//! | KAFKA | `event_version`, `event_time`, `trigger_type`, `region`, `instance_id`, `records` (each `messages`, `topic_id`) | async |
//! | LTS | `lts` (`data`: Base64 of `{"logs", "owner", "log_group_id", "log_topic_id"}`) | async |
//! | CTS | `cts` (`time`, `user`, `request`, `response`, `code`, `service_type`, `resource_type`, `resource_name`, `resource_id`, `trace_name`, `trace_type`, `record_time`, `trace_id`, `trace_status`) | async |
//! | DDS | `records` (each `event_source`, `event_name`, `region`, `event_version`, `dds`, `event_source_id`) | async |
//!
//! # Example: the smallest handler module, by hand
//!
//! ```text
//! (module
//!   (import "fgs_v1" "output" (func $output (param i32 i32)))
//!   (memory (export "memory") 1)
//!   (func (export "fgs_alloc") (param i32) (result i32) i32.const 1024)
//!   (func (export "handler") (param $ptr i32) (param $len i32) (result i32)
//!     (call $output (local.get $ptr) (local.get $len))   ;; echo the event
//!     i32.const 0))
//! ```
#![deny(missing_docs)]

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The version of this contract. A guest that exports [`EXPORT_ABI_VERSION`] must return it.
pub const ABI_VERSION: i32 = 1;

/// The module name of every host import.
pub const IMPORT_MODULE: &str = "fgs_v1";
/// `output(ptr: i32, len: i32)`: sets the result or handled error message.
pub const IMPORT_OUTPUT: &str = "output";
/// `log(ptr: i32, len: i32)`: appends a line to the invocation log.
pub const IMPORT_LOG: &str = "log";
/// `remaining_time_ms() -> i64`: milliseconds left before the timeout.
pub const IMPORT_REMAINING_TIME: &str = "remaining_time_ms";
/// `context(ptr: i32, cap: i32) -> i32`: copies the JSON [`Context`], returns its length.
pub const IMPORT_CONTEXT: &str = "context";
/// `invoke(urn_ptr, urn_len, event_ptr, event_len) -> i32`: synchronous sub-function call.
pub const IMPORT_INVOKE: &str = "invoke";
/// `invoke_response(ptr: i32, cap: i32) -> i32`: copies the last invoke's response.
pub const IMPORT_INVOKE_RESPONSE: &str = "invoke_response";

/// The guest's linear memory export.
pub const EXPORT_MEMORY: &str = "memory";
/// The allocator export: `fgs_alloc(len: i32) -> i32`.
pub const EXPORT_ALLOC: &str = "fgs_alloc";
/// The optional ABI version export: `fgs_abi_version() -> i32`.
pub const EXPORT_ABI_VERSION: &str = "fgs_abi_version";
/// A reactor's constructor, called once per instance if exported.
pub const EXPORT_INITIALIZE: &str = "_initialize";
/// A WASI command's entry point.
pub const EXPORT_START: &str = "_start";

/// Handler/initializer return value: success, the output is the result.
pub const STATUS_OK: i32 = 0;
/// Handler/initializer return value: handled error, the output is the message.
pub const STATUS_ERROR: i32 = 1;

/// `invoke` status: the sub-function succeeded; the response is its result.
pub const INVOKE_OK: i32 = 0;
/// `invoke` status: the sub-function ran and failed; the response is its error message.
pub const INVOKE_FUNCTION_ERROR: i32 = 1;
/// `invoke` status: the call could not be made (unknown function, no invoker, throttled...);
/// the response is the reason.
pub const INVOKE_FAILED: i32 = 2;

/// The read-only directory where the function's dependency files (§5.3) are visible.
pub const DEPS_DIR: &str = "/opt/function/deps";

/// Environment variable holding the whole JSON [`Context`] (WASI commands).
pub const ENV_CONTEXT: &str = "RUNTIME_CONTEXT";
/// Environment variable: request id (WASI commands).
pub const ENV_REQUEST_ID: &str = "RUNTIME_REQUEST_ID";
/// Environment variable: function name.
pub const ENV_FUNC_NAME: &str = "RUNTIME_FUNC_NAME";
/// Environment variable: version or alias the call resolved through.
pub const ENV_FUNC_VERSION: &str = "RUNTIME_FUNC_VERSION";
/// Environment variable: package (application) name.
pub const ENV_PACKAGE: &str = "RUNTIME_PACKAGE";
/// Environment variable: project id.
pub const ENV_PROJECT_ID: &str = "RUNTIME_PROJECT_ID";
/// Environment variable: memory size in MB.
pub const ENV_MEMORY: &str = "RUNTIME_MEMORY";
/// Environment variable: CPU in millicores.
pub const ENV_CPU: &str = "RUNTIME_CPU";
/// Environment variable: timeout in seconds.
pub const ENV_TIMEOUT: &str = "RUNTIME_TIMEOUT";
/// Environment variable: the handler setting, e.g. `index.handler`.
pub const ENV_HANDLER: &str = "RUNTIME_HANDLER";
/// Environment variable: the dependency directory ([`DEPS_DIR`]).
pub const ENV_DEPS_DIR: &str = "RUNTIME_DEPS_DIR";

/// Splits a `handler` setting into the code file and the export:
/// `"index.handler"` is the file `index.wasm` and the export `handler` (DESIGN §3).
/// The split is at the last dot; `None` if there is no dot or either side is empty.
///
/// ```
/// assert_eq!(fgs_abi::split_handler("index.handler"), Some(("index.wasm".to_string(), "handler")));
/// assert_eq!(fgs_abi::split_handler("lib.v2.main"), Some(("lib.v2.wasm".to_string(), "main")));
/// assert_eq!(fgs_abi::split_handler("handler"), None);
/// ```
pub fn split_handler(handler: &str) -> Option<(String, &str)> {
    let (file, export) = handler.rsplit_once('.')?;
    if file.is_empty() || export.is_empty() {
        return None;
    }
    Some((format!("{file}.wasm"), export))
}

/// How the invocation was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvocationType {
    /// A synchronous invoke (§5.1.1).
    #[default]
    Sync,
    /// An asynchronous invoke (§5.1.2), possibly a retry.
    Async,
}

/// The invocation context a handler sees (DESIGN §3), as JSON through the [`IMPORT_CONTEXT`]
/// import or the [`ENV_CONTEXT`] variable.
///
/// ```
/// let ctx = fgs_abi::Context { request_id: "r-1".into(), function_name: "hello".into(), ..Default::default() };
/// let json = serde_json::to_string(&ctx)?;
/// assert!(json.contains("\"request_id\":\"r-1\""));
/// let back: fgs_abi::Context = serde_json::from_str(&json)?;
/// assert_eq!(back, ctx);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Context {
    /// The request id of this invocation.
    pub request_id: String,
    /// The function's name.
    pub function_name: String,
    /// The function's package (application).
    pub package: String,
    /// The version (`latest`, `v1`...) or alias the invocation resolved through.
    pub version: String,
    /// Memory size in MB (§1.6.1).
    pub memory_size: u32,
    /// CPU in millicores: `memory_size / 128 * 100 + 200` (§1.6.1).
    pub cpu: u32,
    /// Timeout in seconds.
    pub timeout: u32,
    /// Milliseconds left when the context was produced (use the `remaining_time_ms` import for a
    /// live figure).
    pub remaining_time_ms: u64,
    /// The function's `user_data` (also exported as environment variables).
    pub user_data: BTreeMap<String, String>,
    /// The project id.
    pub project_id: String,
    /// Sync or async.
    pub invocation_type: InvocationType,
    /// Attempt number, 1 for the first try (async retries count up).
    pub attempt: u32,
}
