//! Reserved-instance configuration (seed §5.10).

/// Reserved-instance settings of one function qualifier.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct ReservedConfig {
    /// Number of reserved instances.
    pub count: u32,
}
