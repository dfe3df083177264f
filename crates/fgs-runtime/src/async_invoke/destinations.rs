//! Async destinations (`on_success`, `on_failure`; seed §5.13.3) and the envelope they get.
//!
//! # The envelope
//!
//! Every destination receives one JSON object (modelled on the platform's async notification):
//!
//! ```json
//! {
//!   "version": "1.0",
//!   "timestamp": "2024-05-01T12:00:03",
//!   "request_context": {
//!     "request_id": "<the async request id>",
//!     "function_urn": "<full URN of the qualifier invoked>",
//!     "qualifier": "latest | <version> | <alias>",
//!     "condition": "Success | RetriesExhausted | EventAgeExceeded",
//!     "approximate_invoke_count": 2,
//!     "accepted_time": "2024-05-01T12:00:00",
//!     "start_time": "2024-05-01T12:00:00",
//!     "end_time": "2024-05-01T12:00:03",
//!     "instance_id": "<the reserved instance id (§5.1.3); null otherwise>"
//!   },
//!   "request_payload": { "the": "original event" },
//!   "response_payload": "<the function's result (JSON if it parses, else a string); null on failure>",
//!   "error_message": "<the last error; \"\" on success>"
//! }
//! ```
//!
//! Times are UTC `YYYY-MM-DDTHH:mm:ss` like the records (§5.13.5); `start_time` is `""` when
//! no attempt ran (an event discarded for its age before its first attempt).
//!
//! # Where it goes
//!
//! - `FunctionGraph`: an async invocation of the named function (its `latest` when
//!   unqualified) with the envelope as the event; the delivery's `outcome` is the new request
//!   id, or the error if that function cannot be invoked (the source request keeps its status).
//! - `OBS`, `SMN`, `DIS`: the emulator's [`DestinationSink`] (set with
//!   [`crate::EmulatorBuilder::destination_sink`]; default [`RecordingSink`], which keeps every
//!   delivery).
//!
//! Every delivery of all four types is also kept in the emulator's own log,
//! [`crate::Emulator::destination_deliveries`] (at most [`DESTINATION_LOG_CAPACITY`], oldest
//! dropped first). Canceled requests and requests of a deleted function go nowhere.

use std::collections::VecDeque;
use std::fmt;

use chrono::{DateTime, Utc};
use fgs_core::async_config::Destination;
use parking_lot::Mutex;
use serde_json::Value;

/// The most deliveries [`crate::Emulator::destination_deliveries`] keeps.
pub const DESTINATION_LOG_CAPACITY: usize = 100_000;

/// Why a destination was called (`request_context.condition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// An attempt succeeded (`on_success`).
    Success,
    /// Every attempt failed (`on_failure`).
    RetriesExhausted,
    /// The event grew older than `max_async_event_age_in_seconds` (`on_failure`).
    EventAgeExceeded,
}

impl Condition {
    /// The envelope spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::Success => "Success",
            Condition::RetriesExhausted => "RetriesExhausted",
            Condition::EventAgeExceeded => "EventAgeExceeded",
        }
    }
}

/// One destination delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct DestinationDelivery {
    /// The async request it reports on.
    pub request_id: String,
    /// `FunctionGraph`, `OBS`, `SMN` or `DIS`.
    pub destination_type: String,
    /// Where it went.
    pub destination: Destination,
    /// Why.
    pub condition: Condition,
    /// The envelope (see the module docs).
    pub envelope: Value,
    /// When it was delivered.
    pub time: DateTime<Utc>,
    /// `Ok` with the new async request id (FunctionGraph) or `""` (sinks); `Err` with the
    /// reason the delivery failed.
    pub outcome: Result<String, String>,
}

/// Receives `OBS`, `SMN` and `DIS` deliveries. Implementations must not call back into the
/// emulator's `advance`.
pub trait DestinationSink: Send + Sync + fmt::Debug {
    /// Delivers one envelope; `Err` with a reason if it could not.
    fn deliver(&self, delivery: &DestinationDelivery) -> Result<(), String>;
}

/// The default sink: keeps every delivery in memory (at most [`DESTINATION_LOG_CAPACITY`]).
#[derive(Debug, Default)]
pub struct RecordingSink {
    log: DeliveryLog,
}

impl RecordingSink {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// What it received, oldest first.
    pub fn deliveries(&self) -> Vec<DestinationDelivery> {
        self.log.all()
    }
}

impl DestinationSink for RecordingSink {
    fn deliver(&self, delivery: &DestinationDelivery) -> Result<(), String> {
        self.log.push(delivery.clone());
        Ok(())
    }
}

/// A bounded log of deliveries.
#[derive(Debug, Default)]
pub(crate) struct DeliveryLog(Mutex<VecDeque<DestinationDelivery>>);

impl DeliveryLog {
    /// Appends, dropping the oldest beyond capacity.
    pub(crate) fn push(&self, d: DestinationDelivery) {
        let mut log = self.0.lock();
        if log.len() >= DESTINATION_LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(d);
    }

    /// Everything, oldest first.
    pub(crate) fn all(&self) -> Vec<DestinationDelivery> {
        self.0.lock().iter().cloned().collect()
    }
}

/// The type name of a destination.
pub(crate) fn type_name(d: &Destination) -> &'static str {
    match d {
        Destination::FunctionGraph { .. } => "FunctionGraph",
        Destination::Obs { .. } => "OBS",
        Destination::Smn { .. } => "SMN",
        Destination::Dis { .. } => "DIS",
    }
}
