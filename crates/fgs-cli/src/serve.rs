//! `fgs-local serve`: the REST API of every project on one listener (`fgs_http::Api` over
//! a [`Platform`]), with the functions of a manifest (or the embedded sample) deployed through
//! that same API once it listens, hot reload with `--watch`, one log line per invocation, and
//! a graceful stop on SIGINT or SIGTERM (calls in flight finish, then the port is freed).
//!
//! With `--state-dir DIR` the emulator keeps its state in `DIR` (`EmulatorBuilder::state_dir`)
//! and restores it at start. A manifest is applied again at each start (applying is
//! idempotent, so nothing is duplicated); the embedded sample is deployed only when the
//! default project has no function, so a restart neither duplicates nor resets it.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow, bail};
use fgs_runtime::{Emulator, Platform};

use crate::client::Client;
use crate::flags::{EndpointArgs, ServeArgs};
use crate::log_format::LineFormat;
use crate::log_writer::LogWriter;
use crate::manifest::Manifest;
use crate::{deploy, sample, watch};

/// What `serve` runs with, resolved from the flags.
struct Settings {
    addr: SocketAddr,
    manifest: Manifest,
    /// Whether `manifest` is the embedded sample (deployed only into an empty project).
    sample: bool,
    state_dir: Option<std::path::PathBuf>,
    max_projects: usize,
    watch: bool,
    auth: fgs_http::Auth,
    /// A token the server accepts, for its own requests (the manifest) and the printed curl.
    token: Option<String>,
    /// Whether `token` is one the user gave (printed) or made here (never printed).
    token_given: bool,
}

fn resolve(args: ServeArgs) -> Result<Settings> {
    let manifest = match &args.manifest {
        Some(p) => Manifest::load(p)?,
        None => sample::manifest()?,
    };
    let mut keys = Vec::new();
    for k in &args.auth_keys {
        let (ak, sk) = k
            .split_once(':')
            .filter(|(a, s)| !a.is_empty() && !s.is_empty())
            .ok_or_else(|| anyhow!("--auth-key '{k}' must be AK:SK (an access key id and its secret, joined by ':')"))?;
        keys.push((ak.to_owned(), sk.to_owned()));
    }
    let mut tokens = args.auth_tokens.clone();
    let verify = !keys.is_empty() || !tokens.is_empty();
    let (token, token_given) = match tokens.first() {
        Some(t) => (Some(t.clone()), true),
        None if verify => {
            let own = internal_token();
            tokens.push(own.clone());
            (Some(own), false)
        }
        None => (None, false),
    };
    let auth = if verify {
        fgs_http::Auth::Verify { keys, tokens }
    } else {
        fgs_http::Auth::Open
    };
    Ok(Settings {
        addr: SocketAddr::new(args.listen, args.port),
        manifest,
        sample: args.manifest.is_none(),
        state_dir: args.state_dir,
        max_projects: args.max_projects,
        watch: args.watch,
        auth,
        token,
        token_given,
    })
}

