//! Test events (seed §5.4).

/// A stored test event.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct TestEvent {
    /// Event id.
    pub id: String,
}
