//! `docket doctor`: a full check of a progress store on demand, and a
//! repair that copies what can still be read into a new store, as Anki's
//! "Check Database" does. The damaged original is never changed: repair
//! renames it (with its `-wal`) to `NAME.damaged-TIMESTAMP` beside the new
//! one, so nothing is lost that was there.

use std::fmt;
use std::path::Path;
use std::path::PathBuf;

use rusqlite::Connection;
use rusqlite::OpenFlags;

use super::StoreError;
use super::StoreResult;
use super::SystemProblem;
use super::migrate;
use super::open;

/// What a full check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoctorReport {
    /// The store checked.
    pub path: PathBuf,
    /// Every problem found (empty when the store is sound), at most 100.
    pub problems: Vec<String>,
    /// Its schema version, if readable.
    pub version: Option<i64>,
    /// Cards kept, if countable.
    pub cards: Option<u64>,
    /// Review-log rows kept, if countable.
    pub reviews: Option<u64>,
    /// File size in bytes.
    pub bytes: u64,
}

impl DoctorReport {
    /// Whether the store is sound.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

impl fmt::Display for DoctorReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = crate::sanitize::clean(&self.path.display().to_string());
        let n = |v: Option<u64>| v.map_or("?".to_string(), |v| v.to_string());
        if self.is_ok() {
            write!(
                f,
                "{path}: no problems found (schema {}, {} cards, {} reviews, {} bytes)",
                self.version.map_or("?".to_string(), |v| v.to_string()),
                n(self.cards),
                n(self.reviews),
                self.bytes
            )
        } else {
            writeln!(f, "{path} is damaged:")?;
            for p in &self.problems {
                writeln!(f, "  - {}", crate::sanitize::clean(p))?;
            }
            write!(
                f,
                "`docket doctor --repair` copies what can be read into a new store and keeps this file as it is"
            )
        }
    }
}

/// One table copied by a repair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopy {
    /// Table name.
    pub table: String,
    /// Rows copied into the new store.
    pub copied: u64,
    /// Whether reading stopped at damage (rows may be missing).
    pub incomplete: bool,
}

/// What a repair did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepairReport {
    /// The store, now the repaired copy.
    pub path: PathBuf,
    /// Where the damaged original was kept, if it was replaced.
    pub kept_as: Option<PathBuf>,
    /// What the check found before the repair.
    pub before: DoctorReport,
    /// Each table copied.
    pub tables: Vec<TableCopy>,
}

impl fmt::Display for RepairReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let clean = |p: &Path| crate::sanitize::clean(&p.display().to_string());
        let Some(kept) = &self.kept_as else {
            return write!(
                f,
                "{}: no problems found; nothing to repair",
                clean(&self.path)
            );
        };
        writeln!(f, "repaired {}:", clean(&self.path))?;
        for t in &self.tables {
            writeln!(
                f,
                "  {}: {} rows copied{}",
                crate::sanitize::clean(&t.table),
                t.copied,
                if t.incomplete {
                    " (some could not be read and are missing)"
                } else {
                    ""
                }
            )?;
        }
        write!(f, "the damaged original is kept as {}", clean(kept))
    }
}

fn system(path: &Path, e: &std::io::Error) -> StoreError {
    StoreError::System {
        path: path.to_path_buf(),
        problem: SystemProblem::of_io(e),
    }
}

fn read_only(path: &Path) -> StoreResult<Connection> {
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::at(path, e))
}

