//! Dependencies (seed §5.3): create, list, get, update and delete the project's dependency
//! packages, and the helpers functions use to name them (`depend_list`).
//!
//! The validation rules and the codes chosen where the seed is silent are listed in
//! [`fgs_core::dependency`]. A `depend_type: obs` package is read from the local disk: the
//! `depend_link` is a path or a `file://` URL (any other scheme is 400 FSS.1010, an
//! unreadable file 400 FSS.1024). A dependency named in the `depend_list` of a function's
//! `latest` or of any published version cannot be deleted (412 FSS.1033).

use std::sync::Arc;

use fgs_core::dependency::{
    Dependency, DependencyInfo, DependencyRequest, DependencySource, ListDependenciesQuery,
    ListDependenciesResponse, MAX_DEPENDENCIES_PER_FUNCTION, UpdateDependencyResponse,
};
use fgs_core::function::FunctionDependency;
use fgs_core::{ErrorKind, Result};

use crate::Emulator;
use crate::state::State;

impl Emulator {
    /// Creates a dependency (seed §5.3.2) from a Base64 ZIP (`zip`) or a package read from
    /// disk (`obs`), and returns it with `version` 1.
    ///
    /// Errors: FSS.1032 bad `depend_type`; FSS.1024 bad name, missing or invalid package;
    /// FSS.1005 bad runtime; FSS.1019 description over 512 characters; FSS.1010 a remote
    /// `depend_link`; FSS.1023 package over `Limits::max_code_package_size`; FSS.1045 more
    /// than `Limits::max_dependencies`; FSS.1065 a dependency of that name exists.
    pub fn create_dependency(&self, req: DependencyRequest) -> Result<DependencyInfo> {
        let valid = req.validate()?;
        let (package, link) = self.load_package(&valid.source)?;
        let now = fgs_core::timefmt::epoch_seconds(self.now());
        let mut state = self.inner.state.write();
        let max = self.limits().max_dependencies;
        if state.dependencies.len() >= max {
            return Err(ErrorKind::DependencyQuotaExceeded.with(format!(
                "the project already has {} dependencies, the maximum is {max}",
                state.dependencies.len()
            )));
        }
        check_unique_name(&state, &valid.name, None)?;
        let id = self.inner.random.uuid();
        let owner = self.inner.settings.domain_id.clone();
        let link = link.unwrap_or_else(|| self.zip_link(&owner, &id));
        let info = DependencyInfo {
            id: id.clone(),
            owner,
            link,
            runtime: valid.runtime,
            etag: fgs_core::dependency::md5_hex(&package),
            size: package.len() as u64,
            file_name: format!("{}.zip", valid.name),
            name: valid.name,
            description: valid.description,
            version: 1,
            last_modified: now,
        };
        let mut tx = self.tx(&state);
        tx.dependency(&state, &id);
        let seq = state.next_seq();
        state.dependencies.insert(
            id,
            Dependency {
                info: info.clone(),
                package: Arc::new(package),
                seq,
            },
        );
        tx.commit(&mut state)?;
        Ok(info)
    }

    /// Lists dependencies (seed §5.3.1) with the `ispublic`, `dependency_type`, `runtime` and
    /// `name` filters, in creation order, paged by `marker` / `maxitems` / `limit` (see
    /// [`ListDependenciesQuery::resolve`]). `count` is the number of matches and
    /// `next_marker` = min(marker + page size, count). A bad query value is 400 FSS.1001.
    pub fn list_dependencies(
        &self,
        query: ListDependenciesQuery,
    ) -> Result<ListDependenciesResponse> {
        let filter = query.resolve()?;
        let state = self.inner.state.read();
        let mut matches: Vec<&Dependency> = state
            .dependencies
            .values()
            .filter(|d| filter.matches(&d.info))
            .collect();
        matches.sort_by_key(|d| d.seq);
        let count = matches.len();
        let start = filter.offset.min(count);
        let end = start.saturating_add(filter.page_size).min(count);
        Ok(ListDependenciesResponse {
            dependencies: matches[start..end].iter().map(|d| d.info.clone()).collect(),
            next_marker: end as i64,
            count: count as i64,
        })
    }

    /// One dependency (seed §5.3.4); 404 FSS.1056 if it does not exist.
    pub fn get_dependency(&self, depend_id: &str) -> Result<DependencyInfo> {
        let state = self.inner.state.read();
        Ok(dependency(&state, depend_id)?.info.clone())
    }

