//! APIG `event_data` (seed §1.6.2 Table 1-15), shared by `DEDICATEDGATEWAY` and `APIC`
//! (which also need `instance_id`), and the fields the server adds (seed §4.2, §5.12.2).

use serde::Serialize;

use super::TriggerContext;
use super::fields::{Fields, check_trigger_name};
use crate::error::Result;

/// Longest API path accepted (emulator guard).
const MAX_PATH_LEN: usize = 1024;
/// Longest `func_info.timeout` in milliseconds (the longest function timeout, 900 s).
const MAX_TIMEOUT_MS: i64 = 900_000;

/// `func_info` of an APIG trigger (seed §4.2 response).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApigFuncInfo {
    /// The function URN without version (7 fields).
    pub function_urn: String,
    /// Always `sync`.
    pub invocation_type: String,
    /// The backend timeout in milliseconds: the request's `func_info.timeout`, else the
    /// function's `timeout` × 1000 (§4.2: 5 s gives 5000).
    pub timeout: i64,
    /// The qualifier the trigger belongs to (`latest`, a version or an alias name).
    pub version: String,
}

/// An APIG (or DEDICATEDGATEWAY / APIC) trigger's `event_data`. Serializes as the seed's
/// §4.2 response: the request fields plus `api_id`, `api_name`, `func_info`, `group_name`,
/// `invoke_url` and `triggerid`; `sl_domain` and `backend_type` are stored but not shown,
/// as in the seed's examples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApigEventData {
    /// API id (server-assigned, 32 hex characters).
    pub api_id: String,
    /// API name (equals `name`).
    pub api_name: String,
    /// `NONE`, `IAM` or `APP`.
    pub auth: String,
    /// Publishing environment id (echoed as given).
    pub env_id: String,
    /// Publishing environment name (echoed; `""` when not given).
    pub env_name: String,
    /// The function the API calls.
    pub func_info: ApigFuncInfo,
    /// API group id.
    pub group_id: String,
    /// API group name: `APIGroup_` + the function name without `_`/`-` (§4.2:
    /// `get_html` gives `APIGroup_gethtml`).
    pub group_name: String,
    /// Gateway instance id (required for DEDICATEDGATEWAY and APIC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// `<protocol in lower case>://<sl_domain><path>` (§4.2).
    pub invoke_url: String,
    /// Always `SWA` (prefix match).
    pub match_mode: String,
    /// API name (FSS.1317 / FSS.1319 name rules; unique in its group, FSS.1147).
    pub name: String,
    /// Request path, starting with `/`.
    pub path: String,
    /// `HTTP` or `HTTPS`.
    pub protocol: String,
    /// `GET`, `POST`, `PUT` (seed Table 1-15) or `ANY` (seed examples).
    pub req_method: String,
    /// The trigger id again (§4.2 spells it `triggerid`).
    pub triggerid: String,
    /// API type; only `1` (open API).
    #[serde(rename = "type")]
    pub api_type: i64,
    /// Sub-domain the API group is served on (stored, not shown).
    #[serde(skip)]
    pub sl_domain: String,
    /// Always `FUNCTION` (stored, not shown).
    #[serde(skip)]
    pub backend_type: String,
}

impl ApigEventData {
    /// Validates APIG-family `event_data` (FSS.1107; name rules FSS.1317 / FSS.1319) and
    /// fills in the server fields from `ctx`.
    pub(crate) fn parse(
        f: &Fields<'_>,
        needs_instance: bool,
        ty: &str,
        ctx: &TriggerContext<'_>,
    ) -> Result<Self> {
        let group_id = f.req_str("group_id")?;
        let env_id = f.req_str("env_id")?;
        let env_name = f.opt_str("env_name")?.unwrap_or_default();
        let auth = f.req_enum("auth", &["NONE", "IAM", "APP"])?;
        let protocol = f.req_enum("protocol", &["HTTP", "HTTPS"])?;
        let path = f.req_str("path")?;
        if !valid_path(&path) {
            return Err(f.err(format!(
                "path '{path}' must start with '/' and hold only letters, digits and \
                 -_.~/{{}}+*% (at most {MAX_PATH_LEN} characters)"
            )));
        }
        let match_mode = f.req_enum("match_mode", &["SWA"])?;
        let req_method = f.req_enum("req_method", &["GET", "POST", "PUT", "ANY"])?;
        let backend_type = f.req_enum("backend_type", &["FUNCTION"])?;
        let api_type = f.req_int("type", 1..=1)?;
        let sl_domain = f.req_str("sl_domain")?;
        if !valid_domain(&sl_domain) {
            return Err(f.err(format!(
                "sl_domain '{sl_domain}' is not a host name (letters, digits, '.', '-', \
                 optional ':port')"
            )));
        }
        let instance_id = f.opt_str("instance_id")?.filter(|s| !s.trim().is_empty());
        if needs_instance && instance_id.is_none() {
            return Err(f.err(format!("instance_id is required for a {ty} trigger")));
        }
        let timeout = match f.opt_object("func_info")? {
            Some(info) => info.opt_int("timeout", 1..=MAX_TIMEOUT_MS)?,
            None => None,
        };
        let name = super::read_name(f, true)?.unwrap_or_default();
        check_trigger_name(&name, ty)?;
        let group_name = format!(
            "APIGroup_{}",
            ctx.func_name
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        );
        Ok(ApigEventData {
            api_id: ctx.api_id.to_owned(),
            api_name: name.clone(),
            auth,
            env_id,
            env_name,
            func_info: ApigFuncInfo {
                function_urn: ctx.function_urn.to_owned(),
                invocation_type: "sync".to_owned(),
                timeout: timeout.unwrap_or(i64::from(ctx.timeout_secs) * 1000),
                version: ctx.qualifier.to_owned(),
            },
            group_id,
            group_name,
            instance_id,
            invoke_url: format!("{}://{sl_domain}{path}", protocol.to_ascii_lowercase()),
            match_mode,
            name,
            path,
            protocol,
            req_method,
            triggerid: ctx.trigger_id.to_owned(),
            api_type,
            sl_domain,
            backend_type,
        })
    }

    /// Whether two APIs answer the same requests: same gateway instance (none for the
    /// shared APIG), group, environment and path, and methods that overlap (`ANY` overlaps
    /// every method).
    pub(crate) fn same_route(&self, other: &ApigEventData) -> bool {
        self.same_group(other)
            && self.env_id == other.env_id
            && self.path == other.path
            && (self.req_method == other.req_method
                || self.req_method == "ANY"
                || other.req_method == "ANY")
    }
}

impl ApigEventData {
    /// Whether both APIs are in the same group of the same gateway instance.
    pub(crate) fn same_group(&self, other: &ApigEventData) -> bool {
        self.instance_id == other.instance_id && self.group_id == other.group_id
    }
}

fn valid_path(p: &str) -> bool {
    p.starts_with('/')
        && p.len() <= MAX_PATH_LEN
        && p.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'-' | b'_' | b'.' | b'~' | b'/' | b'{' | b'}' | b'+' | b'*' | b'%'
                )
        })
}

fn valid_domain(d: &str) -> bool {
    !d.is_empty()
        && d.len() <= 253
        && d.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'))
        && d.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
}
