//! Running functions (seed §5.1.1 sync invoke, DESIGN §4-§5): [`Emulator::invoke`] and
//! [`Emulator::invoke_with`] resolve a URN, pick the version (alias weights drawn from the
//! emulator's seeded random source), run it through `fgs-executor` and record its metrics.
//!
//! The semantics are documented on [`Emulator::invoke`].

mod component;
mod outcome;
mod routes;
mod runner;
mod sub;

use std::sync::Arc;
use std::time::Duration;

use fgs_core::metrics::{InvocationRecord, MetricOutcome};
use fgs_core::urn::{LATEST, Qualifier};
use fgs_core::{ErrorKind, Result};
use fgs_executor::{Executor, Request};

pub use fgs_executor::OverLimit;
pub use fgs_executor::fgs_abi::InvocationType;
pub use outcome::OutcomeKind;
pub(crate) use runner::{ExecCell, ExecSettings, Runner};
pub(crate) use sub::invoke_for as sub_invoke_for;

use crate::Emulator;
use crate::state::{FunctionEntry, FunctionKey};
use routes::Route;
use runner::{DeployInput, Deployment, max_instances};

/// Per-call options of [`Emulator::invoke_with`]. `Default` is a sync first attempt with a
/// fresh request id and the log tail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvokeOptions {
    /// Sync (§5.1.1) or async (§5.1.2); the guest sees it in its context. Default sync.
    pub invocation_type: InvocationType,
    /// The attempt number the guest sees (1 for the first try). Default 1.
    pub attempt: u32,
    /// The request id; default a fresh UUID from the emulator's random source.
    pub request_id: Option<String>,
    /// Return the last 4 KB of the log (`X-Cff-Log-Type: tail`). Default true.
    pub log_tail: bool,
    /// Caps the function's `timeout` for this call, and a wait for an instance under
    /// [`OverLimit::Wait`]. A sub-function call (seed example 4.4) gets its caller's remaining
    /// time: when the caller's time runs out, the call it waits on ends with it (on the
    /// platform the callee would run on by itself). Default `None`.
    pub time_limit: Option<Duration>,
    /// The caller is a task on a worker thread of a multi-threaded tokio runtime (an async
    /// server's request handler, as `fgs-http`'s): a handler module then runs right on that
    /// thread, and only what may block (blocking WASI calls, a long-running guest, a wait for
    /// an instance, sub-function calls, Python/Node.js components, WASI commands) steps off
    /// the worker with `tokio::task::block_in_place` (`fgs_executor::Request::on_async_worker`).
    /// Ignored outside a multi-threaded runtime. Default `false`: the call may block the
    /// calling thread.
    pub on_async_worker: bool,
}

impl Default for InvokeOptions {
    fn default() -> Self {
        InvokeOptions {
            invocation_type: InvocationType::Sync,
            attempt: 1,
            request_id: None,
            log_tail: true,
            time_limit: None,
            on_async_worker: false,
        }
    }
}

/// A finished invocation: what ran, how it ended, and its figures.
#[derive(Debug, Clone, PartialEq)]
pub struct InvocationResult {
    /// The request id (`X-Cff-Request-Id`).
    pub request_id: String,
    /// The version that ran (`latest` or a published version name).
    pub version: String,
    /// The alias the URN named, if any.
    pub alias: Option<String>,
    /// How it ended (a row of the outcome table).
    pub outcome: OutcomeKind,
    /// The handler's result bytes (empty unless a success).
    pub result: Vec<u8>,
    /// The failure's message (`None` for a success), as the table's `error_msg`.
    pub error_message: Option<String>,
    /// Wall time of the handler call (initializer excluded).
    pub duration: Duration,
    /// `duration` rounded up to the billing granularity (see [`Emulator::invoke`]).
    pub billed_duration: Duration,
    /// Peak bytes of the instance's memories and tables during the call.
    pub memory_used_bytes: u64,
    /// The version's configured `memory_size`, MB.
    pub memory_size_mb: u32,
    /// Whether this call created its instance.
    pub cold_start: bool,
    /// How long the initializer took, if it ran during this call.
    pub init_duration: Option<Duration>,
    /// The last 4 KB of the log, when [`InvokeOptions::log_tail`] asked for it.
    pub log: Option<String>,
    /// The id of the instance that ran the call (unique per emulator).
    pub instance_id: u64,
}

