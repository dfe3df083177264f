//! Aliases (seed §5.7.1-§5.7.5): the alias object, its request bodies, and the pure rules.
//!
//! Rules (seed §5.7 and §7.2; DECISIONS "Aliases"):
//!
//! * An alias name ([`validate_alias_name`]) has 1 to [`MAX_ALIAS_NAME_LEN`] characters,
//!   starts with a letter, ends with a letter or digit, and holds only letters, digits, `-`
//!   and `_`. `latest` (any case) and names of the generated-version form `vYYYYMMDD-HHMMSS`
//!   are refused, and so is the name of a published version of the same function: versions
//!   and aliases share one namespace per function, so that per-qualifier resources (triggers,
//!   reserved instances, async configs) never mix. Anything else is 400 `FSS.1014`.
//! * `version` is `latest` or a published version (400 `FSS.1015` when blank or malformed,
//!   404 `FSS.1052` when it does not exist).
//! * `additional_version_weights` ([`validate_weights`]) holds at most one additional version
//!   (400 `FSS.1091`), which is not the major version (400 `FSS.1093`), not `latest`
//!   (400 `FSS.1091`), and a published version (404 `FSS.1052`), with an integer weight
//!   0..=100 (400 `FSS.1092`): the percentage of invocations routed to it ([`route`]).
//!   An empty map means no gray release.
//!
//! ```
//! use std::collections::BTreeMap;
//! use fgs_core::alias::{Alias, route};
//! let alias = Alias {
//!     name: "prod".into(),
//!     version: "v2".into(),
//!     additional_version_weights: Some(BTreeMap::from([("v1".to_owned(), 30)])),
//!     ..Alias::default()
//! };
//! assert_eq!(route(&alias, 29), "v1");
//! assert_eq!(route(&alias, 30), "v2");
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, Result};
use crate::urn::LATEST;

/// The longest alias name (emulator default, from the platform's public docs).
pub const MAX_ALIAS_NAME_LEN: usize = 63;

/// The largest weight of an additional version: weights are percentages.
pub const MAX_WEIGHT: i64 = 100;

/// An alias of a function version (seed `ListVersionAliasResult`, §5.7.1).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Alias {
    /// Alias name.
    pub name: String,
    /// The major version it points to (`latest` or a published version).
    pub version: String,
    /// Description ("" when none was given).
    #[serde(default)]
    pub description: String,
    /// Last update, RFC 3339 with offset.
    pub last_modified: String,
    /// The alias URN, `urn:fss:<region>:<project>:function:<package>:<name>:!<alias>`.
    pub alias_urn: String,
    /// Gray release: additional version -> weight (0..100, the percentage routed to it).
    /// Left out of the JSON when the alias has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_version_weights: Option<BTreeMap<String, i64>>,
}

/// The body of create alias (seed §5.7.2).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateAliasRequest {
    /// Alias name (required).
    pub name: String,
    /// The major version (required): `latest` or a published version.
    pub version: String,
    /// Description, at most 512 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Gray release weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_version_weights: Option<BTreeMap<String, i64>>,
}

/// The body of update alias (seed §5.7.5); the name comes from the path.
///
/// `version` is required and replaces the major version. `description` and
/// `additional_version_weights` replace the stored values when given and keep them when
/// absent; `""` clears the description and `{}` ends the gray release.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpdateAliasRequest {
    /// The major version.
    pub version: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Gray release weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_version_weights: Option<BTreeMap<String, i64>>,
}

/// Checks an alias name's syntax (400 `FSS.1014`); see the module docs. Clashes with
/// published version names are checked by the emulator, which knows them.
pub fn validate_alias_name(name: &str) -> Result<()> {
    let bad = |why: &str| ErrorKind::InvalidAlias.with(format!("alias name '{name}' {why}"));
    if name.is_empty() || name.chars().count() > MAX_ALIAS_NAME_LEN {
        return Err(bad(&format!(
            "must have 1 to {MAX_ALIAS_NAME_LEN} characters"
        )));
    }
    if name.eq_ignore_ascii_case(LATEST) {
        return Err(bad("is reserved for the working head"));
    }
    let bytes = name.as_bytes();
    if !bytes[0].is_ascii_alphabetic() {
        return Err(bad("must start with a letter"));
    }
    if !bytes[bytes.len() - 1].is_ascii_alphanumeric() {
        return Err(bad("must end with a letter or digit"));
    }
    if !bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
    {
        return Err(bad("may hold only letters, digits, '-' and '_'"));
    }
    if is_generated_version_name(name) {
        return Err(bad(
            "has the form of a generated version name (vYYYYMMDD-HHMMSS)",
        ));
    }
    Ok(())
}

