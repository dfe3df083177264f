//! Function lifecycle (seed §5.6): create, list, get config and code, update code and config,
//! delete, max instances.

use std::sync::Arc;

use base64::Engine as _;
use fgs_core::code::CodePackage;
use fgs_core::function::{CreateFunctionRequest, FunctionConfig, StrategyConfig, cpu_for_memory};
use fgs_core::urn::{FunctionUrn, Qualifier};
use fgs_core::{ErrorKind, Result};

use crate::Emulator;
use crate::state::{FunctionEntry, FunctionKey, VersionState};

impl Emulator {
    /// Creates a function (seed §5.6.2) and returns its configuration.
    pub fn create_function(&self, req: CreateFunctionRequest) -> Result<FunctionConfig> {
        let settings = &self.inner.settings;
        let code = match req.func_code.as_ref().and_then(|c| c.file.as_deref()) {
            Some(file) if !file.is_empty() => base64::engine::general_purpose::STANDARD
                .decode(file)
                .map_err(|e| {
                    ErrorKind::InvalidFunctionCode
                        .with(format!("func_code.file is not Base64: {e}"))
                })?,
            _ => Vec::new(),
        };
        let code = Arc::new(CodePackage::from_bytes(code));
        let urn = FunctionUrn::new(&settings.urn, &req.package, &req.func_name, None);
        let now = self.now();
        let stamp = now.format("%y%m%d%H%M%S");
        let config = FunctionConfig {
            func_urn: urn.full(),
            func_name: req.func_name.clone(),
            domain_id: settings.domain_id.clone(),
            namespace: settings.urn.project_id.clone(),
            project_name: settings.urn.region.clone(),
            package: req.package.clone(),
            runtime: req.runtime,
            timeout: req.timeout,
            handler: req.handler,
            memory_size: req.memory_size,
            cpu: cpu_for_memory(req.memory_size),
            code_type: req.code_type,
            code_url: req.code_url,
            code_filename: req.code_filename,
            code_size: code.bytes.len() as u64,
            user_data: req.user_data,
            digest: code.digest.clone(),
            version: fgs_core::urn::LATEST.to_owned(),
            image_name: format!("latest-{stamp}@{}", self.inner.random.suffix(5)),
            xrole: req.xrole,
            app_xrole: req.app_xrole,
            description: req.description,
            last_modified: self.rfc3339(now),
            last_modified_utc: Some(now.timestamp()),
            strategy_config: StrategyConfig {
                concurrency: Some(-1),
                concurrent_num: None,
            },
            initializer_handler: req.initializer_handler,
            initializer_timeout: req.initializer_timeout,
            enterprise_project_id: req.enterprise_project_id,
            func_type: Some(req.func_type.unwrap_or_else(|| "v2".to_owned())),
            ..FunctionConfig::default()
        };
        let mut state = self.inner.state.write();
        let key = FunctionKey::of(&urn);
        if state.functions.contains_key(&key) {
            return Err(ErrorKind::FunctionExists.with(format!(
                "function '{}:{}' already exists",
                req.package, req.func_name
            )));
        }
        let seq = state.next_seq();
        let latest = VersionState {
            config: config.clone(),
            code,
            modified: now,
        };
        state.functions.insert(key, FunctionEntry::new(seq, latest));
        Ok(config)
    }

    /// The configuration of the version a URN names (seed §5.6.6).
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
}
