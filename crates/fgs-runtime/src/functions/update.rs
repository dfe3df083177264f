//! Updating code and configuration of `latest` (seed §5.6.5, §5.6.7, §5.6.8).

use std::sync::Arc;

use base64::Engine as _;
use fgs_core::function::rules;
use fgs_core::function::{
    FuncCode, FunctionCodeResponse, FunctionConfig, UpdateFunctionCodeRequest,
    UpdateFunctionConfigRequest, UpdateMaxInstancesRequest,
};
use fgs_core::urn::{FunctionUrn, Qualifier};
use fgs_core::{ErrorKind, Result};

use super::{check_code_quota, load_code};
use crate::Emulator;
use crate::state::{FunctionEntry, FunctionKey, State};

impl Emulator {
    /// Replaces the code of `latest` (seed §5.6.5) and returns the code view with the new
    /// code Base64 in `func_code.file`. Same code rules as create, except that a blank
    /// `func_code.file` is FSS.1012; `depend_list` is checked (FSS.1024 for an unknown id, more
    /// than 20 or repeated) and expanded into `dependencies`. `digest`, `code_size`,
    /// `image_name` and `last_modified` change. Refused for a published version or alias
    /// (FSS.1015) and while reserved instances exist (FSS.1077).
    pub fn update_function_code(
        &self,
        function_urn: &str,
        mut req: UpdateFunctionCodeRequest,
    ) -> Result<FunctionCodeResponse> {
        let urn = self.parse_urn(function_urn)?;
        let limits = self.limits();
        rules::check_code_type(&req.code_type)?;
        if let Some(ids) = &req.depend_list {
            check_depend_ids(ids)?;
        }
        {
            // Existence and mutability first, so a missing function is FSS.1051 even when
            // the body is also wrong.
            let state = self.inner.state.read();
            updatable(&state, &urn)?;
        }
        let file = req.func_code.take().and_then(|c| c.file);
        let loaded = load_code(
            limits,
            &req.code_type,
            req.code_url.as_deref(),
            req.code_filename.as_deref(),
            file,
            false,
        )?;
        let code = Arc::new(loaded.code);
        let now = self.now();
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &FunctionKey::of(&urn));
        let dependencies = match &req.depend_list {
            Some(ids) if !ids.is_empty() => {
                Some(Some(crate::dependencies::expand_depend_list(&state, ids)?))
            }
            Some(_) => Some(None),
            None => None,
        };
        let total = crate::quotas::total_code_size(&state);
        let entry = updatable_mut(&mut state, &urn)?;
        let before = crate::quotas::entry_code_size(entry);
        let after = crate::quotas::distinct_size(
            std::iter::once(&code).chain(entry.versions.values().map(|v| &v.code)),
        );
        check_code_quota(limits, total.saturating_sub(before), after)?;
        let mut config = entry.latest.config.clone();
        config.code_type = req.code_type;
        config.code_url = loaded.code_url;
        config.code_filename = loaded.code_filename;
        config.code_size = code.size();
        config.digest = code.digest.clone();
        if let Some(deps) = dependencies {
            config.depend_list = req.depend_list.filter(|l| !l.is_empty());
            config.dependencies = deps;
        }
        self.stamp(&mut config, now);
        entry.latest.config = config.clone();
        entry.latest.code = code.clone();
        entry.latest.modified = now;
        tx.commit(&mut state)?;
        let file = base64::engine::general_purpose::STANDARD.encode(&code.bytes);
        Ok(FunctionCodeResponse::from_config(
            &config,
            FuncCode {
                file: Some(file),
                link: Some(String::new()),
            },
        ))
    }

    /// Updates the configuration of `latest` (seed §5.6.7) and returns it (`func_urn` in the
    /// 7-field form of the seed's example). The five required fields are replaced; an
    /// absent optional field keeps its value and a blank one clears it (see
    /// [`UpdateFunctionConfigRequest`]). `func_name` must be the function's own name
    /// (FSS.1002); every field and nested object is validated as on create plus `func_vpc`,
    /// `mount_config` (FSS.1075, FSS.1049, FSS.1039) and `strategy_config` (FSS.0400).
    /// `image_name` and `last_modified` change, `digest` does not. Refused for a published
    /// version or alias (FSS.1015) and while reserved instances exist (FSS.1077).
    pub fn update_function_config(
        &self,
        function_urn: &str,
        req: UpdateFunctionConfigRequest,
    ) -> Result<FunctionConfig> {
        let urn = self.parse_urn(function_urn)?;
        let limits = self.limits();
        let current_type = {
            let state = self.inner.state.read();
            let entry = updatable(&state, &urn)?;
            entry
                .latest
                .config
                .func_type
                .clone()
                .unwrap_or_else(|| "v2".to_owned())
        };
        if req.func_name != urn.name() {
            return Err(ErrorKind::InvalidFunctionName.with(format!(
                "func_name '{}' must equal the function's name '{}': a function cannot be renamed",
                req.func_name,
                urn.name()
            )));
        }
        rules::check_runtime(&req.runtime)?;
        let timeout = rules::check_timeout(req.timeout)?;
        rules::check_handler(&req.handler)?;
        let memory_size = rules::check_memory_size(req.memory_size)?;
        let user_data = req
            .user_data
            .as_deref()
            .map(|u| rules::check_user_data("user_data", Some(u), limits))
            .transpose()?;
        let encrypted = req
            .encrypted_user_data
            .as_deref()
            .map(|u| rules::check_user_data("encrypted_user_data", Some(u), limits))
            .transpose()?;
        rules::check_description(req.description.as_deref())?;
        let func_vpc = req
            .func_vpc
            .as_ref()
            .map(|v| rules::check_func_vpc(Some(v)))
            .transpose()?;
        let mount_config = req
            .mount_config
            .as_ref()
            .map(|m| rules::check_mount_config(Some(m)))
            .transpose()?;
        if let Some(s) = &req.strategy_config {
            rules::check_strategy(s, &current_type)?;
        }
        if req.is_stateful_function == Some(true) && current_type == "v1" {
            return Err(ErrorKind::InvalidParameter
                .with("is_stateful_function is only available to v2 functions"));
        }
        let initializer = if req.initializer_handler.is_some() || req.initializer_timeout.is_some()
        {
            Some(rules::check_initializer(
                req.initializer_handler.as_deref(),
                req.initializer_timeout,
            )?)
        } else {
            None
        };

        let now = self.now();
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &FunctionKey::of(&urn));
        let entry = updatable_mut(&mut state, &urn)?;
        let mut c = entry.latest.config.clone();
        c.runtime = req.runtime;
        c.timeout = timeout;
        c.handler = req.handler;
        c.memory_size = memory_size;
        c.cpu = fgs_core::function::cpu_for_memory(memory_size);
        set(&mut c.user_data, user_data);
        set(&mut c.encrypted_user_data, encrypted);
        set(&mut c.xrole, req.xrole.map(non_blank));
        set(&mut c.app_xrole, req.app_xrole.map(non_blank));
        set(&mut c.description, req.description.map(non_blank));
        set(&mut c.func_vpc, func_vpc);
        set(&mut c.mount_config, mount_config);
        if let Some(s) = req.strategy_config {
            if s.concurrency.is_some() {
                c.strategy_config.concurrency = s.concurrency;
            }
            if s.concurrent_num.is_some() {
                c.strategy_config.concurrent_num = s.concurrent_num;
            }
        }
        set(&mut c.extend_config, req.extend_config.map(non_blank));
        if let Some((handler, timeout)) = initializer {
            if req.initializer_handler.is_some() {
                c.initializer_handler = handler;
            }
            if timeout.is_some() {
                c.initializer_timeout = timeout;
            }
        }
        set(
            &mut c.enterprise_project_id,
            req.enterprise_project_id.map(non_blank),
        );
        set_value(&mut c.is_stateful_function, req.is_stateful_function);
        set(&mut c.domain_names, req.domain_names.map(non_blank));
        set_value(&mut c.enable_dynamic_memory, req.enable_dynamic_memory);
        set_value(&mut c.enable_auth_in_header, req.enable_auth_in_header);
        set_value(&mut c.custom_image, req.custom_image);
        self.stamp(&mut c, now);
        entry.latest.config = c.clone();
        entry.latest.modified = now;
        tx.commit(&mut state)?;
        drop(state);
        self.apply_max_instances(&FunctionKey::of(&urn), c.strategy_config.concurrency);
        Ok(self.unqualified_view(c))
    }

    /// Sets the maximum number of instances of `latest` (seed §5.6.8): `max_instance_num`
    /// -1..1000 (only -1 or 0 for a `v1` function; FSS.0400 otherwise) is stored in
    /// `strategy_config.concurrency`, where GET config shows it (DECISIONS). An absent value
    /// changes nothing. Returns the configuration with the 7-field URN. Refused for a
    /// published version or alias (FSS.1015) and while reserved instances exist (FSS.1077).
    pub fn update_max_instances(
        &self,
        function_urn: &str,
        req: UpdateMaxInstancesRequest,
    ) -> Result<FunctionConfig> {
        let urn = self.parse_urn(function_urn)?;
        let now = self.now();
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &FunctionKey::of(&urn));
        let entry = updatable_mut(&mut state, &urn)?;
        let mut c = entry.latest.config.clone();
        if let Some(n) = req.max_instance_num {
            let func_type = c.func_type.as_deref().unwrap_or("v2");
            rules::check_max_instances("max_instance_num", n, func_type)?;
            c.strategy_config.concurrency = Some(n);
            self.stamp(&mut c, now);
            entry.latest.config = c.clone();
            entry.latest.modified = now;
            tx.commit(&mut state)?;
            drop(state);
            // Running invocations keep their slots; new ones see the new limit at once.
            self.apply_max_instances(&FunctionKey::of(&urn), Some(n));
        }
        Ok(self.unqualified_view(c))
    }

    /// `config` with its `func_urn` in the 7-field form.
    fn unqualified_view(&self, mut config: FunctionConfig) -> FunctionConfig {
        config.func_urn = FunctionUrn::new(
            &self.inner.settings.urn,
            &config.package,
            &config.func_name,
            None,
        )
        .unqualified();
        config
    }
}

