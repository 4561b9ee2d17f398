//! Where a live class is kept, behind one narrow trait. [`ClassStore`] is
//! everything a served class needs to carry on after a restart: settings
//! (form, key, tokens, phase), students and their hash-chained result
//! records. Two implementations: [`sqlite::SqliteClassStore`], one file per
//! class in its data directory (the default, no setup), and
//! [`postgres::PgClassStore`], many classes of a school in one PostgreSQL
//! database, answers kept one row each so reports run in SQL
//! ([`school`]). Nothing above this module sees SQL.

mod checkpoint;
pub mod migrations;
pub mod postgres;
pub mod school;
pub mod sqlite;

use std::path::Path;
use std::path::PathBuf;

use crate::quiz::result_file::ResultFile;

pub use postgres::PgClassStore;
pub use postgres::PgOptions;
pub use sqlite::SqliteClassStore;

/// A student as the store keeps them.
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

/// One item of a class's form, and the card it asks, so the same card is
/// recognised in every class that used it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRef {
    /// Position on the form, from 0.
    pub position: u32,
    /// The deck's id.
    pub deck_id: String,
    /// The card's id in the deck.
    pub card_id: String,
}

/// A student's standing answer on one item, graded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// Position on the form, from 0.
    pub position: u32,
    /// The response standing (`None`: unanswered).
    pub response: Option<String>,
    /// Whether it is right.
    pub correct: bool,
    /// Seconds spent on the item, over every visit.
    pub seconds: u64,
}

/// Why the class store could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClassStoreError {
    /// The database could not be reached (down, restarting, every pooled
    /// connection in use) for longer than the store waits.
    #[error("the class database is unavailable: {0}")]
    Unavailable(String),
    /// The database refused or failed the change.
    #[error("the class store: {0}")]
    Failed(String),
    /// The database holds a newer schema than this docket knows.
    #[error(
        "the class database has schema version {found}, newer than this docket's {known}: upgrade docket"
    )]
    TooNew {
        /// The database's version.
        found: i32,
        /// The newest this build knows.
        known: i32,
    },
}

/// The result of a class-store call.
pub type ClassResult<T> = Result<T, ClassStoreError>;

/// Where one class is kept.
#[derive(Debug, Clone)]
pub enum ClassTarget {
    /// The class's own SQLite file in its data directory.
    Sqlite(PathBuf),
    /// One class of a school in a PostgreSQL database.
    Postgres {
        /// Connection string (`postgres://…` or `host=… dbname=…`).
        url: String,
        /// Whose class it is.
        teacher: String,
        /// The term it belongs to.
        term: String,
        /// The class's name (unique per teacher and term).
        class: String,
        /// Pool size and waits.
        options: PgOptions,
    },
}

/// Everything a served class keeps. Each call is committed before it
/// returns; a call that fails has changed nothing.
pub trait ClassStore: Send + Sync {
    /// A stored setting.
    fn meta(&self, k: &str) -> ClassResult<Option<String>>;
    /// Stores a setting.
    fn set_meta(&self, k: &str, v: &str) -> ClassResult<()>;
    /// Records the form's items (once, when the class starts). A store that
    /// keeps no answer rows ignores them.
    fn set_items(&self, items: &[ItemRef]) -> ClassResult<()>;
    /// Records a new student.
    fn add_student(&self, s: &StoredStudent) -> ClassResult<()>;
    /// Replaces a student's record (after every answer), with the graded
    /// standing answers when [`ClassStore::wants_marks`] says so.
    fn save_record(&self, id: u32, record: &ResultFile, marks: &[Mark]) -> ClassResult<()>;
    /// Every student, in join order.
    fn students(&self) -> ClassResult<Vec<StoredStudent>>;
    /// Whether [`ClassStore::save_record`] wants graded answers (worth
    /// grading only for a store that keeps them as rows).
    fn wants_marks(&self) -> bool {
        false
    }
    /// Where the class is kept, for messages (never a password).
    fn describe(&self) -> String;
}

/// The SQLite file of a class kept in `data`.
pub fn sqlite_path(data: &Path) -> PathBuf {
    data.join(sqlite::FILE_NAME)
}

/// Opens (creating if needed) the class at `target`.
pub fn open(target: &ClassTarget) -> ClassResult<Box<dyn ClassStore>> {
    match target {
        ClassTarget::Sqlite(data) => Ok(Box::new(SqliteClassStore::open(&sqlite_path(data))?)),
        ClassTarget::Postgres {
            url,
            teacher,
            term,
            class,
            options,
        } => Ok(Box::new(PgClassStore::open(
            url, teacher, term, class, options,
        )?)),
    }
}

/// Opens the class at `target` only if it exists (for an export).
pub fn open_existing(target: &ClassTarget) -> ClassResult<Option<Box<dyn ClassStore>>> {
    match target {
        ClassTarget::Sqlite(data) => {
            if sqlite_path(data).is_file() {
                open(target).map(Some)
            } else {
                Ok(None)
            }
        }
        ClassTarget::Postgres {
            url,
            teacher,
            term,
            class,
            options,
        } => Ok(
            PgClassStore::open_existing(url, teacher, term, class, options)?
                .map(|s| Box::new(s) as Box<dyn ClassStore>),
        ),
    }
}
