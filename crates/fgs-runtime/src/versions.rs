//! Publishing and listing versions (seed §5.7.6, §5.7.7).
//!
//! A published version is an immutable snapshot of `latest`'s configuration and code (the code
//! is shared by `Arc` until `latest` gets new code; later updates of `latest` never change a
//! version). The rules and codes are in [`fgs_core::version`] and on the methods.

use fgs_core::function::{FuncCode, FunctionConfig};
use fgs_core::urn::Qualifier;
use fgs_core::version::{
    ListVersionsQuery, ListVersionsResponse, PublishVersionRequest, PublishedVersion,
    validate_description, validate_version_name,
};
use fgs_core::{ErrorKind, Result};

use crate::Emulator;
use crate::state::{FunctionEntry, VersionState};

impl Emulator {
    /// Publishes `latest` as an immutable version (seed §5.7.7) and returns it in the shape
    /// of the seed's example (7-field `func_urn`, `version`, `version_description`,
    /// `last_modified_utc`, `func_code: {}`). The URN's qualifier, if any, is ignored: the
    /// snapshot is always taken of `latest`.
    ///
    /// * `version` given: validated (400 `FSS.1015`, also when an alias of the function has
    ///   that name); absent or empty: `vYYYYMMDD-HHMMSS` from the clock in the configured UTC
    ///   offset.
    /// * `description` over 512 characters: 400 `FSS.1019`.
    /// * `digest` given and not empty but not `latest`'s code digest: 428 `FSS.0428` (the
    ///   code changed since the caller read it).
    /// * A version of that name exists: 409 `FSS.1062` (also for two generated names in the
    ///   same second).
    /// * [`fgs_core::limits::Limits::max_versions`] published versions already: 400 `FSS.0400`.
    /// * Neither the code digest nor any configuration field changed since the most recently
    ///   published version: 400 `FSS.1016` (the first publication is always allowed; fields
    ///   that differ by nature, `func_urn`, `version`, `version_description`, `image_name`,
    ///   `last_modified` and `last_modified_utc`, are not compared).
    /// * Unknown function: 404 `FSS.1051`.
    pub fn publish_version(
        &self,
        function_urn: &str,
        req: PublishVersionRequest,
    ) -> Result<PublishedVersion> {
        let urn = self.parse_urn(function_urn)?;
        let now = self.now();
        let offset = self.inner.settings.utc_offset;
        let max_versions = self.limits().max_versions;
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &crate::state::FunctionKey::of(&urn));
        let entry = state.function_mut(&urn)?;
        let name = match req.version.as_deref() {
            Some(v) if !v.is_empty() => {
                validate_version_name(v)?;
                v.to_owned()
            }
            _ => fgs_core::timefmt::version_name(now, offset),
        };
        let description = req.description.unwrap_or_default();
        validate_description("the version", &description)?;
        if let Some(digest) = req.digest.as_deref().filter(|d| !d.is_empty())
            && digest != entry.latest.config.digest
        {
            return Err(ErrorKind::PreconditionRequired.with(format!(
                "digest '{digest}' is not the digest of latest's code ('{}'); the code changed",
                entry.latest.config.digest
            )));
        }
        if entry.aliases.contains_key(&name) {
            return Err(ErrorKind::InvalidVersion.with(format!(
                "version '{name}' has the name of an alias of the function"
            )));
        }
        if entry.versions.contains_key(&name) {
            return Err(ErrorKind::VersionExists.with(format!(
                "version '{name}' of function '{}' already exists",
                urn.name()
            )));
        }
        if entry.versions.len() >= max_versions {
            return Err(ErrorKind::InvalidParameter.with(format!(
                "function '{}' already has {} published versions, the maximum",
                urn.name(),
                entry.versions.len()
            )));
        }
        if let Some((last_name, last)) = published_in_order(entry).last()
            && last.code.digest == entry.latest.code.digest
            && comparable(&last.config) == comparable(&entry.latest.config)
        {
            return Err(ErrorKind::NothingToPublish.with(format!(
                "neither the code nor the configuration of function '{}' changed since version '{last_name}' was published",
                urn.name()
            )));
        }
        let mut config = entry.latest.config.clone();
        config.func_urn = urn
            .with_qualifier(Some(Qualifier::Version(name.clone())))
            .full();
        config.version = name.clone();
        config.version_description = Some(description);
        config.image_name = format!(
            "{name}-{}@{}",
            now.format("%y%m%d%H%M%S"),
            self.inner.random.suffix(5)
        );
        config.last_modified = fgs_core::timefmt::rfc3339(now, offset);
        config.last_modified_utc = Some(now.timestamp());
        let version = VersionState {
            config: config.clone(),
            code: entry.latest.code.clone(),
            modified: now,
        };
        entry.versions.insert(name, version);
        tx.commit(&mut state)?;
        config.func_urn = urn.unqualified();
        Ok(PublishedVersion {
            config,
            func_code: FuncCode::default(),
        })
    }

    /// Lists the versions of a function (seed §5.7.6): `latest` first, then the published
    /// versions in publication order, each with the 7-field `func_urn` of the seed's example.
    ///
    /// Paging ([`ListVersionsQuery::page`]): `marker` is a zero-based offset (default 0),
    /// `maxitems` or the seed's `maxitens` the page size (missing, 0 or above 400: 400);
    /// negative or non-integer values are 400 `FSS.1001`. `next_marker` is
    /// `min(marker + page size, count)`; `count` counts every version, `latest` included.
    /// Unknown function: 404 `FSS.1051`.
    pub fn list_versions(
        &self,
        function_urn: &str,
        query: &ListVersionsQuery,
    ) -> Result<ListVersionsResponse> {
        let urn = self.parse_urn(function_urn)?;
        let (marker, size) = query.page()?;
        let state = self.inner.state.read();
        let entry = state.function(&urn)?;
        let all: Vec<&VersionState> = std::iter::once(&entry.latest)
            .chain(published_in_order(entry).into_iter().map(|(_, v)| v))
            .collect();
        let count = all.len();
        let versions = all
            .into_iter()
            .skip(marker)
            .take(size)
            .map(|v| {
                let mut config = v.config.clone();
                config.func_urn = urn.unqualified();
                config
            })
            .collect();
        Ok(ListVersionsResponse {
            versions,
            next_marker: marker.saturating_add(size).min(count) as u64,
            count: count as u64,
        })
    }
}

/// The published versions of a function in publication order (publication time, then name).
pub(crate) fn published_in_order(entry: &FunctionEntry) -> Vec<(&String, &VersionState)> {
    let mut versions: Vec<(&String, &VersionState)> = entry.versions.iter().collect();
    versions.sort_by_key(|(name, v)| (v.modified, name.as_str()));
    versions
}

/// A configuration with the fields that differ by nature between `latest` and a version
/// blanked, as JSON (so that fields added to [`FunctionConfig`] are compared too).
fn comparable(config: &FunctionConfig) -> serde_json::Value {
    let mut config = config.clone();
    config.func_urn.clear();
    config.version.clear();
    config.version_description = None;
    config.image_name.clear();
    config.last_modified.clear();
    config.last_modified_utc = None;
    serde_json::to_value(&config).unwrap_or(serde_json::Value::Null)
}
