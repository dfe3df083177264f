//! APIG triggers as HTTP routes (issue 9): [`Platform::apig_route`] finds the ACTIVE APIG
//! trigger (APIG, DEDICATEDGATEWAY or APIC) of any project that answers a request, and
//! [`Platform::invoke_apig`] runs its function synchronously with the APIG event and reads
//! the handler's APIG response object. Matching, the event and the response rules are in
//! [`fgs_core::trigger::ApigRequest`]'s module (`fgs_core::trigger`, "APIG triggers as HTTP
//! routes").
//!
//! With [`crate::EmulatorBuilder::apig_base_url`] set, APIG triggers report an `invoke_url`
//! of `<base>/apig/<sl_domain><path>`, which `fgs-local serve` answers on its listener.
//!
//! ```
//! use fgs_runtime::{Emulator, Platform};
//! let platform = Platform::new(Emulator::builder().seed(1).apig_base_url("http://127.0.0.1:8000"))?;
//! let err = platform.apig_route("a.apig.example.com", "GET", "/test").unwrap_err();
//! assert_eq!((err.status(), err.code()), (404, "FSS.1138"));
//! # Ok::<(), fgs_runtime::Error>(())
//! ```

use std::time::Duration;

use fgs_core::trigger::{
    ApigEventData, ApigMatch, ApigRequest, ApigResponse, EventContext, EventData, Trigger,
    http_event,
};
use fgs_core::urn::{FunctionUrn, UrnDefaults};
use fgs_core::{ErrorKind, Result};

use crate::{Emulator, InvocationResult, InvokeOptions, Platform};

/// The trigger that answers a request, found by [`Platform::apig_route`].
#[derive(Debug, Clone)]
pub struct ApigRoute {
    /// The project the trigger belongs to.
    pub project_id: String,
    /// The URN the request invokes: the function with the trigger's qualifier.
    pub function_urn: String,
    /// The trigger.
    pub trigger: Trigger,
    /// How it matched (path parameters).
    pub matched: ApigMatch,
}

/// What an APIG request produced: the HTTP response and the invocation behind it.
#[derive(Debug, Clone)]
pub struct ApigAnswer {
    /// The handler's response object.
    pub response: ApigResponse,
    /// The invocation (request id, duration, outcome).
    pub invocation: InvocationResult,
}

impl Platform {
    /// The ACTIVE APIG-family trigger of any project that answers `method` at `path` on
    /// `domain` (the most specific when several do). None: 404 FSS.1138.
    pub fn apig_route(&self, domain: &str, method: &str, path: &str) -> Result<ApigRoute> {
        let mut best: Option<ApigRoute> = None;
        for id in self.project_ids() {
            let Some(emu) = self.existing(&id) else {
                continue;
            };
            let state = emu.inner.state.read();
            for (key, entry) in &state.functions {
                for record in entry.triggers.values() {
                    let t = &record.trigger;
                    let EventData::Apig(a) = &t.event_data else {
                        continue;
                    };
                    if !t.is_active() {
                        continue;
                    }
                    let Some(m) = a.match_request(domain, method, path) else {
                        continue;
                    };
                    if best
                        .as_ref()
                        .is_some_and(|b| b.matched.specificity >= m.specificity)
                    {
                        continue;
                    }
                    let defaults = UrnDefaults::new(emu.region(), key.project_id.clone());
                    let urn = FunctionUrn::new(
                        &defaults,
                        &key.package,
                        &key.name,
                        Some(record.qualifier.clone()),
                    );
                    best = Some(ApigRoute {
                        project_id: id.clone(),
                        function_urn: urn.full(),
                        trigger: t.clone(),
                        matched: m,
                    });
                }
            }
        }
        best.ok_or_else(|| {
            ErrorKind::ApigTriggerNotFound.with(format!(
                "no ACTIVE APIG trigger answers {method} {path} on '{domain}'"
            ))
        })
    }

    /// Invokes `route`'s function synchronously with the APIG event of `req`, within the
    /// trigger's `func_info.timeout`. A failed invocation is its outcome's error (as sync
    /// invoke reports it); a result that is not an APIG response object is 502 FSS.0502.
    pub fn invoke_apig(&self, route: &ApigRoute, req: &ApigRequest) -> Result<ApigAnswer> {
        let emu = self.project(&route.project_id)?;
        let EventData::Apig(a) = &route.trigger.event_data else {
            return Err(ErrorKind::Internal.with("an APIG route holds a non-APIG trigger"));
        };
        let event = apig_event(&emu, a, route, req);
        let options = InvokeOptions {
            log_tail: false,
            time_limit: u64::try_from(a.func_info.timeout)
                .ok()
                .map(Duration::from_millis),
            ..Default::default()
        };
        let invocation = emu.invoke_with(&route.function_urn, &event, options)?;
        if let Some(err) = invocation.error() {
            return Err(err);
        }
        let response = ApigResponse::from_result(&invocation.result)?;
        Ok(ApigAnswer {
            response,
            invocation,
        })
    }
}

fn apig_event(emu: &Emulator, a: &ApigEventData, route: &ApigRoute, req: &ApigRequest) -> Vec<u8> {
    let event_id = emu.inner.random.uuid();
    let ctx = EventContext {
        time: emu.now(),
        utc_offset: emu.inner.settings.utc_offset,
        region: emu.region(),
        project_id: emu.project_id(),
        domain_id: &emu.inner.settings.domain_id,
        function_urn: &route.function_urn,
        event_id: &event_id,
    };
    http_event(a, req, &route.matched, &ctx)
        .to_string()
        .into_bytes()
}

impl Emulator {
    /// Points an APIG trigger's `invoke_url` at this emulator's APIG base URL, if it has one.
    pub(crate) fn rebase_apig(&self, data: &mut EventData) {
        if let (EventData::Apig(a), Some(base)) = (data, &self.inner.settings.apig_base_url) {
            a.set_base_url(Some(base.as_str()));
        }
    }

    /// [`Emulator::rebase_apig`] for every stored trigger (after a restore: the stored URL
    /// names the listener of the run that created it).
    pub(crate) fn rebase_all_apig(&self) {
        if self.inner.settings.apig_base_url.is_none() {
            return;
        }
        let mut state = self.inner.state.write();
        for entry in state.functions.values_mut() {
            for record in entry.triggers.values_mut() {
                self.rebase_apig(&mut record.trigger.event_data);
            }
        }
    }
}
