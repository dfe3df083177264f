//! Tenant quotas (seed §5.2.1): the six resource types, each with its `quota` and `used`.
//!
//! The figures are exactly the ones the emulator enforces ([`crate::limits::Limits`]):
//! `fgs_func_num` is FSS.1041's function count and `fgs_func_code_size` FSS.1042's total code
//! size, reported in MB (quota rounded down, usage rounded up). The other four types are not
//! consumed by anything the emulator does; their quotas are the builder figures and `used` is 0.

use serde::{Deserialize, Serialize};

use crate::limits::Limits;

/// `fgs_func_scale_down_timeout`.
pub const SCALE_DOWN_TIMEOUT: &str = "fgs_func_scale_down_timeout";
/// `fgs_func_occurs`.
pub const FUNC_OCCURS: &str = "fgs_func_occurs";
/// `fgs_func_pat_idle_time`.
pub const PAT_IDLE_TIME: &str = "fgs_func_pat_idle_time";
/// `fgs_func_num`: the number of functions (FSS.1041).
pub const FUNC_NUM: &str = "fgs_func_num";
/// `fgs_func_code_size`: total code size in MB (FSS.1042).
pub const FUNC_CODE_SIZE: &str = "fgs_func_code_size";
/// `fgs_workflow_num`.
pub const WORKFLOW_NUM: &str = "fgs_workflow_num";

const MB: u64 = 1024 * 1024;

/// One quota (seed `Resources`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaResource {
    /// The quota.
    pub quota: u64,
    /// How much is used.
    pub used: u64,
    /// The quota type, one of the six constants of this module.
    #[serde(rename = "type")]
    pub quota_type: String,
    /// `MB` for `fgs_func_code_size`, absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// `quotas` of the response (seed `ListQuotasResult`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quotas {
    /// The six quotas, in the seed's order.
    pub resources: Vec<QuotaResource>,
}

/// The body of GET quotas (seed §5.2.1): `{"quotas": {"resources": [...]}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotasResponse {
    /// The quotas.
    pub quotas: Quotas,
}

impl QuotasResponse {
    /// The report for `limits` with `functions` functions holding `code_bytes` bytes of code.
    ///
    /// ```
    /// use fgs_core::quota::QuotasResponse;
    /// let r = QuotasResponse::new(&fgs_core::limits::Limits::default(), 2, 1);
    /// let size = &r.quotas.resources[4];
    /// assert_eq!((size.quota, size.used, size.unit.as_deref()), (20480, 1, Some("MB")));
    /// ```
    pub fn new(limits: &Limits, functions: u64, code_bytes: u64) -> Self {
        let r = |quota_type: &str, quota: u64, used: u64| QuotaResource {
            quota,
            used,
            quota_type: quota_type.to_owned(),
            unit: None,
        };
        let code = QuotaResource {
            unit: Some("MB".to_owned()),
            ..r(
                FUNC_CODE_SIZE,
                limits.max_total_code_size / MB,
                code_bytes.div_ceil(MB),
            )
        };
        QuotasResponse {
            quotas: Quotas {
                resources: vec![
                    r(SCALE_DOWN_TIMEOUT, limits.scale_down_timeout_quota, 0),
                    r(FUNC_OCCURS, limits.func_occurs_quota, 0),
                    r(PAT_IDLE_TIME, limits.pat_idle_time_quota, 0),
                    r(FUNC_NUM, limits.max_functions, functions),
                    code,
                    r(WORKFLOW_NUM, limits.workflow_quota, 0),
                ],
            },
        }
    }
}