/// Whether `name` has the form `vYYYYMMDD-HHMMSS` of generated version names.
pub fn is_generated_version_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 16
        && b[0] == b'v'
        && b[9] == b'-'
        && b[1..9].iter().all(u8::is_ascii_digit)
        && b[10..].iter().all(u8::is_ascii_digit)
}

/// Checks the alias's major `version` syntax: not blank, a version name or `latest`
/// (400 `FSS.1015`). Existence is checked by the emulator.
pub fn validate_major_version(version: &str) -> Result<()> {
    if version == LATEST {
        return Ok(());
    }
    if version.trim().is_empty() {
        return Err(ErrorKind::InvalidVersion.with("the alias's version must not be blank"));
    }
    crate::version::validate_version_name(version)
}

/// Checks `additional_version_weights` against the alias's major `version`, except for the
/// existence of the additional version (which the emulator checks, 404 `FSS.1052`). Returns
/// the single additional version and its weight, if any.
pub fn validate_weights<'a>(
    major: &str,
    weights: &'a BTreeMap<String, i64>,
) -> Result<Option<(&'a str, i64)>> {
    if weights.len() > 1 {
        return Err(ErrorKind::InvalidAdditionalVersion.with(format!(
            "an alias has at most one additional version, got {} ({})",
            weights.len(),
            weights.keys().cloned().collect::<Vec<_>>().join(", ")
        )));
    }
    let Some((version, &weight)) = weights.iter().next() else {
        return Ok(None);
    };
    if version == major {
        return Err(ErrorKind::AdditionalVersionIsMajorVersion.with(format!(
            "additional version '{version}' is the alias's major version"
        )));
    }
    if version == LATEST {
        return Err(ErrorKind::InvalidAdditionalVersion
            .with("'latest' cannot be an additional version; publish a version first"));
    }
    if crate::version::validate_version_name(version).is_err() {
        return Err(ErrorKind::InvalidAdditionalVersion.with(format!(
            "additional version '{version}' is not a valid version name"
        )));
    }
    if !(0..=MAX_WEIGHT).contains(&weight) {
        return Err(ErrorKind::InvalidAdditionalVersionWeight.with(format!(
            "weight {weight} of additional version '{version}' is not an integer from 0 to {MAX_WEIGHT}"
        )));
    }
    Ok(Some((version.as_str(), weight)))
}

/// The version an invocation of `alias` runs, given `draw`, a uniform integer in `0..100`:
/// the additional version when `draw < weight`, else the major version. So a weight `w`
/// routes `w`% of invocations to the additional version (0 never, 100 always).
pub fn route(alias: &Alias, draw: u32) -> &str {
    match alias
        .additional_version_weights
        .as_ref()
        .and_then(|w| w.iter().next())
    {
        Some((version, &weight)) if i64::from(draw) < weight => version,
        _ => &alias.version,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_names() {
        for ok in ["prod", "a", "dev-1", "canary_2", "v1"] {
            assert!(validate_alias_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1a",
            "a-",
            "latest",
            "Latest",
            "a.b",
            "a b",
            "v20240101-120000",
            &"a".repeat(64),
        ] {
            assert_eq!(
                validate_alias_name(bad).unwrap_err().code(),
                "FSS.1014",
                "{bad}"
            );
        }
    }

    #[test]
    fn weights() {
        let w = |pairs: &[(&str, i64)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect::<BTreeMap<_, _>>()
        };
        assert_eq!(validate_weights("v2", &w(&[])).unwrap(), None);
        assert_eq!(
            validate_weights("v2", &w(&[("v1", 100)])).unwrap(),
            Some(("v1", 100))
        );
        let code = |m: &str, p: &[(&str, i64)]| validate_weights(m, &w(p)).unwrap_err().code();
        assert_eq!(code("v3", &[("v1", 1), ("v2", 1)]), "FSS.1091");
        assert_eq!(code("latest", &[("latest", 10)]), "FSS.1093");
        assert_eq!(code("v1", &[("latest", 10)]), "FSS.1091");
        assert_eq!(code("v1", &[("9x", 10)]), "FSS.1091");
        assert_eq!(code("v1", &[("v2", -1)]), "FSS.1092");
        assert_eq!(code("v1", &[("v2", 101)]), "FSS.1092");
        assert_eq!(code("v1", &[("v1", 10)]), "FSS.1093");
    }
}
