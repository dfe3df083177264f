//! Golden JSON: the TIMER response of seed §4.1 and the APIG response of §4.2, created from
//! the seed's own request bodies on a clock and offset that reproduce its timestamps.

use std::sync::Arc;

use fgs_core::clock::ManualClock;
use fgs_runtime::Emulator;
use serde_json::json;

use super::{function, parse_req};

fn emulator_at(t: &str) -> Emulator {
    Emulator::builder()
        .clock(Arc::new(ManualClock::at_rfc3339(t).unwrap()))
        .utc_offset_seconds(8 * 3600)
        .seed(42)
        .build()
        .unwrap()
}

/// Seed §4.1 step 4 (the same shape as the §5.12.3 and §5.12.5 examples).
#[test]
fn timer_trigger_matches_seed_4_1() {
    let emu = emulator_at("2020-06-04T10:33:30+08:00");
    let urn = function(&emu, "download_file_from_obs");
    let request = json!({
        "event_data": {"name": "Timer-download", "schedule_type": "Rate", "schedule": "1d"},
        "event_type_code": "MessageCreated",
        "trigger_status": "ACTIVE",
        "trigger_type_code": "TIMER"
    });
    let t = emu.create_trigger(&urn, parse_req(request)).unwrap();
    let got = serde_json::to_value(&t).unwrap();
    let expected = json!({
        "trigger_id": t.trigger_id,
        "trigger_type_code": "TIMER",
        "trigger_status": "ACTIVE",
        "event_data": {"name": "Timer-download", "schedule": "1d", "schedule_type": "Rate"},
        "last_updated_time": "2020-06-04T10:33:30+08:00",
        "created_time": "2020-06-04T10:33:30+08:00"
    });
    assert_eq!(got, expected);
    // The field order of the seed's example, too.
    assert_eq!(
        serde_json::to_string(&got["event_data"]).unwrap(),
        r#"{"name":"Timer-download","schedule":"1d","schedule_type":"Rate"}"#
    );
    // GET returns the same object (§5.12.5).
    let again = emu.get_trigger(&urn, "TIMER", &t.trigger_id).unwrap();
    assert_eq!(serde_json::to_value(again).unwrap(), expected);
}

/// Seed §4.2: the stored `event_data` is enriched with `api_id`, `api_name`, `func_info`,
/// `group_name`, `invoke_url` and `triggerid`; `sl_domain` and `backend_type` are not
/// shown. One deliberate difference: the seed's §4.2 response blanks `env_id`/`env_name`
/// while its §5.12.2 example echoes them; the emulator echoes them.
#[test]
fn apig_trigger_matches_seed_4_2() {
    let emu = emulator_at("2020-06-04T17:14:32+08:00");
    let urn = function(&emu, "get_html");
    let request = json!({
        "event_data": {
            "group_id": "a9ad0d5df4d7475c9bc35a7c17d89304",
            "env_id": "DEFAULT_ENVIRONMENT_RELEASE_ID",
            "auth": "NONE",
            "protocol": "HTTP",
            "name": "API_GetHtml",
            "path": "/test",
            "match_mode": "SWA",
            "req_method": "ANY",
            "backend_type": "FUNCTION",
            "sl_domain": "a9ad0d5df4d7475c9bc35a7c17d89304.apig.xxx.xxxapis.com",
            "type": 1,
            "env_name": "RELEASE"
        },
        "event_type_code": "APICreated",
        "trigger_status": "ACTIVE",
        "trigger_type_code": "APIG"
    });
    let t = emu.create_trigger(&urn, parse_req(request)).unwrap();
    let got = serde_json::to_value(&t).unwrap();
    let api_id = got["event_data"]["api_id"].as_str().unwrap().to_owned();
    assert_eq!(api_id.len(), 32);
    let expected = json!({
        "trigger_id": t.trigger_id,
        "trigger_type_code": "APIG",
        "trigger_status": "ACTIVE",
        "event_data": {
            "api_id": api_id,
            "api_name": "API_GetHtml",
            "auth": "NONE",
            "env_id": "DEFAULT_ENVIRONMENT_RELEASE_ID",
            "env_name": "RELEASE",
            "func_info": {
                "function_urn": urn,
                "invocation_type": "sync",
                "timeout": 5000,
                "version": "latest"
            },
            "group_id": "a9ad0d5df4d7475c9bc35a7c17d89304",
            "group_name": "APIGroup_gethtml",
            "invoke_url": "http://a9ad0d5df4d7475c9bc35a7c17d89304.apig.xxx.xxxapis.com/test",
            "match_mode": "SWA",
            "name": "API_GetHtml",
            "path": "/test",
            "protocol": "HTTP",
            "req_method": "ANY",
            "triggerid": t.trigger_id,
            "type": 1
        },
        "last_updated_time": "2020-06-04T17:14:32+08:00",
        "created_time": "2020-06-04T17:14:32+08:00"
    });
    assert_eq!(got, expected);
    // func_info.function_urn has no version (7 fields).
    assert_eq!(urn.split(':').count(), 7);
    // The keys come in the seed's (alphabetical) order.
    let keys: Vec<&String> = got["event_data"].as_object().unwrap().keys().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

/// The §5.12.3 example bodies (OBS, APIG, KAFKA) deserialize and, with the §1.6.2
/// `event_type_code` added, are accepted.
#[test]
fn seed_5_12_3_example_bodies_are_accepted() {
    let emu = emulator_at("2019-10-29T17:15:53+08:00");
    let urn = function(&emu, "f");
    let bodies = [
        json!({"trigger_type_code":"OBS","trigger_status":"ACTIVE",
               "event_data":{"bucket":"input-picture2","events":["s3:ObjectCreated:*"],"name":"obs-event-1ec7"}}),
        json!({"trigger_type_code":"APIG","trigger_status":"ACTIVE",
               "event_data":{"func_info":{"timeout":5000},"name":"API_test_gxz_v1_billing",
                 "env_id":"DEFAULT_ENVIRONMENT_RELEASE_ID","env_name":"RELEASE","protocol":"HTTPS",
                 "auth":"NONE","group_id":"318b09eb214a4a8a8a5e5e9b0e5b0b2a",
                 "sl_domain":"318b09eb214a4a8a8a5e5e9b0e5b0b2a.apig.cn-north-7.huaweicloudapis.com",
                 "match_mode":"SWA","req_method":"ANY","backend_type":"FUNCTION","type":1,
                 "path":"/test_gxz_v1_billing"}}),
        json!({"trigger_type_code":"KAFKA","trigger_status":"DISABLED",
               "event_data":{"instance_id":"86ad","topic_ids":["PUSH_TOKEN_RECORD"],"batch_size":100}}),
    ];
    for mut body in bodies {
        body["event_type_code"] = json!("MessageCreated");
        let t = emu.create_trigger(&urn, parse_req(body.clone())).unwrap();
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v["trigger_status"], body["trigger_status"]);
        assert_eq!(v["created_time"], "2019-10-29T17:15:53+08:00");
    }
}
