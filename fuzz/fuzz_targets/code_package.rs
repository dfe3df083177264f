//! The code-package reader (`CodePackage::upload`, `from_bytes`) and the dependency ZIP
//! checks: any bytes are either refused with one of the seed's code errors or give a package
//! whose digest, kind and unpacked files keep every promise (safe relative paths, bounded
//! size, valid wasm modules).
#![no_main]

use fgs_core::code::{CodeKind, CodeOrigin, CodePackage, HandlerModule, MIN_UNPACKED_LIMIT};
use fgs_core::dependency;
use fgs_core::limits::Limits;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest as _, Sha512};

fn assert_safe_path(name: &str) {
    assert!(!name.is_empty(), "empty entry name");
    assert!(!name.starts_with('/'), "absolute entry {name:?}");
    assert!(
        !name.contains('\\') && !name.contains('\0'),
        "entry {name:?}"
    );
    assert!(
        !name.split('/').any(|p| p == ".."),
        "escaping entry {name:?}"
    );
    let b = name.as_bytes();
    assert!(
        !(b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'),
        "drive letter in {name:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let origin = if mode & 1 == 0 {
        CodeOrigin::Inline
    } else {
        CodeOrigin::Package
    };
    // Small limits too, so the size checks are reached with small inputs.
    let mut limits = Limits::default();
    if mode & 2 != 0 {
        limits.max_code_package_size = 512;
        limits.max_inline_source_size = 256;
    }
    match CodePackage::upload(bytes.to_vec(), origin, &limits) {
        Ok(pkg) => {
            assert_eq!(pkg.bytes, bytes);
            assert_eq!(pkg.size(), bytes.len() as u64);
            assert_eq!(pkg.digest, hex::encode(Sha512::digest(bytes)));
            let expected = if bytes.is_empty() {
                CodeKind::BuiltinDefault
            } else if bytes.starts_with(b"\0asm") {
                CodeKind::Wasm
            } else if bytes.starts_with(b"PK") {
                CodeKind::Zip
            } else {
                CodeKind::Source
            };
            assert_eq!(pkg.kind, expected);
            if pkg.kind == CodeKind::Source {
                assert_eq!(origin, CodeOrigin::Inline);
                assert!(pkg.size() <= limits.max_inline_source_size);
            }
            if matches!(pkg.kind, CodeKind::Zip | CodeKind::Wasm) {
                assert!(pkg.size() <= limits.max_code_package_size);
            }
            let mut total = 0u64;
            for (name, content) in &pkg.files {
                assert_safe_path(name);
                total += content.len() as u64;
            }
            assert!(total <= limits.max_code_package_size.max(MIN_UNPACKED_LIMIT));
            for handler in ["index.handler", "a.b.c", "index", ".x"] {
                if let HandlerModule::Wasm { module, export } = pkg.module_for(handler) {
                    assert!(!export.is_empty());
                    fgs_core::code::validate_wasm(module, "module").unwrap();
                }
            }
            // What a package keeps reopens as the same package.
            let again = CodePackage::from_bytes(pkg.bytes.clone());
            assert_eq!(again.digest, pkg.digest);
            if pkg.kind == CodeKind::Zip {
                assert_eq!(again.files, pkg.files);
            }
        }
        Err(e) => {
            assert!(
                matches!(e.code(), "FSS.1011" | "FSS.1071" | "FSS.1072"),
                "{}: {e}",
                e.code()
            );
            assert!((400..500).contains(&e.status()));
        }
    }
    let _ = CodePackage::from_bytes(bytes.to_vec());
    // Dependency packages: checked, then unpacked only when the check passes.
    match dependency::check_zip(bytes) {
        Ok(()) => {
            if let Ok(files) = dependency::unpack_zip(bytes) {
                for (name, _) in &files {
                    assert_safe_path(name);
                }
            }
        }
        // FSS.1024 (a bad package) or FSS.1023 (past 50 MB unpacked, once main's shared ZIP
        // reader caps dependencies).
        Err(e) => assert!(matches!(e.code(), "FSS.1023" | "FSS.1024"), "{e}"),
    }
});