/// 128 random bits as hex, from the standard library's per-process hash keys.
fn internal_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let word = || {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.finish()
    };
    format!("{:016x}{:016x}", word(), word())
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    // Held to the end: dropping it writes out the last lines.
    let _log = init_logging();
    let s = resolve(args)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(serve(s))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(s: Settings) -> Result<()> {
    let listener = match tokio::net::TcpListener::bind(s.addr).await {
        Ok(l) => l,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => bail!(
            "port {} on {} is in use: stop the program that holds it, or pick another port with --port",
            s.addr.port(),
            s.addr.ip()
        ),
        Err(e) => bail!("cannot listen on {}: {e}", s.addr),
    };
    let local = listener
        .local_addr()
        .context("the listener has no address")?;
    let base = format!("http://{local}");
    // APIG triggers report an invoke_url on this listener (`fgs_http::apig`).
    let runtimes = crate::runtimes::runtimes_dir(None);
    let mut builder = Emulator::builder()
        .apig_base_url(base.clone())
        .runtimes_dir(runtimes.path());
    if let Some(dir) = &s.state_dir {
        builder = builder.state_dir(dir);
    }
    let platform = Platform::new(builder).map_err(|e| match &s.state_dir {
        Some(dir) => anyhow!("cannot open the state dir '{}': {e}", dir.display()),
        None => anyhow!("cannot start the emulator: {e}"),
    })?;
    platform.set_max_projects(s.max_projects);
    let project = platform.default_project_id().to_owned();
    let kept = stored_functions(&platform)?;
    let config = fgs_http::HttpConfig {
        auth: s.auth.clone(),
    };
    let api = fgs_http::Api::new(platform.clone(), config);
    let server =
        tokio::spawn(async move { fgs_http::serve(listener, api, shutdown_signal()).await });

    let client = Client::new(&EndpointArgs {
        endpoint: base.clone(),
        project: project.clone(),
        token: s.token.clone(),
    });
    println!("fgs-local: listening on {base} (project {project})");
    if let Some(dir) = &s.state_dir {
        println!(
            "fgs-local: state in {}: restored {} function(s) of project {project}",
            dir.display(),
            kept.len()
        );
    }
    // A restart on a state dir keeps what the user made: the sample goes only into an
    // empty project; a manifest is applied again (idempotent).
    let deploy_manifest = !s.sample || kept.is_empty();
    if deploy_manifest {
        let (manifest, apply_client) = (s.manifest.clone(), client.clone());
        let applied = tokio::task::spawn_blocking(move || deploy::apply(&apply_client, &manifest))
            .await
            .context("the deploy task failed")??;
        println!(
            "fgs-local: deployed {} function(s) from {}: {applied}",
            s.manifest.functions.len(),
            s.manifest.origin
        );
    }
    let first = if deploy_manifest {
        s.manifest.functions.first().map(|f| f.urn())
    } else {
        kept.first().cloned()
    };
    if let Some(urn) = first {
        let auth = match (&s.token, s.token_given) {
            (Some(t), true) => format!(" -H 'X-Auth-Token: {t}'"),
            _ => String::new(),
        };
        println!("fgs-local: invoke it with:");
        println!(
            "  curl -s -X POST {base}/v2/{project}/fgs/functions/{}/invocations -H 'Content-Type: application/json'{auth} -d '{{\"hello\": \"world\"}}'",
            crate::client::seg(&urn)
        );
    }
    let _watcher = s.watch.then(|| watch::start(s.manifest.clone(), client));
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    server
        .await
        .context("the server task failed")?
        .context("the server failed")?;
    println!("fgs-local: stopped");
    Ok(())
}

/// The functions of the default project (`package:name`, or `name` in package `default`),
/// in creation order.
fn stored_functions(platform: &Platform) -> Result<Vec<String>> {
    let list = platform
        .default_project()
        .list_functions(&Default::default())
        .map_err(|e| anyhow!("cannot list the restored functions: {e}"))?;
    Ok(list
        .functions
        .iter()
        .map(|f| {
            if f.package == "default" {
                f.func_name.clone()
            } else {
                format!("{}:{}", f.package, f.func_name)
            }
        })
        .collect())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing calls in flight");
}

/// Log lines (`log_format`) to standard error, buffered off the workers (`log_writer`);
/// `RUST_LOG` sets the filter (default `info`, wasmtime quiet). Without the buffer's thread,
/// lines go straight to standard error.
fn init_logging() -> Option<LogWriter<std::io::Stderr>> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("info,wasmtime=warn,cranelift=warn")
    });
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let fmt = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .event_format(LineFormat { ansi });
    match LogWriter::new(std::io::stderr()) {
        Ok(writer) => {
            let _ = fmt.with_writer(writer.make_writer()).try_init();
            Some(writer)
        }
        Err(_) => {
            let _ = fmt.with_writer(std::io::stderr).try_init();
            None
        }
    }
}
