//! The async queue's bookkeeping: one [`Request`] per accepted event, the pending count that
//! bounds the queue, and the reserved-instance slot ids (§5.1.3).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use fgs_core::async_record::{AsyncInvocation, AsyncStatus};
use fgs_core::timefmt::utc_naive;
use fgs_core::urn::Qualifier;
use parking_lot::Mutex;
use serde_json::Value;

use super::destinations::{DeliveryLog, DestinationSink};
use crate::state::FunctionKey;
use crate::store::{Bytes, Store, Table, Write, encode_request};
use fgs_core::Result;

/// One accepted async request.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) request_id: String,
    /// The function, and its creation sequence (a re-created function of the same name is
    /// another function).
    pub(crate) key: FunctionKey,
    pub(crate) function_seq: u64,
    /// The qualifier invoked and the full URN of it.
    pub(crate) qualifier: Qualifier,
    pub(crate) urn: String,
    pub(crate) event: Value,
    pub(crate) accepted: DateTime<Utc>,
    pub(crate) started: Option<DateTime<Utc>>,
    pub(crate) ended: Option<DateTime<Utc>>,
    pub(crate) status: AsyncStatus,
    pub(crate) error_message: String,
    /// Attempts started so far (a rejected attempt is not counted).
    pub(crate) attempts: u32,
    /// The reserved instance it runs on (§5.1.3).
    pub(crate) instance_id: Option<String>,
    /// How long the record is kept after it ends.
    pub(crate) retention: TimeDelta,
}

impl Request {
    /// The §5.13.5 view.
    pub(crate) fn view(&self) -> AsyncInvocation {
        AsyncInvocation {
            request_id: self.request_id.clone(),
            status: self.status,
            error_message: self.error_message.clone(),
            start_time: utc_naive(self.started.unwrap_or(self.accepted)),
            end_time: self.ended.map(utc_naive).unwrap_or_default(),
        }
    }
}

/// Everything behind the queue's lock.
#[derive(Debug, Default)]
pub(crate) struct Book {
    /// Requests by acceptance sequence.
    pub(crate) requests: BTreeMap<u64, Request>,
    /// Request id -> acceptance sequence.
    pub(crate) index: HashMap<String, u64>,
    pub(crate) next_seq: u64,
    /// Requests not finished (WAIT or RUNNING): what the capacity bounds.
    pub(crate) pending: usize,
    /// When records were last purged.
    pub(crate) last_purge: Option<DateTime<Utc>>,
    /// Reserved instance ids per (function, qualifier name), one per slot, and the next slot.
    pub(crate) reserved_slots: HashMap<(FunctionKey, String), (Vec<String>, usize)>,
}

impl Book {
    /// The request with this id, mutably.
    pub(crate) fn get_mut(&mut self, request_id: &str) -> Option<&mut Request> {
        let seq = self.index.get(request_id)?;
        self.requests.get_mut(seq)
    }

    /// The request with this id.
    pub(crate) fn get(&self, request_id: &str) -> Option<&Request> {
        let seq = self.index.get(request_id)?;
        self.requests.get(seq)
    }

    /// Adds an accepted request.
    pub(crate) fn insert(&mut self, request: Request) {
        self.next_seq += 1;
        self.index.insert(request.request_id.clone(), self.next_seq);
        self.requests.insert(self.next_seq, request);
        self.pending += 1;
    }

    /// Takes back a request just inserted (its write failed, so it was not accepted).
    pub(crate) fn remove(&mut self, request_id: &str) {
        if let Some(seq) = self.index.remove(request_id)
            && let Some(r) = self.requests.remove(&seq)
            && !r.status.is_final()
        {
            self.pending = self.pending.saturating_sub(1);
        }
    }

