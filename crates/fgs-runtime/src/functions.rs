//! # The function API (seed §5.6): start here
//!
//! Every method below is on [`Emulator`], takes the seed's request body as a serde type from
//! [`fgs_core::function`] and returns the seed's response shape. Methods that name a
//! function take `function_urn: &str` in any URN form of §1.6.1 (`name`, `package:name`,
//! `project:package:name`, `project:package:name:qualifier`, 7- or 8-field `urn:fss:...`).
//!
//! | Endpoint | Method | Returns |
//! |---|---|---|
//! | §5.6.1 `GET functions` | [`Emulator::list_functions`] | [`ListFunctionsResponse`] |
//! | §5.6.2 `POST functions` | [`Emulator::create_function`] | [`FunctionConfig`] |
//! | §5.6.3 `DELETE functions/{urn}` | [`Emulator::delete_function`] | `()` (204) |
//! | §5.6.4 `GET .../code` | [`Emulator::get_function_code`] | [`FunctionCodeResponse`] |
//! | §5.6.5 `PUT .../code` | [`Emulator::update_function_code`] | [`FunctionCodeResponse`] |
//! | §5.6.6 `GET .../config` | [`Emulator::get_function_config`] | [`FunctionConfig`] |
//! | §5.6.7 `PUT .../config` | [`Emulator::update_function_config`] | [`FunctionConfig`] |
//! | §5.6.8 `PUT .../config-max-instance` | [`Emulator::update_max_instances`] | [`FunctionConfig`] |
//! | §5.2.1 `GET quotas` | [`Emulator::get_quotas`] | [`fgs_core::quota::QuotasResponse`] |
//!
//! ```
//! use fgs_core::function::{CreateFunctionRequest, FuncCode};
//! let emu = fgs_runtime::Emulator::builder().seed(1).build()?;
//! let created = emu.create_function(CreateFunctionRequest {
//!     func_name: "hello".into(),
//!     package: "default".into(),
//!     runtime: "Custom".into(),
//!     timeout: 30,
//!     handler: "index.handler".into(),
//!     memory_size: 128,
//!     code_type: "inline".into(),
//!     func_code: Some(FuncCode { file: Some(String::new()), link: None }), // built-in echo
//!     ..Default::default()
//! })?;
//! assert_eq!(created.cpu, 300);
//! assert!(created.func_urn.ends_with(":function:default:hello:latest"));
//! assert_eq!(emu.get_function_config("hello")?.digest, created.digest);
//! # Ok::<(), fgs_core::Error>(())
//! ```
//!
//! ## Rules (each with its code; the tests in `tests/all/functions.rs` provoke every one)
//! - Names (§4.4): `func_name` FSS.1002, `package` FSS.1004 (blank) / FSS.1027; `runtime` one
//!   of the 17 values incl. `Custom` FSS.1005; `code_type` FSS.1006; `memory_size` one of 13
//!   values FSS.1007; `timeout` 3..900 FSS.1008; `handler` `file.export` FSS.1003;
//!   `initializer_handler` FSS.1404 and `initializer_timeout` 1..300 FSS.1405; `user_data`
//!   (a JSON object of strings, sent as a string) FSS.1009 / FSS.1017 (> 20 keys) / FSS.1018
//!   (> 4 KB); `description` > 512 characters FSS.1019; `type` not v1/v2 FSS.0400;
//!   `code_filename` missing for zip/jar FSS.0400.
//! - Code: see [`fgs_core::code`] (ZIP / wasm / inline source, FSS.1011, FSS.1071, FSS.1072,
//!   built-in default handler for a blank file at create, FSS.1012 for a blank file at update).
//!   `obs` reads `code_url`, a local path or `file://` URL (FSS.1010 for anything else or a
//!   `code_url` with another code type, FSS.1054 when the file is missing); `code_filename`
//!   then defaults to the file name.
//! - Quotas: FSS.1061 duplicate, FSS.1041 function count, FSS.1042 total code size
//!   (`Limits`, reported by [`Emulator::get_quotas`]).
//! - Updates (§5.6.5, §5.6.7, §5.6.8) change `latest` only: a URN naming a published version
//!   or an alias is refused with FSS.1015 (published versions are immutable), after FSS.1052 /
//!   FSS.1053 if it does not exist. FSS.1077 while any reserved instance is configured.
//!   `image_name` and `last_modified` change on every update; `digest` only with the code.
//! - Delete (§5.6.3, DECISIONS "Delete"): see [`Emulator::delete_function`].

