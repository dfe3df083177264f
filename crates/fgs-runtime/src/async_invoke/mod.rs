//! Async invocation (seed §5.1.2, §5.1.3, §5.13.5, §5.13.6; issue 4; DESIGN §5).
//!
//! # Acceptance
//!
//! [`Emulator::invoke_async`] resolves the URN first (404 FSS.1051 / FSS.1052 / FSS.1053 for a
//! missing function, version or alias: DECISIONS "Invocation over REST"), then creates the
//! request's record (WAIT) and queues its first attempt on the scheduler, due now, and returns
//! the request id at once. At most [`crate::EmulatorBuilder::async_queue_capacity`] requests
//! (default [`DEFAULT_ASYNC_QUEUE_CAPACITY`]) may be unfinished (WAIT or RUNNING) at once; one
//! more is 429 FSS.0429.
//!
//! # Running
//!
//! Attempts are scheduler jobs: with a manual clock [`Emulator::advance`] (or
//! [`Emulator::run_due`]) runs them, in order; with any other clock the scheduler's
//! background thread does. Each attempt reads the qualifier's async config as it is then
//! (§5.13.3 defaults when none: 3600 s, 1 retry) and:
//! - DISCARDs the request when its function was deleted (or re-created), or its version or
//!   alias no longer exists;
//! - DISCARDs it when the event is older than `max_async_event_age_in_seconds` (measured
//!   from acceptance), with `on_failure` called (`EventAgeExceeded`);
//! - otherwise marks it RUNNING (`start_time` is the first attempt's start) and runs the
//!   event like a sync invocation (invocation type async, attempt number 1, 2, ...):
//!   - success: SUCCESS, `error_message` "", `on_success`;
//!   - a failure (function error, trap, timeout, out of memory, initializer failure, missing
//!     handler...): while fewer than `max_async_retry_attempts` retries were made, back to
//!     WAIT with the error as `error_message`, retried after [`retry_backoff`] (1 s, 2 s,
//!     4 s: `2^(n-1)` seconds after the n-th failed attempt, on the emulator's clock); else
//!     FAIL and `on_failure` (`RetriesExhausted`);
//!   - rejected because the function already runs `max_instances` invocations: back to WAIT,
//!     retried after [`REJECTED_RETRY_DELAY`], without counting as an attempt (the age limit
//!     still applies).
//!
//! # Records
//!
//! [`Emulator::list_async_invocations`] (§5.13.5), [`Emulator::cancel_async_invocation`]
//! (§5.13.6) and [`Emulator::get_async_invocation`]. Records belong to the function they were
//! accepted for: an unqualified URN lists all of them, a qualified one only the requests made
//! on that qualifier; newest acceptance first. Cancel DISCARDs a WAIT or RUNNING request
//! (a running attempt finishes and its outcome is dropped). Destinations and their envelope:
//! [`destinations`].
//!
//! Retention: a finished record is kept [`RECORD_RETENTION`] after it ends, or
//! [`RECORD_RETENTION_WITH_STATUS_LOG`] when the qualifier's config had
//! `enable_async_status_log: true` when it was accepted; expired records are purged on the
//! clock (checked at most once per clock minute, on each acceptance and query). Unfinished
//! records are never purged.

pub mod destinations;
mod queue;
mod records;
#[cfg(test)]
mod tests;

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use fgs_core::async_config::{Destination, EffectiveAsyncConfig};
use fgs_core::async_record::{AsyncInvokeResponse, AsyncStatus, ReservedInvokeResponse};
use fgs_core::timefmt::utc_naive;
use fgs_core::trigger::InvokeMode;
use fgs_core::urn::Qualifier;
use fgs_core::{ErrorKind, Result};
use serde_json::{Value, json};

pub use destinations::{
    Condition, DESTINATION_LOG_CAPACITY, DestinationDelivery, DestinationSink, RecordingSink,
};
pub(crate) use queue::{AsyncQueue, Request};

use crate::Emulator;
use crate::invoke::{InvocationType, InvokeOptions};
use crate::scheduler::DeliveredEvent;
use crate::state::FunctionKey;

