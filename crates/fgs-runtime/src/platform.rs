//! Many projects on one engine: the [`Platform`] that `fgs-local serve` answers for.
//!
//! FunctionGraph's REST API names its project in every path (`/v2/{project_id}/fgs/...`).
//! A [`Platform`] keeps one [`Emulator`] per project id, made on first use from one template
//! [`EmulatorBuilder`], so each project's functions, versions, aliases, triggers and
//! configurations are its own: nothing of project A is visible or changeable from project B
//! (DESIGN §6). All projects share one executor (wasmtime engine, compiled-module cache and
//! instance pool), so a second project costs no second engine; a guest's sub-function call
//! (seed example 4.4) runs in its caller's project.
//!
//! A project is made by the first request that names it, so a platform holds at most
//! [`DEFAULT_MAX_PROJECTS`] projects (each has its own scheduler thread and, with a state
//! dir, its own store): a request naming one more is 403 FSS.0403 saying so
//! ([`Platform::set_max_projects`]; projects restored from a state dir always open).
//!
//! With a [`EmulatorBuilder::state_dir`] on the template, each project keeps its state in its
//! own store under `DIR/projects/<project id>/`, and [`Platform::new`] restores every project
//! found there (issue 10).
//!
//! ```
//! use fgs_runtime::{Emulator, Platform};
//!
//! let platform = Platform::new(Emulator::builder().seed(1))?;
//! let a = platform.project("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")?;
//! let b = platform.project("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")?;
//! a.create_function(serde_json::from_value(serde_json::json!({
//!     "func_name": "only-in-a", "package": "default", "runtime": "Custom", "timeout": 3,
//!     "handler": "index.handler", "memory_size": 128, "code_type": "inline"
//! })).unwrap())?;
//! assert!(a.get_function_config("only-in-a").is_ok());
//! assert_eq!(b.get_function_config("only-in-a").unwrap_err().code(), "FSS.1051");
//! # Ok::<(), fgs_runtime::Error>(())
//! ```

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};

use fgs_core::Result;
use fgs_executor::fgs_abi::Context;
use fgs_executor::{SubInvokeResult, SubInvoker};
use parking_lot::RwLock;

use crate::emulator::{Emulator, EmulatorBuilder};
use crate::invoke::ExecCell;

/// One emulator per project id, all on one shared executor. Cheap to clone; clones share
/// the projects. Background work (each project's scheduler thread, the epoch ticker) stops
/// when the last handle is dropped.
#[derive(Clone, Debug)]
pub struct Platform {
    inner: Arc<PlatformInner>,
}

#[derive(Debug)]
struct PlatformInner {
    template: EmulatorBuilder,
    /// The template's seed, if any: each project's seed is derived from it and its id.
    seed: Option<u64>,
    default_project: String,
    cell: Arc<ExecCell>,
    projects: RwLock<BTreeMap<String, Emulator>>,
    /// The most projects requests may make ([`Platform::set_max_projects`]).
    max_projects: AtomicUsize,
}

/// How many projects a [`Platform`] makes at most, unless [`Platform::set_max_projects`] says
/// otherwise.
pub const DEFAULT_MAX_PROJECTS: usize = 100;

/// Runs a guest's sub-function call in the caller's project.
struct PlatformInvoker(Weak<PlatformInner>);

impl SubInvoker for PlatformInvoker {
    fn invoke(&self, caller: &Context, urn: &str, event: &[u8]) -> SubInvokeResult {
        let Some(inner) = self.0.upgrade() else {
            return SubInvokeResult::Failed("the platform is shut down".into());
        };
        let emu = inner.projects.read().get(&caller.project_id).cloned();
        match emu {
            Some(emu) => crate::invoke::sub_invoke_for(&emu, caller, urn, event),
            None => SubInvokeResult::Failed(format!("unknown project '{}'", caller.project_id)),
        }
    }
}

impl Platform {
    /// A platform whose projects are built from `template` (its project id is the default
    /// project, made at once so that bad settings fail here). Every setting of the template
    /// applies to every project; a seeded template gives each project its own seed, derived
    /// from the template's and the project id.
    pub fn new(template: EmulatorBuilder) -> Result<Platform> {
        let default_project = template.project_id_value().to_owned();
        let seed = template.seed_value();
        let inner = Arc::new_cyclic(|weak: &Weak<PlatformInner>| PlatformInner {
            template,
            seed,
            default_project,
            cell: Arc::new(ExecCell::with_invoker(Arc::new(PlatformInvoker(
                weak.clone(),
            )))),
            projects: RwLock::new(BTreeMap::new()),
            max_projects: AtomicUsize::new(DEFAULT_MAX_PROJECTS),
        });
        let platform = Platform { inner };
        platform.open_project(&platform.inner.default_project.clone(), None)?;
        // With a state dir, every project kept there is restored now (whatever the limit).
        for id in platform.stored_project_ids()? {
            platform.open_project(&id, None)?;
        }
        Ok(platform)
    }

