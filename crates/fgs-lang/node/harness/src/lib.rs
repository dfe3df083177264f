//! A test host for node.wasm: the fgs:lang `host` interface over an in-memory code package,
//! the component compiled once per process (and cached serialized next to the component).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

wasmtime::component::bindgen!({
    path: "../../wit/handler.wit",
    world: "handler-runtime",
});

pub use fgs::lang::types::FailureKind;

/// The host side of one instance: the package files, the log lines, the remaining time.
pub struct Host {
    files: BTreeMap<String, Vec<u8>>,
    /// `(level, message)` lines the guest logged.
    pub logs: Vec<(String, String)>,
    /// What `remaining-time-ms` answers.
    pub remaining_ms: u64,
    /// The paths the guest asked for.
    pub reads: Vec<String>,
    wasi: WasiCtx,
    table: ResourceTable,
}

impl WasiView for Host {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl fgs::lang::host::Host for Host {
    fn remaining_time_ms(&mut self) -> u64 {
        self.remaining_ms
    }
    fn log(&mut self, level: String, msg: String) {
        self.logs.push((level, msg));
    }
    fn read_file(&mut self, path: String) -> Option<Vec<u8>> {
        self.reads.push(path.clone());
        self.files.get(&path).cloned()
    }
}

impl fgs::lang::types::Host for Host {}

/// The engine and the compiled component, shared by every test of the process.
pub struct Runtime {
    engine: Engine,
    pre: HandlerRuntimePre<Host>,
    /// How the component was obtained: "compiled" (Component::new) or "deserialized".
    pub how: &'static str,
    /// The time that took.
    pub took: Duration,
}

/// `FGS_NODE_WASM`, the component under test, or None (the caller skips).
pub fn component_path() -> Option<PathBuf> {
    match std::env::var_os("FGS_NODE_WASM") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => {
            assert!(
                std::env::var("FGS_REQUIRE_RUNTIMES").as_deref() != Ok("1"),
                "FGS_REQUIRE_RUNTIMES=1 but FGS_NODE_WASM is not set"
            );
            None
        }
    }
}

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

/// The shared runtime, or None with a message when node.wasm is not built.
pub fn runtime() -> Option<&'static Runtime> {
    let path = component_path()?;
    Some(RUNTIME.get_or_init(|| Runtime::new(&path).expect("load node.wasm")))
}

impl Runtime {
    fn new(path: &std::path::Path) -> wasmtime::Result<Self> {
        let engine = Engine::new(&Config::new())?;
        let bytes = std::fs::read(path)?;
        let digest = hex::encode(Sha256::digest(&bytes));
        let cache = std::env::temp_dir().join(format!("fgs-node-{}.cwasm", &digest[..16]));
        let started = Instant::now();
        let (component, how) = match cached(&engine, &cache) {
            Some(c) => (c, "deserialized"),
            None => {
                let c = Component::new(&engine, &bytes)?;
                let tmp = cache.with_extension("tmp");
                std::fs::write(&tmp, c.serialize()?)?;
                std::fs::rename(&tmp, &cache)?;
                (c, "compiled")
            }
        };
        let took = started.elapsed();
        let mut linker = Linker::<Host>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
        HandlerRuntime::add_to_linker::<Host, HasSelf<Host>>(&mut linker, |h| h)?;
        let pre = HandlerRuntimePre::new(linker.instantiate_pre(&component)?)?;
        Ok(Self {
            engine,
            pre,
            how,
            took,
        })
    }

    /// A fresh instance over `files` (path, contents).
    pub fn instance(&self, files: &[(&str, &str)]) -> Instance {
        let host = Host {
            files: files
                .iter()
                .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
                .collect(),
            logs: Vec::new(),
            remaining_ms: 2999,
            reads: Vec::new(),
            wasi: WasiCtx::builder().build(),
            table: ResourceTable::new(),
        };
        let mut store = Store::new(&self.engine, host);
        let bindings = self.pre.instantiate(&mut store).expect("instantiate");
        Instance { store, bindings }
    }
}

/// Deserializes a cached artifact this engine wrote; any problem means "compile again".
fn cached(engine: &Engine, path: &std::path::Path) -> Option<Component> {
    if !path.exists() {
        return None;
    }
    component_deserialize(engine, path).ok()
}

#[allow(unsafe_code)]
fn component_deserialize(engine: &Engine, path: &std::path::Path) -> wasmtime::Result<Component> {
    // SAFETY: the file was written by `Component::serialize` of this same engine configuration
    // (keyed by the component's digest, renamed into place only when complete).
    unsafe { Component::deserialize_file(engine, path) }
}

/// One instance of node.wasm.
pub struct Instance {
    /// The store, for the host's log lines and the remaining time.
    pub store: Store<Host>,
    bindings: HandlerRuntime,
}

impl Instance {
    /// `load(handler, initializer)`.
    pub fn load(&mut self, handler: &str, initializer: Option<&str>) -> Result<(), Failure> {
        self.bindings
            .call_load(&mut self.store, handler, initializer)
            .expect("load trapped")
    }
    /// `initialize(context)`.
    pub fn initialize(&mut self, context: &str) -> Result<(), Failure> {
        self.bindings
            .call_initialize(&mut self.store, context)
            .expect("initialize trapped")
    }
    /// `handle(event, context)`.
    pub fn handle(&mut self, event: &str, context: &str) -> Result<String, Failure> {
        self.bindings
            .call_handle(&mut self.store, event, context)
            .expect("handle trapped")
    }
    /// The log lines so far.
    pub fn logs(&self) -> &[(String, String)] {
        &self.store.data().logs
    }
}
