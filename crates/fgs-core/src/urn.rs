//! Function URNs (seed §1.6.1).
//!
//! ```text
//! urn:fss:<region_id>:<project_id>:function:<package>:<function_name>[:<version>|:!<alias>]
//! ```
//!
//! Wherever the API takes a `function_urn`, the seed also accepts short forms of 1, 2, 3 and 4
//! colon-separated fields, filling in the project from the caller, `default` as the package
//! and `latest` as the version. [`FunctionUrn::parse`] accepts every form and remembers which
//! one it saw, so that printing a parsed URN gives back the same text; [`FunctionUrn::full`]
//! and [`FunctionUrn::unqualified`] print the canonical 8- and 7-field forms.
//!
//! ```
//! use fgs_core::urn::{FunctionUrn, Qualifier, UrnDefaults};
//! let defaults = UrnDefaults::new("cn-north-4", "0123456789abcdef0123456789abcdef");
//! let urn = FunctionUrn::parse("hello", &defaults)?;
//! assert_eq!(urn.package(), "default");
//! assert_eq!(urn.effective_qualifier(), &Qualifier::Latest);
//! assert_eq!(
//!     urn.full(),
//!     "urn:fss:cn-north-4:0123456789abcdef0123456789abcdef:function:default:hello:latest"
//! );
//! let alias = FunctionUrn::parse("0123456789abcdef0123456789abcdef:default:hello:!prod", &defaults)?;
//! assert_eq!(alias.qualifier(), Some(&Qualifier::Alias("prod".into())));
//! assert_eq!(alias.to_string(), "0123456789abcdef0123456789abcdef:default:hello:!prod");
//! # Ok::<(), fgs_core::Error>(())
//! ```

use std::fmt;

use crate::error::{ErrorKind, Result};

/// The longest `function_urn` the API accepts (seed §5.1.3: length 1..269).
pub const MAX_URN_LEN: usize = 269;

/// The package a short URN without one lives in (seed §1.6.1).
pub const DEFAULT_PACKAGE: &str = "default";

/// The name of the working head of a function.
pub const LATEST: &str = "latest";

/// What the caller supplies for the parts a short URN leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrnDefaults {
    /// The region id printed in full URNs (configurable; the seed says "set as in the backend").
    pub region: String,
    /// The project id of the caller (the token's project, in the real service).
    pub project_id: String,
}

impl UrnDefaults {
    /// Defaults with the given region and project id.
    pub fn new(region: impl Into<String>, project_id: impl Into<String>) -> Self {
        UrnDefaults {
            region: region.into(),
            project_id: project_id.into(),
        }
    }
}

/// The 8th field of a URN: which version of the function it names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Qualifier {
    /// `latest`, the working head.
    Latest,
    /// A published version, e.g. `v20240101-120000` or a caller-given name.
    Version(String),
    /// An alias, written `!name` in a URN.
    Alias(String),
}

impl Qualifier {
    /// Parses an 8th field: `latest`, `!alias` or a version name.
    pub fn parse(field: &str) -> Result<Qualifier> {
        if field.is_empty() {
            return Err(ErrorKind::InvalidFunctionUrn.with("the version or alias field is empty"));
        }
        if let Some(alias) = field.strip_prefix('!') {
            if !valid_qualifier_name(alias) {
                return Err(ErrorKind::InvalidFunctionUrn.with(format!(
                    "alias '{alias}' is not a valid alias name in a function URN"
                )));
            }
            return Ok(Qualifier::Alias(alias.to_owned()));
        }
        if field == LATEST {
            return Ok(Qualifier::Latest);
        }
        if !valid_qualifier_name(field) {
            return Err(ErrorKind::InvalidFunctionUrn.with(format!(
                "'{field}' is not a valid version in a function URN"
            )));
        }
        Ok(Qualifier::Version(field.to_owned()))
    }

    /// The name of the version or alias (`latest` for [`Qualifier::Latest`]).
    pub fn name(&self) -> &str {
        match self {
            Qualifier::Latest => LATEST,
            Qualifier::Version(v) => v,
            Qualifier::Alias(a) => a,
        }
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Qualifier::Alias(a) => write!(f, "!{a}"),
            other => f.write_str(other.name()),
        }
    }
}

