//! The deployment manifest: functions with their code, versions to publish, aliases with
//! weights, triggers and async configs, in TOML or YAML (chosen by the file's extension).
//!
//! Field names follow the REST API's (seed §5.6.3 create function, §5.7.6 publish, §5.7.2
//! aliases, §5.12.3 triggers, §5.13.1 async config), so a manifest reads like the requests
//! it becomes. [`Manifest::load`] parses and checks it; every error names the file and, where
//! it comes from the file, the line to fix.

mod code;
mod parse;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use code::{Code, CodeSource};
pub use parse::{Format, ManifestError};

/// A parsed manifest, with the line of each function in its file (for messages).
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// Where the manifest came from (`<embedded default>` for the built-in one).
    pub origin: String,
    /// The functions, in file order.
    pub functions: Vec<FunctionSpec>,
}

/// The file's top level.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawManifest {
    #[serde(default)]
    pub(crate) functions: Vec<RawFunction>,
}

/// One function as written in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFunction {
    pub(crate) name: String,
    #[serde(default = "default_package")]
    pub(crate) package: String,
    #[serde(default = "default_runtime")]
    pub(crate) runtime: String,
    #[serde(default = "default_handler")]
    pub(crate) handler: String,
    #[serde(default = "default_memory")]
    pub(crate) memory_size: u32,
    #[serde(default = "default_timeout")]
    pub(crate) timeout: u32,
    /// A `.wasm` (or `.zip`) file or a directory (zipped on the fly), relative to the
    /// manifest's directory. None: the built-in echo handler.
    pub(crate) code: Option<PathBuf>,
    #[serde(default)]
    pub(crate) user_data: BTreeMap<String, String>,
    pub(crate) initializer_handler: Option<String>,
    pub(crate) initializer_timeout: Option<u32>,
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) versions: Vec<VersionSpec>,
    #[serde(default)]
    pub(crate) aliases: Vec<AliasSpec>,
    #[serde(default)]
    pub(crate) triggers: Vec<TriggerSpec>,
    pub(crate) async_config: Option<AsyncSpec>,
}

/// One function, resolved: its code loaded, its line known.
#[derive(Debug, Clone)]
pub struct FunctionSpec {
    /// Function name.
    pub name: String,
    /// Package (app), default `default`.
    pub package: String,
    /// Runtime, default `Custom`.
    pub runtime: String,
    /// Handler, default `index.handler`.
    pub handler: String,
    /// Memory in MB, default 128.
    pub memory_size: u32,
    /// Timeout in seconds, default 3.
    pub timeout: u32,
    /// The code and where it comes from.
    pub code: Code,
    /// Environment variables (sent as the JSON string `user_data`).
    pub user_data: BTreeMap<String, String>,
    /// Initializer handler, e.g. `index.init`.
    pub initializer_handler: Option<String>,
    /// Initializer timeout in seconds.
    pub initializer_timeout: Option<u32>,
    /// Description.
    pub description: Option<String>,
    /// Versions to publish (each once: an existing version of that name is left as is).
    pub versions: Vec<VersionSpec>,
    /// Aliases.
    pub aliases: Vec<AliasSpec>,
    /// Triggers.
    pub triggers: Vec<TriggerSpec>,
    /// The async invocation config.
    pub async_config: Option<AsyncSpec>,
    /// The line of the function's `name` in the manifest (0 when unknown or embedded).
    pub line: usize,
}

impl FunctionSpec {
    /// The short URN the REST API accepts (seed §1.6.1): `name`, or `package:name`.
    pub fn urn(&self) -> String {
        if self.package == "default" {
            self.name.clone()
        } else {
            format!("{}:{}", self.package, self.name)
        }
    }

    /// `user_data` as the JSON string the API carries, None when empty.
    pub fn user_data_json(&self) -> Option<String> {
        (!self.user_data.is_empty())
            .then(|| serde_json::to_string(&self.user_data).expect("a string map serializes"))
    }
}

/// A version to publish (seed §5.7.6).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionSpec {
    /// The version's name, e.g. `v1`.
    pub version: String,
    /// Its description.
    pub description: Option<String>,
}

/// An alias (seed §5.7.2): a version plus optional weighted extra versions.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AliasSpec {
    /// Alias name.
    pub name: String,
    /// The version it points at (`latest` or a published version).
    pub version: String,
    /// Description.
    pub description: Option<String>,
    /// `additional_version_weights`: version -> percent of calls.
    #[serde(default)]
    pub weights: BTreeMap<String, i64>,
}

/// A trigger (seed §5.12.3). A trigger already on the function with the same type and
/// `event_data` is the same trigger: applying again only updates its status.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerSpec {
    /// `trigger_type_code`: `TIMER`, `APIG`, `OBS`, ...
    #[serde(rename = "type")]
    pub trigger_type: String,
    /// `ACTIVE` (default) or `DISABLED`.
    #[serde(default = "default_status")]
    pub status: String,
    /// `event_type_code`, default per type (`MessageCreated` for TIMER).
    pub event_type_code: Option<String>,
    /// The type's `event_data`, as in the API.
    pub event_data: serde_json::Value,
}

/// The async invocation config (seed §5.13.1).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AsyncSpec {
    /// Max event age in seconds.
    pub max_async_event_age_in_seconds: Option<i64>,
    /// Max retry attempts.
    pub max_async_retry_attempts: Option<i64>,
    /// Whether async status logs are on.
    pub enable_async_status_log: Option<bool>,
    /// Destination on success.
    pub on_success: Option<DestinationSpec>,
    /// Destination on failure.
    pub on_failure: Option<DestinationSpec>,
}

/// A destination: `FunctionGraph`, `OBS`, `SMN` or `DIS`, with its parameters (a table,
/// sent as the JSON string `param`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DestinationSpec {
    /// Destination type.
    pub destination: String,
    /// Its parameters, e.g. `{ func_urn = "..." }` for `FunctionGraph`.
    pub param: serde_json::Value,
}

impl DestinationSpec {
    /// `param` as the JSON string the API carries (a string stays as it is).
    pub fn param_json(&self) -> String {
        match &self.param {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

fn default_package() -> String {
    "default".into()
}
fn default_runtime() -> String {
    "Custom".into()
}
fn default_handler() -> String {
    "index.handler".into()
}
fn default_memory() -> u32 {
    128
}
fn default_timeout() -> u32 {
    3
}
fn default_status() -> String {
    "ACTIVE".into()
}

impl Manifest {
    /// Reads, parses and checks the manifest at `path` and loads every function's code.
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        parse::load(path)
    }

    /// Parses manifest text; code paths are relative to `base_dir`.
    pub fn from_str(
        text: &str,
        format: Format,
        origin: &str,
        base_dir: &Path,
    ) -> Result<Manifest, ManifestError> {
        parse::parse(text, format, origin, base_dir)
    }

    /// `origin:line` for messages about a function (`origin` alone without a line).
    pub fn at(&self, line: usize) -> String {
        if line == 0 {
            self.origin.clone()
        } else {
            format!("{}:{line}", self.origin)
        }
    }
}
