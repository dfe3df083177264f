//! Log lines to standard error without a write per line on the server's workers.
//!
//! `fgs-local serve` logs one line per invocation. Written straight to standard error (which
//! is unbuffered), each line is a system call on the async worker that answered the request:
//! with the HTTP bench's load (`FGS_HTTP_LOG=1`) that took the requests per second at 64
//! connections from 0.93x to 0.64x of the baseline into a file, and a slow terminal or a full
//! pipe would stall the worker and every connection on it. So lines go to a shared buffer,
//! and a thread writes the buffer out every [`FLUSH`], as soon as it holds [`CHUNK`], at once
//! after a warning or an error, and when the writer is dropped (the end of `serve`). A
//! buffer past [`MAX_PENDING`] (the thread cannot keep up) is written out by the line that
//! fills it: back-pressure, no line is ever dropped.
//!
//! The buffers are small and reused (two of [`CHUNK`], swapped at each write): nothing is
//! copied to grow them, and they stay in the CPU caches.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::{JoinHandle, Thread};
use std::time::Duration;

use parking_lot::Mutex;
use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;

/// How long a line may wait in the buffer.
pub(crate) const FLUSH: Duration = Duration::from_millis(50);

/// How much the buffer holds before the thread is woken to write it out.
pub(crate) const CHUNK: usize = 64 * 1024;

/// The most the buffer holds before the line that fills it writes it out.
pub(crate) const MAX_PENDING: usize = 1 << 20;

struct Shared<W> {
    /// Lines not written yet.
    pending: Mutex<Vec<u8>>,
    /// The output, and the other buffer (what was pending, being written); held while a
    /// buffer is taken and written, so lines keep their order.
    out: Mutex<(W, Vec<u8>)>,
    stop: AtomicBool,
    /// The thread that writes the buffer out, woken when a chunk is pending.
    flusher: OnceLock<Thread>,
}

impl<W: Write> Shared<W> {
    fn append(&self, line: &[u8]) {
        let (len, before) = {
            let mut p = self.pending.lock();
            let before = p.len();
            p.extend_from_slice(line);
            (p.len(), before)
        };
        if len >= MAX_PENDING {
            self.flush();
        } else if before < CHUNK
            && len >= CHUNK
            && let Some(t) = self.flusher.get()
        {
            t.unpark();
        }
    }

    /// Writes out what is pending. A log that cannot be written has nowhere to say so: the
    /// error is dropped, as `eprintln!` would panic instead.
    fn flush(&self) {
        let mut out = self.out.lock();
        let (w, spare) = &mut *out;
        std::mem::swap(&mut *self.pending.lock(), spare);
        if !spare.is_empty() {
            let _ = w.write_all(spare);
            let _ = w.flush();
            spare.clear();
        }
    }
}

/// The buffered log output: a [`MakeWriter`] for `tracing_subscriber::fmt`, and the thread
/// that writes the buffer out. Dropping it stops the thread and writes what is left.
pub(crate) struct LogWriter<W: Write + Send + 'static> {
    shared: Arc<Shared<W>>,
    flusher: Option<JoinHandle<()>>,
}

impl<W: Write + Send + 'static> LogWriter<W> {
    pub(crate) fn new(out: W) -> std::io::Result<Self> {
        Self::with_period(out, Some(FLUSH))
    }

    /// A writer whose thread writes the buffer out every `period`; with `None`, no thread:
    /// only warnings, a full buffer and the drop write (the tests' deterministic writer).
    fn with_period(out: W, period: Option<Duration>) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            pending: Mutex::new(Vec::with_capacity(2 * CHUNK)),
            out: Mutex::new((out, Vec::with_capacity(2 * CHUNK))),
            stop: AtomicBool::new(false),
            flusher: OnceLock::new(),
        });
        let flusher = match period {
            Some(period) => {
                let s = shared.clone();
                let thread =
                    std::thread::Builder::new()
                        .name("fgs-log".into())
                        .spawn(move || {
                            while !s.stop.load(Ordering::Acquire) {
                                std::thread::park_timeout(period);
                                s.flush();
                            }
                        })?;
                let _ = shared.flusher.set(thread.thread().clone());
                Some(thread)
            }
            None => None,
        };
        Ok(LogWriter { shared, flusher })
    }

    /// The [`MakeWriter`] to give the subscriber.
    pub(crate) fn make_writer(&self) -> Lines<W> {
        Lines(self.shared.clone())
    }
}

