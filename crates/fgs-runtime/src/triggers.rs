//! Triggers as data (seed §5.12): create, list, get, update status, delete one, delete all.
//!
//! A trigger belongs to the qualifier of the URN it was created under (`latest`, a version
//! or an alias, DECISIONS "Triggers"). The URN of list, get, update and delete selects
//! triggers the way §5.12.1 selects them for delete-all: an unqualified or `latest` URN
//! covers every trigger of the function, a version or alias URN only that qualifier's.
//! Firing is not done here: create and update register the trigger with the scheduler
//! (`crate::scheduler`), which drops the firings of deleted triggers by itself.

use fgs_core::trigger::{
    CreateTriggerRequest, EventData, Placement, Trigger, TriggerContext, TriggerStatus,
    TriggerType, UpdateTriggerRequest,
};
use fgs_core::urn::{FunctionUrn, Qualifier};
use fgs_core::{Error, ErrorKind, Result};

use crate::Emulator;
use crate::state::{FunctionEntry, FunctionKey, State, TriggerRecord};

impl Emulator {
    /// Creates a trigger on the function version or alias the URN names (seed §5.12.3) and
    /// returns it (the 201 body).
    ///
    /// Checks, in order: the function and qualifier exist (FSS.1051/1052/1053); the type
    /// (FSS.1101); `event_type_code` is given (FSS.0400); the status (FSS.0400, and
    /// FSS.1318 for DISABLED on a type that cannot be disabled); `event_data` (the type's
    /// code, name rules FSS.1317/FSS.1319); the counts (FSS.1306, FSS.1123 for pull types);
    /// duplicates and conflicts (see [`EventData::conflict`]), then names (FSS.1307).
    pub fn create_trigger(&self, function_urn: &str, req: CreateTriggerRequest) -> Result<Trigger> {
        let urn = self.parse_urn(function_urn)?;
        let qualifier = urn.effective_qualifier().clone();
        let now = self.now();
        let limits = self.limits().clone();
        let trigger_id = self.inner.random.uuid();
        let api_id = self.inner.random.uuid().replace('-', "");
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &FunctionKey::of(&urn));
        let entry = state.function(&urn)?;
        let version = entry.version(&qualifier)?;
        let ty = TriggerType::parse(&req.trigger_type_code)?;
        let event_type_code = match req.event_type_code.as_deref().map(str::trim) {
            Some(code) if !code.is_empty() => code.to_owned(),
            _ => {
                return Err(ErrorKind::InvalidParameter
                    .with("event_type_code is required and must not be blank (§1.6.2)"));
            }
        };
        let status =
            TriggerStatus::from_request(req.trigger_status.as_deref(), req.status.as_deref())?
                .unwrap_or_else(|| ty.default_status());
        if status == TriggerStatus::Disabled && !ty.can_disable() {
            return Err(cannot_toggle(ty));
        }
        let unqualified = urn.unqualified();
        let ctx = TriggerContext {
            trigger_id: &trigger_id,
            api_id: &api_id,
            function_urn: &unqualified,
            func_name: &version.config.func_name,
            qualifier: qualifier.name(),
            timeout_secs: version.config.timeout,
            now,
        };
        let mut event_data = EventData::parse(ty, req.event_data.as_ref(), &ctx)?;
        self.rebase_apig(&mut event_data);
        if entry.triggers.len() >= limits.max_triggers {
            return Err(ErrorKind::TooManyTriggers.with(format!(
                "function '{}' already has {} triggers, the limit",
                urn.name(),
                entry.triggers.len()
            )));
        }
        if ty.is_pull() {
            let pulls = entry
                .triggers
                .values()
                .filter(|t| t.trigger.trigger_type_code.is_pull())
                .count();
            if pulls >= limits.max_pull_triggers {
                return Err(ErrorKind::PullTriggerQuotaExceeded.with(format!(
                    "function '{}' already has {pulls} pull triggers (DMS, DIS, KAFKA, DDS, \
                     LTS), the limit",
                    urn.name()
                )));
            }
        }
        check_conflicts(&state, &urn, &qualifier, &event_data, None)?;
        let stamp = self.rfc3339(now);
        let trigger = Trigger {
            trigger_id,
            trigger_type_code: ty,
            trigger_status: status,
            event_type_code,
            event_data,
            last_updated_time: stamp.clone(),
            created_time: stamp,
            created_at: now,
            updated_at: now,
        };
        state.function_mut(&urn)?.triggers.insert(
            trigger.trigger_id.clone(),
            TriggerRecord {
                qualifier,
                trigger: trigger.clone(),
            },
        );
        tx.commit(&mut state)?;
        self.schedule_trigger(&FunctionKey::of(&urn), &trigger);
        Ok(trigger)
    }

    /// Lists the triggers of a function (seed §5.12.2), in creation order: every trigger of
    /// the function for an unqualified or `latest` URN, else those of the version or alias.
    pub fn list_triggers(&self, function_urn: &str) -> Result<Vec<Trigger>> {
        let urn = self.parse_urn(function_urn)?;
        let state = self.inner.state.read();
        let entry = scoped_entry(&state, &urn)?;
        Ok(entry
            .triggers
            .values()
            .filter(|t| in_scope(&urn, &t.qualifier))
            .map(|t| t.trigger.clone())
            .collect())
    }

    /// Gets one trigger (seed §5.12.5). An unknown id is the path type's not-found code; an
    /// id of another type FSS.1137.
    pub fn get_trigger(
        &self,
        function_urn: &str,
        trigger_type_code: &str,
        trigger_id: &str,
    ) -> Result<Trigger> {
        let urn = self.parse_urn(function_urn)?;
        let state = self.inner.state.read();
        let entry = scoped_entry(&state, &urn)?;
        let i = find(entry, &urn, trigger_type_code, trigger_id)?;
        Ok(entry.triggers[i].trigger.clone())
    }

    /// Updates a trigger (seed §5.12.6) and returns it. A status change is allowed only for
    /// TIMER, DDS, DMS, KAFKA and LTS (FSS.1318 otherwise) and must change the status
    /// (FSS.1153 otherwise). `event_data` (an emulator extension) replaces the source
    /// configuration, validated as on create. `last_updated_time` moves when anything
    /// changes.
    pub fn update_trigger(
        &self,
        function_urn: &str,
        trigger_type_code: &str,
        trigger_id: &str,
        req: UpdateTriggerRequest,
    ) -> Result<Trigger> {
        let urn = self.parse_urn(function_urn)?;
        let now = self.now();
        let stamp = self.rfc3339(now);
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &FunctionKey::of(&urn));
        let entry = scoped_entry(&state, &urn)?;
        let i = find(entry, &urn, trigger_type_code, trigger_id)?;
        let record = &entry.triggers[i];
        let current = &record.trigger;
        let ty = current.trigger_type_code;
        let status =
            TriggerStatus::from_request(req.trigger_status.as_deref(), req.status.as_deref())?;
        if let Some(status) = status {
            if !ty.can_disable() {
                return Err(cannot_toggle(ty));
            }
            if status == current.trigger_status {
                return Err(ErrorKind::TriggerAlreadyInState
                    .with(format!("{ty} trigger '{trigger_id}' is already {status}")));
            }
        }
        let event_data = match &req.event_data {
            None => None,
            Some(value) => {
                let version = entry.version(&record.qualifier)?;
                let api_id = match &current.event_data {
                    EventData::Apig(a) => a.api_id.clone(),
                    _ => String::new(),
                };
                let unqualified = urn.unqualified();
                let ctx = TriggerContext {
                    trigger_id,
                    api_id: &api_id,
                    function_urn: &unqualified,
                    func_name: &version.config.func_name,
                    qualifier: record.qualifier.name(),
                    timeout_secs: version.config.timeout,
                    now,
                };
                let mut data = EventData::parse(ty, Some(value), &ctx)?;
                self.rebase_apig(&mut data);
                check_conflicts(&state, &urn, &record.qualifier, &data, Some(trigger_id))?;
                Some(data)
            }
        };
        let entry = state.function_mut(&urn)?;
        let trigger = &mut entry.triggers[i].trigger;
        if status.is_none() && event_data.is_none() {
            return Ok(trigger.clone());
        }
        if let Some(status) = status {
            trigger.trigger_status = status;
        }
        if let Some(data) = event_data {
            trigger.event_data = data;
        }
        trigger.last_updated_time = stamp;
        trigger.updated_at = now;
        let trigger = trigger.clone();
        tx.commit(&mut state)?;
        self.schedule_trigger(&FunctionKey::of(&urn), &trigger);
        Ok(trigger)
    }

    /// Deletes one trigger (seed §5.12.4); the codes are those of [`Emulator::get_trigger`].
    pub fn delete_trigger(
        &self,
        function_urn: &str,
        trigger_type_code: &str,
        trigger_id: &str,
    ) -> Result<()> {
        let urn = self.parse_urn(function_urn)?;
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &FunctionKey::of(&urn));
        let entry = scoped_entry(&state, &urn)?;
        let i = find(entry, &urn, trigger_type_code, trigger_id)?;
        state.function_mut(&urn)?.triggers.shift_remove_index(i);
        tx.commit(&mut state)
    }

    /// Deletes the triggers a URN selects (seed §5.12.1): an unqualified or `latest` URN
    /// deletes every trigger of the function, of every version and alias; a version or
    /// alias URN only that qualifier's.
    pub fn delete_all_triggers(&self, function_urn: &str) -> Result<()> {
        let urn = self.parse_urn(function_urn)?;
        let mut state = self.inner.state.write();
        let mut tx = self.tx(&state);
        tx.function(&state, &FunctionKey::of(&urn));
        scoped_entry(&state, &urn)?;
        state
            .function_mut(&urn)?
            .triggers
            .retain(|_, t| !in_scope(&urn, &t.qualifier));
        tx.commit(&mut state)
    }
}