use std::sync::Arc;

use base64::Engine as _;
use fgs_core::code::{CodeOrigin, CodePackage};
use fgs_core::function::rules;
use fgs_core::function::{
    CreateFunctionRequest, FunctionCodeResponse, FunctionConfig, FunctionListItem,
    ListFunctionsQuery, ListFunctionsResponse, StrategyConfig, cpu_for_memory,
};
use fgs_core::limits::Limits;
use fgs_core::urn::{FunctionUrn, Qualifier};
use fgs_core::{ErrorKind, Result};

use crate::Emulator;
use crate::state::{FunctionEntry, FunctionKey, VersionState};

mod delete;
mod update;

/// The most functions one list page holds (seed §5.6.1).
pub const MAX_LIST_ITEMS: i64 = 400;

impl Emulator {
    /// Creates a function (seed §5.6.2) and returns its configuration, `func_urn` with
    /// `:latest`. Every field of Table 5-138 is validated (see the module docs for codes).
    pub fn create_function(&self, mut req: CreateFunctionRequest) -> Result<FunctionConfig> {
        let limits = self.limits();
        rules::check_func_name(&req.func_name)?;
        rules::check_package(&req.package)?;
        rules::check_runtime(&req.runtime)?;
        rules::check_code_type(&req.code_type)?;
        let memory_size = rules::check_memory_size(req.memory_size)?;
        let timeout = rules::check_timeout(req.timeout)?;
        rules::check_handler(&req.handler)?;
        let (initializer_handler, initializer_timeout) =
            rules::check_initializer(req.initializer_handler.as_deref(), req.initializer_timeout)?;
        let user_data = rules::check_user_data("user_data", req.user_data.as_deref(), limits)?;
        rules::check_description(req.description.as_deref())?;
        let func_type = rules::check_func_type(req.func_type.as_deref())?;
        // Owned: the Base64 text is decoded in its own buffer (see `decode_base64`).
        let file = req.func_code.take().and_then(|c| c.file);
        let loaded = load_code(
            limits,
            &req.code_type,
            req.code_url.as_deref(),
            req.code_filename.as_deref(),
            file,
            true,
        )?;
        let code = Arc::new(loaded.code);

        let settings = &self.inner.settings;
        let urn = FunctionUrn::new(&settings.urn, &req.package, &req.func_name, None);
        let now = self.now();
        let mut config = FunctionConfig {
            func_urn: urn.full(),
            func_name: req.func_name.clone(),
            domain_id: settings.domain_id.clone(),
            namespace: settings.urn.project_id.clone(),
            project_name: settings.urn.region.clone(),
            package: req.package.clone(),
            runtime: req.runtime,
            timeout,
            handler: req.handler,
            memory_size,
            cpu: cpu_for_memory(memory_size),
            code_type: req.code_type,
            code_url: loaded.code_url,
            code_filename: loaded.code_filename,
            code_size: code.size(),
            user_data,
            digest: code.digest.clone(),
            version: fgs_core::urn::LATEST.to_owned(),
            xrole: blank_to_none(req.xrole),
            app_xrole: blank_to_none(req.app_xrole),
            description: blank_to_none(req.description),
            strategy_config: StrategyConfig {
                concurrency: Some(-1),
                concurrent_num: None,
            },
            initializer_handler,
            initializer_timeout,
            enterprise_project_id: blank_to_none(req.enterprise_project_id),
            func_type: Some(func_type),
            ..FunctionConfig::default()
        };
        self.stamp(&mut config, now);

        let mut state = self.inner.state.write();
        let key = FunctionKey::of(&urn);
        if state.functions.contains_key(&key) {
            return Err(ErrorKind::FunctionExists.with(format!(
                "function '{}:{}' already exists",
                req.package, req.func_name
            )));
        }
        let count = state.functions.len() as u64;
        if count >= limits.max_functions {
            return Err(ErrorKind::FunctionQuotaExceeded.with(format!(
                "the project already has {count} functions; the quota is {}",
                limits.max_functions
            )));
        }
        let total = crate::quotas::total_code_size(&state);
        check_code_quota(limits, total, code.size())?;
        let seq = state.next_seq();
        let latest = VersionState {
            config: config.clone(),
            code,
            modified: now,
        };
        let mut entry = FunctionEntry::new(seq, latest);
        if let Some(group) = state.lts.clone() {
            // Logs are enabled for the project (§5.9.2): the new function gets its stream now.
            self.attach_log_stream(&mut entry, &group);
        }
        let config = entry.latest.config.clone();
        let mut tx = self.tx(&state);
        tx.function(&state, &key);
        state.functions.insert(key, entry);
        tx.commit(&mut state)?;
        Ok(config)
    }

