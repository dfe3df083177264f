//! Export and import of a function (seed §5.11): the request types, the package format, and
//! its pure encoding and decoding (in memory; no I/O).
//!
//! # The export package
//!
//! The seed leaves the export payload undocumented (§5.11.1 says only "200 ok"). The emulator
//! exports a self-contained ZIP archive ([`FunctionExport`], `application/zip`) that import
//! (§5.11.2) takes back, here or in a fresh emulator, under any name:
//!
//! * `function.json` ([`ExportManifest`], always present):
//!   `{"format": "fgs-local/function-export", "format_version": 1, "function": {...},
//!   "code_file": "code/<name>"}`, where `function` is the exported version's configuration
//!   exactly as GET config returns it, and `code_file` names the code entry. `function` is left
//!   out when the configuration is not exported, `code_file` when the code is not.
//! * `code/<code_filename>` (`code/code` when the function has no `code_filename`): the code
//!   package's bytes exactly as stored, so its SHA-512 `digest` survives the round trip.
//!
//! Export takes the seed's query flags ([`ExportFunctionQuery`]).
//!
//! # Import
//!
//! [`ImportFunctionRequest`] is the seed's body. `file_type` must be `zip` (400 `FSS.1013`);
//! `file_code` must not be blank (400 `FSS.1012`) and must be Base64 of a ZIP archive
//! (400 `FSS.1011`). A ZIP with an export `function.json` imports that configuration and code;
//! any other ZIP is taken as a plain code package and imported with the defaults
//! [`DEFAULT_IMPORT_RUNTIME`], `index.handler`, 128 MB and 3 s (the seed's example response),
//! `code_type` `zip` and `code_filename` = `file_name`.
//!
//! ```
//! use fgs_core::transfer::{ExportManifest, build_export, read_package};
//! let zip = build_export(None, Some(("index.wasm", b"\0asm\x01\0\0\0")))?;
//! let package = read_package(&zip)?.expect("an export package");
//! assert_eq!(package.code.as_deref(), Some(&b"\0asm\x01\0\0\0"[..]));
//! assert!(package.manifest.function.is_none());
//! # Ok::<(), fgs_core::Error>(())
//! ```

use std::io::{Cursor, Read, Write};

use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, Result};
use crate::function::FunctionConfig;

/// The `format` marker of an export manifest.
pub const EXPORT_FORMAT: &str = "fgs-local/function-export";

/// The version of the export format this emulator writes and reads.
pub const EXPORT_FORMAT_VERSION: u32 = 1;

/// The manifest's path inside the export ZIP.
pub const MANIFEST_PATH: &str = "function.json";

/// The runtime of a function imported from a plain code ZIP (the runtime for wasm handlers).
pub const DEFAULT_IMPORT_RUNTIME: &str = "Custom";

/// The query of export (seed §5.11.1).
///
/// With neither `config` nor `code` given, `type` (compatibility mode) decides: `code`
/// exports only the code, `config` only the configuration; with no flag at all both are
/// exported. Given flags default to `true` for the other one. A `type` other than `code` or
/// `config`, or `config=false&code=false`, is 400 `FSS.1001`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExportFunctionQuery {
    /// Export the configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<bool>,
    /// Export the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<bool>,
    /// Compatibility mode: `code` or `config`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub export_type: Option<String>,
}

impl ExportFunctionQuery {
    /// What to export: `(config, code)`; see the type docs.
    pub fn parts(&self) -> Result<(bool, bool)> {
        let parts = match (self.config, self.code, self.export_type.as_deref()) {
            (None, None, None) => (true, true),
            (None, None, Some("code")) => (false, true),
            (None, None, Some("config")) => (true, false),
            (None, None, Some(other)) => {
                return Err(ErrorKind::InvalidQueryParameter.with(format!(
                    "export type '{other}' is neither 'code' nor 'config'"
                )));
            }
            (config, code, _) => (config.unwrap_or(true), code.unwrap_or(true)),
        };
        if parts == (false, false) {
            return Err(ErrorKind::InvalidQueryParameter
                .with("config=false and code=false leave nothing to export"));
        }
        Ok(parts)
    }
}

/// An exported function (seed §5.11.1): a ZIP archive, see the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionExport {
    /// A file name for the archive: `<func_name>.zip`.
    pub file_name: String,
    /// The archive's bytes.
    pub bytes: Vec<u8>,
}

