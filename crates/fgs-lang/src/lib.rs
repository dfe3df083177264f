//! `fgs-lang`: the language runtimes of fgs-local (issue 11, DESIGN §3 item 3).
//!
//! FunctionGraph handlers written in Python (`def handler(event, context)`) or Node.js run as
//! WebAssembly components: **one runtime component per language** (`python.wasm`,
//! `node.wasm`), built once by `fgs-local runtimes install` into a runtimes directory, which
//! implements the WIT world `fgs:lang/handler-runtime` ([`WIT`]) and loads the user's code from
//! the code package at instance start through the host's `read-file`. Creating or updating a
//! Python function therefore costs milliseconds: nothing is built per function.
//!
//! - [`Language::of_runtime`] maps a function's `runtime` to its language (`Python2.7`,
//!   `Python3.6`, `Python3.9`: Python, with Python 3 semantics for all; `Node.js*`: Node.js).
//! - [`RuntimesDir`] is where the components live; [`default_runtimes_dir`] computes the
//!   default (`$FGS_RUNTIMES_DIR`, else `$XDG_CACHE_HOME/fgs-local/runtimes`, else
//!   `$HOME/.cache/fgs-local/runtimes`) from an environment the caller passes in (this crate
//!   reads no environment itself).
//! - [`install`] builds a language's component (Python: a venv with the pinned
//!   [`COMPONENTIZE_PY`], then `componentize-py` on the shim `python/fgs_runtime.py`).
//!   Idempotent: a stamp beside the component records the tool version and the hashes of the
//!   shim and the WIT, and a matching stamp skips the build.
//!
//! ```
//! use fgs_lang::{Language, RuntimesDir};
//! assert_eq!(Language::of_runtime("Python3.9"), Some(Language::Python));
//! assert_eq!(Language::of_runtime("Node.js14.18"), Some(Language::Node));
//! assert_eq!(Language::of_runtime("Custom"), None);
//! let dir = RuntimesDir::new("/tmp/fgs-runtimes");
//! assert!(dir.component(Language::Python).ends_with("python.wasm"));
//! ```

mod install;
mod node;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub use install::{COMPONENTIZE_PY, InstallOptions, Installed, install, stamp_of};
pub use node::{COMPONENTIZE_JS, NODE_SOURCES};

/// The WIT of the world every runtime component implements (`fgs:lang@0.1.0`,
/// `handler-runtime`).
pub const WIT: &str = include_str!("../wit/handler.wit");

/// The Python shim built into `python.wasm`.
pub const PYTHON_SHIM: &str = include_str!("../python/fgs_runtime.py");

/// The errors of this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// An external tool (python3, pip, componentize-py) failed or is missing.
    #[error("{tool} failed: {message}")]
    Tool {
        /// The command.
        tool: String,
        /// Its exit status and the end of its output.
        message: String,
    },
    /// This build cannot install the language's runtime.
    #[error("{0}")]
    Unsupported(String),
}

/// A language with a runtime component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// Python (`Python2.7`, `Python3.6`, `Python3.9`; Python 3 semantics for all).
    Python,
    /// Node.js (`Node.js6.10` ... `Node.js14.18`). Its component (`node.wasm`) is built by
    /// [`install`] from `crates/fgs-lang/node` (componentize-js, needs `node` and `npm`);
    /// until `node.wasm` is in the runtimes dir, Node.js functions answer "not installed".
    Node,
}

impl Language {
    /// Every language, in `runtimes list` order.
    pub const ALL: [Language; 2] = [Language::Python, Language::Node];

    /// The language of a function `runtime` (seed §5 "Opções"), `None` for runtimes that run
    /// wasm handlers only (`Custom`, Go, Java, ...).
    pub fn of_runtime(runtime: &str) -> Option<Language> {
        if runtime.starts_with("Python") {
            Some(Language::Python)
        } else if runtime.starts_with("Node.js") {
            Some(Language::Node)
        } else {
            None
        }
    }

