//! The seed's §4 examples (all Python in the seed) written for Node.js, adapted as the Python
//! ones (`python/seed.rs`) to read their input from the event instead of cloud services.

use fgs_lang::Language::Node;
use fgs_runtime::OutcomeKind;
use serde_json::{Value, json};

use crate::lang::{assert_static_page, create, lang_emu, or_skip, text};

#[test]
fn example_3_index_requires_helloworld_and_returns_the_event_as_json_text() {
    // Seed §4.3's handler (index + helloworld module, returning the event as JSON text),
    // written for Node.js.
    let emu = lang_emu(&or_skip!(Node));
    let urn = create(
        &emu,
        Node,
        "fss_examples_node",
        &[
            (
                "helloworld.js",
                "exports.printhello = () => console.log('Hello world!');",
            ),
            (
                "index.js",
                "const helloworld = require('./helloworld');\nexports.handler = function (event, context, callback) {\n  const output = JSON.stringify(event);\n  helloworld.printhello();\n  callback(null, output);\n};\n",
            ),
        ],
        json!({"runtime": "Node.js6.10"}),
    );
    let inv = emu.invoke(&urn, br#"{"k": "v", "n": [1, 2]}"#).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    assert_eq!(text(&inv), r#"{"k":"v","n":[1,2]}"#);
    assert!(inv.log.unwrap().contains("Hello world!"));
}

#[test]
fn example_2_answers_an_apig_trigger_with_a_static_page() {
    let emu = lang_emu(&or_skip!(Node));
    let index = r#"
exports.handler = async (event, context) => {
  const title = (event.queryStringParameters || {}).title || 'FunctionGraph';
  return {
    statusCode: 200,
    isBase64Encoded: false,
    body: `<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
  };
};
"#;
    let urn = create(
        &emu,
        Node,
        "get_html",
        &[("index.js", index)],
        json!({"runtime": "Node.js12.13"}),
    );
    assert_static_page(&emu, &urn);
}

#[test]
fn example_4_builds_its_sub_function_request_from_the_context() {
    // The seed posts to the invoke API; adapted: the handler builds the same request (URL
    // from the project id, token header) and logs the URL.
    let emu = lang_emu(&or_skip!(Node));
    let index = r#"
exports.handler = function (event, context, callback) {
  const token = context.getToken();
  const projectId = context.getProjectID();
  const url = `https://functiongraph.cn-north-4.myhuaweicloud.com/v2/${projectId}/fgs/functions/${event.urn}/invocations`;
  const headers = { 'x-auth-token': token, 'content-type': 'application/json' };
  console.log(url);
  callback(null, {
    statusCode: 200,
    isBase64Encoded: false,
    body: JSON.stringify(event),
    headers: { 'Content-Type': 'application/json', sent: Object.keys(headers).join(',') },
  });
};
"#;
    let urn = create(&emu, Node, "caller", &[("index.js", index)], json!({}));
    let inv = emu.invoke(&urn, br#"{"urn": "subfunction"}"#).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    let v: Value = serde_json::from_slice(&inv.result).unwrap();
    assert_eq!(v["statusCode"], 200);
    assert_eq!(v["body"], r#"{"urn":"subfunction"}"#);
    assert_eq!(v["headers"]["sent"], "x-auth-token,content-type");
    let project = fgs_runtime::DEFAULT_PROJECT_ID;
    assert!(inv.log.unwrap().contains(&format!(
        "/v2/{project}/fgs/functions/subfunction/invocations"
    )));
}
