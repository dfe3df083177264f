//! The outcome table (DECISIONS "Invocation over REST"): how each way an invocation can end
//! maps to an HTTP status, the v1 body's `status` field, and either the `result` or an
//! `error_code` with its message. The REST layer only renders it.
//!
//! The table is on [`OutcomeKind`].

use fgs_core::ErrorKind;
use fgs_executor::Outcome;

/// How an invocation ended: one row of the outcome table (DECISIONS "Invocation over REST").
///
/// | Outcome ([`OutcomeKind`]) | `name()` | HTTP | `status` | Body | Returned as |
/// |---|---|---|---|---|---|
/// | Success | `success` | 200 | 200 | `result`: the handler's bytes | `Ok` |
/// | Handled function error | `function_error` | 500 | 500 | `FSS.0500` + "function error: ..." | `Ok` |
/// | Trap (panic, `unreachable`...) | `trap` | 500 | 500 | `FSS.0500` + "function trapped: ..." | `Ok` |
/// | Timeout | `timeout` | 408 | 408 | `FSS.0408` + "function timed out after N ms" | `Ok` |
/// | Out of memory | `out_of_memory` | 500 | 500 | `FSS.0500` + "function ran out of memory: ..." | `Ok` |
/// | Initializer failure | `initializer_failed` | 500 | 500 | `FSS.0500` + "initializer failed: ..." | `Ok` |
/// | Initializer timeout | `initializer_timeout` | 408 | 408 | `FSS.0408` + "initializer timed out after N ms" | `Ok` |
/// | Missing handler | `missing_handler` | 500 | 500 | `FSS.0500` + "handler not found: ..." | `Ok` |
/// | Result too large | `result_too_large` | 500 | 500 | `FSS.0500` + "function result of N bytes exceeds ..." | `Ok` |
/// | Disabled function (`strategy_config.concurrency` 0) | `disabled` | 403 | 403 | `FSS.0403` + "function ... is disabled ..." | `Err` |
/// | Over the instance limit (§5.6.8) | `rejected` | 429 | 429 | `FSS.0429` + "function ... is at its maximum of N ..." | `Err` |
///
/// Rulings (the seed leaves `status` unspecified, digest A13): the `status` field equals the
/// HTTP status; everything that ran is `Ok` with its outcome (and counted as an invocation,
/// failed unless a success), while a disabled function or a throttled call did not run: it
/// is an `Err` with the row's code (and counted as a rejection). Management errors (404
/// FSS.1051/1052/1053, 400 FSS.1309) are `Err` too and are not in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutcomeKind {
    /// The handler returned a result.
    Success,
    /// The handler returned a handled error.
    FunctionError,
    /// The guest trapped (panic, `unreachable`, bad memory access...); the instance was
    /// discarded.
    Trap,
    /// The handler ran past the function's `timeout`; the instance was discarded.
    Timeout,
    /// The guest needed more than `memory_size`; the instance was discarded.
    OutOfMemory,
    /// The initializer returned an error or trapped.
    InitializerFailed,
    /// The initializer ran past `initializer_timeout`.
    InitializerTimeout,
    /// The code has no entry point for `handler` (or `initializer_handler`).
    MissingHandler,
    /// The result is larger than the emulator's result limit (6 MiB).
    ResultTooLarge,
    /// The function is disabled (`strategy_config.concurrency` 0, DECISIONS); nothing ran.
    Disabled,
    /// The function already runs its maximum of instances (§5.6.8); nothing ran.
    Rejected,
}

impl OutcomeKind {
    /// Every row of the table, in its order.
    pub const ALL: [OutcomeKind; 11] = [
        OutcomeKind::Success,
        OutcomeKind::FunctionError,
        OutcomeKind::Trap,
        OutcomeKind::Timeout,
        OutcomeKind::OutOfMemory,
        OutcomeKind::InitializerFailed,
        OutcomeKind::InitializerTimeout,
        OutcomeKind::MissingHandler,
        OutcomeKind::ResultTooLarge,
        OutcomeKind::Disabled,
        OutcomeKind::Rejected,
    ];

