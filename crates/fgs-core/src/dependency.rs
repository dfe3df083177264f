//! Dependencies (seed §5.3): the request and response types, their validation, and the ZIP
//! package checks. Pure: reading a `depend_link` from disk is done by `fgs-runtime`.
//!
//! Rulings where the seed is silent (DECISIONS "Lists and other endpoints", digest A21-A23):
//! - `depend_type` other than `zip` or `obs` (or missing) is 400 FSS.1032.
//! - `runtime` missing or outside the 16-value list [`crate::runtime::DEPENDENCY_RUNTIMES`]
//!   (so `Custom` is refused) is 400 FSS.1005, the specific "Invalid runtime" code.
//! - A `name` that breaks the §5.3.2 rules, a missing package, a package that is not Base64
//!   or not a valid ZIP, or holds a hostile entry (a path escaping its root, absolute, with a
//!   backslash or empty; a symbolic link; a duplicate) is 400 FSS.1024. The package is read
//!   by the one ZIP reader of function code, [`crate::code::read_zip`].
//! - `description` over 512 characters is 400 FSS.1019; a package over
//!   `Limits::max_code_package_size`, or unpacking to more than 50 MB (a ZIP bomb, even one
//!   whose headers lie), is 400 FSS.1023.
//! - Names are unique per project: creating (or renaming to) a name that another dependency
//!   has is 409 FSS.1065 (FSS.1031 means the same and is not used). `version` is the
//!   revision of one dependency: 1 at create, +1 on every update.
//!
//! ```
//! use fgs_core::dependency::DependencyRequest;
//! let req: DependencyRequest = serde_json::from_str(
//!     r#"{"depend_file":"xxx","depend_type":"zip","runtime":"Node.js8.10","name":"xxx"}"#,
//! )?;
//! assert_eq!(req.validate()?.name, "xxx");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::code::{ZipRules, read_zip};
use std::sync::Arc;

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

use crate::function::FunctionDependency;
use crate::{ErrorKind, Result};

/// Maximum length of a dependency name (seed §5.3.2).
pub const MAX_NAME_LEN: usize = 96;
/// Maximum length of a dependency description in characters (seed §5.3.2, FSS.1019).
pub const MAX_DESCRIPTION_LEN: usize = 512;
/// Maximum number of dependencies one function may name in `depend_list` (seed §4.4 console:
/// "max. dependencies: 20"); more is FSS.1024.
pub const MAX_DEPENDENCIES_PER_FUNCTION: usize = 20;
/// The `owner` of a public dependency (seed Table 5-41). The emulator creates only private
/// dependencies, owned by its domain id.
pub const PUBLIC_OWNER: &str = "public";
/// The read-only directory in which a guest finds the files of its function's dependencies:
/// the ZIP contents of every dependency in `depend_list`, unpacked in list order (a later
/// dependency's file replaces an earlier one's at the same path).
pub const DEPENDENCY_MOUNT_DIR: &str = "/opt/function/deps";

/// The body of create (§5.3.2) and update (§5.3.5) dependency. Every field is optional in the
/// type so that a missing required field reaches validation and gets its FSS code.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DependencyRequest {
    /// Import mode, `zip` or `obs` (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depend_type: Option<String>,
    /// The ZIP package, Base64 (required when `depend_type` is `zip`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depend_file: Option<String>,
    /// Where the package is, for `obs`. The emulator reads it from disk: a local path or a
    /// `file://` URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depend_link: Option<String>,
    /// Runtime, one of the 16 values of §5.3.2 (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    /// Name: at most 96 characters, starts with a letter, ends with a letter or digit,
    /// `[A-Za-z0-9_.-]` only (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description, at most 512 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The body of create dependency (§5.3.2).
pub type CreateDependencyRequest = DependencyRequest;
/// The body of update dependency (§5.3.5), identical to create.
pub type UpdateDependencyRequest = DependencyRequest;

/// Where a validated request's package comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DependencySource {
    /// `depend_type: zip`: the Base64 `depend_file`.
    Zip(String),
    /// `depend_type: obs`: the `depend_link`.
    Obs(String),
}

