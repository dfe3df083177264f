//! The emulator's limits and quotas. Figures the seed states are quoted with their section;
//! figures it leaves open are emulator defaults (DECISIONS), builder settings named as such.
//! `GET quotas` reports exactly the figures that are enforced here.

/// Every limit the management API enforces. Build with `Limits::default()` and change the
/// fields you need; the emulator builder takes the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Functions per project (FSS.1041; seed §7.2 says 400). Reported as `fgs_func_num`.
    pub max_functions: u64,
    /// Total code size of all functions and versions in bytes (FSS.1042; seed §7.2 says
    /// 20 GB). Reported in MB as `fgs_func_code_size`.
    pub max_total_code_size: u64,
    /// One code package (ZIP, wasm) after Base64 decoding (FSS.1071; 50 MB, seed §7.2).
    pub max_code_package_size: u64,
    /// Inline source that is neither a ZIP nor a wasm module (FSS.1072; 10 KB, seed §7.2).
    pub max_inline_source_size: u64,
    /// Environment variables per function (FSS.1017; 20, seed §1.6.1).
    pub max_env_vars: usize,
    /// Total size of `user_data` in bytes (FSS.1018; 4 KB per the field docs of seed §1.6.1).
    pub max_env_size: usize,
    /// Aliases per function (FSS.1043; emulator default 10, from the platform's public docs).
    pub max_aliases: usize,
    /// Whether a version may back only one alias (FSS.1066; off by default, DECISIONS).
    pub exclusive_alias_versions: bool,
    /// Test events per function (FSS.1068; emulator default 10).
    pub max_test_events: usize,
    /// Size of one test event's content in bytes (FSS.1069; 4 KB, seed §7.2).
    pub max_test_event_size: usize,
    /// Dependencies per project (FSS.1045; emulator default 100).
    pub max_dependencies: usize,
    /// Triggers per function (FSS.1306; emulator default 100).
    pub max_triggers: usize,
    /// Pull triggers (DMS, DIS, KAFKA, DDS, LTS) per function (FSS.1123; 10, seed §7.2).
    pub max_pull_triggers: usize,
    /// Reserved instances per function qualifier (FSS.1076; emulator default 1000).
    pub max_reserved_instances: u32,
    /// Versions per function (emulator default 1000; publishing more is FSS.0400).
    pub max_versions: usize,
    /// The instance cap that `strategy_config.concurrency = -1` ("no limit") means
    /// (emulator default 400, the `fgs_func_occurs`-style ceiling).
    pub default_max_instances: u32,
    /// `fgs_func_scale_down_timeout` reported by GET quotas (seed example: 60).
    pub scale_down_timeout_quota: u64,
    /// `fgs_func_occurs` reported by GET quotas (seed example: 100).
    pub func_occurs_quota: u64,
    /// `fgs_func_pat_idle_time` reported by GET quotas (seed example: 100).
    pub pat_idle_time_quota: u64,
    /// `fgs_workflow_num` reported by GET quotas (seed example: 512).
    pub workflow_quota: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_functions: 400,
            max_total_code_size: 20 * 1024 * 1024 * 1024,
            max_code_package_size: 50 * 1024 * 1024,
            max_inline_source_size: 10 * 1024,
            max_env_vars: 20,
            max_env_size: 4 * 1024,
            max_aliases: 10,
            exclusive_alias_versions: false,
            max_test_events: 10,
            max_test_event_size: 4 * 1024,
            max_dependencies: 100,
            max_triggers: 100,
            max_pull_triggers: 10,
            max_reserved_instances: 1000,
            max_versions: 1000,
            default_max_instances: 400,
            scale_down_timeout_quota: 60,
            func_occurs_quota: 100,
            pat_idle_time_quota: 100,
            workflow_quota: 512,
        }
    }
}