impl FunctionExport {
    /// The media type of the archive: `application/zip`.
    pub const CONTENT_TYPE: &'static str = "application/zip";

    /// The §5.11.2 body that imports this archive as function `func_name`.
    pub fn to_import_request(&self, func_name: impl Into<String>) -> ImportFunctionRequest {
        use base64::Engine as _;
        ImportFunctionRequest {
            func_name: func_name.into(),
            file_name: self.file_name.clone(),
            file_type: "zip".to_owned(),
            file_code: base64::engine::general_purpose::STANDARD.encode(&self.bytes),
            package: None,
        }
    }
}

/// The body of import (seed §5.11.2). Missing required fields deserialize as blank and are
/// refused by validation with their own codes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportFunctionRequest {
    /// The new function's name (required; the rules of create, 400 `FSS.1002`).
    #[serde(default)]
    pub func_name: String,
    /// The package's file name, e.g. `test.zip` (required; blank is 400 `FSS.0400`).
    #[serde(default)]
    pub file_name: String,
    /// The package's type: `zip` (required; anything else is 400 `FSS.1013`).
    #[serde(default)]
    pub file_type: String,
    /// The package, Base64 (required; blank is 400 `FSS.1012`, not a ZIP 400 `FSS.1011`).
    #[serde(default)]
    pub file_code: String,
    /// The package (app) to create the function in; default `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
}

/// `function.json` of an export package; see the module docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportManifest {
    /// [`EXPORT_FORMAT`].
    pub format: String,
    /// [`EXPORT_FORMAT_VERSION`].
    pub format_version: u32,
    /// The exported configuration, as GET config returns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<serde_json::Value>,
    /// The path of the code entry in the archive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_file: Option<String>,
}

/// A decoded export package.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportPackage {
    /// Its manifest.
    pub manifest: ExportManifest,
    /// The code bytes, when the package carries code.
    pub code: Option<Vec<u8>>,
}

/// Checks a function name (seed §1.6.1, §5.6.2): 1..60 characters, starts with a letter,
/// ends with a letter or digit, letters, digits, `-` and `_` only (400 `FSS.1002`).
pub fn validate_function_name(name: &str) -> Result<()> {
    let bytes = name.as_bytes();
    let ok = (1..=60).contains(&bytes.len())
        && bytes[0].is_ascii_alphabetic()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
    if ok {
        Ok(())
    } else {
        Err(ErrorKind::InvalidFunctionName.with(format!(
            "function name '{name}' must have 1 to 60 letters, digits, '-' or '_', start with a letter and end with a letter or digit"
        )))
    }
}

/// The code entry's path for a function whose `code_filename` is `code_filename`.
pub fn code_entry_path(code_filename: Option<&str>) -> String {
    let name = code_filename
        .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n))
        .filter(|n| !n.is_empty() && *n != "." && *n != "..")
        .unwrap_or("code");
    format!("code/{name}")
}

/// Builds an export archive from an optional configuration and optional code
/// (`(code_filename, bytes)`, the file name placed under `code/`).
pub fn build_export(
    config: Option<&FunctionConfig>,
    code: Option<(&str, &[u8])>,
) -> Result<Vec<u8>> {
    let internal = |e: &dyn std::fmt::Display| {
        ErrorKind::Internal.with(format!("cannot write the export archive: {e}"))
    };
    let function = config
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| internal(&e))?;
    let code_file = code.map(|(name, _)| code_entry_path(Some(name)));
    let manifest = ExportManifest {
        format: EXPORT_FORMAT.to_owned(),
        format_version: EXPORT_FORMAT_VERSION,
        function,
        code_file: code_file.clone(),
    };
    let manifest = serde_json::to_vec_pretty(&manifest).map_err(|e| internal(&e))?;
    let mut out = Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file(MANIFEST_PATH, opts)
            .map_err(|e| internal(&e))?;
        w.write_all(&manifest).map_err(|e| internal(&e))?;
        if let (Some(path), Some((_, bytes))) = (code_file, code) {
            w.start_file(path, opts).map_err(|e| internal(&e))?;
            w.write_all(bytes).map_err(|e| internal(&e))?;
        }
        w.finish().map_err(|e| internal(&e))?;
    }
    Ok(out.into_inner())
}