/// The function a URN names, after checking its qualifier exists (FSS.1051/1052/1053).
pub(crate) fn scoped_entry<'s>(state: &'s State, urn: &FunctionUrn) -> Result<&'s FunctionEntry> {
    let entry = state.function(urn)?;
    entry.check_qualifier(urn.effective_qualifier())?;
    Ok(entry)
}

/// Whether a trigger of `qualifier` is selected by `urn` (the §5.12.1 rule).
fn in_scope(urn: &FunctionUrn, qualifier: &Qualifier) -> bool {
    match urn.effective_qualifier() {
        Qualifier::Latest => true,
        other => other == qualifier,
    }
}

/// The index of a trigger by path type and id: FSS.1137 for an unknown path type or a type
/// that is not the trigger's; the path type's not-found code for an unknown id.
pub(crate) fn find(
    entry: &FunctionEntry,
    urn: &FunctionUrn,
    type_code: &str,
    trigger_id: &str,
) -> Result<usize> {
    let ty = TriggerType::from_code(type_code).ok_or_else(|| {
        ErrorKind::TriggerTypeMismatch.with(format!("'{type_code}' is not a trigger type code"))
    })?;
    let found = entry
        .triggers
        .get_index_of(trigger_id)
        .filter(|&i| in_scope(urn, &entry.triggers[i].qualifier));
    match found {
        None => Err(ty.not_found_kind().with(format!(
            "{ty} trigger '{trigger_id}' does not exist on '{}'",
            urn
        ))),
        Some(i) if entry.triggers[i].trigger.trigger_type_code != ty => {
            Err(ErrorKind::TriggerTypeMismatch.with(format!(
                "trigger '{trigger_id}' is a {} trigger, not {ty}",
                entry.triggers[i].trigger.trigger_type_code
            )))
        }
        Some(i) => Ok(i),
    }
}

