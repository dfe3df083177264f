//! The emulator's side of the executor: its settings, the lazily built [`Executor`], one
//! executor [`Function`] (concurrency domain) per function, and the cache of deployed
//! versions.
//!
//! A deployment is keyed by (function, version name) and remembers the fields of the version's
//! configuration that the executor uses ([`Fingerprint`]: code digest, handler, initializer,
//! memory, timeouts, user data, dependencies). An invocation re-deploys a version when they
//! changed (for `latest` after an update of its code or configuration); modules are compiled
//! once per code digest by the executor, so a re-deploy of the same code does not compile
//! again. Changes that the executor does not see (description, max instances...) keep the
//! deployment and its warm instances.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use fgs_core::code::{CodePackage, HandlerModule};
use fgs_core::function::FunctionConfig;
use fgs_core::{ErrorKind, Result};
use fgs_executor::{Code, Executor, Function, OverLimit, Version, VersionSpec};
use parking_lot::Mutex;

use super::routes::Routes;
use crate::state::FunctionKey;

/// Executor settings of an [`crate::EmulatorBuilder`], each default stated on its method.
#[derive(Debug, Clone)]
pub(crate) struct ExecSettings {
    pub(crate) manual_epoch: bool,
    pub(crate) epoch_tick: Duration,
    pub(crate) cpu_share: bool,
    pub(crate) pool_instances: u32,
    pub(crate) cache_dir: Option<PathBuf>,
    pub(crate) idle_timeout: Duration,
    pub(crate) over_limit: OverLimit,
    pub(crate) billing_granularity: Duration,
    pub(crate) runtimes_dir: Option<PathBuf>,
}

impl Default for ExecSettings {
    fn default() -> Self {
        ExecSettings {
            manual_epoch: false,
            epoch_tick: Duration::from_millis(10),
            cpu_share: true,
            pool_instances: 100,
            cache_dir: None,
            idle_timeout: Duration::from_secs(600),
            over_limit: OverLimit::Reject,
            billing_granularity: Duration::from_millis(1),
            runtimes_dir: None,
        }
    }
}

/// The executor-facing fields of a version's configuration: a deployment is reused while
/// they are unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    seq: u64,
    digest: String,
    runtime: String,
    package: String,
    handler: String,
    initializer_handler: Option<String>,
    initializer_timeout: Option<u32>,
    memory_size: u32,
    cpu: u32,
    timeout: u32,
    user_data: Option<String>,
    encrypted_user_data: Option<String>,
    depend_list: Option<Vec<String>>,
}

impl Fingerprint {
    pub(crate) fn of(seq: u64, c: &FunctionConfig) -> Self {
        Fingerprint {
            seq,
            digest: c.digest.clone(),
            runtime: c.runtime.clone(),
            package: c.package.clone(),
            handler: c.handler.clone(),
            initializer_handler: c.initializer_handler.clone(),
            initializer_timeout: c.initializer_timeout,
            memory_size: c.memory_size,
            cpu: c.cpu,
            timeout: c.timeout,
            user_data: c.user_data.clone(),
            encrypted_user_data: c.encrypted_user_data.clone(),
            depend_list: c.depend_list.clone(),
        }
    }

    /// Whether `c` (of the function created as `seq`) has these fields, without allocating.
    pub(crate) fn matches(&self, seq: u64, c: &FunctionConfig) -> bool {
        self.seq == seq
            && self.digest == c.digest
            && self.runtime == c.runtime
            && self.handler == c.handler
            && self.memory_size == c.memory_size
            && self.cpu == c.cpu
            && self.timeout == c.timeout
            && self.package == c.package
            && self.initializer_handler == c.initializer_handler
            && self.initializer_timeout == c.initializer_timeout
            && self.user_data == c.user_data
            && self.encrypted_user_data == c.encrypted_user_data
            && self.depend_list == c.depend_list
    }
}

/// A deployed version and what it owns.
pub(crate) struct Deployment {
    pub(crate) fingerprint: Fingerprint,
    pub(crate) version: Version,
    /// The dependency files, mounted read-only; removed when the deployment is dropped.
    pub(crate) _deps: Option<tempfile::TempDir>,
}

