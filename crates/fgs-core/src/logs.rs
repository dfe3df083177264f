//! Function logs in LTS (seed §5.9): log group and stream ids.
//!
//! `POST .../functions/enable-lts-logs` (§5.9.2) is tenant-wide and bodyless: it creates one
//! log group for the project ([`LtsGroup`]) and one log stream per function, whose ids GET
//! config shows as `log_group_id` / `log_stream_id` and `GET .../lts-log-detail` (§5.9.1)
//! returns as [`LtsLogDetail`]. Calling it again changes nothing that exists (idempotent)
//! and gives a stream to functions created since.

use serde::{Deserialize, Serialize};

/// The project's LTS log group, created by the first `enable-lts-logs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LtsGroup {
    /// Log group id (a UUID from the emulator's seeded randomness).
    pub group_id: String,
    /// Log group name, `functiongraph.log.group.<first 8 characters of the project id>`.
    pub group_name: String,
}

impl LtsGroup {
    /// The group name of a project.
    pub fn name_for(project_id: &str) -> String {
        let short: String = project_id.chars().take(8).collect();
        format!("functiongraph.log.group.{short}")
    }

    /// The log stream name of a function: `<package>-<func_name>`, the form of the Cloud Eye
    /// `package-functionname` dimension (seed §7.4).
    pub fn stream_name_for(package: &str, func_name: &str) -> String {
        format!("{package}-{func_name}")
    }
}

/// The §5.9.1 response (seed Table 5-319).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LtsLogDetail {
    /// Log group name.
    pub group_name: String,
    /// Log group id.
    pub group_id: String,
    /// Log stream id.
    pub stream_id: String,
    /// Log stream name.
    pub stream_name: String,
}
