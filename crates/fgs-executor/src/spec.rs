//! What the runtime tells the executor about a deployed version ([`VersionSpec`], [`Code`]) and
//! about one call ([`Request`]).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use fgs_abi::InvocationType;

use std::sync::Arc;

use crate::component::{CompiledComponent, PackageFiles};
use crate::module::CompiledModule;

/// What happens to a call when its function already runs its maximum of instances
/// (`max_instance_num`, §5.6.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OverLimit {
    /// Fail at once with [`Error::TooManyInstances`](crate::Error::TooManyInstances) (the runtime answers 429 FSS.0429). The
    /// default, and what a sync invoke does on the platform.
    #[default]
    Reject,
    /// Wait up to this long for an instance to free up, then fail like `Reject` (for work that
    /// may queue, such as async invocations).
    Wait(Duration),
}

/// The CPU of a function in millicores from its memory size (§1.6.1):
/// `memory_size / 128 * 100 + 200`.
///
/// ```
/// assert_eq!(fgs_executor::cpu_for_memory(128), 300);
/// assert_eq!(fgs_executor::cpu_for_memory(4096), 3400);
/// ```
pub fn cpu_for_memory(memory_size_mb: u32) -> u32 {
    memory_size_mb / 128 * 100 + 200
}

/// The code of a version: a compiled module, or the name of the `.wasm` file that the handler
/// names but the code package lacks (the version deploys; invoking it gives
/// [`Outcome::MissingHandler`](crate::Outcome::MissingHandler), per DECISIONS "Runtimes").
#[derive(Debug, Clone)]
pub enum Code {
    /// A module compiled by [`Executor::compile`](crate::Executor::compile).
    Module(CompiledModule),
    /// The handler's file is not in the code package.
    Missing {
        /// The missing file, e.g. `index.wasm`.
        file: String,
    },
    /// A language runtime component (e.g. `python.wasm`, loaded with
    /// [`Executor::load_component`](crate::Executor::load_component)) that loads the user's
    /// code from `files` at instance start (DESIGN §3 item 3): the handler and initializer
    /// are passed to its `load`.
    Component {
        /// The runtime component.
        runtime: CompiledComponent,
        /// The code package's files, served to the component's `read-file`.
        files: SharedFiles,
    },
}

/// A code package's files shared by a version's instances (see [`Code::Component`]).
#[derive(Clone)]
pub struct SharedFiles(pub Arc<dyn PackageFiles>);

impl std::fmt::Debug for SharedFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedFiles(..)")
    }
}

/// The configuration of one deployed version, as the executor needs it. Build it with
/// [`VersionSpec::new`] and the `with_*` methods (each states its default).
///
/// ```
/// use std::time::Duration;
/// let spec = fgs_executor::VersionSpec::new("hello", "index.handler")
///     .with_memory_mb(256)
///     .with_timeout(Duration::from_secs(5))
///     .with_initializer("index.init", Duration::from_secs(2))
///     .with_user_data("GREETING", "hi");
/// assert_eq!(spec.cpu_millicores, 400);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSpec {
    /// The function's name.
    pub function_name: String,
    /// The function's package. Default `default`.
    pub package: String,
    /// The version name (`latest`, `v1`...). Default `latest`.
    pub version: String,
    /// The project id. Default empty.
    pub project_id: String,
    /// The `handler` setting, `FILE.EXPORT` (e.g. `index.handler` runs the export `handler`).
    pub handler: String,
    /// The `initializer_handler` setting, if any (e.g. `index.init`). Default none.
    pub initializer: Option<String>,
    /// Memory cap in MB over all memories and tables of an instance. Default 128.
    pub memory_size_mb: u32,
    /// CPU in millicores. Default from the memory size ([`cpu_for_memory`]).
    pub cpu_millicores: u32,
    /// Handler timeout. Default 3 s (the platform's default).
    pub timeout: Duration,
    /// Initializer timeout. Default 3 s.
    pub initializer_timeout: Duration,
    /// `user_data`: environment variables of the guest. Default none.
    pub user_data: BTreeMap<String, String>,
    /// A host directory with the function's dependency files, visible read-only to the guest
    /// at [`fgs_abi::DEPS_DIR`]. Default none.
    pub deps_dir: Option<PathBuf>,
}

impl VersionSpec {
    /// A spec with every default.
    pub fn new(function_name: impl Into<String>, handler: impl Into<String>) -> Self {
        VersionSpec {
            function_name: function_name.into(),
            package: "default".into(),
            version: "latest".into(),
            project_id: String::new(),
            handler: handler.into(),
            initializer: None,
            memory_size_mb: 128,
            cpu_millicores: cpu_for_memory(128),
            timeout: Duration::from_secs(3),
            initializer_timeout: Duration::from_secs(3),
            user_data: BTreeMap::new(),
            deps_dir: None,
        }
    }