    /// Replaces a dependency's package and fields (seed §5.3.5, same body rules as create):
    /// `etag`, `size`, `link` and `file_name` are recomputed, `version` goes up by one and
    /// `last_modified` is refreshed. The response has no `version` or `last_modified`
    /// (Table 5-72). 404 FSS.1056 for an unknown id; 409 FSS.1065 for a name another
    /// dependency has.
    pub fn update_dependency(
        &self,
        depend_id: &str,
        req: DependencyRequest,
    ) -> Result<UpdateDependencyResponse> {
        dependency(&self.inner.state.read(), depend_id)?;
        let valid = req.validate()?;
        let (package, link) = self.load_package(&valid.source)?;
        let now = fgs_core::timefmt::epoch_seconds(self.now());
        let mut state = self.inner.state.write();
        check_unique_name(&state, &valid.name, Some(depend_id))?;
        let mut tx = self.tx(&state);
        tx.dependency(&state, depend_id);
        let entry = state
            .dependencies
            .get_mut(depend_id)
            .ok_or_else(|| not_found(depend_id))?;
        let info = &mut entry.info;
        info.link = link.unwrap_or_else(|| self.zip_link(&info.owner, &info.id));
        info.runtime = valid.runtime;
        info.etag = fgs_core::dependency::md5_hex(&package);
        info.size = package.len() as u64;
        info.file_name = format!("{}.zip", valid.name);
        info.name = valid.name;
        info.description = valid.description;
        info.version += 1;
        info.last_modified = now;
        entry.package = Arc::new(package);
        let answer = entry.info.clone().into();
        tx.commit(&mut state)?;
        Ok(answer)
    }

    /// Deletes a dependency (seed §5.3.3). 404 FSS.1056 for an unknown id; 412 FSS.1033 while
    /// the `depend_list` of any function's `latest` or published version names it.
    pub fn delete_dependency(&self, depend_id: &str) -> Result<()> {
        let mut state = self.inner.state.write();
        dependency(&state, depend_id)?;
        for entry in state.functions.values() {
            let users = std::iter::once(&entry.latest).chain(entry.versions.values());
            for v in users {
                if v.config
                    .depend_list
                    .as_ref()
                    .is_some_and(|l| l.iter().any(|d| d == depend_id))
                {
                    return Err(ErrorKind::DependencyInUse.with(format!(
                        "dependency '{depend_id}' is used by version '{}' of function '{}:{}'",
                        v.config.version, v.config.package, v.config.func_name
                    )));
                }
            }
        }
        let mut tx = self.tx(&state);
        tx.dependency(&state, depend_id);
        state.dependencies.remove(depend_id);
        tx.commit(&mut state)
    }

    /// The package bytes and the `link` to record (`Some` for `obs`, whose link is kept as
    /// sent). Checks the size (FSS.1023) and the ZIP (FSS.1024).
    fn load_package(&self, source: &DependencySource) -> Result<(Vec<u8>, Option<String>)> {
        let max = self.limits().max_code_package_size;
        let too_large = |size: u64| {
            ErrorKind::FileTooLarge.with(format!(
                "the dependency package has {size} bytes, more than {max}"
            ))
        };
        let (bytes, link) = match source {
            DependencySource::Zip(file) => {
                // Base64 holds 3 bytes per 4 characters: reject a huge body before decoding.
                if (file.len() as u64 / 4).saturating_mul(3) > max.saturating_add(3) {
                    return Err(too_large(file.len() as u64 / 4 * 3));
                }
                (fgs_core::dependency::decode_depend_file(file)?, None)
            }
            DependencySource::Obs(link) => {
                let path = local_path(link)?;
                let meta = std::fs::metadata(&path).map_err(|e| {
                    ErrorKind::InvalidDependency
                        .with(format!("depend_link '{link}' cannot be read: {e}"))
                })?;
                if meta.len() > max {
                    return Err(too_large(meta.len()));
                }
                let bytes = std::fs::read(&path).map_err(|e| {
                    ErrorKind::InvalidDependency
                        .with(format!("depend_link '{link}' cannot be read: {e}"))
                })?;
                (bytes, Some(link.clone()))
            }
        };
        if bytes.len() as u64 > max {
            return Err(too_large(bytes.len() as u64));
        }
        fgs_core::dependency::check_zip(&bytes)?;
        Ok((bytes, link))
    }

    /// The `link` of an uploaded (`zip`) package, shaped like the seed's example
    /// (`https://{bucket}.{obs_endpoint}/depends/<owner>/<id>.zip`).
    fn zip_link(&self, owner: &str, id: &str) -> String {
        format!(
            "https://fgs-local.obs.{}.local/depends/{owner}/{id}.zip",
            self.region()
        )
    }
}

