//! Unknown request fields are ignored (the seed forbids them nowhere, `fgs_core` docs), while
//! a known field of the wrong type is 400 and changes nothing.

use base64::Engine as _;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn unknown_fields_are_ignored_and_not_echoed() {
    let app = app();
    let body = json!({
        "func_name": "extra", "package": "default", "runtime": "Custom",
        "handler": "index.handler", "memory_size": 128, "timeout": 3, "code_type": "inline",
        "func_code": {"file": base64::engine::general_purpose::STANDARD.encode(fixture("echo")),
                      "unheard_of": 1},
        "a_field_from_the_future": {"x": 1}
    });
    let list = format!("/v2/{P}/fgs/functions");
    let a = send(&app, "POST", &list, &body.to_string(), &[]).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert!(a.json().get("a_field_from_the_future").is_none());
    let t = json!({"trigger_type_code": "TIMER", "event_type_code": "MessageCreated",
        "trigger_status": "ACTIVE", "extra": true,
        "event_data": {"name": "t1", "schedule_type": "Rate", "schedule": "1d", "extra": 2}});
    let a = send(
        &app,
        "POST",
        &format!("/v2/{P}/fgs/triggers/extra"),
        &t.to_string(),
        &[],
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.text());
    assert!(a.json()["event_data"].get("extra").is_none());

    // A known field with a wrong type: 400, and the list is as before.
    let before = send(&app, "GET", &list, "", &[]).await.json();
    let mut wrong = body.clone();
    wrong["func_name"] = json!("other");
    wrong["memory_size"] = json!("lots");
    let a = send(&app, "POST", &list, &wrong.to_string(), &[]).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (400, "FSS.0400"),
        "{}",
        a.text()
    );
    assert_eq!(send(&app, "GET", &list, "", &[]).await.json(), before);
}
