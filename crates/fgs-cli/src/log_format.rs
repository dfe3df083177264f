//! The text of a log line of `fgs-local serve`:
//!
//! ```text
//! 2026-12-07T01:24:49.235917Z  INFO invocation function=echo version=latest request_id=777ab307-eb23-4085-902d-934ba867c9ac kind=Sync outcome="success" duration_ms=0.012 cold=false billed_ms=1
//! ```
//!
//! The layout of `tracing_subscriber`'s default format (without targets and spans, which
//! this server does not use), written with less work: there is one such line per
//! invocation, formatted on the worker that answered it. The date and time up to the second
//! are formatted once per second per thread; numbers and booleans are written without
//! `Debug`; with ANSI on, only the level is coloured.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// The [`FormatEvent`] of `fgs-local serve` (see the module docs).
pub(crate) struct LineFormat {
    pub(crate) ansi: bool,
}

impl<S, N> FormatEvent<S, N> for LineFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut w: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        timestamp(&mut w, SystemTime::now())?;
        let level = *event.metadata().level();
        if self.ansi {
            let colour = match level {
                Level::ERROR => "31",
                Level::WARN => "33",
                Level::INFO => "32",
                Level::DEBUG => "34",
                Level::TRACE => "35",
            };
            write!(w, " \x1b[{colour}m{level:>5}\x1b[0m ")?;
        } else {
            write!(w, " {level:>5} ")?;
        }
        let mut fields = Fields {
            w: &mut w,
            first: true,
            result: Ok(()),
        };
        event.record(&mut fields);
        fields.result?;
        w.write_char('\n')
    }
}

/// `2026-12-07T01:24:49.235917Z`: UTC, microseconds.
fn timestamp(w: &mut impl fmt::Write, now: SystemTime) -> fmt::Result {
    thread_local! {
        /// The second last formatted on this thread, and its text up to the seconds.
        static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    SECOND.with_borrow_mut(|(second, text)| {
        if *second != secs {
            *second = secs;
            text.clear();
            let (y, m, d) = civil_date(secs / 86_400);
            let t = secs % 86_400;
            let _ = write!(
                text,
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
                t / 3600,
                t / 60 % 60,
                t % 60
            );
        }
        write!(w, "{text}.{:06}Z", since.subsec_micros())
    })
}

/// The proleptic Gregorian date of `days` since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_date(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + u64::from(m <= 2), m, d)
}

/// Writes the message, then ` name=value` for each other field: strings quoted, as the
/// default format does.
struct Fields<'a, 'w> {
    w: &'a mut Writer<'w>,
    first: bool,
    result: fmt::Result,
}

impl Fields<'_, '_> {
    fn field(&mut self, field: &Field, value: fmt::Arguments<'_>) {
        if self.result.is_err() {
            return;
        }
        let sep = if self.first { "" } else { " " };
        self.first = false;
        self.result = if field.name() == "message" {
            write!(self.w, "{sep}{value}")
        } else {
            write!(self.w, "{sep}{}={value}", field.name())
        };
    }
}

impl Visit for Fields<'_, '_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.field(field, format_args!("{value}"));
        } else {
            self.field(field, format_args!("{value:?}"));
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.field(field, format_args!("{value}"));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.field(field, format_args!("{value}"));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.field(field, format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.field(field, format_args!("{value:?}"));
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::{LineFormat, civil_date, timestamp};

    #[test]
    fn dates_match_chrono() {
        for days in [
            0, 1, 59, 365, 10_957, 11_016, 19_723, 20_429, 47_482, 2_932_896,
        ] {
            let ours = civil_date(days);
            let theirs = chrono::DateTime::from_timestamp(days as i64 * 86_400, 0)
                .unwrap()
                .date_naive();
            use chrono::Datelike as _;
            assert_eq!(
                ours,
                (
                    theirs.year() as u64,
                    u64::from(theirs.month()),
                    u64::from(theirs.day())
                ),
                "day {days}"
            );
        }
    }

    #[test]
    fn timestamps_are_rfc3339_utc_microseconds() {
        let mut s = String::new();
        let at = UNIX_EPOCH + Duration::new(1_796_606_689, 235_917_400);
        timestamp(&mut s, at).unwrap();
        assert_eq!(s, "2026-12-07T01:24:49.235917Z");
        s.clear();
        timestamp(&mut s, at + Duration::from_secs(1)).unwrap();
        assert_eq!(
            s, "2026-12-07T01:24:50.235917Z",
            "a new second on the same thread"
        );
    }

    #[test]
    fn an_event_is_one_line_as_the_default_format_writes_it() {
        let out = crate::log_writer::tests::Out::default();
        let writer = out.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .event_format(LineFormat { ansi: false })
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(
                function = %"echo",
                outcome = "success",
                duration_ms = %format_args!("{:.3}", 0.0123),
                cold = false,
                billed_ms = 1u64,
                "invocation"
            );
            tracing::warn!("careful: {}", 42);
        });
        let text = out.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        let (stamp, rest) = lines[0].split_once(' ').unwrap();
        assert!(
            stamp.len() == 27 && stamp.ends_with('Z') && stamp.as_bytes()[10] == b'T',
            "{stamp}"
        );
        assert_eq!(
            rest,
            " INFO invocation function=echo outcome=\"success\" duration_ms=0.012 cold=false billed_ms=1"
        );
        assert!(lines[1].ends_with("  WARN careful: 42"), "{}", lines[1]);
    }
}
