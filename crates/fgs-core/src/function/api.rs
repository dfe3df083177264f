//! Request and response shapes of the function endpoints other than create (seed §5.6.1,
//! §5.6.4, §5.6.5, §5.6.7, §5.6.8). Numbers the seed range-checks are `i64` so a negative
//! value reaches validation.

use serde::{Deserialize, Serialize};

use super::{
    CustomImage, FuncCode, FuncVpc, FunctionConfig, FunctionDependency, MountConfig, StrategyConfig,
};

/// The query of list functions (seed §5.6.1). Every field is a string, as on the wire:
/// `marker` (zero-based offset, default 0), `maxitems` (missing, 0 or > 400 -> 400; < 0 or
/// not a number -> FSS.1001), `package_name` (filter).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListFunctionsQuery {
    /// Position after the last record of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// Page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maxitems: Option<String>,
    /// Only functions of this package (app).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_name: Option<String>,
}

/// One function in the list (seed Table 5-130): `func_urn` in the 7-field form (no version).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FunctionListItem {
    /// 7-field URN, no version.
    pub func_urn: String,
    /// Function name.
    pub func_name: String,
    /// Domain id.
    pub domain_id: String,
    /// Project id.
    pub namespace: String,
    /// Project name.
    pub project_name: String,
    /// Package.
    pub package: String,
    /// Runtime.
    pub runtime: String,
    /// Timeout in seconds.
    pub timeout: u32,
    /// Handler.
    pub handler: String,
    /// Memory in MB.
    pub memory_size: u32,
    /// CPU millicores.
    pub cpu: u32,
    /// Code type.
    pub code_type: String,
    /// Code URL (`obs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_url: Option<String>,
    /// Code file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_filename: Option<String>,
    /// Code size in bytes.
    pub code_size: u64,
    /// Environment variables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
    /// Encrypted environment variables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_user_data: Option<String>,
    /// SHA-512 of the code.
    pub digest: String,
    /// Always `latest`.
    pub version: String,
    /// Internal version id.
    pub image_name: String,
    /// Agency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xrole: Option<String>,
    /// App agency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_xrole: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Last update, RFC 3339 with offset.
    pub last_modified: String,
    /// VPC id, when a VPC is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub func_vpc_id: Option<String>,
    /// Max instances and per-instance concurrency.
    pub strategy_config: StrategyConfig,
    /// Extended configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extend_config: Option<String>,
    /// Initializer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initializer_handler: Option<String>,
    /// Initializer timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initializer_timeout: Option<u32>,
    /// Enterprise project id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    /// Long timeouts allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_time: Option<bool>,
    /// LTS log group id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_id: Option<String>,
    /// LTS log stream id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_stream_id: Option<String>,
    /// `v1` or `v2`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub func_type: Option<String>,
    /// Failed executions in the last day (0 until invocation metrics exist).
    pub fail_count: i64,
}

impl FunctionListItem {
    /// The list view of a function's `latest` configuration, with its 7-field URN.
    pub fn from_config(config: &FunctionConfig, unqualified_urn: String, fail_count: i64) -> Self {
        let c = config.clone();
        FunctionListItem {
            func_urn: unqualified_urn,
            func_name: c.func_name,
            domain_id: c.domain_id,
            namespace: c.namespace,
            project_name: c.project_name,
            package: c.package,
            runtime: c.runtime,
            timeout: c.timeout,
            handler: c.handler,
            memory_size: c.memory_size,
            cpu: c.cpu,
            code_type: c.code_type,
            code_url: c.code_url,
            code_filename: c.code_filename,
            code_size: c.code_size,
            user_data: c.user_data,
            encrypted_user_data: c.encrypted_user_data,
            digest: c.digest,
            version: c.version,
            image_name: c.image_name,
            xrole: c.xrole,
            app_xrole: c.app_xrole,
            description: c.description,
            last_modified: c.last_modified,
            func_vpc_id: c.func_vpc.and_then(|v| v.vpc_id),
            strategy_config: c.strategy_config,
            extend_config: c.extend_config,
            initializer_handler: c.initializer_handler,
            initializer_timeout: c.initializer_timeout,
            enterprise_project_id: c.enterprise_project_id,
            long_time: c.long_time,
            log_group_id: c.log_group_id,
            log_stream_id: c.log_stream_id,
            func_type: c.func_type,
            fail_count,
        }
    }
}

/// The body of list functions (seed §5.6.1).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ListFunctionsResponse {
    /// The page, in creation order.
    pub functions: Vec<FunctionListItem>,
    /// The next read position: `min(marker + page size, count)`.
    pub next_marker: i64,
    /// How many functions match the query in all.
    pub count: i64,
}

