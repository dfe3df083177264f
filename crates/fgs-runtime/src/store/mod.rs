//! Durable state (issue 10, DESIGN §6): the one small [`Store`] interface the registry writes
//! through, in memory by default ([`MemoryStore`], which writes nothing) or an embedded
//! transactional store in a state directory ([`RedbStore`]).
//!
//! [`crate::state::State`] stays the source of truth. A management call takes the state's
//! write lock, opens a [`Tx`] that remembers the previous value of every record it is about
//! to change (only when the store is durable: in memory a `Tx` is empty and costs nothing),
//! changes the state, and calls [`Tx::commit`] before it releases the lock: the changed
//! records are written in one store transaction, so a call answered with success is durable;
//! if the commit fails, the previous values are put back and the call returns the error, so
//! the in-memory state is unchanged. Opening a state directory loads every record into the
//! state ([`load`]).
//!
//! What is kept: functions with their code packages, versions, aliases, triggers, test
//! events, tracing, reserved-instance and async configs; dependencies; the LTS settings; the
//! async queue with its records (`crate::async_invoke`); each TIMER trigger's last fired tick
//! (`crate::scheduler`). Metrics (seed §5.8), fired-event logs and destination deliveries stay
//! in memory. Sync invocations never touch the store.

mod records;
mod redb_store;
mod restore;
mod snapshot;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use fgs_core::Result;
use fgs_core::code::CodePackage;
use fgs_core::dependency::Dependency;

use crate::state::{FunctionEntry, FunctionKey, State};

pub(crate) use records::{decode_request, encode_request, function_key};
pub(crate) use redb_store::RedbStore;
pub(crate) use restore::open;
pub(crate) use snapshot::{all_writes, write_snapshot};

/// The store's tables (keyed records).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Table {
    /// `state`: the [`records::MetaRec`].
    Meta,
    /// Functions by [`function_key`].
    Functions,
    /// Code package bytes by digest.
    Code,
    /// Dependencies by id.
    Dependencies,
    /// Dependency package bytes by id.
    DependencyPackages,
    /// Async requests by request id.
    Async,
    /// Each TIMER trigger's last fired tick (nanoseconds since the epoch), by trigger id.
    Ticks,
}

impl Table {
    /// Every table.
    pub(crate) const ALL: [Table; 7] = [
        Table::Meta,
        Table::Functions,
        Table::Code,
        Table::Dependencies,
        Table::DependencyPackages,
        Table::Async,
        Table::Ticks,
    ];
}

/// Bytes to write, owned or shared with the state.
pub(crate) enum Bytes {
    /// Owned bytes.
    Owned(Vec<u8>),
    /// A code package's bytes.
    Code(Arc<CodePackage>),
    /// A dependency's package.
    Shared(Arc<Vec<u8>>),
}

impl Bytes {
    /// The bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Code(c) => &c.bytes,
            Bytes::Shared(v) => v,
        }
    }
}

/// One write of a transaction: a put (`value` set) or a delete.
pub(crate) struct Write {
    pub(crate) table: Table,
    pub(crate) key: String,
    pub(crate) value: Option<Bytes>,
    /// Put only when the key is absent (code rows, shared by digest).
    pub(crate) if_absent: bool,
}

impl Write {
    /// Puts `value` at `key`.
    pub(crate) fn put(table: Table, key: impl Into<String>, value: Bytes) -> Write {
        Write {
            table,
            key: key.into(),
            value: Some(value),
            if_absent: false,
        }
    }

    /// Deletes `key`.
    pub(crate) fn delete(table: Table, key: impl Into<String>) -> Write {
        Write {
            table,
            key: key.into(),
            value: None,
            if_absent: false,
        }
    }
}

/// Where the state is kept: the registry code writes through this and does not know which
/// store it has.
pub(crate) trait Store: Send + Sync + fmt::Debug {
    /// Whether writes are kept (false for [`MemoryStore`]: callers skip all bookkeeping).
    fn durable(&self) -> bool;
    /// Writes all `writes` in one transaction, or none of them.
    fn commit(&self, writes: Vec<Write>) -> Result<()>;
    /// Every row of a table.
    fn load(&self, table: Table) -> Result<Vec<(String, Vec<u8>)>>;
}

/// The default store: nothing is written, state lives in memory only.
#[derive(Debug, Default)]
pub(crate) struct MemoryStore;

impl Store for MemoryStore {
    fn durable(&self) -> bool {
        false
    }
    fn commit(&self, _writes: Vec<Write>) -> Result<()> {
        Ok(())
    }
    fn load(&self, _table: Table) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(Vec::new())
    }
}