/// Checks a store fully (SQLite's `integrity_check`, the header, the size)
/// without writing to it.
pub fn check(path: &Path) -> StoreResult<DoctorReport> {
    let bytes = std::fs::metadata(path).map_err(|e| system(path, &e))?.len();
    let mut report = DoctorReport {
        path: path.to_path_buf(),
        problems: Vec::new(),
        version: None,
        cards: None,
        reviews: None,
        bytes,
    };
    match open::check_file(path) {
        Ok(()) => {}
        Err(StoreError::System { problem, .. }) => {
            return Err(StoreError::System {
                path: path.to_path_buf(),
                problem,
            });
        }
        Err(e @ (StoreError::Empty { .. } | StoreError::Corrupt { .. })) => {
            report.problems.push(e.to_string());
            return Ok(report);
        }
        Err(StoreError::Damaged { reason, .. }) => report.problems.push(reason),
        Err(e) => report.problems.push(e.to_string()),
    }
    let conn = read_only(path)?;
    conn.busy_timeout(open::BUSY_TIMEOUT)
        .map_err(|e| StoreError::at(path, e))?;
    let verdicts: rusqlite::Result<Vec<String>> = conn
        .prepare("PRAGMA integrity_check(100)")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect());
    match verdicts {
        Ok(v) if v == ["ok"] => {}
        Ok(v) => report.problems.extend(v),
        Err(e) => match SystemProblem::of(&e) {
            Some(problem) => {
                return Err(StoreError::System {
                    path: path.to_path_buf(),
                    problem,
                });
            }
            None => report.problems.push(super::one_line(&e)),
        },
    }
    report.version = migrate::version(&conn).ok();
    let app: Option<i64> = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .ok();
    if app.is_some_and(|a| a != migrate::APPLICATION_ID) {
        report
            .problems
            .push("it is not a docket progress database".into());
    }
    let count = |t: &str| {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .ok()
    };
    report.cards = count("cards");
    report.reviews = count("revlog");
    Ok(report)
}

/// Repairs a damaged store: every row that can still be read is copied
/// into a new store (same schema version; the next open upgrades it as
/// usual), the original and its WAL are renamed to
/// `NAME.damaged-YYYYMMDDTHHMMSSZ`, and the copy takes the original's
/// name. A sound store is left alone. Run it while no session is open.
pub fn repair(path: &Path) -> StoreResult<RepairReport> {
    let before = check(path)?;
    if before.is_ok() {
        return Ok(RepairReport {
            path: path.to_path_buf(),
            kept_as: None,
            before,
            tables: Vec::new(),
        });
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "progress".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.repairing-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let tables = match copy_into(path, &tmp) {
        Ok(t) => t,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let kept = dir.join(format!("{name}.damaged-{stamp}"));
    // The WAL and shared-memory files go with the original, so that the
    // new store never picks up the old one's WAL.
    for suffix in ["-wal", "-shm", ""] {
        let from = PathBuf::from(format!("{}{suffix}", path.display()));
        if from.exists() {
            let to = PathBuf::from(format!("{}{suffix}", kept.display()));
            std::fs::rename(&from, &to).map_err(|e| system(&from, &e))?;
        }
    }
    std::fs::rename(&tmp, path).map_err(|e| system(path, &e))?;
    open::sync_dir(dir);
    Ok(RepairReport {
        path: path.to_path_buf(),
        kept_as: Some(kept),
        before,
        tables,
    })
}

/// Copies the schema and every readable row of `from` into a new file.
fn copy_into(from: &Path, to: &Path) -> StoreResult<Vec<TableCopy>> {
    let src = read_only(from)?;
    let schema: Vec<(String, String, String)> = src
        .prepare(
            "SELECT type, name, sql FROM sqlite_master
             WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type DESC",
        )
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .map_err(|e| StoreError::Damaged {
            path: from.to_path_buf(),
            reason: format!(
                "its list of tables cannot be read ({}); nothing can be saved",
                super::one_line(&e)
            ),
        })?;
    let version = migrate::version(&src).unwrap_or(0);
    let mut dst = Connection::open(to).map_err(|e| StoreError::at(to, e))?;
    let dat = |e| StoreError::at(to, e);
    let tx = dst.transaction().map_err(dat)?;
    let mut copies = Vec::new();
    for (_, name, sql) in schema.iter().filter(|s| s.0 == "table") {
        tx.execute_batch(sql).map_err(dat)?;
        copies.push(copy_table(&src, &tx, name)?);
    }
    if schema.iter().any(|s| s.2.contains("AUTOINCREMENT")) {
        // Keep id counters, so that new rows never reuse an old id.
        let seq = copy_table(&src, &tx, "sqlite_sequence");
        if let Ok(c) = seq {
            copies.push(c);
        }
    }
    if schema.iter().any(|s| s.0 == "table" && s.1 == "log_cache") {
        // Copies derived from the log describe the log before the damage:
        // they are rebuilt from what was saved.
        tx.execute_batch("DELETE FROM log_cache").map_err(dat)?;
    }
    for (_, _, sql) in schema.iter().filter(|s| s.0 != "table") {
        // An index whose rows were lost is rebuilt from the table rows.
        tx.execute_batch(sql).map_err(dat)?;
    }
    tx.execute_batch(&format!(
        "PRAGMA application_id = {}; PRAGMA user_version = {version};",
        migrate::APPLICATION_ID
    ))
    .map_err(dat)?;
    tx.commit().map_err(dat)?;
    dst.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .map_err(dat)?;
    let ok: String = dst
        .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))
        .map_err(dat)?;
    dst.close().map_err(|(_, e)| dat(e))?;
    drop(src);
    if ok != "ok" {
        return Err(StoreError::Damaged {
            path: to.to_path_buf(),
            reason: format!("the copy failed its check ({ok})"),
        });
    }
    std::fs::File::open(to)
        .and_then(|f| f.sync_all())
        .map_err(|e| system(to, &e))?;
    Ok(copies)
}

