//! The scheduler: timed jobs on the emulator's [`Clock`](fgs_core::clock::Clock) (issue 4,
//! DESIGN §5-6).
//!
//! One [`Scheduler`] per emulator holds jobs ordered by due time, then by insertion (a
//! `BTreeMap` keyed by `(due, sequence)`). Job kinds:
//! - **TIMER triggers** (DECISIONS "Triggers": Rate, six-field Cron, `@every`). A trigger is
//!   registered when it is created and re-registered whenever it is updated (enable, disable,
//!   new `event_data`): each registration bumps the trigger's *generation*, and a queued job
//!   of an older generation is dropped when it comes due. Deletions need no hook: when a job
//!   comes due it looks the trigger up in the state, and a trigger that is gone (deleted on
//!   its own, with its version or alias, or with its function) or not ACTIVE is dropped. So
//!   at most one stale job per update stays queued until its due time. The first firing is
//!   the schedule's next time strictly after the creation or update instant; each firing
//!   queues the next one after its own due time. Cron fields are read in the emulator's UTC
//!   offset.
//! - **Reserved-instance `tactics_config.cron_configs`** (seed §5.10.1): registered on every
//!   `update_reserved_instances` (same generation rule). From `start_time` (or now) to
//!   `expired_time` (epoch seconds), each time a policy's `cron` fires the qualifier's
//!   *effective* reserved count becomes the policy's `count`; at `expired_time` it returns to
//!   the configured `count` if that policy was the last applied. See
//!   [`crate::Emulator::effective_reserved_count`].
//! - **Deferred work** (crate-internal): any closure at a due time, for retry backoffs and
//!   delayed async events.
//!
//! Idle instances: after the jobs of each run, the scheduler drops the instances idle for
//! the idle timeout ([`crate::EmulatorBuilder::idle_timeout`], default 10 minutes) with
//! [`crate::Emulator::reclaim_idle`], at most once per sweep period (a tenth of the idle
//! timeout, between 1 s and 60 s, on the emulator's clock). An idle instance therefore goes
//! between its idle timeout and one period later, with no queued job of its own: on a manual
//! clock, `advance` past the idle timeout makes the next call a cold start.
//!
//! Driving: with a [`ManualClock`](fgs_core::clock::ManualClock), nothing runs by itself:
//! [`crate::Emulator::advance`] moves the clock to each due job in turn, runs it, and returns
//! once everything due up to the target has run, including jobs queued by those jobs. With
//! any other clock a background thread (`fgs-scheduler`) sleeps until the next due job (at
//! most a minute at a time) and runs it; it holds only a weak reference to the emulator and
//! stops, joined, when the last `Emulator` handle is dropped. Jobs must not call `advance`.
//!
//! Delivery: a fired trigger's event goes through one crate-internal dispatch function
//! (`Emulator::dispatch_trigger_event`); for now it records the event in an in-memory log,
//! [`crate::Emulator::fired_events`], "what the scheduler delivered" (bounded to
//! [`DELIVERY_LOG_CAPACITY`] entries, oldest dropped first).

mod driver;
mod jobs;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use fgs_core::trigger::{InvokeMode, TriggerType};
use parking_lot::Mutex;
use serde_json::Value;

use crate::Emulator;
use crate::state::FunctionKey;

pub(crate) use driver::Driver;

/// The most delivered events [`crate::Emulator::fired_events`] keeps (the oldest are dropped).
pub const DELIVERY_LOG_CAPACITY: usize = 100_000;

/// One event a trigger delivered: what the scheduler (a TIMER) or
/// [`crate::Emulator::fire_trigger`] handed to the function.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveredEvent {
    /// The URN of the qualifier the trigger belongs to (`...:latest`, `...:<version>` or
    /// `...:!<alias>`), which the delivery invokes.
    pub function_urn: String,
    /// The trigger's id.
    pub trigger_id: String,
    /// The trigger's type.
    pub trigger_type: TriggerType,
    /// How the type invokes (sync for the APIG family, async otherwise).
    pub invoke_mode: InvokeMode,
    /// When the event was delivered (a TIMER's scheduled firing time).
    pub time: DateTime<Utc>,
    /// The event, in the type's shape ([`fgs_core::trigger::events`]).
    pub event: Value,
}

/// A crate-internal deferred job.
pub(crate) type Deferred = Box<dyn FnOnce(&Emulator) + Send>;

/// A queued job.
pub(crate) enum Job {
    /// Fire a TIMER trigger (if still current, present and ACTIVE).
    Timer {
        key: FunctionKey,
        trigger_id: String,
        generation: u64,
    },
    /// Apply reserved-instance policy `index` of a qualifier's `cron_configs`.
    ReservedPolicy {
        key: FunctionKey,
        qualifier: String,
        generation: u64,
        index: usize,
    },
    /// Policy `index` expires: back to the configured count if it was the last applied.
    ReservedExpiry {
        key: FunctionKey,
        qualifier: String,
        generation: u64,
        index: usize,
    },
    /// Any other work (retry backoffs, delayed async events).
    Deferred(Deferred),
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Job::Timer { trigger_id, .. } => write!(f, "Timer({trigger_id})"),
            Job::ReservedPolicy {
                qualifier, index, ..
            } => write!(f, "ReservedPolicy({qualifier}#{index})"),
            Job::ReservedExpiry {
                qualifier, index, ..
            } => write!(f, "ReservedExpiry({qualifier}#{index})"),
            Job::Deferred(_) => f.write_str("Deferred"),
        }
    }
}

/// The effective reserved count a policy set: (generation, count, policy index).
type Effective = (u64, u32, usize);

