//! Field rules of the function API (seed §1.6.1, §5.6.2, §5.6.7, §4.4 console rules), each
//! with its `FSS.xxxx` code. Pure checks; the runtime calls them before touching state.

use crate::code::split_handler;
use crate::error::{ErrorKind, Result};
use crate::function::{FuncMount, FuncVpc, MEMORY_SIZES, MountConfig, StrategyConfig};
use crate::limits::Limits;

/// The code types of `code_type` (seed §5.6.2).
pub const CODE_TYPES: [&str; 4] = ["inline", "zip", "obs", "jar"];
/// The mount types of `func_mounts[].mount_type` (seed Table 1-8).
pub const MOUNT_TYPES: [&str; 3] = ["sfs", "sfsTurbo", "ecs"];
/// At most this many file-system mounts (FSS.1049).
pub const MAX_MOUNTS: usize = 5;
/// The longest description (FSS.1019, seed §4.4).
pub const MAX_DESCRIPTION_CHARS: usize = 512;
/// The longest handler (seed §4.4 console rule).
pub const MAX_HANDLER_LEN: usize = 128;
/// At most this many dependencies per function (seed §4.4 console rule; FSS.1024 beyond).
pub const MAX_DEPENDENCIES_PER_FUNCTION: usize = 20;

/// Names of functions and apps (seed §4.4): 1..60 characters, a letter first, a letter or
/// digit last, only letters, digits, `-` and `_`.
pub fn is_valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            bytes.len() <= 60
                && first.is_ascii_alphabetic()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
        }
        _ => false,
    }
}

/// `func_name` (FSS.1002).
pub fn check_func_name(name: &str) -> Result<()> {
    if is_valid_name(name) {
        Ok(())
    } else {
        Err(ErrorKind::InvalidFunctionName.with(format!(
            "function name '{name}' must have 1 to 60 characters, start with a letter, end with a \
             letter or digit, and use only letters, digits, '-' and '_'"
        )))
    }
}

/// `package`: FSS.1004 when blank, FSS.1027 when it breaks the app-name rules.
pub fn check_package(package: &str) -> Result<()> {
    if package.trim().is_empty() {
        return Err(ErrorKind::InvalidPackage.with("package must not be blank"));
    }
    if is_valid_name(package) {
        Ok(())
    } else {
        Err(ErrorKind::InvalidPackageOrAppName.with(format!(
            "package '{package}' must have 1 to 60 characters, start with a letter, end with a \
             letter or digit, and use only letters, digits, '-' and '_'"
        )))
    }
}

/// `runtime` (FSS.1005): one of [`crate::runtime::FUNCTION_RUNTIMES`], `Custom` included.
pub fn check_runtime(runtime: &str) -> Result<()> {
    if crate::runtime::is_function_runtime(runtime) {
        Ok(())
    } else {
        Err(ErrorKind::InvalidRuntime.with(format!(
            "runtime '{runtime}' is not one of {:?}",
            crate::runtime::FUNCTION_RUNTIMES
        )))
    }
}

/// `code_type` (FSS.1006).
pub fn check_code_type(code_type: &str) -> Result<()> {
    if CODE_TYPES.contains(&code_type) {
        Ok(())
    } else {
        Err(ErrorKind::InvalidCodeType.with(format!(
            "code_type '{code_type}' is not one of inline, zip, obs, jar"
        )))
    }
}

/// `memory_size` (FSS.1007): one of the 13 sizes; returns it as `u32`.
pub fn check_memory_size(memory_size: i64) -> Result<u32> {
    match u32::try_from(memory_size) {
        Ok(m) if MEMORY_SIZES.contains(&m) => Ok(m),
        _ => Err(ErrorKind::InvalidMemorySize.with(format!(
            "memory_size {memory_size} is not one of {MEMORY_SIZES:?} (MB)"
        ))),
    }
}

/// `timeout` (FSS.1008): 3..900 seconds.
pub fn check_timeout(timeout: i64) -> Result<u32> {
    if (3..=900).contains(&timeout) {
        Ok(timeout as u32)
    } else {
        Err(ErrorKind::InvalidTimeout.with(format!("timeout {timeout} is outside 3..900 seconds")))
    }
}

/// Whether `handler` has the `file.export` form (at most 128 characters, no whitespace).
pub fn is_valid_handler(handler: &str) -> bool {
    handler.len() <= MAX_HANDLER_LEN
        && !handler.chars().any(|c| c.is_whitespace() || c.is_control())
        && split_handler(handler).is_some()
}

/// `handler` (FSS.1003).
pub fn check_handler(handler: &str) -> Result<()> {
    if is_valid_handler(handler) {
        Ok(())
    } else {
        Err(ErrorKind::InvalidHandler.with(format!(
            "handler '{handler}' must have the form 'file.export' (e.g. 'index.handler'), \
             at most {MAX_HANDLER_LEN} characters"
        )))
    }
}

