//! The URN parser (seed §1.6.1, every form): a URN that parses prints back as the same text,
//! reparses equal, and its canonical 7- and 8-field forms reparse to the same function.
#![no_main]

use fgs_core::urn::{FunctionUrn, MAX_URN_LEN, Qualifier, UrnDefaults, UrnForm};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let defaults = UrnDefaults::new("cn-north-4", "0123456789abcdef0123456789abcdef");
    let urn = match FunctionUrn::parse(text, &defaults) {
        Ok(urn) => urn,
        Err(e) => {
            assert_eq!(e.code(), "FSS.1309", "{text:?}: {e}");
            return;
        }
    };
    assert!(!text.is_empty() && text.len() <= MAX_URN_LEN);
    // Printing gives back the text it was parsed from, which reparses equal.
    assert_eq!(urn.to_string(), text);
    assert_eq!(
        FunctionUrn::parse(&urn.to_string(), &defaults).unwrap(),
        urn
    );
    for part in [urn.project_id(), urn.package(), urn.name()] {
        assert!(!part.is_empty() && !part.contains(':'), "{text:?}");
    }
    // The canonical forms name the same function (when they fit the length limit: the
    // short forms leave out fields the long ones spell out).
    let full = urn.full();
    if full.len() <= MAX_URN_LEN {
        let back = FunctionUrn::parse(&full, &defaults).unwrap();
        assert_eq!(back.form(), UrnForm::Full);
        assert_eq!(back.to_string(), full);
        assert_eq!(
            (
                back.region(),
                back.project_id(),
                back.package(),
                back.name()
            ),
            (urn.region(), urn.project_id(), urn.package(), urn.name())
        );
        assert_eq!(back.effective_qualifier(), urn.effective_qualifier());
    }
    let unqualified = urn.unqualified();
    if unqualified.len() <= MAX_URN_LEN {
        let back = FunctionUrn::parse(&unqualified, &defaults).unwrap();
        assert_eq!(back.form(), UrnForm::Unqualified);
        assert_eq!(back.qualifier(), None);
        assert_eq!(back.effective_qualifier(), &Qualifier::Latest);
        assert_eq!(back.with_qualifier(urn.qualifier().cloned()).full(), full);
    }
    // A qualifier prints back as itself.
    if let Some(q) = urn.qualifier() {
        assert_eq!(&Qualifier::parse(&q.to_string()).unwrap(), q);
    }
});
