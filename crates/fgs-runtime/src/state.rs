//! The emulator's state: one [`State`] behind the [`crate::Emulator`]'s lock
//! ([`StateLock`], which counts the writes so that the invoke path can cache what it resolved).
//!
//! A function is a [`FunctionEntry`]: its `latest` head, its published versions, and every
//! resource that belongs to it (aliases, triggers, test events, tracing, reserved-instance and
//! async configs), so that deleting the function drops all of them at once.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use fgs_core::alias::Alias;
use fgs_core::async_config::AsyncConfig;
use fgs_core::code::CodePackage;
use fgs_core::dependency::Dependency;
use fgs_core::function::FunctionConfig;
use fgs_core::reserved::ReservedConfig;
use fgs_core::test_event::TestEvent;
use fgs_core::tracing_config::TracingConfig;
use fgs_core::trigger::Trigger;
use fgs_core::urn::{FunctionUrn, Qualifier};
use fgs_core::{ErrorKind, Result};
use indexmap::IndexMap;
use parking_lot::{RwLock, RwLockReadGuard, RwLockWriteGuard};

/// The state behind its read-write lock, with a generation that every write lock bumps.
///
/// The invoke path caches what it resolved from a URN (`crate::invoke::routes`) with the
/// generation it read under the read lock, and trusts the cache while the generation is
/// unchanged: any change to any function, alias or config (all are writes) invalidates every
/// cached route at once, and a warm invocation does not take the lock at all.
#[derive(Debug, Default)]
pub(crate) struct StateLock {
    lock: RwLock<State>,
    generation: AtomicU64,
}

impl StateLock {
    /// Shared access; the generation does not change while it is held.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, State> {
        self.lock.read()
    }

    /// Exclusive access; bumps the generation (before the caller changes anything, so that a
    /// reader that saw the old generation is ordered before this write).
    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, State> {
        let guard = self.lock.write();
        self.generation.fetch_add(1, Ordering::AcqRel);
        guard
    }

    /// The number of write locks taken so far.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }
}

/// Identifies a function: project, package and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct FunctionKey {
    pub(crate) project_id: String,
    pub(crate) package: String,
    pub(crate) name: String,
}

impl FunctionKey {
    /// The key of the function a URN names (whatever its qualifier).
    pub(crate) fn of(urn: &FunctionUrn) -> Self {
        FunctionKey {
            project_id: urn.project_id().to_owned(),
            package: urn.package().to_owned(),
            name: urn.name().to_owned(),
        }
    }
}

/// Everything the emulator holds.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// Functions by key.
    pub(crate) functions: BTreeMap<FunctionKey, FunctionEntry>,
    /// Dependencies (seed §5.3) by id.
    pub(crate) dependencies: BTreeMap<String, Dependency>,
    /// Sequence number given to the next created function or dependency (list order).
    pub(crate) next_seq: u64,
    /// The project's LTS log group, once `enable-lts-logs` (seed §5.9.2) was called.
    pub(crate) lts: Option<fgs_core::logs::LtsGroup>,
}

/// One version of a function: `latest` or a published, immutable snapshot.
#[derive(Debug, Clone)]
pub(crate) struct VersionState {
    /// The configuration, as GET config returns it for this version.
    pub(crate) config: FunctionConfig,
    /// The code.
    pub(crate) code: Arc<CodePackage>,
    /// When this version was created (published) or, for `latest`, last modified.
    pub(crate) modified: DateTime<Utc>,
}

/// A trigger and the qualifier it was created under (DECISIONS "Triggers").
#[derive(Debug, Clone)]
pub(crate) struct TriggerRecord {
    /// `latest`, a version or an alias.
    pub(crate) qualifier: Qualifier,
    /// The trigger.
    pub(crate) trigger: Trigger,
}

