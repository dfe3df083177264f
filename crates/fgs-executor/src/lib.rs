//! `fgs-executor`: runs FunctionGraph handlers with wasmtime, with the platform's limits, as
//! close to the cost of a raw wasmtime call as the bookkeeping allows (DESIGN §4, §7).
//!
//! ```
//! use fgs_executor::{Code, Executor, Request, VersionSpec};
//!
//! let executor = Executor::builder().manual_epoch().pool_instances(4).build()?;
//! let module = executor.compile(br#"(module
//!     (import "fgs_v1" "output" (func $output (param i32 i32)))
//!     (memory (export "memory") 1)
//!     (func (export "fgs_alloc") (param i32) (result i32) i32.const 1024)
//!     (func (export "handler") (param i32 i32) (result i32)
//!       (call $output (local.get 0) (local.get 1))
//!       i32.const 0))"#)?;
//! let function = executor.function("echo");
//! let version = function.deploy(Code::Module(module), VersionSpec::new("echo", "index.handler"))?;
//! let inv = version.invoke(&Request::new("req-1", b"hello"))?;
//! assert_eq!(inv.outcome.result(), Some(&b"hello"[..]));
//! assert!(inv.cold_start);
//! assert!(!version.invoke(&Request::new("req-2", b"again"))?.cold_start); // warm, reused
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Model
//!
//! - **One engine** per [`Executor`]: the pooling allocator tuned as DESIGN §7 measured
//!   (`linear_memory_keep_resident`, `PAGEMAP_SCAN` where the kernel has it), falling back to a
//!   pool without `PAGEMAP_SCAN`, then to on-demand allocation ([`Executor::allocator`] tells
//!   which), with epoch interruption. An epoch ticker thread (every
//!   [`ExecutorBuilder::epoch_tick`], default 10 ms) stops when the executor is dropped; tests
//!   use [`ExecutorBuilder::manual_epoch`] and [`Executor::tick`].
//! - **Modules** are compiled once per SHA-256 digest ([`Executor::compile`]), optionally cached
//!   on disk as serialized artifacts ([`ExecutorBuilder::cache_dir`]). Invalid bytes fail there,
//!   at deploy time ([`Error::InvalidModule`]).
//! - **Versions** ([`Function::deploy`]) are linked once (one `InstancePre`) and keep a pool of
//!   warm instances. An instance runs one invocation at a time; it is reused while warm, runs
//!   the initializer once before its first invocation (bounded by the initializer timeout), and
//!   is discarded after a trap, timeout, out-of-memory or failed initializer.
//! - **Memory**: a store's memories and tables together are capped at `memory_size` MB (table
//!   elements count 8 bytes each); a guest that needs more gets [`Outcome::OutOfMemory`].
//! - **Time**: the timeout is enforced with epoch deadlines: with the ticker, a guest is stopped
//!   within one tick after its timeout; with manual ticks, after `ceil(timeout / tick)` ticks.
//!   The guest's remaining time follows the same clock (wall time, or ticks when manual).
//! - **CPU share** ([`ExecutorBuilder::cpu_share`], on by default): `cpu` millicores below 1000
//!   give a share `s = cpu / 1000` of one core (an instance runs on one thread, so 1000 or more
//!   is unthrottled). At every epoch tick while the guest runs, the host pauses the guest's
//!   thread for `ran * (1 - s) / s`, where `ran` is the wall time the guest ran since its last
//!   pause (a pause under 100 us is owed to the next tick instead), so over a call the guest
//!   runs about `s` of the wall time. Tolerance: one tick per
//!   slice and the OS scheduler's noise (host calls count as running); the test accepts a
//!   measured share within 0.4x..1.67x of `s` on a loaded 2-core machine. Manual-tick
//!   executors never pause.
//! - **Concurrency**: [`Function::set_max_instances`] bounds the invocations of a function
//!   running at once (one instance each); beyond it a call is rejected with
//!   [`Error::TooManyInstances`] (the runtime answers 429 FSS.0429) or waits, per
//!   [`OverLimit`]. [`Version::set_reserved`] pre-warms reserved instances (initializer
//!   included) that idle reclaim never drops; [`Executor::reclaim_idle`] drops other instances
//!   idle for the idle timeout, measured on the injected clock ([`ExecutorBuilder::clock`]).
//! - **On an async server** ([`Request::on_async_worker`]): a handler module's call runs on
//!   the tokio worker that asked for it, with no hop to another thread, and steps off the
//!   worker (`block_in_place`) only where it may block: WASI calls that do I/O, a guest still
//!   running at its first epoch tick or paused for its CPU share, a wait for an instance, a
//!   sub-function call; components and WASI commands run off the worker as a whole.
//! - **Logs**: stdout, stderr and `log` calls go, in order, to a per-invocation log bounded by
//!   [`ExecutorBuilder::log_limit`] (oldest bytes dropped); [`Invocation::log_tail`] is the last
//!   4 KB. A trap's message and wasm backtrace are appended.
//! - **Environment**: `user_data` keys are environment variables; the function's dependency
//!   directory is preopened read-only at [`fgs_abi::DEPS_DIR`]; the guest's wall clock is the
//!   executor's clock.
//! - **Components** (DESIGN §3 item 3): a language runtime component such as `python.wasm`
//!   ([`Executor::load_component`], compiled once, its serialized artifact kept beside it)
//!   deployed as [`Code::Component`] with the code package's files: each instance calls the
//!   component's `load` (the user's code, read through `read-file`), then `initialize` once
//!   and `handle` per call, under the same memory, time and CPU limits; a failure the
//!   component reports maps to a handled function error (its trace in the log), a missing
//!   handler or an initializer failure, and a trap, timeout or out-of-memory discards the
//!   instance as for modules.
//! - **Outcomes** are data ([`Outcome`]); `Err` is only for what is not a run (a rejected call,
//!   an exhausted pool, an invalid module).
#![deny(missing_docs)]
#![deny(unsafe_code)]