    /// Ends a request (if not already ended) with a final status at `now`.
    pub(crate) fn finish(
        &mut self,
        request_id: &str,
        status: AsyncStatus,
        message: String,
        now: DateTime<Utc>,
    ) -> Option<Request> {
        let r = self.get_mut(request_id)?;
        if r.status.is_final() {
            return None;
        }
        r.status = status;
        r.error_message = message;
        r.ended = Some(now);
        let done = r.clone();
        self.pending = self.pending.saturating_sub(1);
        Some(done)
    }

    /// Drops finished records whose retention ran out (at most once per clock minute);
    /// returns their ids.
    pub(crate) fn purge(&mut self, now: DateTime<Utc>) -> Vec<String> {
        if self
            .last_purge
            .is_some_and(|t| now - t < TimeDelta::minutes(1))
        {
            return Vec::new();
        }
        self.last_purge = Some(now);
        let expired: Vec<u64> = self
            .requests
            .iter()
            .filter(|(_, r)| r.ended.is_some_and(|e| e + r.retention < now))
            .map(|(seq, _)| *seq)
            .collect();
        let mut ids = Vec::new();
        for seq in expired {
            if let Some(r) = self.requests.remove(&seq) {
                self.index.remove(&r.request_id);
                ids.push(r.request_id);
            }
        }
        ids
    }

    /// Writes the requests `ids` as they now are (deleted when gone) in one store
    /// transaction; nothing without a state dir (`crate::store`).
    pub(crate) fn persist(&self, store: &dyn Store, ids: &[String]) -> Result<()> {
        if !store.durable() || ids.is_empty() {
            return Ok(());
        }
        let mut writes = Vec::with_capacity(ids.len());
        for id in ids {
            writes.push(
                match self
                    .index
                    .get(id)
                    .and_then(|seq| Some((seq, self.requests.get(seq)?)))
                {
                    Some((seq, r)) => Write::put(
                        Table::Async,
                        id.clone(),
                        Bytes::Owned(encode_request(*seq, r)?),
                    ),
                    None => Write::delete(Table::Async, id.clone()),
                },
            );
        }
        store.commit(writes)
    }

    /// [`Book::persist`] for background work, which has no caller to answer: a failed
    /// write is logged (the record stays as it was in the store, so a restart retries it).
    pub(crate) fn persist_or_log(&self, store: &dyn Store, ids: &[String]) {
        if let Err(e) = self.persist(store, ids) {
            tracing::warn!(error = %e, "cannot write async records to the state store");
        }
    }
}

/// The attempt runner a crate test may substitute for [`super::run_attempt`].
#[cfg(test)]
pub(crate) type Runner = Arc<dyn Fn(&super::AttemptRequest) -> super::AttemptOutcome + Send + Sync>;

/// The async queue: one field of the emulator's `Inner`.
pub(crate) struct AsyncQueue {
    pub(crate) book: Mutex<Book>,
    /// Most unfinished requests ([`crate::EmulatorBuilder::async_queue_capacity`]).
    pub(crate) capacity: usize,
    /// Where OBS, SMN and DIS destinations go.
    pub(crate) sink: Arc<dyn DestinationSink>,
    /// Every destination delivery, for [`crate::Emulator::destination_deliveries`].
    pub(crate) deliveries: DeliveryLog,
    #[cfg(test)]
    pub(crate) runner: Mutex<Option<Runner>>,
}

impl fmt::Debug for AsyncQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let book = self.book.lock();
        f.debug_struct("AsyncQueue")
            .field("records", &book.requests.len())
            .field("pending", &book.pending)
            .field("capacity", &self.capacity)
            .finish()
    }
}

impl AsyncQueue {
    /// An empty queue.
    pub(crate) fn new(capacity: usize, sink: Arc<dyn DestinationSink>) -> Self {
        AsyncQueue {
            book: Mutex::new(Book::default()),
            capacity,
            sink,
            deliveries: DeliveryLog::default(),
            #[cfg(test)]
            runner: Mutex::new(None),
        }
    }
}
