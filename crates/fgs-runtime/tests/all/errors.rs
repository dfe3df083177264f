//! Tests: the FSS error table. Each kind maps to exactly the code and HTTP status of the seed's
//! §7.2 table (plus FSS.1128, used only by the §5.5.2 example). The HTTP layer renders these
//! same figures, so this table is the contract for library and REST users alike.

use std::collections::HashSet;

use fgs_runtime::ErrorKind;

/// (kind, status, code), transcribed from seed §7.2 in table order, then the §5-only codes.
const SEED_TABLE: &[(ErrorKind, u16, &str)] = &[
    (ErrorKind::InvalidParameter, 400, "FSS.0400"),
    (ErrorKind::InvalidQueryParameter, 400, "FSS.1001"),
    (ErrorKind::InvalidFunctionName, 400, "FSS.1002"),
    (ErrorKind::InvalidHandler, 400, "FSS.1003"),
    (ErrorKind::InvalidPackage, 400, "FSS.1004"),
    (ErrorKind::InvalidRuntime, 400, "FSS.1005"),
    (ErrorKind::InvalidCodeType, 400, "FSS.1006"),
    (ErrorKind::InvalidMemorySize, 400, "FSS.1007"),
    (ErrorKind::InvalidTimeout, 400, "FSS.1008"),
    (ErrorKind::InvalidEnvironmentVariable, 400, "FSS.1009"),
    (ErrorKind::InvalidUrl, 400, "FSS.1010"),
    (ErrorKind::InvalidFunctionCode, 400, "FSS.1011"),
    (ErrorKind::FunctionCodeBlank, 400, "FSS.1012"),
    (ErrorKind::InvalidFileType, 400, "FSS.1013"),
    (ErrorKind::InvalidAlias, 400, "FSS.1014"),
    (ErrorKind::InvalidVersion, 400, "FSS.1015"),
    (ErrorKind::NothingToPublish, 400, "FSS.1016"),
    (ErrorKind::TooManyEnvironmentVariables, 400, "FSS.1017"),
    (ErrorKind::EnvironmentVariablesTooLarge, 400, "FSS.1018"),
    (ErrorKind::DescriptionTooLong, 400, "FSS.1019"),
    (ErrorKind::MultipleYamlFiles, 400, "FSS.1022"),
    (ErrorKind::FileTooLarge, 400, "FSS.1023"),
    (ErrorKind::InvalidDependency, 400, "FSS.1024"),
    (ErrorKind::InvalidYaml, 400, "FSS.1025"),
    (ErrorKind::ConfigurationBeingModified, 400, "FSS.1026"),
    (ErrorKind::InvalidPackageOrAppName, 400, "FSS.1027"),
    (ErrorKind::AppHasFunctions, 400, "FSS.1028"),
    (ErrorKind::DefaultAppUndeletable, 400, "FSS.1029"),
    (ErrorKind::DependencyAlreadyExists, 400, "FSS.1031"),
    (ErrorKind::InvalidDependencyType, 400, "FSS.1032"),
    (ErrorKind::InvalidImageUrl, 400, "FSS.1034"),
    (ErrorKind::ImageNotFound, 400, "FSS.1035"),
    (ErrorKind::VpcNotFound, 400, "FSS.1036"),
    (ErrorKind::SubnetNotMatched, 400, "FSS.1037"),
    (ErrorKind::FileSystemConfigExists, 400, "FSS.1038"),
    (ErrorKind::InvalidMountPath, 400, "FSS.1039"),
    (ErrorKind::YamlAppNameEqualsFunctionName, 400, "FSS.1058"),
    (ErrorKind::InvalidTestEvent, 400, "FSS.1074"),
    (ErrorKind::InvalidMountUserId, 400, "FSS.1075"),
    (ErrorKind::TooManyReservedInstances, 400, "FSS.1076"),
    (ErrorKind::ReservedInstancesBlockUpdate, 400, "FSS.1077"),
    (ErrorKind::InvalidAdditionalVersion, 400, "FSS.1091"),
    (ErrorKind::InvalidAdditionalVersionWeight, 400, "FSS.1092"),
    (ErrorKind::AdditionalVersionIsMajorVersion, 400, "FSS.1093"),
    (ErrorKind::InvalidTriggerType, 400, "FSS.1101"),
    (ErrorKind::InvalidSmnTrigger, 400, "FSS.1102"),
    (ErrorKind::InvalidDmsTrigger, 400, "FSS.1103"),
    (ErrorKind::InvalidDisTrigger, 400, "FSS.1104"),
    (ErrorKind::InvalidObsTrigger, 400, "FSS.1106"),
    (ErrorKind::InvalidApigTrigger, 400, "FSS.1107"),
    (ErrorKind::InvalidTimerTrigger, 400, "FSS.1109"),
    (ErrorKind::InvalidLtsTrigger, 400, "FSS.1110"),
    (ErrorKind::InvalidKafkaTrigger, 400, "FSS.1112"),
    (ErrorKind::KafkaSaslCredentialsMissing, 400, "FSS.1113"),
    (ErrorKind::KafkaSubnetMismatch, 400, "FSS.1114"),
    (ErrorKind::KafkaInstanceConfigError, 400, "FSS.1116"),
    (ErrorKind::KafkaQueryFailed, 400, "FSS.1117"),
    (ErrorKind::InvalidDdsTrigger, 400, "FSS.1164"),
    (ErrorKind::DatabaseInstanceNotFound, 400, "FSS.1172"),
    (ErrorKind::DdsInstanceConfigError, 400, "FSS.1173"),
    (ErrorKind::CtsTriggerNotFound, 400, "FSS.1301"),
    (ErrorKind::CtsAuthenticationFailed, 400, "FSS.1303"),
    (ErrorKind::CtsRequestFailed, 400, "FSS.1304"),
    (ErrorKind::InvalidCtsTrigger, 400, "FSS.1305"),
    (ErrorKind::TooManyTriggers, 400, "FSS.1306"),
    (ErrorKind::TriggerNameExists, 400, "FSS.1307"),
    (ErrorKind::CtsResourceNotFound, 400, "FSS.1308"),
    (ErrorKind::InvalidFunctionUrn, 400, "FSS.1309"),
    (ErrorKind::CtsTokenAuthenticationFailed, 400, "FSS.1310"),
    (ErrorKind::CtsNotEnabled, 400, "FSS.1311"),
    (ErrorKind::CtsNotificationNameBlank, 400, "FSS.1312"),
    (ErrorKind::CtsTooManyResources, 400, "FSS.1313"),
    (ErrorKind::CtsResourceBlank, 400, "FSS.1314"),
    (ErrorKind::CtsOperationAlreadySelected, 400, "FSS.1316"),
    (ErrorKind::TriggerNameTooLong, 400, "FSS.1317"),
    (ErrorKind::InvalidTriggerOperation, 400, "FSS.1318"),
    (ErrorKind::InvalidInitializer, 400, "FSS.1404"),
    (ErrorKind::InvalidInitializerTimeout, 400, "FSS.1405"),
    (ErrorKind::Unauthorized, 401, "FSS.0401"),
    (ErrorKind::NotWhitelisted, 401, "FSS.1118"),
    (ErrorKind::Forbidden, 403, "FSS.0403"),
    (ErrorKind::AgencyCannotMount, 403, "FSS.1040"),
    (ErrorKind::FunctionQuotaExceeded, 403, "FSS.1041"),
    (ErrorKind::CodeSizeQuotaExceeded, 403, "FSS.1042"),
    (ErrorKind::AliasQuotaExceeded, 403, "FSS.1043"),
    (ErrorKind::AppQuotaExceeded, 403, "FSS.1044"),
    (ErrorKind::DependencyQuotaExceeded, 403, "FSS.1045"),
    (ErrorKind::DependencyUnavailable, 403, "FSS.1046"),
    (ErrorKind::TenantVpcQuotaExceeded, 403, "FSS.1047"),
    (ErrorKind::ProjectVpcQuotaExceeded, 403, "FSS.1048"),
    (ErrorKind::MountQuotaExceeded, 403, "FSS.1049"),
    (ErrorKind::TestEventQuotaExceeded, 403, "FSS.1068"),
    (ErrorKind::TestEventTooLarge, 403, "FSS.1069"),
    (ErrorKind::TestEventExists, 403, "FSS.1073"),
    (ErrorKind::VersionUsedByAlias, 403, "FSS.1094"),
    (ErrorKind::MountNotNfs, 403, "FSS.1096"),
    (ErrorKind::ObsTriggerBucketConflict, 403, "FSS.1108"),
    (ErrorKind::DmsAgencyMissing, 403, "FSS.1121"),
    (ErrorKind::DisAgencyMissing, 403, "FSS.1122"),
    (ErrorKind::PullTriggerQuotaExceeded, 403, "FSS.1123"),
    (ErrorKind::ApiQuotaExceeded, 403, "FSS.1124"),
    (ErrorKind::LtsAgencyMissing, 403, "FSS.1125"),
    (ErrorKind::ApiCallForbidden, 403, "FSS.1126"),
    (ErrorKind::EpsUserForbidden, 403, "FSS.1127"),
    (ErrorKind::AliasHasTriggers, 403, "FSS.1154"),
    (ErrorKind::NotFound, 404, "FSS.0404"),
    (ErrorKind::MountResourceNotFound, 404, "FSS.1050"),
    (ErrorKind::FunctionNotFound, 404, "FSS.1051"),
    (ErrorKind::VersionNotFound, 404, "FSS.1052"),
    (ErrorKind::AliasNotFound, 404, "FSS.1053"),
    (ErrorKind::ObsCodePackageNotFound, 404, "FSS.1054"),
    (ErrorKind::ObsAppNotFound, 404, "FSS.1055"),
    (ErrorKind::DependencyNotFound, 404, "FSS.1056"),
    (ErrorKind::YamlFunctionNotFound, 404, "FSS.1057"),
    (ErrorKind::FunctionTemplateNotFound, 404, "FSS.1059"),
    (ErrorKind::EventTemplateNotFound, 404, "FSS.1060"),
    (ErrorKind::TestEventNotFound, 404, "FSS.1070"),
    (ErrorKind::KafkaResourceNotFound, 404, "FSS.1111"),
    (ErrorKind::DisStreamNotFound, 404, "FSS.1130"),
    (ErrorKind::TriggerNotFound, 404, "FSS.1131"),
    (ErrorKind::SmnTriggerNotFound, 404, "FSS.1132"),
    (ErrorKind::DmsTriggerNotFound, 404, "FSS.1133"),
    (ErrorKind::DisTriggerNotFound, 404, "FSS.1134"),
    (ErrorKind::DmsQueueNotFound, 404, "FSS.1135"),
    (ErrorKind::ObsTriggerNotFound, 404, "FSS.1136"),
    (ErrorKind::TriggerTypeMismatch, 404, "FSS.1137"),
    (ErrorKind::ApigTriggerNotFound, 404, "FSS.1138"),
    (ErrorKind::DmsConsumerGroupNotFound, 404, "FSS.1139"),
    (ErrorKind::TimerTriggerNotFound, 404, "FSS.1140"),
    (ErrorKind::LtsTriggerNotFound, 404, "FSS.1160"),
    (ErrorKind::LtsTopicNotFound, 404, "FSS.1161"),
    (ErrorKind::DdsTriggerNotFound, 404, "FSS.1163"),
    (ErrorKind::SmnTopicNotFound, 404, "FSS.1171"),
    (ErrorKind::KafkaTriggerNotFound, 404, "FSS.1174"),
    (ErrorKind::NotAcceptable, 406, "FSS.0406"),
    (ErrorKind::ObsBucketOtherRegion, 406, "FSS.1151"),
    (ErrorKind::RequestTimeout, 408, "FSS.0408"),
    (ErrorKind::Conflict, 409, "FSS.0409"),
    (ErrorKind::FunctionExists, 409, "FSS.1061"),
    (ErrorKind::VersionExists, 409, "FSS.1062"),
    (ErrorKind::AliasExists, 409, "FSS.1063"),
    (ErrorKind::AppExists, 409, "FSS.1064"),
    (ErrorKind::DependencyExists, 409, "FSS.1065"),
    (ErrorKind::VersionUsedByOtherAlias, 409, "FSS.1066"),
    (ErrorKind::FunctionTemplateExists, 409, "FSS.1067"),
    (ErrorKind::SmnTriggerExists, 409, "FSS.1141"),
    (ErrorKind::DmsTriggerExists, 409, "FSS.1142"),
    (ErrorKind::DisTriggerExists, 409, "FSS.1143"),
    (ErrorKind::ObsTriggerExists, 409, "FSS.1145"),
    (ErrorKind::ApigTriggerExists, 409, "FSS.1146"),
    (ErrorKind::ApiNameExists, 409, "FSS.1147"),
    (ErrorKind::TimerTriggerExists, 409, "FSS.1148"),
    (ErrorKind::LtsTriggerExists, 409, "FSS.1149"),
    (ErrorKind::KafkaTriggerExists, 409, "FSS.1150"),
    (ErrorKind::DdsTriggerExists, 409, "FSS.1166"),
    (ErrorKind::Gone, 410, "FSS.0410"),
    (ErrorKind::DependencyInUse, 412, "FSS.1033"),
    (ErrorKind::SubnetNotActive, 412, "FSS.1090"),
    (ErrorKind::MountNotReady, 412, "FSS.1095"),
    (ErrorKind::TriggerAlreadyInState, 412, "FSS.1153"),
    (ErrorKind::RequestBodyTooLarge, 413, "FSS.0413"),
    (ErrorKind::CodePackageTooLarge, 413, "FSS.1071"),
    (ErrorKind::InlineCodeTooLarge, 413, "FSS.1072"),
    (ErrorKind::BodyTooLarge, 413, "FSS.1201"),
    (ErrorKind::FailedDependency, 424, "FSS.0424"),
    (ErrorKind::UpgradeRequired, 426, "FSS.0426"),
    (ErrorKind::ObsBucketUnusable, 426, "FSS.1152"),
    (ErrorKind::PreconditionRequired, 428, "FSS.0428"),
    (ErrorKind::TooManyRequests, 429, "FSS.0429"),
    (ErrorKind::Internal, 500, "FSS.0500"),
    (ErrorKind::NotImmediatelyEffective, 500, "FSS.1162"),
    (ErrorKind::InvalidResponseBody, 500, "FSS.1202"),
    (ErrorKind::SaveFailed, 500, "FSS.1302"),
    (ErrorKind::CtsServerError, 500, "FSS.1315"),
    (ErrorKind::VipNodeOverloaded, 500, "FSS.1510"),
    (ErrorKind::BadGateway, 502, "FSS.0502"),
    (ErrorKind::InvalidTriggerName, 502, "FSS.1319"),
    (ErrorKind::ServiceUnavailable, 503, "FSS.0503"),
    (ErrorKind::KafkaNetworkUnreachable, 503, "FSS.1115"),
    (ErrorKind::DdsNetworkUnreachable, 503, "FSS.1169"),
    (ErrorKind::DdsAuthenticationFailed, 503, "FSS.1170"),
    (ErrorKind::ImageFetchFailed, 503, "FSS.1401"),
    (ErrorKind::ImagePullFailedOnCreate, 503, "FSS.1402"),
    (ErrorKind::ImagePullFailedOnDelete, 503, "FSS.1403"),
    (ErrorKind::GatewayTimeout, 504, "FSS.0504"),
    (ErrorKind::TracingFunctionNotFound, 400, "FSS.1128"),
];

