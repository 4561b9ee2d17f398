//! Durable progress behind a narrow trait. [`Store`] is everything the
//! scheduler, queue and session need; [`sqlite::SqliteStore`] implements
//! it with rusqlite (WAL, one transaction per answer). Nothing outside
//! this module sees SQL.

mod behind;
pub mod class;
pub mod doctor;
pub mod failpoint;
mod log_cache;
pub mod migrate;
mod open;
pub mod packed;
pub(crate) mod revlog;
pub mod sqlite;
pub(crate) mod texts;
mod wal_file;
mod wal_gather;

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
    /// A docket store that is damaged: nothing was written to it.
    #[error(
        "{path} is damaged ({reason}); nothing was written to it. `docket doctor --repair` copies what can be saved into a new store and keeps the damaged file"
    )]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A zero-length store file that docket did not just create (docket
    /// never leaves one behind): maybe progress was lost by another program
    /// or a full disk. It is not replaced silently.
    #[error(
        "{path} is empty (0 bytes): docket never leaves an empty store behind, so something else emptied it; it was left untouched. Restore it from a backup, or delete it to start afresh"
    )]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The system refused: read-only file system, permission denied, a
    /// full disk, an input/output error, a lock held too long.
    #[error("cannot use progress at {path}: {problem}")]
    System {
        /// The file.
        path: PathBuf,
        /// What went wrong, in words.
        problem: SystemProblem,
    },
    /// The same, where the path is not at hand (inside an operation).
    #[error("cannot save progress: {0}")]
    Io(SystemProblem),
    /// The schema version number does not match the tables (lowered by
    /// hand, or a damaged header).
    #[error(
        "{path} says it is schema version {found}, but its tables do not match ({reason}); it was left untouched"
    )]
    SchemaMismatch {
        /// The file.
        path: PathBuf,
        /// The version it claims.
        found: i64,
        /// What SQLite said (one line).
        reason: String,
    },
    /// Any other database failure.
    #[error("database error: {0}")]
    Db(String),
}

/// A failure of the system under the store, named for what it is so that
/// nobody deletes a good store because of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SystemProblem {
    /// `SQLITE_READONLY`: a read-only file, directory or file system.
    #[error("the file or its file system is read-only ({0})")]
    ReadOnly(String),
    /// `SQLITE_PERM` / `EACCES`.
    #[error("permission denied ({0})")]
    PermissionDenied(String),
    /// `SQLITE_FULL`: no space left (or a quota).
    #[error("the disk is full ({0}); free some space and try again, nothing was lost")]
    DiskFull(String),
    /// `SQLITE_IOERR`: the device failed a read, write or sync.
    #[error("input/output error ({0}); the disk or file system may be failing")]
    Io(String),
    /// `SQLITE_CANTOPEN`: the file or directory cannot be opened.
    #[error("cannot open the file ({0})")]
    CannotOpen(String),
    /// Anything else the system said, as it said it.
    #[error("{0}")]
    Other(String),
    /// `SQLITE_BUSY`/`SQLITE_LOCKED` after waiting the busy timeout.
    #[error("another docket kept the progress database locked too long ({0}); try again")]
    Busy(String),
}

/// `EIO` on every Unix docket runs on.
const EIO: i32 = 5;

impl SystemProblem {
    /// The problem behind a SQLite error, if it is a system one.
    pub fn of(e: &rusqlite::Error) -> Option<SystemProblem> {
        use rusqlite::ErrorCode;
        let detail = match e {
            rusqlite::Error::SqliteFailure(f, Some(m)) => format!("{m}, code {}", f.extended_code),
            rusqlite::Error::SqliteFailure(f, None) => format!("code {}", f.extended_code),
            other => other.to_string(),
        };
        Some(match e.sqlite_error_code()? {
            ErrorCode::ReadOnly => SystemProblem::ReadOnly(detail),
            ErrorCode::PermissionDenied => SystemProblem::PermissionDenied(detail),
            ErrorCode::DiskFull => SystemProblem::DiskFull(detail),
            ErrorCode::SystemIoFailure => SystemProblem::Io(detail),
            ErrorCode::CannotOpen => SystemProblem::CannotOpen(detail),
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => SystemProblem::Busy(detail),
            _ => return None,
        })
    }

