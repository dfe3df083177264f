//! The durable [`Store`]: one [redb](https://docs.rs/redb) database file, `state.redb`, in
//! the state directory, beside a `FORMAT` file that records the store's format version.
//!
//! redb was chosen over SQLite: it is pure Rust (no C toolchain, no bundled C library to
//! build), it is an ACID key-value store with copy-on-write B-trees whose commits are crash
//! safe (a commit is fsynced before it returns, and a torn write leaves the previous commit),
//! and the emulator needs only keyed records, not SQL.

use std::fs;
use std::path::{Path, PathBuf};

use fgs_core::{ErrorKind, Result};
use redb::{Database, ReadableTable, TableDefinition};

use super::{Store, Table, Write};

/// The store format this build writes and reads.
pub(crate) const FORMAT_VERSION: u32 = 1;
const FORMAT_FILE: &str = "FORMAT";
const FORMAT_PREFIX: &str = "fgs-local state format ";
const DB_FILE: &str = "state.redb";

fn definition(table: Table) -> TableDefinition<'static, &'static str, &'static [u8]> {
    TableDefinition::new(match table {
        Table::Meta => "meta",
        Table::Functions => "functions",
        Table::Code => "code",
        Table::Dependencies => "dependencies",
        Table::DependencyPackages => "dependency_packages",
        Table::Async => "async",
        Table::Ticks => "timer_ticks",
    })
}

/// A redb database in a state directory.
#[derive(Debug)]
pub(crate) struct RedbStore {
    db: Database,
    file: PathBuf,
}

fn failed(file: &Path, what: &str, e: impl std::fmt::Display) -> fgs_core::Error {
    ErrorKind::Internal.with(format!("state store '{}': {what}: {e}", file.display()))
}

impl RedbStore {
    /// Opens (or creates) the store in `dir`. A directory of another format version, or a
    /// database file that is not a readable redb file, is an error naming the file.
    pub(crate) fn open(dir: &Path) -> Result<RedbStore> {
        fs::create_dir_all(dir).map_err(|e| failed(dir, "cannot create the directory", e))?;
        let format = dir.join(FORMAT_FILE);
        let file = dir.join(DB_FILE);
        let fresh = match fs::read_to_string(&format) {
            Ok(text) => {
                check_format(&format, &text)?;
                // A store that existed must still have its database file.
                match fs::metadata(&file) {
                    Ok(m) if m.len() > 0 => {}
                    Ok(_) => return Err(failed(&file, "cannot open", "the file is empty")),
                    Err(e) => return Err(failed(&file, "cannot open", e)),
                }
                false
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if file.exists() {
                    return Err(failed(
                        &format,
                        "missing",
                        "the directory holds a state store without its format file",
                    ));
                }
                true
            }
            Err(e) => return Err(failed(&format, "cannot read", e)),
        };
        // redb's own checks turn damage into errors; the catch keeps a panic inside the
        // library from taking the process down with a damaged file.
        let opened = std::panic::catch_unwind(|| {
            if fresh {
                Database::create(&file)
            } else {
                Database::open(&file)
            }
        })
        .map_err(|_| failed(&file, "cannot open", "the file is damaged"))?;
        let db = opened.map_err(|e| failed(&file, "cannot open (corrupt or truncated?)", e))?;
        let store = RedbStore { db, file };
        store.create_tables()?;
        if fresh {
            // Written last: a directory with a FORMAT file always has its database.
            write_format(&format)?;
        }
        Ok(store)
    }

    fn create_tables(&self) -> Result<()> {
        let txn = self.db.begin_write().map_err(|e| self.err("begin", e))?;
        for table in Table::ALL {
            txn.open_table(definition(table))
                .map_err(|e| self.err("open table", e))?;
        }
        txn.commit().map_err(|e| self.err("commit", e))
    }

    fn err(&self, what: &str, e: impl std::fmt::Display) -> fgs_core::Error {
        failed(&self.file, what, e)
    }
}

fn check_format(format: &Path, text: &str) -> Result<()> {
    let version = text
        .trim()
        .strip_prefix(FORMAT_PREFIX)
        .and_then(|v| v.parse::<u32>().ok());
    match version {
        Some(FORMAT_VERSION) => Ok(()),
        Some(v) => Err(failed(
            format,
            "unknown format version",
            format!("version {v}; this build reads version {FORMAT_VERSION} only"),
        )),
        None => Err(failed(
            format,
            "unreadable format file",
            format!("expected '{FORMAT_PREFIX}<n>'"),
        )),
    }
}

fn write_format(format: &Path) -> Result<()> {
    let text = format!("{FORMAT_PREFIX}{FORMAT_VERSION}\n");
    fs::write(format, text).map_err(|e| failed(format, "cannot write", e))
}

impl Store for RedbStore {
    fn durable(&self) -> bool {
        true
    }

    fn commit(&self, writes: Vec<Write>) -> Result<()> {
        if writes.is_empty() {
            return Ok(());
        }
        let txn = self.db.begin_write().map_err(|e| self.err("begin", e))?;
        for w in &writes {
            let mut table = txn
                .open_table(definition(w.table))
                .map_err(|e| self.err("open table", e))?;
            match &w.value {
                Some(value) => {
                    if w.if_absent
                        && table
                            .get(w.key.as_str())
                            .map_err(|e| self.err("read", e))?
                            .is_some()
                    {
                        continue;
                    }
                    table
                        .insert(w.key.as_str(), value.as_bytes())
                        .map_err(|e| self.err("write", e))?;
                }
                None => {
                    table
                        .remove(w.key.as_str())
                        .map_err(|e| self.err("delete", e))?;
                }
            }
        }
        txn.commit().map_err(|e| self.err("commit", e))
    }

    fn load(&self, table: Table) -> Result<Vec<(String, Vec<u8>)>> {
        let txn = self.db.begin_read().map_err(|e| self.err("begin", e))?;
        let t = txn
            .open_table(definition(table))
            .map_err(|e| self.err("open table", e))?;
        let mut rows = Vec::new();
        for row in t.iter().map_err(|e| self.err("read", e))? {
            let (k, v) = row.map_err(|e| self.err("read", e))?;
            rows.push((k.value().to_owned(), v.value().to_vec()));
        }
        Ok(rows)
    }
}
