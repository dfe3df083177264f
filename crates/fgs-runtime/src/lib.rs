//! `fgs-runtime`: the FunctionGraph emulator.
//!
//! An [`Emulator`] holds every function, version, alias, trigger and configuration of one
//! project and manages them exactly as FunctionGraph does, with the seed's validation rules
//! and `FSS.xxxx` error codes ([`fgs_core::Error`]). Its methods take and return the seed's
//! request and response shapes (serde types from `fgs-core`), so the REST front end is a thin
//! layer over it.
//!
//! [`Emulator::invoke`] runs functions: WebAssembly handlers through `fgs-executor`, with
//! the platform's limits, alias routing, reserved and idle instances and §5.8 metrics. Each
//! way a call can end is a row of one table ([`OutcomeKind`]: HTTP status, `status`,
//! `error_code`), which the REST layer renders.
#![deny(missing_docs)]

mod aliases;
mod apig;
mod async_config;
pub mod async_invoke;
mod dependencies;
mod emulator;
mod functions;
mod invoke;
mod logs;
mod metrics;
mod platform;
mod quotas;
mod reserved;
mod scheduler;
mod state;
mod store;
mod test_events;
mod tracing_config;
mod transfer;
mod triggers;
mod versions;

pub use apig::{ApigAnswer, ApigRoute};
pub use async_invoke::{DestinationDelivery, DestinationSink, RecordingSink};
pub use emulator::{
    DEFAULT_DOMAIN_ID, DEFAULT_PROJECT_ID, DEFAULT_REGION, Emulator, EmulatorBuilder,
};
pub use fgs_core::{Error, ErrorKind, Result};
pub use invoke::{InvocationResult, InvocationType, InvokeOptions, OutcomeKind, OverLimit};
pub use platform::{DEFAULT_MAX_PROJECTS, Platform};
pub use scheduler::{DELIVERY_LOG_CAPACITY, DeliveredEvent};

/// The README's embedding example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctest;
