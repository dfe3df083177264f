//! `fgs-local`: a local FunctionGraph on loopback.
//!
//! - `fgs-local serve` runs the FunctionGraph REST API (`fgs-http` over `fgs-runtime`) with
//!   a sample function deployed, or the functions of a manifest (`--manifest`), and with
//!   `--watch` redeploys a handler whose file changes.
//! - `fgs-local deploy MANIFEST` applies a manifest to a running server (idempotent).
//! - `fgs-local invoke FUNCTION` invokes a function on a running server.
//! - `fgs-local runtimes install|list` builds / lists the language runtimes (Python).
//!
//! The only crate of the workspace that reads environment variables (`RUST_LOG`,
//! `FGS_RUNTIMES_DIR`) and uses
//! `anyhow`: flags are parsed in [`flags`], then each command resolves them into its own
//! settings.

mod client;
mod deploy;
mod flags;
mod invoke;
mod log_format;
mod log_writer;
mod manifest;
mod runtimes;
mod sample;
mod serve;
mod watch;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = flags::Cli::parse();
    let result = match args.command {
        flags::Command::Serve(a) => serve::run(a),
        flags::Command::Deploy(a) => deploy::run(a),
        flags::Command::Invoke(a) => invoke::run(a),
        flags::Command::Runtimes(a) => runtimes::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("fgs-local: {e:#}");
            ExitCode::from(2)
        }
    }
}
