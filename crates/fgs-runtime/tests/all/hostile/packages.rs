//! Hostile code packages (issue 10, "Hostile requests"; the rules are in `fgs_core::code`,
//! the codes in seed §7.2): every hostile ZIP is refused by create, update code and import
//! with the seed's code, and the emulator keeps working. ZIPs are built here, with the `zip`
//! crate or by patching its bytes (a lying header, a duplicate entry).

use std::io::Write;

use fgs_runtime::OutcomeKind;
use serde_json::json;

use super::*;
use crate::common::{assert_code, emulator, zip_of};

/// The 50 MB of FSS.1071 (seed §7.2).
pub(super) const LIMIT: usize = 50 * 1024 * 1024;

/// A ZIP holding `entries` (name, content), deflated, built with `options` applied to each.
pub(super) fn zip_with(entries: &[(&str, &[u8])], unix_mode: Option<u32>) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let mut opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(false);
        if let Some(mode) = unix_mode {
            opts = opts.unix_permissions(mode);
        }
        for (name, content) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(content).unwrap();
        }
        w.finish().unwrap();
    }
    out.into_inner()
}

/// Tries `zip` as the code of a new function (`code_type zip`), as new code of an existing
/// one, and as an import package; each must fail with `code` and `status`.
#[track_caller]
fn assert_refused_everywhere(zip: &[u8], code: &str, status: u16) {
    let (emu, _) = emulator();
    let body = |name: &str| {
        create_body(
            name,
            zip,
            json!({"code_type": "zip", "code_filename": "index.zip"}),
        )
    };
    assert_code(
        emu.create_function(serde_json::from_value(body("hostile")).unwrap()),
        code,
        status,
    );
    let urn = create_code(&emu, "victim", &wat_fixture("echo"), json!({}));
    assert_code(
        emu.update_function_code(
            &urn,
            serde_json::from_value(json!({
                "code_type": "zip",
                "code_filename": "index.zip",
                "func_code": {"file": b64(zip)}
            }))
            .unwrap(),
        ),
        code,
        status,
    );
    assert_code(
        emu.import_function(
            serde_json::from_value(json!({
                "func_name": "imported",
                "file_name": "hostile.zip",
                "file_type": "zip",
                "file_code": b64(zip)
            }))
            .unwrap(),
        ),
        code,
        status,
    );
    // The victim kept its code, nothing else was created, and the emulator still serves.
    let inv = emu.invoke(&urn, b"unharmed").unwrap();
    assert_eq!(
        (inv.outcome, inv.result),
        (OutcomeKind::Success, b"unharmed".to_vec())
    );
    let names: Vec<String> = emu
        .list_functions(&Default::default())
        .unwrap()
        .functions
        .into_iter()
        .map(|f| f.func_name)
        .collect();
    assert_eq!(names, ["victim"]);
}

#[test]
fn a_zip_bomb_past_50_mb_is_fss_1071() {
    let zeros = vec![0u8; LIMIT + 1];
    let bomb = zip_with(&[("index.wasm", &zeros)], None);
    assert!(bomb.len() < 200 * 1024, "the bomb is small: {}", bomb.len());
    assert_refused_everywhere(&bomb, "FSS.1071", 413);
}

#[test]
fn many_entries_adding_up_past_50_mb_are_fss_1071() {
    let chunk = vec![b'a'; 10 * 1024 * 1024];
    let names: Vec<String> = (0..6).map(|i| format!("part{i}.bin")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &chunk[..])).collect();
    assert_refused_everywhere(&zip_with(&entries, None), "FSS.1071", 413);
}

#[test]
fn exactly_50_mb_unpacked_is_accepted() {
    let (emu, _) = emulator();
    let mut entries = vec![("index.wasm", crate::common::EMPTY_WASM)];
    let filler = vec![0u8; LIMIT - crate::common::EMPTY_WASM.len()];
    entries.push(("filler.bin", &filler));
    let zip = zip_with(&entries, None);
    emu.create_function(
        serde_json::from_value(create_body(
            "full",
            &zip,
            json!({"code_type": "zip", "code_filename": "index.zip"}),
        ))
        .unwrap(),
    )
    .unwrap();
}

