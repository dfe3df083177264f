//! Aliases (seed §5.7.1-§5.7.5).

/// An alias of a function version.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Alias {
    /// Alias name.
    pub name: String,
    /// The version it points to.
    pub version: String,
}
