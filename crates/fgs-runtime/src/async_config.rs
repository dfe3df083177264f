//! Async-invocation configuration per qualifier (seed §5.13.1-§5.13.4): put (create or
//! replace), get, delete and list, plus the effective config the async executor reads.
//! Validation rules are documented in [`fgs_core::async_config`].
//!
//! Configs are keyed by qualifier name (`latest`, a version or an alias); an unqualified URN
//! means `latest`. A missing function is FSS.1051 and a missing version or alias FSS.1052 /
//! FSS.1053; GET or DELETE of a qualifier without a config is 404 FSS.0404 (DECISIONS
//! "Async").

use fgs_core::async_config::{
    AsyncConfig, AsyncConfigResponse, Destination, EffectiveAsyncConfig, ListAsyncConfigsRequest,
    ListAsyncConfigsResponse, PageInfo, PutAsyncConfigRequest,
};
use fgs_core::urn::{FunctionUrn, LATEST, Qualifier};
use fgs_core::{ErrorKind, Result};

use crate::Emulator;
use crate::state::FunctionEntry;

/// Default page size of the §5.13.4 list (a missing or `0` limit).
pub const DEFAULT_LIST_LIMIT: u64 = 10;
/// Largest page size of the §5.13.4 list; larger limits are clamped to it.
pub const MAX_LIST_LIMIT: u64 = 100;
/// Longest `marker` / `limit` query value (seed Table 5-415: 64 characters).
const MAX_QUERY_LEN: usize = 64;

/// The qualifier a per-qualifier map key names: `latest`, a published version, or else an
/// alias.
pub(crate) fn qualifier_of_key(entry: &FunctionEntry, key: &str) -> Qualifier {
    if key == LATEST {
        Qualifier::Latest
    } else if entry.versions.contains_key(key) {
        Qualifier::Version(key.to_owned())
    } else {
        Qualifier::Alias(key.to_owned())
    }
}

/// The list order of a per-qualifier key: `latest`, then versions, then aliases, each by
/// name.
pub(crate) fn qualifier_order(entry: &FunctionEntry, key: &str) -> (u8, String) {
    let rank = match qualifier_of_key(entry, key) {
        Qualifier::Latest => 0,
        Qualifier::Version(_) => 1,
        Qualifier::Alias(_) => 2,
    };
    (rank, key.to_owned())
}

/// Parses a §5.13.4 query value: at most 64 characters, an integer (FSS.1001 otherwise).
fn query_number(name: &str, value: &str) -> Result<i64> {
    if value.len() > MAX_QUERY_LEN {
        return Err(ErrorKind::InvalidQueryParameter.with(format!(
            "{name} has {} characters, at most {MAX_QUERY_LEN} are allowed",
            value.len()
        )));
    }
    value.trim().parse::<i64>().map_err(|_| {
        ErrorKind::InvalidQueryParameter.with(format!("{name} '{value}' is not an integer"))
    })
}

