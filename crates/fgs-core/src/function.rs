//! The function model (seed §1.6.1 Table 1-1, completed with the §5.6 response tables).
//!
//! [`FunctionConfig`] is the one superset function object the API returns from create, get
//! config, update config and max-instance (digest §2.1.1 suggestion); the list view and the
//! code view are projections of it. Unset optional fields are left out of the JSON.

use serde::{Deserialize, Serialize};

mod api;
pub mod rules;

pub use api::*;

/// The memory sizes a function may have, in MB (seed §1.6.1).
pub const MEMORY_SIZES: [u32; 13] = [
    128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096,
];

/// CPU millicores for a memory size: `memory_size / 128 * 100 + 200` (seed §1.6.1).
///
/// ```
/// assert_eq!(fgs_core::function::cpu_for_memory(128), 300);
/// assert_eq!(fgs_core::function::cpu_for_memory(4096), 3400);
/// ```
pub const fn cpu_for_memory(memory_size: u32) -> u32 {
    memory_size / 128 * 100 + 200
}

/// `strategy_config` (seed Table 1-3): `concurrency` holds the maximum number of instances
/// (DECISIONS: -1 = no limit but the emulator's cap, 0 = function disabled, 1..1000);
/// `concurrent_num` the per-instance concurrency (-1..200000, stored and reported).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StrategyConfig {
    /// Maximum number of instances; see the type docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<i64>,
    /// Maximum concurrent requests per instance (`concurrent_number`, the spelling of seed
    /// Table 5-210, is accepted on input).
    #[serde(
        default,
        alias = "concurrent_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub concurrent_num: Option<i64>,
}

/// `func_vpc` (seed Table 1-4).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FuncVpc {
    /// VPC name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_name: Option<String>,
    /// VPC id (required when `func_vpc` is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Subnet name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_name: Option<String>,
    /// Subnet id (required when `func_vpc` is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    /// Subnet mask.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// Gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
}

/// `mount_config.mount_user` (seed Table 1-7). The seed types the ids as Int in §1.6.1 and
/// String in §5.6; both are accepted and kept as sent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MountUser {
    /// User id, -1..65534 except 0, 1000 and 1002.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<serde_json::Value>,
    /// Group id, same range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_id: Option<serde_json::Value>,
}

/// One file-system mount (seed Table 1-8).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FuncMount {
    /// `sfs`, `sfsTurbo` or `ecs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_type: Option<String>,
    /// Id of the mounted resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_resource: Option<String>,
    /// Remote path, required for `ecs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_share_path: Option<String>,
    /// Path the function sees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_mount_path: Option<String>,
    /// Mount status (response only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// `mount_config` (seed Table 1-6).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MountConfig {
    /// The user the mounts are accessed as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_user: Option<MountUser>,
    /// The mounts (at most 5, FSS.1049).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub func_mounts: Option<Vec<FuncMount>>,
}

/// A dependency as embedded in a function's `dependencies` (seed Table 1-5).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FunctionDependency {
    /// Dependency id (not in Table 1-5, but needed to tell entries apart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Owner's domain id, or `public`.
    pub owner: String,
    /// URL of the package.
    pub link: String,
    /// Runtime the package is for.
    pub runtime: String,
    /// MD5 of the package.
    pub etag: String,
    /// Package size in bytes.
    pub size: u64,
    /// Dependency name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// File name of the ZIP package.
    pub file_name: String,
}

/// `func_code` (seed Tables 5-139/162/173/175): Base64 `file` and a `link`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FuncCode {
    /// Base64-encoded code (a ZIP, a wasm module or inline source).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// URL of the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// `custom_image` (seed §2.1.6). Stored and echoed; the emulator runs wasm only.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CustomImage {
    /// Whether the feature is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Image address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Start command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// Command-line arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<String>,
    /// Working directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    /// User id in the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Group id in the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gid: Option<String>,
}

