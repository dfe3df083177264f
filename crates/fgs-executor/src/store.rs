//! Building stores: a version's WASI context (captured stdout/stderr, `user_data` as the
//! environment, the dependency directory preopened read-only, the executor's clock as the
//! guest's wall clock, DESIGN §3) and a store armed with the memory limiter and the epoch
//! callback. Handler pools and WASI commands both build their stores here.

use std::sync::Arc;
use std::time::Duration;

use wasmtime::{Engine, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::{FsPerms, HostWallClock, WasiCtxBuilder};

use crate::buffer::{CaptureBuffer, SharedBuffer};
use crate::capture::CaptureStream;
use crate::context::ContextTemplate;
use crate::shared::Shared;
use crate::spec::VersionSpec;
use crate::state::HostState;

/// Everything a version needs to build its stores, computed once per version.
pub(crate) struct StoreBuilder {
    pub(crate) engine: Engine,
    pub(crate) shared: Arc<Shared>,
    pub(crate) spec: Arc<VersionSpec>,
    /// The guest's environment (`user_data` and `RUNTIME_*`), built once per version.
    env: Vec<(String, String)>,
    /// The guest context's fixed JSON, serialized once per version.
    context: Arc<ContextTemplate>,
}

impl StoreBuilder {
    pub(crate) fn new(engine: Engine, shared: Arc<Shared>, spec: VersionSpec) -> Self {
        StoreBuilder {
            engine,
            shared,
            env: spec.env(),
            context: Arc::new(ContextTemplate::of(&spec)),
            spec: Arc::new(spec),
        }
    }

    /// A fresh per-invocation log buffer, bounded by the executor's log limit.
    pub(crate) fn log(&self) -> Arc<SharedBuffer> {
        Arc::new(SharedBuffer::new(CaptureBuffer::log(
            self.shared.settings.log_limit,
        )))
    }

    /// The version's WASI context, stdout and stderr going to `log`, with `extra_env` after
    /// the version's environment.
    pub(crate) fn wasi(
        &self,
        log: &Arc<SharedBuffer>,
        extra_env: &[(String, String)],
    ) -> WasiCtxBuilder {
        let mut b = WasiCtxBuilder::new();
        b.stdout(CaptureStream(log.clone()))
            .stderr(CaptureStream(log.clone()))
            .args(&[self.spec.function_name.as_str()])
            .envs(&self.env)
            .envs(extra_env)
            .wall_clock(GuestClock(self.shared.clock.clone()));
        if let Some(dir) = &self.spec.deps_dir
            && let Err(e) = b.preopened_dir(dir, fgs_abi::DEPS_DIR, FsPerms::ReadOnly)
        {
            log.lock().push_line(&format!(
                "dependency directory {} unavailable: {e:#}",
                dir.display()
            ));
        }
        b
    }

    /// A store for one instance, with the memory limiter and the epoch callback.
    pub(crate) fn store(&self, wasi: WasiP1Ctx, log: Arc<SharedBuffer>) -> Store<HostState> {
        let state = HostState::new(
            wasi,
            log,
            self.spec.clone(),
            self.context.clone(),
            self.shared.clone(),
        );
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limiter);
        store.epoch_deadline_callback(|mut ctx| Ok(ctx.data_mut().on_epoch()));
        store
    }
}

/// The guest's wall clock: the executor's clock (DESIGN §3).
struct GuestClock(Arc<dyn fgs_core::clock::Clock>);

impl HostWallClock for GuestClock {
    fn resolution(&self) -> Duration {
        Duration::from_millis(1)
    }

    fn now(&self) -> Duration {
        let t = self.0.now();
        Duration::new(t.timestamp().max(0) as u64, t.timestamp_subsec_nanos())
    }
}