//!
//! # Layout
//!
//! The modules depend on each other top-down, never back:
//!
//! - `function` (public [`Function`], deploy) -> `engine` ([`Executor`]: engine, ticker,
//!   module cache, `compile`) -> `pool` ([`Version`]: warm instances, invoke, reserved,
//!   reclaim) -> `live` (a pooled instance of either kind) -> `kind` (which entry point),
//!   `instance` (handler-module instances), `component_live` (language runtime component
//!   instances: `load`, `initialize`, `handle`), `command` (WASI commands), `idle` (sharded
//!   idle lists), `limit` (max instances);
//! - `component` (the `fgs:lang/handler-runtime` bindings, its host side, the component
//!   linker, compiling a runtime component once with its `.cwasm` cached beside it);
//! - -> `imports` (the `fgs_v1` host functions and the linker) and `store` (building stores:
//!   WASI context, limiter, epoch callback) -> `state` (the store's data: call, limiter,
//!   epoch callback) -> `shared` (what stores read from the executor), `context`,
//!   `capture`, `buffer`;
//! - leaves: `settings` ([`ExecutorBuilder`]), `spec`, `module`, `invoker`, `outcome`, `error`.

mod buffer;
mod capture;
mod command;
mod component;
mod component_live;
mod context;
mod engine;
mod error;
mod function;
mod idle;
mod imports;
mod instance;
mod invoker;
mod kind;
mod limit;
mod live;
mod module;
mod outcome;
mod pool;
mod settings;
mod shared;
mod spec;
mod state;
mod store;
mod worker;

pub use component::{CompiledComponent, PackageFiles};
pub use engine::{Allocator, Executor};
pub use error::{Error, Result};
pub use function::Function;
pub use invoker::{SubInvokeResult, SubInvoker};
pub use module::CompiledModule;
pub use outcome::{Invocation, LOG_TAIL_BYTES, Outcome};
pub use pool::{PoolStats, Version};
pub use settings::ExecutorBuilder;
pub use spec::{Code, OverLimit, Request, SharedFiles, VersionSpec, cpu_for_memory};

pub use fgs_abi;