impl InvocationResult {
    /// Whether the handler returned a result.
    pub fn is_success(&self) -> bool {
        self.outcome == OutcomeKind::Success
    }

    /// The HTTP status of the outcome (table in [`OutcomeKind`]).
    pub fn http_status(&self) -> u16 {
        self.outcome.http_status()
    }

    /// The v1 body's `status` field.
    pub fn status(&self) -> u16 {
        self.outcome.status()
    }

    /// The `error_code` of a failure (`None` for a success).
    pub fn error_code(&self) -> Option<&'static str> {
        self.outcome.error_code()
    }

    /// The failure as an error value (code, status and message), for a REST body; `None`
    /// for a success.
    pub fn error(&self) -> Option<fgs_core::Error> {
        let message = self.error_message.clone()?;
        Some(self.outcome.error(message))
    }

    /// The result as text (lossy UTF-8).
    pub fn result_text(&self) -> String {
        String::from_utf8_lossy(&self.result).into_owned()
    }
}

/// Where the version to run comes from.
enum Target {
    Cached(Arc<Deployment>),
    Deploy(Box<DeployInput>),
}

impl Emulator {
    /// Invokes a function synchronously (seed §5.1.1) with [`InvokeOptions::default`]; the
    /// outcome table is on [`OutcomeKind`].
    ///
    /// - **URNs**: every form of §1.6.1 (a bare name, `package:name`, full URNs, with or without
    ///   `latest`, a version or an alias). A missing function, version or alias is 404
    ///   FSS.1051/1052/1053, a malformed URN 400 FSS.1309; those are `Err` and not counted.
    /// - **Outcomes**: see the table on [`OutcomeKind`]: everything that ran is `Ok`
    ///   with its [`OutcomeKind`]; a disabled function (`strategy_config.concurrency` 0) is 403
    ///   FSS.0403 and a call over the function's max instances 429 FSS.0429 (with
    ///   [`OverLimit::Reject`](fgs_executor::OverLimit), the default), both `Err` and counted as
    ///   rejections.
    /// - **Max instances**: `strategy_config.concurrency` of `latest` bounds the invocations of
    ///   the whole function (every version and alias) running at once; -1 (the default) means
    ///   [`fgs_core::limits::Limits::default_max_instances`]. `update_max_instances` and
    ///   `update_function_config` apply it at once. One instance runs one request at a time.
    /// - **Billing**: the billed duration is the run's wall time rounded up to the billing
    ///   granularity ([`crate::EmulatorBuilder::billing_granularity`], default 1 ms, the
    ///   platform's per-millisecond billing), at least one unit; a call that never entered the
    ///   guest (missing handler) bills 0.
    /// - **Instances**: warm instances are reused; reserved instances (§5.10,
    ///   [`Emulator::update_reserved_instances`]) are created at once with their initializer run,
    ///   for the version the qualifier names (an alias: its main version); idle instances are
    ///   dropped after the idle timeout on the emulator's clock, by the scheduler as time
    ///   passes ([`Emulator::advance`] on a manual clock) or at once by
    ///   [`Emulator::reclaim_idle`].
    /// - **Time limits**: a call runs within `timeout` (or [`InvokeOptions::time_limit`] when
    ///   smaller; a sub-function call gets its caller's remaining time). Over max instances,
    ///   an async attempt is rejected at once whatever the [`OverLimit`] policy, and retried by
    ///   the queue.
    /// - **Environment**: `user_data` and `encrypted_user_data` keys are environment variables;
    ///   the files of the version's dependencies are readable under [`fgs_abi::DEPS_DIR`]
    ///   (read-only); the guest's wall clock is the emulator's clock.
    /// - **Sub-functions** (seed example 4.4): a guest's `fgs_guest::invoke(urn, event)` runs
    ///   another function synchronously through this emulator.
    ///
    ///
    /// [`fgs_abi::DEPS_DIR`]: fgs_executor::fgs_abi::DEPS_DIR
    ///
    /// ```
    /// let emu = fgs_runtime::Emulator::builder().manual_epoch().build()?;
    /// emu.create_function(serde_json::from_value(serde_json::json!({
    ///     "func_name": "hello", "package": "default", "runtime": "Custom", "timeout": 3,
    ///     "handler": "index.handler", "memory_size": 128, "code_type": "inline"
    /// })).unwrap())?; // a blank code file installs the built-in echo handler
    /// let inv = emu.invoke("hello", br#"{"k":"v"}"#)?;
    /// assert_eq!(inv.result, br#"{"k":"v"}"#);
    /// assert_eq!((inv.http_status(), inv.cold_start), (200, true));
    /// # Ok::<(), fgs_core::Error>(())
    /// ```
    ///
    /// Errors: 400 FSS.1309 for a malformed URN; 404 FSS.1051 / FSS.1052 / FSS.1053 for a
    /// missing function, version or alias; 403 FSS.0403 for a disabled function; 429
    /// FSS.0429 over the function's max instances; 500 FSS.0500 when the executor itself
    /// fails (e.g. its instance pool is exhausted).
    pub fn invoke(&self, function_urn: &str, event: &[u8]) -> Result<InvocationResult> {
        self.invoke_with(function_urn, event, InvokeOptions::default())
    }

