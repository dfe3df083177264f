//! Tracing configuration (seed §5.5): the APM AK/SK of a function.
//!
//! The configuration belongs to the function, whatever the qualifier of the URN. The rules
//! are listed in [`fgs_core::tracing_config`].

use fgs_core::tracing_config::{TracingConfig, UpdateTracingRequest};
use fgs_core::{ErrorKind, Result};

use crate::Emulator;

impl Emulator {
    /// The tracing AK/SK of a function with the SK masked as `*****` (seed §5.5.1).
    ///
    /// Errors: 404 FSS.1051 missing function; 404 FSS.0404 no AK/SK set (never set, or
    /// disabled since).
    pub fn get_tracing(&self, function_urn: &str) -> Result<TracingConfig> {
        let urn = self.parse_urn(function_urn)?;
        let state = self.inner.state.read();
        let entry = state.function(&urn)?;
        entry
            .tracing
            .as_ref()
            .map(TracingConfig::masked)
            .ok_or_else(|| {
                ErrorKind::NotFound.with(format!(
                    "can not find tracing aksk of function '{}'",
                    urn.name()
                ))
            })
    }

    /// Enables, changes or disables tracing (seed §5.5.2): both keys set enable or change it,
    /// both empty or missing disable it. The seed gives no response body.
    ///
    /// Errors: 400 FSS.1128 missing function (§5.5.2 example); 400 FSS.0400 only one key.
    pub fn update_tracing(&self, function_urn: &str, req: UpdateTracingRequest) -> Result<()> {
        let urn = self.parse_urn(function_urn)?;
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &crate::state::FunctionKey::of(&urn));
        let entry = state.function_mut(&urn).map_err(|_| {
            ErrorKind::TracingFunctionNotFound
                .with(format!("function[{}] not existed", urn.unqualified()))
        })?;
        entry.tracing = req.resolve()?;
        tx.commit(&mut state)
    }
}