/// The queue and the bookkeeping behind the generation rule.
#[derive(Default)]
struct Queue {
    jobs: BTreeMap<(DateTime<Utc>, u64), Job>,
    seq: u64,
    next_generation: u64,
    timers: HashMap<String, u64>,
    reserved: HashMap<(FunctionKey, String), u64>,
    effective: HashMap<(FunctionKey, String), Effective>,
    delivered: VecDeque<DeliveredEvent>,
}

/// The emulator's scheduler (see the module docs). One field of `Inner`.
pub(crate) struct Scheduler {
    queue: Mutex<Queue>,
    /// Serializes `advance` and the background driver's runs.
    run_lock: Mutex<()>,
    /// When idle instances were last reclaimed (`jobs::sweep_idle`).
    last_sweep: Mutex<Option<DateTime<Utc>>>,
    driver: Driver,
}

impl fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = self.queue.lock();
        f.debug_struct("Scheduler")
            .field("jobs", &q.jobs.len())
            .field("delivered", &q.delivered.len())
            .finish()
    }
}

impl Scheduler {
    /// An empty scheduler whose driver is not started.
    pub(crate) fn new() -> Self {
        Scheduler {
            queue: Mutex::new(Queue::default()),
            run_lock: Mutex::new(()),
            last_sweep: Mutex::new(None),
            driver: Driver::default(),
        }
    }

    /// The background driver (started by the builder for non-manual clocks).
    pub(crate) fn driver(&self) -> &Driver {
        &self.driver
    }

    /// Queues `job` at `due` and wakes the driver.
    pub(crate) fn push(&self, due: DateTime<Utc>, job: Job) {
        {
            let mut q = self.queue.lock();
            q.seq += 1;
            let seq = q.seq;
            q.jobs.insert((due, seq), job);
        }
        self.driver.kick();
    }

    /// Queues deferred work at `due`.
    pub(crate) fn defer(&self, due: DateTime<Utc>, work: Deferred) {
        self.push(due, Job::Deferred(work));
    }

    /// Removes and returns the first job due at or before `until`.
    fn pop_due(&self, until: DateTime<Utc>) -> Option<(DateTime<Utc>, Job)> {
        let mut q = self.queue.lock();
        let (&key, _) = q.jobs.first_key_value()?;
        if key.0 > until {
            return None;
        }
        q.jobs.remove(&key).map(|job| (key.0, job))
    }

    /// When the first queued job is due.
    pub(crate) fn next_due(&self) -> Option<DateTime<Utc>> {
        self.queue.lock().jobs.first_key_value().map(|(k, _)| k.0)
    }

    /// How many jobs are queued (stale ones included).
    pub(crate) fn len(&self) -> usize {
        self.queue.lock().jobs.len()
    }

    /// A new generation for a TIMER trigger (older queued jobs become stale).
    fn bump_timer(&self, trigger_id: &str) -> u64 {
        let mut q = self.queue.lock();
        q.next_generation += 1;
        let generation = q.next_generation;
        q.timers.insert(trigger_id.to_owned(), generation);
        generation
    }

    /// Whether `generation` is the trigger's current one.
    fn timer_is_current(&self, trigger_id: &str, generation: u64) -> bool {
        self.queue.lock().timers.get(trigger_id) == Some(&generation)
    }

    /// Forgets a trigger that no longer exists.
    fn forget_timer(&self, trigger_id: &str) {
        self.queue.lock().timers.remove(trigger_id);
    }

    /// A new generation for a qualifier's reserved policies; clears its effective count.
    fn bump_reserved(&self, key: &FunctionKey, qualifier: &str) -> u64 {
        let mut q = self.queue.lock();
        q.next_generation += 1;
        let generation = q.next_generation;
        let k = (key.clone(), qualifier.to_owned());
        q.effective.remove(&k);
        q.reserved.insert(k, generation);
        generation
    }

    /// The qualifier's current reserved generation.
    fn reserved_generation(&self, key: &FunctionKey, qualifier: &str) -> Option<u64> {
        self.queue
            .lock()
            .reserved
            .get(&(key.clone(), qualifier.to_owned()))
            .copied()
    }

    /// Sets (or with `None` clears) the effective count of the current generation.
    fn set_effective(&self, key: &FunctionKey, qualifier: &str, value: Option<Effective>) {
        let mut q = self.queue.lock();
        let k = (key.clone(), qualifier.to_owned());
        match value {
            Some(v) => q.effective.insert(k, v),
            None => q.effective.remove(&k),
        };
    }

    /// The effective count a policy set, if it belongs to the current generation.
    pub(crate) fn effective(&self, key: &FunctionKey, qualifier: &str) -> Option<Effective> {
        let q = self.queue.lock();
        let k = (key.clone(), qualifier.to_owned());
        let current = q.reserved.get(&k)?;
        q.effective.get(&k).filter(|e| e.0 == *current).copied()
    }

    /// Appends to the delivery log.
    fn record(&self, event: DeliveredEvent) {
        let mut q = self.queue.lock();
        if q.delivered.len() >= DELIVERY_LOG_CAPACITY {
            q.delivered.pop_front();
        }
        q.delivered.push_back(event);
    }

    /// The delivery log.
    fn delivered(&self) -> Vec<DeliveredEvent> {
        self.queue.lock().delivered.iter().cloned().collect()
    }

    /// Empties the delivery log and returns what it held.
    fn take_delivered(&self) -> Vec<DeliveredEvent> {
        self.queue.lock().delivered.drain(..).collect()
    }
}

/// Starts the background driver of a freshly built emulator (non-manual clocks).
pub(crate) fn start_driver(emu: &Emulator) {
    emu.inner.scheduler.driver.start(Arc::downgrade(&emu.inner));
}
