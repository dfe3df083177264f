//! Reserved-instance configuration (seed §5.10.1): `PUT .../reservedinstances` per qualifier,
//! and a Rust-only listing for the executor (the seed has no GET endpoint, digest
//! ambiguity 19). Validation and which fields act are documented in
//! [`fgs_core::reserved`].

use fgs_core::Result;
use fgs_core::reserved::{QualifiedReservedConfig, ReservedConfig, UpdateReservedInstancesRequest};

use crate::Emulator;
use crate::async_config::qualifier_of_key;

impl Emulator {
    /// Sets the reserved instances of the qualifier a URN names (seed §5.10.1; an unqualified
    /// URN means `latest`) and returns the stored config, which echoes the request.
    ///
    /// Errors: FSS.1051 / FSS.1052 / FSS.1053 for a missing function, version or alias;
    /// FSS.0400 for a missing or negative `count` or a bad policy; FSS.1076 for a count above
    /// [`fgs_core::limits::Limits::max_reserved_instances`].
    pub fn update_reserved_instances(
        &self,
        function_urn: &str,
        req: UpdateReservedInstancesRequest,
    ) -> Result<ReservedConfig> {
        let urn = self.parse_urn(function_urn)?;
        let qualifier = urn.effective_qualifier().clone();
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &crate::state::FunctionKey::of(&urn));
        let entry = state.function_mut(&urn)?;
        entry.check_qualifier(&qualifier)?;
        let config = req.validate(self.limits())?;
        entry
            .reserved
            .insert(qualifier.name().to_owned(), config.clone());
        tx.commit(&mut state)?;
        // Its `cron_configs` now drive the effective count (`crate::scheduler`).
        self.schedule_reserved(
            &crate::state::FunctionKey::of(&urn),
            qualifier.name(),
            &config,
        );
        drop(state);
        // Pre-warm (or release) the instances now: see `crate::invoke`.
        self.apply_reserved(&urn);
        Ok(config)
    }

    /// The reserved-instance configs of a function (Rust-only; no seed endpoint). An
    /// unqualified URN lists every qualifier that has one (`latest` first, then versions,
    /// then aliases); a qualified URN lists at most that qualifier's. A qualifier that was
    /// never set has no entry, which means 0 reserved instances.
    ///
    /// Errors: FSS.1051 / FSS.1052 / FSS.1053 for a missing function, version or alias.
    pub fn list_reserved_instance_configs(
        &self,
        function_urn: &str,
    ) -> Result<Vec<QualifiedReservedConfig>> {
        let urn = self.parse_urn(function_urn)?;
        let state = self.inner.state.read();
        let entry = state.function(&urn)?;
        if let Some(q) = urn.qualifier() {
            entry.check_qualifier(q)?;
        }
        let mut items: Vec<QualifiedReservedConfig> = entry
            .reserved
            .iter()
            .filter(|(key, _)| urn.qualifier().is_none_or(|q| q.name() == key.as_str()))
            .map(|(key, config)| {
                let q = qualifier_of_key(entry, key);
                QualifiedReservedConfig {
                    func_urn: urn.with_qualifier(Some(q)).full(),
                    qualifier: key.clone(),
                    config: config.clone(),
                }
            })
            .collect();
        items.sort_by_key(|i| crate::async_config::qualifier_order(entry, &i.qualifier));
        Ok(items)
    }
}
