//! The OpenAPI document (`crates/fgs-http/openapi.json`, served at `GET /openapi.json`)
//! against the router, both ways: every route of the router's table is documented, and every
//! documented operation is answered by a handler (not the router's "no such route" 404 or
//! 405). Its `$ref`s resolve and every operation documents the error shape.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{P, app, send};

fn doc() -> Value {
    serde_json::from_str(fgs_http::OPENAPI_JSON).expect("openapi.json is JSON")
}

/// `/v2/{project_id}/fgs/functions/{urn}` -> `/v2/{}/fgs/functions/{}`.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// Every (METHOD, path shape) the document lists.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            ops.insert((method.to_uppercase(), shape(path)));
        }
    }
    ops
}

#[tokio::test]
async fn the_document_is_served_at_openapi_json() {
    let a = send(&app(), "GET", "/openapi.json", "", &[]).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.headers["content-type"], "application/json");
    assert_eq!(a.text(), fgs_http::OPENAPI_JSON);
    let d = a.json();
    assert!(d["openapi"].as_str().unwrap().starts_with("3."));
    assert!(d["info"]["title"].is_string());
}

#[test]
fn every_route_is_documented_and_every_documented_operation_is_routed() {
    let routed: BTreeSet<(String, String)> = fgs_http::routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), shape(p)))
        .collect();
    assert_eq!(routed.len(), 50, "the router's table has the 50 operations");
    let documented = documented(&doc());
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from openapi.json: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );
}

#[tokio::test]
async fn every_documented_operation_is_answered_by_its_handler() {
    let app = app();
    let d = doc();
    for (path, item) in d["paths"].as_object().unwrap() {
        let concrete = path
            .replace("{project_id}", P)
            .replace("{function_urn}", "nosuch")
            .replace("{trigger_type_code}", "TIMER")
            .replace('{', "x")
            .replace('}', "");
        for method in item.as_object().unwrap().keys() {
            let m = method.to_uppercase();
            let a = send(&app, &m, &concrete, "{}", &[]).await;
            let what = format!("{m} {concrete}: {} {}", a.status, a.text());
            let msg = a.json()["error_msg"].as_str().unwrap_or("").to_owned();
            let unrouted = (a.code() == "FSS.0404" && msg.starts_with("no such route"))
                || a.code() == "FSS.0405";
            assert!(!unrouted, "the router does not know {what}");
            assert!(a.status < 500, "{what}");
            if a.status >= 400 {
                assert!(a.json()["error_msg"].is_string(), "{what}");
                assert!(a.code().starts_with("FSS."), "{what}");
            }
        }
    }
}

#[tokio::test]
async fn an_unknown_route_is_the_router_404_the_check_above_relies_on() {
    let a = send(&app(), "GET", &format!("/v2/{P}/fgs/nosuch"), "", &[]).await;
    assert_eq!((a.status, a.code().as_str()), (404, "FSS.0404"));
    assert!(
        a.json()["error_msg"]
            .as_str()
            .unwrap()
            .starts_with("no such route")
    );
    let a = send(&app(), "PATCH", &format!("/v2/{P}/fgs/quotas"), "", &[]).await;
    assert_eq!((a.status, a.code().as_str()), (405, "FSS.0405"));
}

fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[test]
fn every_ref_resolves_and_every_operation_documents_its_errors() {
    let d = doc();
    let mut all = Vec::new();
    refs(&d, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let pointer = r.strip_prefix('#').expect("local refs only");
        assert!(d.pointer(pointer).is_some(), "{r} does not resolve");
    }
    let error = &d["components"]["schemas"]["Error"];
    assert_eq!(
        error["required"],
        serde_json::json!(["error_code", "error_msg"])
    );
    for (path, item) in d["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(op["operationId"].is_string(), "{method} {path}");
            assert_eq!(
                op["responses"]["default"]["$ref"], "#/components/responses/Error",
                "{method} {path}"
            );
            let ok = op["responses"]
                .as_object()
                .unwrap()
                .keys()
                .any(|s| s.starts_with('2'));
            assert!(ok, "{method} {path} documents no success");
        }
    }
}
