//! Published versions (seed §5.7.6, §5.7.7): the request and response types and the pure
//! validation rules of publishing and listing.
//!
//! Rules the emulator applies (seed §5.7.7 and the §7.2 table; DECISIONS "Publish"):
//!
//! * A version name ([`validate_version_name`]) has 1 to [`MAX_VERSION_NAME_LEN`] characters,
//!   starts with a letter, ends with a letter or digit, and holds only letters, digits, `-`,
//!   `_` and `.`; `latest` (any case) is reserved. Anything else is 400 `FSS.1015`. The
//!   generated name is `vYYYYMMDD-HHMMSS` in the emulator's UTC offset.
//! * A version description has at most [`MAX_DESCRIPTION_LEN`] characters (400 `FSS.1019`).
//! * Version lists ([`ListVersionsQuery::page`]) follow the function-list paging rules of
//!   §5.6.1: `marker` is a zero-based offset (default 0); the page size `maxitems` (or the
//!   seed's spelling `maxitens`; `maxitems` wins when both are given) that is missing, 0 or
//!   above [`MAX_PAGE_SIZE`] becomes [`MAX_PAGE_SIZE`]; a marker or size that is negative or not
//!   an integer is 400 `FSS.1001`.
//!
//! ```
//! use fgs_core::version::{ListVersionsQuery, validate_version_name};
//! assert!(validate_version_name("v1.0").is_ok());
//! assert_eq!(validate_version_name("latest").unwrap_err().code(), "FSS.1015");
//! let q = ListVersionsQuery { marker: Some("2".into()), maxitens: Some("5".into()), ..Default::default() };
//! assert_eq!(q.page()?, (2, 5));
//! # Ok::<(), fgs_core::Error>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, Result};
use crate::function::{FuncCode, FunctionConfig};

/// The longest version name (emulator default, from the platform's public docs).
pub const MAX_VERSION_NAME_LEN: usize = 42;

/// The longest version or alias description, in characters (seed §7.2 FSS.1019).
pub const MAX_DESCRIPTION_LEN: usize = 512;

/// The largest (and default) page of a version list (as the function list, seed §5.6.1).
pub const MAX_PAGE_SIZE: usize = 400;

/// The body of publish version (seed §5.7.7); every field is optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PublishVersionRequest {
    /// The code digest the caller expects `latest` to have (a guard): when given and not
    /// empty, it must equal `latest`'s SHA-512 `digest`, else 428 `FSS.0428`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// The version name; generated as `vYYYYMMDD-HHMMSS` when absent or empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Version description, at most 512 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The response of publish version (seed §5.7.7): the version's function object (with
/// `version`, `version_description`, `last_modified_utc` and the 7-field `func_urn` of the
/// seed's example) plus the example's empty `func_code` object.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PublishedVersion {
    /// The published version's configuration.
    #[serde(flatten)]
    pub config: FunctionConfig,
    /// Always `{}` (the seed's example; the code is fetched with GET code).
    pub func_code: FuncCode,
}

/// The query of list versions (seed §5.7.6). Values are strings, as the seed types them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListVersionsQuery {
    /// Zero-based position to start from: the `next_marker` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// Page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maxitems: Option<String>,
    /// Page size, the seed's spelling (§5.7.6); used when `maxitems` is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maxitens: Option<String>,
}

impl ListVersionsQuery {
    /// The validated `(offset, page size)`; see the module docs for the rules.
    pub fn page(&self) -> Result<(usize, usize)> {
        let marker = match self.marker.as_deref().map(str::trim) {
            None | Some("") => 0,
            Some(m) => parse_non_negative("marker", m)?,
        };
        let (field, size) = match (&self.maxitems, &self.maxitens) {
            (Some(s), _) => ("maxitems", s.as_str()),
            (None, Some(s)) => ("maxitens", s.as_str()),
            (None, None) => ("maxitems", ""),
        };
        let size = match size.trim() {
            "" => MAX_PAGE_SIZE,
            s => match parse_non_negative(field, s)? {
                0 => MAX_PAGE_SIZE,
                n => n.min(MAX_PAGE_SIZE),
            },
        };
        Ok((marker, size))
    }
}

fn parse_non_negative(field: &str, value: &str) -> Result<usize> {
    let n: i64 = value.parse().map_err(|_| {
        ErrorKind::InvalidQueryParameter.with(format!("{field} '{value}' is not an integer"))
    })?;
    usize::try_from(n).map_err(|_| {
        ErrorKind::InvalidQueryParameter.with(format!("{field} {n} must not be negative"))
    })
}

/// The response of list versions (seed §5.7.6): `latest` first, then the published
/// versions in publication order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ListVersionsResponse {
    /// This page of versions (each with the 7-field `func_urn` of the seed's example).
    pub versions: Vec<FunctionConfig>,
    /// The marker of the next page (equal to `count` when the list is exhausted).
    pub next_marker: u64,
    /// The number of versions, `latest` included.
    pub count: u64,
}

/// Checks a caller-given version name (400 `FSS.1015`); see the module docs.
pub fn validate_version_name(name: &str) -> Result<()> {
    let bad = |why: &str| ErrorKind::InvalidVersion.with(format!("version '{name}' {why}"));
    if name.is_empty() || name.chars().count() > MAX_VERSION_NAME_LEN {
        return Err(bad(&format!(
            "must have 1 to {MAX_VERSION_NAME_LEN} characters"
        )));
    }
    if name.eq_ignore_ascii_case(crate::urn::LATEST) {
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
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(bad("may hold only letters, digits, '-', '_' and '.'"));
    }
    Ok(())
}

/// Checks a version or alias description: at most 512 characters (400 `FSS.1019`).
pub fn validate_description(what: &str, description: &str) -> Result<()> {
    let len = description.chars().count();
    if len > MAX_DESCRIPTION_LEN {
        return Err(ErrorKind::DescriptionTooLong.with(format!(
            "{what} description has {len} characters, at most {MAX_DESCRIPTION_LEN} are allowed"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_names() {
        for ok in ["v1", "v1.0", "prod_2", "a", "V-20240101-120000"] {
            assert!(validate_version_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1v",
            "v1-",
            "LATEST",
            "latest",
            "v 1",
            "v:1",
            "v!1",
            &"a".repeat(43),
        ] {
            assert_eq!(validate_version_name(bad).unwrap_err().code(), "FSS.1015");
        }
    }

    #[test]
    fn paging_rules() {
        let q = |m: Option<&str>, a: Option<&str>, b: Option<&str>| ListVersionsQuery {
            marker: m.map(Into::into),
            maxitems: a.map(Into::into),
            maxitens: b.map(Into::into),
        };
        assert_eq!(q(None, None, None).page().unwrap(), (0, 400));
        assert_eq!(q(Some("3"), Some("0"), None).page().unwrap(), (3, 400));
        assert_eq!(q(None, Some("401"), None).page().unwrap(), (0, 400));
        assert_eq!(q(None, Some("2"), Some("7")).page().unwrap(), (0, 2));
        assert_eq!(q(None, None, Some("7")).page().unwrap(), (0, 7));
        for bad in [
            q(Some("-1"), None, None),
            q(Some("x"), None, None),
            q(None, Some("-1"), None),
            q(None, None, Some("ten")),
        ] {
            assert_eq!(bad.page().unwrap_err().code(), "FSS.1001");
        }
    }
}
