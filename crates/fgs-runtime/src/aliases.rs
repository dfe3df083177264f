//! Aliases with weighted additional versions (seed §5.7.1-§5.7.5), and the routing of an
//! alias to a version for invocations ([`FunctionEntry::route`]).
//!
//! The rules and codes are in [`fgs_core::alias`]; the per-function ones (existence,
//! duplicates, quota, exclusivity) are on the methods. The `function_urn` of every alias
//! method names the function; its qualifier, if any, is ignored.

use std::collections::BTreeMap;

use fgs_core::alias::{
    Alias, CreateAliasRequest, UpdateAliasRequest, route, validate_alias_name,
    validate_major_version, validate_weights,
};
use fgs_core::random::Randomness;
use fgs_core::urn::{FunctionUrn, LATEST, Qualifier};
use fgs_core::version::validate_description;
use fgs_core::{ErrorKind, Result};

use crate::Emulator;
use crate::state::{FunctionEntry, VersionState};

impl Emulator {
    /// Lists the aliases of a function (seed §5.7.1): a bare array, by alias name.
    /// Unknown function: 404 `FSS.1051`.
    pub fn list_aliases(&self, function_urn: &str) -> Result<Vec<Alias>> {
        let urn = self.parse_urn(function_urn)?;
        let state = self.inner.state.read();
        Ok(state.function(&urn)?.aliases.values().cloned().collect())
    }

    /// One alias (seed §5.7.4). Unknown function 404 `FSS.1051`, unknown alias 404
    /// `FSS.1053`.
    pub fn get_alias(&self, function_urn: &str, alias_name: &str) -> Result<Alias> {
        let urn = self.parse_urn(function_urn)?;
        let state = self.inner.state.read();
        state.function(&urn)?.alias(alias_name).cloned()
    }