/// One function's executor side.
pub(crate) struct FunctionSlot {
    /// The function's creation sequence number (a re-created function gets a new slot).
    pub(crate) seq: u64,
    pub(crate) function: Function,
    pub(crate) versions: HashMap<String, Arc<Deployment>>,
}

/// Everything a deployment needs, read from the state.
pub(crate) struct DeployInput {
    pub(crate) key: FunctionKey,
    pub(crate) seq: u64,
    pub(crate) version_name: String,
    pub(crate) config: FunctionConfig,
    pub(crate) code: Arc<CodePackage>,
    pub(crate) dep_files: BTreeMap<String, Arc<Vec<u8>>>,
    /// The function's max instances (`None`: no limit; see [`max_instances`]).
    pub(crate) max_instances: Option<u32>,
    /// Reserved instances to keep for this version.
    pub(crate) reserved: usize,
}

/// Where an emulator's executor lives: its own, or one shared by every project of a
/// [`crate::Platform`] (one engine, one module cache, one instance pool).
#[derive(Default)]
pub(crate) struct ExecCell {
    executor: OnceLock<Executor>,
    init: Mutex<()>,
    /// The sub-function invoker installed when the executor is built; `None`: the emulator
    /// that builds it.
    pub(crate) invoker: Option<Arc<dyn fgs_executor::SubInvoker>>,
}

impl ExecCell {
    /// A cell whose executor, once built, calls `invoker` for guests' sub-function calls.
    pub(crate) fn with_invoker(invoker: Arc<dyn fgs_executor::SubInvoker>) -> Self {
        ExecCell {
            invoker: Some(invoker),
            ..Default::default()
        }
    }
}

impl std::fmt::Debug for ExecCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecCell")
            .field("started", &self.executor.get().is_some())
            .finish()
    }
}

/// The executor and the deployments, held by the emulator's `Inner`.
pub(crate) struct Runner {
    pub(crate) settings: ExecSettings,
    cell: Arc<ExecCell>,
    pub(crate) functions: Mutex<HashMap<FunctionKey, FunctionSlot>>,
    /// What URNs resolved to, for warm calls (`super::routes`).
    pub(crate) routes: Routes,
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner")
            .field("settings", &self.settings)
            .field("started", &self.cell.executor.get().is_some())
            .finish()
    }
}

/// The executor's max instances for a `strategy_config.concurrency` (DECISIONS): -1 or unset
/// is the emulator's cap `default_max`; 0 (disabled) is handled before the executor.
pub(crate) fn max_instances(concurrency: Option<i64>, default_max: u32) -> Option<u32> {
    match concurrency {
        Some(n) if n > 0 => Some(u32::try_from(n).unwrap_or(u32::MAX)),
        _ => Some(default_max),
    }
}

impl Runner {
    pub(crate) fn new(settings: ExecSettings, cell: Arc<ExecCell>, routes_seed: u64) -> Self {
        Runner {
            settings,
            cell,
            functions: Mutex::new(HashMap::new()),
            routes: Routes::new(routes_seed),
        }
    }

    /// The executor if it was started.
    pub(crate) fn started(&self) -> Option<&Executor> {
        self.cell.executor.get()
    }

    /// The sub-function invoker the executor's builder installs, if not the emulator.
    pub(crate) fn invoker_override(&self) -> Option<Arc<dyn fgs_executor::SubInvoker>> {
        self.cell.invoker.clone()
    }

    /// The executor, built on first use with `build` (which configures and builds it).
    pub(crate) fn executor(
        &self,
        build: impl FnOnce(&ExecSettings) -> fgs_executor::Result<Executor>,
    ) -> Result<&Executor> {
        let cell = &*self.cell;
        if let Some(e) = cell.executor.get() {
            return Ok(e);
        }
        let _guard = cell.init.lock();
        if let Some(e) = cell.executor.get() {
            return Ok(e);
        }
        let exec = build(&self.settings).map_err(|e| internal(&e))?;
        Ok(cell.executor.get_or_init(|| exec))
    }

