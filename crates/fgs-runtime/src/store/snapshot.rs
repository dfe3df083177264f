//! Snapshots for tests (issue 10): the whole state of an emulator written to a fresh state
//! directory, which [`crate::EmulatorBuilder::from_snapshot`] starts another emulator from.

use std::path::Path;

use fgs_core::{ErrorKind, Result};

use super::{Bytes, RedbStore, Store, Table, Write, meta_write, records};
use crate::async_invoke::Request;
use crate::state::State;

/// Writes `state` and the async `requests` into a new store in `dir` (which must not hold
/// a store yet), in one transaction.
pub(crate) fn write_snapshot(dir: &Path, state: &State, requests: &[(u64, Request)]) -> Result<()> {
    if dir.join("FORMAT").exists() {
        return Err(ErrorKind::InvalidParameter.with(format!(
            "snapshot directory '{}' already holds a state store",
            dir.display()
        )));
    }
    let store = RedbStore::open(dir)?;
    store.commit(all_writes(state, requests)?)
}

/// Every write that stores `state` and `requests` from scratch.
pub(crate) fn all_writes(state: &State, requests: &[(u64, Request)]) -> Result<Vec<Write>> {
    let mut writes = vec![meta_write(state)?];
    for (key, entry) in &state.functions {
        let (bytes, codes) = records::encode_function(key, entry)?;
        writes.push(Write::put(
            Table::Functions,
            records::function_key(key),
            Bytes::Owned(bytes),
        ));
        for code in codes {
            let mut w = Write::put(Table::Code, code.digest.clone(), Bytes::Code(code));
            w.if_absent = true;
            writes.push(w);
        }
    }
    for (id, dep) in &state.dependencies {
        writes.push(Write::put(
            Table::Dependencies,
            id.clone(),
            Bytes::Owned(records::encode_dependency(dep)?),
        ));
        writes.push(Write::put(
            Table::DependencyPackages,
            id.clone(),
            Bytes::Shared(dep.package.clone()),
        ));
    }
    for (seq, request) in requests {
        writes.push(Write::put(
            Table::Async,
            request.request_id.clone(),
            Bytes::Owned(records::encode_request(*seq, request)?),
        ));
    }
    Ok(writes)
}