impl Emulator {
    /// Creates or replaces the async config of the qualifier a URN names (seed §5.13.3) and
    /// returns it as §5.13.1 shows it. Omitted fields take the §5.13.3 defaults;
    /// `created_time` is kept from the first PUT and `last_modified` set to now.
    ///
    /// Errors: FSS.1051 / FSS.1052 / FSS.1053 for a missing function, version or alias;
    /// FSS.0400 for any value outside the §5.13.3 table or a bad destination, including a
    /// FunctionGraph destination naming the function itself (an emulator rule: it would
    /// loop).
    pub fn put_async_invoke_config(
        &self,
        function_urn: &str,
        req: PutAsyncConfigRequest,
    ) -> Result<AsyncConfigResponse> {
        let urn = self.parse_urn(function_urn)?;
        let qualifier = urn.effective_qualifier().clone();
        let now = self.rfc3339(self.now());
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &crate::state::FunctionKey::of(&urn));
        let entry = state.function_mut(&urn)?;
        entry.check_qualifier(&qualifier)?;
        let valid = req.validate(&self.inner.settings.urn)?;
        for (field, dest) in [
            ("destination_config.on_success", &valid.on_success),
            ("destination_config.on_failure", &valid.on_failure),
        ] {
            if let Some(Destination::FunctionGraph { func_urn }) = dest
                && same_function(func_urn, &urn)
            {
                return Err(ErrorKind::InvalidParameter.with(format!(
                    "{field}: the destination function '{func_urn}' is the function itself"
                )));
            }
        }
        let created_time = entry
            .async_configs
            .get(qualifier.name())
            .map(|c| c.created_time.clone())
            .unwrap_or_else(|| now.clone());
        let config = AsyncConfig {
            max_async_event_age_in_seconds: valid.max_async_event_age_in_seconds,
            max_async_retry_attempts: valid.max_async_retry_attempts,
            destination_config: valid.destination_config,
            created_time,
            last_modified: now,
            enable_async_status_log: valid.enable_async_status_log,
        };
        entry
            .async_configs
            .insert(qualifier.name().to_owned(), config.clone());
        tx.commit(&mut state)?;
        Ok(AsyncConfigResponse {
            func_urn: urn.with_qualifier(Some(qualifier)).full(),
            config,
        })
    }

    /// The async config of the qualifier a URN names (seed §5.13.1).
    ///
    /// Errors: FSS.1051 / FSS.1052 / FSS.1053 for a missing function, version or alias;
    /// 404 FSS.0404 when the qualifier has no config.
    pub fn get_async_invoke_config(&self, function_urn: &str) -> Result<AsyncConfigResponse> {
        let urn = self.parse_urn(function_urn)?;
        let qualifier = urn.effective_qualifier().clone();
        let state = self.inner.state.read();
        let entry = state.function(&urn)?;
        entry.check_qualifier(&qualifier)?;
        let config = entry
            .async_configs
            .get(qualifier.name())
            .ok_or_else(|| no_config(&urn, &qualifier))?;
        Ok(AsyncConfigResponse {
            func_urn: urn.with_qualifier(Some(qualifier.clone())).full(),
            config: config.clone(),
        })
    }

    /// Deletes the async config of the qualifier a URN names (seed §5.13.2; 204 over REST).
    /// Later async invocations of that qualifier use the defaults.
    ///
    /// Errors: FSS.1051 / FSS.1052 / FSS.1053 for a missing function, version or alias;
    /// 404 FSS.0404 when the qualifier has no config.
    pub fn delete_async_invoke_config(&self, function_urn: &str) -> Result<()> {
        let urn = self.parse_urn(function_urn)?;
        let qualifier = urn.effective_qualifier().clone();
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &crate::state::FunctionKey::of(&urn));
        let entry = state.function_mut(&urn)?;
        entry.check_qualifier(&qualifier)?;
        entry
            .async_configs
            .remove(qualifier.name())
            .ok_or_else(|| no_config(&urn, &qualifier))?;
        tx.commit(&mut state)
    }

    /// The async configs of every qualifier of the function a URN names, whatever its
    /// qualifier (seed §5.13.4): `latest` first, then versions, then aliases, each by name.
    ///
    /// Paging: `marker` is the position to start from (default 0; past the end gives an
    /// empty page); `limit` missing or 0 means 10, above 100 means 100. `count` is the total;
    /// `page_info.next_marker` is the position after this page, `previous_marker` the
    /// marker of the page before (this marker minus the limit, at least 0) and
    /// `current_count` the number of items returned.
    ///
    /// Errors: FSS.1051 for a missing function (FSS.1052 / FSS.1053 for a missing version
    /// or alias in the URN); 400 FSS.1001 for a negative or non-integer `limit` or `marker`,
    /// or one longer than 64 characters.
    pub fn list_async_invoke_configs(
        &self,
        function_urn: &str,
        req: ListAsyncConfigsRequest,
    ) -> Result<ListAsyncConfigsResponse> {
        let urn = self.parse_urn(function_urn)?;
        let limit = match req.limit.as_deref() {
            None => DEFAULT_LIST_LIMIT,
            Some(text) => match query_number("limit", text)? {
                n if n < 0 => {
                    return Err(
                        ErrorKind::InvalidQueryParameter.with(format!("limit {n} is negative"))
                    );
                }
                0 => DEFAULT_LIST_LIMIT,
                n => (n as u64).min(MAX_LIST_LIMIT),
            },
        };
        let marker = match req.marker.as_deref() {
            None => 0,
            Some(text) if text.trim().is_empty() => 0,
            Some(text) => match query_number("marker", text)? {
                n if n < 0 => {
                    return Err(
                        ErrorKind::InvalidQueryParameter.with(format!("marker {n} is negative"))
                    );
                }
                n => n as u64,
            },
        };
        let state = self.inner.state.read();
        let entry = state.function(&urn)?;
        if let Some(q) = urn.qualifier() {
            entry.check_qualifier(q)?;
        }
        let mut keys: Vec<&String> = entry.async_configs.keys().collect();
        keys.sort_by_key(|k| qualifier_order(entry, k));
        let count = keys.len() as u64;
        let start = marker.min(count);
        let items: Vec<AsyncConfigResponse> = keys
            .iter()
            .skip(start as usize)
            .take(limit as usize)
            .filter_map(|k| {
                entry
                    .async_configs
                    .get(*k)
                    .map(|config| AsyncConfigResponse {
                        func_urn: urn.with_qualifier(Some(qualifier_of_key(entry, k))).full(),
                        config: config.clone(),
                    })
            })
            .collect();
        let current_count = items.len() as u64;
        Ok(ListAsyncConfigsResponse {
            async_invoke_configs: items,
            count,
            page_info: PageInfo {
                next_marker: start + current_count,
                previous_marker: start.saturating_sub(limit),
                current_count,
            },
        })
    }

    /// The async settings that apply to an invocation of the qualifier a URN names: its
    /// stored config, or the §5.13.3 defaults (age 3600 s, 1 retry, no destinations, no
    /// status log) when it has none (DECISIONS "Async"). An alias uses the alias's own
    /// config, not that of the version it routes to.
    ///
    /// Errors: FSS.1051 / FSS.1052 / FSS.1053 for a missing function, version or alias.
    #[cfg(test)]
    pub(crate) fn effective_async_config(&self, urn: &FunctionUrn) -> Result<EffectiveAsyncConfig> {
        let qualifier = urn.effective_qualifier();
        let state = self.inner.state.read();
        let entry = state.function(urn)?;
        entry.check_qualifier(qualifier)?;
        Ok(effective_async_config_of(
            entry,
            qualifier,
            &self.inner.settings.urn,
        ))
    }
}