/// FSS.1318 for a status change on a type that cannot be disabled.
fn cannot_toggle(ty: TriggerType) -> Error {
    ErrorKind::InvalidTriggerOperation.with(format!(
        "{ty} triggers cannot be disabled or enabled; only TIMER, DDS, DMS, KAFKA and LTS can"
    ))
}

/// Duplicate and conflict checks of `data` (for `qualifier` of `urn`'s function) against
/// every trigger of the project but `skip` (the trigger being updated): first the source
/// rules over all triggers, then names.
fn check_conflicts(
    state: &State,
    urn: &FunctionUrn,
    qualifier: &Qualifier,
    data: &EventData,
    skip: Option<&str>,
) -> Result<()> {
    let key = FunctionKey::of(urn);
    // Only OBS and the APIG family conflict across functions (their resource is shared);
    // every other rule compares triggers of the same function.
    let project_wide = matches!(data, EventData::Obs(_) | EventData::Apig(_));
    let mut others: Vec<(Placement, &EventData)> = Vec::new();
    for (k, e) in &state.functions {
        let same_function = k == &key;
        if !same_function && !project_wide {
            continue;
        }
        for t in e.triggers.values() {
            if Some(t.trigger.trigger_id.as_str()) == skip {
                continue;
            }
            let at = Placement {
                same_function,
                same_qualifier: same_function && &t.qualifier == qualifier,
            };
            others.push((at, &t.trigger.event_data));
        }
    }
    if let Some(err) = others.iter().find_map(|&(at, e)| data.conflict(e, at)) {
        return Err(err);
    }
    match others.iter().find_map(|&(at, e)| data.name_clash(e, at)) {
        Some(err) => Err(err),
        None => Ok(()),
    }
}