/// Default bound of the async queue (unfinished requests).
pub const DEFAULT_ASYNC_QUEUE_CAPACITY: usize = 10_000;
/// Delay before retrying an attempt rejected for `max_instances` (not counted as an attempt).
pub const REJECTED_RETRY_DELAY: Duration = Duration::from_secs(1);
/// How long a finished record is kept (`enable_async_status_log: false`, the default).
pub const RECORD_RETENTION: Duration = Duration::from_secs(24 * 3600);
/// How long a finished record is kept with `enable_async_status_log: true`.
pub const RECORD_RETENTION_WITH_STATUS_LOG: Duration = Duration::from_secs(7 * 24 * 3600);
/// The error message of a request whose function was deleted while it was queued.
pub const FUNCTION_DELETED_MESSAGE: &str = "function deleted";

/// The backoff before retry `n` (1-based: after the n-th failed attempt): `2^(n-1)` seconds,
/// i.e. 1 s, 2 s, 4 s.
pub fn retry_backoff(n: u32) -> Duration {
    Duration::from_secs(1u64 << n.saturating_sub(1).min(16))
}

/// One attempt to run.
#[derive(Debug, Clone)]
pub(crate) struct AttemptRequest {
    /// The full URN of the qualifier invoked.
    pub(crate) urn: String,
    pub(crate) request_id: String,
    pub(crate) event: Value,
    /// 1 for the first attempt.
    pub(crate) attempt: u32,
    pub(crate) invocation_type: InvocationType,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum AttemptOutcome {
    /// The handler returned this result.
    Success(Value),
    /// It failed (the message becomes the record's `error_message`).
    Failed(String),
    /// It did not run: the function is at `max_instances`.
    Rejected(String),
}

/// Runs one attempt through [`Emulator::invoke_with`] (the semantics of a sync invocation,
/// with the attempt's invocation type, attempt number and request id; no log tail).
///
/// - a success gives the result, parsed as JSON when it parses, else as a string;
/// - 429 FSS.0429 (the function already runs `max_instances` invocations) is a rejection,
///   retried later without counting as an attempt;
/// - every other outcome is a failure whose message is `"<error_code>: <message>"`: the
///   outcome table's failures (function error, trap, timeout, out of memory, initializer
///   failure or timeout, missing handler, result too large) and the errors that did not run
///   (a disabled function, a function or version gone, an executor failure).
pub(crate) fn run_attempt(emu: &Emulator, req: &AttemptRequest) -> AttemptOutcome {
    #[cfg(test)]
    {
        let runner = emu.inner.async_queue.runner.lock().clone();
        if let Some(runner) = runner {
            return runner(req);
        }
    }
    let event = serde_json::to_vec(&req.event).unwrap_or_default();
    let options = InvokeOptions {
        invocation_type: req.invocation_type,
        attempt: req.attempt,
        request_id: Some(req.request_id.clone()),
        log_tail: false,
        time_limit: None,
        on_async_worker: false,
    };
    match emu.invoke_with(&req.urn, &event, options) {
        Ok(inv) if inv.is_success() => AttemptOutcome::Success(
            serde_json::from_slice(&inv.result)
                .unwrap_or_else(|_| Value::String(inv.result_text())),
        ),
        Ok(inv) => {
            let code = inv.error_code().unwrap_or("FSS.0500");
            let message = inv
                .error_message
                .clone()
                .unwrap_or_else(|| inv.outcome.name().to_owned());
            AttemptOutcome::Failed(format!("{code}: {message}"))
        }
        Err(e) if e.kind() == ErrorKind::TooManyRequests => {
            AttemptOutcome::Rejected(format!("{}: {}", e.code(), e.message()))
        }
        Err(e) => AttemptOutcome::Failed(format!("{}: {}", e.code(), e.message())),
    }
}

impl Emulator {
    /// Invokes a function asynchronously (seed §5.1.2): returns the request id at once
    /// (202 `{"request_id": ...}`) and queues the event (see the module docs for how it runs).
    ///
    /// Errors: FSS.1051 / FSS.1052 / FSS.1053 (404) for a missing function, version or alias;
    /// 429 FSS.0429 when the queue holds its capacity of unfinished requests.
    pub fn invoke_async(&self, function_urn: &str, event: Value) -> Result<AsyncInvokeResponse> {
        let request_id = self.accept(function_urn, event, None)?;
        Ok(AsyncInvokeResponse { request_id })
    }

