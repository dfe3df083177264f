//! Python and Node.js functions (issue 11, DESIGN §3 item 3): which versions run on a
//! language runtime component, and the files that component reads.
//!
//! A version runs on its language's runtime component (`fgs_lang`) when its `runtime` is a
//! Python (`Python2.7`, `Python3.6`, `Python3.9`) or Node.js runtime and its code is source:
//! inline source (the file the handler names, e.g. `index.py`), or a ZIP holding source files
//! of the language and no `<file>.wasm` for the handler (a wasm handler module always wins, so
//! functions that declare a Python runtime but ship wasm keep running it). The component's
//! `read-file` serves the package's files, then the function's dependency files by their path
//! inside the dependency ZIP. A missing component is 503 FSS.0503 naming the command that
//! installs it; nothing is built or downloaded at invoke time.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use fgs_core::code::{CodeKind, CodePackage, split_handler};
use fgs_core::{ErrorKind, Result};
use fgs_executor::{Code, Executor, PackageFiles, SharedFiles};
use fgs_lang::{Language, RuntimesDir};

use super::runner::{DeployInput, ExecSettings, internal};

/// The files a runtime component reads: the code package (or its inline source under the
/// handler's file name), then the dependency files.
struct PackageSource {
    code: Arc<CodePackage>,
    /// For inline source: the name it is read under (`index.py`).
    inline_name: Option<String>,
    deps: BTreeMap<String, Arc<Vec<u8>>>,
}

impl PackageFiles for PackageSource {
    fn file(&self, path: &str) -> Option<&[u8]> {
        let own = match &self.inline_name {
            Some(name) => (path == name).then_some(self.code.bytes.as_slice()),
            None => self.code.files.get(path).map(Vec::as_slice),
        };
        own.or_else(|| self.deps.get(path).map(|v| v.as_slice()))
    }
}

/// The component code of a version, if it runs on a language runtime component; `Err` 503
/// when it does but the component is not installed.
pub(crate) fn component_code(
    settings: &ExecSettings,
    exec: &Executor,
    input: &DeployInput,
) -> Result<Option<Code>> {
    let c = &input.config;
    let Some(lang) = Language::of_runtime(&c.runtime) else {
        return Ok(None);
    };
    let Some((file, _)) = split_handler(&c.handler) else {
        return Ok(None);
    };
    let ext = format!(".{}", lang.source_extension());
    let inline_name = match input.code.kind {
        CodeKind::Zip => {
            let files = &input.code.files;
            if files.contains_key(&format!("{file}.wasm"))
                || !files.keys().any(|k| k.ends_with(&ext))
            {
                return Ok(None);
            }
            None
        }
        CodeKind::Source => Some(format!("{file}{ext}")),
        CodeKind::Wasm | CodeKind::BuiltinDefault => return Ok(None),
    };
    let path = installed(settings.runtimes_dir.as_deref(), lang)?;
    let runtime = exec.load_component(&path).map_err(|e| internal(&e))?;
    let files = PackageSource {
        code: input.code.clone(),
        inline_name,
        deps: input.dep_files.clone(),
    };
    Ok(Some(Code::Component {
        runtime,
        files: SharedFiles(Arc::new(files)),
    }))
}

/// The installed component of `lang`, or 503 FSS.0503 saying how to install it.
fn installed(dir: Option<&Path>, lang: Language) -> Result<std::path::PathBuf> {
    let Some(dir) = dir else {
        return Err(ErrorKind::ServiceUnavailable.with(format!(
            "the {lang} runtime is not available: no runtimes directory is configured; run \
             `fgs-local runtimes install {lang}` and set EmulatorBuilder::runtimes_dir (fgs-local \
             uses $FGS_RUNTIMES_DIR or ~/.cache/fgs-local/runtimes)"
        )));
    };
    let dir = RuntimesDir::new(dir);
    dir.installed(lang)
        .ok_or_else(|| ErrorKind::ServiceUnavailable.with(dir.not_installed_message(lang)))
}
