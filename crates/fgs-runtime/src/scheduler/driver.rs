//! The background driver for non-manual clocks: one thread that sleeps until the next due job
//! (at most [`MAX_SLEEP`]), runs what is due, and stops when the emulator is dropped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

use crate::Emulator;
use crate::emulator::Inner;

/// The longest the driver sleeps without looking at the clock again (a system clock may jump).
const MAX_SLEEP: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
struct Signal {
    shutdown: bool,
    kicked: bool,
}

#[derive(Debug, Default)]
struct Shared {
    signal: Mutex<Signal>,
    wake: Condvar,
    /// Set when the thread returns (observed by the tests).
    exited: AtomicBool,
}

/// The driver thread's handle and wake-up signal.
#[derive(Debug, Default)]
pub(crate) struct Driver {
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Driver {
    /// Spawns the thread; it reaches the emulator through `inner` only while running jobs.
    pub(crate) fn start(&self, inner: Weak<Inner>) {
        let shared = self.shared.clone();
        let spawned = std::thread::Builder::new()
            .name("fgs-scheduler".to_owned())
            .spawn(move || run(inner, shared));
        match spawned {
            Ok(handle) => *self.thread.lock() = Some(handle),
            Err(e) => tracing::warn!("cannot start the scheduler thread: {e}"),
        }
    }

    /// Wakes the driver (a job was queued; the next due time may be earlier).
    pub(crate) fn kick(&self) {
        self.shared.signal.lock().kicked = true;
        self.shared.wake.notify_all();
    }

    /// Whether the driver thread is running.
    pub(crate) fn is_running(&self) -> bool {
        self.thread
            .lock()
            .as_ref()
            .is_some_and(|h| !h.is_finished())
    }
}

impl Drop for Driver {
    /// Stops the thread and joins it (unless the last handle is dropped on the driver
    /// thread itself, which then exits on its own right after).
    fn drop(&mut self) {
        self.shared.signal.lock().shutdown = true;
        self.shared.wake.notify_all();
        if let Some(handle) = self.thread.lock().take()
            && handle.thread().id() != std::thread::current().id()
        {
            let _ = handle.join();
        }
    }
}

fn run(inner: Weak<Inner>, shared: Arc<Shared>) {
    drive(&inner, &shared);
    shared.exited.store(true, Ordering::SeqCst);
}

fn drive(inner: &Weak<Inner>, shared: &Shared) {
    loop {
        let sleep = {
            let Some(inner) = inner.upgrade() else {
                return;
            };
            let emu = Emulator { inner };
            emu.run_due();
            let now = emu.now();
            emu.inner
                .scheduler
                .next_due()
                .map(|due| (due - now).to_std().unwrap_or(Duration::ZERO))
            // `emu` is dropped here: the thread holds no strong reference while it sleeps.
        };
        let mut signal = shared.signal.lock();
        if signal.shutdown {
            return;
        }
        if !signal.kicked {
            let sleep = sleep.map_or(MAX_SLEEP, |d| d.min(MAX_SLEEP));
            if !sleep.is_zero() {
                shared.wake.wait_for(&mut signal, sleep);
            }
        }
        if signal.shutdown {
            return;
        }
        signal.kicked = false;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    /// The driver runs a job that falls due on the system clock, and the thread has exited
    /// once the last handle is dropped (the drop joins it).
    #[test]
    fn runs_due_jobs_and_stops_on_drop() {
        let emu = Emulator::builder().seed(7).build().unwrap();
        let shared = emu.inner.scheduler.driver().shared.clone();
        assert!(emu.scheduler_thread_running());
        let (tx, rx) = mpsc::channel();
        let due = emu.now() + chrono::TimeDelta::milliseconds(20);
        emu.inner.scheduler.defer(
            due,
            Box::new(move |e: &Emulator| {
                let _ = tx.send(e.now());
            }),
        );
        let ran_at = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the driver ran the job");
        assert!(ran_at >= due);
        assert!(!shared.exited.load(Ordering::SeqCst));
        let clone = emu.clone();
        drop(emu);
        assert!(
            !shared.exited.load(Ordering::SeqCst),
            "a clone keeps it alive"
        );
        drop(clone);
        // Joined by the drop, unless the driver held the last reference at that instant
        // (it then drops the emulator itself and returns right after).
        assert!(wait_exit(&shared), "the thread stopped");
    }

    fn wait_exit(shared: &Shared) -> bool {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !shared.exited.load(Ordering::SeqCst) && std::time::Instant::now() < deadline {
            std::thread::yield_now();
        }
        shared.exited.load(Ordering::SeqCst)
    }

    /// Dropping the last handle inside a job (on the driver thread) does not deadlock.
    #[test]
    fn last_handle_dropped_on_the_driver_thread() {
        let emu = Emulator::builder().seed(8).build().unwrap();
        let shared = emu.inner.scheduler.driver().shared.clone();
        let (tx, rx) = mpsc::channel::<()>();
        let held = Mutex::new(Some(emu.clone()));
        emu.inner.scheduler.defer(
            emu.now(),
            Box::new(move |_e: &Emulator| {
                // Let the test drop its handle first, then drop ours here.
                let _ = rx.recv_timeout(Duration::from_secs(30));
                drop(held.lock().take());
            }),
        );
        drop(emu);
        let _ = tx.send(());
        assert!(wait_exit(&shared), "the thread stopped");
    }
}
