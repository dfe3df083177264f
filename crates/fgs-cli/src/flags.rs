//! The command line as typed (clap): raw flags only; each command resolves them.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A local FunctionGraph: the REST API on loopback, manifests, invoke, hot reload.
#[derive(Debug, Parser)]
#[command(name = "fgs-local", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the FunctionGraph REST API (all endpoints of the API reference, APIG trigger
    /// routes) with a sample function deployed, or the functions of a manifest.
    Serve(ServeArgs),
    /// Apply a manifest to a running server through the REST API (applying twice changes
    /// nothing).
    Deploy(DeployArgs),
    /// Invoke a function on a running server and print its result.
    Invoke(InvokeArgs),
    /// Install or list the language runtimes that run Python handlers (`index.py`).
    Runtimes(crate::runtimes::RuntimesArgs),
}

/// Where a running server is.
#[derive(Debug, Args, Clone)]
pub struct EndpointArgs {
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8000")]
    pub endpoint: String,
    /// The project id in request paths (default: the server's default project).
    #[arg(long, default_value = fgs_runtime::DEFAULT_PROJECT_ID)]
    pub project: String,
    /// Sent as `X-Auth-Token` (for a server started with `--auth-token`).
    #[arg(long)]
    pub token: Option<String>,
}

/// `fgs-local serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The TCP port (0: any free port, printed at start).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub listen: IpAddr,
    /// A manifest (TOML or YAML) to deploy at start instead of the sample function.
    #[arg(long)]
    pub manifest: Option<PathBuf>,
    /// Keep all state (functions, versions, aliases, triggers, configs, the async queue and
    /// its records) in this directory and restore it at start. Without it, state lives in
    /// memory and is gone when the server stops.
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// The most projects requests may make: a request naming one more project id is 403
    /// FSS.0403 (each project has its own scheduler thread and store).
    #[arg(long, value_name = "N", default_value_t = fgs_runtime::DEFAULT_MAX_PROJECTS)]
    pub max_projects: usize,
    /// Redeploy a manifest function's code to `latest` when its file or directory changes.
    #[arg(long, requires = "manifest")]
    pub watch: bool,
    /// Verify every request: accept the AK/SK signature of this key pair (`AK:SK`; the
    /// official SDKs' `SDK-HMAC-SHA256`). Repeat for more keys. Without `--auth-key` or
    /// `--auth-token` every request is accepted.
    #[arg(long = "auth-key", value_name = "AK:SK")]
    pub auth_keys: Vec<String>,
    /// Verify every request: accept this `X-Auth-Token`. Repeat for more tokens.
    #[arg(long = "auth-token", value_name = "TOKEN")]
    pub auth_tokens: Vec<String>,
}

/// `fgs-local deploy`.
#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The manifest (TOML or YAML).
    pub manifest: PathBuf,
    #[command(flatten)]
    pub endpoint: EndpointArgs,
}

/// `fgs-local invoke`.
#[derive(Debug, Args)]
pub struct InvokeArgs {
    /// The function: a name, `package:name`, or any URN form of the API reference.
    pub function: String,
    /// The event: a file, or `-` for standard input (default `{}`).
    #[arg(long)]
    pub event: Option<PathBuf>,
    /// Invoke asynchronously: print the request id.
    #[arg(long = "async")]
    pub is_async: bool,
    /// Invoke this published version.
    #[arg(long, conflicts_with = "alias")]
    pub version: Option<String>,
    /// Invoke through this alias.
    #[arg(long)]
    pub alias: Option<String>,
    /// Also print the log tail (last 4 KB) to standard error.
    #[arg(long)]
    pub log: bool,
    #[command(flatten)]
    pub endpoint: EndpointArgs,
}
