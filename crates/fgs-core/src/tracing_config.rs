//! Tracing configuration (seed §5.5).

/// APM AK/SK of a function.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct TracingConfig {
    /// APM access key.
    pub tracing_ak: String,
}