/// A [`DependencyRequest`] whose fields passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatedDependency {
    /// The package source.
    pub source: DependencySource,
    /// Runtime.
    pub runtime: String,
    /// Name.
    pub name: String,
    /// Description, if given.
    pub description: Option<String>,
}

impl DependencyRequest {
    /// Checks every field rule of §5.3.2 that needs no package bytes, in this order:
    /// `depend_type` (FSS.1032), `name` (FSS.1024), `runtime` (FSS.1005), `description`
    /// (FSS.1019), and the presence of `depend_file` / `depend_link` (FSS.1024).
    pub fn validate(&self) -> Result<ValidatedDependency> {
        let depend_type = self.depend_type.as_deref().unwrap_or("");
        if depend_type != "zip" && depend_type != "obs" {
            return Err(ErrorKind::InvalidDependencyType.with(format!(
                "depend_type '{depend_type}' is invalid: it must be 'zip' or 'obs'"
            )));
        }
        let name = self.name.as_deref().unwrap_or("");
        check_name(name)?;
        let runtime = self.runtime.as_deref().unwrap_or("");
        if !crate::runtime::is_dependency_runtime(runtime) {
            return Err(ErrorKind::InvalidRuntime.with(format!(
                "dependency runtime '{runtime}' is not one of {}",
                crate::runtime::DEPENDENCY_RUNTIMES.join(", ")
            )));
        }
        if let Some(d) = &self.description {
            let len = d.chars().count();
            if len > MAX_DESCRIPTION_LEN {
                return Err(ErrorKind::DescriptionTooLong.with(format!(
                    "dependency description has {len} characters, more than {MAX_DESCRIPTION_LEN}"
                )));
            }
        }
        let source = if depend_type == "zip" {
            match self.depend_file.as_deref() {
                Some(f) if !f.is_empty() => DependencySource::Zip(f.to_owned()),
                _ => {
                    return Err(ErrorKind::InvalidDependency
                        .with("depend_file is required when depend_type is 'zip'"));
                }
            }
        } else {
            match self.depend_link.as_deref() {
                Some(l) if !l.is_empty() => DependencySource::Obs(l.to_owned()),
                _ => {
                    return Err(ErrorKind::InvalidDependency
                        .with("depend_link is required when depend_type is 'obs'"));
                }
            }
        };
        Ok(ValidatedDependency {
            source,
            runtime: runtime.to_owned(),
            name: name.to_owned(),
            description: self.description.clone(),
        })
    }
}

/// Checks a dependency name against §5.3.2: 1..=96 characters, first a letter, last a letter
/// or digit, only letters, digits, `_`, `.` and `-` (FSS.1024).
pub fn check_name(name: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(ErrorKind::InvalidDependency
            .with(format!("dependency name '{name}' is invalid: {why}")))
    };
    if name.is_empty() {
        return bad("it is required");
    }
    if name.chars().count() > MAX_NAME_LEN {
        return bad("it is longer than 96 characters");
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return bad("it must start with a letter");
    }
    if !name.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        return bad("it must end with a letter or digit");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        return bad("only letters, digits, '_', '.' and '-' are allowed");
    }
    Ok(())
}

/// Decodes a Base64 `depend_file` (FSS.1024 if it is not Base64).
pub fn decode_depend_file(file: &str) -> Result<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(file.trim())
        .map_err(|e| ErrorKind::InvalidDependency.with(format!("depend_file is not Base64: {e}")))
}

/// Checks that `bytes` is a ZIP archive [`crate::code::read_zip`] accepts under
/// [`ZipRules::dependency`]: FSS.1023 when it unpacks past 50 MB (whatever its headers say),
/// FSS.1024 when it is not a ZIP or an entry is hostile (a path escaping the root, absolute,
/// with a backslash or empty; a symbolic link; a duplicate).
pub fn check_zip(bytes: &[u8]) -> Result<()> {
    read_zip(bytes, &ZipRules::dependency()).map(|_| ())
}

