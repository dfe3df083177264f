//! Published versions (seed §5.7.6, §5.7.7).

use serde::{Deserialize, Serialize};

/// The body of publish version (seed §5.7.7); every field is optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PublishVersionRequest {
    /// The code digest the caller expects `latest` to have (a guard).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// The version name; generated as `vYYYYMMDD-HHMMSS` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Version description, at most 512 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}