    /// Invokes a function asynchronously on a reserved instance (seed §5.1.3) and returns the
    /// instance's id (202 `{"instance_id": ...}`).
    ///
    /// The executor numbers its instances but picks one only when a call runs, so the
    /// emulator gives each reserved slot of the qualifier (its effective reserved count,
    /// [`Emulator::effective_reserved_count`]) a stable UUID and hands them out round-robin;
    /// the event runs on whichever instance the executor picks (the reserved ones are
    /// pre-warmed and taken first when idle). The event then runs like
    /// [`Emulator::invoke_async`] (same record, retries and destinations; its record is
    /// listed by §5.13.5 under an id the response does not show).
    ///
    /// Errors: FSS.1051 / FSS.1052 / FSS.1053 (404) for a missing function, version or alias;
    /// 404 FSS.0404 when the qualifier has no reserved instance; 429 FSS.0429 when the queue
    /// is full.
    pub fn reserved_invoke(
        &self,
        function_urn: &str,
        event: Value,
    ) -> Result<ReservedInvokeResponse> {
        let urn = self.parse_urn(function_urn)?;
        let count = self.effective_reserved_count(function_urn)? as usize;
        if count == 0 {
            return Err(ErrorKind::NotFound.with(format!(
                "function '{}' has no reserved instance",
                urn.with_qualifier(Some(urn.effective_qualifier().clone()))
                    .full()
            )));
        }
        let slot_key = (
            FunctionKey::of(&urn),
            urn.effective_qualifier().name().to_owned(),
        );
        let instance_id = {
            let mut book = self.inner.async_queue.book.lock();
            let (ids, next) = book.reserved_slots.entry(slot_key).or_default();
            while ids.len() < count {
                ids.push(self.inner.random.uuid());
            }
            let id = ids[*next % count].clone();
            *next = (*next + 1) % count;
            id
        };
        self.accept(function_urn, event, Some(instance_id.clone()))?;
        Ok(ReservedInvokeResponse { instance_id })
    }

    /// Every destination delivery made so far (all four types), oldest first (see
    /// [`DestinationDelivery`]).
    pub fn destination_deliveries(&self) -> Vec<DestinationDelivery> {
        self.inner.async_queue.deliveries.all()
    }

    /// How many async requests are unfinished (WAIT or RUNNING).
    pub fn pending_async_invocations(&self) -> usize {
        self.inner.async_queue.book.lock().pending
    }

    /// Resolves, records and queues one async request; returns its id.
    fn accept(
        &self,
        function_urn: &str,
        event: Value,
        instance_id: Option<String>,
    ) -> Result<String> {
        let urn = self.parse_urn(function_urn)?;
        let qualifier = urn.effective_qualifier().clone();
        let (function_seq, config) = {
            let state = self.inner.state.read();
            let entry = state.function(&urn)?;
            entry.check_qualifier(&qualifier)?;
            let config = crate::async_config::effective_async_config_of(
                entry,
                &qualifier,
                &self.inner.settings.urn,
            );
            (entry.seq, config)
        };
        let now = self.now();
        let queue = &self.inner.async_queue;
        let request_id = self.inner.random.uuid();
        {
            let mut book = queue.book.lock();
            let mut ids = book.purge(now);
            if book.pending >= queue.capacity {
                book.persist_or_log(&*self.inner.store, &ids);
                return Err(ErrorKind::TooManyRequests.with(format!(
                    "the async queue holds {} unfinished requests, its capacity; '{}' was not accepted",
                    book.pending,
                    urn.full()
                )));
            }
            let retention = if config.enable_async_status_log {
                RECORD_RETENTION_WITH_STATUS_LOG
            } else {
                RECORD_RETENTION
            };
            book.insert(Request {
                request_id: request_id.clone(),
                key: FunctionKey::of(&urn),
                function_seq,
                urn: urn.with_qualifier(Some(qualifier.clone())).full(),
                qualifier,
                event,
                accepted: now,
                started: None,
                ended: None,
                status: AsyncStatus::Wait,
                error_message: String::new(),
                attempts: 0,
                instance_id,
                retention: TimeDelta::from_std(retention).unwrap_or(TimeDelta::days(1)),
            });
            // Durable before the 202: if the write fails the request was not accepted.
            ids.push(request_id.clone());
            if let Err(e) = book.persist(&*self.inner.store, &ids) {
                book.remove(&request_id);
                return Err(e);
            }
        }
        self.schedule_attempt(&request_id, now);
        Ok(request_id)
    }

