//! A live instance of either kind that pools keep (a handler module's or a runtime
//! component's), and creating one for a version's [`Kind`]: the pool deals with this type only.

use std::time::Duration;

use wasmtime::Store;

use crate::component_live::ComponentLive;
use crate::error::Result;
use crate::instance::ModuleLive;
use crate::kind::Kind;
use crate::outcome::Outcome;
use crate::settings::ExecutorBuilder;
use crate::state::HostState;
use crate::store::StoreBuilder;

/// A pooled instance.
pub(crate) enum Live {
    /// A handler module's instance (fgs-abi).
    Module(ModuleLive),
    /// A language runtime component's instance, its user code loaded.
    Component(ComponentLive),
}

/// What creating an instance gave.
pub(crate) enum Created {
    /// A linked, checked instance (its initializer not run yet).
    Ready(Live),
    /// The guest failed while being instantiated: no instance exists. With the log so far.
    Failed(Outcome, String),
    /// An instance existed but failed its start-up checks (or, for a component, loading the
    /// user's code): it is discarded. With its log (e.g. a load error's traceback).
    Discarded(Outcome, String),
}

impl Live {
    /// Creates an instance of a pooled kind (handler module or component); `None` for kinds
    /// without pooled instances. `on_worker`: created on an async worker (`crate::worker`;
    /// handler modules only).
    pub(crate) fn create(
        stores: &StoreBuilder,
        kind: &Kind,
        on_worker: bool,
    ) -> Option<Result<Created>> {
        match kind {
            Kind::Handler {
                pre,
                export,
                init,
                exports,
                ..
            } => Some(ModuleLive::create(
                stores,
                pre,
                export,
                init.as_deref(),
                exports,
                on_worker,
            )),
            Kind::Component(c) => Some(ComponentLive::create(stores, c)),
            Kind::Command { .. } | Kind::Missing(_) => None,
        }
    }

    pub(crate) fn store(&self) -> &Store<HostState> {
        match self {
            Live::Module(m) => &m.store,
            Live::Component(c) => &c.store,
        }
    }

    pub(crate) fn store_mut(&mut self) -> &mut Store<HostState> {
        match self {
            Live::Module(m) => &mut m.store,
            Live::Component(c) => &mut c.store,
        }
    }

    /// Runs the instance's initializer if it has one and has not run it yet.
    pub(crate) fn initialize(
        &mut self,
        timeout: Duration,
    ) -> std::result::Result<Option<Duration>, Outcome> {
        match self {
            Live::Module(m) => m.initialize(timeout),
            Live::Component(c) => c.initialize(timeout),
        }
    }

    /// Runs one call, already armed by the caller (`HostState::begin`, epoch deadline), and
    /// tells how it ended.
    pub(crate) fn run(&mut self, event: &[u8], settings: &ExecutorBuilder) -> Outcome {
        match self {
            Live::Module(m) => m.run(event, settings),
            Live::Component(c) => c.run(event, settings),
        }
    }
}
