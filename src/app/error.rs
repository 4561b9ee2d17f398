//! [`AppError`]: why an application-layer operation did not happen. Each
//! case says what kind of failure it is (the user's request, a deck, the
//! store) so that every surface can show it in its own way; the command
//! line turns the kind into an exit code.

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::session::SessionError;
use crate::store::StoreError;

/// Why an operation failed. Messages are complete sentences without a
/// program-name prefix; a surface adds its own.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request itself cannot be carried out as asked: a path that does
    /// not exist, a directory without decks, an unreadable `DOCKET_NOW`, an
    /// out-of-range setting, conflicting choices.
    #[error("{0}")]
    Request(String),
    /// The request was sound but the work failed: a file that cannot be
    /// read or written, a format error, nothing to import.
    #[error("{0}")]
    Failed(String),
    /// A deck (or an imported file) has errors; the diagnostics locate them.
    #[error("{}", .0.message)]
    Invalid(Box<InvalidInput>),
    /// The progress store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A study session failed (store or scheduler).
    #[error(transparent)]
    Session(#[from] SessionError),
}

/// A deck or file that did not pass its checks, with where and why.
#[derive(Debug)]
pub struct InvalidInput {
    /// The file.
    pub path: PathBuf,
    /// Its text, for drawing the diagnostics.
    pub text: String,
    /// What is wrong, located in `text`.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether one line per diagnostic is enough (the file is not the
    /// user's own, so the source lines would not help).
    pub brief: bool,
    /// What this means for the operation ("nothing was written").
    pub message: String,
}

impl AppError {
    /// A diagnostics-carrying failure.
    pub fn invalid(
        path: PathBuf,
        text: String,
        diagnostics: Vec<Diagnostic>,
        message: impl Into<String>,
    ) -> AppError {
        AppError::Invalid(Box::new(InvalidInput {
            path,
            text,
            diagnostics,
            brief: false,
            message: message.into(),
        }))
    }
}

impl From<crate::schedule::states::SchedulerError> for AppError {
    fn from(e: crate::schedule::states::SchedulerError) -> Self {
        AppError::Session(SessionError::Scheduler(e))
    }
}

/// Result of application-layer operations.
pub type AppResult<T> = Result<T, AppError>;