/// Copies one table's readable rows: forwards until damage stops the scan,
/// then backwards from the end (by rowid, or by primary key for tables
/// without one), so that rows on both sides of a damaged page are saved.
fn copy_table(
    src: &Connection,
    dst: &rusqlite::Transaction<'_>,
    table: &str,
) -> StoreResult<TableCopy> {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let info: Vec<(String, i64)> = src
        .prepare(&format!("PRAGMA table_info({})", q(table)))
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(1)?, r.get(5)?)))?.collect())
        .map_err(|e| StoreError::at(Path::new(table), e))?;
    let cols: Vec<String> = info.iter().map(|(c, _)| q(c)).collect();
    let without_rowid = src
        .query_row(
            "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE name = ?1",
            [table],
            |r| r.get::<_, bool>(0),
        )
        .unwrap_or(false);
    let mut pk: Vec<(i64, String)> = info
        .iter()
        .filter(|(_, k)| *k > 0)
        .map(|(c, k)| (*k, q(c)))
        .collect();
    pk.sort();
    let order = if without_rowid {
        pk.iter()
            .map(|(_, c)| c.clone())
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        "rowid".to_string()
    };
    let desc = if without_rowid {
        pk.iter()
            .map(|(_, c)| format!("{c} DESC"))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        "rowid DESC".to_string()
    };
    let select = |dir: &str| {
        format!(
            "SELECT {} FROM {} ORDER BY {dir}",
            cols.join(", "),
            q(table)
        )
    };
    let insert = format!(
        "INSERT OR IGNORE INTO {} ({}) VALUES ({})",
        q(table),
        cols.join(", "),
        vec!["?"; cols.len()].join(", ")
    );
    let mut ins = dst
        .prepare(&insert)
        .map_err(|e| StoreError::at(Path::new(table), e))?;
    let mut copied = 0u64;
    let mut incomplete = false;
    for dir in [order, desc] {
        let Ok(mut stmt) = src.prepare(&select(&dir)) else {
            incomplete = true;
            continue;
        };
        let Ok(mut rows) = stmt.query([]) else {
            incomplete = true;
            continue;
        };
        loop {
            match rows.next() {
                Ok(Some(row)) => {
                    let values: Vec<rusqlite::types::Value> =
                        match (0..cols.len()).map(|i| row.get(i)).collect() {
                            Ok(v) => v,
                            Err(_) => {
                                incomplete = true;
                                continue;
                            }
                        };
                    copied += ins
                        .execute(rusqlite::params_from_iter(values))
                        .map_err(|e| StoreError::at(Path::new(table), e))?
                        as u64;
                }
                Ok(None) => break,
                Err(_) => {
                    incomplete = true;
                    break;
                }
            }
        }
        if !incomplete {
            break;
        }
    }
    Ok(TableCopy {
        table: table.to_string(),
        copied,
        incomplete,
    })
}
