//! Code packages (DECISIONS "Code, runtimes, functions"): what `func_code.file` may hold, how
//! it is checked at upload, and how the executor finds the handler module in it.
//!
//! `func_code.file` is the Base64 of one of:
//! - a **ZIP** archive (`PK..`): unpacked at upload (a corrupt archive is FSS.1011); every
//!   `.wasm` entry in it must be valid WebAssembly (FSS.1011). `code_type` `jar` is a ZIP too;
//! - a raw **wasm module** (`\0asm`): validated with `wasmparser` (FSS.1011);
//! - plain **source** text, only with `code_type: inline`: stored as is; it has no wasm, so
//!   the function is manageable but fails when invoked.
//!
//! A ZIP or wasm module is limited by [`Limits::max_code_package_size`] after decoding
//! (FSS.1071, whatever the code type, `inline` included); plain inline source by
//! [`Limits::max_inline_source_size`] (FSS.1072).
//!
//! Hostile archives (issue 10, "Hostile requests"; seed §7.2 for the codes). One reader,
//! [`read_zip`], unpacks function code and dependency packages alike; [`ZipRules`] gives its
//! codes (function code: FSS.1071 and FSS.1011 as below; a dependency package: FSS.1023 past
//! 50 MB unpacked and FSS.1024 for the rest). It never writes anything to disk (the files
//! stay in memory) and refuses:
//! - a ZIP that unpacks to more than [`MIN_UNPACKED_LIMIT`] (the 50 MB of FSS.1071, or
//!   [`Limits::max_code_package_size`] if larger, counted over all entries): the sizes the headers declare are checked first,
//!   and the bytes really produced are counted while reading, so a header that lies about
//!   its uncompressed size cannot get past the limit (FSS.1071);
//! - an entry path that could escape a directory it were unpacked into: a `..` component,
//!   an absolute path (`/x`), a backslash (`..\x`, `C:\x`), a drive letter (`C:x`), a NUL,
//!   an empty name (FSS.1011);
//! - a symbolic link entry (Unix mode `S_IFLNK`, FSS.1011);
//! - two entries with the same path (after a leading `./`), which would make the handler
//!   module depend on the reader (FSS.1011);
//! - bytes that start like a ZIP but are not one (FSS.1011).
//!
//! A blank `func_code.file` at create installs the **built-in default handler**
//! ([`CodeKind::BuiltinDefault`]): it has no bytes, and the executor maps it to its built-in
//! echo handler, which returns its event unchanged.
//!
//! Handler lookup ([`CodePackage::module_for`]): the handler `index.handler` names the file
//! `index.wasm` and the export `handler` (everything before the last `.` is the file). A raw
//! wasm package is that module whatever the file name; a ZIP is searched for the entry
//! `<file>.wasm`. A package lacking it is stored and fully manageable; it fails only when
//! invoked ([`HandlerModule::Missing`]).
//!
//! ```
//! use fgs_core::code::{CodeOrigin, CodePackage, HandlerModule};
//! use fgs_core::limits::Limits;
//! let wasm = b"\0asm\x01\0\0\0".to_vec();
//! let code = CodePackage::upload(wasm, CodeOrigin::Inline, &Limits::default())?;
//! assert_eq!(code.digest.len(), 128);
//! assert!(matches!(code.module_for("index.handler"), HandlerModule::Wasm { export: "handler", .. }));
//! assert!(matches!(CodePackage::builtin_default().module_for("index.handler"), HandlerModule::BuiltinEcho));
//! # Ok::<(), fgs_core::Error>(())
//! ```

use std::collections::BTreeMap;
use std::io::Read;

use sha2::{Digest, Sha512};

use crate::error::{ErrorKind, Result};
use crate::limits::Limits;

/// What kind of code a package holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CodeKind {
    /// No code was sent: the executor runs its built-in echo handler (returns the event).
    #[default]
    BuiltinDefault,
    /// A raw WebAssembly module (validated).
    Wasm,
    /// A ZIP (or JAR) archive, unpacked into [`CodePackage::files`].
    Zip,
    /// Inline source that is neither a ZIP nor wasm; it cannot be run.
    Source,
}