    /// The configuration of the version a URN names (seed §5.6.6): `latest` when unqualified,
    /// a published version, or an alias's major version (reported under the alias URN).
    /// FSS.1051 / FSS.1052 / FSS.1053 when the function, version or alias does not exist.
    pub fn get_function_config(&self, function_urn: &str) -> Result<FunctionConfig> {
        let urn = self.parse_urn(function_urn)?;
        let state = self.inner.state.read();
        let entry = state.function(&urn)?;
        let version = entry.version(urn.effective_qualifier())?;
        let mut config = version.config.clone();
        if matches!(urn.effective_qualifier(), Qualifier::Alias(_)) {
            config.func_urn = urn.full();
        }
        Ok(config)
    }

    /// The code view of a version (seed §5.6.4), resolved like
    /// [`Emulator::get_function_config`]. `func_code` is `{"file": "", "link": ""}`: the bytes
    /// themselves are not returned here.
    pub fn get_function_code(&self, function_urn: &str) -> Result<FunctionCodeResponse> {
        let config = self.get_function_config(function_urn)?;
        Ok(FunctionCodeResponse::from_config(
            &config,
            fgs_core::function::FuncCode {
                file: Some(String::new()),
                link: Some(String::new()),
            },
        ))
    }

    /// Lists functions in creation order (seed §5.6.1): `marker` is a zero-based offset
    /// (default 0); `maxitems` missing, 0 or > 400 gives 400 items; a negative or non-numeric
    /// `marker`/`maxitems` is FSS.1001. `next_marker` = `min(marker + page size, count)` and
    /// `count` is the number of functions matching `package_name`. Items show `latest` with
    /// the 7-field URN and `fail_count`.
    pub fn list_functions(&self, query: &ListFunctionsQuery) -> Result<ListFunctionsResponse> {
        let marker = parse_query_number("marker", query.marker.as_deref())?.unwrap_or(0);
        let maxitems = match parse_query_number("maxitems", query.maxitems.as_deref())? {
            None | Some(0) => MAX_LIST_ITEMS,
            Some(n) if n > MAX_LIST_ITEMS => MAX_LIST_ITEMS,
            Some(n) => n,
        };
        let package = query.package_name.as_deref().filter(|p| !p.is_empty());
        let state = self.inner.state.read();
        let mut entries: Vec<&FunctionEntry> = state
            .functions
            .values()
            .filter(|e| package.is_none_or(|p| e.latest.config.package == p))
            .collect();
        entries.sort_by_key(|e| e.seq);
        let count = entries.len() as i64;
        let start = marker.min(count);
        let end = start.saturating_add(maxitems).min(count);
        let functions = entries[start as usize..end as usize]
            .iter()
            .map(|e| {
                let c = &e.latest.config;
                let urn =
                    FunctionUrn::new(&self.inner.settings.urn, &c.package, &c.func_name, None);
                FunctionListItem::from_config(c, urn.unqualified(), 0)
            })
            .collect();
        Ok(ListFunctionsResponse {
            functions,
            next_marker: end,
            count,
        })
    }