    /// Queues an attempt of `request_id` at `due`.
    pub(crate) fn schedule_attempt(&self, request_id: &str, due: DateTime<Utc>) {
        let id = request_id.to_owned();
        self.inner
            .scheduler
            .defer(due, Box::new(move |emu: &Emulator| emu.attempt(&id)));
    }

    /// Marks every unfinished request of a deleted function DISCARD (no destination).
    pub(crate) fn discard_async_of(&self, key: &FunctionKey) {
        let now = self.now();
        let mut book = self.inner.async_queue.book.lock();
        let ids: Vec<String> = book
            .requests
            .values()
            .filter(|r| &r.key == key && !r.status.is_final())
            .map(|r| r.request_id.clone())
            .collect();
        for id in &ids {
            book.finish(
                id,
                AsyncStatus::Discard,
                FUNCTION_DELETED_MESSAGE.to_owned(),
                now,
            );
        }
        book.persist_or_log(&*self.inner.store, &ids);
    }

    /// One attempt of a queued request (a scheduler job).
    fn attempt(&self, request_id: &str) {
        let now = self.now();
        let queue = &self.inner.async_queue;
        let Some(request) = queue.book.lock().get(request_id).cloned() else {
            return;
        };
        if request.status != AsyncStatus::Wait {
            return; // canceled or discarded meanwhile
        }
        let config = match self.config_for(&request) {
            Ok(config) => config,
            Err(message) => {
                let mut book = queue.book.lock();
                book.finish(request_id, AsyncStatus::Discard, message, now);
                book.persist_or_log(&*self.inner.store, &[request_id.to_owned()]);
                return;
            }
        };
        let age = now - request.accepted;
        let max_age = i64::from(config.max_async_event_age_in_seconds);
        if age > TimeDelta::seconds(max_age) {
            let message = format!(
                "event age {} s exceeds max_async_event_age_in_seconds {max_age}",
                age.num_seconds()
            );
            let done = {
                let mut book = queue.book.lock();
                let done = book.finish(request_id, AsyncStatus::Discard, message, now);
                book.persist_or_log(&*self.inner.store, &[request_id.to_owned()]);
                done
            };
            if let Some(done) = done {
                self.notify(&done, &config, Condition::EventAgeExceeded, Value::Null);
            }
            return;
        }
        let attempt = {
            let mut book = queue.book.lock();
            let Some(r) = book.get_mut(request_id) else {
                return;
            };
            if r.status != AsyncStatus::Wait {
                return;
            }
            r.status = AsyncStatus::Running;
            r.attempts += 1;
            r.started.get_or_insert(now);
            let attempt = AttemptRequest {
                urn: r.urn.clone(),
                request_id: r.request_id.clone(),
                event: r.event.clone(),
                attempt: r.attempts,
                invocation_type: InvocationType::Async,
            };
            book.persist_or_log(&*self.inner.store, &[request_id.to_owned()]);
            attempt
        };
        let outcome = run_attempt(self, &attempt);
        let now = self.now();
        let mut book = queue.book.lock();
        let Some(r) = book.get_mut(request_id) else {
            return;
        };
        if r.status != AsyncStatus::Running {
            return; // canceled while running: the outcome is dropped
        }
        let ids = [request_id.to_owned()];
        let store = self.inner.store.clone();
        match outcome {
            AttemptOutcome::Success(response) => {
                let done = book.finish(request_id, AsyncStatus::Success, String::new(), now);
                book.persist_or_log(&*store, &ids);
                drop(book);
                if let Some(done) = done {
                    self.notify(&done, &config, Condition::Success, response);
                }
            }
            AttemptOutcome::Rejected(message) => {
                r.status = AsyncStatus::Wait;
                r.attempts -= 1;
                r.error_message = message;
                book.persist_or_log(&*store, &ids);
                drop(book);
                self.schedule_attempt(request_id, now + delta(REJECTED_RETRY_DELAY));
            }
            AttemptOutcome::Failed(message) => {
                if r.attempts <= config.max_async_retry_attempts {
                    r.status = AsyncStatus::Wait;
                    r.error_message = message;
                    let n = r.attempts;
                    book.persist_or_log(&*store, &ids);
                    drop(book);
                    self.schedule_attempt(request_id, now + delta(retry_backoff(n)));
                } else {
                    let done = book.finish(request_id, AsyncStatus::Fail, message, now);
                    book.persist_or_log(&*store, &ids);
                    drop(book);
                    if let Some(done) = done {
                        self.notify(&done, &config, Condition::RetriesExhausted, Value::Null);
                    }
                }
            }
        }
    }