/// The files of a ZIP package, as (relative path, content), directories left out, in archive
/// order, read under the rules of [`check_zip`].
pub fn unpack_zip(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>> {
    read_zip(bytes, &ZipRules::dependency())
}

/// MD5 of `bytes`, 32 lower-case hex characters (the `etag` of seed §1.6.1 Table 1-5).
///
/// ```
/// assert_eq!(fgs_core::dependency::md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
/// ```
pub fn md5_hex(bytes: &[u8]) -> String {
    hex::encode(Md5::digest(bytes))
}

/// The dependency object of §5.3.2 / §5.3.4 (and a list item of §5.3.1).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DependencyInfo {
    /// Dependency id (a UUID).
    pub id: String,
    /// Owner: the domain id, or `public`.
    pub owner: String,
    /// URL of the package: the `depend_link` for `obs`, an emulator URL
    /// `https://fgs-local.obs.<region>.local/depends/<owner>/<id>.zip` for `zip`.
    pub link: String,
    /// Runtime.
    pub runtime: String,
    /// MD5 of the package, hex.
    pub etag: String,
    /// Package size in bytes.
    pub size: u64,
    /// Name.
    pub name: String,
    /// Description, omitted when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `<name>.zip`.
    pub file_name: String,
    /// Revision: 1 at create, +1 on every update.
    pub version: i64,
    /// Last update, epoch seconds (DECISIONS "Time fields").
    pub last_modified: i64,
}

impl DependencyInfo {
    /// The object a function embeds in `dependencies` (seed Table 1-5).
    pub fn to_function_dependency(&self) -> FunctionDependency {
        FunctionDependency {
            id: Some(self.id.clone()),
            owner: self.owner.clone(),
            link: self.link.clone(),
            runtime: self.runtime.clone(),
            etag: self.etag.clone(),
            size: self.size,
            name: self.name.clone(),
            description: self.description.clone().unwrap_or_default(),
            file_name: self.file_name.clone(),
        }
    }
}

/// A stored dependency: its [`DependencyInfo`] and its package bytes. Serializes as the
/// info alone (the bytes are skipped).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Dependency {
    /// What the API returns.
    #[serde(flatten)]
    pub info: DependencyInfo,
    /// The ZIP package.
    #[serde(skip)]
    pub package: Arc<Vec<u8>>,
    /// Creation order, for stable list paging.
    #[serde(skip)]
    pub seq: u64,
}

/// The response of update dependency (§5.3.5, Table 5-72): the dependency object without
/// `version` and `last_modified`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpdateDependencyResponse {
    /// Dependency id.
    pub id: String,
    /// Owner.
    pub owner: String,
    /// URL of the package.
    pub link: String,
    /// Runtime.
    pub runtime: String,
    /// MD5 of the package.
    pub etag: String,
    /// Size in bytes.
    pub size: u64,
    /// Name.
    pub name: String,
    /// Description, omitted when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `<name>.zip`.
    pub file_name: String,
}

impl From<DependencyInfo> for UpdateDependencyResponse {
    fn from(d: DependencyInfo) -> Self {
        UpdateDependencyResponse {
            id: d.id,
            owner: d.owner,
            link: d.link,
            runtime: d.runtime,
            etag: d.etag,
            size: d.size,
            name: d.name,
            description: d.description,
            file_name: d.file_name,
        }
    }
}

/// Query parameters of list dependencies (§5.3.1). All are strings as in the seed (A3), so
/// that a non-number reaches validation (400 FSS.1001).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListDependenciesQuery {
    /// Zero-based offset of the first item (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// Page size; wins over `limit` when both are given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maxitems: Option<String>,
    /// `true`: public dependencies only; `false`: private ones only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ispublic: Option<String>,
    /// `public`, `private` or `all` (default `all`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependency_type: Option<String>,
    /// Exact runtime (one of the 17 function runtime values).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    /// Keeps dependencies whose name contains this text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Page size (default 400).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

