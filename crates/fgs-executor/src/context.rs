//! The context a guest sees (seed §4 `context`: request id, function, version, memory, CPU,
//! remaining time, user data, project): per-request facts and the version's fixed JSON pieces.

use std::time::Duration;

use fgs_abi::InvocationType;

use crate::spec::{Request, VersionSpec};

/// Per-invocation facts from the caller.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestInfo {
    pub(crate) request_id: String,
    pub(crate) version_label: Option<String>,
    pub(crate) invocation_type: InvocationType,
    pub(crate) attempt: u32,
}

impl RequestInfo {
    /// The facts of `req`, copied.
    pub(crate) fn of(req: &Request<'_>) -> Self {
        RequestInfo {
            request_id: req.request_id.to_owned(),
            version_label: req.version_label.map(str::to_owned),
            invocation_type: req.invocation_type,
            attempt: req.attempt,
        }
    }

    /// Copies the facts of `req` into `self`, reusing its string buffers (no allocation on
    /// the warm path once the strings have grown to size).
    pub(crate) fn set(&mut self, req: &Request<'_>) {
        self.request_id.clear();
        self.request_id.push_str(req.request_id);
        match (&mut self.version_label, req.version_label) {
            (Some(mine), Some(label)) => {
                mine.clear();
                mine.push_str(label);
            }
            (mine, label) => *mine = label.map(str::to_owned),
        }
        self.invocation_type = req.invocation_type;
        self.attempt = req.attempt;
    }
}

/// The context a guest sees for `request` on a version.
pub(crate) fn context_of(
    spec: &VersionSpec,
    r: &RequestInfo,
    remaining: Duration,
) -> fgs_abi::Context {
    fgs_abi::Context {
        request_id: r.request_id.clone(),
        function_name: spec.function_name.clone(),
        package: spec.package.clone(),
        version: r
            .version_label
            .clone()
            .unwrap_or_else(|| spec.version.clone()),
        memory_size: spec.memory_size_mb,
        cpu: spec.cpu_millicores,
        timeout: spec.timeout.as_secs().min(u32::MAX as u64) as u32,
        remaining_time_ms: remaining.as_millis().min(u64::MAX as u128) as u64,
        user_data: spec.user_data.clone(),
        project_id: spec.project_id.clone(),
        invocation_type: r.invocation_type,
        attempt: r.attempt.max(1),
    }
}

/// The JSON of the guest's [`fgs_abi::Context`] (the same fields, order and encodings as
/// serializing it) with the version's fixed fields serialized once per version: a call
/// writes only its request's facts between the pieces.
pub(crate) struct ContextTemplate {
    /// `,"function_name":…,"package":…,"version":`
    head: Vec<u8>,
    /// The version's own name, for a call without a label.
    version: Vec<u8>,
    /// `,"memory_size":…,"cpu":…,"timeout":…,"remaining_time_ms":`
    mid: Vec<u8>,
    /// `,"user_data":{…},"project_id":…,"invocation_type":`
    tail: Vec<u8>,
}

impl ContextTemplate {
    pub(crate) fn of(spec: &VersionSpec) -> Self {
        let mut head = br#","function_name":"#.to_vec();
        json_into(&mut head, spec.function_name.as_str());
        head.extend_from_slice(br#","package":"#);
        json_into(&mut head, spec.package.as_str());
        head.extend_from_slice(br#","version":"#);
        let mut version = Vec::new();
        json_into(&mut version, spec.version.as_str());
        let timeout = spec.timeout.as_secs().min(u64::from(u32::MAX));
        let mid = format!(
            r#","memory_size":{},"cpu":{},"timeout":{timeout},"remaining_time_ms":"#,
            spec.memory_size_mb, spec.cpu_millicores
        )
        .into_bytes();
        let mut tail = br#","user_data":"#.to_vec();
        json_into(&mut tail, &spec.user_data);
        tail.extend_from_slice(br#","project_id":"#);
        json_into(&mut tail, spec.project_id.as_str());
        tail.extend_from_slice(br#","invocation_type":"#);
        ContextTemplate {
            head,
            version,
            mid,
            tail,
        }
    }

    /// Appends the context of request `r` with `remaining` time to `out`.
    pub(crate) fn write(&self, out: &mut Vec<u8>, r: &RequestInfo, remaining: Duration) {
        out.extend_from_slice(br#"{"request_id":"#);
        json_into(out, r.request_id.as_str());
        out.extend_from_slice(&self.head);
        match &r.version_label {
            Some(label) => json_into(out, label.as_str()),
            None => out.extend_from_slice(&self.version),
        }
        out.extend_from_slice(&self.mid);
        let remaining_ms = remaining.as_millis().min(u128::from(u64::MAX));
        out.extend_from_slice(remaining_ms.to_string().as_bytes());
        out.extend_from_slice(&self.tail);
        json_into(out, &r.invocation_type);
        out.extend_from_slice(format!(r#","attempt":{}}}"#, r.attempt.max(1)).as_bytes());
    }
}

/// Appends the JSON of `value` (strings, string maps, enums: serializing them cannot fail).
fn json_into(out: &mut Vec<u8>, value: &(impl serde::Serialize + ?Sized)) {
    if let Err(e) = serde_json::to_writer(&mut *out, value) {
        tracing::error!("cannot serialize the guest context: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_context_template_writes_the_abi_context() {
        let mut spec = VersionSpec::new("f\"n", "index.handler")
            .with_user_data("K", "v\u{e9}")
            .with_user_data("A", "1\n\"two\"")
            .with_version("v<1>");
        spec.project_id = "p\\id".into();
        spec.package = "pk\u{1}g".into();
        let template = ContextTemplate::of(&spec);
        for (label, ty, attempt) in [
            (None, InvocationType::Sync, 0),
            (Some("alias-1".to_string()), InvocationType::Async, 3),
        ] {
            let r = RequestInfo {
                request_id: "req\n1".into(),
                version_label: label,
                invocation_type: ty,
                attempt,
            };
            let remaining = Duration::from_millis(1234);
            let mut ours = b"stale".to_vec();
            ours.clear();
            template.write(&mut ours, &r, remaining);
            let abi = serde_json::to_vec(&context_of(&spec, &r, remaining)).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(abi).unwrap()
            );
        }
    }
}