    /// The kind of an executor outcome.
    pub(crate) fn of(outcome: &Outcome) -> OutcomeKind {
        match outcome {
            Outcome::Success(_) => OutcomeKind::Success,
            Outcome::FunctionError { .. } => OutcomeKind::FunctionError,
            Outcome::Trap { .. } => OutcomeKind::Trap,
            Outcome::Timeout { .. } => OutcomeKind::Timeout,
            Outcome::OutOfMemory { .. } => OutcomeKind::OutOfMemory,
            Outcome::InitializerFailed { .. } => OutcomeKind::InitializerFailed,
            Outcome::InitializerTimeout { .. } => OutcomeKind::InitializerTimeout,
            Outcome::MissingHandler { .. } => OutcomeKind::MissingHandler,
            Outcome::ResultTooLarge { .. } => OutcomeKind::ResultTooLarge,
            // The executor's outcome enum is non-exhaustive: a new kind is a failure.
            _ => OutcomeKind::FunctionError,
        }
    }

    /// A stable name (`success`, `function_error`, ..., `disabled`, `rejected`), the same as
    /// the executor's outcome kinds for the rows that ran.
    pub fn name(self) -> &'static str {
        match self {
            OutcomeKind::Success => "success",
            OutcomeKind::FunctionError => "function_error",
            OutcomeKind::Trap => "trap",
            OutcomeKind::Timeout => "timeout",
            OutcomeKind::OutOfMemory => "out_of_memory",
            OutcomeKind::InitializerFailed => "initializer_failed",
            OutcomeKind::InitializerTimeout => "initializer_timeout",
            OutcomeKind::MissingHandler => "missing_handler",
            OutcomeKind::ResultTooLarge => "result_too_large",
            OutcomeKind::Disabled => "disabled",
            OutcomeKind::Rejected => "rejected",
        }
    }

    /// The error code of a failure row (`None` for a success). Its HTTP status is the row's.
    pub fn error_kind(self) -> Option<ErrorKind> {
        match self {
            OutcomeKind::Success => None,
            OutcomeKind::FunctionError
            | OutcomeKind::Trap
            | OutcomeKind::OutOfMemory
            | OutcomeKind::InitializerFailed
            | OutcomeKind::MissingHandler
            | OutcomeKind::ResultTooLarge => Some(ErrorKind::Internal),
            OutcomeKind::Timeout | OutcomeKind::InitializerTimeout => {
                Some(ErrorKind::RequestTimeout)
            }
            OutcomeKind::Disabled => Some(ErrorKind::Forbidden),
            OutcomeKind::Rejected => Some(ErrorKind::TooManyRequests),
        }
    }

    /// The `error_code` of a failure row (`FSS.0500`, `FSS.0408`, `FSS.0403`, `FSS.0429`).
    pub fn error_code(self) -> Option<&'static str> {
        self.error_kind().map(ErrorKind::code)
    }

    /// The HTTP status of the row.
    pub fn http_status(self) -> u16 {
        self.error_kind().map_or(200, ErrorKind::status)
    }

    /// The v1 body's `status` field: the HTTP status.
    pub fn status(self) -> u16 {
        self.http_status()
    }

    /// Whether the handler ran (every row but `disabled` and `rejected`).
    pub fn ran(self) -> bool {
        !matches!(self, OutcomeKind::Disabled | OutcomeKind::Rejected)
    }

    /// The `Err` of a row that did not run (`disabled`, `rejected`), with `message`. For the
    /// other rows it is the row's error as a value (what a REST body renders).
    pub(crate) fn error(self, message: String) -> fgs_core::Error {
        self.error_kind()
            .unwrap_or(ErrorKind::Internal)
            .with(message)
    }
}

impl std::fmt::Display for OutcomeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
