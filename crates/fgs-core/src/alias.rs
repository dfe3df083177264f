//! Aliases (seed §5.7.1-§5.7.5).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An alias of a function version (seed `ListVersionAliasResult`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Alias {
    /// Alias name.
    pub name: String,
    /// The major version it points to (`latest` or a published version).
    pub version: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Last update, RFC 3339 with offset.
    pub last_modified: String,
    /// The alias URN, `...:function:<package>:<name>:!<alias>`.
    pub alias_urn: String,
    /// Gray release: additional version -> weight (0..100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_version_weights: Option<BTreeMap<String, i64>>,
}

/// The body of create alias (seed §5.7.2).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateAliasRequest {
    /// Alias name.
    pub name: String,
    /// The major version.
    pub version: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Gray release weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_version_weights: Option<BTreeMap<String, i64>>,
}
