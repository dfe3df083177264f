//! Building the runtime components (`fgs-local runtimes install`).
//!
//! Python: a venv `<dir>/python-venv` with [`COMPONENTIZE_PY`] pinned, the shim and the WIT
//! written to `<dir>/python-src`, then `componentize-py ... componentize fgs_runtime` into
//! `<dir>/python.wasm` (written to a temporary file and renamed, so a half-built component is
//! never seen). `<dir>/python.stamp` records what was built ([`stamp_of`]); a matching stamp
//! skips the build. Measured: about 40-100 s on a 2-core machine (most of it pre-initializing
//! the interpreter), 19 MB.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::{Error, Language, PYTHON_SHIM, RuntimesDir, WIT};

/// The pinned componentize-py (PyPI) that builds `python.wasm`.
pub const COMPONENTIZE_PY: &str = "0.25.1";

/// What [`install`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    /// The component.
    pub path: PathBuf,
    /// False when an up-to-date component was already there (nothing was run).
    pub built: bool,
}

/// Options of [`install`].
#[derive(Debug, Clone)]
pub struct InstallOptions {
    /// The Python 3 interpreter that creates the venv (default `python3`).
    pub python: String,
    /// Build even when the stamp says the component is up to date.
    pub force: bool,
}

impl Default for InstallOptions {
    fn default() -> Self {
        InstallOptions {
            python: "python3".into(),
            force: false,
        }
    }
}

/// The stamp of a language's component as this build would make it: the tool version and
/// the SHA-256 of the shim and of the WIT. `None` for a language this crate does not build.
pub fn stamp_of(lang: Language) -> Option<String> {
    match lang {
        Language::Python => Some(format!(
            "componentize-py {COMPONENTIZE_PY}\nshim {}\nwit {}\n",
            sha256(PYTHON_SHIM.as_bytes()),
            sha256(WIT.as_bytes())
        )),
        Language::Node => Some(crate::node::node_stamp()),
    }
}

impl RuntimesDir {
    /// The stamp file of a language's component.
    pub fn stamp_path(&self, lang: Language) -> PathBuf {
        self.path().join(format!("{}.stamp", lang.name()))
    }

    /// Whether the installed component was built from this build's shim, WIT and tool
    /// version (`None`: not installed, or nothing to compare with).
    pub fn up_to_date(&self, lang: Language) -> Option<bool> {
        self.installed(lang)?;
        let want = stamp_of(lang)?;
        let have = std::fs::read_to_string(self.stamp_path(lang)).ok()?;
        Some(have == want)
    }
}

/// Builds `lang`'s component into `dir` unless an up-to-date one is there. `progress`
/// receives one line per step.
pub fn install(
    dir: &RuntimesDir,
    lang: Language,
    options: &InstallOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<Installed, Error> {
    match lang {
        Language::Python => install_python(dir, options, progress),
        Language::Node => crate::node::install_node(dir, options, progress),
    }
}

fn install_python(
    dir: &RuntimesDir,
    options: &InstallOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<Installed, Error> {
    let lang = Language::Python;
    let target = dir.component(lang);
    if !options.force && dir.up_to_date(lang) == Some(true) {
        progress(&format!("python: {} is up to date", target.display()));
        return Ok(Installed {
            path: target,
            built: false,
        });
    }
    let root = dir.path();
    mkdirs(root)?;
    let venv = root.join("python-venv");
    let tool = venv.join("bin").join("componentize-py");
    let pin_stamp = venv.join(".fgs-componentize-py");
    let pinned = std::fs::read_to_string(&pin_stamp).is_ok_and(|v| v == COMPONENTIZE_PY);
    if !(pinned && tool.is_file()) {
        progress(&format!(
            "python: creating {} with componentize-py=={COMPONENTIZE_PY}",
            venv.display()
        ));
        run(Command::new(&options.python)
            .arg("-m")
            .arg("venv")
            .arg(&venv))?;
        run(Command::new(venv.join("bin").join("python"))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(["--no-input"])
            .arg(format!("componentize-py=={COMPONENTIZE_PY}")))?;
        write(&pin_stamp, COMPONENTIZE_PY.as_bytes())?;
    }
    let src = root.join("python-src");
    mkdirs(&src.join("wit"))?;
    write(&src.join("fgs_runtime.py"), PYTHON_SHIM.as_bytes())?;
    write(&src.join("wit").join("handler.wit"), WIT.as_bytes())?;
    progress("python: building python.wasm with componentize-py (about a minute)");
    let tmp = root.join(format!("python.wasm.tmp{}", std::process::id()));
    run(Command::new(&tool)
        .current_dir(&src)
        .env_remove("VIRTUAL_ENV")
        .args(["-q", "-d", "wit", "-w", "handler-runtime", "componentize"])
        .args(["-p", ".", "fgs_runtime", "-o"])
        .arg(&tmp))?;
    std::fs::rename(&tmp, &target).map_err(|source| Error::Io {
        path: target.display().to_string(),
        source,
    })?;
    let stamp = stamp_of(lang).unwrap_or_default();
    write(&dir.stamp_path(lang), stamp.as_bytes())?;
    progress(&format!("python: installed {}", target.display()));
    Ok(Installed {
        path: target,
        built: true,
    })
}

pub(crate) fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub(crate) fn mkdirs(path: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Runs a command to its end; a failure keeps the last 2 KB of its output.
pub(crate) fn run(cmd: &mut Command) -> Result<(), Error> {
    let tool = format!("{cmd:?}");
    let out = cmd.output().map_err(|e| Error::Tool {
        tool: tool.clone(),
        message: e.to_string(),
    })?;
    if out.status.success() {
        return Ok(());
    }
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    let start = text.len().saturating_sub(2048);
    let start = (start..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    Err(Error::Tool {
        tool,
        message: format!("{}: {}", out.status, &text[start..]),
    })
}
