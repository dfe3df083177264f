//! Async invocation requests and their records (seed §5.1.2, §5.1.3, §5.13.5, §5.13.6).
//!
//! - [`AsyncInvokeResponse`]: what §5.1.2 answers (202 `{"request_id": ...}`).
//! - [`ReservedInvokeResponse`]: what §5.1.3 answers (202 `{"instance_id": ...}`).
//! - [`AsyncInvocation`]: one record of the §5.13.5 list; times are UTC
//!   `YYYY-MM-DDTHH:mm:ss` without offset (DECISIONS "Time fields"), `error_message` is `""`
//!   on success.
//! - [`ListAsyncInvocationsRequest`]: the §5.13.5 query, validated by
//!   [`ListAsyncInvocationsRequest::validate`]: `limit` default [`DEFAULT_RECORD_LIMIT`], at most
//!   [`MAX_RECORD_LIMIT`] (larger values are clamped, `0` means the default); `marker` a
//!   non-negative offset (default 0); `status` one of the five statuses; the query window
//!   defaults to the last hour by acceptance time; every value at most 64 characters. Anything
//!   else is 400 FSS.0400 naming the parameter.
//! - [`CancelAsyncInvocationRequest`]: the §5.13.6 body (`request_id` required, `type`
//!   `force` | `recursive`).

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::{ErrorKind, Result};

/// Default page size of the §5.13.5 query.
pub const DEFAULT_RECORD_LIMIT: usize = 100;
/// Largest page size of the §5.13.5 query (larger values are clamped to it).
pub const MAX_RECORD_LIMIT: usize = 500;
/// Longest query value §5.13.5 accepts.
pub const MAX_QUERY_VALUE_LEN: usize = 64;
/// The error message of a canceled request (§5.13.6, DECISIONS "Async").
pub const CANCELED_MESSAGE: &str = "4208 function invocated canceled";

/// The status of an async request (§5.13.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum AsyncStatus {
    /// Accepted, waiting for its first attempt or for a retry.
    Wait,
    /// An attempt is running.
    Running,
    /// An attempt succeeded.
    Success,
    /// Every attempt failed.
    Fail,
    /// Not run (again): canceled, too old, or its function was deleted.
    Discard,
}

impl AsyncStatus {
    /// The seed's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AsyncStatus::Wait => "WAIT",
            AsyncStatus::Running => "RUNNING",
            AsyncStatus::Success => "SUCCESS",
            AsyncStatus::Fail => "FAIL",
            AsyncStatus::Discard => "DISCARD",
        }
    }

    /// Parses the seed's spelling (exact, upper case).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "WAIT" => AsyncStatus::Wait,
            "RUNNING" => AsyncStatus::Running,
            "SUCCESS" => AsyncStatus::Success,
            "FAIL" => AsyncStatus::Fail,
            "DISCARD" => AsyncStatus::Discard,
            _ => return None,
        })
    }

    /// Whether the request is finished (SUCCESS, FAIL or DISCARD).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            AsyncStatus::Success | AsyncStatus::Fail | AsyncStatus::Discard
        )
    }
}

/// §5.1.2 response: 202 with the request id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncInvokeResponse {
    /// The async request id (what §5.13.5 and §5.13.6 take).
    pub request_id: String,
}

/// §5.1.3 response: 202 with the reserved instance id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservedInvokeResponse {
    /// The reserved instance the event runs on.
    pub instance_id: String,
}

/// One async request record (§5.13.5 `ListFunctionAsyncInvocationsResult`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncInvocation {
    /// The request id §5.1.2 returned.
    pub request_id: String,
    /// Its status.
    pub status: AsyncStatus,
    /// The last error; `""` on success (and while no attempt has failed).
    pub error_message: String,
    /// When the first attempt started (UTC `YYYY-MM-DDTHH:mm:ss`); the acceptance time while
    /// it waits for its first attempt.
    pub start_time: String,
    /// When it finished (UTC `YYYY-MM-DDTHH:mm:ss`); `""` while it is not finished.
    pub end_time: String,
}

/// §5.13.5 response.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListAsyncInvocationsResponse {
    /// The records, newest acceptance first.
    pub invocations: Vec<AsyncInvocation>,
}

/// §5.13.5 query parameters (all optional strings, as the seed lists them).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ListAsyncInvocationsRequest {
    /// Only this request.
    pub request_id: Option<String>,
    /// Offset of the first record returned (default 0).
    pub marker: Option<String>,
    /// Page size (default 100, max 500).
    pub limit: Option<String>,
    /// Only this status.
    pub status: Option<String>,
    /// Accepted at or after (UTC `YYYY-MM-DDTHH:mm:ss`; default one hour before now).
    pub query_begin_time: Option<String>,
    /// Accepted at or before (UTC `YYYY-MM-DDTHH:mm:ss`; default now).
    pub query_end_time: Option<String>,
}

/// A validated §5.13.5 query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsyncInvocationQuery {
    /// Only this request.
    pub request_id: Option<String>,
    /// Offset of the first record.
    pub marker: usize,
    /// Page size.
    pub limit: usize,
    /// Only this status.
    pub status: Option<AsyncStatus>,
    /// Window start (inclusive, by acceptance time).
    pub begin: DateTime<Utc>,
    /// Window end (inclusive).
    pub end: DateTime<Utc>,
}