/// A function and everything that belongs to it.
#[derive(Debug, Clone)]
pub(crate) struct FunctionEntry {
    /// Creation order, for stable list paging.
    pub(crate) seq: u64,
    /// The working head.
    pub(crate) latest: VersionState,
    /// Published versions by name.
    pub(crate) versions: BTreeMap<String, VersionState>,
    /// Aliases by name.
    pub(crate) aliases: BTreeMap<String, Alias>,
    /// Triggers by id, in creation order (a firing looks its trigger up by id).
    pub(crate) triggers: IndexMap<String, TriggerRecord>,
    /// Test events, in creation order.
    pub(crate) test_events: Vec<TestEvent>,
    /// Tracing AK/SK, once set.
    pub(crate) tracing: Option<TracingConfig>,
    /// Reserved-instance configs by qualifier name (`latest`, version or alias name).
    pub(crate) reserved: BTreeMap<String, ReservedConfig>,
    /// Async-invocation configs by qualifier name.
    pub(crate) async_configs: BTreeMap<String, AsyncConfig>,
}

impl FunctionEntry {
    /// A new function whose head is `latest`.
    pub(crate) fn new(seq: u64, latest: VersionState) -> Self {
        FunctionEntry {
            seq,
            latest,
            versions: BTreeMap::new(),
            aliases: BTreeMap::new(),
            triggers: IndexMap::new(),
            test_events: Vec::new(),
            tracing: None,
            reserved: BTreeMap::new(),
            async_configs: BTreeMap::new(),
        }
    }

    /// The version a qualifier names: `latest`, a published version (FSS.1052 if absent), or
    /// the main version of an alias (FSS.1053 if absent).
    pub(crate) fn version(&self, qualifier: &Qualifier) -> Result<&VersionState> {
        match qualifier {
            Qualifier::Latest => Ok(&self.latest),
            Qualifier::Version(v) => self.published(v),
            Qualifier::Alias(a) => {
                let alias = self.alias(a)?;
                self.published_or_latest(&alias.version)
            }
        }
    }

    /// A published version by name, FSS.1052 if absent.
    pub(crate) fn published(&self, version: &str) -> Result<&VersionState> {
        self.versions.get(version).ok_or_else(|| {
            ErrorKind::VersionNotFound.with(format!(
                "version '{version}' of function '{}' does not exist",
                self.latest.config.func_name
            ))
        })
    }

    /// `latest` or a published version by name, FSS.1052 if absent.
    pub(crate) fn published_or_latest(&self, version: &str) -> Result<&VersionState> {
        if version == fgs_core::urn::LATEST {
            Ok(&self.latest)
        } else {
            self.published(version)
        }
    }

    /// An alias by name, FSS.1053 if absent.
    pub(crate) fn alias(&self, alias: &str) -> Result<&Alias> {
        self.aliases.get(alias).ok_or_else(|| {
            ErrorKind::AliasNotFound.with(format!(
                "alias '{alias}' of function '{}' does not exist",
                self.latest.config.func_name
            ))
        })
    }

    /// Checks that a qualifier names an existing version or alias (FSS.1052 / FSS.1053).
    pub(crate) fn check_qualifier(&self, qualifier: &Qualifier) -> Result<()> {
        self.version(qualifier).map(|_| ())
    }

    /// Removes every per-qualifier resource of `qualifier`: its triggers, reserved-instance
    /// and async configs (used when a version or alias is deleted).
    pub(crate) fn remove_qualifier_resources(&mut self, qualifier: &Qualifier) {
        self.triggers.retain(|_, t| &t.qualifier != qualifier);
        self.reserved.remove(qualifier.name());
        self.async_configs.remove(qualifier.name());
    }
}

impl State {
    /// The function a URN names, FSS.1051 if it does not exist.
    pub(crate) fn function(&self, urn: &FunctionUrn) -> Result<&FunctionEntry> {
        self.functions
            .get(&FunctionKey::of(urn))
            .ok_or_else(|| function_not_found(urn))
    }

    /// The function a URN names, mutably, FSS.1051 if it does not exist.
    pub(crate) fn function_mut(&mut self, urn: &FunctionUrn) -> Result<&mut FunctionEntry> {
        self.functions
            .get_mut(&FunctionKey::of(urn))
            .ok_or_else(|| function_not_found(urn))
    }

    /// A fresh sequence number.
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }
}

/// FSS.1051 for the function a URN names.
pub(crate) fn function_not_found(urn: &FunctionUrn) -> fgs_core::Error {
    ErrorKind::FunctionNotFound.with(format!(
        "function '{}:{}' does not exist in project '{}'",
        urn.package(),
        urn.name(),
        urn.project_id()
    ))
}