    /// [`Emulator::invoke`] with per-call options (invocation type, attempt, request id, log
    /// tail), for the async path and triggers.
    pub fn invoke_with(
        &self,
        function_urn: &str,
        event: &[u8],
        options: InvokeOptions,
    ) -> Result<InvocationResult> {
        // Warm path: a route resolved at the current generation of the state (`routes`).
        let generation = self.inner.state.generation();
        let table = self.inner.runner.routes.load();
        if let Some(route) = table.route(function_urn, generation) {
            return self.run(route, event, options);
        }
        drop(table);
        let route = self.resolve(function_urn)?;
        self.run(&route, event, options)
    }

    /// Resolves a URN under the state lock: its function, the version to run (drawn from
    /// the alias weights), the version's deployment (deployed now if needed). Caches the
    /// route when the URN always names the same version.
    fn resolve(&self, function_urn: &str) -> Result<Route> {
        let urn = self.parse_urn(function_urn)?;
        let key = FunctionKey::of(&urn);
        let alias = match urn.qualifier() {
            Some(Qualifier::Alias(a)) => Some(a.clone()),
            _ => None,
        };
        let (generation, cacheable, version, memory_mb, target) = {
            let state = self.inner.state.read();
            let generation = self.inner.state.generation();
            let entry = state.function(&urn)?;
            let qualifier = urn.effective_qualifier();
            let (name, vs) = self.route_version(entry, qualifier)?;
            let memory_mb = vs.config.memory_size;
            if entry.latest.config.strategy_config.concurrency == Some(0) {
                drop(state);
                self.record_invocation(&key, rejected(memory_mb));
                return Err(OutcomeKind::Disabled.error(format!(
                    "function '{}' is disabled: its strategy_config.concurrency (max instances) is 0",
                    urn.name()
                )));
            }
            let cacheable = match &alias {
                Some(a) => entry.aliases.get(a).is_some_and(|a| {
                    a.additional_version_weights
                        .as_ref()
                        .is_none_or(|w| w.is_empty())
                }),
                None => true,
            };
            let target = match self.inner.runner.cached(&key, entry.seq, &name, &vs.config) {
                Some(d) => Target::Cached(d),
                None => {
                    Target::Deploy(Box::new(self.deploy_input(&state, entry, &key, &name, vs)?))
                }
            };
            (generation, cacheable, name, memory_mb, target)
        };
        let deployment = match target {
            Target::Cached(d) => d,
            Target::Deploy(input) => {
                let exec = self.executor()?;
                self.inner.runner.deploy(exec, *input)?
            }
        };
        let metrics = self.inner.metrics.cell(&key);
        let route = Route {
            function: Arc::from(urn.name()),
            version,
            alias,
            memory_mb,
            deployment,
            metrics,
        };
        if cacheable {
            self.inner
                .runner
                .routes
                .insert(function_urn, generation, || route.clone());
        }
        Ok(route)
    }