/// Reads an import package: `Ok(Some(_))` for an export package, `Ok(None)` for any other
/// ZIP (a plain code package), 400 `FSS.1011` for bytes that are not a ZIP archive or an
/// export package whose manifest or code entry is broken. `max_entry_size` bounds each
/// decompressed entry (400 `FSS.1011` beyond it).
pub fn read_package_limited(bytes: &[u8], max_entry_size: u64) -> Result<Option<ExportPackage>> {
    let bad = |why: String| ErrorKind::InvalidFunctionCode.with(why);
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| bad(format!("file_code is not a ZIP archive: {e}")))?;
    let read_entry = |archive: &mut zip::ZipArchive<Cursor<&[u8]>>, path: &str| {
        let entry = archive
            .by_name(path)
            .map_err(|e| bad(format!("cannot read '{path}' in the package: {e}")))?;
        let mut out = Vec::new();
        entry
            .take(max_entry_size.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| bad(format!("cannot read '{path}' in the package: {e}")))?;
        if out.len() as u64 > max_entry_size {
            return Err(bad(format!(
                "'{path}' in the package exceeds {max_entry_size} bytes"
            )));
        }
        Ok(out)
    };
    if archive.index_for_name(MANIFEST_PATH).is_none() {
        return Ok(None);
    }
    let raw = read_entry(&mut archive, MANIFEST_PATH)?;
    let Ok(manifest) = serde_json::from_slice::<ExportManifest>(&raw) else {
        // A user's own function.json in a code ZIP: a plain code package.
        return Ok(None);
    };
    if manifest.format != EXPORT_FORMAT {
        return Ok(None);
    }
    if manifest.format_version != EXPORT_FORMAT_VERSION {
        return Err(bad(format!(
            "export format version {} is not supported (this emulator reads {EXPORT_FORMAT_VERSION})",
            manifest.format_version
        )));
    }
    if let Some(function) = &manifest.function {
        serde_json::from_value::<FunctionConfig>(function.clone())
            .map_err(|e| bad(format!("the package's function.json is invalid: {e}")))?;
    }
    let code = match &manifest.code_file {
        Some(path) => Some(read_entry(&mut archive, path)?),
        None => None,
    };
    Ok(Some(ExportPackage { manifest, code }))
}

/// [`read_package_limited`] with a 50 MB entry limit (seed §7.2 FSS.1071).
pub fn read_package(bytes: &[u8]) -> Result<Option<ExportPackage>> {
    read_package_limited(bytes, 50 * 1024 * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_query_parts() {
        let q = |config, code, t: Option<&str>| ExportFunctionQuery {
            config,
            code,
            export_type: t.map(Into::into),
        };
        assert_eq!(q(None, None, None).parts().unwrap(), (true, true));
        assert_eq!(q(None, None, Some("code")).parts().unwrap(), (false, true));
        assert_eq!(
            q(None, None, Some("config")).parts().unwrap(),
            (true, false)
        );
        assert_eq!(q(Some(false), None, None).parts().unwrap(), (false, true));
        assert_eq!(
            q(None, Some(false), Some("code")).parts().unwrap(),
            (true, false)
        );
        assert_eq!(
            q(None, None, Some("all")).parts().unwrap_err().code(),
            "FSS.1001"
        );
        let none = q(Some(false), Some(false), None).parts().unwrap_err();
        assert_eq!(none.code(), "FSS.1001");
    }

    #[test]
    fn package_round_trip_and_plain_zips() {
        let config = FunctionConfig {
            func_name: "f".into(),
            ..FunctionConfig::default()
        };
        let zip = build_export(Some(&config), Some(("../x.zip", b"code"))).unwrap();
        let p = read_package(&zip).unwrap().unwrap();
        assert_eq!(p.manifest.code_file.as_deref(), Some("code/x.zip"));
        assert_eq!(p.code.as_deref(), Some(&b"code"[..]));
        assert_eq!(p.manifest.function.unwrap()["func_name"], "f");
        assert_eq!(read_package(b"not a zip").unwrap_err().code(), "FSS.1011");
        let tiny = read_package_limited(&zip, 2).unwrap_err();
        assert_eq!(tiny.code(), "FSS.1011");
    }

    #[test]
    fn function_names() {
        assert!(validate_function_name("my-func_1").is_ok());
        for bad in ["", "1f", "f-", "f.g", &"f".repeat(61)] {
            assert_eq!(validate_function_name(bad).unwrap_err().code(), "FSS.1002");
        }
    }
}
