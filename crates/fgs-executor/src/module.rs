//! Compiling modules once per code digest, with an optional on-disk cache of serialized
//! artifacts (DESIGN §7: `Module::new` ~53 ms, `Module::deserialize_file` ~43 us).
//!
//! The in-memory cache holds modules weakly: a module lives while a deployed version (or a
//! caller) holds its [`CompiledModule`], so deleting the last function that runs some code
//! frees its compiled code and metadata (a 10,000-function module keeps ~50 MB; issue 10,
//! `fgs-runtime/tests/hostile_rss.rs`). Deploying the same code again while one version still
//! runs it does not compile again.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};

use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

use crate::error::{Error, Result};

/// A compiled module, shared by every version deployed from the same code digest.
#[derive(Clone)]
pub struct CompiledModule {
    inner: Arc<Compiled>,
}

struct Compiled {
    module: Module,
    digest: Arc<str>,
}

impl std::fmt::Debug for CompiledModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledModule")
            .field("digest", &self.inner.digest)
            .finish()
    }
}

impl CompiledModule {
    /// The SHA-256 (hex) of the module's bytes.
    pub fn digest(&self) -> &str {
        &self.inner.digest
    }

    /// The wasmtime module.
    pub(crate) fn module(&self) -> &Module {
        &self.inner.module
    }

    /// Whether the module exports a function with this name.
    pub fn has_export(&self, name: &str) -> bool {
        matches!(
            self.inner.module.get_export(name),
            Some(wasmtime::ExternType::Func(_))
        )
    }
}

/// The compiled modules of an executor, by SHA-256 digest of their bytes (held weakly: see
/// the module docs), optionally backed by a directory of serialized artifacts.
pub(crate) struct ModuleCache {
    modules: Mutex<HashMap<String, Weak<Compiled>>>,
    dir: Option<PathBuf>,
}

impl ModuleCache {
    pub(crate) fn new(dir: Option<PathBuf>) -> Self {
        ModuleCache {
            modules: Mutex::new(HashMap::new()),
            dir,
        }
    }

    /// The module of `bytes`: cached in memory, else read from the artifact directory, else
    /// compiled (and written there).
    pub(crate) fn get_or_compile(&self, engine: &Engine, bytes: &[u8]) -> Result<CompiledModule> {
        let digest = hex::encode(Sha256::digest(bytes));
        if let Some(inner) = self.modules.lock().get(&digest).and_then(Weak::upgrade) {
            return Ok(CompiledModule { inner });
        }
        let module = match &self.dir {
            Some(dir) => {
                let path = artifact_path(engine, dir, &digest);
                match load_artifact(engine, &path) {
                    Some(m) => m,
                    None => {
                        let m = compile_bytes(engine, bytes)?;
                        store_artifact(&m, &path)?;
                        m
                    }
                }
            }
            None => compile_bytes(engine, bytes)?,
        };
        let compiled = CompiledModule {
            inner: Arc::new(Compiled {
                module,
                digest: digest.clone().into(),
            }),
        };
        let mut modules = self.modules.lock();
        modules.retain(|_, m| m.strong_count() > 0);
        modules.insert(digest, Arc::downgrade(&compiled.inner));
        Ok(compiled)
    }
}

fn compile_bytes(engine: &Engine, bytes: &[u8]) -> Result<Module> {
    Module::new(engine, bytes).map_err(|e| Error::InvalidModule {
        message: format!("{e:#}"),
    })
}

/// `<dir>/<digest>-<engine hash>.cwasm`: the engine hash covers the wasmtime version and every
/// setting that changes compiled code, so an artifact is only ever read back by an engine that
/// could have written it.
fn artifact_path(engine: &Engine, dir: &Path, digest: &str) -> PathBuf {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut h);
    dir.join(format!("{digest}-{:016x}.cwasm", h.finish()))
}

/// Reads a serialized artifact this executor wrote earlier; `None` if absent or unusable (the
/// caller then compiles again and overwrites it).
#[allow(unsafe_code)]
fn load_artifact(engine: &Engine, path: &Path) -> Option<Module> {
    if !path.is_file() {
        return None;
    }
    // SAFETY: `Module::deserialize_file` trusts its input to be an artifact produced by
    // `Module::serialize` of a compatible engine. The file lives in the executor's private
    // cache dir, was written by `store_artifact` below (atomically, via rename) from a module
    // this process compiled, and its name carries the SHA-256 of the source bytes and the
    // engine's compatibility hash, so only an engine with the same settings reads it back.
    // wasmtime still checks the header and version and returns an error on a mismatch.
    match unsafe { Module::deserialize_file(engine, path) } {
        Ok(m) => Some(m),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "ignoring unusable module artifact");
            None
        }
    }
}

fn store_artifact(module: &Module, path: &Path) -> Result<()> {
    let io = |source| Error::Cache {
        path: path.display().to_string(),
        source,
    };
    let bytes = module.serialize().map_err(|e| Error::Cache {
        path: path.display().to_string(),
        source: std::io::Error::other(format!("{e:#}")),
    })?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}
