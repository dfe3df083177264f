//! The seed's §4 Python examples, adapted to read their input from the event instead of
//! cloud services (issue 11, "Done when"). Python 3 semantics: example 3's
//! `print 'Hello world!'` is written `print('Hello world!')`. The Base64 ZIPs of examples 1
//! and 2 are damaged in the seed (they do not unpack), so their handlers are rewritten from
//! their descriptions (example 1: download the object its `user_data` names, sync and on a
//! daily timer; example 2: an APIG trigger answering a static page).

use fgs_runtime::OutcomeKind;
use serde_json::{Value, json};

use fgs_lang::Language::Python;

use crate::lang::{assert_static_page, create, lang_emu, or_skip, text};

#[test]
fn example_3_index_imports_helloworld_and_returns_the_event_as_json_text() {
    let emu = lang_emu(&or_skip!(Python));
    let helloworld = "def printhello():\n    print('Hello world!')\n";
    let index = r#"import json
import helloworld

def handler (event, context):
    output =json.dumps(event)
    helloworld.printhello()
    return output
"#;
    let urn = create(
        &emu,
        Python,
        "fss_examples_python",
        &[("helloworld.py", helloworld), ("index.py", index)],
        json!({"runtime": "Python2.7"}),
    );
    let inv = emu.invoke(&urn, br#"{"k": "v", "n": [1, 2]}"#).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    // The handler returns a str (json.dumps of the event): it is the result as is.
    assert_eq!(text(&inv), r#"{"k": "v", "n": [1, 2]}"#);
    assert!(inv.log.unwrap().contains("Hello world!"));
}

#[test]
fn example_2_answers_an_apig_trigger_with_a_static_page() {
    let emu = lang_emu(&or_skip!(Python));
    let index = r#"
def handler(event, context):
    title = event.get("queryStringParameters", {}).get("title", "FunctionGraph")
    html = "<html><head><title>%s</title></head><body><h1>%s</h1></body></html>" % (title, title)
    return {
        "statusCode": 200,
        "isBase64Encoded": False,
        "body": html,
        "headers": {"Content-Type": "text/html; charset=utf-8"},
    }
"#;
    let urn = create(
        &emu,
        Python,
        "get_html",
        &[("index.py", index)],
        json!({"timeout": 5}),
    );
    assert_static_page(&emu, &urn);
}

#[test]
fn example_4_builds_its_sub_function_request_from_the_context() {
    // The seed posts to the invoke API with `requests`; adapted: the handler builds the same
    // request (URL from the project id, token header) from the event and returns it.
    let emu = lang_emu(&or_skip!(Python));
    let index = r#"import json
def handler(event, context):
    token = context.getToken()
    project_id = context.getProjectID()
    urn = event["urn"]
    url = 'https://functiongraph.cn-north-4.myhuaweicloud.com/v2/%s/fgs/functions/%s/invocations' % (project_id, urn)
    headers = {
        "x-auth-token": token,
        "content-type": 'application/json'
    }
    body = {"k": "v"}
    print(url)
    return {
        "statusCode": 200,
        "isBase64Encoded": False,
        "body": json.dumps(event),
        "headers": {
            "Content-Type": "application/json"
        }
    }
"#;
    let urn = create(&emu, Python, "caller", &[("index.py", index)], json!({}));
    let inv = emu.invoke(&urn, br#"{"urn": "subfunction"}"#).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    let v: Value = serde_json::from_slice(&inv.result).unwrap();
    assert_eq!(v["statusCode"], 200);
    assert_eq!(v["body"], r#"{"urn": "subfunction"}"#);
    let project = fgs_runtime::DEFAULT_PROJECT_ID;
    assert!(inv.log.unwrap().contains(&format!(
        "/v2/{project}/fgs/functions/subfunction/invocations"
    )),);
}

#[test]
fn example_1_downloads_the_object_its_user_data_names_sync_and_on_its_timer() {
    // The seed creates `download_file_from_obs` (Python2.7, `code_type` inline holding a ZIP),
    // sets the OBS address, bucket and object name as `user_data`, runs it with
    // `{"message": "download file"}`, then adds a daily TIMER. Adapted: the "bucket" is the
    // event's `objects` (name -> content) instead of OBS; a timer event has none, so the
    // handler says which object it would fetch.
    let emu = lang_emu(&or_skip!(Python));
    let index = r#"# -*- coding:utf-8 -*-
def handler(event, context):
    address = context.getUserData('obs_address')
    bucket = context.getUserData('srcBucket')
    name = context.getUserData('srcObjName')
    log = context.getLogger()
    if 'trigger_type' in event or 'objects' not in event:
        log.info('timer: fetching %s/%s from %s' % (bucket, name, address))
        return 'scheduled download of %s' % name
    content = event['objects'][name]
    size_kb = len(content) // 1024
    log.info('downloaded %s/%s from %s' % (bucket, name, address))
    return 'O objeto baixado com sucesso do OBS, e o tamanho é de %d KB' % size_kb
"#;
    let zip = crate::common::zip_of(&[("index.py", index.as_bytes())]);
    let body = json!({
        "code_filename": "index.zip", "code_type": "inline",
        "func_code": {"file": crate::common::b64(&zip)},
        "func_name": "download_file_from_obs", "handler": "index.handler",
        "memory_size": 256, "package": "default", "runtime": "Python2.7", "timeout": 30
    });
    let config = emu
        .create_function(serde_json::from_value(body).unwrap())
        .unwrap();
    assert_eq!(config.cpu, 400);
    let urn = config.func_urn;
    emu.update_function_config(
        &urn,
        serde_json::from_value(json!({
            "func_name": "download_file_from_obs", "handler": "index.handler",
            "memory_size": 256, "runtime": "Python2.7", "timeout": 30,
            "user_data": "{\"obs_address\":\"obs.xxx.xxx.com\",\"srcBucket\":\"bucket\",\"srcObjName\":\"report.txt\"}",
            "xrole": "xxx"
        }))
        .unwrap(),
    )
    .unwrap();
    let event =
        json!({"message": "download file", "objects": {"report.txt": "x".repeat(14 * 1024)}});
    let inv = emu.invoke(&urn, event.to_string().as_bytes()).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    assert_eq!(
        text(&inv),
        "O objeto baixado com sucesso do OBS, e o tamanho é de 14 KB"
    );
    assert!(
        inv.log
            .unwrap()
            .contains("[INFO] downloaded bucket/report.txt from obs.xxx.xxx.com")
    );
    let trigger = json!({
        "event_data": {"name": "Timer-download", "schedule_type": "Rate", "schedule": "1d"},
        "event_type_code": "MessageCreated", "trigger_status": "ACTIVE",
        "trigger_type_code": "TIMER"
    });
    emu.create_trigger(&urn, serde_json::from_value(trigger).unwrap())
        .unwrap();
    emu.advance(std::time::Duration::from_secs(24 * 3600));
    assert_eq!(emu.fired_events().len(), 1);
    let records = emu
        .list_async_invocations(&urn, &Default::default())
        .unwrap()
        .invocations;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(
        records[0].status,
        fgs_core::async_record::AsyncStatus::Success,
        "{records:?}"
    );
    let totals = emu.function_metrics_totals(&urn).unwrap();
    assert_eq!((totals.invocations, totals.failures), (2, 0));
}
