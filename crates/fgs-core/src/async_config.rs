//! Async-invocation configuration per qualifier (seed §5.13.1-§5.13.4, digest §1.3, §1.4).
//!
//! A function's `latest`, each published version and each alias may have one config: how
//! long a queued async event stays valid, how often a failed one is retried, where results
//! go (`destination_config`), and whether async statuses are kept. `PUT` creates or replaces
//! it, `GET`/`DELETE` read and remove it (404 FSS.0404 when absent), and the list shows the
//! configs of every qualifier of the function with `page_info` paging.
//!
//! Validation follows the §5.13.3 request table (DECISIONS "Async"; the response tables'
//! 60..86400 and 0..8 contradict it, digest ambiguity 2), every failure 400 FSS.0400:
//! - `max_async_event_age_in_seconds` 1..=86400, default [`DEFAULT_MAX_EVENT_AGE`];
//! - `max_async_retry_attempts` 0..=3, default [`DEFAULT_MAX_RETRY_ATTEMPTS`];
//! - `destination_config.on_success` / `on_failure`: a `destination` of `FunctionGraph`,
//!   `OBS`, `SMN` or `DIS` (exact case) needs a `param` that is a JSON object serialized as
//!   a string, with, per type ([`Destination`]):
//!   `FunctionGraph` a `func_urn` string that parses as a function URN (any §1.6.1 form)
//!   and names another function; `OBS` a `bucket` (3..63 of `a-z 0-9 . -`), an optional
//!   `prefix` string and an optional `expires` integer 0..365 (days, 0 = never; the seed
//!   does not name these keys, the names are digest ambiguity 29's); `SMN` a `topic_urn`
//!   starting with `urn:smn:`; `DIS` a `stream_name` (1..64 of letters, digits, `-`, `_`).
//!   A `param` without a `destination` is refused; an entry with neither is kept as an empty
//!   object and means "no destination". Other keys inside `param` are kept as sent.
//!
//! Times are RFC 3339 with the emulator's offset (DECISIONS "Time fields").

use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, Result};
use crate::urn::{FunctionUrn, UrnDefaults};

/// Default `max_async_event_age_in_seconds` when a PUT leaves it out or no config exists
/// (seed §5.13.3).
pub const DEFAULT_MAX_EVENT_AGE: u32 = 3600;
/// Largest `max_async_event_age_in_seconds` (seed §5.13.3).
pub const MAX_EVENT_AGE: i64 = 86_400;
/// Default `max_async_retry_attempts` (seed §5.13.3).
pub const DEFAULT_MAX_RETRY_ATTEMPTS: u32 = 1;
/// Largest `max_async_retry_attempts` (seed §5.13.3).
pub const MAX_RETRY_ATTEMPTS: i64 = 3;

/// One destination (seed Table 5-408 `FuncDestinationConfig`), as sent and as echoed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FuncDestinationConfig {
    /// `FunctionGraph`, `OBS`, `SMN` or `DIS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// A JSON object serialized as a string; its keys depend on `destination`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
}

/// Where async results go (seed Table 5-407 `FuncAsyncDestinationConfig`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FuncAsyncDestinationConfig {
    /// Called after a successful execution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_success: Option<FuncDestinationConfig>,
    /// Called when the execution fails for good (system or internal error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<FuncDestinationConfig>,
}

/// The body of `PUT .../async-invoke-config` (seed §5.13.3, Table 5-406); every field is
/// optional. Numbers are signed so that negative values reach validation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PutAsyncConfigRequest {
    /// 1..=86400 seconds, default 3600.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_async_event_age_in_seconds: Option<i64>,
    /// 0..=3, default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_async_retry_attempts: Option<i64>,
    /// Destinations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_config: Option<FuncAsyncDestinationConfig>,
    /// Whether async statuses are kept (default `false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_async_status_log: Option<bool>,
}

