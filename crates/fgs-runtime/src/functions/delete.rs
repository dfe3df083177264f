//! Deleting functions and versions (seed §5.6.3, DECISIONS "Delete").

use fgs_core::urn::Qualifier;
use fgs_core::{ErrorKind, Result};

use crate::Emulator;
use crate::state::{FunctionEntry, FunctionKey};

impl Emulator {
    /// Deletes a function or one of its versions (seed §5.6.3, DECISIONS "Delete").
    ///
    /// - A URN with no version or alias (1, 2, 3 or 7 fields) deletes the whole function:
    ///   `latest`, every version, alias, trigger, test event and config.
    /// - A version URN deletes that version with its per-qualifier resources (triggers,
    ///   reserved and async configs). FSS.1052 if it does not exist; FSS.1094 while an alias
    ///   uses it, as additional version or as major version (an alias must always point
    ///   somewhere: delete or repoint the alias first).
    /// - An alias URN deletes the version the alias points to, and the alias itself with its
    ///   resources. FSS.1053 if the alias does not exist; FSS.1094 while another alias uses
    ///   that version; refused like `latest` when the alias points to `latest`.
    /// - `latest` on its own cannot be deleted: FSS.1015 (the seed gives no code; pass the URN
    ///   without a version to delete everything).
    /// - A missing function is FSS.1051 whatever the qualifier.
    pub fn delete_function(&self, function_urn: &str) -> Result<()> {
        let urn = self.parse_urn(function_urn)?;
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &crate::state::FunctionKey::of(&urn));
        let entry = state.function_mut(&urn)?;
        let Some(qualifier) = urn.qualifier() else {
            let key = FunctionKey::of(&urn);
            state.functions.remove(&key);
            tx.commit(&mut state)?;
            drop(state);
            // Its figures move to the tenant's retired totals; a new function of the same
            // name starts at zero.
            self.forget_function_metrics(&key);
            // Its queued async events end DISCARD.
            self.discard_async_of(&key);
            self.forget_deployments(&key, None);
            return Ok(());
        };
        let (version, via_alias) = match qualifier {
            Qualifier::Latest => return Err(latest_undeletable(None)),
            Qualifier::Version(v) => {
                entry.published(v)?;
                (v.clone(), None)
            }
            Qualifier::Alias(a) => {
                let target = entry.alias(a)?.version.clone();
                if target == fgs_core::urn::LATEST {
                    return Err(latest_undeletable(Some(a)));
                }
                entry.published(&target)?;
                (target, Some(a.clone()))
            }
        };
        check_no_alias_uses(entry, &version, via_alias.as_deref())?;
        if let Some(alias) = via_alias {
            entry.aliases.remove(&alias);
            entry.remove_qualifier_resources(&Qualifier::Alias(alias));
        }
        entry.versions.remove(&version);
        entry.remove_qualifier_resources(&Qualifier::Version(version.clone()));
        tx.commit(&mut state)?;
        drop(state);
        self.forget_deployments(&FunctionKey::of(&urn), Some(&version));
        Ok(())
    }
}

fn latest_undeletable(alias: Option<&str>) -> fgs_core::Error {
    let via = alias.map_or(String::new(), |a| format!(" (alias '{a}' points to it)"));
    ErrorKind::InvalidVersion.with(format!(
        "'latest' cannot be deleted on its own{via}; delete the function with a URN without \
         version to remove everything"
    ))
}

/// FSS.1094 while an alias other than `except` uses `version`.
fn check_no_alias_uses(entry: &FunctionEntry, version: &str, except: Option<&str>) -> Result<()> {
    for alias in entry.aliases.values() {
        if Some(alias.name.as_str()) == except {
            continue;
        }
        let additional = alias
            .additional_version_weights
            .as_ref()
            .is_some_and(|w| w.contains_key(version));
        if additional || alias.version == version {
            let role = if additional {
                "an additional"
            } else {
                "the major"
            };
            return Err(ErrorKind::VersionUsedByAlias.with(format!(
                "version '{version}' is {role} version of alias '{}'; change or delete the \
                 alias first",
                alias.name
            )));
        }
    }
    Ok(())
}
