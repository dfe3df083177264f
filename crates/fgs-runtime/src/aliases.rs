//! Aliases with weighted additional versions (seed §5.7.1-§5.7.5).

use fgs_core::Result;
use fgs_core::alias::{Alias, CreateAliasRequest};
use fgs_core::urn::Qualifier;

use crate::Emulator;

impl Emulator {
    /// Creates an alias of a function version (seed §5.7.2).
    pub fn create_alias(&self, function_urn: &str, req: CreateAliasRequest) -> Result<Alias> {
        let urn = self.parse_urn(function_urn)?;
        let now = self.now();
        let last_modified = self.rfc3339(now);
        let mut state = self.inner.state.write();
        let entry = state.function_mut(&urn)?;
        entry.published_or_latest(&req.version)?;
        let alias = Alias {
            alias_urn: urn
                .with_qualifier(Some(Qualifier::Alias(req.name.clone())))
                .full(),
            name: req.name,
            version: req.version,
            description: req.description.unwrap_or_default(),
            last_modified,
            additional_version_weights: req.additional_version_weights,
        };
        entry.aliases.insert(alias.name.clone(), alias.clone());
        Ok(alias)
    }
}
