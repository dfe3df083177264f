//! Tests: function URNs (seed §1.6.1), every form and malformed input.

use fgs_core::urn::{FunctionUrn, Qualifier, UrnDefaults, UrnForm};
use proptest::prelude::*;

use crate::common::emulator;

const PROJECT: &str = "7aad83af3e8d42e99ac194e8419e2c9b";

fn defaults() -> UrnDefaults {
    UrnDefaults::new("cn-north-4", PROJECT)
}

/// (text, form, project, package, name, written qualifier)
type Case = (
    &'static str,
    UrnForm,
    &'static str,
    &'static str,
    &'static str,
    Option<Qualifier>,
);

fn parse(s: &str) -> fgs_core::Result<FunctionUrn> {
    FunctionUrn::parse(s, &defaults())
}

#[test]
fn every_form_parses_with_the_seed_defaults_and_prints_back() {
    let cases: &[Case] = &[
        ("test", UrnForm::Name, PROJECT, "default", "test", None),
        (
            "pkg:test",
            UrnForm::PackageName,
            PROJECT,
            "pkg",
            "test",
            None,
        ),
        (
            "p1:default:test",
            UrnForm::ProjectPackageName,
            "p1",
            "default",
            "test",
            None,
        ),
        (
            "p1:default:test:!dev",
            UrnForm::ProjectPackageNameQualifier,
            "p1",
            "default",
            "test",
            Some(Qualifier::Alias("dev".into())),
        ),
        (
            "p1:default:test:v1",
            UrnForm::ProjectPackageNameQualifier,
            "p1",
            "default",
            "test",
            Some(Qualifier::Version("v1".into())),
        ),
        (
            "urn:fss:xxxxxxxx:7aad83af3e8d42e99ac194e8419e2c9b:function:default:test",
            UrnForm::Unqualified,
            PROJECT,
            "default",
            "test",
            None,
        ),
        (
            "urn:fss:xxxxxxxx:7aad83af3e8d42e99ac194e8419e2c9b:function:default:test:latest",
            UrnForm::Full,
            PROJECT,
            "default",
            "test",
            Some(Qualifier::Latest),
        ),
        (
            "urn:fss:xxxxxxxx:7aad83af3e8d42e99ac194e8419e2c9b:function:default:test:!dev",
            UrnForm::Full,
            PROJECT,
            "default",
            "test",
            Some(Qualifier::Alias("dev".into())),
        ),
        (
            "urn:fss:r:p:function:default:test:v20240501-120000",
            UrnForm::Full,
            "p",
            "default",
            "test",
            Some(Qualifier::Version("v20240501-120000".into())),
        ),
    ];
    for (text, form, project, package, name, qualifier) in cases {
        let urn = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(urn.form(), *form, "{text}");
        assert_eq!(urn.project_id(), *project, "{text}");
        assert_eq!(urn.package(), *package, "{text}");
        assert_eq!(urn.name(), *name, "{text}");
        assert_eq!(urn.qualifier(), qualifier.as_ref(), "{text}");
        assert_eq!(urn.to_string(), *text, "round trip of {text}");
        assert_eq!(parse(&urn.full()).unwrap().full(), urn.full());
    }
}

#[test]
fn short_forms_expand_to_the_full_urn_with_latest() {
    let urn = parse("test").unwrap();
    assert_eq!(urn.effective_qualifier(), &Qualifier::Latest);
    assert_eq!(
        urn.full(),
        format!("urn:fss:cn-north-4:{PROJECT}:function:default:test:latest")
    );
    assert_eq!(
        urn.unqualified(),
        format!("urn:fss:cn-north-4:{PROJECT}:function:default:test")
    );
    let region_from_urn = parse("urn:fss:xxxxxxxx:p:function:default:test").unwrap();
    assert_eq!(region_from_urn.region(), "xxxxxxxx");
}

#[test]
fn latest_as_qualifier_is_latest_and_aliases_print_with_a_bang() {
    assert_eq!(
        parse("p:default:f:latest").unwrap().qualifier(),
        Some(&Qualifier::Latest)
    );
    let alias = parse("p:default:f:!prod").unwrap();
    assert_eq!(
        alias.with_qualifier(alias.qualifier().cloned()).full(),
        "urn:fss:cn-north-4:p:function:default:f:!prod"
    );
    assert_eq!(Qualifier::Alias("prod".into()).to_string(), "!prod");
    assert_eq!(Qualifier::Latest.name(), "latest");
}

#[test]
fn malformed_urns_are_fss_1309() {
    let long = "a".repeat(270);
    let bad: &[&str] = &[
        "",
        ":",
        "a:",
        ":a",
        "a::b",
        "a:b:c:d:e",
        "a:b:c:d:e:f",
        "urn:fss:r:p:function:default",
        "urn:fss:r:p:function:default:f:v1:extra",
        "urn:xxx:r:p:function:default:f",
        "urn:fss:r:p:functions:default:f",
        "nrn:fss:r:p:function:default:f:latest",
        "urn:fss:r:p:function:default:f:",
        "urn:fss:r:p:function:default:f:!",
        "p:default:f:!",
        "p:default:f:!bad alias",
        "bad name",
        "tab\tname",
        "ümlaut",
        "p:default:f:v 1",
        &long,
    ];
    for text in bad {
        let err = parse(text).expect_err(text);
        assert_eq!(err.code(), "FSS.1309", "{text}: {err}");
        assert_eq!(err.status(), 400, "{text}");
    }
    assert!(parse(&"a".repeat(128)).is_ok());
}

#[test]
fn the_emulator_parses_with_its_own_region_and_project() {
    let (emu, _clock) = emulator();
    let urn = emu.parse_urn("hello").unwrap();
    assert_eq!(urn.project_id(), emu.project_id());
    assert_eq!(urn.region(), emu.region());
    let err = emu.get_function_config("a:b:c:d:e").unwrap_err();
    assert_eq!((err.code(), err.status()), ("FSS.1309", 400));
    let err = emu.get_function_config("nobody").unwrap_err();
    assert_eq!((err.code(), err.status()), ("FSS.1051", 404));
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics_and_fails_only_with_1309(text in ".{0,300}") {
        match parse(&text) {
            Ok(urn) => {
                // Whatever parses prints back to the same text.
                prop_assert_eq!(urn.to_string(), text);
            }
            Err(e) => prop_assert_eq!(e.code(), "FSS.1309"),
        }
    }

    #[test]
    fn colon_heavy_text_never_panics(text in "[a-z!:]{0,40}") {
        if let Err(e) = parse(&text) {
            prop_assert_eq!(e.code(), "FSS.1309");
        }
    }

    #[test]
    fn generated_urns_round_trip(
        region in "[a-z][a-z0-9-]{0,11}",
        project in "[0-9a-f]{32}",
        package in "[A-Za-z][A-Za-z0-9_-]{0,20}",
        name in "[A-Za-z][A-Za-z0-9_-]{0,59}",
        q in prop_oneof![
            Just(None),
            Just(Some(Qualifier::Latest)),
            "v[0-9]{8}-[0-9]{6}".prop_map(|v| Some(Qualifier::Version(v))),
            "[a-z][a-z0-9_-]{0,20}".prop_map(|a| Some(Qualifier::Alias(a))),
        ],
    ) {
        let d = UrnDefaults::new(region, project);
        let urn = FunctionUrn::new(&d, package, name, q.clone());
        let text = urn.to_string();
        let back = FunctionUrn::parse(&text, &d).unwrap();
        prop_assert_eq!(&back, &urn);
        prop_assert_eq!(back.qualifier(), q.as_ref());
    }
}
