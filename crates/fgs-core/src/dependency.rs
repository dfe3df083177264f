//! Dependencies (seed §5.3).

/// A dependency package (seed §5.3.2 response).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Dependency {
    /// Dependency id.
    pub id: String,
}