    /// Creates an alias of a function version (seed §5.7.2); 200 with the alias object.
    ///
    /// Checked in this order: function (404 `FSS.1051`), name (400 `FSS.1014`, see
    /// [`fgs_core::alias`]; also the name of a published version), description (400
    /// `FSS.1019`), `version` (400 `FSS.1015` blank or malformed, 404 `FSS.1052` not
    /// published), duplicate name (409 `FSS.1063`), the alias quota
    /// [`fgs_core::limits::Limits::max_aliases`] (403 `FSS.1043`), the weights (400
    /// `FSS.1091`/`FSS.1092`/`FSS.1093`, 404 `FSS.1052`), and, only with
    /// [`fgs_core::limits::Limits::exclusive_alias_versions`], a version already used by
    /// another alias (409 `FSS.1066`).
    pub fn create_alias(&self, function_urn: &str, req: CreateAliasRequest) -> Result<Alias> {
        let urn = self.parse_urn(function_urn)?;
        let last_modified = self.rfc3339(self.now());
        let limits = self.limits().clone();
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &crate::state::FunctionKey::of(&urn));
        let entry = state.function_mut(&urn)?;
        check_alias_name(entry, &req.name)?;
        let description = req.description.unwrap_or_default();
        validate_description("the alias", &description)?;
        validate_major_version(&req.version)?;
        entry.published_or_latest(&req.version)?;
        if entry.aliases.contains_key(&req.name) {
            return Err(ErrorKind::AliasExists.with(format!(
                "alias '{}' of function '{}' already exists",
                req.name,
                urn.name()
            )));
        }
        if entry.aliases.len() >= limits.max_aliases {
            return Err(ErrorKind::AliasQuotaExceeded.with(format!(
                "function '{}' already has {} aliases, the maximum",
                urn.name(),
                limits.max_aliases
            )));
        }
        let weights = check_weights(entry, &req.version, req.additional_version_weights)?;
        if limits.exclusive_alias_versions {
            check_exclusive(entry, &req.name, &req.version, weights.as_ref())?;
        }
        let alias = Alias {
            alias_urn: alias_urn(&urn, &req.name),
            name: req.name,
            version: req.version,
            description,
            last_modified,
            additional_version_weights: weights,
        };
        entry.aliases.insert(alias.name.clone(), alias.clone());
        tx.commit(&mut state)?;
        Ok(alias)
    }

    /// Updates an alias (seed §5.7.5); 200 with the alias object and a new `last_modified`.
    ///
    /// `version` is required and replaces the major version; `description` and
    /// `additional_version_weights` replace the stored values when given and are kept when
    /// absent (`{}` ends the gray release). The result is validated as on create: 404
    /// `FSS.1051`/`FSS.1053` for an unknown function or alias, then 400 `FSS.1019`,
    /// `FSS.1015`, 404 `FSS.1052`, 400 `FSS.1091`/`FSS.1092`/`FSS.1093`, and 409 `FSS.1066`
    /// with exclusive alias versions.
    pub fn update_alias(
        &self,
        function_urn: &str,
        alias_name: &str,
        req: UpdateAliasRequest,
    ) -> Result<Alias> {
        let urn = self.parse_urn(function_urn)?;
        let last_modified = self.rfc3339(self.now());
        let exclusive = self.limits().exclusive_alias_versions;
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &crate::state::FunctionKey::of(&urn));
        let entry = state.function_mut(&urn)?;
        let current = entry.alias(alias_name)?.clone();
        let description = req.description.unwrap_or(current.description);
        validate_description("the alias", &description)?;
        validate_major_version(&req.version)?;
        entry.published_or_latest(&req.version)?;
        let weights = req
            .additional_version_weights
            .or(current.additional_version_weights);
        let weights = check_weights(entry, &req.version, weights)?;
        if exclusive {
            check_exclusive(entry, alias_name, &req.version, weights.as_ref())?;
        }
        let alias = Alias {
            version: req.version,
            description,
            last_modified,
            additional_version_weights: weights,
            ..current
        };
        entry.aliases.insert(alias.name.clone(), alias.clone());
        tx.commit(&mut state)?;
        Ok(alias)
    }

    /// Deletes an alias (seed §5.7.3; 204) with its per-qualifier resources (reserved
    /// instances and async config of the alias). Unknown function 404 `FSS.1051`, unknown
    /// alias 404 `FSS.1053`; an alias that still has triggers 403 `FSS.1154`.
    pub fn delete_alias(&self, function_urn: &str, alias_name: &str) -> Result<()> {
        let urn = self.parse_urn(function_urn)?;
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &crate::state::FunctionKey::of(&urn));
        let entry = state.function_mut(&urn)?;
        entry.alias(alias_name)?;
        let qualifier = Qualifier::Alias(alias_name.to_owned());
        let triggers = entry
            .triggers
            .values()
            .filter(|t| t.qualifier == qualifier)
            .count();
        if triggers > 0 {
            return Err(ErrorKind::AliasHasTriggers.with(format!(
                "alias '{alias_name}' of function '{}' has {triggers} trigger(s); delete them first",
                urn.name()
            )));
        }
        entry.aliases.remove(alias_name);
        entry.remove_qualifier_resources(&qualifier);
        tx.commit(&mut state)
    }

    /// The version an invocation of `qualifier` runs, drawing from the emulator's seeded
    /// random source for an alias with weights (see [`FunctionEntry::route`]).
    pub(crate) fn route_version<'a>(
        &self,
        entry: &'a FunctionEntry,
        qualifier: &Qualifier,
    ) -> Result<(String, &'a VersionState)> {
        entry.route(qualifier, &self.inner.random)
    }
}

impl FunctionEntry {
    /// The version an invocation of `qualifier` runs, with its name: `latest`, a published
    /// version (404 `FSS.1052`), or for an alias (404 `FSS.1053`) its major version or, with
    /// probability weight/100, its additional version ([`fgs_core::alias::route`] with a
    /// uniform draw in `0..100` from `random`).
    pub(crate) fn route(
        &self,
        qualifier: &Qualifier,
        random: &Randomness,
    ) -> Result<(String, &VersionState)> {
        let name = match qualifier {
            Qualifier::Latest => LATEST.to_owned(),
            Qualifier::Version(v) => v.clone(),
            Qualifier::Alias(a) => route(self.alias(a)?, random.below(100)).to_owned(),
        };
        let version = self.published_or_latest(&name)?;
        Ok((name, version))
    }
}

/// The alias URN: the function's 7-field URN plus `:!<alias>` (seed §5.7.1).
fn alias_urn(urn: &FunctionUrn, alias: &str) -> String {
    urn.with_qualifier(Some(Qualifier::Alias(alias.to_owned())))
        .full()
}

/// Name syntax, and no clash with a published version (400 `FSS.1014`).
fn check_alias_name(entry: &FunctionEntry, name: &str) -> Result<()> {
    validate_alias_name(name)?;
    if entry.versions.contains_key(name) {
        return Err(ErrorKind::InvalidAlias.with(format!(
            "alias name '{name}' is the name of a published version of the function"
        )));
    }
    Ok(())
}