    /// The deployment of `version` of function `key` if it is current for `config`.
    pub(crate) fn cached(
        &self,
        key: &FunctionKey,
        seq: u64,
        version: &str,
        config: &FunctionConfig,
    ) -> Option<Arc<Deployment>> {
        let functions = self.functions.lock();
        let slot = functions.get(key)?;
        let d = slot.versions.get(version)?;
        d.fingerprint.matches(seq, config).then(|| d.clone())
    }

    /// Deploys a version (compiling its module once per digest) and caches it, replacing a
    /// stale deployment of the same version.
    pub(crate) fn deploy(&self, exec: &Executor, input: DeployInput) -> Result<Arc<Deployment>> {
        let deps = write_deps(&input.dep_files)?;
        let spec = spec_of(&input, deps.as_ref().map(|d| d.path().to_path_buf()));
        let code = match super::component::component_code(&self.settings, exec, &input)? {
            Some(code) => code,
            None => code_of(exec, &input)?,
        };
        let function = self.function(exec, &input.key, input.seq, input.max_instances);
        let version = function.deploy(code, spec).map_err(|e| internal(&e))?;
        if input.reserved > 0
            && let Err(e) = version.set_reserved(input.reserved)
        {
            tracing::warn!(function = %input.key.name, error = %e, "cannot pre-warm reserved instances");
        }
        let deployment = Arc::new(Deployment {
            fingerprint: Fingerprint::of(input.seq, &input.config),
            version,
            _deps: deps,
        });
        let mut functions = self.functions.lock();
        if let Some(slot) = functions.get_mut(&input.key)
            && slot.seq == input.seq
        {
            // A concurrent call may have deployed the same configuration first: keep one
            // deployment (and one pool) per version.
            match slot.versions.get(&input.version_name) {
                Some(d) if d.fingerprint == deployment.fingerprint => return Ok(d.clone()),
                _ => {
                    slot.versions
                        .insert(input.version_name.clone(), deployment.clone());
                }
            }
        }
        Ok(deployment)
    }

    /// The executor function of `key`, created (with its max instances) if needed or if the
    /// function was re-created since.
    fn function(&self, exec: &Executor, key: &FunctionKey, seq: u64, max: Option<u32>) -> Function {
        let mut functions = self.functions.lock();
        match functions.get(key) {
            Some(slot) if slot.seq == seq => slot.function.clone(),
            _ => {
                let function = exec.function(key.name.clone());
                function.set_max_instances(max);
                function.set_over_limit(self.settings.over_limit);
                functions.insert(
                    key.clone(),
                    FunctionSlot {
                        seq,
                        function: function.clone(),
                        versions: HashMap::new(),
                    },
                );
                function
            }
        }
    }

    /// Applies a new max instances to a function's executor side at once.
    pub(crate) fn set_max_instances(&self, key: &FunctionKey, max: Option<u32>) {
        if let Some(slot) = self.functions.lock().get(key) {
            slot.function.set_max_instances(max);
        }
    }

    /// Invocations of function `key` running now.
    pub(crate) fn running(&self, key: &FunctionKey) -> u32 {
        self.functions
            .lock()
            .get(key)
            .map_or(0, |slot| slot.function.running())
    }

    /// Drops a function's deployments (all of them, or one version's), and the cached routes
    /// that may hold them.
    pub(crate) fn forget(&self, key: &FunctionKey, version: Option<&str>) {
        self.routes.clear();
        let mut functions = self.functions.lock();
        match version {
            None => {
                functions.remove(key);
            }
            Some(v) => {
                if let Some(slot) = functions.get_mut(key) {
                    slot.versions.remove(v);
                }
            }
        }
    }
}

/// FSS.0500 for an executor failure that is not a guest outcome.
pub(crate) fn internal(e: &fgs_executor::Error) -> fgs_core::Error {
    ErrorKind::Internal.with(format!("the executor failed: {e}"))
}