/// Version and alias names in URNs: letters, digits, `-`, `_` and `.`, 1..128 characters.
fn valid_qualifier_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Project ids, package and function names inside a URN: non-empty, no whitespace, no `:`.
fn valid_segment(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Which written form a URN was parsed from (the number of colon-separated fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UrnForm {
    /// `<function_name>`
    Name,
    /// `<package>:<function_name>`
    PackageName,
    /// `<project_id>:<package>:<function_name>`
    ProjectPackageName,
    /// `<project_id>:<package>:<function_name>:<version or alias>`
    ProjectPackageNameQualifier,
    /// `urn:fss:<region>:<project_id>:function:<package>:<function_name>`
    Unqualified,
    /// `urn:fss:<region>:<project_id>:function:<package>:<function_name>:<version or alias>`
    Full,
}

/// A parsed function URN in any of the seed's forms.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FunctionUrn {
    region: String,
    project_id: String,
    package: String,
    name: String,
    qualifier: Option<Qualifier>,
    form: UrnForm,
}

impl FunctionUrn {
    /// A URN naming `package`/`name` in the given region and project, with an optional
    /// qualifier (none means the unqualified, 7-field form).
    pub fn new(
        defaults: &UrnDefaults,
        package: impl Into<String>,
        name: impl Into<String>,
        qualifier: Option<Qualifier>,
    ) -> Self {
        let form = if qualifier.is_some() {
            UrnForm::Full
        } else {
            UrnForm::Unqualified
        };
        FunctionUrn {
            region: defaults.region.clone(),
            project_id: defaults.project_id.clone(),
            package: package.into(),
            name: name.into(),
            qualifier,
            form,
        }
    }

    /// Parses `text` in any of the seed's forms (1, 2, 3, 4, 7 or 8 fields), filling in the
    /// parts a short form leaves out from `defaults`. Anything else is `FSS.1309`.
    pub fn parse(text: &str, defaults: &UrnDefaults) -> Result<Self> {
        if text.is_empty() || text.len() > MAX_URN_LEN {
            return Err(ErrorKind::InvalidFunctionUrn.with(format!(
                "a function URN has 1 to {MAX_URN_LEN} characters, got {}",
                text.len()
            )));
        }
        let fields: Vec<&str> = text.split(':').collect();
        let bad = |why: &str| ErrorKind::InvalidFunctionUrn.with(format!("'{text}': {why}"));
        let (region, project, package, name, qualifier, form) = match fields.as_slice() {
            [name] => (None, None, None, *name, None, UrnForm::Name),
            [package, name] => (
                None,
                None,
                Some(*package),
                *name,
                None,
                UrnForm::PackageName,
            ),
            [project, package, name] => (
                None,
                Some(*project),
                Some(*package),
                *name,
                None,
                UrnForm::ProjectPackageName,
            ),
            [project, package, name, q] => (
                None,
                Some(*project),
                Some(*package),
                *name,
                Some(*q),
                UrnForm::ProjectPackageNameQualifier,
            ),
            ["urn", "fss", region, project, "function", package, name] => (
                Some(*region),
                Some(*project),
                Some(*package),
                *name,
                None,
                UrnForm::Unqualified,
            ),
            ["urn", "fss", region, project, "function", package, name, q] => (
                Some(*region),
                Some(*project),
                Some(*package),
                *name,
                Some(*q),
                UrnForm::Full,
            ),
            [_, _, _, _, _, _, _] | [_, _, _, _, _, _, _, _] => {
                return Err(bad(
                    "a 7- or 8-field URN starts with 'urn:fss:' and has 'function' as its 5th field",
                ));
            }
            _ => {
                return Err(bad(&format!(
                    "{} colon-separated fields; a function URN has 1, 2, 3, 4, 7 or 8",
                    fields.len()
                )));
            }
        };
        for (what, value) in [
            ("region", region),
            ("project id", project),
            ("package", package),
        ] {
            if value.is_some_and(|v| !valid_segment(v)) {
                return Err(bad(&format!("invalid {what} field")));
            }
        }
        if !valid_segment(name) {
            return Err(bad("invalid function name field"));
        }
        let qualifier = qualifier.map(Qualifier::parse).transpose()?;
        Ok(FunctionUrn {
            region: region.unwrap_or(&defaults.region).to_owned(),
            project_id: project.unwrap_or(&defaults.project_id).to_owned(),
            package: package.unwrap_or(DEFAULT_PACKAGE).to_owned(),
            name: name.to_owned(),
            qualifier,
            form,
        })
    }

    /// The region id.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The project id.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// The package (app) the function belongs to.
    pub fn package(&self) -> &str {
        &self.package
    }

    /// The function name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The qualifier written in the URN, if any.
    pub fn qualifier(&self) -> Option<&Qualifier> {
        self.qualifier.as_ref()
    }

    /// The qualifier the URN means: the written one, or `latest` when none is written.
    pub fn effective_qualifier(&self) -> &Qualifier {
        self.qualifier.as_ref().unwrap_or(&Qualifier::Latest)
    }

    /// The form the URN was parsed from.
    pub fn form(&self) -> UrnForm {
        self.form
    }

    /// The same function with another qualifier (the form becomes [`UrnForm::Full`], or
    /// [`UrnForm::Unqualified`] for `None`).
    pub fn with_qualifier(&self, qualifier: Option<Qualifier>) -> Self {
        let form = if qualifier.is_some() {
            UrnForm::Full
        } else {
            UrnForm::Unqualified
        };
        FunctionUrn {
            qualifier,
            form,
            ..self.clone()
        }
    }

    /// The canonical 8-field URN with the effective qualifier
    /// (`urn:fss:<region>:<project>:function:<package>:<name>:<qualifier>`).
    pub fn full(&self) -> String {
        format!("{}:{}", self.unqualified(), self.effective_qualifier())
    }

    /// The canonical 7-field URN without qualifier.
    pub fn unqualified(&self) -> String {
        format!(
            "urn:fss:{}:{}:function:{}:{}",
            self.region, self.project_id, self.package, self.name
        )
    }
}

impl fmt::Display for FunctionUrn {
    /// Prints the URN in the form it was parsed from.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = self.effective_qualifier();
        match self.form {
            UrnForm::Name => f.write_str(&self.name),
            UrnForm::PackageName => write!(f, "{}:{}", self.package, self.name),
            UrnForm::ProjectPackageName => {
                write!(f, "{}:{}:{}", self.project_id, self.package, self.name)
            }
            UrnForm::ProjectPackageNameQualifier => {
                write!(f, "{}:{}:{}:{q}", self.project_id, self.package, self.name)
            }
            UrnForm::Unqualified => f.write_str(&self.unqualified()),
            UrnForm::Full => f.write_str(&self.full()),
        }
    }
}