/// `initializer_handler` (FSS.1404) and `initializer_timeout` 1..300 (FSS.1405). A blank
/// handler means none. Returns the normalised pair.
pub fn check_initializer(
    handler: Option<&str>,
    timeout: Option<i64>,
) -> Result<(Option<String>, Option<u32>)> {
    let handler = handler.filter(|h| !h.is_empty());
    if let Some(h) = handler
        && !is_valid_handler(h)
    {
        return Err(ErrorKind::InvalidInitializer.with(format!(
            "initializer_handler '{h}' must have the form 'file.export' (e.g. 'index.init')"
        )));
    }
    let timeout = match timeout {
        None => None,
        Some(t) if (1..=300).contains(&t) => Some(t as u32),
        Some(t) => {
            return Err(ErrorKind::InvalidInitializerTimeout
                .with(format!("initializer_timeout {t} is outside 1..300 seconds")));
        }
    };
    Ok((handler.map(str::to_owned), timeout))
}

/// `description` (FSS.1019): at most 512 characters.
pub fn check_description(description: Option<&str>) -> Result<()> {
    match description {
        Some(d) if d.chars().count() > MAX_DESCRIPTION_CHARS => Err(ErrorKind::DescriptionTooLong
            .with(format!(
                "description has {} characters; the limit is {MAX_DESCRIPTION_CHARS}",
                d.chars().count()
            ))),
        _ => Ok(()),
    }
}

/// `type` (FSS.0400): `v1` or `v2`, default `v2`.
pub fn check_func_type(func_type: Option<&str>) -> Result<String> {
    match func_type {
        None | Some("") => Ok("v2".to_owned()),
        Some(t @ ("v1" | "v2")) => Ok(t.to_owned()),
        Some(other) => {
            Err(ErrorKind::InvalidParameter.with(format!("type '{other}' is not 'v1' or 'v2'")))
        }
    }
}

/// `user_data` / `encrypted_user_data` (DECISIONS): a JSON object of strings sent as a string.
/// Not such an object, or a key that is not an environment variable name: FSS.1009; more
/// than [`Limits::max_env_vars`] keys: FSS.1017; longer than [`Limits::max_env_size`] bytes:
/// FSS.1018. Blank means none; returns the value to store.
pub fn check_user_data(
    field: &str,
    value: Option<&str>,
    limits: &Limits,
) -> Result<Option<String>> {
    let Some(text) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    if text.len() > limits.max_env_size {
        return Err(ErrorKind::EnvironmentVariablesTooLarge.with(format!(
            "{field} has {} bytes; the limit is {}",
            text.len(),
            limits.max_env_size
        )));
    }
    let parsed: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        ErrorKind::InvalidEnvironmentVariable
            .with(format!("{field} is not a JSON object of strings: {e}"))
    })?;
    let Some(object) = parsed.as_object() else {
        return Err(ErrorKind::InvalidEnvironmentVariable.with(format!(
            "{field} must be a JSON object of strings, got {parsed}"
        )));
    };
    if object.len() > limits.max_env_vars {
        return Err(ErrorKind::TooManyEnvironmentVariables.with(format!(
            "{field} has {} variables; the limit is {}",
            object.len(),
            limits.max_env_vars
        )));
    }
    for (key, v) in object {
        if !is_env_name(key) {
            return Err(ErrorKind::InvalidEnvironmentVariable.with(format!(
                "{field}: '{key}' is not a variable name (a letter or '_' first, then letters, \
                 digits, '_' and '.')"
            )));
        }
        if !v.is_string() {
            return Err(ErrorKind::InvalidEnvironmentVariable.with(format!(
                "{field}: the value of '{key}' must be a string, got {v}"
            )));
        }
    }
    Ok(Some(text.to_owned()))
}

fn is_env_name(key: &str) -> bool {
    let bytes = key.as_bytes();
    bytes
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
}

/// `strategy_config` (seed Table 1-3, DECISIONS): `concurrency` -1..1000 (only -1 or 0 for a
/// `v1` function), `concurrent_num` -1..200000; FSS.0400 outside.
pub fn check_strategy(strategy: &StrategyConfig, func_type: &str) -> Result<()> {
    if let Some(c) = strategy.concurrency {
        check_max_instances("strategy_config.concurrency", c, func_type)?;
    }
    if let Some(n) = strategy.concurrent_num
        && !(-1..=200_000).contains(&n)
    {
        return Err(ErrorKind::InvalidParameter.with(format!(
            "strategy_config.concurrent_num {n} is outside -1..200000"
        )));
    }
    Ok(())
}

/// A maximum instance count (`max_instance_num` or `strategy_config.concurrency`): -1..1000,
/// only -1 or 0 for `v1`; FSS.0400 outside.
pub fn check_max_instances(field: &str, value: i64, func_type: &str) -> Result<()> {
    if !(-1..=1000).contains(&value) {
        return Err(
            ErrorKind::InvalidParameter.with(format!("{field} {value} is outside -1..1000"))
        );
    }
    if func_type == "v1" && value > 0 {
        return Err(ErrorKind::InvalidParameter.with(format!(
            "{field} {value}: a v1 function accepts only -1 (enabled) or 0 (disabled)"
        )));
    }
    Ok(())
}

