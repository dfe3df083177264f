//! Triggers (seed §1.6.2, §5.12): the model, each type's event_data validation and defaults.

/// A trigger instance (seed Table 1-10).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Trigger {
    /// Trigger id.
    pub trigger_id: String,
}
