//! The class's journal: one SQLite file per class (in the class's data
//! directory, apart from the study progress store). It keeps what a
//! restarted server needs to carry on: the form and key, the tokens and
//! join code, every student with their result record (the same
//! hash-chained [`ResultFile`] `quiz take` writes), and the live round's
//! position. Each change is one statement, committed before the student's
//! request is answered; WAL with `synchronous=NORMAL` keeps every commit
//! through a killed process.

use std::path::Path;

use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;

use crate::quiz::result_file::ResultFile;

/// The journal's file name inside the data directory.
pub const FILE_NAME: &str = "class.sqlite";

/// A student as the journal keeps them.
#[derive(Debug, Clone)]
pub struct StoredStudent {
    /// Join order, from 1.
    pub id: u32,
    /// The name given.
    pub name: String,
    /// The student's secret token.
    pub token: String,
    /// The attempt so far.
    pub record: ResultFile,
}

/// An open journal.
pub struct Journal {
    conn: Connection,
}

fn failed(e: impl std::fmt::Display) -> String {
    format!("the class journal: {e}")
}

impl Journal {
    /// Opens (creating if needed) the journal at `path`.
    pub fn open(path: &Path) -> Result<Journal, String> {
        let conn = Connection::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
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
        .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Journal { conn })
    }

    /// Leaves checkpoints to [`Journal::checkpoint`] (called from another
    /// connection), so no answer waits for a checkpoint's fsync.
    pub fn manual_checkpoints(&self) -> Result<(), String> {
        self.conn
            .pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(failed)
    }

    /// Copies the write-ahead log into the database. `PASSIVE` never blocks
    /// a writer; with `restart`, waits for writers so the next one starts
    /// the log afresh (the log stops growing). Returns the frames in the log.
    pub fn checkpoint(&self, restart: bool) -> Result<i64, String> {
        let mode = if restart { "RESTART" } else { "PASSIVE" };
        self.conn
            .query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
                r.get::<_, i64>(1)
            })
            .map_err(failed)
    }

    /// A stored setting.
    pub fn meta(&self, k: &str) -> Result<Option<String>, String> {
        self.conn
            .query_row("SELECT v FROM meta WHERE k = ?1", [k], |r| r.get(0))
            .optional()
            .map_err(failed)
    }

    /// Stores a setting.
    pub fn set_meta(&self, k: &str, v: &str) -> Result<(), String> {
        self.conn
            .execute(
                "INSERT INTO meta (k, v) VALUES (?1, ?2) ON CONFLICT(k) DO UPDATE SET v = ?2",
                params![k, v],
            )
            .map(|_| ())
            .map_err(failed)
    }

    /// Records a new student.
    pub fn add_student(&self, s: &StoredStudent) -> Result<(), String> {
        let record = serde_json::to_string(&s.record).map_err(failed)?;
        self.conn
            .execute(
                "INSERT INTO students (id, name, token, record) VALUES (?1, ?2, ?3, ?4)",
                params![s.id, s.name, s.token, record],
            )
            .map(|_| ())
            .map_err(failed)
    }

    /// Replaces a student's record (after every answer).
    pub fn save_record(&self, id: u32, record: &ResultFile) -> Result<(), String> {
        let json = serde_json::to_string(record).map_err(failed)?;
        let n = self
            .conn
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

    /// Every student, in join order.
    pub fn students(&self) -> Result<Vec<StoredStudent>, String> {
        let mut stmt = self
            .conn
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
}