/// The executor's spec of a version.
fn spec_of(input: &DeployInput, deps_dir: Option<PathBuf>) -> VersionSpec {
    let c = &input.config;
    let mut spec = VersionSpec::new(c.func_name.clone(), c.handler.clone())
        .with_version(input.version_name.clone())
        .with_memory_mb(c.memory_size)
        .with_cpu(c.cpu)
        .with_timeout(Duration::from_secs(u64::from(c.timeout)));
    spec.package = c.package.clone();
    spec.project_id = input.key.project_id.clone();
    if let Some(init) = c.initializer_handler.as_deref().filter(|h| !h.is_empty()) {
        let timeout = c.initializer_timeout.unwrap_or(3);
        spec = spec.with_initializer(init, Duration::from_secs(u64::from(timeout)));
    }
    for raw in [&c.user_data, &c.encrypted_user_data].into_iter().flatten() {
        for (k, v) in env_vars(raw) {
            spec = spec.with_user_data(k, v);
        }
    }
    if let Some(dir) = deps_dir {
        spec = spec.with_deps_dir(dir);
    }
    spec
}

/// The variables of a `user_data` JSON object (DECISIONS: strings; other values are given
/// as their JSON text). Validation at create/update guarantees an object.
fn env_vars(raw: &str) -> Vec<(String, String)> {
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(raw) {
        Ok(map) => map
            .into_iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => (k, s),
                other => (k, other.to_string()),
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The executor code of a version: its module (compiled once per digest), the built-in echo
/// handler, or a missing file.
fn code_of(exec: &Executor, input: &DeployInput) -> Result<Code> {
    let c = &input.config;
    match input.code.module_for(&c.handler) {
        HandlerModule::Wasm { module, .. } => exec
            .compile(module)
            .map(Code::Module)
            .map_err(|e| internal(&e)),
        HandlerModule::Missing { file } => Ok(Code::Missing {
            file: if file.is_empty() {
                c.handler.clone()
            } else {
                format!("{file}.wasm")
            },
        }),
        HandlerModule::BuiltinEcho => {
            let export = fgs_core::code::split_handler(&c.handler).map_or("handler", |(_, e)| e);
            let init = c
                .initializer_handler
                .as_deref()
                .and_then(fgs_core::code::split_handler)
                .map(|(_, e)| e);
            exec.compile(builtin_echo(export, init).as_bytes())
                .map(Code::Module)
                .map_err(|e| internal(&e))
        }
    }
}

/// The built-in default handler (DECISIONS "Runtimes": a blank code file): a handler module
/// whose export `export` returns its event, with an initializer `init` that succeeds.
pub(crate) fn builtin_echo(export: &str, init: Option<&str>) -> String {
    const RESERVED: [&str; 2] = ["memory", "fgs_alloc"];
    let name = |s: &str| s.bytes().map(|b| format!("\\{b:02x}")).collect::<String>();
    let handler = if RESERVED.contains(&export) {
        String::new()
    } else {
        format!(
            "(func (export \"{}\") (param i32 i32) (result i32)
               (call $output (local.get 0) (local.get 1)) i32.const 0)",
            name(export)
        )
    };
    let init = match init {
        Some(i) if i != export && !RESERVED.contains(&i) => {
            format!("(func (export \"{}\") (result i32) i32.const 0)", name(i))
        }
        _ => String::new(),
    };
    format!(
        r#"(module
  (import "fgs_v1" "output" (func $output (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "fgs_alloc") (param $len i32) (result i32)
    (local $need i32)
    (local.set $need (i32.shr_u (i32.add (local.get $len) (i32.const 66559)) (i32.const 16)))
    (if (i32.gt_u (local.get $need) (memory.size))
      (then (drop (memory.grow (i32.sub (local.get $need) (memory.size))))))
    i32.const 1024)
  {handler}
  {init})"#
    )
}

/// Writes the dependency files into a fresh temporary directory (none without files).
fn write_deps(files: &BTreeMap<String, Arc<Vec<u8>>>) -> Result<Option<tempfile::TempDir>> {
    if files.is_empty() {
        return Ok(None);
    }
    let io = |e: std::io::Error| ErrorKind::Internal.with(format!("dependency files: {e}"));
    let dir = tempfile::Builder::new()
        .prefix("fgs-deps-")
        .tempdir()
        .map_err(io)?;
    for (path, content) in files {
        let rel = std::path::Path::new(path);
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            continue;
        }
        let target = dir.path().join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&target, content.as_slice()).map_err(io)?;
    }
    Ok(Some(dir))
}