    /// The problem behind an I/O error from the standard library.
    pub fn of_io(e: &std::io::Error) -> SystemProblem {
        use std::io::ErrorKind;
        let detail = e.to_string();
        match e.kind() {
            ErrorKind::ReadOnlyFilesystem => SystemProblem::ReadOnly(detail),
            ErrorKind::PermissionDenied => SystemProblem::PermissionDenied(detail),
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded => SystemProblem::DiskFull(detail),
            ErrorKind::NotFound => SystemProblem::CannotOpen(detail),
            _ if e.raw_os_error() == Some(EIO) => SystemProblem::Io(detail),
            _ => SystemProblem::Other(detail),
        }
    }
}

impl StoreError {
    /// A SQLite error met while opening or checking `path`, named for what
    /// it is: system problems as such, damage as damage.
    pub fn at(path: &std::path::Path, e: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode;
        if let Some(problem) = SystemProblem::of(&e) {
            return StoreError::System {
                path: path.to_path_buf(),
                problem,
            };
        }
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => StoreError::Corrupt {
                path: path.to_path_buf(),
                reason: one_line(&e),
            },
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Damaged {
                path: path.to_path_buf(),
                reason: one_line(&e),
            },
            _ => StoreError::Db(one_line(&e)),
        }
    }
}

/// SQLite's message without any SQL text rusqlite may attach.
pub(crate) fn one_line(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
        rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        other => other
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match SystemProblem::of(&e) {
            Some(p) => StoreError::Io(p),
            None if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
                StoreError::Damaged {
                    path: PathBuf::from("the progress database"),
                    reason: one_line(&e),
                }
            }
            None => StoreError::Db(one_line(&e)),
        }
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

impl Answer {
    /// The log row of a change made to a card without an answer (a reset,
    /// a set due date, a rescheduling): no rating, no time, the card's
    /// state before and `after`.
    pub fn change(
        deck_id: &str,
        row: &CardRow,
        ts_ms: i64,
        kind: ReviewKind,
        after: CardState,
        session_id: Option<i64>,
    ) -> Answer {
        Answer {
            deck_id: deck_id.to_string(),
            card_id: row.card_id.clone(),
            ts_ms,
            rating: None,
            kind,
            before: row.state,
            after,
            elapsed_days: 0,
            elapsed_secs: 0,
            r_before: None,
            r_after: None,
            duration_ms: 0,
            content_hash: row.content_hash.clone(),
            session_id,
        }
    }
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
    /// Review cards due before `before_ms` in a review order (Anki's
    /// choices), at most `limit`; `seed` orders ties and `random` (Anki
    /// breaks ties randomly). The default keeps [`Store::due_reviews`]'s
    /// order.
    fn due_reviews_in_order(
        &self,
        deck_id: &str,
        before_ms: i64,
        now_ms: i64,
        limit: u32,
        order: crate::schedule::config::ReviewOrder,
        seed: u64,
    ) -> StoreResult<Vec<CardRow>> {
        let _ = (order, seed);
        self.due_reviews(deck_id, before_ms, now_ms, limit)
    }
    /// New cards in deck order.
    fn new_cards(&self, deck_id: &str, now_ms: i64, limit: u32) -> StoreResult<Vec<CardRow>>;
    /// New cards introduced and reviews answered since `since_ms`.
    fn studied_since(&self, deck_id: &str, since_ms: i64) -> StoreResult<StudiedCounts>;
    /// Records an answer (log row + new state, one transaction); returns the log id.
    fn record(&mut self, answer: &Answer) -> StoreResult<i64>;
    /// Undoes a logged answer: restores the previous state and deletes the
    /// row, in one transaction. Refused if the card moved on since.
    fn undo(&mut self, log_id: i64) -> StoreResult<Answer>;
    /// Replaces a logged answer by another answer to the same card (a
    /// changed rating), in one transaction: the old row is undone and the
    /// new one recorded, or nothing changes. Refused as [`StoreError::Stale`]
    /// if the card moved on since the old answer; returns the new log id.
    fn rerate(&mut self, log_id: i64, answer: &Answer) -> StoreResult<i64>;
    /// Suspends or unsuspends a card.
    fn set_suspended(&mut self, deck_id: &str, card_id: &str, suspended: bool) -> StoreResult<()>;
    /// Buries a card until an instant (0 unburies).
    fn set_buried_until(&mut self, deck_id: &str, card_id: &str, until_ms: i64) -> StoreResult<()>;
    /// The review log of a deck (or of one card), oldest first.
    fn log(&self, deck_id: &str, card_id: Option<&str>) -> StoreResult<Vec<LogEntry>>;
    /// Opens a study session; returns the id its answers carry. The store
    /// may write the session's row only with its first answer (or at its
    /// end), so that a start writes nothing.
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
    /// Every row of a deck's log answered at or after an instant, as the
    /// statistics read it (no text, no states), in one pass; in the
    /// order of the log. This default reads the whole log; a backend
    /// should do better.
    fn brief_answers_since(&self, deck_id: &str, since_ms: i64) -> StoreResult<Vec<BriefAnswer>> {
        let log = self.log(deck_id, None)?;
        let mut numbers = std::collections::HashMap::<&str, i64>::new();
        let mut out = Vec::new();
        for e in &log {
            let a = &e.answer;
            let next = numbers.len() as i64;
            let card = *numbers.entry(a.card_id.as_str()).or_insert(next);
            if a.ts_ms >= since_ms {
                out.push(BriefAnswer {
                    id: e.id,
                    ts_ms: a.ts_ms,
                    card,
                    kind: a.kind.number(),
                    rating: a.rating.map_or(0, Rating::number),
                    first: a.before.phase == crate::schedule::Phase::New,
                    new_after: a.after.phase == crate::schedule::Phase::New,
                    elapsed_days: a.elapsed_days,
                    duration_ms: a.duration_ms,
                });
            }
        }
        Ok(out)
    }

