//! The quiz's error types, one per kind of failure, each drawn as one
//! clear sentence that names the file when there is one. The CLI prints
//! them once (see `cli::quiz_cmd`); the report turns a result file's error
//! into a rejection.

use std::path::PathBuf;

/// A form, key or result file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum QuizFileError {
    /// The file could not be read.
    #[error(
        "{}: cannot read the {what} file: {detail}",
        crate::sanitize::path(path)
    )]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// "form", "key" or "result".
        what: &'static str,
        /// The system's reason.
        detail: String,
    },
    /// Larger than any quiz file can be.
    #[error(
        "{}: the {what} file is larger than {limit_mib} MiB; it cannot be a docket quiz file",
        crate::sanitize::path(path)
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// "form", "key" or "result".
        what: &'static str,
        /// The limit.
        limit_mib: u64,
    },
    /// Another kind of docket quiz file than the one asked for (a key
    /// given where a form belongs, a form given to the report).
    #[error("{}: this is a quiz {found}, not a {what}; {hint}", path.display())]
    OtherKind {
        /// The file.
        path: PathBuf,
        /// "form", "key" or "result".
        what: &'static str,
        /// What it is.
        found: &'static str,
        /// Where that file belongs.
        hint: &'static str,
    },
    /// Not JSON of the right shape.
    #[error(
        "{}: not a valid {what} file ({detail}); was it truncated or edited by hand?",
        crate::sanitize::path(path)
    )]
    Malformed {
        /// The file.
        path: PathBuf,
        /// "form", "key" or "result".
        what: &'static str,
        /// The parser's reason.
        detail: String,
    },
    /// JSON of another kind of file.
    #[error(
        "{}: not a docket quiz {what} (format `{found}`)",
        crate::sanitize::path(path)
    )]
    WrongFormat {
        /// The file.
        path: PathBuf,
        /// "form" or "key".
        what: &'static str,
        /// The `format` it declares.
        found: String,
    },
    /// No items.
    #[error("{}: the {what} has no items", crate::sanitize::path(path))]
    NoItems {
        /// The file.
        path: PathBuf,
        /// "form" or "key".
        what: &'static str,
    },
    /// The form's content does not match its fingerprint.
    #[error(
        "{}: the form was changed after it was made (its fingerprint does not match)",
        crate::sanitize::path(path)
    )]
    FormChanged {
        /// The file.
        path: PathBuf,
    },
    /// A key item that cannot be graded.
    #[error("{}: item {item}: {detail}", crate::sanitize::path(path))]
    BadKeyItem {
        /// The file.
        path: PathBuf,
        /// The item id.
        item: String,
        /// What is wrong with it.
        detail: String,
    },
}

/// Where a result file's hash chain or format fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Another `format`.
    #[error("not a docket quiz result (format `{0}`)")]
    WrongFormat(String),
    /// No student name.
    #[error("the student name is empty")]
    NoStudent,
    /// Events out of sequence.
    #[error("event {position} is numbered {n}: events were removed or reordered")]
    Renumbered {
        /// 1-based position in the file.
        position: usize,
        /// The number it carries.
        n: u64,
    },
    /// An event's hash does not follow from the previous one.
    #[error("broken hash chain at event {n} (item {item}): the file was edited")]
    BrokenAt {
        /// Event number.
        n: u64,
        /// Its item.
        item: String,
    },
    /// The submission's hash does not follow.
    #[error("broken hash chain at the submission: the file was edited")]
    BrokenSubmission,
    /// The receipt is not the one the chain gives.
    #[error("the receipt code does not match the hash chain")]
    WrongReceipt,
}

/// Why the asked-for items cannot be drawn from a deck.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectError {
    /// Filters leave nothing.
    #[error("no card matches the chosen topics and kinds")]
    NoMatch,
    /// `--items 0`.
    #[error("--items must be at least 1")]
    ZeroItems,
    /// More items than cards.
    #[error("asked for {asked} items but only {available} cards match")]
    TooFew {
        /// `--items`.
        asked: usize,
        /// Matching cards.
        available: usize,
    },
}

/// Why an existing result file cannot be resumed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResumeError {
    /// Its chain or format fails.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// Another form.
    #[error("it is a result of a different form")]
    OtherForm,
    /// Another student.
    #[error("it belongs to `{owner}`, not `{student}`")]
    OtherStudent {
        /// Whose it is.
        owner: String,
        /// Who asked.
        student: String,
    },
    /// Already handed in.
    #[error("it was already submitted (receipt {0})")]
    Submitted(String),
    /// Items the form does not have.
    #[error("it names items this form does not have: {}", .0.join(", "))]
    UnknownItems(Vec<String>),
}
