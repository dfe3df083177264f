//! The invoke path's route cache: what a URN string resolved to (the version to run, its
//! deployment and the function's metrics cell), trusted while the state's generation is
//! the one it was resolved at ([`crate::state::StateLock`]).
//!
//! A warm [`crate::Emulator::invoke`] of a cached URN therefore parses nothing, takes neither
//! the state lock nor the deployment cache's lock, and writes no memory shared with other
//! threads: the table is read through an [`ArcSwap`] guard (no reference count is touched)
//! and the route is borrowed from it for the call. Any write to the state (an update, a
//! publish, an alias change, a delete...) moves the generation, and the next call of every
//! URN resolves again under the state lock. Routes are cached only for URNs that always name
//! one version (`latest`, a version, or an alias without additional version weights; a
//! weighted alias draws its version per call) and only while the function is enabled.

use std::collections::HashMap;
use std::sync::Arc;

use arc_swap::{ArcSwap, Guard};
use foldhash::fast::FixedState;

use super::runner::Deployment;
use crate::metrics::FunctionCell;

/// At most this many URN strings are cached per generation; beyond, calls resolve each time.
const MAX_ROUTES: usize = 1024;

/// A resolved invocation target.
#[derive(Clone)]
pub(crate) struct Route {
    /// The function's name (for the per-invocation log event).
    pub(crate) function: Arc<str>,
    /// The version that runs (`latest` or a published version name).
    pub(crate) version: String,
    /// The alias the URN named, if any.
    pub(crate) alias: Option<String>,
    /// The version's `memory_size`, MB.
    pub(crate) memory_mb: u32,
    pub(crate) deployment: Arc<Deployment>,
    pub(crate) metrics: Arc<FunctionCell>,
}

/// The routes resolved at one generation of the state.
#[derive(Default)]
pub(crate) struct Table {
    generation: u64,
    routes: HashMap<Box<str>, Route, FixedState>,
}

impl Table {
    /// The route of `urn` if it was resolved at `generation`.
    pub(crate) fn route(&self, urn: &str, generation: u64) -> Option<&Route> {
        if self.generation != generation {
            return None;
        }
        self.routes.get(urn)
    }
}

/// The cache, held by the runner.
pub(crate) struct Routes {
    table: ArcSwap<Table>,
    hasher: FixedState,
}

impl Routes {
    /// An empty cache whose hash seed is `seed` (from the emulator's random source).
    pub(crate) fn new(seed: u64) -> Self {
        let hasher = FixedState::with_seed(seed);
        Routes {
            table: ArcSwap::from_pointee(Table {
                generation: 0,
                routes: HashMap::with_hasher(hasher.clone()),
            }),
            hasher,
        }
    }

    /// The current table, for the length of one call.
    pub(crate) fn load(&self) -> Guard<Arc<Table>> {
        self.table.load()
    }

    /// Drops every cached route (and with them the deployments only they still hold: a
    /// deleted function's instances and dependency files go now, not at the next resolve).
    pub(crate) fn clear(&self) {
        self.table.store(Arc::new(Table {
            generation: 0,
            routes: HashMap::with_hasher(self.hasher.clone()),
        }));
    }

    /// Caches the route of `urn` resolved at `generation`: a table of an older generation is
    /// replaced by a new one, a newer one is left alone (the route is already stale).
    pub(crate) fn insert(&self, urn: &str, generation: u64, route: impl Fn() -> Route) {
        self.table.rcu(|table| {
            if table.generation > generation
                || (table.generation == generation && table.routes.len() >= MAX_ROUTES)
            {
                return Arc::clone(table);
            }
            let mut routes = if table.generation == generation {
                table.routes.clone()
            } else {
                HashMap::with_hasher(self.hasher.clone())
            };
            routes.insert(urn.into(), route());
            Arc::new(Table { generation, routes })
        });
    }
}
