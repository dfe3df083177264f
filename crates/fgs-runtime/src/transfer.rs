//! Export and import of a function as a ZIP package (seed §5.11). The package format and the
//! request rules are documented in [`fgs_core::transfer`].

use base64::Engine as _;
use fgs_core::function::{CreateFunctionRequest, FunctionConfig};
use fgs_core::transfer::{
    DEFAULT_IMPORT_RUNTIME, ExportFunctionQuery, FunctionExport, ImportFunctionRequest,
    build_export, read_package_limited, validate_function_name,
};
use fgs_core::urn::DEFAULT_PACKAGE;
use fgs_core::{ErrorKind, Result};
use serde_json::{Map, Value, json};

use crate::Emulator;

/// Fields of an imported function that come from the new function, not from the package:
/// its identity, timestamps, code figures and per-function log stream.
const IDENTITY_FIELDS: [&str; 15] = [
    "func_urn",
    "func_name",
    "package",
    "domain_id",
    "namespace",
    "project_name",
    "version",
    "version_description",
    "image_name",
    "last_modified",
    "last_modified_utc",
    "digest",
    "code_size",
    "log_group_id",
    "log_stream_id",
];

impl Emulator {
    /// Exports a function (seed §5.11.1) as a self-contained ZIP archive (see
    /// [`fgs_core::transfer`] for the layout): the configuration and code of the version the
    /// URN names (`latest` when unqualified, an alias's major version for an alias URN).
    /// [`ExportFunctionQuery`] selects the parts (400 `FSS.1001` for a bad selection).
    /// Unknown function 404 `FSS.1051`, version 404 `FSS.1052`, alias 404 `FSS.1053`.
    pub fn export_function(
        &self,
        function_urn: &str,
        query: &ExportFunctionQuery,
    ) -> Result<FunctionExport> {
        let urn = self.parse_urn(function_urn)?;
        let (with_config, with_code) = query.parts()?;
        let (config, code) = {
            let state = self.inner.state.read();
            let version = state.function(&urn)?.version(urn.effective_qualifier())?;
            (version.config.clone(), version.code.clone())
        };
        let code_name = config.code_filename.clone().unwrap_or_default();
        let bytes = build_export(
            with_config.then_some(&config),
            with_code.then_some((code_name.as_str(), code.bytes.as_slice())),
        )?;
        Ok(FunctionExport {
            file_name: format!("{}.zip", config.func_name),
            bytes,
        })
    }

    /// Imports a function (seed §5.11.2) from a package in the request body and returns the
    /// new function in the seed's §5.11.2 shape (7-field `func_urn`, `version` `latest`).
    ///
    /// Checked in this order: `func_name` (400 `FSS.1002`), blank `file_name` (400
    /// `FSS.0400`), `file_type` other than `zip` (400 `FSS.1013`), blank `file_code` (400
    /// `FSS.1012`), `file_code` not Base64 or not a ZIP, or a broken export package (400
    /// `FSS.1011`), over [`fgs_core::limits::Limits::max_code_package_size`] (413
    /// `FSS.1071`), an export package without code (400 `FSS.1012`); then the function is
    /// created with every rule and quota of create (409 `FSS.1061` when it exists, 403
    /// `FSS.1041`/`FSS.1042`, ...).
    ///
    /// An export package's configuration is validated with the rules of create and of update
    /// config (§5.6.7; the function is removed again when a rule fails) and then applied
    /// whole, except the identity fields (URN, name, package, timestamps, `image_name`,
    /// digest and size, which come from the new function), its LTS log ids, and dependencies
    /// that do not exist in this emulator.
    pub fn import_function(&self, req: ImportFunctionRequest) -> Result<FunctionConfig> {
        validate_function_name(&req.func_name)?;
        if req.file_name.trim().is_empty() {
            return Err(ErrorKind::InvalidParameter.with("file_name must not be blank"));
        }
        if !req.file_type.eq_ignore_ascii_case("zip") {
            return Err(ErrorKind::InvalidFileType.with(format!(
                "file_type '{}' is not supported; import takes 'zip'",
                req.file_type
            )));
        }
        if req.file_code.trim().is_empty() {
            return Err(ErrorKind::FunctionCodeBlank.with("file_code must not be blank"));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(req.file_code.trim())
            .map_err(|e| {
                ErrorKind::InvalidFunctionCode.with(format!("file_code is not Base64: {e}"))
            })?;
        let max = self.limits().max_code_package_size;
        if bytes.len() as u64 > max {
            return Err(ErrorKind::CodePackageTooLarge.with(format!(
                "the package has {} bytes after decoding; the limit is {max}",
                bytes.len()
            )));
        }
        let package = req
            .package
            .clone()
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| DEFAULT_PACKAGE.to_owned());
        let (create, exported) = match read_package_limited(&bytes, max)? {
            None => (plain_create(&req, &package, &req.file_code), None),
            Some(pkg) => {
                let code = pkg.code.ok_or_else(|| {
                    ErrorKind::FunctionCodeBlank.with(
                        "the export package carries no code (it was exported with code=false)",
                    )
                })?;
                let file = base64::engine::general_purpose::STANDARD.encode(&code);
                match pkg.manifest.function {
                    None => {
                        let mut create = plain_create(&req, &package, &file);
                        if !code.starts_with(b"PK") {
                            create["code_type"] = json!("inline");
                        }
                        if let Some(name) = pkg.manifest.code_file.as_deref() {
                            let name = name.strip_prefix("code/").unwrap_or(name);
                            create["code_filename"] = json!(name);
                        }
                        (create, None)
                    }
                    Some(Value::Object(function)) => {
                        let mut create = function.clone();
                        for key in IDENTITY_FIELDS.iter().chain(&[
                            "depend_list",
                            "dependencies",
                            "func_code",
                        ]) {
                            create.remove(*key);
                        }
                        create.insert("func_name".into(), json!(req.func_name));
                        create.insert("package".into(), json!(package));
                        create.insert("func_code".into(), json!({ "file": file }));
                        (Value::Object(create), Some(function))
                    }
                    Some(_) => {
                        return Err(ErrorKind::InvalidFunctionCode
                            .with("the package's function.json 'function' is not an object"));
                    }
                }
            }
        };
        let create: CreateFunctionRequest = serde_json::from_value(create).map_err(|e| {
            ErrorKind::InvalidFunctionCode.with(format!(
                "the package's configuration cannot be imported: {e}"
            ))
        })?;
        let created = self.create_function(create)?;
        let urn = self.parse_urn(&config_urn(&created))?;
        let config = match exported {
            None => created,
            Some(exported) => match self.configure_imported(&urn, exported) {
                Ok(config) => config,
                Err(e) => {
                    // All or nothing: the half-imported function goes away again.
                    let _ = self.delete_function(&urn.unqualified());
                    return Err(e);
                }
            },
        };
        Ok(imported_view(config, &urn))
    }