/// A stored dependency by id, 404 FSS.1056 if absent.
fn dependency<'a>(state: &'a State, id: &str) -> Result<&'a Dependency> {
    state.dependencies.get(id).ok_or_else(|| not_found(id))
}

fn not_found(id: &str) -> fgs_core::Error {
    ErrorKind::DependencyNotFound.with(format!("dependency '{id}' does not exist"))
}

/// 409 FSS.1065 when a dependency other than `except` is called `name`.
fn check_unique_name(state: &State, name: &str, except: Option<&str>) -> Result<()> {
    match state
        .dependencies
        .values()
        .find(|d| d.info.name == name && Some(d.info.id.as_str()) != except)
    {
        Some(d) => Err(ErrorKind::DependencyExists.with(format!(
            "a dependency named '{name}' already exists (id '{}')",
            d.info.id
        ))),
        None => Ok(()),
    }
}

/// The local file a `depend_link` names: a plain path, or a `file://` URL (host empty or
/// `localhost`, `%XX` escapes decoded). Other URLs are 400 FSS.1010: the emulator has no OBS.
fn local_path(link: &str) -> Result<std::path::PathBuf> {
    let invalid = |why: &str| ErrorKind::InvalidUrl.with(format!("depend_link '{link}' {why}"));
    if let Some(rest) = link.strip_prefix("file://") {
        let path = rest.strip_prefix("localhost").unwrap_or(rest);
        if !path.starts_with('/') {
            return Err(invalid("must be a file:// URL with an absolute path"));
        }
        let decoded = percent_decode(path).ok_or_else(|| invalid("has a bad %-escape"))?;
        return Ok(decoded.into());
    }
    if link.contains("://") {
        return Err(invalid(
            "is a remote URL; the emulator reads packages from a local path or file:// URL",
        ));
    }
    Ok(link.into())
}

/// Decodes `%XX` escapes; `None` for a malformed escape or non-UTF-8 result.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Expands a function's `depend_list` into the `dependencies` objects it embeds (seed
/// Table 1-5), every field filled, in list order.
///
/// An unknown id is 400 FSS.1024 ("Invalid dependency"): the path names the function, which
/// exists, and it is the request body that is wrong; FSS.1056 (404) is kept for a dependency
/// named in the path (§5.3.3-§5.3.5). A repeated id, or more than
/// [`MAX_DEPENDENCIES_PER_FUNCTION`] ids, is FSS.1024 as well.
pub(crate) fn expand_depend_list(state: &State, ids: &[String]) -> Result<Vec<FunctionDependency>> {
    if ids.len() > MAX_DEPENDENCIES_PER_FUNCTION {
        return Err(ErrorKind::InvalidDependency.with(format!(
            "depend_list names {} dependencies, the maximum is {MAX_DEPENDENCIES_PER_FUNCTION}",
            ids.len()
        )));
    }
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            if ids[..i].contains(id) {
                return Err(ErrorKind::InvalidDependency
                    .with(format!("depend_list names dependency '{id}' twice")));
            }
            let dep = state.dependencies.get(id).ok_or_else(|| {
                ErrorKind::InvalidDependency.with(format!(
                    "depend_list names dependency '{id}', which does not exist"
                ))
            })?;
            Ok(dep.info.to_function_dependency())
        })
        .collect()
}

/// The ZIP package of a dependency (404 FSS.1056 if absent).
pub(crate) fn dependency_package(state: &State, id: &str) -> Result<Arc<Vec<u8>>> {
    Ok(dependency(state, id)?.package.clone())
}

