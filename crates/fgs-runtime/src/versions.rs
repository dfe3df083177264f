//! Publishing and listing versions (seed §5.7.6, §5.7.7).

use fgs_core::function::FunctionConfig;
use fgs_core::urn::Qualifier;
use fgs_core::version::PublishVersionRequest;
use fgs_core::{ErrorKind, Result};

use crate::Emulator;
use crate::state::VersionState;

impl Emulator {
    /// Publishes `latest` as an immutable version (seed §5.7.7) and returns it.
    pub fn publish_version(
        &self,
        function_urn: &str,
        req: PublishVersionRequest,
    ) -> Result<FunctionConfig> {
        let urn = self.parse_urn(function_urn)?;
        let now = self.now();
        let offset = self.inner.settings.utc_offset;
        let mut state = self.inner.state.write();
        let entry = state.function_mut(&urn)?;
        let name = req
            .version
            .unwrap_or_else(|| fgs_core::timefmt::version_name(now, offset));
        if entry.versions.contains_key(&name) {
            return Err(ErrorKind::VersionExists.with(format!("version '{name}' already exists")));
        }
        let mut config = entry.latest.config.clone();
        config.version = name.clone();
        config.version_description = req.description;
        config.func_urn = urn
            .with_qualifier(Some(Qualifier::Version(name.clone())))
            .full();
        let version = VersionState {
            config: config.clone(),
            code: entry.latest.code.clone(),
            modified: now,
        };
        entry.versions.insert(name, version);
        Ok(config)
    }
}
