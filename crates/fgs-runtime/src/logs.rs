//! Log group and stream of a function (seed §5.9).
//!
//! [`Emulator::enable_lts_logs`] (§5.9.2) is tenant-wide and bodyless: the first call creates
//! the project's log group, and every call gives each function that has none a log stream,
//! whose ids are set as `log_group_id` / `log_stream_id` on its `latest` config and on its
//! published versions' configs (so GET config shows them). It is idempotent: ids that exist
//! are kept. [`Emulator::get_lts_log_detail`] (§5.9.1) returns the same ids; before logs are
//! enabled it is 404 FSS.0404 (an emulator ruling: the seed documents only 200 and 403).
//! A function created after enabling gets its stream at creation. The emulator never
//! throttles, so §5.9.2's 429 FSS.0429 does not occur.

use fgs_core::function::FunctionConfig;
use fgs_core::logs::{LtsGroup, LtsLogDetail};
use fgs_core::{ErrorKind, Result};

use crate::Emulator;
use crate::state::FunctionEntry;

/// Sets the group and stream ids on a config that has no stream yet.
fn set_ids(config: &mut FunctionConfig, group: &LtsGroup, stream_id: &str) {
    if config.log_stream_id.is_none() {
        config.log_group_id = Some(group.group_id.clone());
        config.log_stream_id = Some(stream_id.to_owned());
    }
}

impl Emulator {
    /// Enables log reporting to LTS for the whole project (seed §5.9.2; 200 with no body
    /// over REST). Idempotent; see the module docs.
    pub fn enable_lts_logs(&self) -> Result<()> {
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.all_functions(&state);
        let project = self.inner.settings.urn.project_id.clone();
        let group = state
            .lts
            .get_or_insert_with(|| LtsGroup {
                group_id: self.inner.random.uuid(),
                group_name: LtsGroup::name_for(&project),
            })
            .clone();
        for entry in state.functions.values_mut() {
            self.attach_log_stream(entry, &group);
        }
        tx.commit(&mut state)
    }

    /// The LTS log group and stream of the function a URN names (seed §5.9.1).
    ///
    /// Errors: FSS.1051 / FSS.1052 / FSS.1053 for a missing function, version or alias;
    /// 404 FSS.0404 before [`Emulator::enable_lts_logs`] was called.
    pub fn get_lts_log_detail(&self, function_urn: &str) -> Result<LtsLogDetail> {
        let urn = self.parse_urn(function_urn)?;
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &crate::state::FunctionKey::of(&urn));
        let group = state.lts.clone();
        let entry = state.function_mut(&urn)?;
        entry.check_qualifier(urn.effective_qualifier())?;
        let group = group.ok_or_else(|| {
            ErrorKind::NotFound.with(format!(
                "LTS logs are not enabled, so function '{}' has no log group or stream; call \
                 enable-lts-logs first",
                urn.unqualified()
            ))
        })?;
        let stream_id = self.attach_log_stream(entry, &group);
        let config = &entry.latest.config;
        let stream_name = LtsGroup::stream_name_for(&config.package, &config.func_name);
        tx.commit(&mut state)?;
        Ok(LtsLogDetail {
            group_name: group.group_name.clone(),
            group_id: group.group_id.clone(),
            stream_id,
            stream_name,
        })
    }

    /// Gives a function a log stream if it has none (ids from the seeded randomness) and
    /// returns its stream id. Function creation may call this when logs are enabled
    /// (`State::lts` is set) so that a new function shows its ids at once.
    pub(crate) fn attach_log_stream(&self, entry: &mut FunctionEntry, group: &LtsGroup) -> String {
        let stream_id = match &entry.latest.config.log_stream_id {
            Some(id) => id.clone(),
            None => self.inner.random.uuid(),
        };
        set_ids(&mut entry.latest.config, group, &stream_id);
        for version in entry.versions.values_mut() {
            set_ids(&mut version.config, group, &stream_id);
        }
        stream_id
    }
}
