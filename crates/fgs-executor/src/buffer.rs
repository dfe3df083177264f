//! Bounded byte buffers for a guest's output: the per-invocation log (newest bytes kept) and a
//! command's stdout (oldest bytes kept), shared with the guest's streams. A leaf module.

use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::Mutex;

/// A bounded byte buffer: the log keeps its newest bytes, a command's stdout its oldest.
pub(crate) struct CaptureBuffer {
    data: Vec<u8>,
    limit: usize,
    keep_tail: bool,
    total: usize,
}

impl CaptureBuffer {
    pub(crate) fn log(limit: usize) -> Self {
        CaptureBuffer {
            data: Vec::new(),
            limit,
            keep_tail: true,
            total: 0,
        }
    }

    pub(crate) fn head(limit: usize) -> Self {
        CaptureBuffer {
            data: Vec::new(),
            limit,
            keep_tail: false,
            total: 0,
        }
    }

    pub(crate) fn push(&mut self, bytes: &[u8]) {
        self.total += bytes.len();
        if self.keep_tail {
            self.data.extend_from_slice(bytes);
            if self.data.len() > 2 * self.limit {
                let cut = self.data.len() - self.limit;
                self.data.drain(..cut);
            }
        } else {
            let room = self.limit.saturating_sub(self.data.len());
            self.data.extend_from_slice(&bytes[..bytes.len().min(room)]);
        }
    }

    pub(crate) fn push_line(&mut self, line: &str) {
        self.push(line.as_bytes());
        if !line.ends_with('\n') {
            self.push(b"\n");
        }
    }

    /// Takes the contents (bounded) and whether bytes were dropped; the buffer is empty after.
    pub(crate) fn take(&mut self) -> (Vec<u8>, bool, usize) {
        let total = std::mem::take(&mut self.total);
        let mut data = std::mem::take(&mut self.data);
        if self.keep_tail && data.len() > self.limit {
            data.drain(..data.len() - self.limit);
        }
        let truncated = total > data.len();
        (data, truncated, total)
    }

    /// A copy of the contents, the buffer unchanged.
    pub(crate) fn peek(&self) -> Vec<u8> {
        self.data.clone()
    }

    pub(crate) fn clear(&mut self) {
        self.data.clear();
        self.total = 0;
    }
}

/// A [`CaptureBuffer`] shared with the guest's output streams, with a flag telling, without
/// taking the lock, whether anything locked it for writing since the last [`Self::take`]:
/// a warm call that logs nothing then costs no lock to collect its (empty) log.
pub(crate) struct SharedBuffer {
    buf: Mutex<CaptureBuffer>,
    touched: AtomicBool,
}

impl SharedBuffer {
    pub(crate) fn new(buf: CaptureBuffer) -> Self {
        SharedBuffer {
            buf: Mutex::new(buf),
            touched: AtomicBool::new(false),
        }
    }

    /// Locks the buffer (marking it touched).
    pub(crate) fn lock(&self) -> parking_lot::MutexGuard<'_, CaptureBuffer> {
        let guard = self.buf.lock();
        // Under the lock, so that it cannot be lost to a concurrent `take`'s reset.
        self.touched.store(true, Ordering::Relaxed);
        guard
    }

    /// True when nothing locked the buffer since the last `take`.
    pub(crate) fn untouched(&self) -> bool {
        !self.touched.load(Ordering::Relaxed)
    }

    /// Runs `f` on the buffer under its lock, then marks it untouched (for a `take`).
    pub(crate) fn take<R>(&self, f: impl FnOnce(&mut CaptureBuffer) -> R) -> R {
        let mut guard = self.buf.lock();
        let r = f(&mut guard);
        self.touched.store(false, Ordering::Relaxed);
        r
    }
}

/// Bytes as text, copying only when they are not valid UTF-8.
pub(crate) fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
