//! Hot reload (`serve --watch`): a thread polls the code of every manifest function that
//! lives on disk (a `.wasm` or `.zip` file, or a directory) every [`POLL`], and when its
//! names, sizes or modification times change and the bytes' digest differs, sends the new
//! code to `latest` through the REST API (`PUT .../code`, the same path `deploy` takes).
//! Calls already running finish on the old code (each holds its deployment); the next call
//! runs the new one. The thread stops when `serve` shuts down.
//!
//! What a reload costs, measured from the file change to the next call running the new code:
//! one poll interval at most, plus reading and hashing the file and compiling the module
//! (a few milliseconds for the fixture modules; the log line gives the figure).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::client::Client;
use crate::deploy;
use crate::manifest::{Code, Manifest};

/// How often the files are checked.
pub const POLL: Duration = Duration::from_millis(200);

/// The watcher thread; dropping it stops the thread.
pub struct Watcher {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            h.thread().unpark();
            let _ = h.join();
        }
    }
}

/// Starts watching the code of `manifest`'s functions.
pub fn start(manifest: Manifest, client: Client) -> Watcher {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let handle = std::thread::Builder::new()
        .name("fgs-watch".into())
        .spawn(move || watch(manifest, client, &flag))
        .ok();
    Watcher { stop, handle }
}

fn watch(mut manifest: Manifest, client: Client, stop: &AtomicBool) {
    let mut stamps: Vec<_> = manifest
        .functions
        .iter()
        .map(|f| Code::stamp(&f.code.source))
        .collect();
    let watched = stamps.iter().filter(|s| s.is_some()).count();
    tracing::info!("watching the code of {watched} function(s) for changes");
    while !stop.load(Ordering::Relaxed) {
        std::thread::park_timeout(POLL);
        for (f, stamp) in manifest.functions.iter_mut().zip(stamps.iter_mut()) {
            let Some(old) = stamp.as_ref() else { continue };
            let now = Code::stamp(&f.code.source);
            if now.as_ref() == Some(old) {
                continue;
            }
            *stamp = now;
            let started = Instant::now();
            let code = match Code::load(f.code.source.clone()) {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(function = %f.name, "not reloaded: {e}");
                    continue;
                }
            };
            if code.digest == f.code.digest {
                continue;
            }
            let old_digest = std::mem::replace(&mut f.code, code).digest;
            match deploy::redeploy_code(&client, f) {
                Ok(_) => tracing::info!(
                    function = %f.name,
                    "reloaded: digest {} -> {} in {:.1} ms",
                    &old_digest[..12],
                    &f.code.digest[..12],
                    started.elapsed().as_secs_f64() * 1000.0
                ),
                Err(e) => tracing::warn!(function = %f.name, "reload refused: {e:#}"),
            }
        }
    }
}