/// The stored async config of one qualifier. It serializes to the seed's
/// `FunctionAsyncConfig` (digest §1.3, embedded as `function_async_config` in §5.7.6) plus
/// `enable_async_status_log`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AsyncConfig {
    /// Seconds a queued event stays valid.
    pub max_async_event_age_in_seconds: u32,
    /// Retries after a failed execution.
    pub max_async_retry_attempts: u32,
    /// Destinations, as sent (`{}` when none).
    pub destination_config: FuncAsyncDestinationConfig,
    /// When the config was first created, RFC 3339 with offset.
    pub created_time: String,
    /// When it was last PUT, RFC 3339 with offset.
    pub last_modified: String,
    /// Whether async statuses are kept.
    pub enable_async_status_log: bool,
}

/// The §5.13.1 / §5.13.3 response and one §5.13.4 list item: the config and the
/// qualifier-qualified `func_urn` it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncConfigResponse {
    /// `urn:fss:...:function:<package>:<name>:<latest|version|!alias>`.
    pub func_urn: String,
    /// The config fields.
    #[serde(flatten)]
    pub config: AsyncConfig,
}

/// The query of `GET .../async-invoke-configs` (seed §5.13.4, Table 5-415): strings, as
/// they arrive on the query line.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListAsyncConfigsRequest {
    /// Position to start from (default `0`), at most 64 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// Page size: missing or `0` = 10, above 100 = 100, negative = FSS.1001.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

/// `page_info` (seed Table 5-421).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PageInfo {
    /// The marker of the next page (the position after this page's last item).
    pub next_marker: u64,
    /// The marker of the previous page (this page's marker minus the limit, at least 0).
    pub previous_marker: u64,
    /// Items on this page.
    pub current_count: u64,
}

/// The §5.13.4 response (seed Table 5-417).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListAsyncConfigsResponse {
    /// The configs of this page.
    pub async_invoke_configs: Vec<AsyncConfigResponse>,
    /// Total number of configs of the function.
    pub count: u64,
    /// Paging.
    pub page_info: PageInfo,
}

/// A validated destination, parsed from its `param` (what the async executor delivers to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Invoke another function asynchronously.
    FunctionGraph {
        /// The function to invoke (unqualified means `latest`).
        func_urn: FunctionUrn,
    },
    /// Write an object to an OBS bucket.
    Obs {
        /// Bucket name.
        bucket: String,
        /// Object key prefix (empty when not given).
        prefix: String,
        /// Days until the object expires, 0 = never.
        expires: u32,
    },
    /// Publish to an SMN topic.
    Smn {
        /// Topic URN.
        topic_urn: String,
    },
    /// Put a record into a DIS stream.
    Dis {
        /// Stream name.
        stream_name: String,
    },
}

/// The async settings that apply to an invocation of one qualifier: its stored config, or
/// the §5.13.3 defaults when none exists (DECISIONS "Async").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveAsyncConfig {
    /// Seconds a queued event stays valid (default 3600).
    pub max_async_event_age_in_seconds: u32,
    /// Retries after a failure (default 1).
    pub max_async_retry_attempts: u32,
    /// Where a success is reported.
    pub on_success: Option<Destination>,
    /// Where a final failure is reported.
    pub on_failure: Option<Destination>,
    /// Whether async statuses are kept (default `false`).
    pub enable_async_status_log: bool,
    /// Whether a config was stored (`false`: all of the above are defaults).
    pub configured: bool,
}

impl Default for EffectiveAsyncConfig {
    fn default() -> Self {
        EffectiveAsyncConfig {
            max_async_event_age_in_seconds: DEFAULT_MAX_EVENT_AGE,
            max_async_retry_attempts: DEFAULT_MAX_RETRY_ATTEMPTS,
            on_success: None,
            on_failure: None,
            enable_async_status_log: false,
            configured: false,
        }
    }
}