/// Validates the weights against `major` and the published versions; `{}` becomes `None`.
fn check_weights(
    entry: &FunctionEntry,
    major: &str,
    weights: Option<BTreeMap<String, i64>>,
) -> Result<Option<BTreeMap<String, i64>>> {
    let Some(weights) = weights else {
        return Ok(None);
    };
    match validate_weights(major, &weights)? {
        None => Ok(None),
        Some((additional, _)) => {
            entry.published(additional)?;
            Ok(Some(weights))
        }
    }
}

/// With exclusive alias versions: no other alias may use `version` or the additional
/// version, as its major or additional version (409 `FSS.1066`).
fn check_exclusive(
    entry: &FunctionEntry,
    alias: &str,
    version: &str,
    weights: Option<&BTreeMap<String, i64>>,
) -> Result<()> {
    let mine: Vec<&str> = std::iter::once(version)
        .chain(
            weights
                .into_iter()
                .flat_map(|w| w.keys().map(String::as_str)),
        )
        .collect();
    for other in entry.aliases.values().filter(|a| a.name != alias) {
        let theirs = std::iter::once(other.version.as_str()).chain(
            other
                .additional_version_weights
                .iter()
                .flat_map(|w| w.keys().map(String::as_str)),
        );
        for v in theirs {
            if mine.contains(&v) {
                return Err(ErrorKind::VersionUsedByOtherAlias.with(format!(
                    "version '{v}' is already used by alias '{}'",
                    other.name
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use fgs_core::code::CodePackage;
    use fgs_core::function::FunctionConfig;

    use super::*;

    fn version(name: &str) -> VersionState {
        VersionState {
            config: FunctionConfig {
                version: name.to_owned(),
                ..FunctionConfig::default()
            },
            code: Arc::new(CodePackage::from_bytes(name.as_bytes().to_vec())),
            modified: chrono::DateTime::UNIX_EPOCH,
        }
    }

    fn entry_with_alias(weight: i64) -> FunctionEntry {
        let mut entry = FunctionEntry::new(1, version(LATEST));
        entry.versions.insert("v1".into(), version("v1"));
        entry.versions.insert("v2".into(), version("v2"));
        entry.aliases.insert(
            "prod".into(),
            Alias {
                name: "prod".into(),
                version: "v2".into(),
                additional_version_weights: Some(BTreeMap::from([("v1".to_owned(), weight)])),
                ..Alias::default()
            },
        );
        entry
    }

    fn share_of_v1(weight: i64, draws: usize) -> f64 {
        let entry = entry_with_alias(weight);
        let random = Randomness::seeded(42);
        let prod = Qualifier::Alias("prod".into());
        let hits = (0..draws)
            .filter(|_| {
                let (name, v) = entry.route(&prod, &random).unwrap();
                assert_eq!(v.config.version, name);
                name == "v1"
            })
            .count();
        hits as f64 / draws as f64
    }

    /// §5.7.2 gray release: weight 30 routes 30% (± 2%) of 10000 seeded draws.
    #[test]
    fn weight_30_routes_30_percent() {
        let share = share_of_v1(30, 10_000);
        assert!((0.28..=0.32).contains(&share), "share {share}");
    }

    #[test]
    fn weights_0_and_100_are_absolute() {
        assert_eq!(share_of_v1(0, 1000), 0.0);
        assert_eq!(share_of_v1(100, 1000), 1.0);
    }

    #[test]
    fn the_same_seed_routes_the_same_way() {
        let entry = entry_with_alias(50);
        let prod = Qualifier::Alias("prod".into());
        let run = |seed| {
            let random = Randomness::seeded(seed);
            (0..64)
                .map(|_| entry.route(&prod, &random).unwrap().0)
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
    }

    /// §5.7.3: FSS.1154 while the alias has triggers; once they are gone the delete also
    /// drops the alias's reserved-instance and async configs. (Triggers are seeded into the
    /// state here; the trigger API has its own tests of the same rule.)
    #[test]
    fn routing_plain_qualifiers_and_missing_ones() {
        let entry = entry_with_alias(50);
        let random = Randomness::seeded(1);
        assert_eq!(entry.route(&Qualifier::Latest, &random).unwrap().0, LATEST);
        let v1 = Qualifier::Version("v1".into());
        assert_eq!(entry.route(&v1, &random).unwrap().0, "v1");
        let v9 = entry.route(&Qualifier::Version("v9".into()), &random);
        assert_eq!(v9.unwrap_err().code(), "FSS.1052");
        let nope = entry.route(&Qualifier::Alias("nope".into()), &random);
        assert_eq!(nope.unwrap_err().code(), "FSS.1053");
    }
}