    /// A deck's whole log as [`Store::brief_answers_since`] reads it, in
    /// id order, through a copy the store may keep so that the next read
    /// is fast (writing that copy is why this takes `&mut`). This default
    /// reads the log.
    fn brief_log(&mut self, deck_id: &str) -> StoreResult<Vec<BriefAnswer>> {
        self.brief_answers_since(deck_id, i64::MIN)
    }

    /// [`Store::brief_log`] in two halves: this starts reading the kept
    /// copy (decoding it on another thread), so that the caller can read
    /// other things from the store meanwhile, then hands the pending read
    /// to [`Store::brief_log_finish`]. This default starts nothing.
    fn brief_log_begin(&mut self, deck_id: &str) -> StoreResult<PendingBriefLog> {
        Ok(PendingBriefLog {
            deck_id: deck_id.to_string(),
            decoding: None,
        })
    }

    /// The second half of [`Store::brief_log_begin`]: the same rows as
    /// [`Store::brief_log`].
    fn brief_log_finish(&mut self, pending: PendingBriefLog) -> StoreResult<Vec<BriefAnswer>> {
        self.brief_log(&pending.deck_id)
    }

    /// A value derived from a deck's whole log, as last stored under `name`
    /// with [`Store::set_log_derived`]; None when there is none. A
    /// deletion from the log forgets every value made from the deleted
    /// rows or newer ones, so what is left was made from a prefix of
    /// today's log, and the caller need only key it by what appends change
    /// (the rows' count and newest id). This default keeps nothing.
    fn log_derived(&self, name: &str, deck_id: &str) -> StoreResult<Option<Vec<u8>>> {
        let _ = (name, deck_id);
        Ok(None)
    }

    /// Keeps a value derived from a deck's log up to row id `covers` (see
    /// [`Store::log_derived`]); written without waiting for the disk.
    fn set_log_derived(
        &mut self,
        name: &str,
        deck_id: &str,
        value: &[u8],
        covers: i64,
    ) -> StoreResult<()> {
        let _ = (name, deck_id, value, covers);
        Ok(())
    }

