//! Table and property tests: malformed names, sizes and `user_data` get the right error and
//! never panic (seed §5.6.2 rules).

use fgs_core::function::{CreateFunctionRequest, MEMORY_SIZES};
use proptest::prelude::*;

use super::req;
use crate::common::emulator;

/// Every `(field mutation, expected code)` row is provoked through create.
#[test]
fn malformed_create_table() {
    type Row = (&'static str, fn(&mut CreateFunctionRequest), &'static str);
    let rows: &[Row] = &[
        ("empty name", |r| r.func_name.clear(), "FSS.1002"),
        ("digit first", |r| r.func_name = "0a".into(), "FSS.1002"),
        ("61 chars", |r| r.func_name = "a".repeat(61), "FSS.1002"),
        ("emoji", |r| r.func_name = "a😀".into(), "FSS.1002"),
        ("blank package", |r| r.package.clear(), "FSS.1004"),
        ("bad package", |r| r.package = "-x".into(), "FSS.1027"),
        ("runtime", |r| r.runtime = "Go1.9".into(), "FSS.1005"),
        ("code type", |r| r.code_type = "INLINE".into(), "FSS.1006"),
        ("memory 129", |r| r.memory_size = 129, "FSS.1007"),
        ("memory negative", |r| r.memory_size = -128, "FSS.1007"),
        ("timeout 901", |r| r.timeout = 901, "FSS.1008"),
        ("timeout huge", |r| r.timeout = i64::MAX, "FSS.1008"),
        ("handler", |r| r.handler = "handler".into(), "FSS.1003"),
        (
            "user data list",
            |r| r.user_data = Some("[]".into()),
            "FSS.1009",
        ),
        (
            "user data number",
            |r| r.user_data = Some("{\"A\":1}".into()),
            "FSS.1009",
        ),
        (
            "user data null",
            |r| r.user_data = Some("null".into()),
            "FSS.1009",
        ),
        (
            "user data broken",
            |r| r.user_data = Some("{\"A\":".into()),
            "FSS.1009",
        ),
        (
            "initializer",
            |r| r.initializer_handler = Some("x.".into()),
            "FSS.1404",
        ),
        (
            "init timeout",
            |r| r.initializer_timeout = Some(i64::MIN),
            "FSS.1405",
        ),
        (
            "description",
            |r| r.description = Some("x".repeat(600)),
            "FSS.1019",
        ),
        ("type", |r| r.func_type = Some("V2".into()), "FSS.0400"),
    ];
    let (emu, _) = emulator();
    for (what, mutate, code) in rows {
        let mut r = req("tbl");
        mutate(&mut r);
        let err = emu.create_function(r).expect_err(what);
        assert_eq!(err.code(), *code, "{what}: {}", err.message());
    }
}

fn arb_user_data() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::btree_map("[A-Za-z_][A-Za-z0-9_]{0,8}", ".{0,30}", 0..30)
            .prop_map(|m| serde_json::to_string(&m).unwrap()),
        prop::collection::btree_map(".{0,6}", any::<i64>(), 0..4)
            .prop_map(|m| serde_json::to_string(&m).unwrap()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn create_never_panics_and_errors_have_the_field_code(
        name in ".{0,70}",
        memory in any::<i64>(),
        timeout in any::<i64>(),
        user_data in arb_user_data(),
    ) {
        let (emu, _) = emulator();
        let mut r = req("x");
        r.func_name = name.clone();
        r.memory_size = memory;
        r.timeout = timeout;
        r.user_data = Some(user_data.clone());
        let name_ok = fgs_core::function::rules::is_valid_name(&name);
        let memory_ok = u32::try_from(memory).is_ok_and(|m| MEMORY_SIZES.contains(&m));
        let timeout_ok = (3..=900).contains(&timeout);
        match emu.create_function(r) {
            Ok(c) => {
                prop_assert!(name_ok && memory_ok && timeout_ok);
                prop_assert_eq!(c.func_name, name);
            }
            Err(e) => {
                let expected = if !name_ok {
                    "FSS.1002"
                } else if !memory_ok {
                    "FSS.1007"
                } else if !timeout_ok {
                    "FSS.1008"
                } else {
                    prop_assert!(
                        ["FSS.1009", "FSS.1017", "FSS.1018"].contains(&e.code()),
                        "{} {}", e.code(), e.message()
                    );
                    e.code()
                };
                prop_assert_eq!(e.code(), expected, "{}", e.message());
                prop_assert_eq!(e.status(), 400);
            }
        }
    }

    #[test]
    fn arbitrary_code_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300), zip_magic in any::<bool>(), wasm_magic in any::<bool>()) {
        let (emu, _) = emulator();
        let mut content = Vec::new();
        if zip_magic { content.extend_from_slice(b"PK\x03\x04"); }
        if wasm_magic { content.extend_from_slice(b"\0asm\x01\0\0\0"); }
        content.extend_from_slice(&bytes);
        let mut r = req("bytes");
        r.func_code = Some(super::code(&content));
        if let Err(e) = emu.create_function(r) {
            prop_assert!(["FSS.1011", "FSS.1072"].contains(&e.code()), "{}", e);
        }
    }
}
