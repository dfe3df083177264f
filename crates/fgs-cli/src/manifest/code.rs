//! A function's code as the manifest names it: a `.wasm` (or `.zip`) file sent as is, a
//! directory zipped on the fly (deterministically: sorted entries, fixed timestamps, so the
//! same files give the same digest and re-applying changes nothing), bytes built into the
//! binary, or nothing (the built-in echo handler, seed §5.6.3 with a blank `func_code`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha512};

/// Where a function's code comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeSource {
    /// No code: the platform's built-in echo handler.
    Builtin,
    /// Bytes built into `fgs-local` (the default sample).
    Embedded(&'static [u8]),
    /// A file sent as is (a wasm module or a ZIP).
    File(PathBuf),
    /// A directory, zipped on the fly.
    Dir(PathBuf),
}

/// Loaded code: its bytes and their SHA-512 (the `digest` the API reports).
#[derive(Debug, Clone)]
pub struct Code {
    /// Where it came from.
    pub source: CodeSource,
    /// The package bytes (empty for the built-in handler).
    pub bytes: Vec<u8>,
    /// SHA-512 of `bytes`, lower-case hex.
    pub digest: String,
}

impl Code {
    /// Loads the code of `source`. Errors say which path is wrong and how.
    pub fn load(source: CodeSource) -> Result<Code, String> {
        let bytes = match &source {
            CodeSource::Builtin => Vec::new(),
            CodeSource::Embedded(b) => b.to_vec(),
            CodeSource::File(p) => std::fs::read(p)
                .map_err(|e| format!("cannot read code file {}: {e}", p.display()))?,
            CodeSource::Dir(p) => zip_dir(p)?,
        };
        let digest = hex::encode(Sha512::digest(&bytes));
        Ok(Code {
            source,
            bytes,
            digest,
        })
    }

    /// The source resolved from a manifest path (relative to `base_dir`): a directory or a
    /// file, which must exist.
    pub fn source_for(path: &Path, base_dir: &Path) -> Result<CodeSource, String> {
        let full = if path.is_absolute() {
            path.to_path_buf()
        } else {
            base_dir.join(path)
        };
        match std::fs::metadata(&full) {
            Ok(m) if m.is_dir() => Ok(CodeSource::Dir(full)),
            Ok(_) => Ok(CodeSource::File(full)),
            Err(e) => Err(format!(
                "code '{}' not found at {} ({e}): give a .wasm file or a directory, relative to the manifest's directory",
                path.display(),
                full.display()
            )),
        }
    }

    /// What changes when the code on disk changes: modification times, sizes and names of
    /// the file or of every file under the directory. None for code not on disk.
    pub fn stamp(source: &CodeSource) -> Option<Vec<(PathBuf, u64, SystemTime)>> {
        let mut out = Vec::new();
        match source {
            CodeSource::File(p) => push_stamp(p, &mut out),
            CodeSource::Dir(p) => {
                for f in walk(p).ok()? {
                    push_stamp(&f, &mut out);
                }
            }
            CodeSource::Builtin | CodeSource::Embedded(_) => return None,
        }
        Some(out)
    }
}

fn push_stamp(p: &Path, out: &mut Vec<(PathBuf, u64, SystemTime)>) {
    if let Ok(m) = std::fs::metadata(p) {
        let modified = m.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        out.push((p.to_path_buf(), m.len(), modified));
    }
}

/// Every file under `dir`, sorted.
fn walk(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Zips `dir` with entries named relative to it, in sorted order, with the ZIP's fixed
/// default timestamp, so equal files give equal bytes.
fn zip_dir(dir: &Path) -> Result<Vec<u8>, String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot zip directory {}: {e}", dir.display());
    let files = walk(dir).map_err(|e| fail(&e))?;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for file in files {
        let rel = file.strip_prefix(dir).map_err(|e| fail(&e))?;
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let data = std::fs::read(&file).map_err(|e| fail(&e))?;
        zip.start_file(name, options).map_err(|e| fail(&e))?;
        zip.write_all(&data).map_err(|e| fail(&e))?;
    }
    let cursor = zip.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}
