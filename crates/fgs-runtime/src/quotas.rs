//! Tenant quotas (seed §5.2.1) with real `used` counts.

use std::collections::HashSet;
use std::sync::Arc;

use fgs_core::code::CodePackage;
use fgs_core::quota::QuotasResponse;

use crate::Emulator;
use crate::state::{FunctionEntry, State};

impl Emulator {
    /// The tenant quotas (seed §5.2.1): the six types of the seed, `fgs_func_num` used = the
    /// number of functions, `fgs_func_code_size` used = the stored code in MB (rounded up);
    /// the quotas are exactly the [`fgs_core::limits::Limits`] that FSS.1041 and FSS.1042
    /// enforce.
    pub fn get_quotas(&self) -> QuotasResponse {
        let state = self.inner.state.read();
        QuotasResponse::new(
            self.limits(),
            state.functions.len() as u64,
            total_code_size(&state),
        )
    }
}

/// Code bytes stored by every function (each distinct package counted once per function:
/// a published version sharing `latest`'s code costs nothing extra).
pub(crate) fn total_code_size(state: &State) -> u64 {
    state.functions.values().map(entry_code_size).sum()
}

/// Code bytes stored by one function.
pub(crate) fn entry_code_size(entry: &FunctionEntry) -> u64 {
    distinct_size(
        std::iter::once(&entry.latest.code).chain(entry.versions.values().map(|v| &v.code)),
    )
}

/// The size of the distinct packages among `codes`.
pub(crate) fn distinct_size<'a>(codes: impl Iterator<Item = &'a Arc<CodePackage>>) -> u64 {
    let mut seen = HashSet::new();
    codes
        .filter(|c| seen.insert(Arc::as_ptr(c)))
        .map(|c| c.size())
        .sum()
}