    /// Sets a fresh `image_name` (`latest-YYMMDDhhmmss@xxxxx`, local time) and
    /// `last_modified` (RFC 3339 in the configured offset) on `config`.
    pub(crate) fn stamp(&self, config: &mut FunctionConfig, now: chrono::DateTime<chrono::Utc>) {
        let local = now.with_timezone(&self.inner.settings.utc_offset);
        config.image_name = format!(
            "latest-{}@{}",
            local.format("%y%m%d%H%M%S"),
            self.inner.random.suffix(5)
        );
        config.last_modified = self.rfc3339(now);
        config.last_modified_utc = Some(now.timestamp());
    }
}

/// Code loaded from a request: the package and the `code_url` / `code_filename` to store.
pub(crate) struct LoadedCode {
    pub(crate) code: CodePackage,
    pub(crate) code_url: Option<String>,
    pub(crate) code_filename: Option<String>,
}

/// Loads the code of a create (`creating`) or update-code request (see the module docs).
pub(crate) fn load_code(
    limits: &Limits,
    code_type: &str,
    code_url: Option<&str>,
    code_filename: Option<&str>,
    file: Option<String>,
    creating: bool,
) -> Result<LoadedCode> {
    let code_url = code_url.filter(|u| !u.trim().is_empty());
    let code_filename = code_filename.filter(|f| !f.trim().is_empty());
    if matches!(code_type, "zip" | "jar") && code_filename.is_none() {
        return Err(ErrorKind::InvalidParameter.with(format!(
            "code_filename is required when code_type is '{code_type}'"
        )));
    }
    if code_type == "obs" {
        let url = code_url.ok_or_else(|| {
            ErrorKind::InvalidUrl.with("code_url is required when code_type is 'obs'")
        })?;
        let path = local_path_of(url)?;
        let bytes = read_code_file(limits, url, &path)?;
        let code = CodePackage::upload(bytes, CodeOrigin::Package, limits)?;
        let default_name = path.file_name().and_then(|n| n.to_str()).map(str::to_owned);
        return Ok(LoadedCode {
            code,
            code_url: Some(url.to_owned()),
            code_filename: code_filename.map(str::to_owned).or(default_name),
        });
    }
    if let Some(url) = code_url {
        return Err(ErrorKind::InvalidUrl.with(format!(
            "code_url '{url}' is only used with code_type 'obs', not '{code_type}'"
        )));
    }
    let file = file.unwrap_or_default();
    let code = if file.trim().is_empty() {
        if !creating {
            return Err(ErrorKind::FunctionCodeBlank
                .with("func_code.file must hold the Base64 code when updating the code"));
        }
        CodePackage::builtin_default()
    } else {
        let bytes = decode_base64(file).map_err(|e| {
            ErrorKind::InvalidFunctionCode.with(format!("func_code.file is not Base64: {e}"))
        })?;
        let origin = if code_type == "inline" {
            CodeOrigin::Inline
        } else {
            CodeOrigin::Package
        };
        CodePackage::upload(bytes, origin, limits)?
    };
    Ok(LoadedCode {
        code,
        code_url: None,
        code_filename: code_filename.map(str::to_owned),
    })
}