/// The response of list dependencies (§5.3.1).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListDependenciesResponse {
    /// The page.
    pub dependencies: Vec<DependencyInfo>,
    /// Offset of the next page; equals `count` when the list is exhausted.
    pub next_marker: i64,
    /// Number of dependencies that match the filters.
    pub count: i64,
}

/// The default and largest page size of list dependencies (§5.3.1 `limit` default 400).
pub const MAX_PAGE_SIZE: usize = 400;

/// A resolved [`ListDependenciesQuery`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencyFilter {
    /// Zero-based offset of the first item.
    pub offset: usize,
    /// Page size, 1..=400.
    pub page_size: usize,
    /// `Some(true)`: public only; `Some(false)`: private only; `None`: all.
    pub public: Option<bool>,
    /// A second public/private filter from `dependency_type` (both must hold).
    pub dependency_type: Option<bool>,
    /// Exact runtime.
    pub runtime: Option<String>,
    /// Name substring.
    pub name: Option<String>,
}

impl DependencyFilter {
    /// Whether `d` passes every filter.
    pub fn matches(&self, d: &DependencyInfo) -> bool {
        let public = d.owner == PUBLIC_OWNER;
        self.public.is_none_or(|p| p == public)
            && self.dependency_type.is_none_or(|p| p == public)
            && self.runtime.as_ref().is_none_or(|r| &d.runtime == r)
            && self
                .name
                .as_ref()
                .is_none_or(|n| d.name.contains(n.as_str()))
    }
}

impl ListDependenciesQuery {
    /// Resolves the query (§5.3.1). Empty values count as absent. `marker`: a zero-based
    /// offset, default 0. Page size: `maxitems`, else `limit`; missing, 0 or above 400 means
    /// 400. `ispublic`: `true` or `false`; `dependency_type`: `public`, `private` or `all`;
    /// `runtime`: one of the 17 function runtimes. Anything else (a negative or non-numeric
    /// number, an unknown enum value) is 400 FSS.1001 (A23: the seed lists no 400 here, but
    /// an emulator must not guess).
    pub fn resolve(&self) -> Result<DependencyFilter> {
        fn present(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        let number = |what: &str, v: &str| -> Result<usize> {
            v.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
                .ok_or_else(|| {
                    ErrorKind::InvalidQueryParameter
                        .with(format!("{what} '{v}' must be a non-negative integer"))
                })
        };
        let offset = match present(&self.marker) {
            Some(m) => number("marker", m)?,
            None => 0,
        };
        let page_size = match present(&self.maxitems)
            .map(|v| ("maxitems", v))
            .or_else(|| present(&self.limit).map(|v| ("limit", v)))
        {
            Some((what, v)) => match number(what, v)? {
                0 => MAX_PAGE_SIZE,
                n => n.min(MAX_PAGE_SIZE),
            },
            None => MAX_PAGE_SIZE,
        };
        let public = match present(&self.ispublic) {
            None => None,
            Some(v) if v.eq_ignore_ascii_case("true") => Some(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Some(false),
            Some(v) => {
                return Err(ErrorKind::InvalidQueryParameter
                    .with(format!("ispublic '{v}' must be 'true' or 'false'")));
            }
        };
        let dependency_type = match present(&self.dependency_type) {
            None | Some("all") => None,
            Some("public") => Some(true),
            Some("private") => Some(false),
            Some(v) => {
                return Err(ErrorKind::InvalidQueryParameter.with(format!(
                    "dependency_type '{v}' must be 'public', 'private' or 'all'"
                )));
            }
        };
        let runtime = match present(&self.runtime) {
            None => None,
            Some(r) if crate::runtime::is_function_runtime(r) => Some(r.to_owned()),
            Some(r) => {
                return Err(ErrorKind::InvalidQueryParameter
                    .with(format!("runtime '{r}' is not a known runtime")));
            }
        };
        Ok(DependencyFilter {
            offset,
            page_size,
            public,
            dependency_type,
            runtime,
            name: present(&self.name).map(str::to_owned),
        })
    }
}