    /// Sets how many projects requests may make (default [`DEFAULT_MAX_PROJECTS`]); projects
    /// already made stay.
    pub fn set_max_projects(&self, n: usize) {
        self.inner.max_projects.store(n, Ordering::Relaxed);
    }

    /// The project id of the template (the default project).
    pub fn default_project_id(&self) -> &str {
        &self.inner.default_project
    }

    /// The default project's emulator.
    pub fn default_project(&self) -> Emulator {
        self.existing(&self.inner.default_project)
            .expect("the default project is made by Platform::new")
    }

    /// The emulator of project `id`, made on first use. An id that is empty, longer than
    /// 64 characters, or holds anything but ASCII letters, digits, `-` and `_` is 400
    /// FSS.0400 (it would not fit in a URN); a new project beyond the platform's limit
    /// ([`Platform::set_max_projects`]) is 403 FSS.0403.
    pub fn project(&self, id: &str) -> Result<Emulator> {
        let max = self.inner.max_projects.load(Ordering::Relaxed);
        self.open_project(id, Some(max))
    }

    /// [`Platform::project`], making a new project only while fewer than `max` exist.
    fn open_project(&self, id: &str, max: Option<usize>) -> Result<Emulator> {
        if let Some(emu) = self.existing(id) {
            return Ok(emu);
        }
        check_project_id(id)?;
        let mut projects = self.inner.projects.write();
        if let Some(emu) = projects.get(id) {
            return Ok(emu.clone());
        }
        if let Some(max) = max
            && projects.len() >= max
        {
            return Err(fgs_core::ErrorKind::Forbidden.with(format!(
                "project '{id}' would be project {} of this server, which holds at most {max} \
                 (`fgs-local serve --max-projects`); use an existing project id",
                projects.len() + 1
            )));
        }
        let mut builder = self.inner.template.clone().project_id(id);
        if let Some(seed) = self.inner.seed {
            builder = builder.seed(seed ^ fnv1a(id));
        }
        if let Some(dir) = self.inner.template.state_dir_value() {
            builder = builder.state_dir(project_dir(dir, id));
        }
        builder.exec_cell = Some(self.inner.cell.clone());
        let emu = builder.build()?;
        projects.insert(id.to_owned(), emu.clone());
        Ok(emu)
    }

    /// The emulator of project `id` if it was made already.
    pub fn existing(&self, id: &str) -> Option<Emulator> {
        self.inner.projects.read().get(id).cloned()
    }

    /// The ids of the projects made so far, in order.
    pub fn project_ids(&self) -> Vec<String> {
        self.inner.projects.read().keys().cloned().collect()
    }
}

/// 400 FSS.0400 unless `id` can be a project id.
/// Where a project's state is kept under a platform's state dir: `DIR/projects/<id>` (a
/// checked project id is a valid directory name).
fn project_dir(dir: &std::path::Path, id: &str) -> std::path::PathBuf {
    dir.join("projects").join(id)
}

impl Platform {
    /// The projects that have a store under the template's state dir.
    fn stored_project_ids(&self) -> Result<Vec<String>> {
        let Some(dir) = self.inner.template.state_dir_value() else {
            return Ok(Vec::new());
        };
        let root = dir.join("projects");
        let entries = match std::fs::read_dir(&root) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(fgs_core::ErrorKind::Internal.with(format!(
                    "state dir '{}': cannot list projects: {e}",
                    root.display()
                )));
            }
        };
        let mut ids = Vec::new();
        for entry in entries.flatten() {
            if let Some(id) = entry.file_name().to_str()
                && check_project_id(id).is_ok()
                && entry.path().join("FORMAT").is_file()
            {
                ids.push(id.to_owned());
            }
        }
        ids.sort();
        Ok(ids)
    }
}

fn check_project_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(fgs_core::ErrorKind::InvalidParameter.with(format!(
            "project id '{id}' must be 1 to 64 ASCII letters, digits, '-' or '_'"
        )))
    }
}

/// FNV-1a of `s`: a stable per-project seed offset.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_ids_are_checked() {
        let p = Platform::new(Emulator::builder().seed(3).background_scheduler(false)).unwrap();
        for bad in ["", "a:b", "has space", &"x".repeat(65), "ü"] {
            let err = p.project(bad).unwrap_err();
            assert_eq!((err.code(), err.status()), ("FSS.0400", 400), "{bad:?}");
        }
        assert_eq!(p.project_ids(), vec![p.default_project_id().to_owned()]);
        p.project("other").unwrap();
        assert_eq!(p.project_ids().len(), 2);
    }
}