/// How the code reached the emulator; decides which contents are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeOrigin {
    /// `code_type: inline`: a ZIP, a wasm module or plain source.
    Inline,
    /// `code_type: zip`, `jar` or `obs`: a ZIP or a wasm module.
    Package,
}

/// A function's code as stored: the original decoded bytes, their digest, and the unpacked
/// files of a ZIP.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CodePackage {
    /// The decoded code bytes exactly as uploaded (GET code and export return them).
    pub bytes: Vec<u8>,
    /// SHA-512 of `bytes`, lower-case hex (128 characters).
    pub digest: String,
    /// What the bytes are.
    pub kind: CodeKind,
    /// For a ZIP: its files by path inside the archive (directories left out).
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Where the executor finds a handler or initializer (see [`CodePackage::module_for`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlerModule<'a> {
    /// The built-in echo handler (blank code at create).
    BuiltinEcho,
    /// A validated wasm module and the export to call.
    Wasm {
        /// The module bytes.
        module: &'a [u8],
        /// The export named after the last `.` of the handler.
        export: &'a str,
    },
    /// The package has no such module; invoking fails with a documented error.
    Missing {
        /// The file that was looked for (e.g. `index.wasm`), empty for a malformed handler.
        file: &'a str,
    },
}

/// The least a ZIP may always unpack to (all entries together), the 50 MB of FSS.1071
/// (seed §7.2): the unpacked cap is the larger of this and
/// [`Limits::max_code_package_size`], so a lowered package limit still bounds the package,
/// not what a small ZIP holds.
pub const MIN_UNPACKED_LIMIT: u64 = 50 * 1024 * 1024;

const ZIP_MAGIC: &[u8] = b"PK";
const WASM_MAGIC: &[u8] = b"\0asm";

/// Splits `file.export` at its last `.`: `("index", "handler")`. `None` if either side is empty.
pub fn split_handler(handler: &str) -> Option<(&str, &str)> {
    let (file, export) = handler.rsplit_once('.')?;
    (!file.is_empty() && !export.is_empty()).then_some((file, export))
}

/// Checks that `bytes` are a valid WebAssembly module or component (FSS.1011 otherwise).
pub fn validate_wasm(bytes: &[u8], what: &str) -> Result<()> {
    let mut validator = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all());
    validator.validate_all(bytes).map(|_| ()).map_err(|e| {
        ErrorKind::InvalidFunctionCode.with(format!("{what} is not valid WebAssembly: {e}"))
    })
}

impl CodePackage {
    /// The built-in default handler: no bytes, the digest of empty input.
    pub fn builtin_default() -> Self {
        CodePackage {
            bytes: Vec::new(),
            digest: sha512_hex(&[]),
            kind: CodeKind::BuiltinDefault,
            files: BTreeMap::new(),
        }
    }

    /// Classifies, checks and unpacks uploaded code (see the module docs for every rule):
    /// FSS.1071 / FSS.1072 for size, FSS.1011 for a corrupt ZIP, invalid wasm, or source
    /// sent as a package. Empty bytes are the built-in default handler.
    pub fn upload(bytes: Vec<u8>, origin: CodeOrigin, limits: &Limits) -> Result<Self> {
        if bytes.is_empty() {
            return Ok(Self::builtin_default());
        }
        let size = bytes.len() as u64;
        let kind = classify(&bytes);
        match kind {
            CodeKind::Zip | CodeKind::Wasm if size > limits.max_code_package_size => {
                return Err(ErrorKind::CodePackageTooLarge.with(format!(
                    "the code package has {size} bytes after decoding; the limit is {}",
                    limits.max_code_package_size
                )));
            }
            CodeKind::Source if origin == CodeOrigin::Package => {
                return Err(ErrorKind::InvalidFunctionCode.with(
                    "the code is neither a ZIP archive nor a WebAssembly module; \
                     plain source is accepted only with code_type 'inline'",
                ));
            }
            CodeKind::Source if size > limits.max_inline_source_size => {
                return Err(ErrorKind::InlineCodeTooLarge.with(format!(
                    "the inline source has {size} bytes; the limit is {}",
                    limits.max_inline_source_size
                )));
            }
            _ => {}
        }
        let files = match kind {
            CodeKind::Wasm => {
                validate_wasm(&bytes, "the code")?;
                BTreeMap::new()
            }
            CodeKind::Zip => unzip(&bytes, limits)?,
            _ => BTreeMap::new(),
        };
        Ok(CodePackage {
            digest: sha512_hex(&bytes),
            bytes,
            kind,
            files,
        })
    }

