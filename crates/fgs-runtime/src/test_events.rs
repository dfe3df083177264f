//! Test events (seed §5.4): a function's saved sample events.
//!
//! Events belong to the function, whatever the qualifier of the URN used to reach them (any
//! URN form is accepted; only the function must exist, else 404 FSS.1051). They are deleted
//! with the function. The validation rules and codes are listed in [`fgs_core::test_event`].

use fgs_core::test_event::{
    CreateTestEventRequest, ListTestEventsResponse, TestEvent, TestEventRef,
    UpdateTestEventRequest, check_content, check_name,
};
use fgs_core::{ErrorKind, Result};

use crate::Emulator;
use crate::state::FunctionEntry;

impl Emulator {
    /// Creates a test event (seed §5.4.2) and returns its `{id, name}`.
    ///
    /// Errors: FSS.1051 missing function; FSS.1074 bad name or content; FSS.1069 content over
    /// `Limits::max_test_event_size`; FSS.1073 a same-named event exists; FSS.1068 the
    /// function already has `Limits::max_test_events` events.
    pub fn create_test_event(
        &self,
        function_urn: &str,
        req: CreateTestEventRequest,
    ) -> Result<TestEventRef> {
        let urn = self.parse_urn(function_urn)?;
        let limits = self.limits();
        let now = fgs_core::timefmt::epoch_seconds(self.now());
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &crate::state::FunctionKey::of(&urn));
        let entry = state.function_mut(&urn)?;
        let name = check_name(req.name.as_deref())?;
        let content = check_content(req.content.as_ref(), limits.max_test_event_size)?;
        if entry.test_events.iter().any(|e| e.name == name) {
            return Err(ErrorKind::TestEventExists.with(format!(
                "function '{}' already has a test event named '{name}'",
                urn.name()
            )));
        }
        if entry.test_events.len() >= limits.max_test_events {
            return Err(ErrorKind::TestEventQuotaExceeded.with(format!(
                "function '{}' already has {} test events, the maximum is {}",
                urn.name(),
                entry.test_events.len(),
                limits.max_test_events
            )));
        }
        let event = TestEvent {
            id: self.inner.random.uuid(),
            name: name.to_owned(),
            last_modified: now,
            content,
        };
        let answer = event.reference();
        entry.test_events.push(event);
        tx.commit(&mut state)?;
        Ok(answer)
    }

    /// Lists a function's test events (seed §5.4.1), in creation order. No paging is
    /// documented (A25): every event is returned and `next_marker` equals `count`.
    pub fn list_test_events(&self, function_urn: &str) -> Result<ListTestEventsResponse> {
        let urn = self.parse_urn(function_urn)?;
        let state = self.inner.state.read();
        let entry = state.function(&urn)?;
        let events: Vec<_> = entry.test_events.iter().map(TestEvent::summary).collect();
        let count = events.len() as i64;
        Ok(ListTestEventsResponse {
            events,
            next_marker: count,
            count,
        })
    }

    /// One test event with its content exactly as sent (seed §5.4.4); 404 FSS.1070 for an
    /// unknown id.
    pub fn get_test_event(&self, function_urn: &str, event_id: &str) -> Result<TestEvent> {
        let urn = self.parse_urn(function_urn)?;
        let state = self.inner.state.read();
        let entry = state.function(&urn)?;
        let index = event_index(entry, event_id)?;
        Ok(entry.test_events[index].clone())
    }

    /// Replaces a test event's content (seed §5.4.5; the name cannot change) and refreshes its
    /// `last_modified`. Same content rules as create; 404 FSS.1070 for an unknown id.
    pub fn update_test_event(
        &self,
        function_urn: &str,
        event_id: &str,
        req: UpdateTestEventRequest,
    ) -> Result<TestEventRef> {
        let urn = self.parse_urn(function_urn)?;
        let max = self.limits().max_test_event_size;
        let now = fgs_core::timefmt::epoch_seconds(self.now());
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &crate::state::FunctionKey::of(&urn));
        let entry = state.function_mut(&urn)?;
        let index = event_index(entry, event_id)?;
        let content = check_content(req.content.as_ref(), max)?;
        let event = &mut entry.test_events[index];
        event.content = content;
        event.last_modified = now;
        let answer = event.reference();
        tx.commit(&mut state)?;
        Ok(answer)
    }

    /// Deletes a test event (seed §5.4.3); 404 FSS.1070 for an unknown id (A26).
    pub fn delete_test_event(&self, function_urn: &str, event_id: &str) -> Result<()> {
        let urn = self.parse_urn(function_urn)?;
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &crate::state::FunctionKey::of(&urn));
        let entry = state.function_mut(&urn)?;
        let index = event_index(entry, event_id)?;
        entry.test_events.remove(index);
        tx.commit(&mut state)
    }
}

/// The position of an event in its function's list, 404 FSS.1070 if absent.
fn event_index(entry: &FunctionEntry, event_id: &str) -> Result<usize> {
    entry
        .test_events
        .iter()
        .position(|e| e.id == event_id)
        .ok_or_else(|| {
            ErrorKind::TestEventNotFound.with(format!(
                "test event '{event_id}' of function '{}' does not exist",
                entry.latest.config.func_name
            ))
        })
}