    /// The short name (`python`, `node`): the component is `<name>.wasm`.
    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Node => "node",
        }
    }

    /// The extension of the handler's source file (`py`, `js`): handler `index.handler` is
    /// the file `index.<ext>` of the code package.
    pub fn source_extension(self) -> &'static str {
        match self {
            Language::Python => "py",
            Language::Node => "js",
        }
    }

    /// The language named `name` (`python`, `node`; also `nodejs`, `js`, `py`).
    pub fn parse(name: &str) -> Option<Language> {
        match name.to_ascii_lowercase().as_str() {
            "python" | "py" | "python3" => Some(Language::Python),
            "node" | "nodejs" | "node.js" | "js" => Some(Language::Node),
            _ => None,
        }
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The directory holding the built runtime components (`python.wasm`, `node.wasm`), their
/// stamps, and the serialized artifacts the executor caches beside them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimesDir {
    path: PathBuf,
}

impl RuntimesDir {
    /// The runtimes dir at `path` (not created until something is installed).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        RuntimesDir { path: path.into() }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where a language's component is (whether or not it exists).
    pub fn component(&self, lang: Language) -> PathBuf {
        self.path.join(format!("{}.wasm", lang.name()))
    }

    /// The language's component if it is installed.
    pub fn installed(&self, lang: Language) -> Option<PathBuf> {
        let path = self.component(lang);
        path.is_file().then_some(path)
    }

    /// The message for a function whose language's component is not installed.
    pub fn not_installed_message(&self, lang: Language) -> String {
        format!(
            "the {lang} runtime is not installed in {}: run `fgs-local runtimes install {lang}` \
             (or `bash crates/fgs-lang/install-runtimes.sh`), or point FGS_RUNTIMES_DIR / \
             EmulatorBuilder::runtimes_dir at a runtimes directory that has {}.wasm",
            self.path.display(),
            lang.name()
        )
    }
}

/// The default runtimes dir, from an environment lookup (pass `std::env::var_os`):
/// `$FGS_RUNTIMES_DIR`, else `$XDG_CACHE_HOME/fgs-local/runtimes`, else
/// `$HOME/.cache/fgs-local/runtimes`, else `fgs-local/runtimes` in the current directory.
///
/// ```
/// let env = |k: &str| (k == "HOME").then(|| std::ffi::OsString::from("/home/u"));
/// assert_eq!(
///     fgs_lang::default_runtimes_dir(env).path(),
///     std::path::Path::new("/home/u/.cache/fgs-local/runtimes")
/// );
/// ```
pub fn default_runtimes_dir(env: impl Fn(&str) -> Option<OsString>) -> RuntimesDir {
    let set = |k: &str| env(k).filter(|v| !v.is_empty());
    if let Some(dir) = set("FGS_RUNTIMES_DIR") {
        return RuntimesDir::new(dir);
    }
    let base = set("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| set("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from("."));
    RuntimesDir::new(base.join("fgs-local").join("runtimes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtimes_map_to_languages() {
        for r in ["Python2.7", "Python3.6", "Python3.9"] {
            assert_eq!(Language::of_runtime(r), Some(Language::Python), "{r}");
        }
        for r in [
            "Node.js6.10",
            "Node.js8.10",
            "Node.js10.16",
            "Node.js12.13",
            "Node.js14.18",
        ] {
            assert_eq!(Language::of_runtime(r), Some(Language::Node), "{r}");
        }
        for r in [
            "Custom",
            "Go1.x",
            "Java8",
            "PHP7.3",
            "C#(.NET Core 3.1)",
            "",
        ] {
            assert_eq!(Language::of_runtime(r), None, "{r}");
        }
    }

    #[test]
    fn the_default_dir_follows_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| OsString::from(v))
            }
        };
        let d = default_runtimes_dir(env(&[("FGS_RUNTIMES_DIR", "/r"), ("HOME", "/h")]));
        assert_eq!(d.path(), Path::new("/r"));
        let d = default_runtimes_dir(env(&[("XDG_CACHE_HOME", "/c"), ("HOME", "/h")]));
        assert_eq!(d.path(), Path::new("/c/fgs-local/runtimes"));
        let d = default_runtimes_dir(env(&[("FGS_RUNTIMES_DIR", ""), ("HOME", "/h")]));
        assert_eq!(d.path(), Path::new("/h/.cache/fgs-local/runtimes"));
        let d = default_runtimes_dir(env(&[]));
        assert_eq!(d.path(), Path::new("./fgs-local/runtimes"));
    }
}
