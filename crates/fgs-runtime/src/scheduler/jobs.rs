//! The scheduler's public face on [`Emulator`] and what each job does.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use fgs_core::clock::Clock as _;
use fgs_core::reserved::ReservedConfig;
use fgs_core::trigger::{EventContext, Trigger, TriggerType, build_event};
use fgs_core::urn::{FunctionUrn, Qualifier, UrnDefaults};
use fgs_core::{ErrorKind, Result};
use serde_json::Value;

use super::{DeliveredEvent, Job};
use crate::Emulator;
use crate::state::{FunctionKey, TriggerRecord};

impl Emulator {
    /// Runs the scheduler forward by `by` and returns how many jobs ran (stale ones
    /// included).
    ///
    /// With a [`ManualClock`](fgs_core::clock::ManualClock) the clock moves to each due job
    /// in order (due time, then queue order), the job runs, and so on until everything due
    /// up to `now + by` has run, jobs queued by those jobs included; the clock then stands
    /// at `now + by`. With any other clock the time cannot be moved: it runs what is due now
    /// (the background driver does this by itself).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::time::Duration;
    /// use fgs_core::clock::{Clock, ManualClock};
    /// let clock = Arc::new(ManualClock::at_rfc3339("2024-05-01T00:00:00Z")?);
    /// let emu = fgs_runtime::Emulator::builder().clock(clock.clone()).build()?;
    /// emu.advance(Duration::from_secs(3600));
    /// assert_eq!(clock.now().to_rfc3339(), "2024-05-01T01:00:00+00:00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn advance(&self, by: Duration) -> usize {
        let scheduler = &self.inner.scheduler;
        let _running = scheduler.run_lock.lock();
        let manual = self.inner.clock.as_manual();
        let now = self.now();
        let target = match manual {
            Some(_) => TimeDelta::from_std(by)
                .ok()
                .and_then(|d| now.checked_add_signed(d))
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            None => now,
        };
        let mut ran = 0;
        while let Some((due, job)) = scheduler.pop_due(target) {
            if let Some(clock) = manual
                && due > clock.now()
            {
                clock.set(due);
            }
            self.run_job(due, job);
            ran += 1;
        }
        if let Some(clock) = manual
            && target > clock.now()
        {
            clock.set(target);
        }
        self.sweep_idle();
        ran
    }

    /// Reclaims idle instances if a sweep period has passed since the last sweep (module
    /// docs).
    fn sweep_idle(&self) {
        if self.inner.runner.started().is_none() {
            return;
        }
        let period = (self.inner.runner.settings.idle_timeout / 10)
            .clamp(Duration::from_secs(1), Duration::from_secs(60));
        let now = self.now();
        {
            let mut last = self.inner.scheduler.last_sweep.lock();
            // A clock set back (ManualClock::set) sweeps too, and restarts the period.
            let due = last.is_none_or(|t| {
                now.signed_duration_since(t)
                    .to_std()
                    .map_or(true, |since| since >= period)
            });
            if !due {
                return;
            }
            *last = Some(now);
        }
        let dropped = self.reclaim_idle();
        if dropped > 0 {
            tracing::debug!(dropped, "idle instances reclaimed");
        }
    }

    /// Runs every job due now without moving the clock (`advance(Duration::ZERO)`).
    pub fn run_due(&self) -> usize {
        self.advance(Duration::ZERO)
    }

    /// When the next queued scheduler job is due (a stale job of an updated or deleted
    /// trigger counts until it comes due and is dropped).
    pub fn next_scheduled(&self) -> Option<DateTime<Utc>> {
        self.inner.scheduler.next_due()
    }

    /// How many jobs the scheduler holds (stale ones included).
    pub fn scheduled_jobs(&self) -> usize {
        self.inner.scheduler.len()
    }

    /// Whether the background scheduler thread is running (only for non-manual clocks; it
    /// stops when the last handle of the emulator is dropped).
    pub fn scheduler_thread_running(&self) -> bool {
        self.inner.scheduler.driver().is_running()
    }

    /// What the scheduler delivered: every event a TIMER fired and every event
    /// [`Emulator::fire_trigger`] delivered, oldest first (at most
    /// [`super::DELIVERY_LOG_CAPACITY`]). Async invocation will consume these events; the
    /// log stays as the record of deliveries.
    pub fn fired_events(&self) -> Vec<DeliveredEvent> {
        self.inner.scheduler.delivered()
    }

    /// Like [`Emulator::fired_events`], and empties the log.
    pub fn take_fired_events(&self) -> Vec<DeliveredEvent> {
        self.inner.scheduler.take_delivered()
    }

    /// Fires a trigger with a payload (issue 4): builds the event its type delivers
    /// ([`fgs_core::trigger::events`] documents each shape and how the payload is read),
    /// delivers it to the trigger's own qualifier the way the type invokes (sync for APIG,
    /// DEDICATEDGATEWAY and APIC, async for the others) and returns the event.
    ///
    /// The URN selects the trigger as in §5.12.5 (an unqualified or `latest` URN any trigger
    /// of the function). Errors: FSS.1051/1052/1053 for a missing function, version or
    /// alias; FSS.1137 for an unknown type code or a trigger of another type; the type's
    /// not-found code for an unknown id; 400 FSS.1318 when the trigger is DISABLED (only an
    /// ACTIVE trigger fires). A TIMER fires at once with its own `user_event` (the payload is
    /// ignored) and keeps its schedule.
    pub fn fire_trigger(
        &self,
        function_urn: &str,
        trigger_type_code: &str,
        trigger_id: &str,
        payload: Value,
    ) -> Result<Value> {
        let urn = self.parse_urn(function_urn)?;
        let record = {
            let state = self.inner.state.read();
            let entry = crate::triggers::scoped_entry(&state, &urn)?;
            let i = crate::triggers::find(entry, &urn, trigger_type_code, trigger_id)?;
            entry.triggers[i].clone()
        };
        if !record.trigger.is_active() {
            return Err(ErrorKind::InvalidTriggerOperation.with(format!(
                "{} trigger '{trigger_id}' is DISABLED; only an ACTIVE trigger fires",
                record.trigger.trigger_type_code
            )));
        }
        let key = FunctionKey::of(&urn);
        Ok(self.deliver(&key, &record, &payload, self.now()))
    }

    /// The reserved-instance count in effect for the qualifier a URN names (an unqualified
    /// URN means `latest`): the configured `count` (0 when never set), or the `count` of the
    /// `cron_configs` policy that fired last and has not expired (seed §5.10.1; see
    /// [`fgs_core::reserved`]).
    ///
    /// Errors: FSS.1051 / FSS.1052 / FSS.1053 for a missing function, version or alias.
    pub fn effective_reserved_count(&self, function_urn: &str) -> Result<u32> {
        let urn = self.parse_urn(function_urn)?;
        let qualifier = urn.effective_qualifier();
        let state = self.inner.state.read();
        let entry = state.function(&urn)?;
        entry.check_qualifier(qualifier)?;
        let Some(config) = entry.reserved.get(qualifier.name()) else {
            return Ok(0);
        };
        let key = FunctionKey::of(&urn);
        Ok(
            match self.inner.scheduler.effective(&key, qualifier.name()) {
                Some((_, count, _)) => count,
                None => config.count,
            },
        )
    }

    /// Registers (or re-registers) a trigger after it was created or updated: older queued
    /// firings become stale; an ACTIVE TIMER gets its next firing after `updated_at`.
    pub(crate) fn schedule_trigger(&self, key: &FunctionKey, trigger: &Trigger) {
        self.schedule_trigger_after(key, trigger, trigger.updated_at);
    }

    /// [`Emulator::schedule_trigger`] with the next firing strictly after `after` (a
    /// restart resumes after the later of the last fired tick and the restart: `crate::store`).
    pub(crate) fn schedule_trigger_after(
        &self,
        key: &FunctionKey,
        trigger: &Trigger,
        after: DateTime<Utc>,
    ) {
        if trigger.trigger_type_code != TriggerType::Timer {
            return;
        }
        let generation = self.inner.scheduler.bump_timer(&trigger.trigger_id);
        if !trigger.is_active() {
            return;
        }
        let offset = self.inner.settings.utc_offset;
        if let Some(next) = trigger
            .schedule()
            .and_then(|s| s.next_after_in(after, offset))
        {
            self.inner.scheduler.push(
                next,
                Job::Timer {
                    key: key.clone(),
                    trigger_id: trigger.trigger_id.clone(),
                    generation,
                },
            );
        }
    }

    /// Registers a qualifier's reserved-instance policies after `update_reserved_instances`.
    pub(crate) fn schedule_reserved(
        &self,
        key: &FunctionKey,
        qualifier: &str,
        config: &ReservedConfig,
    ) {
        let generation = self.inner.scheduler.bump_reserved(key, qualifier);
        let now = self.now();
        let policies = config
            .tactics_config
            .as_ref()
            .and_then(|t| t.cron_configs.as_ref());
        for (index, policy) in policies.into_iter().flatten().enumerate() {
            let start = policy
                .start_time
                .and_then(|s| DateTime::from_timestamp(s, 0))
                .filter(|s| *s > now);
            // The first firing at or after start_time, else strictly after now.
            let from = start.map_or(now, |s| s - TimeDelta::seconds(1));
            if let Some(due) = self.next_policy_firing(policy, from) {
                self.inner.scheduler.push(
                    due,
                    Job::ReservedPolicy {
                        key: key.clone(),
                        qualifier: qualifier.to_owned(),
                        generation,
                        index,
                    },
                );
            }
            if let Some(end) = policy
                .expired_time
                .and_then(|e| DateTime::from_timestamp(e, 0))
                && end > now
            {
                self.inner.scheduler.push(
                    end,
                    Job::ReservedExpiry {
                        key: key.clone(),
                        qualifier: qualifier.to_owned(),
                        generation,
                        index,
                    },
                );
            }
        }
    }

    /// The next firing of a policy strictly after `t` and not after its `expired_time`.
    fn next_policy_firing(
        &self,
        policy: &fgs_core::reserved::CronConfig,
        t: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let offset = self.inner.settings.utc_offset;
        let next = fgs_core::trigger::cron_next_after(&policy.schedule()?, t, offset)?;
        let end = policy
            .expired_time
            .and_then(|e| DateTime::from_timestamp(e, 0));
        match end {
            Some(end) if next > end => None,
            _ => Some(next),
        }
    }

    /// Runs one job at its due time.
    fn run_job(&self, due: DateTime<Utc>, job: Job) {
        match job {
            Job::Timer {
                key,
                trigger_id,
                generation,
            } => self.run_timer(due, &key, &trigger_id, generation),
            Job::ReservedPolicy {
                key,
                qualifier,
                generation,
                index,
            } => self.run_policy(due, &key, &qualifier, generation, index),
            Job::ReservedExpiry {
                key,
                qualifier,
                generation,
                index,
            } => {
                let scheduler = &self.inner.scheduler;
                if scheduler.reserved_generation(&key, &qualifier) == Some(generation)
                    && scheduler
                        .effective(&key, &qualifier)
                        .is_some_and(|e| e.2 == index)
                {
                    scheduler.set_effective(&key, &qualifier, None);
                    self.apply_scheduled_reserved(&key, &qualifier);
                }
            }
            Job::Deferred(work) => work(self),
        }
    }

    /// Fires a TIMER if its job is current and it still exists and is ACTIVE, then queues
    /// its next firing.
    fn run_timer(&self, due: DateTime<Utc>, key: &FunctionKey, trigger_id: &str, generation: u64) {
        let scheduler = &self.inner.scheduler;
        if !scheduler.timer_is_current(trigger_id, generation) {
            return;
        }
        let record = {
            let state = self.inner.state.read();
            state
                .functions
                .get(key)
                .and_then(|entry| entry.triggers.get(trigger_id).cloned())
        };
        let Some(record) = record else {
            scheduler.forget_timer(trigger_id);
            return;
        };
        if !record.trigger.is_active() {
            return;
        }
        // The tick is recorded before it fires, so a restart never fires it again.
        self.record_timer_tick(trigger_id, due);
        self.deliver(key, &record, &Value::Null, due);
        let offset = self.inner.settings.utc_offset;
        if let Some(next) = record
            .trigger
            .schedule()
            .and_then(|s| s.next_after_in(due, offset))
        {
            scheduler.push(
                next,
                Job::Timer {
                    key: key.clone(),
                    trigger_id: trigger_id.to_owned(),
                    generation,
                },
            );
        }
    }

    /// Applies reserved policy `index` if its generation is current, then queues its next
    /// firing.
    fn run_policy(
        &self,
        due: DateTime<Utc>,
        key: &FunctionKey,
        qualifier: &str,
        generation: u64,
        index: usize,
    ) {
        let scheduler = &self.inner.scheduler;
        if scheduler.reserved_generation(key, qualifier) != Some(generation) {
            return;
        }
        let policy = {
            let state = self.inner.state.read();
            state
                .functions
                .get(key)
                .and_then(|e| e.reserved.get(qualifier))
                .and_then(|c| c.tactics_config.as_ref())
                .and_then(|t| t.cron_configs.as_ref())
                .and_then(|c| c.get(index))
                .cloned()
        };
        let Some(policy) = policy else {
            return;
        };
        let count = policy
            .count
            .and_then(|c| u32::try_from(c).ok())
            .unwrap_or(0);
        scheduler.set_effective(key, qualifier, Some((generation, count, index)));
        self.apply_scheduled_reserved(key, qualifier);
        if let Some(next) = self.next_policy_firing(&policy, due) {
            scheduler.push(
                next,
                Job::ReservedPolicy {
                    key: key.clone(),
                    qualifier: qualifier.to_owned(),
                    generation,
                    index,
                },
            );
        }
    }

    /// Builds a trigger's event at `time` and dispatches it; returns the event.
    fn deliver(
        &self,
        key: &FunctionKey,
        record: &TriggerRecord,
        payload: &Value,
        time: DateTime<Utc>,
    ) -> Value {
        let defaults = UrnDefaults::new(self.region(), key.project_id.clone());
        let qualifier: Qualifier = record.qualifier.clone();
        let urn = FunctionUrn::new(&defaults, &key.package, &key.name, Some(qualifier)).full();
        let event_id = self.inner.random.uuid();
        let ctx = EventContext {
            time,
            utc_offset: self.inner.settings.utc_offset,
            region: self.region(),
            project_id: &key.project_id,
            domain_id: &self.inner.settings.domain_id,
            function_urn: &urn,
            event_id: &event_id,
        };
        let event = build_event(&record.trigger, payload, &ctx);
        let ty = record.trigger.trigger_type_code;
        self.dispatch_trigger_event(DeliveredEvent {
            function_urn: urn,
            trigger_id: record.trigger.trigger_id.clone(),
            trigger_type: ty,
            invoke_mode: ty.invoke_mode(),
            time,
            event: event.clone(),
        });
        event
    }

    /// The one place a trigger's event goes: it records the delivery
    /// ([`Emulator::fired_events`]) and invokes `delivery.function_urn`, asynchronously
    /// ([`Emulator::invoke_async`]) or synchronously per `delivery.invoke_mode`.
    pub(crate) fn dispatch_trigger_event(&self, delivery: DeliveredEvent) {
        self.invoke_trigger_delivery(&delivery);
        self.inner.scheduler.record(delivery);
    }
}

impl Emulator {
    /// Makes the warm pool follow a reserved count a policy just changed: pre-warms (or
    /// releases) instances of the qualifier's version.
    pub(crate) fn apply_scheduled_reserved(&self, key: &FunctionKey, qualifier: &str) {
        let Ok(q) = fgs_core::urn::Qualifier::parse(qualifier) else {
            return;
        };
        let urn = fgs_core::urn::FunctionUrn::new(
            &self.inner.settings.urn,
            key.package.clone(),
            key.name.clone(),
            Some(q),
        );
        self.apply_reserved(&urn);
    }
}
