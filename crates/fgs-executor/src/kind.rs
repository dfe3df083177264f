//! Resolving a version's entry point (DESIGN §3): a handler module exporting the handler, a
//! WASI command exporting `_start`, or code without its entry point (DECISIONS "Runtimes").

use std::sync::Arc;

use wasmtime::{InstancePre, Linker};

use crate::component::{HandlerRuntimePre, PackageFiles};
use crate::error::{Error, Result};
use crate::instance::Exports;
use crate::spec::{Code, VersionSpec};
use crate::state::HostState;

/// How a version's code runs.
pub(crate) enum Kind {
    /// A handler module: instances pooled and reused.
    Handler {
        pre: InstancePre<HostState>,
        /// Runs in place on an async worker (`crate::worker::runs_in_place`), linked with
        /// the in-place linker.
        in_place: bool,
        export: String,
        init: Option<String>,
        exports: Exports,
    },
    /// A language runtime component: instances pooled and reused, each loading the user's code
    /// at start.
    Component(ComponentCode),
    /// A WASI command: a new instance per invocation.
    Command { pre: InstancePre<HostState> },
    /// No entry point: every invocation answers this message.
    Missing(String),
}

/// A component version: its linked runtime and what its instances load.
pub(crate) struct ComponentCode {
    pub(crate) pre: HandlerRuntimePre<HostState>,
    pub(crate) files: Arc<dyn PackageFiles>,
    pub(crate) handler: String,
    pub(crate) init: Option<String>,
}

/// The executor's linkers, for [`resolve`].
pub(crate) struct Linkers<'a> {
    pub(crate) modules: &'a Linker<HostState>,
    /// `modules` with the native `fd_write` of `crate::worker::in_place_linker`.
    pub(crate) in_place: &'a Linker<HostState>,
    pub(crate) components: &'a wasmtime::component::Linker<HostState>,
}

/// Resolves how `code` runs for `spec`, linking it once with the linker its kind needs.
pub(crate) fn resolve(linkers: &Linkers<'_>, code: Code, spec: &VersionSpec) -> Result<Kind> {
    let module = match code {
        Code::Component { runtime, files } => {
            let link = |e: wasmtime::Error| Error::Link {
                message: format!("{e:#}"),
            };
            let pre = linkers
                .components
                .instantiate_pre(&runtime.component)
                .map_err(link)?;
            let pre = HandlerRuntimePre::new(pre).map_err(link)?;
            return Ok(Kind::Component(ComponentCode {
                pre,
                files: files.0,
                handler: spec.handler.clone(),
                init: spec.initializer.clone(),
            }));
        }
        Code::Missing { file } => {
            return Ok(Kind::Missing(format!(
                "the code package has no file {file} for handler {}",
                spec.handler
            )));
        }
        Code::Module(m) => m,
    };
    // A handler module whose WASI is what `crate::worker` runs in place gets the in-place
    // linker; everything else (also WASI commands, whose stdout is their result) the plain one.
    let in_place = fgs_abi::split_handler(&spec.handler)
        .is_some_and(|(_, export)| module.has_export(export))
        && crate::worker::runs_in_place(module.module());
    let linker = if in_place {
        linkers.in_place
    } else {
        linkers.modules
    };
    let pre = linker
        .instantiate_pre(module.module())
        .map_err(|e| Error::Link {
            message: format!("{e:#}"),
        })?;
    let export = match fgs_abi::split_handler(&spec.handler) {
        Some((_, export)) => export.to_string(),
        None => {
            return Ok(Kind::Missing(format!(
                "handler {:?} is not of the form FILE.EXPORT",
                spec.handler
            )));
        }
    };
    if module.has_export(&export) {
        let init = match &spec.initializer {
            None => None,
            Some(i) => match fgs_abi::split_handler(i) {
                Some((_, e)) if module.has_export(e) => Some(e.to_string()),
                _ => {
                    return Ok(Kind::Missing(format!(
                        "the module has no export for initializer {i}"
                    )));
                }
            },
        };
        let exports = Exports::of(module.module(), &export, init.as_deref());
        Ok(Kind::Handler {
            pre,
            in_place,
            export,
            init,
            exports,
        })
    } else if module.has_export(fgs_abi::EXPORT_ALLOC) {
        // A handler module (it speaks fgs-abi) without the handler's export: missing, even
        // when it also exports `_start` (as `#![no_main]` Rust binaries do).
        Ok(Kind::Missing(format!(
            "the module has no export `{export}` for handler {}",
            spec.handler
        )))
    } else if module.has_export(fgs_abi::EXPORT_START) {
        Ok(Kind::Command { pre })
    } else {
        Ok(Kind::Missing(format!(
            "the module has no export `{export}` for handler {} (and no `_start`)",
            spec.handler
        )))
    }
}