    /// Sets the memory size and the CPU that goes with it (§1.6.1).
    pub fn with_memory_mb(mut self, mb: u32) -> Self {
        self.memory_size_mb = mb;
        self.cpu_millicores = cpu_for_memory(mb);
        self
    }

    /// Overrides the CPU millicores.
    pub fn with_cpu(mut self, millicores: u32) -> Self {
        self.cpu_millicores = millicores;
        self
    }

    /// Sets the handler timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the initializer and its timeout.
    pub fn with_initializer(mut self, initializer: impl Into<String>, timeout: Duration) -> Self {
        self.initializer = Some(initializer.into());
        self.initializer_timeout = timeout;
        self
    }

    /// Adds one `user_data` variable.
    pub fn with_user_data(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.user_data.insert(key.into(), value.into());
        self
    }

    /// Sets the dependency directory.
    pub fn with_deps_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.deps_dir = Some(dir.into());
        self
    }

    /// Sets the version name.
    pub fn with_version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// The environment every instance gets: `user_data` first, then the `RUNTIME_*` variables
    /// of `fgs-abi` (user keys starting with `RUNTIME_` are dropped).
    pub(crate) fn env(&self) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = self
            .user_data
            .iter()
            .filter(|(k, _)| !k.starts_with("RUNTIME_"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let fixed = [
            (fgs_abi::ENV_FUNC_NAME, self.function_name.clone()),
            (fgs_abi::ENV_PACKAGE, self.package.clone()),
            (fgs_abi::ENV_FUNC_VERSION, self.version.clone()),
            (fgs_abi::ENV_PROJECT_ID, self.project_id.clone()),
            (fgs_abi::ENV_MEMORY, self.memory_size_mb.to_string()),
            (fgs_abi::ENV_CPU, self.cpu_millicores.to_string()),
            (fgs_abi::ENV_TIMEOUT, self.timeout.as_secs().to_string()),
            (fgs_abi::ENV_HANDLER, self.handler.clone()),
        ];
        env.extend(fixed.into_iter().map(|(k, v)| (k.to_string(), v)));
        if self.deps_dir.is_some() {
            env.push((fgs_abi::ENV_DEPS_DIR.into(), fgs_abi::DEPS_DIR.into()));
        }
        env
    }
}

impl VersionSpec {
    /// The timeout of one call: the version's, capped by the request's `time_limit`.
    pub(crate) fn call_timeout(&self, req: &Request<'_>) -> Duration {
        req.time_limit.map_or(self.timeout, |t| t.min(self.timeout))
    }
}

/// One call: the event and the per-call context facts, borrowed from the caller (the
/// executor copies what it keeps into the instance's reused buffers).
#[derive(Debug, Clone, Copy, Default)]
pub struct Request<'a> {
    /// The event bytes.
    pub event: &'a [u8],
    /// The request id the guest sees.
    pub request_id: &'a str,
    /// The alias (or version) the URN named, if not the version itself.
    pub version_label: Option<&'a str>,
    /// Sync or async.
    pub invocation_type: InvocationType,
    /// Attempt number (1 for the first try).
    pub attempt: u32,
    /// What this call does over the function's max instances, instead of the function's
    /// policy ([`crate::Function::set_over_limit`]); `None` (the default) follows it. A
    /// queued attempt that must not block its thread passes [`OverLimit::Reject`].
    pub over_limit: Option<OverLimit>,
    /// Caps the version's timeout for this call (e.g. a sub-function call within its
    /// caller's remaining time). `None` (the default): the version's timeout.
    pub time_limit: Option<Duration>,
    /// The caller runs on a worker thread of a multi-threaded tokio runtime (an async
    /// server's request handler): a handler module's call then runs right there, with no hop
    /// to another thread, and only what may block steps off the worker with
    /// `tokio::task::block_in_place` (blocking WASI calls, a guest still running at its first
    /// epoch tick, a wait for an instance, sub-function calls, components and WASI commands;
    /// the crate docs). Ignored outside a multi-threaded runtime. Default `false`: the
    /// calling thread may block.
    pub on_async_worker: bool,
}

impl<'a> Request<'a> {
    /// A sync, first-attempt request.
    pub fn new(request_id: &'a str, event: &'a [u8]) -> Self {
        Request {
            event,
            request_id,
            version_label: None,
            invocation_type: InvocationType::Sync,
            attempt: 1,
            over_limit: None,
            time_limit: None,
            on_async_worker: false,
        }
    }
}