impl ListAsyncInvocationsRequest {
    /// Validates the query at `now` (see the module docs for the rules).
    pub fn validate(&self, now: DateTime<Utc>) -> Result<AsyncInvocationQuery> {
        let fields = [
            ("request_id", &self.request_id),
            ("marker", &self.marker),
            ("limit", &self.limit),
            ("status", &self.status),
            ("query_begin_time", &self.query_begin_time),
            ("query_end_time", &self.query_end_time),
        ];
        for (name, value) in fields {
            if let Some(v) = value
                && v.chars().count() > MAX_QUERY_VALUE_LEN
            {
                return Err(ErrorKind::InvalidParameter.with(format!(
                    "{name} has {} characters, at most {MAX_QUERY_VALUE_LEN} are allowed",
                    v.chars().count()
                )));
            }
        }
        let number = |name: &str, value: &Option<String>| -> Result<Option<i64>> {
            match value.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
                    ErrorKind::InvalidParameter.with(format!("{name} '{v}' is not an integer"))
                }),
            }
        };
        let limit = match number("limit", &self.limit)? {
            None | Some(0) => DEFAULT_RECORD_LIMIT,
            Some(n) if n < 0 => {
                return Err(ErrorKind::InvalidParameter.with(format!(
                    "limit {n} is negative; it must be 1..{MAX_RECORD_LIMIT}"
                )));
            }
            Some(n) => usize::try_from(n).map_or(MAX_RECORD_LIMIT, |n| n.min(MAX_RECORD_LIMIT)),
        };
        let marker = match number("marker", &self.marker)? {
            None => 0,
            Some(n) => usize::try_from(n)
                .map_err(|_| ErrorKind::InvalidParameter.with(format!("marker {n} is negative")))?,
        };
        let status = match self.status.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(AsyncStatus::parse(s).ok_or_else(|| {
                ErrorKind::InvalidParameter.with(format!(
                    "status '{s}' is not one of WAIT, RUNNING, SUCCESS, FAIL, DISCARD"
                ))
            })?),
        };
        let time = |name: &str, value: &Option<String>| -> Result<Option<DateTime<Utc>>> {
            match value.as_deref().filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => crate::timefmt::parse_utc_naive(s).map(Some).ok_or_else(|| {
                    ErrorKind::InvalidParameter.with(format!(
                        "{name} '{s}' is not a UTC time YYYY-MM-DDTHH:mm:ss"
                    ))
                }),
            }
        };
        let begin =
            time("query_begin_time", &self.query_begin_time)?.unwrap_or(now - TimeDelta::hours(1));
        let end = time("query_end_time", &self.query_end_time)?.unwrap_or(now);
        if begin > end {
            return Err(ErrorKind::InvalidParameter.with(format!(
                "query_begin_time {} is after query_end_time {}",
                crate::timefmt::utc_naive(begin),
                crate::timefmt::utc_naive(end)
            )));
        }
        Ok(AsyncInvocationQuery {
            request_id: self.request_id.clone().filter(|s| !s.is_empty()),
            marker,
            limit,
            status,
            begin,
            end,
        })
    }
}

/// How §5.13.6 stops a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CancelType {
    /// Stop the runtime directly.
    Force,
    /// Also stop the sub-function being invoked.
    Recursive,
}

/// §5.13.6 request body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CancelAsyncInvocationRequest {
    /// The request to stop (required).
    pub request_id: Option<String>,
    /// `force` or `recursive` (optional).
    #[serde(rename = "type")]
    pub cancel_type: Option<CancelType>,
}

impl CancelAsyncInvocationRequest {
    /// The request id, 400 FSS.0400 when missing or empty.
    pub fn validate(&self) -> Result<&str> {
        match self.request_id.as_deref() {
            Some(id) if !id.trim().is_empty() => Ok(id),
            _ => Err(ErrorKind::InvalidParameter.with("request_id is required")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        crate::timefmt::parse_utc_naive("2024-05-01T12:00:00").unwrap()
    }

    #[test]
    fn defaults_follow_5_13_5() {
        let q = ListAsyncInvocationsRequest::default()
            .validate(now())
            .unwrap();
        assert_eq!(q.limit, 100);
        assert_eq!(q.marker, 0);
        assert_eq!(crate::timefmt::utc_naive(q.begin), "2024-05-01T11:00:00");
        assert_eq!(q.end, now());
    }

    #[test]
    fn limit_is_clamped_and_checked() {
        let with = |l: &str| ListAsyncInvocationsRequest {
            limit: Some(l.into()),
            ..Default::default()
        };
        assert_eq!(with("900").validate(now()).unwrap().limit, 500);
        assert_eq!(with("0").validate(now()).unwrap().limit, 100);
        assert_eq!(with("-1").validate(now()).unwrap_err().code(), "FSS.0400");
        assert_eq!(with("x").validate(now()).unwrap_err().code(), "FSS.0400");
    }

    #[test]
    fn cancel_body_parses_the_seed_example() {
        let r: CancelAsyncInvocationRequest =
            serde_json::from_str(r#"{"request_id":"xxxx","type":"force"}"#).unwrap();
        assert_eq!(r.validate().unwrap(), "xxxx");
        assert_eq!(r.cancel_type, Some(CancelType::Force));
    }
}