/// The body of get code and update code (seed Tables 5-161, 5-174).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FunctionCodeResponse {
    /// 8-field URN of the version.
    pub func_urn: String,
    /// Function name.
    pub func_name: String,
    /// Domain id.
    pub domain_id: String,
    /// Runtime.
    pub runtime: String,
    /// Code type.
    pub code_type: String,
    /// Code URL (`obs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_url: Option<String>,
    /// Code file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_filename: Option<String>,
    /// Code size in bytes.
    pub code_size: u64,
    /// SHA-512 of the code.
    pub digest: String,
    /// Last update, RFC 3339 with offset.
    pub last_modified: String,
    /// GET: `{"file": "", "link": ""}` (§5.6.4); update: `file` is the Base64 code (§5.6.5).
    pub func_code: FuncCode,
    /// Dependency ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depend_list: Option<Vec<String>>,
    /// Max instances and per-instance concurrency.
    pub strategy_config: StrategyConfig,
    /// Expanded dependencies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependencies: Option<Vec<FunctionDependency>>,
}

impl FunctionCodeResponse {
    /// The code view of a configuration, with the given `func_code`.
    pub fn from_config(config: &FunctionConfig, func_code: FuncCode) -> Self {
        let c = config.clone();
        FunctionCodeResponse {
            func_urn: c.func_urn,
            func_name: c.func_name,
            domain_id: c.domain_id,
            runtime: c.runtime,
            code_type: c.code_type,
            code_url: c.code_url,
            code_filename: c.code_filename,
            code_size: c.code_size,
            digest: c.digest,
            last_modified: c.last_modified,
            func_code,
            depend_list: c.depend_list,
            strategy_config: c.strategy_config,
            dependencies: c.dependencies,
        }
    }
}

/// The body of update code (seed §5.6.5, Table 5-172).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpdateFunctionCodeRequest {
    /// `inline`, `zip`, `obs` or `jar` (FSS.1006).
    pub code_type: String,
    /// Code location for `obs`: a local path or `file://` URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_url: Option<String>,
    /// Code file name (required for `zip` and `jar`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_filename: Option<String>,
    /// The code (required except for `obs`; a blank `file` is FSS.1012).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub func_code: Option<FuncCode>,
    /// Dependency ids; absent keeps the current list, `[]` clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depend_list: Option<Vec<String>>,
}

/// The body of update config (seed §5.6.7, Table 5-199).
///
/// The five required fields replace the current values. An optional field that is absent
/// keeps its current value; a blank string (or an empty object for `func_vpc` and
/// `mount_config`) clears it. `package` and the code cannot be changed here.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UpdateFunctionConfigRequest {
    /// Must equal the function's name (FSS.1002 otherwise; a function cannot be renamed).
    pub func_name: String,
    /// Runtime (FSS.1005).
    pub runtime: String,
    /// Timeout, 3..900 (FSS.1008).
    pub timeout: i64,
    /// Handler `file.export` (FSS.1003).
    pub handler: String,
    /// Memory in MB (FSS.1007).
    pub memory_size: i64,
    /// Environment variables (FSS.1009/1017/1018).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
    /// Encrypted environment variables, same rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_user_data: Option<String>,
    /// Agency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xrole: Option<String>,
    /// App agency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_xrole: Option<String>,
    /// Description (FSS.1019).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// VPC (`vpc_id` and `subnet_id` required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub func_vpc: Option<FuncVpc>,
    /// Mounts (FSS.1075, FSS.1049, FSS.1039).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_config: Option<MountConfig>,
    /// Max instances (-1..1000) and per-instance concurrency (-1..200000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy_config: Option<StrategyConfig>,
    /// Extended configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extend_config: Option<String>,
    /// Initializer (FSS.1404).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initializer_handler: Option<String>,
    /// Initializer timeout 1..300 (FSS.1405).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initializer_timeout: Option<i64>,
    /// Enterprise project id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    /// Stateful function (v2 only; FSS.0400 for a v1 function).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_stateful_function: Option<bool>,
    /// Private domain names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_names: Option<String>,
    /// Dynamic memory (response field, accepted on input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_dynamic_memory: Option<bool>,
    /// Auth in header (response field, accepted on input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_auth_in_header: Option<bool>,
    /// Container image settings (stored and echoed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_image: Option<CustomImage>,
}

/// The body of config-max-instance (seed §5.6.8).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpdateMaxInstancesRequest {
    /// -1..1000, stored in `strategy_config.concurrency` (FSS.0400 outside); absent keeps the
    /// current value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_instance_num: Option<i64>,
}
