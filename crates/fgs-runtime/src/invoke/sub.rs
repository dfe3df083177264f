//! Sub-function invocation (seed example 4.4): the executor's [`SubInvoker`] over the
//! emulator. The callee runs within its caller's remaining time. It holds a `Weak` reference, so the executor (owned by the emulator) does not
//! keep the emulator alive.

use std::sync::{Arc, Weak};
use std::time::Duration;

use fgs_executor::fgs_abi::Context;
use fgs_executor::{SubInvokeResult, SubInvoker};

use crate::Emulator;
use crate::emulator::Inner;

/// Runs a guest's `invoke(urn, event)` as a sync invocation of this emulator: the other
/// function's result, its failure message (`FunctionError`), or why it could not run
/// (`Failed`: unknown function, disabled, throttled...).
pub(crate) struct EmulatorInvoker(Weak<Inner>);

impl EmulatorInvoker {
    pub(crate) fn new(inner: &Arc<Inner>) -> Self {
        EmulatorInvoker(Arc::downgrade(inner))
    }
}

impl SubInvoker for EmulatorInvoker {
    fn invoke(&self, caller: &Context, urn: &str, event: &[u8]) -> SubInvokeResult {
        let Some(inner) = self.0.upgrade() else {
            return SubInvokeResult::Failed("the emulator is shut down".into());
        };
        invoke_for(&Emulator { inner }, caller, urn, event)
    }
}

/// Runs a guest's sub-function call `urn` on `emu`, within the caller's remaining time.
pub(crate) fn invoke_for(
    emu: &Emulator,
    caller: &Context,
    urn: &str,
    event: &[u8],
) -> SubInvokeResult {
    // The callee runs within the caller's remaining time (`InvokeOptions::time_limit`).
    let remaining = Duration::from_millis(caller.remaining_time_ms);
    if remaining.is_zero() {
        return SubInvokeResult::Failed("the calling invocation has no time left".into());
    }
    let options = crate::InvokeOptions {
        log_tail: false,
        time_limit: Some(remaining),
        ..Default::default()
    };
    tracing::debug!(caller = %caller.request_id, urn, "sub-function invoke");
    match emu.invoke_with(urn, event, options) {
        Ok(inv) if inv.is_success() => SubInvokeResult::Ok(inv.result),
        Ok(inv) => SubInvokeResult::FunctionError(inv.error_message.unwrap_or_default()),
        Err(e) => SubInvokeResult::Failed(format!("{}: {}", e.code(), e.message())),
    }
}