    /// The async config that applies to a request now, or why it cannot run any more.
    fn config_for(&self, request: &Request) -> std::result::Result<EffectiveAsyncConfig, String> {
        let state = self.inner.state.read();
        let entry = state
            .functions
            .get(&request.key)
            .filter(|e| e.seq == request.function_seq)
            .ok_or_else(|| FUNCTION_DELETED_MESSAGE.to_owned())?;
        entry
            .check_qualifier(&request.qualifier)
            .map_err(|e| e.message().to_owned())?;
        Ok(crate::async_config::effective_async_config_of(
            entry,
            &request.qualifier,
            &self.inner.settings.urn,
        ))
    }

    /// Calls the destination for `condition`, if one is configured.
    fn notify(
        &self,
        request: &Request,
        config: &EffectiveAsyncConfig,
        condition: Condition,
        response: Value,
    ) {
        let destination = match condition {
            Condition::Success => config.on_success.clone(),
            _ => config.on_failure.clone(),
        };
        let Some(destination) = destination else {
            return;
        };
        let envelope = envelope(request, condition, response, self.now());
        let mut delivery = DestinationDelivery {
            request_id: request.request_id.clone(),
            destination_type: destinations::type_name(&destination).to_owned(),
            destination: destination.clone(),
            condition,
            envelope,
            time: self.now(),
            outcome: Ok(String::new()),
        };
        delivery.outcome = match &destination {
            Destination::FunctionGraph { func_urn } => self
                .invoke_async(&func_urn.full(), delivery.envelope.clone())
                .map(|r| r.request_id)
                .map_err(|e| format!("{}: {}", e.code(), e.message())),
            _ => self
                .inner
                .async_queue
                .sink
                .deliver(&delivery)
                .map(|()| String::new()),
        };
        self.inner.async_queue.deliveries.push(delivery);
    }

    /// Runs a trigger's delivery: async types through [`Emulator::invoke_async`] on the
    /// trigger's qualifier, sync types (APIG family) as one sync attempt. Failures (a full
    /// queue, a function gone) leave only the delivery log entry.
    pub(crate) fn invoke_trigger_delivery(&self, delivery: &DeliveredEvent) {
        match delivery.invoke_mode {
            InvokeMode::Async => {
                let _ = self.invoke_async(&delivery.function_urn, delivery.event.clone());
            }
            InvokeMode::Sync => {
                let attempt = AttemptRequest {
                    urn: delivery.function_urn.clone(),
                    request_id: self.inner.random.uuid(),
                    event: delivery.event.clone(),
                    attempt: 1,
                    invocation_type: InvocationType::Sync,
                };
                let _ = run_attempt(self, &attempt);
            }
        }
    }
}

/// A std duration as a chrono delta (saturating at a day's worth of years).
fn delta(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::days(36_500))
}

/// The destination envelope (documented in [`destinations`]).
fn envelope(request: &Request, condition: Condition, response: Value, now: DateTime<Utc>) -> Value {
    let qualifier = match &request.qualifier {
        Qualifier::Latest => fgs_core::urn::LATEST.to_owned(),
        q => q.name().to_owned(),
    };
    json!({
        "version": "1.0",
        "timestamp": utc_naive(now),
        "request_context": {
            "request_id": request.request_id,
            "function_urn": request.urn,
            "qualifier": qualifier,
            "condition": condition.as_str(),
            "approximate_invoke_count": request.attempts,
            "accepted_time": utc_naive(request.accepted),
            "start_time": request.started.map(utc_naive).unwrap_or_default(),
            "end_time": request.ended.map(utc_naive).unwrap_or_default(),
            "instance_id": request.instance_id,
        },
        "request_payload": request.event,
        "response_payload": response,
        "error_message": request.error_message,
    })
}