/// `func_vpc` (seed Table 1-4): `vpc_id` and `subnet_id` required (FSS.0400). An object with
/// every field blank means "no VPC" and returns `None`.
pub fn check_func_vpc(vpc: Option<&FuncVpc>) -> Result<Option<FuncVpc>> {
    let Some(vpc) = vpc else { return Ok(None) };
    if *vpc == FuncVpc::default() {
        return Ok(None);
    }
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if blank(&vpc.vpc_id) {
        return Err(ErrorKind::InvalidParameter.with("func_vpc.vpc_id is required"));
    }
    if blank(&vpc.subnet_id) {
        return Err(ErrorKind::InvalidParameter.with("func_vpc.subnet_id is required"));
    }
    Ok(Some(vpc.clone()))
}

/// A mount user or group id: an integer (or a string holding one) in -1..65534, not 0, 1000
/// or 1002 (FSS.1075).
pub fn check_mount_id(field: &str, value: Option<&serde_json::Value>) -> Result<i64> {
    let id = match value {
        Some(serde_json::Value::Number(n)) => n.as_i64(),
        Some(serde_json::Value::String(s)) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    match id {
        Some(id) if (-1..=65534).contains(&id) && ![0, 1000, 1002].contains(&id) => Ok(id),
        _ => Err(ErrorKind::InvalidMountUserId.with(format!(
            "mount_config.mount_user.{field} {} must be an integer in -1..65534 other than 0, \
             1000 and 1002",
            value.map_or("(missing)".to_owned(), ToString::to_string)
        ))),
    }
}

/// `mount_config` (seed Tables 1-6..1-8): `mount_user` with both ids (FSS.1075), at most 5
/// mounts (FSS.1049), `mount_type` sfs/sfsTurbo/ecs and `mount_resource` required (FSS.0400),
/// `local_mount_path` an absolute, unique path and `mount_share_path` for `ecs` (FSS.1039).
/// An empty object means "no mounts" and returns `None`. Mounts come back `ACTIVE`.
pub fn check_mount_config(config: Option<&MountConfig>) -> Result<Option<MountConfig>> {
    let Some(config) = config else {
        return Ok(None);
    };
    let mounts = config.func_mounts.as_deref().unwrap_or_default();
    if config.mount_user.is_none() && mounts.is_empty() {
        return Ok(None);
    }
    let Some(user) = config.mount_user.as_ref() else {
        return Err(ErrorKind::InvalidParameter.with("mount_config.mount_user is required"));
    };
    check_mount_id("user_id", user.user_id.as_ref())?;
    check_mount_id("user_group_id", user.user_group_id.as_ref())?;
    if mounts.len() > MAX_MOUNTS {
        return Err(ErrorKind::MountQuotaExceeded.with(format!(
            "mount_config has {} file systems; the limit is {MAX_MOUNTS}",
            mounts.len()
        )));
    }
    let mut out = Vec::with_capacity(mounts.len());
    for (i, m) in mounts.iter().enumerate() {
        out.push(check_mount(i, m, &out)?);
    }
    Ok(Some(MountConfig {
        mount_user: Some(user.clone()),
        func_mounts: Some(out),
    }))
}

fn check_mount(i: usize, m: &FuncMount, earlier: &[FuncMount]) -> Result<FuncMount> {
    let kind = m.mount_type.as_deref().unwrap_or("");
    if !MOUNT_TYPES.contains(&kind) {
        return Err(ErrorKind::InvalidParameter.with(format!(
            "func_mounts[{i}].mount_type '{kind}' is not one of sfs, sfsTurbo, ecs"
        )));
    }
    if m.mount_resource
        .as_deref()
        .is_none_or(|r| r.trim().is_empty())
    {
        return Err(ErrorKind::InvalidParameter
            .with(format!("func_mounts[{i}].mount_resource is required")));
    }
    let local = m.local_mount_path.as_deref().unwrap_or("");
    if !is_mount_path(local) {
        return Err(ErrorKind::InvalidMountPath.with(format!(
            "func_mounts[{i}].local_mount_path '{local}' must be an absolute path other than '/' \
             without '..', spaces or control characters"
        )));
    }
    if earlier
        .iter()
        .any(|e| e.local_mount_path.as_deref() == Some(local))
    {
        return Err(ErrorKind::InvalidMountPath.with(format!(
            "func_mounts[{i}].local_mount_path '{local}' is used by another mount"
        )));
    }
    if kind == "ecs"
        && m.mount_share_path
            .as_deref()
            .is_none_or(|p| p.trim().is_empty())
    {
        return Err(ErrorKind::InvalidMountPath.with(format!(
            "func_mounts[{i}].mount_share_path is required for mount_type 'ecs'"
        )));
    }
    Ok(FuncMount {
        status: Some("ACTIVE".to_owned()),
        ..m.clone()
    })
}

fn is_mount_path(path: &str) -> bool {
    path.starts_with('/')
        && path.len() > 1
        && path.len() <= 255
        && !path.split('/').any(|seg| seg == "..")
        && !path.chars().any(|c| c.is_whitespace() || c.is_control())
}