/// [`Emulator::effective_async_config`] for a caller that already holds the state lock.
pub(crate) fn effective_async_config_of(
    entry: &FunctionEntry,
    qualifier: &Qualifier,
    defaults: &fgs_core::urn::UrnDefaults,
) -> EffectiveAsyncConfig {
    entry
        .async_configs
        .get(qualifier.name())
        .map(|c| EffectiveAsyncConfig::from_stored(c, defaults))
        .unwrap_or_default()
}

/// Whether two URNs name the same function (project, package and name).
fn same_function(a: &FunctionUrn, b: &FunctionUrn) -> bool {
    a.project_id() == b.project_id() && a.package() == b.package() && a.name() == b.name()
}

/// 404 FSS.0404 for a qualifier without async config.
fn no_config(urn: &FunctionUrn, qualifier: &Qualifier) -> fgs_core::Error {
    ErrorKind::NotFound.with(format!(
        "no async invoke config for '{}' (qualifier '{qualifier}')",
        urn.with_qualifier(Some(qualifier.clone())).full()
    ))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use fgs_core::async_config::{Destination, PutAsyncConfigRequest};
    use fgs_core::clock::ManualClock;
    use fgs_core::function::CreateFunctionRequest;

    use crate::Emulator;

    fn emulator_with_function() -> (Emulator, String) {
        let clock = Arc::new(ManualClock::at_rfc3339("2024-05-01T12:00:00Z").unwrap());
        let emu = Emulator::builder().clock(clock).seed(1).build().unwrap();
        let config = emu
            .create_function(CreateFunctionRequest {
                func_name: "f".into(),
                package: "default".into(),
                runtime: "Python3.9".into(),
                timeout: 30,
                handler: "index.handler".into(),
                memory_size: 128,
                code_type: "inline".into(),
                ..Default::default()
            })
            .unwrap();
        (emu, config.func_urn)
    }

    #[test]
    fn effective_config_defaults_when_none_is_stored() {
        // DECISIONS "Async": the §5.13.3 defaults apply when no config exists.
        let (emu, urn) = emulator_with_function();
        let eff = emu
            .effective_async_config(&emu.parse_urn(&urn).unwrap())
            .unwrap();
        assert_eq!(eff.max_async_event_age_in_seconds, 3600);
        assert_eq!(eff.max_async_retry_attempts, 1);
        assert!(!eff.configured);
        assert_eq!(eff.on_success, None);
    }

    #[test]
    fn effective_config_reads_the_stored_one_with_parsed_destinations() {
        let (emu, urn) = emulator_with_function();
        let req: PutAsyncConfigRequest = serde_json::from_value(serde_json::json!({
            "max_async_retry_attempts": 3,
            "destination_config": {
                "on_success": {"destination": "DIS", "param": "{\"stream_name\":\"s1\"}"},
                "on_failure": {"destination": "FunctionGraph", "param": "{\"func_urn\":\"other\"}"}
            }
        }))
        .unwrap();
        emu.put_async_invoke_config(&urn, req).unwrap();
        let eff = emu
            .effective_async_config(&emu.parse_urn(&urn).unwrap())
            .unwrap();
        assert!(eff.configured);
        assert_eq!(eff.max_async_retry_attempts, 3);
        assert_eq!(
            eff.on_success,
            Some(Destination::Dis {
                stream_name: "s1".into()
            })
        );
        match eff.on_failure {
            Some(Destination::FunctionGraph { func_urn }) => assert_eq!(func_urn.name(), "other"),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            emu.effective_async_config(&emu.parse_urn("nobody").unwrap())
                .unwrap_err()
                .code(),
            "FSS.1051"
        );
    }
}
