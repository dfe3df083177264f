//! Resolving a version's entry point (DESIGN §3): a handler module exporting the handler, a
//! WASI command exporting `_start`, or code without its entry point (DECISIONS "Runtimes").

use wasmtime::{InstancePre, Linker};

use crate::error::{Error, Result};
use crate::instance::Exports;
use crate::spec::{Code, VersionSpec};
use crate::state::HostState;

/// How a version's code runs.
pub(crate) enum Kind {
    /// A handler module: instances pooled and reused.
    Handler {
        pre: InstancePre<HostState>,
        export: String,
        init: Option<String>,
        exports: Exports,
    },
    /// A WASI command: a new instance per invocation.
    Command { pre: InstancePre<HostState> },
    /// No entry point: every invocation answers this message.
    Missing(String),
}

/// Resolves how `code` runs for `spec`, linking it with `linker` once.
pub(crate) fn resolve(linker: &Linker<HostState>, code: Code, spec: &VersionSpec) -> Result<Kind> {
    let module = match code {
        Code::Missing { file } => {
            return Ok(Kind::Missing(format!(
                "the code package has no file {file} for handler {}",
                spec.handler
            )));
        }
        Code::Module(m) => m,
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
