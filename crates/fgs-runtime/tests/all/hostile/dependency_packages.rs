//! Hostile dependency packages (issue 10, "Hostile requests"): a dependency ZIP is read by
//! the same reader as function code (`fgs_core::code::read_zip`), with the dependency codes:
//! FSS.1023 when it unpacks past 50 MB (a bomb, even one whose headers lie), FSS.1024 for
//! every hostile entry and for bytes that are not a ZIP. Create and update refuse alike, the
//! stored dependency is unchanged, and nothing is ever written outside the emulator's own
//! dependency directory.

use std::io::Write;

use serde_json::json;

use super::packages::{LIMIT, lie_about_sizes, zip_with};
use super::*;
use crate::common::{assert_code, emulator, zip_of};

fn request(name: &str, zip: &[u8]) -> fgs_core::dependency::DependencyRequest {
    serde_json::from_value(json!({
        "depend_type": "zip", "runtime": "Python3.9", "name": name, "depend_file": b64(zip)
    }))
    .unwrap()
}

/// Tries `zip` as a new dependency and as the new package of an existing one; both fail with
/// `code` (400), and the existing one keeps its package.
#[track_caller]
fn assert_dependency_refused(zip: &[u8], code: &str) {
    let (emu, _) = emulator();
    assert_code(emu.create_dependency(request("hostile", zip)), code, 400);
    let good = zip_of(&[("ok.txt", b"dep".as_slice())]);
    let kept = emu.create_dependency(request("kept", &good)).unwrap();
    assert_code(
        emu.update_dependency(&kept.id, request("kept", zip)),
        code,
        400,
    );
    let after = emu.get_dependency(&kept.id).unwrap();
    assert_eq!(after.etag, kept.etag, "the package is unchanged");
    assert_echo_still_works(&emu, "after-dependency");
}

#[test]
fn a_dependency_zip_bomb_is_fss_1023() {
    let zeros = vec![0u8; LIMIT + 1];
    let bomb = zip_with(&[("lib/big.bin", &zeros)], None);
    assert!(bomb.len() < 200 * 1024, "the bomb is small: {}", bomb.len());
    assert_dependency_refused(&bomb, "FSS.1023");
    let chunk = vec![b'a'; 10 * 1024 * 1024];
    let names: Vec<String> = (0..6).map(|i| format!("part{i}.bin")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &chunk[..])).collect();
    assert_dependency_refused(&zip_with(&entries, None), "FSS.1023");
}

#[test]
fn a_dependency_bomb_whose_header_lies_is_still_fss_1023() {
    let zeros = vec![0u8; LIMIT + 1];
    let liar = lie_about_sizes(zip_with(&[("big.bin", &zeros)], None), 100);
    assert_dependency_refused(&liar, "FSS.1023");
    // A lie under the limit is a corrupt package.
    let small = lie_about_sizes(zip_with(&[("a.txt", &[b'x'; 5000])], None), 10);
    assert_dependency_refused(&small, "FSS.1024");
}

#[test]
fn dependency_entry_paths_that_escape_or_are_empty_are_fss_1024() {
    for name in [
        "../evil.py",
        "a/../../evil.py",
        "a/../b.py",
        "/etc/passwd",
        "..\\evil.py",
        "dir\\file.py",
        "C:\\Windows\\evil.dll",
        "C:evil.dll",
        "\0hidden",
        "",
    ] {
        let zip = zip_with(&[("ok.txt", b"x"), (name, b"x")], None);
        let (emu, _) = emulator();
        assert_code(
            emu.create_dependency(request("traversal", &zip)),
            "FSS.1024",
            400,
        );
    }
}

#[test]
fn a_dependency_symlink_entry_is_fss_1024() {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file("ok.txt", opts).unwrap();
        w.write_all(b"dep").unwrap();
        w.add_symlink("passwd", "/etc/passwd", opts).unwrap();
        w.finish().unwrap();
    }
    assert_dependency_refused(&out.into_inner(), "FSS.1024");
}

#[test]
fn duplicate_dependency_entries_are_fss_1024() {
    let mut zip = zip_with(&[("a.txt", b"first"), ("b.txt", b"second")], None);
    let mut renamed = 0;
    for i in 0..zip.len() - 5 {
        if &zip[i..i + 5] == b"b.txt" {
            zip[i..i + 5].copy_from_slice(b"a.txt");
            renamed += 1;
        }
    }
    assert_eq!(renamed, 2);
    assert_dependency_refused(&zip, "FSS.1024");
    let zip = zip_with(&[("a.txt", b"first"), ("./a.txt", b"second")], None);
    assert_dependency_refused(&zip, "FSS.1024");
}

#[test]
fn a_dependency_that_is_not_a_zip_is_fss_1024() {
    let good = zip_of(&[("ok.txt", b"dep".as_slice())]);
    for bad in [
        b"PK\x03\x04 not really a zip".to_vec(),
        b"PK".to_vec(),
        good[..good.len() / 2].to_vec(),
        b"plain text is not a package".to_vec(),
        crate::common::EMPTY_WASM.to_vec(),
    ] {
        assert_dependency_refused(&bad, "FSS.1024");
    }
}

#[test]
fn exactly_50_mb_of_dependency_is_accepted() {
    let (emu, _) = emulator();
    // The package itself must stay under the 50 MB upload limit: zeros deflate well.
    let filler = vec![0u8; LIMIT];
    let zip = zip_with(&[("filler.bin", &filler)], None);
    emu.create_dependency(request("full", &zip)).unwrap();
}

#[test]
fn dependency_files_never_land_outside_their_directory() {
    // Every escaping name is refused at upload; a function using an accepted dependency
    // reads its file, and nothing appears next to the temporary dependency directory.
    let (emu, _) = emulator();
    let unique = format!("fgs-hostile-{}", std::process::id());
    for (i, name) in [
        format!("../{unique}.txt"),
        format!("a/../../{unique}-up.txt"),
        format!("a/../{unique}-in.txt"),
        format!("..\\{unique}-bs.txt"),
    ]
    .iter()
    .enumerate()
    {
        let zip = zip_of(&[(name.as_str(), b"x".as_slice())]);
        assert_code(
            emu.create_dependency(request(&format!("escape{i}"), &zip)),
            "FSS.1024",
            400,
        );
    }
    let dep = emu
        .create_dependency(request("ok", &zip_of(&[("ok.txt", b"dep".as_slice())])))
        .unwrap();
    let urn = create_code(
        &emu,
        "deps",
        &crate::invoke::fixture("dep_files"),
        json!({}),
    );
    emu.update_function_code(
        &urn,
        serde_json::from_value(json!({
            "code_type": "inline",
            "func_code": {"file": b64(&crate::invoke::fixture("dep_files"))},
            "depend_list": [dep.id]
        }))
        .unwrap(),
    )
    .unwrap();
    let inv = emu.invoke(&urn, b"ok.txt").unwrap();
    assert_eq!(inv.result_text(), "dep", "{inv:?}");
    let tmp = std::env::temp_dir();
    for name in [
        format!("{unique}.txt"),
        format!("{unique}-up.txt"),
        format!("{unique}-in.txt"),
        format!("{unique}-bs.txt"),
        format!("..\\{unique}-bs.txt"),
    ] {
        assert!(!tmp.join(&name).exists(), "{name} was written in {tmp:?}");
        if let Some(parent) = tmp.parent() {
            assert!(!parent.join(&name).exists(), "{name} escaped to {parent:?}");
        }
    }
}