/// The function whose `latest` an update may change (see [`updatable_mut`]).
fn updatable<'a>(state: &'a State, urn: &FunctionUrn) -> Result<&'a FunctionEntry> {
    let entry = state.function(urn)?;
    check_updatable(entry, urn)?;
    Ok(entry)
}

/// The function whose `latest` an update may change: FSS.1051 if missing; for a version or
/// alias URN FSS.1052 / FSS.1053 if missing, else FSS.1015 (published versions are
/// immutable); FSS.1077 while reserved instances are configured.
fn updatable_mut<'a>(state: &'a mut State, urn: &FunctionUrn) -> Result<&'a mut FunctionEntry> {
    let entry = state.function_mut(urn)?;
    check_updatable(entry, urn)?;
    Ok(entry)
}

fn check_updatable(entry: &FunctionEntry, urn: &FunctionUrn) -> Result<()> {
    match urn.effective_qualifier() {
        Qualifier::Latest => {}
        q @ (Qualifier::Version(_) | Qualifier::Alias(_)) => {
            entry.check_qualifier(q)?;
            return Err(ErrorKind::InvalidVersion.with(format!(
                "'{}' is a published version or alias and cannot be changed; update 'latest' \
                 and publish a new version",
                q
            )));
        }
    }
    if entry.reserved.values().any(|r| r.count > 0) {
        return Err(ErrorKind::ReservedInstancesBlockUpdate.with(format!(
            "function '{}' has reserved instances; set them to 0 before updating",
            entry.latest.config.func_name
        )));
    }
    Ok(())
}

/// `depend_list` shape: at most 20 ids, no repeats (FSS.1024).
fn check_depend_ids(ids: &[String]) -> Result<()> {
    if ids.len() > rules::MAX_DEPENDENCIES_PER_FUNCTION {
        return Err(ErrorKind::InvalidDependency.with(format!(
            "depend_list has {} ids; a function may use at most {}",
            ids.len(),
            rules::MAX_DEPENDENCIES_PER_FUNCTION
        )));
    }
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(ErrorKind::InvalidDependency
                .with(format!("depend_list names dependency '{id}' twice")));
        }
    }
    Ok(())
}

/// Applies an optional update: `None` keeps, `Some(None)` clears, `Some(v)` sets.
fn set<T>(field: &mut Option<T>, update: Option<Option<T>>) {
    if let Some(v) = update {
        *field = v;
    }
}

/// Applies an optional value: `None` keeps, `Some(v)` sets.
fn set_value<T>(field: &mut Option<T>, update: Option<T>) {
    if update.is_some() {
        *field = update;
    }
}

fn non_blank(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}