impl<W: Write + Send + 'static> Drop for LogWriter<W> {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
        if let Some(t) = self.flusher.take() {
            t.thread().unpark();
            let _ = t.join();
        }
        self.shared.flush();
    }
}

/// Hands out a [`Line`] per event.
pub(crate) struct Lines<W>(Arc<Shared<W>>);

impl<'a, W: Write + Send + 'static> MakeWriter<'a> for Lines<W> {
    type Writer = Line<'a, W>;

    fn make_writer(&'a self) -> Line<'a, W> {
        Line {
            shared: &self.0,
            urgent: false,
        }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Line<'a, W> {
        Line {
            shared: &self.0,
            urgent: *meta.level() <= Level::WARN,
        }
    }
}

/// One event's text, appended to the buffer; a warning or an error writes the buffer out
/// when its line is done.
pub(crate) struct Line<'a, W: Write> {
    shared: &'a Shared<W>,
    urgent: bool,
}

impl<W: Write> Write for Line<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.shared.append(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Drop for Line<'_, W> {
    fn drop(&mut self) {
        if self.urgent {
            self.shared.flush();
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;

    use parking_lot::Mutex;
    use tracing_subscriber::fmt::MakeWriter;

    use std::time::{Duration, Instant};

    use super::{CHUNK, LogWriter, MAX_PENDING};

    /// An output the test can read (also the log format's tests').
    #[derive(Clone, Default)]
    pub(crate) struct Out(pub(crate) Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Out {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Out {
        pub(crate) fn text(&self) -> String {
            String::from_utf8(self.0.lock().clone()).unwrap()
        }
    }

    fn log(writer: &LogWriter<Out>, level: tracing::Level, msg: &str) {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(writer.make_writer())
            .with_ansi(false)
            .without_time()
            .finish();
        tracing::subscriber::with_default(subscriber, || match level {
            tracing::Level::ERROR => tracing::error!("{msg}"),
            tracing::Level::WARN => tracing::warn!("{msg}"),
            _ => tracing::info!("{msg}"),
        });
    }

    #[test]
    fn info_waits_a_warning_writes_everything_in_order() {
        let out = Out::default();
        let writer = LogWriter::with_period(out.clone(), None).unwrap();
        log(&writer, tracing::Level::INFO, "first");
        log(&writer, tracing::Level::INFO, "second");
        assert_eq!(out.text(), "", "info lines wait in the buffer");
        log(&writer, tracing::Level::WARN, "careful");
        let text = out.text();
        let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s:?} in {text:?}"));
        assert!(at("first") < at("second") && at("second") < at("careful"));
        assert!(writer.shared.pending.lock().is_empty());
    }

    #[test]
    fn drop_writes_what_is_left_and_stops_the_thread() {
        let out = Out::default();
        let writer = LogWriter::new(out.clone()).unwrap();
        // Written by the thread or by the drop: either way it is out once the writer is gone.
        log(&writer, tracing::Level::INFO, "last words");
        assert!(writer.flusher.is_some());
        drop(writer);
        assert!(out.text().contains("last words"));
    }

    #[test]
    fn a_pending_chunk_wakes_the_thread_before_its_period() {
        let out = Out::default();
        // A period no test waits for: only the wake-up can write in time.
        let writer = LogWriter::with_period(out.clone(), Some(Duration::from_secs(3600))).unwrap();
        let make = writer.make_writer();
        let mut w = make.make_writer();
        std::io::Write::write_all(&mut w, &vec![b'x'; CHUNK]).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while out.0.lock().len() < CHUNK && Instant::now() < deadline {
            std::thread::yield_now();
        }
        assert_eq!(out.0.lock().len(), CHUNK, "written by the woken thread");
    }

    #[test]
    fn a_full_buffer_is_written_by_the_line_that_fills_it() {
        let out = Out::default();
        let writer = LogWriter::with_period(out.clone(), None).unwrap();
        let make = writer.make_writer();
        let chunk = vec![b'x'; 4096];
        let mut w = make.make_writer();
        let mut sent = 0;
        while sent < MAX_PENDING {
            std::io::Write::write_all(&mut w, &chunk).unwrap();
            sent += chunk.len();
        }
        assert!(writer.shared.pending.lock().is_empty());
        assert_eq!(out.0.lock().len(), sent);
    }
}
