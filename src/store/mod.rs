//! Durable progress behind a narrow trait. [`Store`] is everything the
//! scheduler, queue and session need; [`sqlite::SqliteStore`] implements
//! it with rusqlite (WAL, one transaction per answer). Nothing outside
//! this module sees SQL.

pub mod migrate;
pub mod sqlite;

use std::path::PathBuf;

use crate::schedule::CardState;
use crate::schedule::Rating;
use crate::schedule::ReviewKind;

pub use sqlite::SqliteStore;

/// The environment variable that overrides where progress is kept.
pub const DATA_DIR_ENV: &str = "DOCKET_DATA_DIR";

/// The database file name inside the data directory.
pub const DB_FILE: &str = "progress.sqlite3";

/// Why the store cannot do what was asked. Each has a clear message; none
/// of them damages stored progress.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory or database cannot be created or written.
    #[error("cannot write progress to {path}: {reason}")]
    Unwritable {
        /// The path that failed.
        path: PathBuf,
        /// What the system said.
        reason: String,
    },
    /// The file is not a SQLite database, or is damaged.
    #[error(
        "{path} is not a docket progress database, or it is damaged ({reason}); it was left untouched"
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        reason: String,
    },
    /// A SQLite database that belongs to another program.
    #[error(
        "{path} belongs to another program (application id {app_id:#x}); it was left untouched"
    )]
    Foreign {
        /// The file.
        path: PathBuf,
        /// Its application id.
        app_id: i64,
    },
    /// Written by a newer docket.
    #[error(
        "{path} was written by a newer docket (schema {found}, this one knows up to {known}); upgrade docket"
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// An answer based on a state that is no longer the card's (another
    /// session answered it meanwhile).
    #[error("card `{0}` changed since it was shown (answered in another session?)")]
    Stale(String),
    /// No such card or log entry.
    #[error("not found: {0}")]
    NotFound(String),
    /// Imported progress would overwrite progress already kept.
    #[error(
        "{} card{} of deck `{deck_id}` already have progress (for example `{first}`); nothing was imported",
        .count, if *.count == 1 { "" } else { "s" }
    )]
    HasProgress {
        /// The deck.
        deck_id: String,
        /// How many cards.
        count: usize,
        /// One of them.
        first: String,
    },
    /// Any other database failure.
    #[error("database error: {0}")]
    Db(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(e.to_string())
    }
}

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// One card's stored row: its scheduling state and queue flags.
#[derive(Debug, Clone, PartialEq)]
pub struct CardRow {
    /// Card id.
    pub card_id: String,
    /// Position in the deck (new cards come in this order).
    pub position: u32,
    /// Whether the card is still in the deck.
    pub present: bool,
    /// Hash of the card's current content.
    pub content_hash: String,
    /// Hash of the content when it was last answered.
    pub answered_hash: Option<String>,
    /// Scheduling state.
    pub state: CardState,
    /// Suspended until unsuspended.
    pub suspended: bool,
    /// Buried until this instant (0 when not buried).
    pub buried_until_ms: i64,
}

impl CardRow {
    /// Whether the card was edited since it was last answered.
    pub fn changed_since_answered(&self) -> bool {
        self.answered_hash
            .as_ref()
            .is_some_and(|h| *h != self.content_hash)
    }
}

/// One card of a deck as the store needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckCard {
    /// Card id.
    pub card_id: String,
    /// Content hash.
    pub content_hash: String,
    /// The card's own text in the deck file (its `[[card]]` table), kept
    /// so that an unchanged file need not be parsed again.
    pub text: Option<String>,
}

/// What the store remembers about a deck file that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckFile {
    /// The file path as studied.
    pub path: String,
    /// The deck's id.
    pub deck_id: String,
    /// Size in bytes.
    pub size: i64,
    /// Modification time, ns since the epoch.
    pub mtime_ns: i64,
    /// SHA-256 of the file.
    pub file_hash: String,
    /// The text before the first card (the `[deck]` and `[sources]` tables).
    pub head: String,
    /// The id of the first card.
    pub first_card: String,
}

