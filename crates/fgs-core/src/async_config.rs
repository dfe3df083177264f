//! Async-invocation configuration per version (seed §5.13.1-§5.13.4).

/// The async-notification config of one function qualifier.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct AsyncConfig {
    /// Maximum event age in seconds.
    pub max_async_event_age_in_seconds: u32,
}
