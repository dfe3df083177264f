//! The `X-Cff-Invoke-Summary` header of a sync invoke (seed §5.1.1 names it and leaves its
//! content open): one JSON object with the call's duration and billed duration in ms, its
//! memory size and peak in MB, whether it was a cold start, its outcome and the version
//! that ran.
//!
//! ```text
//! {"duration":0.012,"billingDuration":1,"memorySize":128,"maxMemoryUsed":1,"coldStart":false,"outcome":"success","version":"latest"}
//! ```
//!
//! Written by hand, on the stack: it is on every sync invoke, and with the CPU caches cold
//! (a server at one connection, `benches/examples/cold_cache.rs`) `serde_json`'s serializer
//! cost about 1.5 us here, most of what the answer's headers cost. The text is byte for byte
//! what `serde_json` writes for the same fields (the tests hold it to that).

use fgs_runtime::InvocationResult;
use smallvec::SmallVec;

/// The summary of one invocation.
pub(crate) struct Summary<'a> {
    /// The duration in microseconds, written in ms with up to three decimals.
    duration_us: u64,
    billing_duration_ms: u64,
    memory_size_mb: u32,
    max_memory_used_mb: u64,
    cold_start: bool,
    outcome: &'static str,
    version: &'a str,
}

/// The JSON text of a summary, on the stack unless the version is long.
pub(crate) type SummaryJson = SmallVec<[u8; 192]>;

impl<'a> Summary<'a> {
    pub(crate) fn of(inv: &'a InvocationResult) -> Self {
        Summary {
            duration_us: u64::try_from(inv.duration.as_micros()).unwrap_or(u64::MAX),
            billing_duration_ms: u64::try_from(inv.billed_duration.as_millis()).unwrap_or(u64::MAX),
            memory_size_mb: inv.memory_size_mb,
            max_memory_used_mb: inv.memory_used_bytes.div_ceil(1024 * 1024),
            cold_start: inv.cold_start,
            outcome: inv.outcome.name(),
            version: &inv.version,
        }
    }

    /// The JSON object.
    pub(crate) fn to_json(&self) -> SummaryJson {
        let mut out = SummaryJson::new();
        out.extend_from_slice(b"{\"duration\":");
        millis(&mut out, self.duration_us);
        out.extend_from_slice(b",\"billingDuration\":");
        uint(&mut out, self.billing_duration_ms);
        out.extend_from_slice(b",\"memorySize\":");
        uint(&mut out, u64::from(self.memory_size_mb));
        out.extend_from_slice(b",\"maxMemoryUsed\":");
        uint(&mut out, self.max_memory_used_mb);
        out.extend_from_slice(if self.cold_start {
            b",\"coldStart\":true"
        } else {
            b",\"coldStart\":false"
        });
        out.extend_from_slice(b",\"outcome\":");
        string(&mut out, self.outcome);
        out.extend_from_slice(b",\"version\":");
        string(&mut out, self.version);
        out.push(b'}');
        out
    }
}

/// `n` in decimal.
fn uint(out: &mut SummaryJson, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// `us` microseconds in milliseconds: the integer part, a point, then the three decimals
/// without trailing zeros but at least one (`0.0`, `1.5`, `0.012`). That is what
/// `serde_json` writes for the `f64` `us / 1000` (the shortest text that reads back as the
/// same number) while it is below 2^41 ms, 70 years.
fn millis(out: &mut SummaryJson, us: u64) {
    uint(out, us / 1000);
    out.push(b'.');
    let frac = us % 1000;
    let decimals = [frac / 100, frac / 10 % 10, frac % 10].map(|d| b'0' + d as u8);
    let keep = decimals
        .iter()
        .rposition(|&d| d != b'0')
        .map_or(1, |i| i + 1);
    out.extend_from_slice(&decimals[..keep]);
}

/// `s` as a JSON string: copied between quotes when nothing in it needs escaping (a quote,
/// a backslash, a control character), as the outcome names and most versions; else escaped
/// by `serde_json`. Non-ASCII text is written as it is, as `serde_json` does.
fn string(out: &mut SummaryJson, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // Writing to memory cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::Serialize;

    use super::Summary;

    /// What `serde_json` writes for the same fields, the reference.
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Serde<'a> {
        duration: f64,
        billing_duration: u64,
        memory_size: u32,
        max_memory_used: u64,
        cold_start: bool,
        outcome: &'static str,
        version: &'a str,
    }

    fn check(s: &Summary<'_>) -> Result<(), TestCaseError> {
        let reference = Serde {
            duration: s.duration_us as f64 / 1000.0,
            billing_duration: s.billing_duration_ms,
            memory_size: s.memory_size_mb,
            max_memory_used: s.max_memory_used_mb,
            cold_start: s.cold_start,
            outcome: s.outcome,
            version: s.version,
        };
        let ours = String::from_utf8(s.to_json().to_vec()).unwrap();
        prop_assert_eq!(ours, serde_json::to_string(&reference).unwrap());
        Ok(())
    }

    fn summary(duration_us: u64, n: u64, version: &str) -> Summary<'_> {
        Summary {
            duration_us,
            billing_duration_ms: n,
            memory_size_mb: n as u32,
            max_memory_used_mb: u64::MAX - n,
            cold_start: n.is_multiple_of(2),
            outcome: "function_error",
            version,
        }
    }

    #[test]
    fn each_edge_is_what_serde_writes() {
        let durations = [
            0,
            1,
            10,
            12,
            100,
            999,
            1000,
            1001,
            1500,
            123_456_789,
            1 << 50,
        ];
        let versions = ["latest", "v1", "a\"b\\c\u{1}\u{7f}", "é✓", ""];
        for (i, version) in versions.into_iter().enumerate() {
            for us in durations {
                check(&summary(us, i as u64 * 1000, version)).unwrap();
            }
        }
        let text = String::from_utf8(summary(12, 0, "latest").to_json().to_vec()).unwrap();
        assert_eq!(
            text,
            r#"{"duration":0.012,"billingDuration":0,"memorySize":0,"maxMemoryUsed":18446744073709551615,"coldStart":true,"outcome":"function_error","version":"latest"}"#
        );
    }

    proptest! {
        #[test]
        fn any_summary_is_what_serde_writes(
            us in 0u64..(1 << 50),
            n in any::<u32>(),
            version in "[a-zA-Z0-9._\"\\\\\u{0}-\u{1f}é-]{0,12}",
        ) {
            check(&summary(us, u64::from(n), &version))?;
        }
    }
}
