//! The management error of FunctionGraph: one [`ErrorKind`] per seed rule, each carrying its
//! `FSS.xxxx` code and HTTP status from one exhaustive table (seed §7.2, plus the codes only the
//! §5 examples use), and an [`Error`] that pairs a kind with a message saying what failed.
//!
//! Library users and the REST layer see the same codes: `fgs-http` only renders an [`Error`]
//! as `{"error_code": kind.code(), "error_msg": message}` with status `kind.status()`.
//!
//! ```
//! use fgs_core::{Error, ErrorKind};
//! let err = ErrorKind::FunctionNotFound.with("function default:hello does not exist");
//! assert_eq!(err.code(), "FSS.1051");
//! assert_eq!(err.status(), 404);
//! assert_eq!(err.to_string(), "FSS.1051: function default:hello does not exist");
//! ```

use std::fmt;

/// The result type of every management operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

macro_rules! error_kinds {
    ( $( $(#[$meta:meta])* $name:ident => ($status:literal, $code:literal, $msg:literal), )* ) => {
        /// Which seed rule failed. Each kind maps to exactly one `FSS.xxxx` code and HTTP status
        /// (see [`ErrorKind::code`] and [`ErrorKind::status`]); the doc of each variant quotes
        /// the seed's §7.2 message.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ErrorKind {
            $( $(#[$meta])* $name, )*
        }

        impl ErrorKind {
            /// Every kind, in the order of the seed's table (§7.2), then the §5-only codes.
            pub const ALL: &'static [ErrorKind] = &[ $( ErrorKind::$name, )* ];

            /// The HTTP status the platform answers with for this kind.
            pub const fn status(self) -> u16 {
                match self { $( ErrorKind::$name => $status, )* }
            }

            /// The `FSS.xxxx` error code.
            pub const fn code(self) -> &'static str {
                match self { $( ErrorKind::$name => $code, )* }
            }

            /// The seed's canonical English `error_msg` for this code (§7.2).
            pub const fn seed_message(self) -> &'static str {
                match self { $( ErrorKind::$name => $msg, )* }
            }

            /// The variant's name, e.g. `"FunctionNotFound"`.
            pub const fn name(self) -> &'static str {
                match self { $( ErrorKind::$name => stringify!($name), )* }
            }
        }
    };
}

