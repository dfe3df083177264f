//! Test events (seed §5.4): a function's saved sample events.
//!
//! Rulings where the seed is silent (DECISIONS "Lists and other endpoints", digest A24-A26):
//! - `name` is required, starts with a letter, and holds only letters, digits, `-` and `_`
//!   (400 FSS.1074); it is unique per function (403 FSS.1073).
//! - `content` is required and must be a non-empty JSON *string* (a number, object or `null`
//!   is 400 FSS.1074). The seed's own examples are not valid JSON (`"{\k:\v\}"`) and its GET
//!   example is Base64 (A24), so the text is not parsed: it is stored and returned exactly as
//!   sent. Its UTF-8 size is limited by `Limits::max_test_event_size` (403 FSS.1069).
//! - A function holds at most `Limits::max_test_events` events (403 FSS.1068).
//! - An unknown event id is 404 FSS.1070 for get, update and delete (A26).
//! - `last_modified` is epoch seconds.
//!
//! ```
//! use fgs_core::test_event::CreateTestEventRequest;
//! let req: CreateTestEventRequest =
//!     serde_json::from_str(r#"{"name":"event-xx","content":"{\"k\":\"v\"}"}"#)?;
//! assert_eq!(req, CreateTestEventRequest::new("event-xx", r#"{"k":"v"}"#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{ErrorKind, Result};

/// A stored test event; serializes as the get response (§5.4.4).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TestEvent {
    /// Event id (a UUID).
    pub id: String,
    /// Event name.
    pub name: String,
    /// Last update, epoch seconds.
    pub last_modified: i64,
    /// The content, exactly as sent.
    pub content: String,
}

impl TestEvent {
    /// The list item of this event (§5.4.1).
    pub fn summary(&self) -> TestEventSummary {
        TestEventSummary {
            id: self.id.clone(),
            name: self.name.clone(),
            last_modified: self.last_modified,
        }
    }

    /// The `{id, name}` answer of create and update (§5.4.2, §5.4.5).
    pub fn reference(&self) -> TestEventRef {
        TestEventRef {
            id: self.id.clone(),
            name: self.name.clone(),
        }
    }
}

/// The body of create test event (§5.4.2). `content` is a JSON value in the type so that a
/// non-string reaches validation and gets FSS.1074.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateTestEventRequest {
    /// Event name (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Event content, a JSON string (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Value>,
}

impl CreateTestEventRequest {
    /// A request with `name` and string `content`.
    pub fn new(name: impl Into<String>, content: impl Into<String>) -> Self {
        CreateTestEventRequest {
            name: Some(name.into()),
            content: Some(Value::String(content.into())),
        }
    }
}

/// The body of update test event (§5.4.5): the content only.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpdateTestEventRequest {
    /// New content, a JSON string (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Value>,
}

impl UpdateTestEventRequest {
    /// A request with string `content`.
    pub fn new(content: impl Into<String>) -> Self {
        UpdateTestEventRequest {
            content: Some(Value::String(content.into())),
        }
    }
}

/// `{id, name}`, the answer of create (§5.4.2) and update (§5.4.5).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TestEventRef {
    /// Event id.
    pub id: String,
    /// Event name.
    pub name: String,
}

/// One item of the event list (§5.4.1, ListEventsResult).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TestEventSummary {
    /// Event id.
    pub id: String,
    /// Event name.
    pub name: String,
    /// Last update, epoch seconds.
    pub last_modified: i64,
}

/// The response of list test events (§5.4.1). The seed documents no paging parameters (A25):
/// every event is returned, `next_marker` = `count`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListTestEventsResponse {
    /// The events, in creation order.
    pub events: Vec<TestEventSummary>,
    /// Offset after the last returned event.
    pub next_marker: i64,
    /// Number of events of the function.
    pub count: i64,
}

/// Checks an event name (§5.4.2): required, starts with a letter, then letters, digits, `-`
/// and `_` only (FSS.1074).
pub fn check_name(name: Option<&str>) -> Result<&str> {
    let name = name.unwrap_or("");
    let bad = |why: &str| {
        Err(ErrorKind::InvalidTestEvent.with(format!("test event name '{name}' is invalid: {why}")))
    };
    if name.is_empty() {
        return bad("it is required");
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return bad("it must start with a letter");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return bad("only letters, digits, '-' and '_' are allowed");
    }
    Ok(name)
}

/// Checks event content (§5.4.2): a non-empty JSON string (FSS.1074) of at most `max_size`
/// UTF-8 bytes (FSS.1069). Returns the text.
pub fn check_content(content: Option<&Value>, max_size: usize) -> Result<String> {
    let text = match content {
        Some(Value::String(s)) if !s.is_empty() => s,
        Some(Value::String(_)) | None | Some(Value::Null) => {
            return Err(ErrorKind::InvalidTestEvent.with("test event content is required"));
        }
        Some(other) => {
            return Err(ErrorKind::InvalidTestEvent.with(format!(
                "test event content must be a JSON string, got {}",
                json_kind(other)
            )));
        }
    };
    if text.len() > max_size {
        return Err(ErrorKind::TestEventTooLarge.with(format!(
            "test event content has {} bytes, more than {max_size}",
            text.len()
        )));
    }
    Ok(text.clone())
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