    /// What the load balancer counts of a deck's cards still in it: the
    /// due times of cards in review, and the states of cards in learning
    /// or relearning (whether they count depends on their steps). This
    /// default reads whole rows.
    fn load_cards(&self, deck_id: &str) -> StoreResult<(Vec<i64>, Vec<CardState>)> {
        let mut reviews = Vec::new();
        let mut learning = Vec::new();
        for c in self
            .card_progress(deck_id)?
            .into_iter()
            .filter(|c| c.present)
        {
            match c.state.phase {
                crate::schedule::Phase::Review => reviews.push(c.state.due_ms),
                crate::schedule::Phase::New => {}
                _ => learning.push(c.state),
            }
        }
        Ok((reviews, learning))
    }

    /// Every card of a deck as the statistics read it (no text), in no
    /// particular order. This default reads whole rows.
    fn card_progress(&self, deck_id: &str) -> StoreResult<Vec<CardProgress>> {
        Ok(self
            .cards(deck_id)?
            .into_iter()
            .map(|r| CardProgress {
                present: r.present,
                state: r.state,
                suspended: r.suspended,
                buried_until_ms: r.buried_until_ms,
            })
            .collect())
    }

    /// Every deck the store knows, by id, sorted (for settings shared by
    /// several decks, such as the load of a preset).
    fn deck_ids(&self) -> StoreResult<Vec<String>>;
    /// Replaces a card's memory state (stability, difficulty) without a
    /// log row, as Anki does when it recomputes memory states after a
    /// change of parameters; refused as [`StoreError::Stale`] unless the
    /// card is still in state `before`.
    fn set_memory_state(
        &mut self,
        deck_id: &str,
        card_id: &str,
        before: &CardState,
        stability: f32,
        difficulty: f32,
    ) -> StoreResult<()>;
}

/// What the statistics read of a card: its state and queue flags, no
/// text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CardProgress {
    /// Whether the card is still in the deck.
    pub present: bool,
    /// Scheduling state.
    pub state: CardState,
    /// Suspended until unsuspended.
    pub suspended: bool,
    /// Buried until this instant (0 when not buried).
    pub buried_until_ms: i64,
}

/// A [`Store::brief_log`] under way ([`Store::brief_log_begin`]).
#[derive(Debug)]
pub struct PendingBriefLog {
    /// The deck whose log is read.
    pub deck_id: String,
    /// The kept copy being decoded (None: no copy, or nothing started).
    pub decoding: Option<std::thread::JoinHandle<Option<Vec<BriefAnswer>>>>,
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

/// One review-log row as the statistics read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BriefAnswer {
    /// Row id (increasing in the order rows were written).
    pub id: i64,
    /// When it was answered, ms.
    pub ts_ms: i64,
    /// The card, as a number unique within the store.
    pub card: i64,
    /// Review kind (0 learning, 1 review, 2 relearning, 4 manual).
    pub kind: i64,
    /// Rating 1-4 (0 for a manual change).
    pub rating: u8,
    /// The card was new before this answer.
    pub first: bool,
    /// The card was new after this row (a reset, when the row is manual).
    pub new_after: bool,
    /// Study days since the card's previous answer.
    pub elapsed_days: u32,
    /// Answer time, ms.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite_error(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    #[test]
    fn system_failures_are_named_never_called_damage() {
        let path = std::path::Path::new("p");
        for (code, words) in [
            (rusqlite::ffi::SQLITE_READONLY, "read-only"),
            (rusqlite::ffi::SQLITE_FULL, "disk is full"),
            (rusqlite::ffi::SQLITE_IOERR, "input/output error"),
            (rusqlite::ffi::SQLITE_CANTOPEN, "cannot open"),
            (rusqlite::ffi::SQLITE_PERM, "permission denied"),
            (rusqlite::ffi::SQLITE_BUSY, "locked too long"),
        ] {
            let e = StoreError::at(path, sqlite_error(code)).to_string();
            assert!(e.contains(words), "{code}: {e}");
            assert!(!e.contains("damaged") && !e.contains("not a docket"), "{e}");
            let inner = StoreError::from(sqlite_error(code)).to_string();
            assert!(inner.contains(words), "{code}: {inner}");
        }
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        assert!(matches!(
            SystemProblem::of_io(&full),
            SystemProblem::DiskFull(_)
        ));
        let corrupt = StoreError::at(path, sqlite_error(rusqlite::ffi::SQLITE_CORRUPT));
        assert!(matches!(corrupt, StoreError::Damaged { .. }));
    }
}