    /// Runs one invocation on a resolved route and records its metrics.
    fn run(&self, route: &Route, event: &[u8], options: InvokeOptions) -> Result<InvocationResult> {
        let request_id = options
            .request_id
            .unwrap_or_else(|| self.inner.random.request_id());
        // An async attempt never waits for an instance (it would hold the scheduler's
        // thread): it is rejected and the queue retries it (`crate::async_invoke`).
        let over_limit = match (
            options.invocation_type,
            self.inner.runner.settings.over_limit,
        ) {
            (InvocationType::Async, _) => Some(OverLimit::Reject),
            (_, OverLimit::Wait(d)) => options.time_limit.map(|t| OverLimit::Wait(d.min(t))),
            _ => None,
        };
        let request = Request {
            event,
            request_id: &request_id,
            version_label: route.alias.as_deref(),
            invocation_type: options.invocation_type,
            attempt: options.attempt.max(1),
            over_limit,
            time_limit: options.time_limit,
            on_async_worker: options.on_async_worker,
        };
        let memory_mb = route.memory_mb;
        let inv = match route.deployment.version.invoke(&request) {
            Ok(inv) => inv,
            Err(e @ fgs_executor::Error::TooManyInstances { .. }) => {
                self.record_in(&route.metrics, &rejected(memory_mb));
                return Err(OutcomeKind::Rejected.error(e.to_string()));
            }
            Err(e) => return Err(runner::internal(&e)),
        };
        let outcome = OutcomeKind::of(&inv.outcome);
        let billed_duration = self.billed(inv.duration);
        self.record_in(
            &route.metrics,
            &InvocationRecord {
                outcome: if outcome == OutcomeKind::Success {
                    MetricOutcome::Success
                } else {
                    MetricOutcome::FunctionError
                },
                duration_ms: inv.duration.as_secs_f64() * 1000.0,
                billed_ms: billed_duration.as_millis().min(u128::from(u64::MAX)) as u64,
                memory_mb,
                cold_start: inv.cold_start,
            },
        );
        // One event per finished invocation (sync, async or trigger), for `fgs-local serve`.
        tracing::info!(
            target: "fgs_runtime::invocation",
            function = %route.function,
            version = %route.version,
            request_id = %request_id,
            kind = ?options.invocation_type,
            outcome = outcome.name(),
            // Microsecond precision, as a person reads it (`0.310`, not `0.30976000000000004`).
            duration_ms = %format_args!("{:.3}", inv.duration.as_secs_f64() * 1000.0),
            cold = inv.cold_start,
            billed_ms = billed_duration.as_millis() as u64,
            "invocation"
        );
        let log = options.log_tail.then(|| inv.log_tail().to_owned());
        let (result, error_message) = match inv.outcome {
            fgs_executor::Outcome::Success(bytes) => (bytes, None),
            other => (Vec::new(), Some(other.to_string())),
        };
        Ok(InvocationResult {
            request_id,
            version: route.version.clone(),
            alias: route.alias.clone(),
            outcome,
            result,
            error_message,
            duration: inv.duration,
            billed_duration,
            memory_used_bytes: inv.max_memory_bytes,
            memory_size_mb: memory_mb,
            cold_start: inv.cold_start,
            init_duration: inv.init_duration,
            log,
            instance_id: inv.instance_id,
        })
    }

