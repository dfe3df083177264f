//! Duplicates and conflicts on create (seed §7.2 codes; the rules are the emulator's, stated
//! in `fgs_core::trigger::EventData::conflict`): per-type 409s, OBS bucket overlap FSS.1108,
//! APIG routes and names, and trigger names FSS.1307.

use serde_json::json;

use super::{apig, create, function, publish, req, timer, valid};
use crate::common::{assert_code, emulator};

#[test]
fn duplicate_names_are_fss_1307() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    publish(&emu, &urn, "v1");
    create(&emu, &urn, "TIMER", timer("daily", "Rate", "1d"));
    // Same name, another schedule, even on another qualifier of the function.
    let r = req("TIMER", timer("daily", "Rate", "2d"));
    assert_code(emu.create_trigger(&format!("{urn}:v1"), r), "FSS.1307", 400);
    create(&emu, &urn, "CTS", valid("CTS"));
    let mut cts = valid("CTS");
    cts["operations"] = json!(["ECS:server:createServer"]);
    assert_code(emu.create_trigger(&urn, req("CTS", cts)), "FSS.1307", 400);
    // Another function may reuse the name.
    let g = function(&emu, "g");
    create(&emu, &g, "TIMER", timer("daily", "Rate", "1d"));
}

/// Each type's duplicate code (seed §7.2), for an identical source on the same qualifier.
#[test]
fn duplicates_get_each_types_code() {
    let cases = [
        ("SMN", "FSS.1141"),
        ("DMS", "FSS.1142"),
        ("DIS", "FSS.1143"),
        ("OBS", "FSS.1145"),
        ("APIG", "FSS.1146"),
        ("LTS", "FSS.1149"),
        ("KAFKA", "FSS.1150"),
        ("DDS", "FSS.1166"),
        ("DEDICATEDGATEWAY", "FSS.1146"),
    ];
    for (ty, code) in cases {
        let (emu, _) = emulator();
        let urn = function(&emu, "f");
        create(&emu, &urn, ty, valid(ty));
        assert_code(emu.create_trigger(&urn, req(ty, valid(ty))), code, 409);
    }
    // TIMER: the same schedule under another name.
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    create(&emu, &urn, "TIMER", timer("a", "Cron", "0 0 * * * ?"));
    let r = req("TIMER", timer("b", "Cron", "0  0 * * *  ?"));
    assert_code(emu.create_trigger(&urn, r), "FSS.1148", 409);
    // A user_event makes it another timer.
    let mut other = timer("b", "Cron", "0 0 * * * ?");
    other["user_event"] = json!("payload");
    create(&emu, &urn, "TIMER", other);
}

#[test]
fn same_source_on_another_function_is_allowed_except_obs_and_apig() {
    // Only OBS bucket notifications and APIG routes are shared across functions.
    let (emu, _) = emulator();
    let f = function(&emu, "f");
    let g = function(&emu, "g");
    for ty in ["SMN", "DMS", "DIS", "LTS", "KAFKA", "DDS", "TIMER"] {
        create(&emu, &f, ty, valid(ty));
        create(&emu, &g, ty, valid(ty));
    }
    assert_eq!(emu.list_triggers(&g).unwrap().len(), 7);
}

#[test]
fn same_source_on_another_qualifier_is_allowed() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    publish(&emu, &urn, "v1");
    for ty in ["SMN", "DMS", "DIS", "LTS", "KAFKA", "DDS"] {
        create(&emu, &urn, ty, valid(ty));
        create(&emu, &format!("{urn}:v1"), ty, valid(ty));
    }
}

#[test]
fn kafka_duplicate_needs_a_common_topic() {
    let (emu, _) = emulator();
    let urn = function(&emu, "f");
    create(
        &emu,
        &urn,
        "KAFKA",
        json!({"instance_id": "k", "topic_ids": ["a", "b"]}),
    );
    create(
        &emu,
        &urn,
        "KAFKA",
        json!({"instance_id": "k", "topic_ids": ["c"]}),
    );
    let r = req("KAFKA", json!({"instance_id": "k", "topic_id": "b"}));
    assert_code(emu.create_trigger(&urn, r), "FSS.1150", 409);
}

#[test]
fn obs_bucket_conflicts_are_fss_1108() {
    let (emu, _) = emulator();
    let f = function(&emu, "f");
    let g = function(&emu, "g");
    create(
        &emu,
        &f,
        "OBS",
        json!({"bucket": "pics", "events": ["s3:ObjectCreated:*"], "prefix": "in/"}),
    );
    // The same configuration on another function: the bucket notification overlaps.
    let same = json!({"bucket": "pics", "events": ["s3:ObjectCreated:*"], "prefix": "in/"});
    assert_code(emu.create_trigger(&g, req("OBS", same)), "FSS.1108", 403);
    // An event the wildcard covers and a longer prefix still overlap, on the same function.
    let covered =
        json!({"bucket": "pics", "events": ["s3:ObjectCreated:Put"], "prefix": "in/raw/"});
    assert_code(emu.create_trigger(&f, req("OBS", covered)), "FSS.1108", 403);
    // Disjoint prefix, other events, or another bucket: fine.
    create(
        &emu,
        &g,
        "OBS",
        json!({"bucket": "pics", "events": ["s3:ObjectCreated:Put"], "prefix": "out/"}),
    );
    create(
        &emu,
        &g,
        "OBS",
        json!({"bucket": "pics", "events": ["s3:ObjectRemoved:*"]}),
    );
    create(
        &emu,
        &g,
        "OBS",
        json!({"bucket": "docs", "events": ["s3:ObjectCreated:*"]}),
    );
    // Suffixes that cannot both match one object do not overlap.
    create(
        &emu,
        &g,
        "OBS",
        json!({"bucket": "logs", "events": ["s3:ObjectCreated:*"], "suffix": ".jpg"}),
    );
    create(
        &emu,
        &g,
        "OBS",
        json!({"bucket": "logs", "events": ["s3:ObjectCreated:*"], "suffix": ".png"}),
    );
}

#[test]
fn apig_route_and_name_conflicts_are_project_wide() {
    let (emu, _) = emulator();
    let f = function(&emu, "f");
    let g = function(&emu, "g");
    let mut get = apig("API_get", "/items");
    get["req_method"] = json!("GET");
    create(&emu, &f, "APIG", get);
    // ANY on the same path overlaps GET, from another function too: FSS.1146.
    assert_code(
        emu.create_trigger(&g, req("APIG", apig("API_any", "/items"))),
        "FSS.1146",
        409,
    );
    // POST on the same path is another route.
    let mut post = apig("API_post", "/items");
    post["req_method"] = json!("POST");
    create(&emu, &g, "APIG", post);
    // The same API name in the same group: FSS.1147.
    assert_code(
        emu.create_trigger(&g, req("APIG", apig("API_get", "/other"))),
        "FSS.1147",
        409,
    );
    // In another group the name is free.
    let mut other_group = apig("API_get", "/other");
    other_group["group_id"] = json!("another-group");
    create(&emu, &g, "APIG", other_group);
}
