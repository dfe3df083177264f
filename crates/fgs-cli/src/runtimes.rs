//! `fgs-local runtimes install|list`: the language runtime components (issue 11, `fgs_lang`)
//! that run Python (and Node.js) handlers. The runtimes dir is `--dir`, else
//! `$FGS_RUNTIMES_DIR`, else `$XDG_CACHE_HOME/fgs-local/runtimes` or
//! `~/.cache/fgs-local/runtimes`; `serve` uses the same directory.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use fgs_lang::{InstallOptions, Language, RuntimesDir};

/// `fgs-local runtimes`.
#[derive(Debug, Args)]
pub struct RuntimesArgs {
    #[command(subcommand)]
    pub command: RuntimesCommand,
    /// The runtimes directory (default `$FGS_RUNTIMES_DIR`, else
    /// `~/.cache/fgs-local/runtimes`).
    #[arg(long, global = true)]
    pub dir: Option<PathBuf>,
}

/// The `runtimes` subcommands.
#[derive(Debug, Subcommand)]
pub enum RuntimesCommand {
    /// Build the runtime components (default: every language, `python` and `node`): a venv
    /// with the pinned componentize-py, then `python.wasm`; `npm ci` of the pinned
    /// componentize-js, then `node.wasm`. Idempotent: an up-to-date component is kept.
    Install {
        /// The languages (`python`, `node`).
        languages: Vec<String>,
        /// Rebuild even when the component is up to date.
        #[arg(long)]
        force: bool,
        /// The Python 3 interpreter that creates the venv.
        #[arg(long, default_value = "python3")]
        python: String,
    },
    /// Show each language's component: installed, up to date, path.
    List,
}

/// The runtimes dir of this process: `--dir`, else the environment's default.
pub fn runtimes_dir(flag: Option<PathBuf>) -> RuntimesDir {
    match flag {
        Some(dir) => RuntimesDir::new(dir),
        None => fgs_lang::default_runtimes_dir(|k| std::env::var_os(k)),
    }
}

pub fn run(args: RuntimesArgs) -> Result<ExitCode> {
    let dir = runtimes_dir(args.dir);
    match args.command {
        RuntimesCommand::List => {
            println!("runtimes dir: {}", dir.path().display());
            for lang in Language::ALL {
                let state = match (dir.installed(lang), dir.up_to_date(lang)) {
                    (None, _) => "not installed".to_string(),
                    (Some(p), Some(false)) => {
                        format!(
                            "installed (outdated: run `fgs-local runtimes install {lang}`) {}",
                            p.display()
                        )
                    }
                    (Some(p), _) => format!("installed {}", p.display()),
                };
                println!("{lang:<8} {state}");
            }
            Ok(ExitCode::SUCCESS)
        }
        RuntimesCommand::Install {
            languages,
            force,
            python,
        } => {
            let langs = if languages.is_empty() {
                Language::ALL.to_vec()
            } else {
                let mut out = Vec::new();
                for name in &languages {
                    match Language::parse(name) {
                        Some(l) => out.push(l),
                        None => bail!("unknown language {name:?}: expected python or node"),
                    }
                }
                out
            };
            let options = InstallOptions { python, force };
            for lang in langs {
                let installed =
                    fgs_lang::install(&dir, lang, &options, &mut |line| eprintln!("{line}"))?;
                println!("{lang} {}", installed.path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