    /// A package holding `bytes` without the upload checks (for code the emulator wrote
    /// itself, e.g. an import): a ZIP that does not unpack is kept as [`CodeKind::Source`].
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        if bytes.is_empty() {
            return Self::builtin_default();
        }
        let (kind, files) = match classify(&bytes) {
            CodeKind::Zip => match unzip(&bytes, &Limits::default()) {
                Ok(files) => (CodeKind::Zip, files),
                Err(_) => (CodeKind::Source, BTreeMap::new()),
            },
            other => (other, BTreeMap::new()),
        };
        CodePackage {
            digest: sha512_hex(&bytes),
            bytes,
            kind,
            files,
        }
    }

    /// The module and export a `handler` or `initializer_handler` (`file.export`) names.
    pub fn module_for<'a>(&'a self, handler: &'a str) -> HandlerModule<'a> {
        if self.kind == CodeKind::BuiltinDefault {
            return HandlerModule::BuiltinEcho;
        }
        let Some((file, export)) = split_handler(handler) else {
            return HandlerModule::Missing { file: "" };
        };
        match self.kind {
            CodeKind::Wasm => HandlerModule::Wasm {
                module: &self.bytes,
                export,
            },
            CodeKind::Zip => match self.files.get(&format!("{file}.wasm")) {
                Some(module) => HandlerModule::Wasm { module, export },
                None => HandlerModule::Missing { file },
            },
            _ => HandlerModule::Missing { file },
        }
    }

    /// The size in bytes that counts for `code_size` and the code-size quota.
    pub fn size(&self) -> u64 {
        self.bytes.len() as u64
    }
}

fn sha512_hex(bytes: &[u8]) -> String {
    hex::encode(Sha512::digest(bytes))
}

fn classify(bytes: &[u8]) -> CodeKind {
    if bytes.starts_with(WASM_MAGIC) {
        CodeKind::Wasm
    } else if bytes.starts_with(ZIP_MAGIC) {
        CodeKind::Zip
    } else {
        CodeKind::Source
    }
}

/// How [`read_zip`] reads an archive: its cap on the unpacked size and the error kinds of its
/// refusals. Function code and dependency packages share the one reader and differ only here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipRules {
    /// The most all entries together may unpack to.
    pub max_unpacked: u64,
    /// The error past `max_unpacked` (a bomb, whatever its headers say).
    pub too_large: ErrorKind,
    /// The error for a corrupt archive or a hostile entry (path, link, duplicate).
    pub invalid: ErrorKind,
    /// What the archive is, for messages ("the code", "the dependency package").
    pub what: &'static str,
    /// Whether every `.wasm` entry must be valid WebAssembly.
    pub validate_wasm: bool,
}

impl ZipRules {
    /// Function code (create, update code, import): FSS.1071 past the larger of
    /// [`MIN_UNPACKED_LIMIT`] and `limits.max_code_package_size`, FSS.1011 otherwise.
    pub fn code(limits: &Limits) -> ZipRules {
        ZipRules {
            max_unpacked: limits.max_code_package_size.max(MIN_UNPACKED_LIMIT),
            too_large: ErrorKind::CodePackageTooLarge,
            invalid: ErrorKind::InvalidFunctionCode,
            what: "the code",
            validate_wasm: true,
        }
    }

    /// A dependency package: FSS.1023 past [`MIN_UNPACKED_LIMIT`] (50 MB) unpacked, FSS.1024
    /// for everything else.
    pub fn dependency() -> ZipRules {
        ZipRules {
            max_unpacked: MIN_UNPACKED_LIMIT,
            too_large: ErrorKind::FileTooLarge,
            invalid: ErrorKind::InvalidDependency,
            what: "the dependency package",
            validate_wasm: false,
        }
    }
}

