//! Integration tests of `fgs-runtime`, all through the public API (one test binary).

mod common;
mod lang;

mod aliases;
mod async_config;
mod async_invoke;
mod dependencies;
mod errors;
mod functions;
mod hostile;
mod invoke;
mod logs;
mod metrics;
mod node;
mod platform;
mod python;
mod quotas;
mod reserved;
mod scenarios;
mod scheduler;
mod store;
mod test_events;
mod tracing_config;
mod transfer;
mod triggers;
mod urns;
mod versions;
