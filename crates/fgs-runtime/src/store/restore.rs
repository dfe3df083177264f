//! Opening a store and restoring an emulator from it; [`Emulator::snapshot`].
//!
//! Restart rules (issue 10): every async request that was not final is queued again at once,
//! a RUNNING one (the process died during its attempt) as WAIT with its attempt count and
//! acceptance time kept, so its retries and event age carry over and delivery is at least
//! once. A TIMER trigger resumes on its schedule: its next tick is computed from its last
//! fired tick (recorded before each firing, so no tick fires twice), and every tick at or
//! before the restart that did not fire (missed while the process was down) is skipped.

use std::path::Path;
use std::sync::Arc;

use fgs_core::async_record::AsyncStatus;
use fgs_core::urn::{FunctionUrn, UrnDefaults};
use fgs_core::{ErrorKind, Result};

use super::{Loaded, MemoryStore, RedbStore, Store, all_writes, load, tick_write};
use crate::Emulator;
use crate::state::FunctionKey;

/// The most missed ticks walked through at a restart before a TIMER restarts from now.
const MAX_SKIPPED_TICKS: u32 = 100_000;

/// The store an emulator writes to and what it starts with: the state dir's store (its
/// content, or the snapshot's copied into it) or a memory store (empty, or the snapshot's).
pub(crate) fn open(
    dir: Option<&Path>,
    snapshot: Option<&Path>,
    urn: &UrnDefaults,
) -> Result<(Arc<dyn Store>, Option<Loaded>)> {
    let region = urn.region.clone();
    let urn_of = move |k: &FunctionKey| {
        let defaults = UrnDefaults::new(region.clone(), k.project_id.clone());
        FunctionUrn::new(&defaults, k.package.clone(), k.name.clone(), None).unqualified()
    };
    let from_snapshot = match snapshot {
        Some(s) => {
            if !s.join("FORMAT").is_file() {
                return Err(ErrorKind::InvalidParameter.with(format!(
                    "'{}' is not a snapshot (no FORMAT file)",
                    s.display()
                )));
            }
            Some(load(&RedbStore::open(s)?, &urn_of)?)
        }
        None => None,
    };
    let Some(dir) = dir else {
        return Ok((Arc::new(MemoryStore), from_snapshot));
    };
    let store = RedbStore::open(dir)?;
    let loaded = load(&store, &urn_of)?;
    let loaded = match from_snapshot {
        None => loaded,
        Some(snap) => {
            if !loaded.state.functions.is_empty()
                || !loaded.state.dependencies.is_empty()
                || !loaded.requests.is_empty()
            {
                return Err(ErrorKind::InvalidParameter.with(format!(
                    "state dir '{}' already holds state; a snapshot starts an empty one only",
                    dir.display()
                )));
            }
            let mut writes = all_writes(&snap.state, &snap.requests)?;
            writes.extend(snap.ticks.iter().map(|(id, t)| tick_write(id, *t)));
            store.commit(writes)?;
            snap
        }
    };
    Ok((Arc::new(store), Some(loaded)))
}

impl Emulator {
    /// Puts loaded state in place and re-queues its timed work (see the module docs).
    pub(crate) fn restore(&self, loaded: Loaded) {
        let Loaded {
            state,
            mut requests,
            ticks,
        } = loaded;
        let now = self.now();
        let offset = self.inner.settings.utc_offset;
        let mut resume = Vec::new();
        for (key, entry) in &state.functions {
            for record in entry.triggers.values() {
                let t = &record.trigger;
                let Some(schedule) = t.schedule() else {
                    continue;
                };
                let mut after = ticks
                    .get(&t.trigger_id)
                    .map_or(t.updated_at, |tick| (*tick).max(t.updated_at));
                // Ticks at or before the restart that did not fire are skipped; the schedule
                // keeps its phase (a bounded walk, else it restarts from now).
                let mut steps = 0;
                while let Some(next) = schedule.next_after_in(after, offset)
                    && next <= now
                {
                    after = next;
                    steps += 1;
                    if steps == MAX_SKIPPED_TICKS {
                        after = now;
                        break;
                    }
                }
                resume.push((key.clone(), t.clone(), after));
            }
        }
        let reserved: Vec<_> = state
            .functions
            .iter()
            .flat_map(|(key, e)| {
                e.reserved
                    .iter()
                    .map(move |(q, c)| (key.clone(), q.clone(), c.clone()))
            })
            .collect();
        *self.inner.state.write() = state;
        requests.sort_by_key(|(seq, _)| *seq);
        let mut again = Vec::new();
        {
            let mut book = self.inner.async_queue.book.lock();
            for (seq, mut request) in requests {
                if request.status == AsyncStatus::Running {
                    request.status = AsyncStatus::Wait;
                }
                if !request.status.is_final() {
                    book.pending += 1;
                    again.push(request.request_id.clone());
                }
                book.next_seq = book.next_seq.max(seq);
                book.index.insert(request.request_id.clone(), seq);
                book.requests.insert(seq, request);
            }
        }
        for id in again {
            self.schedule_attempt(&id, now);
        }
        for (key, trigger, after) in resume {
            self.schedule_trigger_after(&key, &trigger, after);
        }
        // Reserved instances are pre-warmed again, as after `update_reserved_instances`.
        for (key, qualifier, config) in reserved {
            self.schedule_reserved(&key, &qualifier, &config);
            if config.count > 0 || config.tactics_config.is_some() {
                self.apply_scheduled_reserved(&key, &qualifier);
            }
        }
    }

    /// Records that a TIMER trigger fired at `tick` (nothing without a state dir). A failed
    /// write is logged: the firing goes ahead.
    pub(crate) fn record_timer_tick(&self, trigger_id: &str, tick: chrono::DateTime<chrono::Utc>) {
        let store = &self.inner.store;
        if store.durable()
            && let Err(e) = store.commit(vec![tick_write(trigger_id, tick)])
        {
            tracing::warn!(trigger_id, error = %e, "cannot record a TIMER tick");
        }
    }

    /// Writes the whole state (every management resource and the async queue with its
    /// records) to a new directory `dir`, which
    /// [`EmulatorBuilder::from_snapshot`](crate::EmulatorBuilder::from_snapshot) starts other
    /// emulators from: a test suite sets up a rich state once and starts each test from it.
    /// Works with or without a state dir. Errors (FSS.0400) if `dir` already holds a store.
    pub fn snapshot(&self, dir: impl AsRef<Path>) -> Result<()> {
        let state = self.inner.state.read();
        let requests: Vec<_> = {
            let book = self.inner.async_queue.book.lock();
            book.requests
                .iter()
                .map(|(seq, r)| (*seq, r.clone()))
                .collect()
        };
        super::write_snapshot(dir.as_ref(), &state, &requests)
    }
}