/// The files a guest sees under [`fgs_core::dependency::DEPENDENCY_MOUNT_DIR`] for a
/// `depend_list`: every dependency's ZIP unpacked in list order, a later file replacing an
/// earlier one at the same relative path. Paths are relative (`a/b.txt`), sorted.
pub(crate) fn dependency_files(
    state: &State,
    ids: &[String],
) -> Result<std::collections::BTreeMap<String, Arc<Vec<u8>>>> {
    let mut files = std::collections::BTreeMap::new();
    for id in ids {
        let package = dependency_package(state, id)?;
        for (path, content) in fgs_core::dependency::unpack_zip(&package)? {
            files.insert(path, Arc::new(content));
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    //! Crate-internal checks of the helpers other modules call; the API itself is tested in
    //! `tests/all/dependencies.rs`.
    use super::*;
    use fgs_core::clock::ManualClock;
    use fgs_core::dependency::DependencyRequest;
    use fgs_core::function::CreateFunctionRequest;

    fn zip(files: &[(&str, &[u8])]) -> Vec<u8> {
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

    fn setup() -> (Emulator, DependencyInfo, DependencyInfo) {
        use base64::Engine as _;
        let clock = Arc::new(ManualClock::at_rfc3339("2024-05-01T12:00:00Z").unwrap());
        let emu = Emulator::builder().clock(clock).seed(1).build().unwrap();
        let mk = |name: &str, files: &[(&str, &[u8])]| {
            emu.create_dependency(DependencyRequest {
                depend_type: Some("zip".into()),
                depend_file: Some(base64::engine::general_purpose::STANDARD.encode(zip(files))),
                runtime: Some("Python3.6".into()),
                name: Some(name.into()),
                description: Some("d".into()),
                ..Default::default()
            })
            .unwrap()
        };
        let a = mk("dep-a", &[("lib/x.py", b"a"), ("common.txt", b"from a")]);
        let b = mk("dep-b", &[("common.txt", b"from b")]);
        (emu, a, b)
    }

    #[test]
    fn expand_fills_every_field_in_order() {
        let (emu, a, b) = setup();
        let state = emu.inner.state.read();
        let got = expand_depend_list(&state, &[b.id.clone(), a.id.clone()]).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].id.as_deref(), Some(b.id.as_str()));
        let x = &got[1];
        assert_eq!(x.owner, a.owner);
        assert_eq!(x.link, a.link);
        assert_eq!(x.runtime, "Python3.6");
        assert_eq!(x.etag, a.etag);
        assert_eq!(x.size, a.size);
        assert_eq!(x.name, "dep-a");
        assert_eq!(x.description, "d");
        assert_eq!(x.file_name, "dep-a.zip");
    }

    #[test]
    fn expand_rejects_unknown_repeated_and_too_many_ids_with_fss_1024() {
        let (emu, a, _) = setup();
        let state = emu.inner.state.read();
        for ids in [
            vec!["nope".to_owned()],
            vec![a.id.clone(), a.id.clone()],
            vec![a.id.clone(); MAX_DEPENDENCIES_PER_FUNCTION + 1],
        ] {
            let err = expand_depend_list(&state, &ids).unwrap_err();
            assert_eq!((err.code(), err.status()), ("FSS.1024", 400), "{ids:?}");
        }
    }

    #[test]
    fn files_overlay_in_list_order() {
        let (emu, a, b) = setup();
        let state = emu.inner.state.read();
        let files = dependency_files(&state, &[a.id.clone(), b.id.clone()]).unwrap();
        assert_eq!(files.keys().collect::<Vec<_>>(), ["common.txt", "lib/x.py"]);
        assert_eq!(files["common.txt"].as_slice(), b"from b");
        assert_eq!(
            dependency_package(&state, &a.id).unwrap().len() as u64,
            a.size
        );
        let err = dependency_package(&state, "nope").unwrap_err();
        assert_eq!(err.code(), "FSS.1056");
    }

    /// §5.3.3: FSS.1033 while a function (latest or a published version) names the
    /// dependency. No public API sets `depend_list` in this crate yet, so the reference is
    /// written into the state directly.
    #[test]
    fn delete_refused_while_a_function_names_the_dependency() {
        let (emu, a, _) = setup();
        emu.create_function(CreateFunctionRequest {
            func_name: "f".into(),
            package: "default".into(),
            runtime: "Custom".into(),
            timeout: 3,
            handler: "index.handler".into(),
            memory_size: 128,
            code_type: "inline".into(),
            ..Default::default()
        })
        .unwrap();
        let set = |list: Option<Vec<String>>| {
            let mut state = emu.inner.state.write();
            let entry = state.functions.values_mut().next().unwrap();
            entry.latest.config.depend_list = list;
        };
        set(Some(vec![a.id.clone()]));
        let err = emu.delete_dependency(&a.id).unwrap_err();
        assert_eq!((err.code(), err.status()), ("FSS.1033", 412));
        // A published version keeps the reference after latest drops it.
        emu.publish_version("f", Default::default()).unwrap();
        set(None);
        let err = emu.delete_dependency(&a.id).unwrap_err();
        assert_eq!((err.code(), err.status()), ("FSS.1033", 412));
        {
            let mut state = emu.inner.state.write();
            let entry = state.functions.values_mut().next().unwrap();
            entry.versions.clear();
        }
        emu.delete_dependency(&a.id).unwrap();
        assert_eq!(emu.get_dependency(&a.id).unwrap_err().code(), "FSS.1056");
    }
}