impl EffectiveAsyncConfig {
    /// The settings a stored config gives (`defaults` parses FunctionGraph destination URNs).
    pub fn from_stored(config: &AsyncConfig, defaults: &UrnDefaults) -> Self {
        let dest = |d: &Option<FuncDestinationConfig>| {
            d.as_ref()
                .and_then(|d| d.parse("destination", defaults).ok().flatten())
        };
        EffectiveAsyncConfig {
            max_async_event_age_in_seconds: config.max_async_event_age_in_seconds,
            max_async_retry_attempts: config.max_async_retry_attempts,
            on_success: dest(&config.destination_config.on_success),
            on_failure: dest(&config.destination_config.on_failure),
            enable_async_status_log: config.enable_async_status_log,
            configured: true,
        }
    }
}

/// FSS.0400 with a message naming the destination field.
fn bad(field: &str, why: impl std::fmt::Display) -> crate::Error {
    ErrorKind::InvalidParameter.with(format!("{field}: {why}"))
}

/// A required non-empty string key of a destination `param`.
fn string_key<'a>(
    field: &str,
    obj: &'a serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Result<&'a str> {
    match obj.get(key) {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(other) => Err(bad(
            field,
            format!("param.{key} must be a non-empty string, got {other}"),
        )),
        None => Err(bad(field, format!("param needs a '{key}'"))),
    }
}

impl FuncDestinationConfig {
    /// Validates one destination (`field` names it in errors, e.g.
    /// `destination_config.on_success`) and parses it; `Ok(None)` when it has neither
    /// `destination` nor `param`. Rules in the module docs; every failure is FSS.0400.
    pub fn parse(&self, field: &str, defaults: &UrnDefaults) -> Result<Option<Destination>> {
        let kind = match (&self.destination, &self.param) {
            (None, None) => return Ok(None),
            (None, Some(_)) => return Err(bad(field, "param is given without a destination")),
            (Some(kind), _) => kind.as_str(),
        };
        if !matches!(kind, "FunctionGraph" | "OBS" | "SMN" | "DIS") {
            return Err(bad(
                field,
                format!("destination '{kind}' is not one of FunctionGraph, OBS, SMN, DIS"),
            ));
        }
        let param = self
            .param
            .as_deref()
            .ok_or_else(|| bad(field, format!("destination {kind} needs a param")))?;
        let value: serde_json::Value = serde_json::from_str(param)
            .map_err(|e| bad(field, format!("param is not JSON: {e}")))?;
        let obj = value
            .as_object()
            .ok_or_else(|| bad(field, "param must be a JSON object"))?;
        let dest = match kind {
            "FunctionGraph" => {
                let text = string_key(field, obj, "func_urn")?;
                let func_urn = FunctionUrn::parse(text, defaults).map_err(|e| {
                    bad(
                        field,
                        format!(
                            "param.func_urn '{text}' is not a function URN: {}",
                            e.message()
                        ),
                    )
                })?;
                Destination::FunctionGraph { func_urn }
            }
            "OBS" => {
                let bucket = string_key(field, obj, "bucket")?;
                if !valid_bucket(bucket) {
                    return Err(bad(
                        field,
                        format!(
                            "param.bucket '{bucket}' is not an OBS bucket name (3-63 of a-z 0-9 . -)"
                        ),
                    ));
                }
                let prefix = match obj.get("prefix") {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(other) => {
                        return Err(bad(
                            field,
                            format!("param.prefix must be a string, got {other}"),
                        ));
                    }
                };
                let expires = match obj.get("expires") {
                    None | Some(serde_json::Value::Null) => 0,
                    Some(v) => match v.as_i64() {
                        Some(d) if (0..=365).contains(&d) => d as u32,
                        _ => {
                            return Err(bad(
                                field,
                                format!("param.expires {v} is not a number of days in 0..365"),
                            ));
                        }
                    },
                };
                Destination::Obs {
                    bucket: bucket.to_owned(),
                    prefix,
                    expires,
                }
            }
            "SMN" => {
                let topic_urn = string_key(field, obj, "topic_urn")?;
                if !topic_urn.starts_with("urn:smn:") {
                    return Err(bad(
                        field,
                        format!(
                            "param.topic_urn '{topic_urn}' is not an SMN topic URN (urn:smn:...)"
                        ),
                    ));
                }
                Destination::Smn {
                    topic_urn: topic_urn.to_owned(),
                }
            }
            _ => {
                let stream_name = string_key(field, obj, "stream_name")?;
                let ok = stream_name.len() <= 64
                    && stream_name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if !ok {
                    return Err(bad(
                        field,
                        format!(
                            "param.stream_name '{stream_name}' is not a DIS stream name (1-64 of letters, digits, - _)"
                        ),
                    ));
                }
                Destination::Dis {
                    stream_name: stream_name.to_owned(),
                }
            }
        };
        Ok(Some(dest))
    }
}