/// Unpacks a ZIP in memory, refusing every hostile archive of the module docs (a bomb, a
/// header that lies about its size, an entry path that escapes the root, a symbolic link, a
/// duplicate entry, bytes that are not a ZIP) with the kinds of `rules`. The files (not
/// directories) in archive order, names without a leading `./`. Nothing is written to disk.
pub fn read_zip(bytes: &[u8], rules: &ZipRules) -> Result<Vec<(String, Vec<u8>)>> {
    let what = rules.what;
    let max_unpacked = rules.max_unpacked;
    let corrupt = |e: &dyn std::fmt::Display| {
        rules
            .invalid
            .with(format!("{what} is not a readable ZIP archive: {e}"))
    };
    let too_large = || {
        rules.too_large.with(format!(
            "{what}: the ZIP archive unpacks to more than {max_unpacked} bytes"
        ))
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| corrupt(&e))?;
    if let Some(name) = duplicate_record(bytes, archive.central_directory_start(), archive.len()) {
        return Err(rules.invalid.with(format!(
            "{what}: the ZIP archive holds the entry '{name}' more than once"
        )));
    }
    // Cheap first: what the headers declare (a lying header is caught while reading).
    if archive
        .decompressed_size()
        .is_some_and(|declared| declared > u128::from(max_unpacked))
    {
        return Err(too_large());
    }
    let mut files = Vec::with_capacity(archive.len());
    let mut names = std::collections::HashSet::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| corrupt(&e))?;
        let raw_name = entry.name().to_owned();
        check_entry_path(&raw_name, rules)?;
        if entry.is_symlink() {
            return Err(rules.invalid.with(format!(
                "{what}: the ZIP entry '{raw_name}' is a symbolic link; links are not accepted"
            )));
        }
        if entry.is_dir() {
            continue;
        }
        let name = raw_name.trim_start_matches("./").to_owned();
        if name.is_empty() {
            return Err(rules.invalid.with(format!(
                "{what}: the ZIP entry '{raw_name}' has an empty name"
            )));
        }
        let mut content = Vec::new();
        // Counts the bytes really produced, whatever the header says.
        let budget = max_unpacked.saturating_sub(total);
        (&mut entry)
            .take(budget.saturating_add(1))
            .read_to_end(&mut content)
            .map_err(|e| corrupt(&e))?;
        total = total.saturating_add(content.len() as u64);
        if total > max_unpacked {
            return Err(too_large());
        }
        if content.len() as u64 != entry.size() {
            return Err(rules.invalid.with(format!(
                "{what}: the ZIP entry '{raw_name}' unpacks to {} bytes but its header says {}",
                content.len(),
                entry.size()
            )));
        }
        if rules.validate_wasm && name.ends_with(".wasm") {
            validate_wasm(&content, &format!("'{name}' in the ZIP archive"))?;
        }
        if !names.insert(name.clone()) {
            return Err(rules.invalid.with(format!(
                "{what}: the ZIP archive holds the entry '{raw_name}' more than once"
            )));
        }
        files.push((name, content));
    }
    Ok(files)
}

/// Unpacks function code (see [`read_zip`] and [`ZipRules::code`]) into files by path.
fn unzip(bytes: &[u8], limits: &Limits) -> Result<BTreeMap<String, Vec<u8>>> {
    Ok(read_zip(bytes, &ZipRules::code(limits))?
        .into_iter()
        .collect())
}

/// `rules.invalid` (FSS.1011 for code) unless `name` is a plain relative path that stays inside the archive root: no
/// NUL, no backslash, not absolute, no drive letter, no `..` component, not empty.
fn check_entry_path(name: &str, rules: &ZipRules) -> Result<()> {
    let bad = |why: &str| {
        Err(rules.invalid.with(format!(
            "{}: the ZIP entry '{}' {why}",
            rules.what,
            name.escape_debug()
        )))
    };
    let b = name.as_bytes();
    if name.is_empty() {
        return bad("has an empty name");
    }
    if name.contains('\0') {
        return bad("has a NUL character in its name");
    }
    if name.contains('\\') {
        return bad("has a backslash in its path (only '/' separates directories)");
    }
    if name.starts_with('/') {
        return bad("has an absolute path");
    }
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return bad("starts with a drive letter");
    }
    if name.split('/').any(|part| part == "..") {
        return bad("has a '..' component: its path escapes the archive");
    }
    Ok(())
}

