//! Tracing configuration (seed §5.5): the APM AK/SK of a function.
//!
//! Rulings (DECISIONS "Lists and other endpoints", "Errors"; digest A27):
//! - GET before any AK/SK is set is 404 FSS.0404; GET returns the SK masked as `*****`.
//! - PUT with both values empty or missing disables tracing (GET is 404 again); with both
//!   set it enables or changes it; with only one of them set it is 400 FSS.0400.
//! - PUT on a missing function is 400 FSS.1128 (§5.5.2); GET on a missing function is
//!   404 FSS.1051.
//!
//! ```
//! use fgs_core::tracing_config::{TracingConfig, UpdateTracingRequest};
//! let req: UpdateTracingRequest =
//!     serde_json::from_str(r#"{"tracing_ak":"xxx","tracing_sk":"yyy"}"#)?;
//! let cfg = req.resolve()?.unwrap();
//! assert_eq!(cfg.masked(), TracingConfig { tracing_ak: "xxx".into(), tracing_sk: "*****".into() });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::{ErrorKind, Result};

/// What GET shows in place of the SK (§5.5.1 example).
pub const MASKED_SK: &str = "*****";

/// APM AK/SK of a function; the GET response (§5.5.1) with the SK masked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TracingConfig {
    /// APM access key.
    pub tracing_ak: String,
    /// APM secret key (`*****` in responses).
    pub tracing_sk: String,
}

impl TracingConfig {
    /// The same configuration with the SK replaced by [`MASKED_SK`].
    pub fn masked(&self) -> TracingConfig {
        TracingConfig {
            tracing_ak: self.tracing_ak.clone(),
            tracing_sk: MASKED_SK.to_owned(),
        }
    }
}

/// The body of modify tracing (§5.5.2).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpdateTracingRequest {
    /// APM access key; empty or missing (with the SK) disables tracing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracing_ak: Option<String>,
    /// APM secret key; empty or missing (with the AK) disables tracing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracing_sk: Option<String>,
}

impl UpdateTracingRequest {
    /// A request that sets both keys.
    pub fn new(ak: impl Into<String>, sk: impl Into<String>) -> Self {
        UpdateTracingRequest {
            tracing_ak: Some(ak.into()),
            tracing_sk: Some(sk.into()),
        }
    }

    /// `Some(config)` to enable, `None` to disable; FSS.0400 when only one key is given.
    pub fn resolve(&self) -> Result<Option<TracingConfig>> {
        let ak = self.tracing_ak.as_deref().filter(|s| !s.is_empty());
        let sk = self.tracing_sk.as_deref().filter(|s| !s.is_empty());
        match (ak, sk) {
            (None, None) => Ok(None),
            (Some(ak), Some(sk)) => Ok(Some(TracingConfig {
                tracing_ak: ak.to_owned(),
                tracing_sk: sk.to_owned(),
            })),
            (Some(_), None) => Err(ErrorKind::InvalidParameter.with(
                "tracing_sk is required when tracing_ak is set (send both empty to disable)",
            )),
            (None, Some(_)) => Err(ErrorKind::InvalidParameter.with(
                "tracing_ak is required when tracing_sk is set (send both empty to disable)",
            )),
        }
    }
}