/// What syncing a deck into the store found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Cards seen for the first time.
    pub added: usize,
    /// Studied cards whose content changed since the last sync.
    pub changed: Vec<String>,
    /// Cards no longer in the deck (their rows are kept).
    pub removed: usize,
    /// Whether the deck was identical to the last sync (nothing written).
    pub unchanged: bool,
}

/// An answer to record: the state it was based on, the new state, and the
/// review-log facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// Deck id.
    pub deck_id: String,
    /// Card id.
    pub card_id: String,
    /// When it was answered.
    pub ts_ms: i64,
    /// The rating applied (None for a manual reset).
    pub rating: Option<Rating>,
    /// Review-log kind.
    pub kind: ReviewKind,
    /// The state the answer was based on; the store refuses it if the card has moved on.
    pub before: CardState,
    /// The new state.
    pub after: CardState,
    /// Study days since the previous answer.
    pub elapsed_days: u32,
    /// Seconds since the previous answer.
    pub elapsed_secs: i64,
    /// Retrievability before answering.
    pub r_before: Option<f32>,
    /// Retrievability right after (1 for a fresh memory).
    pub r_after: Option<f32>,
    /// Time taken to answer, capped at 60 s as in Anki.
    pub duration_ms: i64,
    /// The card content answered.
    pub content_hash: String,
    /// The study session.
    pub session_id: Option<i64>,
}

/// A review-log row.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// Row id (increasing).
    pub id: i64,
    /// The answer it records.
    pub answer: Answer,
}

/// A card's progress brought in from elsewhere (an Anki review history):
/// its state now and the log rows that led to it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedCard {
    /// Card id.
    pub card_id: String,
    /// Position in the deck.
    pub position: u32,
    /// The card's content hash (as in the deck file).
    pub content_hash: String,
    /// Its scheduling state after the imported history.
    pub state: CardState,
    /// The log rows, oldest first (`deck_id` and `card_id` as above).
    pub log: Vec<Answer>,
}

/// Answers given since a moment (for daily limits).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StudiedCounts {
    /// New cards introduced.
    pub new: u32,
    /// Review answers.
    pub reviews: u32,
}