/// The function object: the configuration of `latest` or of a published version.
///
/// This is both what the emulator stores for a version and what the API returns; the code
/// bytes themselves are kept apart (see [`crate::code::CodePackage`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FunctionConfig {
    /// Function URN (the response decides between the 7- and 8-field form).
    pub func_urn: String,
    /// Function name.
    pub func_name: String,
    /// Domain (account) id.
    pub domain_id: String,
    /// Project id.
    pub namespace: String,
    /// Project name (the region id in URNs).
    pub project_name: String,
    /// Package (app).
    pub package: String,
    /// Runtime (see [`crate::runtime`]).
    pub runtime: String,
    /// Timeout in seconds, 3..900.
    pub timeout: u32,
    /// `file.export`, e.g. `index.handler` (file `index.wasm`, export `handler`).
    pub handler: String,
    /// Memory in MB, one of [`MEMORY_SIZES`].
    pub memory_size: u32,
    /// CPU millicores, [`cpu_for_memory`].
    pub cpu: u32,
    /// `inline`, `zip`, `obs` or `jar`.
    pub code_type: String,
    /// Code URL for `obs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_url: Option<String>,
    /// Name of the code file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_filename: Option<String>,
    /// Code size in bytes.
    pub code_size: u64,
    /// Environment variables: a JSON object of strings, sent as a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
    /// Encrypted environment variables, same shape as `user_data`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_user_data: Option<String>,
    /// SHA-512 of the code, 128 hex characters.
    pub digest: String,
    /// `latest` or the published version's name.
    pub version: String,
    /// Internal id of the version, e.g. `latest-191025153727@zehht`.
    pub image_name: String,
    /// Agency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xrole: Option<String>,
    /// App agency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_xrole: Option<String>,
    /// Description, at most 512 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Version description (published versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_description: Option<String>,
    /// Last update, RFC 3339 with offset.
    pub last_modified: String,
    /// Last update, epoch seconds (seen in the seed's examples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_utc: Option<i64>,
    /// VPC configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub func_vpc: Option<FuncVpc>,
    /// File-system mounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_config: Option<MountConfig>,
    /// Dependency ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depend_list: Option<Vec<String>>,
    /// Dependencies, expanded from `depend_list`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependencies: Option<Vec<FunctionDependency>>,
    /// Max instances and per-instance concurrency.
    pub strategy_config: StrategyConfig,
    /// Extended configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extend_config: Option<String>,
    /// Initializer, `file.export`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initializer_handler: Option<String>,
    /// Initializer timeout in seconds, 1..300.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initializer_timeout: Option<u32>,
    /// Enterprise project id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    /// Whether long timeouts are allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_time: Option<bool>,
    /// LTS log group id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_id: Option<String>,
    /// LTS log stream id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_stream_id: Option<String>,
    /// `v1` or `v2` (default `v2`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub func_type: Option<String>,
    /// Dynamic memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_dynamic_memory: Option<bool>,
    /// Stateful function (v2 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_stateful_function: Option<bool>,
    /// Auth information in the header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_auth_in_header: Option<bool>,
    /// Private domain names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_names: Option<String>,
    /// Container image settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_image: Option<CustomImage>,
}

/// The body of create function (seed §5.6.2, Table 5-138).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CreateFunctionRequest {
    /// Function name: 1..60 characters, starts with a letter, ends with a letter or digit,
    /// letters, digits, `-` and `_` only.
    pub func_name: String,
    /// Package (app).
    pub package: String,
    /// Runtime.
    pub runtime: String,
    /// Timeout in seconds, 3..900 (FSS.1008).
    pub timeout: i64,
    /// `file.export`.
    pub handler: String,
    /// Memory in MB, one of [`MEMORY_SIZES`] (FSS.1007).
    pub memory_size: i64,
    /// `inline`, `zip`, `obs` or `jar`.
    pub code_type: String,
    /// Code URL for `obs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_url: Option<String>,
    /// Code file name (required for `zip` and `jar`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_filename: Option<String>,
    /// Environment variables, a JSON object of strings sent as a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
    /// Agency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xrole: Option<String>,
    /// App agency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_xrole: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The code; a blank `file` installs the built-in default handler.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub func_code: Option<FuncCode>,
    /// Initializer, `file.export`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initializer_handler: Option<String>,
    /// Initializer timeout, 1..300 (FSS.1405).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initializer_timeout: Option<i64>,
    /// Enterprise project id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    /// `v1` or `v2` (default `v2`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub func_type: Option<String>,
}
