//! Language runtime components (DESIGN §3 item 3, issue 11): the WIT world
//! `fgs:lang/handler-runtime` (`crates/fgs-lang/wit/handler.wit`), its host side (remaining
//! time, log, `read-file` over the version's code package), the component linker (WASI
//! preview 2 plus the host interface), and compiling a runtime component once per engine
//! with its serialized artifact cached beside it on disk.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime_wasi::{WasiCtxView, WasiView};

use crate::error::{Error, Result};
use crate::state::HostState;

/// The bindings of the world (generated).
#[allow(missing_docs, clippy::all)]
pub(crate) mod bindings {
    wasmtime::component::bindgen!({
        path: "../fgs-lang/wit/handler.wit",
        world: "handler-runtime",
    });
}

pub(crate) use bindings::fgs::lang::types::{Failure, FailureKind};
pub(crate) use bindings::{HandlerRuntime, HandlerRuntimePre};

/// The files of a code package, as a runtime component reads them through `read-file`
/// (`index.py`, `lib/util.py`...).
pub trait PackageFiles: Send + Sync + 'static {
    /// The file at `path` inside the package, if it has one.
    fn file(&self, path: &str) -> Option<&[u8]>;
}

impl PackageFiles for BTreeMap<String, Vec<u8>> {
    fn file(&self, path: &str) -> Option<&[u8]> {
        self.get(path).map(Vec::as_slice)
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        self.wasi.ctx()
    }
}

impl bindings::fgs::lang::host::Host for HostState {
    fn remaining_time_ms(&mut self) -> u64 {
        self.remaining().as_millis().min(u128::from(u64::MAX)) as u64
    }

    fn log(&mut self, level: String, msg: String) {
        let level = match level.as_str() {
            "debug" | "info" | "warn" | "error" => level.to_ascii_uppercase(),
            _ => "INFO".into(),
        };
        let mut log = self.log.lock();
        for line in msg.lines() {
            log.push_line(&format!("[{level}] {line}"));
        }
    }

    fn read_file(&mut self, path: String) -> Option<Vec<u8>> {
        let path = path.strip_prefix("./").unwrap_or(&path);
        self.files.as_ref()?.file(path).map(<[u8]>::to_vec)
    }
}

impl bindings::fgs::lang::types::Host for HostState {}

/// The component linker shared by every component version: WASI preview 2 (sync) plus the
/// `fgs:lang/host` interface.
pub(crate) fn linker(engine: &Engine) -> Result<Linker<HostState>> {
    let mut linker = Linker::new(engine);
    let err = |e: wasmtime::Error| Error::Engine {
        message: format!("{e:#}"),
    };
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(err)?;
    HandlerRuntime::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |s| s)
        .map_err(err)?;
    Ok(linker)
}

/// A compiled runtime component (e.g. `python.wasm`), shared by every version it runs.
#[derive(Clone)]
pub struct CompiledComponent {
    pub(crate) component: Component,
    digest: Arc<str>,
}

impl std::fmt::Debug for CompiledComponent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledComponent")
            .field("digest", &self.digest)
            .finish()
    }
}

impl CompiledComponent {
    /// The SHA-256 (hex) of the component's bytes.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The compiled wasmtime component (for benches that call it with raw wasmtime on the
    /// executor's engine, beside the executor).
    pub fn component(&self) -> &Component {
        &self.component
    }
}

/// The components an executor loaded, by path (and size and modification time, so a
/// rebuilt component is loaded again).
#[derive(Default)]
pub(crate) struct ComponentCache {
    loaded: Mutex<HashMap<FileKey, CompiledComponent>>,
}

/// A component file as loaded: path, size, modification time.
type FileKey = (PathBuf, u64, Option<std::time::SystemTime>);

impl ComponentCache {
    /// The component at `path`: loaded before, else its serialized artifact beside it, else
    /// compiled (tens of seconds for a language runtime) and its artifact written.
    pub(crate) fn load(&self, engine: &Engine, path: &Path) -> Result<CompiledComponent> {
        let io = |source| Error::Cache {
            path: path.display().to_string(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        let key = (path.to_path_buf(), meta.len(), meta.modified().ok());
        if let Some(c) = self.loaded.lock().get(&key) {
            return Ok(c.clone());
        }
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(io)?;
        let digest = hex::encode(Sha256::digest(&bytes));
        let artifact = artifact_path(engine, path, &digest);
        let component = match load_artifact(engine, &artifact) {
            Some(c) => c,
            None => compile_and_store(engine, &bytes, &artifact)?,
        };
        let compiled = CompiledComponent {
            component,
            digest: digest.into(),
        };
        self.loaded.lock().insert(key, compiled.clone());
        Ok(compiled)
    }
}

/// `<dir>/<stem>.<digest prefix>.<engine hash>.cwasm` beside the component: the engine hash
/// covers the wasmtime version and every setting that changes compiled code.
fn artifact_path(engine: &Engine, path: &Path, digest: &str) -> PathBuf {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut h);
    let stem = path
        .file_stem()
        .map_or_else(|| "component".into(), |s| s.to_string_lossy().into_owned());
    path.with_file_name(format!(
        "{stem}.{}.{:016x}.cwasm",
        &digest[..16],
        h.finish()
    ))
}

#[allow(unsafe_code)]
fn load_artifact(engine: &Engine, path: &Path) -> Option<Component> {
    if !path.is_file() {
        return None;
    }
    // SAFETY: `Component::deserialize_file` trusts its input to be an artifact produced by
    // `Component::serialize` of a compatible engine. The file was written by
    // `compile_and_store` below (atomically, via rename) from a component this process
    // compiled; its name carries the SHA-256 of the source bytes and the engine's
    // compatibility hash, so only an engine with the same settings reads it back, and
    // wasmtime still checks the header and version. The runtimes dir is the user's own.
    match unsafe { Component::deserialize_file(engine, path) } {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "ignoring unusable component artifact");
            None
        }
    }
}

/// Compiles the component and writes its artifact, holding an exclusive lock on
/// `<artifact>.lock` so that processes (test binaries, servers) starting together compile it
/// once: a process that waited for the lock finds the artifact written.
fn compile_and_store(engine: &Engine, bytes: &[u8], artifact: &Path) -> Result<Component> {
    let lock_path = artifact.with_extension("lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path);
    let _guard = match lock {
        Ok(file) => file.lock().ok().map(|()| file),
        Err(e) => {
            tracing::warn!(path = %lock_path.display(), error = %e, "cannot lock; compiling without the artifact cache");
            None
        }
    };
    if let Some(c) = load_artifact(engine, artifact) {
        return Ok(c);
    }
    tracing::info!(artifact = %artifact.display(), "compiling a runtime component (once per engine)");
    let component = Component::new(engine, bytes).map_err(|e| Error::InvalidModule {
        message: format!("{e:#}"),
    })?;
    match component.serialize() {
        Ok(serialized) => {
            let tmp = artifact.with_extension(format!("tmp{}", std::process::id()));
            let written =
                std::fs::write(&tmp, serialized).and_then(|()| std::fs::rename(&tmp, artifact));
            if let Err(e) = written {
                tracing::warn!(path = %artifact.display(), error = %e, "cannot cache the compiled component");
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot serialize the compiled component"),
    }
    Ok(component)
}