/// OBS bucket names: 3..63 characters of lower-case letters, digits, `.` and `-`, starting
/// and ending with a letter or digit.
fn valid_bucket(b: &str) -> bool {
    let bytes = b.as_bytes();
    (3..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'-'))
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// A validated PUT: the numbers to store and the parsed destinations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatedAsyncConfig {
    /// Age in seconds (defaulted).
    pub max_async_event_age_in_seconds: u32,
    /// Retries (defaulted).
    pub max_async_retry_attempts: u32,
    /// Destinations as sent.
    pub destination_config: FuncAsyncDestinationConfig,
    /// Parsed `on_success`.
    pub on_success: Option<Destination>,
    /// Parsed `on_failure`.
    pub on_failure: Option<Destination>,
    /// Status log flag (defaulted to `false`).
    pub enable_async_status_log: bool,
}

impl PutAsyncConfigRequest {
    /// Validates the request with the §5.13.3 table (module docs) and fills in defaults.
    pub fn validate(self, defaults: &UrnDefaults) -> Result<ValidatedAsyncConfig> {
        let age = match self.max_async_event_age_in_seconds {
            None => DEFAULT_MAX_EVENT_AGE,
            Some(a) if (1..=MAX_EVENT_AGE).contains(&a) => a as u32,
            Some(a) => {
                return Err(ErrorKind::InvalidParameter.with(format!(
                    "max_async_event_age_in_seconds {a} is outside 1..{MAX_EVENT_AGE}"
                )));
            }
        };
        let retries = match self.max_async_retry_attempts {
            None => DEFAULT_MAX_RETRY_ATTEMPTS,
            Some(r) if (0..=MAX_RETRY_ATTEMPTS).contains(&r) => r as u32,
            Some(r) => {
                return Err(ErrorKind::InvalidParameter.with(format!(
                    "max_async_retry_attempts {r} is outside 0..{MAX_RETRY_ATTEMPTS}"
                )));
            }
        };
        let destination_config = self.destination_config.unwrap_or_default();
        let parse = |d: &Option<FuncDestinationConfig>, field: &str| match d {
            Some(d) => d.parse(field, defaults),
            None => Ok(None),
        };
        let on_success = parse(
            &destination_config.on_success,
            "destination_config.on_success",
        )?;
        let on_failure = parse(
            &destination_config.on_failure,
            "destination_config.on_failure",
        )?;
        Ok(ValidatedAsyncConfig {
            max_async_event_age_in_seconds: age,
            max_async_retry_attempts: retries,
            destination_config,
            on_success,
            on_failure,
            enable_async_status_log: self.enable_async_status_log.unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> UrnDefaults {
        UrnDefaults::new("r", "p")
    }

    #[test]
    fn defaults_apply_to_an_empty_put() {
        let v = PutAsyncConfigRequest::default()
            .validate(&defaults())
            .unwrap();
        assert_eq!(v.max_async_event_age_in_seconds, 3600);
        assert_eq!(v.max_async_retry_attempts, 1);
        assert!(!v.enable_async_status_log);
    }

    #[test]
    fn bucket_names() {
        assert!(valid_bucket("my-bucket.1"));
        assert!(!valid_bucket("ab"));
        assert!(!valid_bucket("Upper"));
        assert!(!valid_bucket("-bad"));
    }
}