#[test]
fn every_kind_maps_to_the_seed_code_and_status() {
    for (kind, status, code) in SEED_TABLE {
        assert_eq!(kind.code(), *code, "{kind:?}");
        assert_eq!(kind.status(), *status, "{kind:?}");
        assert_eq!(ErrorKind::from_code(code), Some(*kind));
    }
}

#[test]
fn the_table_covers_all_185_seed_codes_and_nothing_else() {
    assert_eq!(SEED_TABLE.len(), 186, "185 codes of §7.2 + FSS.1128");
    assert_eq!(ErrorKind::ALL.len(), SEED_TABLE.len());
    let kinds: HashSet<_> = SEED_TABLE.iter().map(|(k, _, _)| *k).collect();
    assert_eq!(kinds.len(), SEED_TABLE.len(), "a kind appears twice");
    let codes: HashSet<_> = SEED_TABLE.iter().map(|(_, _, c)| *c).collect();
    assert_eq!(codes.len(), SEED_TABLE.len(), "a code appears twice");
    for kind in ErrorKind::ALL {
        assert!(kinds.contains(kind), "{kind:?} is not in the seed table");
    }
}

#[test]
fn statuses_per_class_match_the_seed_counts() {
    // Seed §7.2 counts by status (digest part 2, section 11).
    let expected: &[(u16, usize)] = &[
        (400, 79), // 78 in §7.2 + FSS.1128
        (401, 2),
        (403, 25),
        (404, 29),
        (406, 2),
        (408, 1),
        (409, 18),
        (410, 1),
        (412, 4),
        (413, 4),
        (424, 1),
        (426, 2),
        (428, 1),
        (429, 1),
        (500, 6),
        (502, 2),
        (503, 7),
        (504, 1),
    ];
    for (status, count) in expected {
        let n = ErrorKind::ALL
            .iter()
            .filter(|k| k.status() == *status)
            .count();
        assert_eq!(n, *count, "status {status}");
    }
}

#[test]
fn codes_have_the_fss_shape_and_seed_messages_are_present() {
    for kind in ErrorKind::ALL {
        let code = kind.code();
        assert!(code.starts_with("FSS.") && code.len() == 8, "{code}");
        assert!(code[4..].bytes().all(|b| b.is_ascii_digit()), "{code}");
        assert!(!kind.seed_message().is_empty(), "{code}");
    }
    assert_eq!(
        ErrorKind::FunctionNotFound.seed_message(),
        "The function does not exist."
    );
    assert_eq!(ErrorKind::from_code("FSS.9999"), None);
}

#[test]
fn an_error_displays_code_and_message_and_converts_from_a_kind() {
    let err = ErrorKind::AliasNotFound.with("alias 'prod' of function 'hello' does not exist");
    assert_eq!(err.kind(), ErrorKind::AliasNotFound);
    assert_eq!(err.status(), 404);
    assert_eq!(
        err.to_string(),
        "FSS.1053: alias 'prod' of function 'hello' does not exist"
    );
    let plain: fgs_runtime::Error = ErrorKind::TooManyRequests.into();
    assert_eq!(plain.message(), "Too many requests.");
}