/// The changes of one management call, with the previous value of each touched record
/// (see the module docs). Empty, and free, when the store is not durable.
pub(crate) struct Tx {
    store: Option<Arc<dyn Store>>,
    functions: Vec<(FunctionKey, Option<FunctionEntry>)>,
    dependencies: Vec<(String, Option<Dependency>)>,
    meta: (u64, Option<fgs_core::logs::LtsGroup>),
}

impl Tx {
    /// Starts a transaction on `state` (held under its write lock).
    pub(crate) fn begin(store: &Arc<dyn Store>, state: &State) -> Tx {
        let durable = store.durable();
        Tx {
            store: durable.then(|| store.clone()),
            functions: Vec::new(),
            dependencies: Vec::new(),
            meta: if durable {
                (state.next_seq, state.lts.clone())
            } else {
                (0, None)
            },
        }
    }

    /// The call will change (create, update or delete) the function `key`.
    pub(crate) fn function(&mut self, state: &State, key: &FunctionKey) {
        if self.store.is_some() && !self.functions.iter().any(|(k, _)| k == key) {
            self.functions
                .push((key.clone(), state.functions.get(key).cloned()));
        }
    }

    /// The call will change every function (e.g. a dependency delete that detaches it).
    pub(crate) fn all_functions(&mut self, state: &State) {
        if self.store.is_some() {
            let keys: Vec<_> = state.functions.keys().cloned().collect();
            for key in keys {
                self.function(state, &key);
            }
        }
    }

    /// The call will change the dependency `id`.
    pub(crate) fn dependency(&mut self, state: &State, id: &str) {
        if self.store.is_some() && !self.dependencies.iter().any(|(k, _)| k == id) {
            self.dependencies
                .push((id.to_owned(), state.dependencies.get(id).cloned()));
        }
    }

    /// Writes every touched record as it now is in `state`, in one transaction; if that
    /// fails, puts the previous values back and returns the error.
    pub(crate) fn commit(self, state: &mut State) -> Result<()> {
        let Some(store) = self.store.clone() else {
            return Ok(());
        };
        let result = self.writes(state).and_then(|writes| store.commit(writes));
        if result.is_err() {
            self.rollback(state);
        }
        result
    }

    fn writes(&self, state: &State) -> Result<Vec<Write>> {
        let mut writes = Vec::new();
        for (key, before) in &self.functions {
            let skey = function_key(key);
            match state.functions.get(key) {
                Some(entry) => {
                    let (bytes, codes) = records::encode_function(key, entry)?;
                    writes.push(Write::put(Table::Functions, skey, Bytes::Owned(bytes)));
                    let known = |digest: &str| {
                        before.as_ref().is_some_and(|b| {
                            b.latest.code.digest == digest
                                || b.versions.values().any(|v| v.code.digest == digest)
                        })
                    };
                    for code in codes {
                        if !known(&code.digest) {
                            let mut w =
                                Write::put(Table::Code, code.digest.clone(), Bytes::Code(code));
                            w.if_absent = true;
                            writes.push(w);
                        }
                    }
                }
                None => writes.push(Write::delete(Table::Functions, skey)),
            }
            // The last fired ticks of triggers that are gone.
            if let Some(before) = before {
                let now = state.functions.get(key);
                for id in before.triggers.keys() {
                    if now.is_none_or(|e| !e.triggers.contains_key(id)) {
                        writes.push(Write::delete(Table::Ticks, id.clone()));
                    }
                }
            }
        }
        for (id, before) in &self.dependencies {
            match state.dependencies.get(id) {
                Some(dep) => {
                    writes.push(Write::put(
                        Table::Dependencies,
                        id.clone(),
                        Bytes::Owned(records::encode_dependency(dep)?),
                    ));
                    if before
                        .as_ref()
                        .is_none_or(|b| !Arc::ptr_eq(&b.package, &dep.package))
                    {
                        writes.push(Write::put(
                            Table::DependencyPackages,
                            id.clone(),
                            Bytes::Shared(dep.package.clone()),
                        ));
                    }
                }
                None => {
                    writes.push(Write::delete(Table::Dependencies, id.clone()));
                    writes.push(Write::delete(Table::DependencyPackages, id.clone()));
                }
            }
        }
        if (state.next_seq, &state.lts) != (self.meta.0, &self.meta.1) {
            writes.push(meta_write(state)?);
        }
        Ok(writes)
    }