/// Durable progress. Implementations keep each call atomic.
pub trait Store {
    /// Brings the store's card list in line with a deck: adds new cards,
    /// updates content hashes (keeping history), marks removed cards.
    /// `deck_hash` identifies the deck's content; when it equals the last
    /// sync, nothing is written.
    fn sync_deck(
        &mut self,
        deck_id: &str,
        title: &str,
        deck_hash: &str,
        cards: &[DeckCard],
        now_ms: i64,
    ) -> StoreResult<SyncReport>;
    /// One card's row.
    fn card(&self, deck_id: &str, card_id: &str) -> StoreResult<Option<CardRow>>;
    /// Every card row of a deck, in deck order (removed cards last).
    fn cards(&self, deck_id: &str) -> StoreResult<Vec<CardRow>>;
    /// Learning and relearning cards due by `until_ms`, earliest first.
    fn due_learning(
        &self,
        deck_id: &str,
        until_ms: i64,
        now_ms: i64,
        limit: u32,
    ) -> StoreResult<Vec<CardRow>>;
    /// Review cards due before `before_ms`, lowest retrievability at `now_ms` first.
    fn due_reviews(
        &self,
        deck_id: &str,
        before_ms: i64,
        now_ms: i64,
        limit: u32,
    ) -> StoreResult<Vec<CardRow>>;
    /// New cards in deck order.
    fn new_cards(&self, deck_id: &str, now_ms: i64, limit: u32) -> StoreResult<Vec<CardRow>>;
    /// New cards introduced and reviews answered since `since_ms`.
    fn studied_since(&self, deck_id: &str, since_ms: i64) -> StoreResult<StudiedCounts>;
    /// Records an answer (log row + new state, one transaction); returns the log id.
    fn record(&mut self, answer: &Answer) -> StoreResult<i64>;
    /// Undoes a logged answer: restores the previous state and deletes the
    /// row, in one transaction. Refused if the card moved on since.
    fn undo(&mut self, log_id: i64) -> StoreResult<Answer>;
    /// Suspends or unsuspends a card.
    fn set_suspended(&mut self, deck_id: &str, card_id: &str, suspended: bool) -> StoreResult<()>;
    /// Buries a card until an instant (0 unburies).
    fn set_buried_until(&mut self, deck_id: &str, card_id: &str, until_ms: i64) -> StoreResult<()>;
    /// The review log of a deck (or of one card), oldest first.
    fn log(&self, deck_id: &str, card_id: Option<&str>) -> StoreResult<Vec<LogEntry>>;
    /// Opens a study session; returns its id.
    fn start_session(&mut self, deck_id: &str, now_ms: i64) -> StoreResult<i64>;
    /// Closes a session with its counts.
    fn end_session(&mut self, id: i64, now_ms: i64, seen: u32, correct: u32) -> StoreResult<()>;
    /// A setting (`scope` "" for the user, or a deck id).
    fn setting(&self, scope: &str, key: &str) -> StoreResult<Option<String>>;
    /// Stores a setting.
    fn set_setting(&mut self, scope: &str, key: &str, value: &str) -> StoreResult<()>;
    /// How many cards are due: (learning by `learn_until_ms`, reviews
    /// before `review_before_ms`, new), not counting daily limits.
    fn due_counts(
        &self,
        deck_id: &str,
        learn_until_ms: i64,
        review_before_ms: i64,
        now_ms: i64,
    ) -> StoreResult<(u32, u32, u32)>;
    /// Review answers (kind review) since an instant: (all, not Again).
    fn reviews_passed_since(&self, deck_id: &str, since_ms: i64) -> StoreResult<(u32, u32)>;
    /// A card's kept text and content hash.
    fn card_text(&self, deck_id: &str, card_id: &str) -> StoreResult<Option<(String, String)>>;
    /// What is known about a deck file.
    fn deck_file(&self, path: &str) -> StoreResult<Option<DeckFile>>;
    /// Remembers a deck file that passed its checks.
    fn set_deck_file(&mut self, file: &DeckFile) -> StoreResult<()>;
    /// The earliest due time among cards not new, suspended or removed.
    fn next_due(&self, deck_id: &str) -> StoreResult<Option<i64>>;
    /// Writes imported progress in one transaction: every card's state and
    /// log rows, or nothing. Refused with [`StoreError::HasProgress`] when
    /// any of those cards already has progress (answers or a non-new
    /// state), unless `replace` is set, in which case their old log rows
    /// are deleted and their states replaced.
    fn import_history(
        &mut self,
        deck_id: &str,
        cards: &[ImportedCard],
        replace: bool,
    ) -> StoreResult<()>;
    /// Review-log rows since an instant, counted for statistics by local
    /// day (`day_offset_ms` is added to each time before it is divided into
    /// days), kind, rating, maturity, whether the card was new and the
    /// answer time in whole seconds; in one pass over the log.
    fn review_groups(
        &self,
        deck_id: &str,
        since_ms: i64,
        day_offset_ms: i64,
    ) -> StoreResult<Vec<ReviewGroup>>;
    /// Distinct cards answered since an instant (manual changes aside).
    fn cards_answered_since(&self, deck_id: &str, since_ms: i64) -> StoreResult<u32>;
}

/// Review-log rows counted together, for statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewGroup {
    /// Local day number (days since the epoch, shifted by the offset).
    pub day: i64,
    /// Review kind (0 learning, 1 review, 2 relearning, 4 manual).
    pub kind: i64,
    /// Rating 1-4 (0 for a manual change).
    pub rating: u8,
    /// The card had waited 21 days or more since its last review.
    pub mature: bool,
    /// The card was new before this answer.
    pub first: bool,
    /// Answer time in whole seconds, capped at 60.
    pub secs: u32,
    /// How many rows.
    pub count: u32,
    /// Their total answer time.
    pub duration_ms: i64,
}

/// Where progress lives: `DOCKET_DATA_DIR`, else the XDG data directory.
pub fn data_dir() -> StoreResult<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "docket")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or_else(|| StoreError::Unwritable {
            path: PathBuf::from("~"),
            reason: format!("no home directory found; set {DATA_DIR_ENV}"),
        })
}
