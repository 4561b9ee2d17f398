//! A class kept in one SQLite file (in the class's data directory, apart
//! from the study progress store): the default, with no setup. The file
//! format is the journal `docket class serve` has always written, so a
//! class directory made by an earlier docket still opens. Each change is
//! one statement, committed before the student's request is answered; WAL
//! with `synchronous=NORMAL` keeps every commit through a killed process.
//! Answers live inside each student's record only: reports come from the
//! exported result files.

use std::path::Path;

use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;

use super::ClassResult;
use super::ClassStore;
use super::ClassStoreError;
use super::ItemRef;
use super::Mark;
use super::StoredStudent;
use crate::quiz::result_file::ResultFile;

/// The file's name inside the data directory.
pub const FILE_NAME: &str = "class.sqlite";

/// An open class file (one connection, one writer at a time).
pub struct SqliteClassStore {
    conn: std::sync::Mutex<Connection>,
    path: String,
    /// Checkpoints the file's log off the request path while the store is
    /// open (stopped when it is dropped).
    _checkpoints: Option<super::checkpoint::Checkpointer>,
}

fn failed(e: impl std::fmt::Display) -> ClassStoreError {
    ClassStoreError::Failed(format!("the class journal: {e}"))
}

impl SqliteClassStore {
    /// Opens (creating if needed) the class file at `path`.
    pub fn open(path: &Path) -> ClassResult<SqliteClassStore> {
        let at = |e: rusqlite::Error| ClassStoreError::Failed(format!("{}: {e}", path.display()));
        let conn = Connection::open(path).map_err(at)?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             PRAGMA synchronous=NORMAL;
             PRAGMA busy_timeout=5000;
             CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS students (
                 id INTEGER PRIMARY KEY,
                 name TEXT NOT NULL,
                 token TEXT NOT NULL UNIQUE,
                 record TEXT NOT NULL
             );",
        )
        .map_err(at)?;
        let checkpoints = super::checkpoint::start(&conn, path).map_err(ClassStoreError::Failed)?;
        Ok(SqliteClassStore {
            conn: std::sync::Mutex::new(conn),
            path: crate::sanitize::path(path),
            _checkpoints: checkpoints,
        })
    }
}

impl SqliteClassStore {
    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic mid-statement leaves SQLite's own state consistent.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ClassStore for SqliteClassStore {
    fn meta(&self, k: &str) -> ClassResult<Option<String>> {
        self.conn()
            .query_row("SELECT v FROM meta WHERE k = ?1", [k], |r| r.get(0))
            .optional()
            .map_err(failed)
    }

    fn set_meta(&self, k: &str, v: &str) -> ClassResult<()> {
        self.conn()
            .execute(
                "INSERT INTO meta (k, v) VALUES (?1, ?2) ON CONFLICT(k) DO UPDATE SET v = ?2",
                params![k, v],
            )
            .map(|_| ())
            .map_err(failed)
    }

    fn set_items(&self, _items: &[ItemRef]) -> ClassResult<()> {
        // The key (in meta) names every item's card already.
        Ok(())
    }

    fn add_student(&self, s: &StoredStudent) -> ClassResult<()> {
        let record = serde_json::to_string(&s.record).map_err(failed)?;
        self.conn()
            .execute(
                "INSERT INTO students (id, name, token, record) VALUES (?1, ?2, ?3, ?4)",
                params![s.id, s.name, s.token, record],
            )
            .map(|_| ())
            .map_err(failed)
    }

    fn save_record(&self, id: u32, record: &ResultFile, _marks: &[Mark]) -> ClassResult<()> {
        let json = serde_json::to_string(record).map_err(failed)?;
        let n = self
            .conn()
            .execute(
                "UPDATE students SET record = ?2 WHERE id = ?1",
                params![id, json],
            )
            .map_err(failed)?;
        if n == 1 {
            Ok(())
        } else {
            Err(failed(format!("no student {id}")))
        }
    }

    fn students(&self) -> ClassResult<Vec<StoredStudent>> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT id, name, token, record FROM students ORDER BY id")
            .map_err(failed)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, u32>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(failed)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, token, record) = row.map_err(failed)?;
            let record: ResultFile = serde_json::from_str(&record)
                .map_err(|e| failed(format!("student {id}'s record: {e}")))?;
            out.push(StoredStudent {
                id,
                name,
                token,
                record,
            });
        }
        Ok(out)
    }

    fn describe(&self) -> String {
        self.path.clone()
    }
}