    /// Drops every idle instance that is not reserved and has not run for the idle timeout
    /// ([`crate::EmulatorBuilder::idle_timeout`], measured on the emulator's clock), and
    /// replaces reserved instances that were discarded. Returns how many were dropped. The
    /// next call of such a function is a cold start.
    pub fn reclaim_idle(&self) -> usize {
        self.inner
            .runner
            .started()
            .map_or(0, Executor::reclaim_idle)
    }

    /// How many invocations of the function a URN names (any form; the count is the whole
    /// function's, every version and alias) are running now: what the max-instances limit
    /// (§5.6.8) counts.
    ///
    /// Errors: FSS.1051 / FSS.1052 / FSS.1053 for a missing function, version or alias.
    pub fn running_invocations(&self, function_urn: &str) -> Result<u32> {
        let urn = self.parse_urn(function_urn)?;
        {
            let state = self.inner.state.read();
            state
                .function(&urn)?
                .check_qualifier(urn.effective_qualifier())?;
        }
        Ok(self.inner.runner.running(&FunctionKey::of(&urn)))
    }

    /// Moves the executor's time by `ticks` epoch ticks (each
    /// [`crate::EmulatorBuilder::epoch_tick`] long, default 10 ms). With
    /// [`crate::EmulatorBuilder::manual_epoch`] this is the only way time passes inside a
    /// guest: a handler times out after `ceil(timeout / tick)` ticks. Tests call it from
    /// another thread while an invocation runs.
    pub fn advance_epoch(&self, ticks: u64) -> Result<()> {
        self.executor()?.tick(ticks);
        Ok(())
    }

    /// The executor, built on first use from the builder's settings, with the emulator's
    /// clock and this emulator as the sub-function invoker.
    fn executor(&self) -> Result<&Executor> {
        let runner = &self.inner.runner;
        runner.executor(|s| {
            let mut b = Executor::builder()
                .epoch_tick(s.epoch_tick)
                .cpu_share(s.cpu_share)
                .pool_instances(s.pool_instances)
                .idle_timeout(s.idle_timeout)
                .clock(self.inner.clock.clone());
            if s.manual_epoch {
                b = b.manual_epoch();
            }
            if let Some(dir) = &s.cache_dir {
                b = b.cache_dir(dir.clone());
            }
            let exec = b.build()?;
            let invoker = runner
                .invoker_override()
                .unwrap_or_else(|| Arc::new(sub::EmulatorInvoker::new(&self.inner)));
            exec.set_sub_invoker(invoker);
            Ok(exec)
        })
    }

    /// `duration` rounded up to the billing granularity, at least one unit; 0 stays 0.
    fn billed(&self, duration: Duration) -> Duration {
        if duration.is_zero() {
            return Duration::ZERO;
        }
        // In u64 nanoseconds (584 years): no 128-bit division on every call.
        let nanos = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        let unit = nanos(self.inner.runner.settings.billing_granularity).max(1);
        Duration::from_nanos(nanos(duration).div_ceil(unit).saturating_mul(unit))
    }

    /// What deploying `name` of `entry` needs, read under the state lock.
    fn deploy_input(
        &self,
        state: &crate::state::State,
        entry: &FunctionEntry,
        key: &FunctionKey,
        name: &str,
        vs: &crate::state::VersionState,
    ) -> Result<DeployInput> {
        let dep_files = match vs.config.depend_list.as_deref() {
            Some(ids) if !ids.is_empty() => crate::dependencies::dependency_files(state, ids)?,
            _ => Default::default(),
        };
        Ok(DeployInput {
            key: key.clone(),
            seq: entry.seq,
            version_name: name.to_owned(),
            config: vs.config.clone(),
            code: vs.code.clone(),
            dep_files,
            max_instances: max_instances(
                entry.latest.config.strategy_config.concurrency,
                self.limits().default_max_instances,
            ),
            reserved: self.reserved_for(key, entry, name),
        })
    }

