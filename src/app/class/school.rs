//! A school on PostgreSQL: where a class is kept when a database is named
//! (`--db postgres://…` or `DOCKET_DB`), and the reports over a school's
//! classes (a teacher's classes, one item over every class that used it,
//! the term report), computed in the database by
//! [`crate::store::class::school`]. A teacher's name scopes every
//! question: a teacher sees only their own classes.

use std::path::Path;
use std::time::Duration;

use super::super::AppError;
use super::super::AppResult;
pub use crate::store::class::ClassTarget;
pub use crate::store::class::PgOptions;
pub use crate::store::class::school::ClassSummary;
pub use crate::store::class::school::ItemAcross;
pub use crate::store::class::school::ItemFigures;
use crate::store::class::school::School;
pub use crate::store::class::school::TermReport;

/// The environment variable naming the school's database.
pub const DB_ENV: &str = "DOCKET_DB";

/// A school's database, as the person asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolDb {
    /// Connection string.
    pub url: String,
    /// Connections in the pool.
    pub pool_size: usize,
    /// Seconds a request waits for a free connection.
    pub wait_seconds: u64,
    /// Seconds a request keeps retrying while the database is unreachable.
    pub reconnect_seconds: u64,
}

impl SchoolDb {
    fn options(&self) -> PgOptions {
        PgOptions {
            pool_size: self.pool_size.max(1),
            wait: Duration::from_secs(self.wait_seconds.max(1)),
            reconnect: Duration::from_secs(self.reconnect_seconds),
        }
    }
}

/// Which class of the school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolClass {
    /// Whose.
    pub teacher: Option<String>,
    /// The term.
    pub term: Option<String>,
    /// The class's name (default: the data directory's name).
    pub class: Option<String>,
}

fn bad_name(what: &str, v: &str) -> Option<AppError> {
    if v.trim().is_empty() {
        Some(AppError::Request(format!("give a {what} name")))
    } else if v.chars().count() > 200 || v.chars().any(char::is_control) {
        Some(AppError::Request(format!(
            "the {what} name must be at most 200 characters, without control characters"
        )))
    } else {
        None
    }
}

/// Where the class with data directory `data` is kept: its own SQLite file
/// without a database, else the named class of the school.
pub fn target(db: Option<&SchoolDb>, which: &SchoolClass, data: &Path) -> AppResult<ClassTarget> {
    let Some(db) = db else {
        if which.teacher.is_some() || which.term.is_some() || which.class.is_some() {
            return Err(AppError::Request(format!(
                "--teacher, --term and --class name a class in a school's database: give --db postgres://… (or set {DB_ENV})"
            )));
        }
        return Ok(ClassTarget::Sqlite(data.to_path_buf()));
    };
    let teacher = which.teacher.clone().ok_or_else(|| {
        AppError::Request("a class in a school's database needs --teacher NAME".into())
    })?;
    let term = which.term.clone().ok_or_else(|| {
        AppError::Request("a class in a school's database needs --term NAME".into())
    })?;
    let class = match &which.class {
        Some(c) => c.clone(),
        None => data
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| AppError::Request("give the class's name with --class NAME".into()))?,
    };
    for (what, v) in [("teacher", &teacher), ("term", &term), ("class", &class)] {
        if let Some(e) = bad_name(what, v) {
            return Err(e);
        }
    }
    Ok(ClassTarget::Postgres {
        url: db.url.clone(),
        teacher,
        term,
        class,
        options: db.options(),
    })
}

fn connect(db: &SchoolDb) -> AppResult<School> {
    School::connect(&db.url, &db.options()).map_err(|e| AppError::Failed(e.to_string()))
}

/// `teacher`'s classes over every term.
pub fn classes(db: &SchoolDb, teacher: &str) -> AppResult<Vec<ClassSummary>> {
    if let Some(e) = bad_name("teacher", teacher) {
        return Err(e);
    }
    connect(db)?
        .classes(teacher)
        .map_err(|e| AppError::Failed(e.to_string()))
}

/// One item over every class that used it (`teacher`'s only, or the
/// whole school's).
pub fn item(
    db: &SchoolDb,
    teacher: Option<&str>,
    deck_id: &str,
    card_id: &str,
) -> AppResult<ItemAcross> {
    connect(db)?
        .item(teacher, deck_id, card_id)
        .map_err(|e| AppError::Failed(e.to_string()))
}

/// The term report (`teacher`'s classes only, or the whole school's).
pub fn term_report(db: &SchoolDb, term: &str, teacher: Option<&str>) -> AppResult<TermReport> {
    if let Some(e) = bad_name("term", term) {
        return Err(e);
    }
    connect(db)?
        .term_report(term, teacher)
        .map_err(|e| AppError::Failed(e.to_string()))
}