    /// Validates the exported fields that create does not take with the rules of update
    /// config (§5.6.7), then applies the exported configuration whole.
    fn configure_imported(
        &self,
        urn: &fgs_core::urn::FunctionUrn,
        exported: Map<String, Value>,
    ) -> Result<FunctionConfig> {
        let mut update = exported.clone();
        for key in IDENTITY_FIELDS
            .iter()
            .chain(&["depend_list", "dependencies", "func_code"])
        {
            update.remove(*key);
        }
        update.insert("func_name".into(), json!(urn.name()));
        let update = serde_json::from_value(Value::Object(update)).map_err(|e| {
            ErrorKind::InvalidFunctionCode.with(format!(
                "the package's configuration cannot be imported: {e}"
            ))
        })?;
        self.update_function_config(&urn.full(), update)?;
        let stored = self.get_function_config(&urn.full())?;
        self.apply_exported(&stored, exported)
    }

    /// Sets the new function's `latest` configuration to the exported one, keeping the new
    /// function's identity fields and only the dependencies that exist here.
    fn apply_exported(
        &self,
        created: &FunctionConfig,
        mut exported: Map<String, Value>,
    ) -> Result<FunctionConfig> {
        let urn = self.parse_urn(&config_urn(created))?;
        let invalid = |e: serde_json::Error| {
            ErrorKind::InvalidFunctionCode.with(format!(
                "the package's configuration cannot be imported: {e}"
            ))
        };
        let created_value = serde_json::to_value(created).map_err(invalid)?;
        for key in IDENTITY_FIELDS {
            exported.remove(key);
            if let Some(v) = created_value.get(key) {
                exported.insert(key.to_owned(), v.clone());
            }
        }
        let mut state = self.inner.state.write();
        let known = |id: &str| state.dependencies.contains_key(id);
        let depend_list: Option<Vec<String>> = exported
            .get("depend_list")
            .and_then(|v| serde_json::from_value::<Vec<String>>(v.clone()).ok())
            .map(|ids| ids.into_iter().filter(|id| known(id)).collect());
        let dependencies: Option<Vec<Value>> = exported
            .get("dependencies")
            .and_then(Value::as_array)
            .map(|deps| {
                deps.iter()
                    .filter(|d| d.get("id").and_then(Value::as_str).is_some_and(known))
                    .cloned()
                    .collect()
            });
        for (key, list) in [
            ("depend_list", depend_list.map(|l| json!(l))),
            ("dependencies", dependencies.map(Value::Array)),
        ] {
            match list {
                Some(l) if l.as_array().is_some_and(|a| !a.is_empty()) => {
                    exported.insert(key.to_owned(), l);
                }
                _ => {
                    exported.remove(key);
                }
            }
        }
        let config: FunctionConfig =
            serde_json::from_value(Value::Object(exported)).map_err(invalid)?;
        let mut tx = self.tx(&state);
        tx.function(&state, &crate::state::FunctionKey::of(&urn));
        let entry = state.function_mut(&urn)?;
        entry.latest.config = config.clone();
        tx.commit(&mut state)?;
        Ok(config)
    }
}

/// The create body for a plain code ZIP: the seed's example defaults (see
/// [`fgs_core::transfer`]).
fn plain_create(req: &ImportFunctionRequest, package: &str, file: &str) -> Value {
    json!({
        "func_name": req.func_name,
        "package": package,
        "runtime": DEFAULT_IMPORT_RUNTIME,
        "handler": "index.handler",
        "memory_size": 128,
        "timeout": 3,
        "code_type": "zip",
        "code_filename": req.file_name,
        "func_code": { "file": file },
    })
}

/// The URN of a configuration (its `func_urn`, or package and name as a short URN).
fn config_urn(config: &FunctionConfig) -> String {
    if config.func_urn.is_empty() {
        format!("{}:{}", config.package, config.func_name)
    } else {
        config.func_urn.clone()
    }
}

/// The §5.11.2 response: the imported-function object (seed Table 5-346), which has a 7-field
/// URN and lacks `encrypted_user_data`, `mount_config`, `dependencies`, `long_time`, the LTS
/// ids, `type` and `enable_dynamic_memory`.
fn imported_view(mut config: FunctionConfig, urn: &fgs_core::urn::FunctionUrn) -> FunctionConfig {
    config.func_urn = urn.unqualified();
    config.encrypted_user_data = None;
    config.mount_config = None;
    config.dependencies = None;
    config.long_time = None;
    config.log_group_id = None;
    config.log_stream_id = None;
    config.func_type = None;
    config.enable_dynamic_memory = None;
    config
}