/// The name of an entry the central directory lists twice, if any. The reader keeps one
/// entry per name (the last), so this walks the raw records from `cd_start` and compares
/// their count with the `unique` names the reader kept.
fn duplicate_record(bytes: &[u8], cd_start: u64, unique: usize) -> Option<String> {
    const CENTRAL_HEADER: &[u8] = b"PK\x01\x02";
    let u16_at = |at: usize| -> Option<usize> {
        Some(usize::from(u16::from_le_bytes(
            bytes.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    let mut pos = usize::try_from(cd_start).ok()?;
    let mut seen = std::collections::HashSet::new();
    while bytes.get(pos..pos + 4) == Some(CENTRAL_HEADER) {
        let (name_len, extra_len, comment_len) =
            (u16_at(pos + 28)?, u16_at(pos + 30)?, u16_at(pos + 32)?);
        let name = bytes.get(pos + 46..pos + 46 + name_len)?;
        if !seen.insert(name) {
            return Some(String::from_utf8_lossy(name).into_owned());
        }
        pos += 46 + name_len + extra_len + comment_len;
    }
    // More records than names: two names differ as bytes but not to the reader.
    (seen.len() > unique).then(|| "(a duplicate name)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_handler_uses_the_last_dot() {
        assert_eq!(split_handler("index.handler"), Some(("index", "handler")));
        assert_eq!(split_handler("a.b.c"), Some(("a.b", "c")));
        assert_eq!(split_handler("index."), None);
        assert_eq!(split_handler(".handler"), None);
        assert_eq!(split_handler("index"), None);
    }

    #[test]
    fn garbage_after_zip_magic_is_fss_1011() {
        let err = CodePackage::upload(
            b"PK\x03\x04junk".to_vec(),
            CodeOrigin::Inline,
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "FSS.1011");
    }

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut out = std::io::Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut out);
        for (name, content) in files {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(content).unwrap();
        }
        w.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn zip_lookup_finds_the_handler_and_initializer_modules() {
        let wasm: &[u8] = b"\0asm\x01\0\0\0";
        let zip = zip_of(&[
            ("index.wasm", wasm),
            ("lib/init.wasm", wasm),
            ("a.txt", b"x"),
        ]);
        let code =
            CodePackage::upload(zip.clone(), CodeOrigin::Package, &Limits::default()).unwrap();
        assert_eq!(code.kind, CodeKind::Zip);
        assert_eq!(code.bytes, zip, "original bytes kept");
        assert_eq!(code.files.len(), 3);
        assert_eq!(
            code.module_for("index.handler"),
            HandlerModule::Wasm {
                module: wasm,
                export: "handler"
            }
        );
        assert_eq!(
            code.module_for("lib/init.setup"),
            HandlerModule::Wasm {
                module: wasm,
                export: "setup"
            }
        );
        assert_eq!(
            code.module_for("main.handler"),
            HandlerModule::Missing { file: "main" }
        );
        assert_eq!(
            code.module_for("nodot"),
            HandlerModule::Missing { file: "" }
        );
    }

    #[test]
    fn inline_source_is_stored_but_has_no_module() {
        let code = CodePackage::upload(
            b"def handler(): pass".to_vec(),
            CodeOrigin::Inline,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(code.kind, CodeKind::Source);
        assert_eq!(
            code.module_for("index.handler"),
            HandlerModule::Missing { file: "index" }
        );
        let err = CodePackage::upload(b"x".to_vec(), CodeOrigin::Package, &Limits::default())
            .unwrap_err();
        assert_eq!(err.code(), "FSS.1011");
    }

    #[test]
    fn from_bytes_never_fails() {
        assert_eq!(
            CodePackage::from_bytes(b"PKjunk".to_vec()).kind,
            CodeKind::Source
        );
        assert_eq!(
            CodePackage::from_bytes(Vec::new()).kind,
            CodeKind::BuiltinDefault
        );
    }
}