    /// Applies a function's new `strategy_config.concurrency` to its running side at once
    /// (called by `update_max_instances` and `update_function_config`).
    pub(crate) fn apply_max_instances(&self, key: &FunctionKey, concurrency: Option<i64>) {
        let max = max_instances(concurrency, self.limits().default_max_instances);
        self.inner.runner.set_max_instances(key, max);
    }

    /// Drops the deployments of a deleted function (`None`) or version.
    pub(crate) fn forget_deployments(&self, key: &FunctionKey, version: Option<&str>) {
        self.inner.runner.forget(key, version);
    }

    /// Makes the executor keep the reserved instances of the version a qualifier names
    /// (called by `update_reserved_instances`): deploys it if needed and pre-warms the
    /// instances now (initializer included). A failure to pre-warm (for example a failing
    /// initializer) is logged, not returned: the config is stored either way.
    pub(crate) fn apply_reserved(&self, urn: &fgs_core::urn::FunctionUrn) {
        let key = FunctionKey::of(urn);
        let target = {
            let state = self.inner.state.read();
            let Ok(entry) = state.function(urn) else {
                return;
            };
            let Some(name) = main_version(entry, urn.effective_qualifier().name()) else {
                return;
            };
            let Ok(vs) = entry.published_or_latest(&name) else {
                return;
            };
            let reserved = self.reserved_for(&key, entry, &name);
            match self.inner.runner.cached(&key, entry.seq, &name, &vs.config) {
                Some(d) => Ok((Target::Cached(d), reserved)),
                None if reserved == 0 => return,
                None => self
                    .deploy_input(&state, entry, &key, &name, vs)
                    .map(|i| (Target::Deploy(Box::new(i)), reserved)),
            }
        };
        let result = match target {
            Ok((Target::Cached(d), reserved)) => {
                d.version.set_reserved(reserved).map(|_| ()).map_err(|e| {
                    ErrorKind::Internal.with(format!("cannot pre-warm reserved instances: {e}"))
                })
            }
            Ok((Target::Deploy(input), _)) => self
                .executor()
                .and_then(|exec| self.inner.runner.deploy(exec, *input))
                .map(|_| ()),
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            tracing::warn!(function = %urn.name(), error = %e, "reserved instances not pre-warmed");
        }
    }
}

/// A rejected call's metrics record.
fn rejected(memory_mb: u32) -> InvocationRecord {
    InvocationRecord {
        outcome: MetricOutcome::Rejected,
        duration_ms: 0.0,
        billed_ms: 0,
        memory_mb,
        cold_start: false,
    }
}

/// The version a reserved-config key (`latest`, a version or an alias name) runs: an alias
/// runs its main version.
fn main_version(entry: &FunctionEntry, qualifier: &str) -> Option<String> {
    if qualifier == LATEST || entry.versions.contains_key(qualifier) {
        Some(qualifier.to_owned())
    } else {
        entry.aliases.get(qualifier).map(|a| a.version.clone())
    }
}

impl Emulator {
    /// The reserved instances that run `version`: the reserved counts of every qualifier
    /// whose main version it is, each the count a `tactics_config.cron_configs` policy set
    /// while one is in force (`crate::scheduler`), else the configured `count`.
    fn reserved_for(&self, key: &FunctionKey, entry: &FunctionEntry, version: &str) -> usize {
        entry
            .reserved
            .iter()
            .filter(|(q, _)| main_version(entry, q).as_deref() == Some(version))
            .map(|(q, c)| {
                let scheduled = self.inner.scheduler.effective(key, q).map(|e| e.1);
                scheduled.unwrap_or(c.count) as usize
            })
            .sum()
    }
}
