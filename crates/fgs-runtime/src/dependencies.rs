//! Dependencies (seed §5.3).

use fgs_core::function::FunctionDependency;
use fgs_core::{ErrorKind, Result};

use crate::state::State;

/// Expands a function's `depend_list` into the `dependencies` objects it embeds
/// (seed Table 1-5). An unknown id is FSS.1056.
#[allow(dead_code)]
pub(crate) fn expand_depend_list(state: &State, ids: &[String]) -> Result<Vec<FunctionDependency>> {
    ids.iter()
        .map(|id| {
            let dep = state.dependencies.get(id).ok_or_else(|| {
                ErrorKind::DependencyNotFound.with(format!("dependency '{id}' does not exist"))
            })?;
            Ok(FunctionDependency {
                id: Some(dep.id.clone()),
                ..FunctionDependency::default()
            })
        })
        .collect()
}
