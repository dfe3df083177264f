//! Async records: the §5.13.5 query and the §5.13.6 cancel.
//!
//! Records belong to the function they were accepted for: an unqualified URN lists every
//! record of the function, a qualified one (`latest`, a version, an alias) only the requests
//! made on that qualifier. The list is newest acceptance first, filtered by `request_id`,
//! `status` and the acceptance window, then paged by `marker` (an offset) and `limit`
//! (rules in [`fgs_core::async_record`]). A function that does not exist (or whose version or
//! alias does not) is 404 FSS.0404 "can not find function" (§5.13.5 / §5.13.6 examples,
//! DECISIONS "Errors").

use fgs_core::async_record::{
    AsyncInvocation, AsyncStatus, CANCELED_MESSAGE, CancelAsyncInvocationRequest,
    ListAsyncInvocationsRequest, ListAsyncInvocationsResponse,
};
use fgs_core::urn::FunctionUrn;
use fgs_core::{ErrorKind, Result};

use crate::Emulator;
use crate::state::FunctionKey;

impl Emulator {
    /// Lists the async requests of a function (seed §5.13.5; see the module docs).
    ///
    /// Errors: 404 FSS.0404 for an unknown function, version or alias; 400 FSS.0400 for a
    /// bad query value.
    pub fn list_async_invocations(
        &self,
        function_urn: &str,
        query: &ListAsyncInvocationsRequest,
    ) -> Result<ListAsyncInvocationsResponse> {
        let (urn, seq) = self.records_scope(function_urn)?;
        let now = self.now();
        let q = query.validate(now)?;
        let key = FunctionKey::of(&urn);
        let mut book = self.inner.async_queue.book.lock();
        let purged = book.purge(now);
        book.persist_or_log(&*self.inner.store, &purged);
        let invocations = book
            .requests
            .values()
            .rev()
            .filter(|r| r.key == key && r.function_seq == seq)
            .filter(|r| urn.qualifier().is_none_or(|qual| &r.qualifier == qual))
            .filter(|r| q.request_id.as_deref().is_none_or(|id| r.request_id == id))
            .filter(|r| q.status.is_none_or(|s| r.status == s))
            .filter(|r| r.accepted >= q.begin && r.accepted <= q.end)
            .skip(q.marker)
            .take(q.limit)
            .map(|r| r.view())
            .collect();
        Ok(ListAsyncInvocationsResponse { invocations })
    }

    /// One async request's record by id, whatever its function (an emulator extension for
    /// tests and tools; `None` once purged or never accepted).
    pub fn get_async_invocation(&self, request_id: &str) -> Option<AsyncInvocation> {
        self.inner
            .async_queue
            .book
            .lock()
            .get(request_id)
            .map(|r| r.view())
    }

    /// Stops an async request (seed §5.13.6). A WAIT request ends DISCARD with
    /// `error_message` "4208 function invocated canceled" and never runs; a RUNNING one ends
    /// the same way at once: the executor cannot interrupt a call, so the running attempt
    /// finishes in the background and its outcome is dropped (no retry, no destination).
    /// Both `type` values act the same (the emulator has no sub-function tracking). A
    /// canceled request goes to no destination. Returns `()`, which REST answers as the
    /// literal body `null` (200).
    ///
    /// Errors: 400 FSS.0400 for a missing `request_id`, an unknown request (or one of
    /// another function) and a finished one; 404 FSS.0404 for an unknown function.
    pub fn cancel_async_invocation(
        &self,
        function_urn: &str,
        req: &CancelAsyncInvocationRequest,
    ) -> Result<()> {
        let (urn, seq) = self.records_scope(function_urn)?;
        let request_id = req.validate()?;
        let key = FunctionKey::of(&urn);
        let now = self.now();
        let mut book = self.inner.async_queue.book.lock();
        let invalid = |why: &str| {
            ErrorKind::InvalidParameter.with(format!("Invalid RequestId '{request_id}': {why}"))
        };
        let status = match book.get(request_id) {
            Some(r) if r.key == key && r.function_seq == seq => r.status,
            _ => return Err(invalid("no such async request of this function")),
        };
        if status.is_final() {
            return Err(invalid(&format!(
                "the request already ended {}",
                status.as_str()
            )));
        }
        let before = book.get(request_id).cloned();
        book.finish(
            request_id,
            AsyncStatus::Discard,
            CANCELED_MESSAGE.to_owned(),
            now,
        );
        if let Err(e) = book.persist(&*self.inner.store, &[request_id.to_owned()]) {
            if let (Some(before), Some(r)) = (before, book.get_mut(request_id)) {
                *r = before;
                book.pending += 1;
            }
            return Err(e);
        }
        Ok(())
    }

    /// The function (and its creation sequence) a records call names, 404 FSS.0404 if it,
    /// its version or its alias does not exist.
    fn records_scope(&self, function_urn: &str) -> Result<(FunctionUrn, u64)> {
        let urn = self.parse_urn(function_urn)?;
        let state = self.inner.state.read();
        let not_found = |e: fgs_core::Error| {
            ErrorKind::NotFound.with(format!("can not find function: {}", e.message()))
        };
        let entry = state.function(&urn).map_err(not_found)?;
        entry
            .check_qualifier(urn.effective_qualifier())
            .map_err(not_found)?;
        Ok((urn, entry.seq))
    }
}