error_kinds! {
    /// `FSS.0400` (400): Invalid parameter.
    InvalidParameter => (400, "FSS.0400", "Invalid parameter."),
    /// `FSS.1001` (400): Invalid query parameter.
    InvalidQueryParameter => (400, "FSS.1001", "Invalid query parameter."),
    /// `FSS.1002` (400): Invalid function name.
    InvalidFunctionName => (400, "FSS.1002", "Invalid function name."),
    /// `FSS.1003` (400): Invalid function handler.
    InvalidHandler => (400, "FSS.1003", "Invalid function handler."),
    /// `FSS.1004` (400): Invalid function package.
    InvalidPackage => (400, "FSS.1004", "Invalid function package."),
    /// `FSS.1005` (400): Invalid runtime.
    InvalidRuntime => (400, "FSS.1005", "Invalid runtime."),
    /// `FSS.1006` (400): Invalid function code entry mode.
    InvalidCodeType => (400, "FSS.1006", "Invalid function code entry mode."),
    /// `FSS.1007` (400): Invalid function memory.
    InvalidMemorySize => (400, "FSS.1007", "Invalid function memory."),
    /// `FSS.1008` (400): Invalid function timeout.
    InvalidTimeout => (400, "FSS.1008", "Invalid function timeout."),
    /// `FSS.1009` (400): Invalid environment variable.
    InvalidEnvironmentVariable => (400, "FSS.1009", "Invalid environment variable."),
    /// `FSS.1010` (400): Invalid URL.
    InvalidUrl => (400, "FSS.1010", "Invalid URL."),
    /// `FSS.1011` (400): Invalid function code.
    InvalidFunctionCode => (400, "FSS.1011", "Invalid function code."),
    /// `FSS.1012` (400): The function code cannot be left blank.
    FunctionCodeBlank => (400, "FSS.1012", "The function code cannot be left blank."),
    /// `FSS.1013` (400): Invalid file type.
    InvalidFileType => (400, "FSS.1013", "Invalid file type."),
    /// `FSS.1014` (400): Invalid function alias.
    InvalidAlias => (400, "FSS.1014", "Invalid function alias."),
    /// `FSS.1015` (400): Invalid function version.
    InvalidVersion => (400, "FSS.1015", "Invalid function version."),
    /// `FSS.1016` (400): The function cannot be published because no changes have been made since last publication.
    NothingToPublish => (400, "FSS.1016", "The function cannot be published because no changes have been made since last publication."),
    /// `FSS.1017` (400): The number of environment variables exceeds the maximum allowed limit (20).
    TooManyEnvironmentVariables => (400, "FSS.1017", "The number of environment variables exceeds the maximum allowed limit (20)."),
    /// `FSS.1018` (400): The total size of environment variables exceeds the maximum allowed limit (2 KB).
    EnvironmentVariablesTooLarge => (400, "FSS.1018", "The total size of environment variables exceeds the maximum allowed limit (2 KB)."),
    /// `FSS.1019` (400): The description exceeds the maximum allowed limit (512 characters).
    DescriptionTooLong => (400, "FSS.1019", "The description exceeds the maximum allowed limit (512 characters)."),
    /// `FSS.1022` (400): Only one YAML file is allowed.
    MultipleYamlFiles => (400, "FSS.1022", "Only one YAML file is allowed."),
    /// `FSS.1023` (400): The file exceeds the maximum allowed limit.
    FileTooLarge => (400, "FSS.1023", "The file exceeds the maximum allowed limit."),
    /// `FSS.1024` (400): Invalid dependency.
    InvalidDependency => (400, "FSS.1024", "Invalid dependency."),
    /// `FSS.1025` (400): Invalid YAML file.
    InvalidYaml => (400, "FSS.1025", "Invalid YAML file."),
    /// `FSS.1026` (400): A function cannot be enabled or disabled when function configuration is being modified.
    ConfigurationBeingModified => (400, "FSS.1026", "A function cannot be enabled or disabled when function configuration is being modified."),
    /// `FSS.1027` (400): Invalid package or app name.
    InvalidPackageOrAppName => (400, "FSS.1027", "Invalid package or app name."),
    /// `FSS.1028` (400): The app with functions cannot be deleted.
    AppHasFunctions => (400, "FSS.1028", "The app with functions cannot be deleted."),
    /// `FSS.1029` (400): The default app cannot be deleted.
    DefaultAppUndeletable => (400, "FSS.1029", "The default app cannot be deleted."),
    /// `FSS.1031` (400): The dependency already exists.
    DependencyAlreadyExists => (400, "FSS.1031", "The dependency already exists."),
    /// `FSS.1032` (400): Invalid dependency type. You can only upload ZIP files locally or from OBS.
    InvalidDependencyType => (400, "FSS.1032", "Invalid dependency type. You can only upload ZIP files locally or from OBS."),
    /// `FSS.1034` (400): Invalid image URL.
    InvalidImageUrl => (400, "FSS.1034", "Invalid image URL."),
    /// `FSS.1035` (400): The image does not exist.
    ImageNotFound => (400, "FSS.1035", "The image does not exist."),
    /// `FSS.1036` (400): The VPC does not exist.
    VpcNotFound => (400, "FSS.1036", "The VPC does not exist."),
    /// `FSS.1037` (400): No matched subnet.
    SubnetNotMatched => (400, "FSS.1037", "No matched subnet."),
    /// `FSS.1038` (400): The file system configuration already exists.
    FileSystemConfigExists => (400, "FSS.1038", "The file system configuration already exists."),
    /// `FSS.1039` (400): Invalid mount path.
    InvalidMountPath => (400, "FSS.1039", "Invalid mount path."),
    /// `FSS.1058` (400): The app name and function name cannot be the same in the YAML file.
    YamlAppNameEqualsFunctionName => (400, "FSS.1058", "The app name and function name cannot be the same in the YAML file."),
    /// `FSS.1074` (400): Invalid event parameters.
    InvalidTestEvent => (400, "FSS.1074", "Invalid event parameters."),
    /// `FSS.1075` (400): The user ID and group ID must be an integer from - 1 to 65,534, except 0, 1000, or 1002.
    InvalidMountUserId => (400, "FSS.1075", "The user ID and group ID must be an integer from - 1 to 65,534, except 0, 1000, or 1002."),
    /// `FSS.1076` (400): The number of reserved instances exceeds the maximum allowed limit.
    TooManyReservedInstances => (400, "FSS.1076", "The number of reserved instances exceeds the maximum allowed limit."),
    /// `FSS.1077` (400): The code and configuration of the function cannot be updated because the function has at least one reserved instance.
    ReservedInstancesBlockUpdate => (400, "FSS.1077", "The code and configuration of the function cannot be updated because the function has at least one reserved instance."),
    /// `FSS.1091` (400): Invalid additional version.
    InvalidAdditionalVersion => (400, "FSS.1091", "Invalid additional version."),
    /// `FSS.1092` (400): The weight of the additional version is invalid.
    InvalidAdditionalVersionWeight => (400, "FSS.1092", "The weight of the additional version is invalid."),
    /// `FSS.1093` (400): The major version and the additional version cannot be the same.
    AdditionalVersionIsMajorVersion => (400, "FSS.1093", "The major version and the additional version cannot be the same."),
    /// `FSS.1101` (400): Invalid trigger type.
    InvalidTriggerType => (400, "FSS.1101", "Invalid trigger type."),
    /// `FSS.1102` (400): Invalid SMN trigger parameters.
    InvalidSmnTrigger => (400, "FSS.1102", "Invalid SMN trigger parameters."),
    /// `FSS.1103` (400): Invalid DMS trigger parameters.
    InvalidDmsTrigger => (400, "FSS.1103", "Invalid DMS trigger parameters."),
    /// `FSS.1104` (400): Invalid DIS trigger parameters.
    InvalidDisTrigger => (400, "FSS.1104", "Invalid DIS trigger parameters."),
    /// `FSS.1106` (400): Invalid OBS trigger parameters.
    InvalidObsTrigger => (400, "FSS.1106", "Invalid OBS trigger parameters."),
    /// `FSS.1107` (400): Invalid APIG trigger parameters.
    InvalidApigTrigger => (400, "FSS.1107", "Invalid APIG trigger parameters."),
    /// `FSS.1109` (400): Invalid timer trigger parameters.
    InvalidTimerTrigger => (400, "FSS.1109", "Invalid timer trigger parameters."),
    /// `FSS.1110` (400): Invalid LTS trigger parameters.
    InvalidLtsTrigger => (400, "FSS.1110", "Invalid LTS trigger parameters."),
    /// `FSS.1112` (400): Invalid Kafka trigger parameters.
    InvalidKafkaTrigger => (400, "FSS.1112", "Invalid Kafka trigger parameters."),
    /// `FSS.1113` (400): The corresponding username and password must be configured if Kafka SASL_SSL is enabled.
    KafkaSaslCredentialsMissing => (400, "FSS.1113", "The corresponding username and password must be configured if Kafka SASL_SSL is enabled."),
    /// `FSS.1114` (400): The subnet of the function must be the same as that of the Kafka instance.
    KafkaSubnetMismatch => (400, "FSS.1114", "The subnet of the function must be the same as that of the Kafka instance."),
    /// `FSS.1116` (400): Kafka instance configuration error. Check whether the username and password are correct.
    KafkaInstanceConfigError => (400, "FSS.1116", "Kafka instance configuration error. Check whether the username and password are correct."),
    /// `FSS.1117` (400): Failed to query messages from the Kafka instance.
    KafkaQueryFailed => (400, "FSS.1117", "Failed to query messages from the Kafka instance."),
    /// `FSS.1164` (400): Invalid DDS trigger parameters.
    InvalidDdsTrigger => (400, "FSS.1164", "Invalid DDS trigger parameters."),
    /// `FSS.1172` (400): The database instance does not exist.
    DatabaseInstanceNotFound => (400, "FSS.1172", "The database instance does not exist."),
    /// `FSS.1173` (400): DDS DB instance configuration error. Contact DDS technical support.
    DdsInstanceConfigError => (400, "FSS.1173", "DDS DB instance configuration error. Contact DDS technical support."),
    /// `FSS.1301` (400): The CTS trigger does not exist.
    CtsTriggerNotFound => (400, "FSS.1301", "The CTS trigger does not exist."),
    /// `FSS.1303` (400): Access denied due to an authentication failure.
    CtsAuthenticationFailed => (400, "FSS.1303", "Access denied due to an authentication failure."),
    /// `FSS.1304` (400): Failed to process the request.
    CtsRequestFailed => (400, "FSS.1304", "Failed to process the request."),
    /// `FSS.1305` (400): Invalid CTS trigger parameters.
    InvalidCtsTrigger => (400, "FSS.1305", "Invalid CTS trigger parameters."),
    /// `FSS.1306` (400): The number of triggers exceeds the maximum allowed limit.
    TooManyTriggers => (400, "FSS.1306", "The number of triggers exceeds the maximum allowed limit."),
    /// `FSS.1307` (400): The trigger name already exists.
    TriggerNameExists => (400, "FSS.1307", "The trigger name already exists."),
    /// `FSS.1308` (400): The operation resource does not exist.
    CtsResourceNotFound => (400, "FSS.1308", "The operation resource does not exist."),
    /// `FSS.1309` (400): Invalid function URN.
    InvalidFunctionUrn => (400, "FSS.1309", "Invalid function URN."),
    /// `FSS.1310` (400): Token authentication failed.
    CtsTokenAuthenticationFailed => (400, "FSS.1310", "Token authentication failed."),
    /// `FSS.1311` (400): You have not enabled the CTS service.
    CtsNotEnabled => (400, "FSS.1311", "You have not enabled the CTS service."),
    /// `FSS.1312` (400): The notification name cannot be left blank.
    CtsNotificationNameBlank => (400, "FSS.1312", "The notification name cannot be left blank."),
    /// `FSS.1313` (400): The number of resources to be operated has reached the maximum allowed limit (100).
    CtsTooManyResources => (400, "FSS.1313", "The number of resources to be operated has reached the maximum allowed limit (100)."),
    /// `FSS.1314` (400): The resource to be operated cannot be left blank.
    CtsResourceBlank => (400, "FSS.1314", "The resource to be operated cannot be left blank."),
    /// `FSS.1316` (400): The operation has already been selected.
    CtsOperationAlreadySelected => (400, "FSS.1316", "The operation has already been selected."),
    /// `FSS.1317` (400): The trigger name is too long.
    TriggerNameTooLong => (400, "FSS.1317", "The trigger name is too long."),
    /// `FSS.1318` (400): Invalid trigger operation.
    InvalidTriggerOperation => (400, "FSS.1318", "Invalid trigger operation."),
    /// `FSS.1404` (400): Invalid function initializer.
    InvalidInitializer => (400, "FSS.1404", "Invalid function initializer."),
    /// `FSS.1405` (400): Invalid initialization timeout.
    InvalidInitializerTimeout => (400, "FSS.1405", "Invalid initialization timeout."),
    /// `FSS.0401` (401): Unauthorized access.
    Unauthorized => (401, "FSS.0401", "Unauthorized access."),
    /// `FSS.1118` (401): Access denied. You are not in the whitelist.
    NotWhitelisted => (401, "FSS.1118", "Access denied. You are not in the whitelist."),
    /// `FSS.0403` (403): Forbidden.
    Forbidden => (403, "FSS.0403", "Forbidden."),
    /// `FSS.1040` (403): The agency does not have permissions to mount the resources.
    AgencyCannotMount => (403, "FSS.1040", "The agency does not have permissions to mount the resources."),
    /// `FSS.1041` (403): The number of functions exceeds the maximum allowed limit (400).
    FunctionQuotaExceeded => (403, "FSS.1041", "The number of functions exceeds the maximum allowed limit (400)."),
    /// `FSS.1042` (403): The total code size of functions exceeds the maximum allowed limit (20 GB).
    CodeSizeQuotaExceeded => (403, "FSS.1042", "The total code size of functions exceeds the maximum allowed limit (20 GB)."),
    /// `FSS.1043` (403): The number of aliases exceeds the maximum allowed limit.
    AliasQuotaExceeded => (403, "FSS.1043", "The number of aliases exceeds the maximum allowed limit."),
    /// `FSS.1044` (403): The number of apps exceeds the maximum allowed limit (400).
    AppQuotaExceeded => (403, "FSS.1044", "The number of apps exceeds the maximum allowed limit (400)."),
    /// `FSS.1045` (403): The number of dependencies exceeds the maximum allowed limit.
    DependencyQuotaExceeded => (403, "FSS.1045", "The number of dependencies exceeds the maximum allowed limit."),
    /// `FSS.1046` (403): The dependency is unavailable.
    DependencyUnavailable => (403, "FSS.1046", "The dependency is unavailable."),
    /// `FSS.1047` (403): The number of bound VPCs exceeds the maximum limit allowed for a tenant.
    TenantVpcQuotaExceeded => (403, "FSS.1047", "The number of bound VPCs exceeds the maximum limit allowed for a tenant."),
    /// `FSS.1048` (403): The number of bound VPCs exceeds the maximum limit allowed for a project.
    ProjectVpcQuotaExceeded => (403, "FSS.1048", "The number of bound VPCs exceeds the maximum limit allowed for a project."),
    /// `FSS.1049` (403): The number of file systems mounted to the function exceeds the maximum allowed limit (5).
    MountQuotaExceeded => (403, "FSS.1049", "The number of file systems mounted to the function exceeds the maximum allowed limit (5)."),
    /// `FSS.1068` (403): The number of events configured for the function exceeds the maximum allowed limit.
    TestEventQuotaExceeded => (403, "FSS.1068", "The number of events configured for the function exceeds the maximum allowed limit."),
    /// `FSS.1069` (403): The size of events exceeds the maximum allowed limit (4 KB).
    TestEventTooLarge => (403, "FSS.1069", "The size of events exceeds the maximum allowed limit (4 KB)."),
    /// `FSS.1073` (403): The event already exists.
    TestEventExists => (403, "FSS.1073", "The event already exists."),
    /// `FSS.1094` (403): The version cannot be deleted when it is used as the additional version of an alias.
    VersionUsedByAlias => (403, "FSS.1094", "The version cannot be deleted when it is used as the additional version of an alias."),
    /// `FSS.1096` (403): The file sharing protocol of the mounted resource must be NFS.
    MountNotNfs => (403, "FSS.1096", "The file sharing protocol of the mounted resource must be NFS."),
    /// `FSS.1108` (403): The bucket configuration of the current trigger conflicts with that of an existing OBS trigger.
    ObsTriggerBucketConflict => (403, "FSS.1108", "The bucket configuration of the current trigger conflicts with that of an existing OBS trigger."),
    /// `FSS.1121` (403): Access denied. Check whether the DMS agency has been configured.
    DmsAgencyMissing => (403, "FSS.1121", "Access denied. Check whether the DMS agency has been configured."),
    /// `FSS.1122` (403): Access denied. Check whether the DIS agency has been configured.
    DisAgencyMissing => (403, "FSS.1122", "Access denied. Check whether the DIS agency has been configured."),
    /// `FSS.1123` (403): The number of pull triggers exceeds the maximum allowed limit (10).
    PullTriggerQuotaExceeded => (403, "FSS.1123", "The number of pull triggers exceeds the maximum allowed limit (10)."),
    /// `FSS.1124` (403): The number of APIs exceeds the maximum allowed limit.
    ApiQuotaExceeded => (403, "FSS.1124", "The number of APIs exceeds the maximum allowed limit."),
    /// `FSS.1125` (403): Access denied. Check whether the LTS agency has been configured.
    LtsAgencyMissing => (403, "FSS.1125", "Access denied. Check whether the LTS agency has been configured."),
    /// `FSS.1126` (403): You do not have permissions to call the API.
    ApiCallForbidden => (403, "FSS.1126", "You do not have permissions to call the API."),
    /// `FSS.1127` (403): The EPS user does not have permissions to call the API.
    EpsUserForbidden => (403, "FSS.1127", "The EPS user does not have permissions to call the API."),
    /// `FSS.1154` (403): The alias with triggers cannot be deleted.
    AliasHasTriggers => (403, "FSS.1154", "The alias with triggers cannot be deleted."),
    /// `FSS.0404` (404): The specified resource cannot be found.
    NotFound => (404, "FSS.0404", "The specified resource cannot be found."),
    /// `FSS.1050` (404): The mounted resource cannot be found.
    MountResourceNotFound => (404, "FSS.1050", "The mounted resource cannot be found."),
    /// `FSS.1051` (404): The function does not exist.
    FunctionNotFound => (404, "FSS.1051", "The function does not exist."),
    /// `FSS.1052` (404): The version does not exist.
    VersionNotFound => (404, "FSS.1052", "The version does not exist."),
    /// `FSS.1053` (404): The alias does not exist.
    AliasNotFound => (404, "FSS.1053", "The alias does not exist."),
    /// `FSS.1054` (404): The function code package does not exist in OBS.
    ObsCodePackageNotFound => (404, "FSS.1054", "The function code package does not exist in OBS."),
    /// `FSS.1055` (404): The function app does not exist in OBS.
    ObsAppNotFound => (404, "FSS.1055", "The function app does not exist in OBS."),
    /// `FSS.1056` (404): The dependency does not exist.
    DependencyNotFound => (404, "FSS.1056", "The dependency does not exist."),
    /// `FSS.1057` (404): The function name does not exist in the YAML file.
    YamlFunctionNotFound => (404, "FSS.1057", "The function name does not exist in the YAML file."),
    /// `FSS.1059` (404): The function template does not exist.
    FunctionTemplateNotFound => (404, "FSS.1059", "The function template does not exist."),
    /// `FSS.1060` (404): The event template does not exist.
    EventTemplateNotFound => (404, "FSS.1060", "The event template does not exist."),
    /// `FSS.1070` (404): The event does not exist.
    TestEventNotFound => (404, "FSS.1070", "The event does not exist."),
    /// `FSS.1111` (404): The Kafka resource cannot be found.
    KafkaResourceNotFound => (404, "FSS.1111", "The Kafka resource cannot be found."),
    /// `FSS.1130` (404): The DIS stream does not exist.
    DisStreamNotFound => (404, "FSS.1130", "The DIS stream does not exist."),
    /// `FSS.1131` (404): The trigger does not exist.
    TriggerNotFound => (404, "FSS.1131", "The trigger does not exist."),
    /// `FSS.1132` (404): The SMN trigger does not exist.
    SmnTriggerNotFound => (404, "FSS.1132", "The SMN trigger does not exist."),
    /// `FSS.1133` (404): The DMS trigger does not exist.
    DmsTriggerNotFound => (404, "FSS.1133", "The DMS trigger does not exist."),
    /// `FSS.1134` (404): The DIS trigger does not exist.
    DisTriggerNotFound => (404, "FSS.1134", "The DIS trigger does not exist."),
    /// `FSS.1135` (404): The DMS queue does not exist.
    DmsQueueNotFound => (404, "FSS.1135", "The DMS queue does not exist."),
    /// `FSS.1136` (404): The OBS trigger does not exist.
    ObsTriggerNotFound => (404, "FSS.1136", "The OBS trigger does not exist."),
    /// `FSS.1137` (404): Invalid trigger type.
    TriggerTypeMismatch => (404, "FSS.1137", "Invalid trigger type."),
    /// `FSS.1138` (404): The APIG trigger does not exist.
    ApigTriggerNotFound => (404, "FSS.1138", "The APIG trigger does not exist."),
    /// `FSS.1139` (404): The DMS consumer group does not exist.
    DmsConsumerGroupNotFound => (404, "FSS.1139", "The DMS consumer group does not exist."),
    /// `FSS.1140` (404): The timer trigger does not exist.
    TimerTriggerNotFound => (404, "FSS.1140", "The timer trigger does not exist."),
    /// `FSS.1160` (404): The LTS trigger does not exist.
    LtsTriggerNotFound => (404, "FSS.1160", "The LTS trigger does not exist."),
    /// `FSS.1161` (404): The LTS log topic does not exist.
    LtsTopicNotFound => (404, "FSS.1161", "The LTS log topic does not exist."),
    /// `FSS.1163` (404): The DDS trigger does not exist.
    DdsTriggerNotFound => (404, "FSS.1163", "The DDS trigger does not exist."),
    /// `FSS.1171` (404): The SMN topic does not exist.
    SmnTopicNotFound => (404, "FSS.1171", "The SMN topic does not exist."),
    /// `FSS.1174` (404): The Kafka trigger does not exist.
    KafkaTriggerNotFound => (404, "FSS.1174", "The Kafka trigger does not exist."),
    /// `FSS.0406` (406): Invalid request.
    NotAcceptable => (406, "FSS.0406", "Invalid request."),
    /// `FSS.1151` (406): The OBS bucket is not in the current region.
    ObsBucketOtherRegion => (406, "FSS.1151", "The OBS bucket is not in the current region."),
    /// `FSS.0408` (408): Request timeout.
    RequestTimeout => (408, "FSS.0408", "Request timeout."),
    /// `FSS.0409` (409): The specified resource already exists.
    Conflict => (409, "FSS.0409", "The specified resource already exists."),
    /// `FSS.1061` (409): The function already exists.
    FunctionExists => (409, "FSS.1061", "The function already exists."),
    /// `FSS.1062` (409): The function version already exists.
    VersionExists => (409, "FSS.1062", "The function version already exists."),
    /// `FSS.1063` (409): The function alias already exists.
    AliasExists => (409, "FSS.1063", "The function alias already exists."),
    /// `FSS.1064` (409): The function app already exists.
    AppExists => (409, "FSS.1064", "The function app already exists."),
    /// `FSS.1065` (409): The dependency already exists.
    DependencyExists => (409, "FSS.1065", "The dependency already exists."),
    /// `FSS.1066` (409): The version has already been used by another alias.
    VersionUsedByOtherAlias => (409, "FSS.1066", "The version has already been used by another alias."),
    /// `FSS.1067` (409): The function template already exists.
    FunctionTemplateExists => (409, "FSS.1067", "The function template already exists."),
    /// `FSS.1141` (409): The SMN trigger already exists.
    SmnTriggerExists => (409, "FSS.1141", "The SMN trigger already exists."),
    /// `FSS.1142` (409): The DMS trigger already exists.
    DmsTriggerExists => (409, "FSS.1142", "The DMS trigger already exists."),
    /// `FSS.1143` (409): The DIS trigger already exists.
    DisTriggerExists => (409, "FSS.1143", "The DIS trigger already exists."),
    /// `FSS.1145` (409): The OBS trigger already exists.
    ObsTriggerExists => (409, "FSS.1145", "The OBS trigger already exists."),
    /// `FSS.1146` (409): The APIG trigger already exists.
    ApigTriggerExists => (409, "FSS.1146", "The APIG trigger already exists."),
    /// `FSS.1147` (409): The API name already exists in the API group.
    ApiNameExists => (409, "FSS.1147", "The API name already exists in the API group."),
    /// `FSS.1148` (409): The timer trigger already exists.
    TimerTriggerExists => (409, "FSS.1148", "The timer trigger already exists."),
    /// `FSS.1149` (409): The LTS trigger already exists.
    LtsTriggerExists => (409, "FSS.1149", "The LTS trigger already exists."),
    /// `FSS.1150` (409): The Kafka trigger already exists.
    KafkaTriggerExists => (409, "FSS.1150", "The Kafka trigger already exists."),
    /// `FSS.1166` (409): The DDS trigger already exists.
    DdsTriggerExists => (409, "FSS.1166", "The DDS trigger already exists."),
    /// `FSS.0410` (410): The specified resource does not exist.
    Gone => (410, "FSS.0410", "The specified resource does not exist."),
    /// `FSS.1033` (412): The dependency cannot be deleted because it is in use.
    DependencyInUse => (412, "FSS.1033", "The dependency cannot be deleted because it is in use."),
    /// `FSS.1090` (412): The subnet is not in the ACTIVE state.
    SubnetNotActive => (412, "FSS.1090", "The subnet is not in the ACTIVE state."),
    /// `FSS.1095` (412): The mounted resource is not ready.
    MountNotReady => (412, "FSS.1095", "The mounted resource is not ready."),
    /// `FSS.1153` (412): The trigger to be enabled or disabled has already been enabled or disabled.
    TriggerAlreadyInState => (412, "FSS.1153", "The trigger to be enabled or disabled has already been enabled or disabled."),
    /// `FSS.0413` (413): The request body is too large.
    RequestBodyTooLarge => (413, "FSS.0413", "The request body is too large."),
    /// `FSS.1071` (413): The size of the code package to be uploaded exceeds the maximum allowed limit (50 MB).
    CodePackageTooLarge => (413, "FSS.1071", "The size of the code package to be uploaded exceeds the maximum allowed limit (50 MB)."),
    /// `FSS.1072` (413): The size of the inline code exceeds the maximum allowed limit (10 KB).
    InlineCodeTooLarge => (413, "FSS.1072", "The size of the inline code exceeds the maximum allowed limit (10 KB)."),
    /// `FSS.1201` (413): The request body is too large.
    BodyTooLarge => (413, "FSS.1201", "The request body is too large."),
    /// `FSS.0424` (424): Invalid dependency.
    FailedDependency => (424, "FSS.0424", "Invalid dependency."),
    /// `FSS.0426` (426): This operation is not supported. Please perform an upgrade.
    UpgradeRequired => (426, "FSS.0426", "This operation is not supported. Please perform an upgrade."),
    /// `FSS.1152` (426): The selected bucket cannot be used to create a trigger.
    ObsBucketUnusable => (426, "FSS.1152", "The selected bucket cannot be used to create a trigger."),
    /// `FSS.0428` (428): The preconditions have not been met.
    PreconditionRequired => (428, "FSS.0428", "The preconditions have not been met."),
    /// `FSS.0429` (429): Too many requests.
    TooManyRequests => (429, "FSS.0429", "Too many requests."),
    /// `FSS.0500` (500): Internal service error.
    Internal => (500, "FSS.0500", "Internal service error."),
    /// `FSS.1162` (500): The operation cannot take effect immediately due to a service error.
    NotImmediatelyEffective => (500, "FSS.1162", "The operation cannot take effect immediately due to a service error."),
    /// `FSS.1202` (500): Invalid response body.
    InvalidResponseBody => (500, "FSS.1202", "Invalid response body."),
    /// `FSS.1302` (500): Failed to save the data.
    SaveFailed => (500, "FSS.1302", "Failed to save the data."),
    /// `FSS.1315` (500): Server error.
    CtsServerError => (500, "FSS.1315", "Server error."),
    /// `FSS.1510` (500): the VIP node is overload and unavailable now
    VipNodeOverloaded => (500, "FSS.1510", "the VIP node is overload and unavailable now"),
    /// `FSS.0502` (502): Bad gateway.
    BadGateway => (502, "FSS.0502", "Bad gateway."),
    /// `FSS.1319` (502): Invalid trigger name.
    InvalidTriggerName => (502, "FSS.1319", "Invalid trigger name."),
    /// `FSS.0503` (503): Service unavailable.
    ServiceUnavailable => (503, "FSS.0503", "Service unavailable."),
    /// `FSS.1115` (503): Network unreachable.
    KafkaNetworkUnreachable => (503, "FSS.1115", "Network unreachable."),
    /// `FSS.1169` (503): Network unreachable.
    DdsNetworkUnreachable => (503, "FSS.1169", "Network unreachable."),
    /// `FSS.1170` (503): Authentication failed. Check DDS configuration.
    DdsAuthenticationFailed => (503, "FSS.1170", "Authentication failed. Check DDS configuration."),
    /// `FSS.1401` (503): Failed to obtain the image.
    ImageFetchFailed => (503, "FSS.1401", "Failed to obtain the image."),
    /// `FSS.1402` (503): Failed to pull the image to create a container.
    ImagePullFailedOnCreate => (503, "FSS.1402", "Failed to pull the image to create a container."),
    /// `FSS.1403` (503): Failed to pull the image to delete a container.
    ImagePullFailedOnDelete => (503, "FSS.1403", "Failed to pull the image to delete a container."),
    /// `FSS.0504` (504): Gateway timeout.
    GatewayTimeout => (504, "FSS.0504", "Gateway timeout."),
    /// `FSS.1128` (400): The function does not exist.
    TracingFunctionNotFound => (400, "FSS.1128", "The function does not exist."),
}

impl ErrorKind {
    /// The kind whose code is `code` (`"FSS.1051"`), if any. Codes shared by no two kinds,
    /// so this is the inverse of [`ErrorKind::code`].
    pub fn from_code(code: &str) -> Option<ErrorKind> {
        Self::ALL.iter().copied().find(|k| k.code() == code)
    }

    /// An [`Error`] of this kind with a message that says what exactly was wrong.
    pub fn with(self, message: impl Into<String>) -> Error {
        Error {
            kind: self,
            message: message.into(),
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.seed_message())
    }
}

/// A management error: the seed rule that failed ([`ErrorKind`]) and a message naming the
/// offending input. `Display` prints `FSS.xxxx: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        kind.with(message)
    }

    /// Which seed rule failed.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The `FSS.xxxx` code (shorthand for `self.kind().code()`).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The HTTP status (shorthand for `self.kind().status()`).
    pub fn status(&self) -> u16 {
        self.kind.status()
    }

    /// The message, as `error_msg` renders it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        kind.with(kind.seed_message())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.code(), self.message)
    }
}

impl std::error::Error for Error {}
