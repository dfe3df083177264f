//! APIG triggers through `fgs-local serve`: seed example §4.2 (a static page) end to end over
//! a real socket, at the `invoke_url` the trigger reports.

use crate::common::*;

#[test]
fn the_static_page_example_is_served_at_its_invoke_url() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = write(
        dir.path(),
        "fgs.toml",
        &format!(
            r#"[[functions]]
name = "get_html"
code = "{}"
timeout = 5

[[functions.triggers]]
type = "APIG"
event_data = {{ group_id = "a9ad9304", env_id = "DEFAULT_ENVIRONMENT_RELEASE_ID", env_name = "RELEASE", auth = "NONE", protocol = "HTTP", name = "API_GetHtml", path = "/test", match_mode = "SWA", req_method = "ANY", backend_type = "FUNCTION", sl_domain = "a9ad9304.apig.local", type = 1 }}
"#,
            fixture("static_page").display()
        ),
    );
    let server = Server::start(&["--manifest", manifest.to_str().unwrap()]);
    let triggers = get_json(&format!("{}/triggers/get_html", server.api()));
    let url = triggers[0]["event_data"]["invoke_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        url,
        format!("{}/apig/a9ad9304.apig.local/test", server.base)
    );
    let (status, page) = http("GET", &url, None);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<h1>Hello from FunctionGraph</h1>"), "{page}");
    let (status, body) = http("GET", &format!("{url}ing"), None);
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("FSS.1138"), "{body}");
    assert!(server.stop().success());
}
