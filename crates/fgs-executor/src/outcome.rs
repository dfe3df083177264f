//! Every way an invocation can end, as data ([`Outcome`]), and the figures that come with it
//! ([`Invocation`]).

use std::fmt;
use std::time::Duration;

/// The size of the log tail returned with each invocation (what `X-Cff-Log-Type: tail` shows,
/// §5.1.1).
pub const LOG_TAIL_BYTES: usize = 4 * 1024;

/// How an invocation ended. Its [`Display`](fmt::Display) text is the error message the
/// runtime reports for failures.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The handler returned these result bytes.
    Success(Vec<u8>),
    /// The handler returned a handled error (or a WASI command exited with a non-zero code).
    /// The instance stays warm.
    FunctionError {
        /// The guest's message.
        message: String,
    },
    /// The guest trapped (panic, `unreachable`, out-of-bounds access...). The message holds the
    /// trap and the wasm backtrace; the log has them too. The instance was discarded.
    Trap {
        /// The trap and its wasm backtrace.
        message: String,
    },
    /// The handler ran past the function's timeout and was stopped. The instance was discarded.
    Timeout {
        /// The function's timeout.
        timeout: Duration,
    },
    /// The guest needed more memory than the function's `memory_size` allows. The instance was
    /// discarded.
    OutOfMemory {
        /// The cap, in MB.
        memory_size_mb: u32,
    },
    /// The initializer returned a handled error or trapped; the handler did not run and the
    /// instance was discarded.
    InitializerFailed {
        /// The initializer's message (or trap).
        message: String,
    },
    /// The initializer ran past `initializer_timeout`; the instance was discarded.
    InitializerTimeout {
        /// The function's initializer timeout.
        timeout: Duration,
    },
    /// The code has no entry point for the function's `handler` (the `.wasm` file it names is
    /// not in the code package, or the module lacks the export), or lacks the initializer.
    MissingHandler {
        /// What is missing.
        message: String,
    },
    /// The result is larger than the executor's result limit.
    ResultTooLarge {
        /// The result's size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
}

impl Outcome {
    /// True for [`Outcome::Success`].
    pub fn is_success(&self) -> bool {
        matches!(self, Outcome::Success(_))
    }

    /// The result bytes of a success.
    pub fn result(&self) -> Option<&[u8]> {
        match self {
            Outcome::Success(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// A stable name for the kind of outcome (`success`, `function_error`, `trap`, `timeout`,
    /// `out_of_memory`, `initializer_failed`, `initializer_timeout`, `missing_handler`,
    /// `result_too_large`), for metrics and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Success(_) => "success",
            Outcome::FunctionError { .. } => "function_error",
            Outcome::Trap { .. } => "trap",
            Outcome::Timeout { .. } => "timeout",
            Outcome::OutOfMemory { .. } => "out_of_memory",
            Outcome::InitializerFailed { .. } => "initializer_failed",
            Outcome::InitializerTimeout { .. } => "initializer_timeout",
            Outcome::MissingHandler { .. } => "missing_handler",
            Outcome::ResultTooLarge { .. } => "result_too_large",
        }
    }

    /// Whether the instance that produced this outcome may be reused.
    pub(crate) fn keeps_instance(&self) -> bool {
        matches!(
            self,
            Outcome::Success(_) | Outcome::FunctionError { .. } | Outcome::ResultTooLarge { .. }
        )
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Success(bytes) => write!(f, "success ({} bytes)", bytes.len()),
            Outcome::FunctionError { message } => write!(f, "function error: {message}"),
            Outcome::Trap { message } => write!(f, "function trapped: {message}"),
            Outcome::Timeout { timeout } => {
                write!(f, "function timed out after {} ms", timeout.as_millis())
            }
            Outcome::OutOfMemory { memory_size_mb } => write!(
                f,
                "function ran out of memory: it needed more than its memory_size of {memory_size_mb} MB"
            ),
            Outcome::InitializerFailed { message } => {
                write!(f, "initializer failed: {message}")
            }
            Outcome::InitializerTimeout { timeout } => {
                write!(f, "initializer timed out after {} ms", timeout.as_millis())
            }
            Outcome::MissingHandler { message } => write!(f, "handler not found: {message}"),
            Outcome::ResultTooLarge { size, limit } => write!(
                f,
                "function result of {size} bytes exceeds the limit of {limit} bytes"
            ),
        }
    }
}

/// One finished invocation: its outcome and figures.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// How it ended.
    pub outcome: Outcome,
    /// Wall time of the handler call (initializer excluded), measured by the host.
    pub duration: Duration,
    /// The billed duration: `duration` rounded up to the next whole millisecond (at least 1 ms).
    pub billed_duration: Duration,
    /// Peak bytes of linear memory and tables of the instance at the end of the call.
    pub max_memory_bytes: u64,
    /// The invocation's log (stdout, stderr and `log` calls in order; a trap's message and
    /// backtrace at the end), bounded by the executor's log limit (oldest bytes dropped).
    pub log: String,
    /// True when bytes were dropped from `log` to respect the limit.
    pub log_truncated: bool,
    /// Whether this invocation created its instance (a cold start).
    pub cold_start: bool,
    /// How long the initializer took, if it ran during this invocation.
    pub init_duration: Option<Duration>,
    /// The id of the instance that ran the call (unique per executor).
    pub instance_id: u64,
}

impl Invocation {
    /// The last 4 KB ([`LOG_TAIL_BYTES`]) of the log, cut at a character boundary.
    pub fn log_tail(&self) -> &str {
        tail(&self.log, LOG_TAIL_BYTES)
    }
}

/// The last `max` bytes of `s`, starting at a character boundary.
pub(crate) fn tail(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut start = s.len() - max;
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// `duration` rounded up to whole milliseconds, at least 1 ms.
pub(crate) fn billed(duration: Duration) -> Duration {
    // ceil(total ns / 1e6) without 128-bit division: whole seconds are whole milliseconds.
    let ms = duration
        .as_secs()
        .saturating_mul(1000)
        .saturating_add(u64::from(duration.subsec_nanos().div_ceil(1_000_000)));
    Duration::from_millis(ms.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_rounds_up_to_whole_milliseconds_at_least_one() {
        let cases = [
            (Duration::ZERO, 1),
            (Duration::from_nanos(1), 1),
            (Duration::from_millis(1), 1),
            (Duration::from_micros(1001), 2),
            (Duration::new(1, 1), 1001),
            (Duration::from_secs(2), 2000),
            (Duration::new(3, 999_999_999), 4000),
        ];
        for (d, ms) in cases {
            assert_eq!(billed(d), Duration::from_millis(ms), "{d:?}");
        }
    }
}
