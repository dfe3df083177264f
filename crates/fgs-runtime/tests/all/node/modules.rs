//! Node.js module loading from the code package: missing handlers, load errors, `require`
//! of package files, JSON and `node_modules` packages, native addons named.

use fgs_runtime::OutcomeKind;
use serde_json::{Value, json};

use fgs_lang::Language::Node;

use crate::lang::{create, create_dependency, lang_emu, or_skip, update_code_with_deps};

#[test]
fn a_missing_handler_function_or_file_is_a_missing_handler() {
    let emu = lang_emu(&or_skip!(Node));
    let urn = create(
        &emu,
        Node,
        "nofunc",
        &[("index.js", "exports.other = () => 1;")],
        json!({"handler": "index.nothere"}),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(inv.outcome, OutcomeKind::MissingHandler, "{inv:?}");
    let message = inv.error_message.unwrap();
    assert!(
        message.contains("index.nothere is undefined or not exported"),
        "{message}"
    );
    let urn = create(
        &emu,
        Node,
        "nofile",
        &[("other.js", "exports.handler = () => 1;")],
        json!({"handler": "main.handler"}),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_eq!(inv.outcome, OutcomeKind::MissingHandler, "{inv:?}");
    let message = inv.error_message.unwrap();
    assert!(message.contains("Cannot find module 'main'"), "{message}");
}

#[test]
fn a_syntax_error_or_a_missing_dependency_fails_the_load_and_says_why() {
    let emu = lang_emu(&or_skip!(Node));
    let urn = create(
        &emu,
        Node,
        "syntax",
        &[("index.js", "exports.handler = (e) => {\n  return {;\n};\n")],
        json!({}),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_ne!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    assert!(inv.error_message.unwrap().contains("SyntaxError"));
    let urn = create(
        &emu,
        Node,
        "missing-dep",
        &[(
            "index.js",
            "const x = require('left-pad');\nexports.handler = () => x;\n",
        )],
        json!({}),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_ne!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    assert!(
        inv.error_message
            .unwrap()
            .contains("Cannot find module 'left-pad'")
    );
}

#[test]
fn package_files_json_and_node_modules_packages_are_required() {
    let emu = lang_emu(&or_skip!(Node));
    let index = r#"
const util = require('./lib/util');
const config = require('./config.json');
const pad = require('left-pad');
exports.handler = async (event) => ({ shout: util.shout(event.name), padded: pad(event.n, 5, '0'), word: config.word });
"#;
    let urn = create(
        &emu,
        Node,
        "requires",
        &[
            ("index.js", index),
            (
                "lib/util.js",
                "exports.shout = (s) => s.toUpperCase() + '!';",
            ),
            ("config.json", r#"{"word": "hey"}"#),
            (
                "node_modules/left-pad/package.json",
                r#"{"name": "left-pad", "main": "./lib/main"}"#,
            ),
            (
                "node_modules/left-pad/lib/main.js",
                "module.exports = (s, n, c) => String(s).padStart(n, c);",
            ),
        ],
        json!({}),
    );
    let inv = emu.invoke(&urn, br#"{"name": "js", "n": 42}"#).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    assert_eq!(
        serde_json::from_slice::<Value>(&inv.result).unwrap(),
        json!({"shout": "JS!", "padded": "00042", "word": "hey"})
    );
}

#[test]
fn the_functions_dependencies_are_required_from_their_node_modules() {
    // Dependencies of the dependencies API (seed §5.3) named in `depend_list`, each a ZIP of
    // `node_modules` (`npm install`, then zip the folder): a package of one dependency
    // requires a package of another, and the code package's own files win over a
    // dependency's at the same path.
    let emu = lang_emu(&or_skip!(Node));
    let pad = create_dependency(
        &emu,
        Node,
        "left-pad",
        &[
            (
                "node_modules/left-pad/package.json",
                r#"{"name": "left-pad", "main": "./lib/main"}"#,
            ),
            (
                "node_modules/left-pad/lib/main.js",
                "module.exports = (s, n, c) => String(s).padStart(n, c);",
            ),
            ("origin.js", "module.exports = 'dependency';"),
        ],
    );
    let greeter = create_dependency(
        &emu,
        Node,
        "greeter",
        &[(
            "node_modules/@acme/greeter/index.js",
            "const pad = require('left-pad');\nexports.greet = (n) => 'hi ' + pad(n, 5, '.');\n",
        )],
    );
    let urn = create(
        &emu,
        Node,
        "with-deps",
        &[("index.js", "exports.handler = () => 1;")],
        json!({}),
    );
    let index = r#"
const { greet } = require('@acme/greeter');
const pad = require('left-pad');
exports.handler = async (event) => ({ greeting: greet(event.name), padded: pad(7, 3, '0'), origin: require('./origin') });
"#;
    update_code_with_deps(
        &emu,
        &urn,
        &[
            ("index.js", index),
            ("origin.js", "module.exports = 'package';"),
        ],
        &[pad, greeter],
    );
    let inv = emu.invoke(&urn, br#"{"name": "js"}"#).unwrap();
    assert_eq!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    assert_eq!(
        serde_json::from_slice::<Value>(&inv.result).unwrap(),
        json!({"greeting": "hi ...js", "padded": "007", "origin": "package"})
    );
}

#[test]
fn a_native_addon_fails_with_an_error_naming_it() {
    let emu = lang_emu(&or_skip!(Node));
    let urn = create(
        &emu,
        Node,
        "native",
        &[
            (
                "index.js",
                "const b = require('./build/Release/fast.node');\nexports.handler = () => 1;\n",
            ),
            ("build/Release/fast.node", "\x7fELF"),
        ],
        json!({}),
    );
    let inv = emu.invoke(&urn, b"{}").unwrap();
    assert_ne!(inv.outcome, OutcomeKind::Success, "{inv:?}");
    let message = inv.error_message.unwrap();
    assert!(
        message.contains("native addon build/Release/fast.node"),
        "{message}"
    );
}