/// Decodes Base64 `text` (standard alphabet, padded; ASCII whitespace such as line breaks is
/// skipped) in its own buffer: the bytes are shorter than their text, so a code package is
/// never held twice, as text and as bytes (issue 10, `tests/hostile_rss.rs`).
fn decode_base64(text: String) -> std::result::Result<Vec<u8>, base64::DecodeError> {
    use base64::DecodeError;
    use base64::engine::general_purpose::STANDARD;
    /// Text decoded at a time: a multiple of 4, so only the last chunk may hold padding.
    const CHUNK: usize = 4096;
    let (start, end) = (text.len() - text.trim_start().len(), text.trim_end().len());
    let mut buf = text.into_bytes();
    buf.truncate(end);
    buf.drain(..start);
    buf.retain(|b| !b.is_ascii_whitespace());
    let mut chunk = [0u8; CHUNK / 4 * 3];
    let (mut read, mut written) = (0, 0);
    while read < buf.len() {
        let end = (read + CHUNK).min(buf.len());
        // Offsets in an error count from the start of the (whitespace-free) text.
        let n = STANDARD
            .decode_slice(&buf[read..end], &mut chunk)
            .map_err(|e| match e {
                base64::DecodeSliceError::DecodeError(e) => match e {
                    DecodeError::InvalidByte(at, b) => DecodeError::InvalidByte(read + at, b),
                    DecodeError::InvalidLength(len) => DecodeError::InvalidLength(read + len),
                    DecodeError::InvalidLastSymbol(at, b) => {
                        DecodeError::InvalidLastSymbol(read + at, b)
                    }
                    DecodeError::InvalidPadding => DecodeError::InvalidPadding,
                },
                // A chunk of CHUNK characters decodes to at most CHUNK / 4 * 3 bytes.
                base64::DecodeSliceError::OutputSliceTooSmall => DecodeError::InvalidPadding,
            })?;
        // `written + n <= end * 3 / 4 <= end`: only text already decoded is overwritten.
        buf[written..written + n].copy_from_slice(&chunk[..n]);
        written += n;
        read = end;
    }
    buf.truncate(written);
    buf.shrink_to_fit();
    Ok(buf)
}

/// The local path an `obs` `code_url` names: a plain path or a `file://` URL (FSS.1010 else).
fn local_path_of(url: &str) -> Result<std::path::PathBuf> {
    let bad = |why: &str| {
        ErrorKind::InvalidUrl.with(format!(
            "code_url '{url}' {why}; the emulator reads code from a local path or a file:// URL"
        ))
    };
    let path = if let Some(rest) = url.strip_prefix("file://") {
        let rest = rest.strip_prefix("localhost").unwrap_or(rest);
        if !rest.starts_with('/') {
            return Err(bad("is not an absolute file:// URL"));
        }
        rest
    } else if url.contains("://") {
        return Err(bad("uses an unsupported scheme"));
    } else {
        url
    };
    if path.contains('\0') {
        return Err(bad("contains a NUL character"));
    }
    Ok(std::path::PathBuf::from(path))
}

/// Reads an `obs` code file: FSS.1054 when it is missing, FSS.1071 when too large.
fn read_code_file(limits: &Limits, url: &str, path: &std::path::Path) -> Result<Vec<u8>> {
    let missing = |e: &dyn std::fmt::Display| {
        ErrorKind::ObsCodePackageNotFound.with(format!("code_url '{url}': {e}"))
    };
    let meta = std::fs::metadata(path).map_err(|e| missing(&e))?;
    if !meta.is_file() {
        return Err(missing(&"not a regular file"));
    }
    if meta.len() > limits.max_code_package_size {
        return Err(ErrorKind::CodePackageTooLarge.with(format!(
            "code_url '{url}' has {} bytes; the limit is {}",
            meta.len(),
            limits.max_code_package_size
        )));
    }
    std::fs::read(path).map_err(|e| missing(&e))
}

/// FSS.1042 when `total + added` exceeds the total code size quota.
pub(crate) fn check_code_quota(limits: &Limits, total: u64, added: u64) -> Result<()> {
    let after = total.saturating_add(added);
    if after > limits.max_total_code_size {
        return Err(ErrorKind::CodeSizeQuotaExceeded.with(format!(
            "the total code size would be {after} bytes; the quota is {} bytes",
            limits.max_total_code_size
        )));
    }
    Ok(())
}

/// A non-negative integer query parameter; blank means absent (FSS.1001 otherwise).
fn parse_query_number(name: &str, value: Option<&str>) -> Result<Option<i64>> {
    let Some(text) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    match text.parse::<i64>() {
        Ok(n) if n >= 0 => Ok(Some(n)),
        _ => Err(ErrorKind::InvalidQueryParameter
            .with(format!("{name} '{text}' must be a non-negative integer"))),
    }
}

fn blank_to_none(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}