/// Rewrites the uncompressed size of every entry in the local and central headers of
/// `zip` (no data descriptors, no zip64) to `size`.
pub(super) fn lie_about_sizes(mut zip: Vec<u8>, size: u32) -> Vec<u8> {
    let mut patched = 0;
    let mut i = 0;
    while i + 4 <= zip.len() {
        match &zip[i..i + 4] {
            b"PK\x03\x04" => {
                zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
            b"PK\x01\x02" => {
                zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
            _ => {}
        }
        i += 1;
    }
    assert!(patched >= 2, "headers found");
    zip
}

#[test]
fn a_bomb_whose_header_lies_about_its_size_is_still_refused() {
    let zeros = vec![0u8; LIMIT + 1];
    let liar = lie_about_sizes(zip_with(&[("index.wasm", &zeros)], None), 100);
    // The archive's own directory now claims 100 bytes: only counting what the entry really
    // produces can find the 50 MB.
    let archive = zip::ZipArchive::new(std::io::Cursor::new(&liar)).unwrap();
    assert_eq!(archive.decompressed_size(), Some(100));
    assert_refused_everywhere(&liar, "FSS.1071", 413);
}

#[test]
fn a_header_that_understates_a_small_entry_is_refused() {
    // A lie under the limit: the real bytes disagree with the header (and its CRC), so the
    // archive is corrupt, never silently truncated or extended.
    let liar = lie_about_sizes(zip_with(&[("a.txt", &[b'x'; 5000])], None), 10);
    assert_refused_everywhere(&liar, "FSS.1011", 400);
}

#[test]
fn entry_paths_that_escape_the_root_are_fss_1011() {
    for name in [
        "../evil.wasm",
        "a/../../evil.wasm",
        "a/../b.txt",
        "/etc/passwd",
        "..\\evil.wasm",
        "dir\\file.txt",
        "C:\\Windows\\evil.dll",
        "C:evil.dll",
        "\0hidden",
    ] {
        let zip = zip_with(
            &[("index.wasm", crate::common::EMPTY_WASM), (name, b"x")],
            None,
        );
        let (emu, _) = emulator();
        let result = emu.create_function(
            serde_json::from_value(create_body(
                "traversal",
                &zip,
                json!({"code_type": "zip", "code_filename": "index.zip"}),
            ))
            .unwrap(),
        );
        assert_code(result, "FSS.1011", 400);
    }
    let zip = zip_with(&[("../../evil.wasm", crate::common::EMPTY_WASM)], None);
    assert_refused_everywhere(&zip, "FSS.1011", 400);
}

#[test]
fn a_symlink_entry_is_fss_1011() {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file("index.wasm", opts).unwrap();
        w.write_all(crate::common::EMPTY_WASM).unwrap();
        w.add_symlink("passwd", "/etc/passwd", opts).unwrap();
        w.finish().unwrap();
    }
    assert_refused_everywhere(&out.into_inner(), "FSS.1011", 400);
}

#[test]
fn duplicate_entries_are_fss_1011() {
    // The writer refuses a second `index.wasm`: write `indey.wasm` and rename it in place
    // (the same length), in the local and central headers.
    let other = wat_fixture("loop");
    let mut zip = zip_with(
        &[
            ("index.wasm", crate::common::EMPTY_WASM),
            ("indey.wasm", &other),
        ],
        None,
    );
    let from = b"indey.wasm";
    let mut renamed = 0;
    for i in 0..zip.len() - from.len() {
        if &zip[i..i + from.len()] == from {
            zip[i..i + from.len()].copy_from_slice(b"index.wasm");
            renamed += 1;
        }
    }
    assert_eq!(renamed, 2);
    assert_refused_everywhere(&zip, "FSS.1011", 400);
    // The same path spelled `./index.wasm` and `index.wasm`.
    let zip = zip_with(
        &[
            ("index.wasm", crate::common::EMPTY_WASM),
            ("./index.wasm", &other),
        ],
        None,
    );
    assert_refused_everywhere(&zip, "FSS.1011", 400);
}

#[test]
fn bytes_that_are_not_a_zip_are_fss_1011() {
    let good = zip_of(&[("index.wasm", crate::common::EMPTY_WASM)]);
    for bad in [
        b"PK\x03\x04 not really a zip".to_vec(),
        b"PK".to_vec(),
        good[..good.len() / 2].to_vec(),
        b"plain text is not a package".to_vec(),
    ] {
        assert_refused_everywhere(&bad, "FSS.1011", 400);
    }
}

/// Inline code arrives as one Base64 line or wrapped in lines (with spaces); both decode to
/// the same module (issue 10: the usual unwrapped text is decoded without a copy).
#[test]
fn inline_base64_decodes_unwrapped_and_wrapped_in_lines() {
    let (emu, _) = emulator();
    let code = wat_fixture("echo");
    let one_line = b64(&code);
    let wrapped: String = one_line
        .as_bytes()
        .chunks(76)
        .map(|l| format!("  {}\r\n", std::str::from_utf8(l).unwrap()))
        .collect();
    let mut digests = Vec::new();
    for (name, file) in [("one-line", one_line), ("wrapped", wrapped)] {
        let mut body = create_body(name, &[], json!({}));
        body["func_code"]["file"] = json!(file);
        let config = emu
            .create_function(serde_json::from_value(body).unwrap())
            .unwrap();
        digests.push(config.digest.clone());
        let inv = emu.invoke(&config.func_urn, b"hello").unwrap();
        assert_eq!(inv.outcome, OutcomeKind::Success, "{name}: {inv:?}");
        assert_eq!(inv.result, b"hello", "{name}");
    }
    assert_eq!(digests[0], digests[1]);
    // A character that is neither Base64 nor whitespace is still FSS.1011.
    let mut body = create_body("bad", &[], json!({}));
    body["func_code"]["file"] = json!(format!("{}*", b64(&code)));
    let err = emu
        .create_function(serde_json::from_value(body).unwrap())
        .unwrap_err();
    assert_eq!(err.code(), "FSS.1011", "{err}");
}
