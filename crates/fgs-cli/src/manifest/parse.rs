//! Reading a manifest: the format from the extension, the parser's own line for syntax and
//! type errors (toml spans, serde_yaml locations), and the line of the function a checked
//! rule is about (found in the text: the first `name` line with that value after the
//! previous function's).

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use super::code::{Code, CodeSource};
use super::{FunctionSpec, Manifest, RawFunction, RawManifest};

/// The manifest's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.toml`
    Toml,
    /// `.yaml` or `.yml`
    Yaml,
}

impl Format {
    /// The format for `path`'s extension.
    pub fn of(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "toml" => Some(Format::Toml),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }
}

/// A manifest that cannot be used: the message says where (`file:line`) and what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError(pub String);

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ManifestError {}

pub(super) fn load(path: &Path) -> Result<Manifest, ManifestError> {
    let origin = path.display().to_string();
    let format = Format::of(path).ok_or_else(|| {
        ManifestError(format!(
            "{origin}: unknown manifest format: name the file *.toml, *.yaml or *.yml"
        ))
    })?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| ManifestError(format!("cannot read manifest {origin}: {e}")))?;
    let base = path.parent().unwrap_or(Path::new("."));
    parse(&text, format, &origin, base)
}

pub(super) fn parse(
    text: &str,
    format: Format,
    origin: &str,
    base_dir: &Path,
) -> Result<Manifest, ManifestError> {
    let raw: RawManifest = match format {
        Format::Toml => toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| line_at(text, s.start));
            ManifestError(format!("{}: {}", at(origin, line), e.message().trim()))
        })?,
        Format::Yaml => serde_yaml::from_str(text).map_err(|e| {
            let line = e.location().map_or(0, |l| l.line());
            let msg = e.to_string();
            // serde_yaml appends " at line L column C"; the line is in front already.
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
            ManifestError(format!("{}: {msg}", at(origin, line)))
        })?,
    };
    let mut functions = Vec::new();
    let mut seen = BTreeSet::new();
    let mut from = 0;
    for f in raw.functions {
        let line = find_line(text, from, "name", &f.name).unwrap_or(0);
        if line > 0 {
            from = line;
        }
        let spec = resolve(f, line, text, origin, base_dir)?;
        if !seen.insert((spec.package.clone(), spec.name.clone())) {
            return Err(ManifestError(format!(
                "{}: function '{}' is declared twice: give each function its own name",
                at(origin, line),
                spec.name
            )));
        }
        functions.push(spec);
    }
    Ok(Manifest {
        origin: origin.to_owned(),
        functions,
    })
}

/// Checks what can be checked before any request, and loads the code.
fn resolve(
    f: RawFunction,
    line: usize,
    text: &str,
    origin: &str,
    base_dir: &Path,
) -> Result<FunctionSpec, ManifestError> {
    let err = |line: usize, msg: String| ManifestError(format!("{}: {msg}", at(origin, line)));
    if f.name.trim().is_empty() {
        return Err(err(line, "a function has an empty `name`".into()));
    }
    let source = match &f.code {
        None => CodeSource::Builtin,
        Some(p) => {
            let code_line = find_line(text, line, "code", &p.to_string_lossy()).unwrap_or(line);
            Code::source_for(p, base_dir).map_err(|m| err(code_line, m))?
        }
    };
    let code = Code::load(source).map_err(|m| err(line, m))?;
    let versions: BTreeSet<&str> = f.versions.iter().map(|v| v.version.as_str()).collect();
    for alias in &f.aliases {
        let alias_line = find_line(text, line, "name", &alias.name).unwrap_or(line);
        for v in std::iter::once(&alias.version).chain(alias.weights.keys()) {
            if v != "latest" && !versions.contains(v.as_str()) {
                return Err(err(
                    alias_line,
                    format!(
                        "alias '{}' of function '{}' names version '{v}', which the manifest does not publish: add `[[functions.versions]] version = \"{v}\"` (or use \"latest\")",
                        alias.name, f.name
                    ),
                ));
            }
        }
        let total: i64 = alias.weights.values().sum();
        if alias.weights.values().any(|w| *w < 0) || total > 100 {
            return Err(err(
                alias_line,
                format!(
                    "alias '{}': weights must be 0 to 100 and add up to at most 100 (they add up to {total})",
                    alias.name
                ),
            ));
        }
    }
    for t in &f.triggers {
        if !t.event_data.is_object() {
            return Err(err(
                line,
                format!(
                    "a {} trigger of function '{}' needs an `event_data` table",
                    t.trigger_type, f.name
                ),
            ));
        }
        if t.status != "ACTIVE" && t.status != "DISABLED" {
            return Err(err(
                find_line(text, line, "status", &t.status).unwrap_or(line),
                format!("trigger status '{}' must be ACTIVE or DISABLED", t.status),
            ));
        }
    }
    Ok(FunctionSpec {
        name: f.name,
        package: f.package,
        runtime: f.runtime,
        handler: f.handler,
        memory_size: f.memory_size,
        timeout: f.timeout,
        code,
        user_data: f.user_data,
        initializer_handler: f.initializer_handler,
        initializer_timeout: f.initializer_timeout,
        description: f.description,
        versions: f.versions,
        aliases: f.aliases,
        triggers: f.triggers,
        async_config: f.async_config,
        line,
    })
}

fn at(origin: &str, line: usize) -> String {
    if line == 0 {
        origin.to_owned()
    } else {
        format!("{origin}:{line}")
    }
}

/// The 1-based line holding byte `offset`.
fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The first line after line `after` (1-based; 0 = from the start) that sets `key` to
/// `value` in TOML (`key = "value"`) or YAML (`key: value`, `- key: "value"`).
fn find_line(text: &str, after: usize, key: &str, value: &str) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(after)
        .find(|(_, l)| {
            let l = l.trim_start().trim_start_matches("- ").trim_start();
            let Some(rest) = l.strip_prefix(key) else {
                return false;
            };
            let rest = rest.trim_start();
            let Some(rest) = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')) else {
                return false;
            };
            let v = rest.split('#').next().unwrap_or("").trim();
            v.trim_matches(|c| c == '"' || c == '\'') == value
        })
        .map(|(i, _)| i + 1)
}