    fn rollback(self, state: &mut State) {
        for (key, before) in self.functions {
            match before {
                Some(entry) => state.functions.insert(key, entry),
                None => state.functions.remove(&key),
            };
        }
        for (id, before) in self.dependencies {
            match before {
                Some(dep) => state.dependencies.insert(id, dep),
                None => state.dependencies.remove(&id),
            };
        }
        state.next_seq = self.meta.0;
        state.lts = self.meta.1;
    }
}

fn meta_write(state: &State) -> Result<Write> {
    let meta = records::MetaRec {
        next_seq: state.next_seq,
        lts: state.lts.clone(),
    };
    let bytes = serde_json::to_vec(&meta).map_err(|e| records::corrupt("state record", e))?;
    Ok(Write::put(Table::Meta, "state", Bytes::Owned(bytes)))
}

/// Everything a store holds, loaded: the state, the async requests (with their acceptance
/// sequence) and the TIMER triggers' last fired ticks.
pub(crate) struct Loaded {
    pub(crate) state: State,
    pub(crate) requests: Vec<(u64, crate::async_invoke::Request)>,
    pub(crate) ticks: HashMap<String, chrono::DateTime<chrono::Utc>>,
}

/// Loads a store. `urn_of` gives a function's unqualified URN (for re-parsing triggers).
pub(crate) fn load(store: &dyn Store, urn_of: &dyn Fn(&FunctionKey) -> String) -> Result<Loaded> {
    let mut state = State::default();
    for (key, bytes) in store.load(Table::Meta)? {
        if key == "state" {
            let meta: records::MetaRec =
                serde_json::from_slice(&bytes).map_err(|e| records::corrupt("state record", e))?;
            state.next_seq = meta.next_seq;
            state.lts = meta.lts;
        }
    }
    let mut code_rows: HashMap<String, Vec<u8>> = store.load(Table::Code)?.into_iter().collect();
    let mut packages: HashMap<String, Arc<CodePackage>> = HashMap::new();
    let mut code = |digest: &str| -> Result<Arc<CodePackage>> {
        if let Some(p) = packages.get(digest) {
            return Ok(p.clone());
        }
        let bytes = code_rows
            .remove(digest)
            .ok_or_else(|| records::corrupt("function", format!("code {digest} is missing")))?;
        let p = Arc::new(CodePackage::from_bytes(bytes));
        packages.insert(digest.to_owned(), p.clone());
        Ok(p)
    };
    for (_, bytes) in store.load(Table::Functions)? {
        let (key, entry) = records::decode_function(&bytes, &mut code, urn_of)?;
        state.next_seq = state.next_seq.max(entry.seq);
        state.functions.insert(key, entry);
    }
    let mut dep_packages: HashMap<String, Vec<u8>> =
        store.load(Table::DependencyPackages)?.into_iter().collect();
    for (id, bytes) in store.load(Table::Dependencies)? {
        let package = dep_packages.remove(&id).unwrap_or_default();
        let dep = records::decode_dependency(&bytes, package)?;
        state.next_seq = state.next_seq.max(dep.seq);
        state.dependencies.insert(id, dep);
    }
    // Code no function references any more (its functions were deleted) is dropped.
    if !code_rows.is_empty() {
        let writes = code_rows
            .into_keys()
            .map(|d| Write::delete(Table::Code, d))
            .collect();
        store.commit(writes)?;
    }
    let mut requests = Vec::new();
    for (_, bytes) in store.load(Table::Async)? {
        requests.push(decode_request(&bytes)?);
    }
    let mut ticks = HashMap::new();
    for (id, bytes) in store.load(Table::Ticks)? {
        let n = <[u8; 8]>::try_from(bytes.as_slice())
            .map_err(|_| records::corrupt("timer tick", "not 8 bytes"))?;
        ticks.insert(
            id,
            chrono::DateTime::from_timestamp_nanos(i64::from_be_bytes(n)),
        );
    }
    Ok(Loaded {
        state,
        requests,
        ticks,
    })
}

/// The write that records a TIMER trigger's last fired tick.
pub(crate) fn tick_write(trigger_id: &str, tick: chrono::DateTime<chrono::Utc>) -> Write {
    let n = tick.timestamp_nanos_opt().unwrap_or(i64::MAX);
    Write::put(
        Table::Ticks,
        trigger_id,
        Bytes::Owned(n.to_be_bytes().to_vec()),
    )
}

impl crate::Emulator {
    /// A [`Tx`] on this emulator's store, for a call holding the state's write lock.
    pub(crate) fn tx(&self, state: &State) -> Tx {
        Tx::begin(&self.inner.store, state)
    }
}

#[cfg(test)]
mod tests;
