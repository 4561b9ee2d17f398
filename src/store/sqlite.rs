//! [`SqliteStore`]: the [`Store`] in a SQLite file (rusqlite, bundled).
//! WAL mode; every answer, undo and sync is one transaction; answers are
//! checked against the card's current state inside that transaction.

use std::collections::HashMap;
use std::path::Path;
use std::path::PathBuf;

use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::Row;
use rusqlite::params;

use super::Answer;
use super::CardRow;
use super::DeckCard;
use super::DeckFile;
use super::ImportedCard;
use super::LogEntry;
use super::Store;
use super::StoreError;
use super::StoreResult;
use super::StudiedCounts;
use super::SyncReport;
use super::behind::Checkpoint;
use super::failpoint;
use super::log_cache;
use super::migrate;
use super::open;
use super::revlog;
use super::revlog::hash_param;
use super::revlog::hash_value;
use super::texts;
use super::wal_file;
use crate::schedule::CardState;
use crate::schedule::Phase;

const CARD_COLUMNS: &str = "card_id, position, present, content_hash, answered_hash, phase, step, \
     stability, difficulty, due_ms, interval_days, last_review_ms, reps, lapses, suspended, buried_until_ms";

/// The name of the cached copy of a deck's brief log.
const BRIEF_CACHE: &str = "brief-log";

/// Progress in a SQLite database.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    /// Study sessions started on this connection (see
    /// [`Store::start_session`]), their rows written with their first change.
    sessions: Vec<StartedSession>,
    /// The SQLite VFS the store was opened through (tests), for the
    /// checkpoint's own connection.
    vfs: Option<String>,
    /// A checkpoint left running on another thread by a large sync.
    checkpoint: Option<Checkpoint>,
}

/// A study session whose `sessions` row is written with its first change
/// (an answer) or its end, not at its start: a start then writes nothing,
/// and the first write after a clean close (which creates the WAL and
/// syncs its header and the directory) moves to the first answer, which
/// syncs anyway.
#[derive(Debug, Clone)]
struct StartedSession {
    /// The id handed out by `start_session`: negative, so never a row's.
    handed: i64,
    deck_id: String,
    started_ms: i64,
    /// The row's id, once written.
    row: Option<i64>,
}

impl StartedSession {
    /// The row's id inside `tx`, writing the row if it is not yet.
    fn row_in(&self, tx: &rusqlite::Transaction<'_>) -> StoreResult<i64> {
        if let Some(row) = self.row {
            return Ok(row);
        }
        tx.execute(
            "INSERT INTO sessions (deck_id, started_ms) VALUES (?1, ?2)",
            params![self.deck_id, self.started_ms],
        )?;
        Ok(tx.last_insert_rowid())
    }
}

/// Stores up to this size get SQLite's full `integrity_check` at every
/// open (about 15 ms per MB measured on a 45 MB store, so at most about
/// 4 ms; a store of 2,000 cards and 20,000 reviews is about 1 MB).
pub const FULL_CHECK_MAX_BYTES: u64 = 256 << 10;

/// Stores up to this size get `quick_check` (page structure, no index
/// cross-check; about 4.5 ms per MB, so at most about 5 ms). Larger ones
/// get only the header and size checks at open, so that start-up stays
/// within a few milliseconds whatever the store's size; `docket doctor`
/// checks them fully.
pub const QUICK_CHECK_MAX_BYTES: u64 = 1 << 20;

/// The WAL is checkpointed into the database once it holds this many
/// pages (4 MB), and cut back to [`WAL_SIZE_LIMIT`] when it restarts, so
/// it stays bounded whatever the length of a session.
pub const WAL_AUTOCHECKPOINT_PAGES: u32 = 1000;

/// Bytes a WAL file is truncated to after a checkpoint lets it restart,
/// and the size, all written, a clean close leaves it at (see
/// `SqliteStore::close_keeping_wal`): room for about 180 answers'
/// commits, so that a session's answers write into the file, not past it.
pub const WAL_SIZE_LIMIT: u64 = 4 << 20;

/// SQLite's page cache, in KiB, while a deck is synced (see
/// `SqliteStore::with_sync_settings`).
const SYNC_CACHE_KIB: i64 = 64 << 10;

/// New cards inserted by one statement in a deck sync (4 parameters a
/// row, far below SQLite's limit of 32,766).
const INSERT_ROWS_PER_STATEMENT: usize = 64;

impl SqliteStore {
    /// Opens (creating if needed) the progress database in `dir`.
    pub fn open_dir(dir: &Path) -> StoreResult<SqliteStore> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Unwritable {
            path: dir.to_path_buf(),
            reason: super::SystemProblem::of_io(&e).to_string(),
        })?;
        SqliteStore::open(&dir.join(super::DB_FILE))
    }

    /// Opens (creating if needed) a progress database file. A file that is
    /// not a docket database, or is damaged, empty or truncated, is
    /// refused before anything is written to it.
    pub fn open(path: &Path) -> StoreResult<SqliteStore> {
        SqliteStore::open_with_vfs(path, None)
    }

    /// [`SqliteStore::open`] through a named SQLite VFS (the power-loss
    /// test registers one that forgets unsynced writes).
    pub fn open_with_vfs(path: &Path, vfs: Option<&str>) -> StoreResult<SqliteStore> {
        open::retry_busy(|| {
            match std::fs::metadata(path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => open::create(path)?,
                _ => {}
            }
            open::check_file(path)?;
            // A store that is byte for byte what a clean close left needs
            // no structural check (see `open::seal`).
            let check = !open::is_sealed(path, QUICK_CHECK_MAX_BYTES);
            // No CREATE flag: if the file vanished meanwhile, fail rather
            // than start an empty store in its place.
            let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
                | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
                | rusqlite::OpenFlags::SQLITE_OPEN_URI;
            // Each commit's WAL frames go out in one write (see
            // `wal_gather`); the checkpointer's connection uses `vfs` as it is.
            let conn = match super::wal_gather::over(vfs).as_deref().or(vfs) {
                Some(v) => Connection::open_with_flags_and_vfs(path, flags, v),
                None => Connection::open_with_flags(path, flags),
            }
            .map_err(|e| StoreError::at(path, e))?;
            SqliteStore::setup(conn, path, check, vfs)
        })
    }

    /// A private in-memory store (tests, simulations).
    pub fn open_in_memory() -> StoreResult<SqliteStore> {
        SqliteStore::setup(
            Connection::open_in_memory()?,
            Path::new(":memory:"),
            false,
            None,
        )
    }

    fn setup(
        mut conn: Connection,
        path: &Path,
        check: bool,
        vfs: Option<&str>,
    ) -> StoreResult<SqliteStore> {
        let at = |e| StoreError::at(path, e);
        conn.busy_timeout(open::BUSY_TIMEOUT).map_err(at)?;
        let on_disk = path != Path::new(":memory:");
        if on_disk {
            if check {
                integrity(&conn, path)?;
            }
            conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                .map_err(at)?;
            keep_wal_file(&conn);
        }
        // synchronous=FULL in WAL mode: every commit syncs the WAL before
        // it returns, so an acknowledged answer survives a power cut or an
        // OS crash, not only a killed process. Checkpoints run whenever the
        // WAL passes about 4 MB, so it stays bounded in long sessions.
        conn.execute_batch(&format!(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
             PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES};
             PRAGMA journal_size_limit = {WAL_SIZE_LIMIT};"
        ))
        .map_err(at)?;
        migrate::migrate(&mut conn, path, migrate::LATEST)?;
        Ok(SqliteStore {
            conn,
            path: path.to_path_buf(),
            sessions: Vec::new(),
            vfs: vfs.map(str::to_string),
            checkpoint: None,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The raw connection, for benchmarks and tests that build large collections.
    pub fn connection(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction (the write lock taken
    /// first, waiting out other writers) and commits it: the one way every
    /// write goes, with the crash points `op:before-commit` and
    /// `op:after-commit` around the commit.
    fn write<T>(
        &mut self,
        op: &str,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        failpoint::hit(op, "before-commit");
        tx.commit()?;
        failpoint::hit(op, "after-commit");
        Ok(value)
    }

    /// The session an answer names, when it was started on this
    /// connection and its id is still the handed-out one.
    fn started(&self, id: Option<i64>) -> Option<StartedSession> {
        let id = id?;
        self.sessions.iter().find(|s| s.handed == id).cloned()
    }

    /// Remembers a session's row once the transaction that wrote it has
    /// committed.
    fn session_written(&mut self, handed: i64, row: i64) {
        if let Some(s) = self.sessions.iter_mut().find(|s| s.handed == handed) {
            s.row = Some(row);
        }
    }

    /// Records `a` inside `tx`, with its session's row id (writing the
    /// row first if `session` has none yet): the log id and the row id.
    fn record_with_session(
        tx: &rusqlite::Transaction<'_>,
        a: &Answer,
        session: Option<&StartedSession>,
    ) -> StoreResult<(i64, Option<i64>)> {
        let Some(session) = session else {
            return Ok((record_in(tx, a)?, None));
        };
        let row = session.row_in(tx)?;
        let a = Answer {
            session_id: Some(row),
            ..a.clone()
        };
        Ok((record_in(tx, &a)?, Some(row)))
    }

    /// Runs `f` with commits that do not wait for the disk, for writes
    /// that acknowledge nothing (a cache, a deck's sync, all redone if
    /// lost): the WAL is appended in order, so the
    /// next synced commit (an answer) makes them durable with it. The
    /// connection's level is restored afterwards.
    fn unsynced<T>(&mut self, f: impl FnOnce(&mut Self) -> StoreResult<T>) -> StoreResult<T> {
        let level: i64 = self
            .conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))?;
        self.conn
            .execute_batch(&format!("PRAGMA synchronous = {}", level.min(1)))?;
        let out = f(self);
        self.conn
            .execute_batch(&format!("PRAGMA synchronous = {level}"))?;
        out
    }

    /// Runs a deck's sync `f` (which acknowledges nothing: lost, it is
    /// redone at the next run) as one large transaction wants it, and
    /// restores the connection's settings afterwards:
    ///
    /// - SQLite's page cache raised to [`SYNC_CACHE_KIB`]: a large new
    ///   deck's rows and indexes outgrow the default 2 MB, and pages
    ///   evicted in the middle of the transaction are written to the WAL
    ///   and read back (about 5% of a first sync of 100,000 cards). The
    ///   cache takes memory only as pages are used.
    /// - Its commit does not wait for the disk (`synchronous = NORMAL`), and
    ///   when there is no WAL file yet (a new store) not even for the WAL's
    ///   header (`OFF`): the header's sync guards a WAL that restarts over
    ///   older frames, which a new file has none of (a kept one has, see
    ///   [`keep_wal_file`]). The next synced commit (an answer)
    ///   syncs the WAL, and the directory of a new one, before it is
    ///   acknowledged.
    /// - No checkpoint inside the commit (a checkpoint under `OFF` would not
    ///   be synced): when the sync left the WAL holding the automatic
    ///   checkpoint's share ([`WAL_AUTOCHECKPOINT_PAGES`] frames) or more,
    ///   it is checkpointed on another thread ([`Checkpoint`]) while the
    ///   first card is shown; else the next commit's automatic checkpoint
    ///   does it as before.
    fn with_sync_settings<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let (cache, level): (i64, i64) = (
            self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?,
            self.conn
                .query_row("PRAGMA synchronous", [], |r| r.get(0))?,
        );
        let on_disk = self.path != Path::new(":memory:");
        let wal = open::wal_path(&self.path);
        let wal_before = std::fs::metadata(&wal).map_or(0, |m| m.len());
        let sync_level = if on_disk && wal_before == 0 {
            0
        } else {
            level.min(1)
        };
        self.conn.execute_batch(&format!(
            "PRAGMA cache_size = -{SYNC_CACHE_KIB}; PRAGMA synchronous = {sync_level};
             PRAGMA wal_autocheckpoint = 0;"
        ))?;
        let out = f(self);
        self.conn.execute_batch(&format!(
            "PRAGMA cache_size = {cache}; PRAGMA synchronous = {level};
             PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES};"
        ))?;
        // By the frames, not the file's size: the file is kept, at its
        // set size or more, whatever it holds (see `close_keeping_wal`).
        if on_disk && wal_file::holds_frames(&wal, WAL_AUTOCHECKPOINT_PAGES) == Some(true) {
            self.wait_for_checkpoint();
            self.checkpoint = Checkpoint::start(&self.path, self.vfs.as_deref());
        }
        out
    }

    /// Waits for a checkpoint left running by a sync, if any.
    fn wait_for_checkpoint(&mut self) {
        if let Some(c) = self.checkpoint.take() {
            c.wait();
        }
    }

    /// [`Store::sync_deck`] of a deck whose hash changed, in one transaction.
    fn sync_changed(
        &mut self,
        deck_id: &str,
        title: &str,
        deck_hash: &str,
        cards: &[DeckCard],
        now_ms: i64,
    ) -> StoreResult<SyncReport> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut known: HashMap<String, (String, u32, bool, i64)> = HashMap::new();
        {
            let mut stmt = tx.prepare(
                "SELECT card_id, content_hash, position, present, phase FROM cards WHERE deck_id = ?1",
            )?;
            let rows = stmt.query_map([deck_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    (
                        hash_text(r, 1)?.unwrap_or_default(),
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                    ),
                ))
            })?;
            for row in rows {
                let (id, v) = row?;
                known.insert(id, v);
            }
        }
        let mut report = SyncReport::default();
        {
            let mut update = tx.prepare(
                "UPDATE cards SET position = ?3, content_hash = ?4, present = 1
                 WHERE deck_id = ?1 AND card_id = ?2",
            )?;
            // New cards are inserted in key order (after this loop): each
            // lands beside the previous one in the table instead of on a
            // random page, several times faster for a large new deck.
            let mut fresh: Vec<(&str, u32, &str)> = Vec::new();
            for (i, c) in cards.iter().enumerate() {
                let pos = i as u32;
                match known.remove(&c.card_id) {
                    None => {
                        fresh.push((&c.card_id, pos, &c.content_hash));
                        report.added += 1;
                    }
                    Some((hash, old_pos, present, phase)) => {
                        if hash != c.content_hash && phase != Phase::New.number() {
                            report.changed.push(c.card_id.clone());
                        }
                        if hash != c.content_hash || old_pos != pos || !present {
                            update.execute(params![
                                deck_id,
                                c.card_id,
                                pos,
                                hash_param(&c.content_hash)
                            ])?;
                        }
                    }
                }
            }
            fresh.sort_unstable_by(|a, b| a.0.cmp(b.0));
            // Many rows to a statement: each statement run has a fixed
            // cost (binding, resetting) about as large as a row's inserts.
            // `OR ROLLBACK`: a failing row ends the whole transaction (the
            // sync is all or nothing anyway), so SQLite keeps no journal
            // to undo just the statement's earlier rows; with one, every
            // page a statement touched was first copied to a temporary
            // file (15,000 writes for a new 10,000-card deck).
            let sql = |n: usize| {
                format!(
                    "INSERT OR ROLLBACK INTO cards (deck_id, card_id, position, content_hash) VALUES {}",
                    vec!["(?, ?, ?, ?)"; n].join(", ")
                )
            };
            let mut full = None;
            for rows in fresh.chunks(INSERT_ROWS_PER_STATEMENT) {
                let hashes: Vec<_> = rows.iter().map(|(_, _, hash)| hash_param(hash)).collect();
                let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(rows.len() * 4);
                for ((id, pos, _), hash) in rows.iter().zip(&hashes) {
                    values.extend([&deck_id as &dyn rusqlite::ToSql, id, pos, hash]);
                }
                if rows.len() == INSERT_ROWS_PER_STATEMENT {
                    let stmt = match &mut full {
                        Some(stmt) => stmt,
                        None => full.insert(tx.prepare(&sql(rows.len()))?),
                    };
                    stmt.execute(&*values)?;
                } else {
                    tx.prepare(&sql(rows.len()))?.execute(&*values)?;
                }
            }
            // The review log's keys (`card_keys`, `content_hashes`) are
            // made by a card's first answer, not here: made for every new
            // card they were two more rows and two more index entries a
            // card, about 15% of a first run on a large deck, for cards
            // answered days later if ever; a first answer writes one or
            // two more pages with them.
            let mut remove =
                tx.prepare("UPDATE cards SET present = 0 WHERE deck_id = ?1 AND card_id = ?2")?;
            for (id, (_, _, present, _)) in known {
                if present {
                    remove.execute(params![deck_id, id])?;
                    report.removed += 1;
                }
            }
        }
        let kept: Vec<Option<&str>> = cards.iter().map(|c| c.text.as_deref()).collect();
        texts::write_deck(&tx, deck_id, &kept)?;
        tx.execute(
            "INSERT INTO decks (deck_id, title, content_hash, synced_ms) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (deck_id) DO UPDATE SET title = ?2, content_hash = ?3, synced_ms = ?4",
            params![deck_id, title, deck_hash, now_ms],
        )?;
        failpoint::hit("sync", "before-commit");
        tx.commit()?;
        failpoint::hit("sync", "after-commit");
        Ok(report)
    }

    fn rows(&self, sql: &str, p: impl rusqlite::Params) -> StoreResult<Vec<CardRow>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(p, card_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A deck's cards as the statistics read them, with more conditions
    /// (`extra`, SQL starting with AND).
    fn card_progress_where(
        &self,
        deck_id: &str,
        extra: &str,
    ) -> StoreResult<Vec<super::CardProgress>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT present, phase, step, stability, difficulty, due_ms, interval_days,
               last_review_ms, reps, lapses, suspended, buried_until_ms
             FROM cards WHERE deck_id = ?1 {extra}"
        ))?;
        let rows = stmt.query_map([deck_id], |r| {
            Ok(super::CardProgress {
                present: r.get(0)?,
                state: state_at(r, 1)?,
                suspended: r.get(10)?,
                buried_until_ms: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl SqliteStore {
    /// Empties the WAL for the close while keeping its file (see
    /// [`keep_wal_file`]), when this connection wrote or the WAL holds
    /// frames (left by a crash, which SQLite recovered), and no other
    /// connection, in any process, has the store open: the exclusive lock
    /// is taken (`locking_mode = EXCLUSIVE` holds it from the next write
    /// transaction to the close), every frame is checkpointed into the
    /// database, and the WAL's header is invalidated, so the next open
    /// finds nothing to recover and no database placed beside the file
    /// could ever be given its pages. The file is left at
    /// [`WAL_SIZE_LIMIT`] bytes, all written (`wal_file::empty`), which
    /// costs about 6 ms once in a store's life. Nothing writes to the WAL
    /// after that: the close's own checkpoint finds nothing to copy. With
    /// another connection open, the WAL is left to it.
    fn close_keeping_wal(&mut self) {
        // The size limit would make the close cut the kept file to nothing.
        let _ = self.conn.execute_batch("PRAGMA journal_size_limit = -1");
        let wal = open::wal_path(&self.path);
        if self.conn.total_changes() == 0 && !wal_file::has_frames(&wal) {
            return;
        }
        let _ = self.conn.busy_timeout(std::time::Duration::ZERO);
        let alone = self
            .conn
            .execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN IMMEDIATE; COMMIT;")
            .is_ok();
        if !alone {
            let _ = self.conn.execute_batch("ROLLBACK");
            return;
        }
        let copied = self
            .conn
            .query_row("PRAGMA wal_checkpoint(RESTART)", [], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .is_ok_and(|(busy, frames, copied)| busy == 0 && frames == copied);
        if copied {
            let _ = wal_file::empty(&wal, WAL_SIZE_LIMIT);
        }
    }
}

/// Asks SQLite to keep the WAL file when the last connection closes
/// (`SQLITE_FCNTL_PERSIST_WAL`) instead of deleting it. Each answer's
/// commit waits for the disk; a commit that writes into a file already
/// that long waits for its data alone, where one that makes the file
/// longer also waits for the file system's own journal (about 0.2 ms
/// against 0.1 on the machine `benches/sync_cost.py` measured). A kept
/// WAL file makes every session's answers overwrites. Best effort: a
/// SQLite that refuses only means the WAL is deleted at close as before.
fn keep_wal_file(conn: &Connection) {
    let mut on: std::ffi::c_int = 1;
    // SAFETY: `conn.handle()` is this open connection's handle, "main" a
    // NUL-terminated name, and PERSIST_WAL reads and writes the one `int`
    // it is given, which lives across the call.
    unsafe {
        rusqlite::ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            rusqlite::ffi::SQLITE_FCNTL_PERSIST_WAL,
            (&raw mut on).cast(),
        );
    }
}

impl Drop for SqliteStore {
    /// Closes the connection (SQLite checkpoints the WAL when this is the
    /// last one, and keeps its file: see [`keep_wal_file`]) and records a
    /// clean close, so that the next open can skip the structural check
    /// (`open::seal`).
    fn drop(&mut self) {
        if self.path == Path::new(":memory:") {
            return;
        }
        // The close checkpoints the WAL only as the last connection: a
        // checkpoint still running would keep it from doing so.
        self.wait_for_checkpoint();
        self.close_keeping_wal();
        let Ok(spare) = Connection::open_in_memory() else {
            return;
        };
        if std::mem::replace(&mut self.conn, spare).close().is_ok() {
            open::seal(&self.path, QUICK_CHECK_MAX_BYTES);
        }
    }
}

/// The check run at an open of a store not recorded by a clean close
/// (`open::is_sealed`), by size: the full `integrity_check` up to
/// [`FULL_CHECK_MAX_BYTES`], `quick_check` up to [`QUICK_CHECK_MAX_BYTES`]
/// (page structure, no index-to-table cross-check). A damaged store is
/// refused before anything is written.
fn integrity(conn: &Connection, path: &Path) -> StoreResult<()> {
    // A WAL's size counts only when it holds frames: the file kept
    // between sessions is 4 MB of nothing (see `close_keeping_wal`).
    let wal = open::wal_path(path);
    let size = std::fs::metadata(path).map_or(0, |m| m.len())
        + if wal_file::has_frames(&wal) {
            std::fs::metadata(&wal).map_or(0, |m| m.len())
        } else {
            0
        };
    let pragma = if size <= FULL_CHECK_MAX_BYTES {
        "PRAGMA integrity_check(1)"
    } else if size <= QUICK_CHECK_MAX_BYTES {
        "PRAGMA quick_check(1)"
    } else {
        return Ok(());
    };
    let verdict: String = conn
        .query_row(pragma, [], |r| r.get(0))
        .map_err(|e| StoreError::at(path, e))?;
    if verdict != "ok" {
        return Err(StoreError::Damaged {
            path: path.to_path_buf(),
            reason: verdict,
        });
    }
    Ok(())
}

/// The learning cards the load balancer counts (`Store::load_cards`),
/// found through `cards_queue`: left to itself SQLite walks the deck's
/// whole primary key, every row of the table (about 5,000 page reads and
/// 25 ms at 100,000 cards, in a session's first answer), for the handful
/// in learning.
const LOAD_LEARNING_SQL: &str = "SELECT phase, step, stability, difficulty, due_ms, interval_days,
       last_review_ms, reps, lapses
     FROM cards INDEXED BY cards_queue
     WHERE deck_id = ?1 AND phase IN (1, 3) AND present = 1";

/// The query of [`Store::due_reviews_in_order`]: `?1` deck, `?2` due
/// before, `?3` now, `?4` limit, `?5` the shuffle's seed.
///
/// Ordered by due time (Anki's default and its day orders), it walks the
/// index `cards_queue` in due order and stops once the limit is reached
/// (only ties on the due time at the limit are sorted), so a cold start
/// reads about as many cards as the day's limits allow, however many are
/// due. The other orders depend on values outside the index's order (or on
/// `now`) and sort every due card.
fn review_order_sql(order: crate::schedule::config::ReviewOrder) -> String {
    use crate::schedule::config::ReviewOrder as O;
    // A seeded shuffle in plain SQL arithmetic (cards have no rowid).
    let random = "(position * 2654435761 + ?5) % 4294967291";
    let retrievability = "(?3 - coalesce(last_review_ms, 0)) / max(stability, 0.001)";
    let key = match order {
        O::Day | O::DayThenDeck | O::DeckThenDay => "due_ms".to_string(),
        O::IntervalsAscending => "interval_days".into(),
        O::IntervalsDescending => "interval_days DESC".into(),
        O::EaseAscending => "difficulty DESC".into(),
        O::EaseDescending => "difficulty".into(),
        O::RetrievabilityAscending => format!("{retrievability} DESC"),
        O::RetrievabilityDescending => retrievability.into(),
        O::RelativeOverdueness => "(?3 - due_ms) * 1.0 / max(interval_days, 1) DESC".into(),
        O::Random => random.into(),
        O::Added => "position".into(),
        O::ReverseAdded => "position DESC".into(),
    };
    format!(
        "SELECT {CARD_COLUMNS} FROM cards INDEXED BY cards_queue
         WHERE deck_id = ?1 AND phase = 2 AND due_ms < ?2
           AND present = 1 AND suspended = 0 AND buried_until_ms <= ?3
         ORDER BY {key}, {random}, card_id LIMIT ?4"
    )
}

fn phase(n: i64) -> rusqlite::Result<Phase> {
    Phase::from_number(n).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Integer, "phase".into())
    })
}

/// A content hash as stored (16 bytes, or text for hashes from elsewhere)
/// read back as the text docket uses.
fn hash_text(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<String>> {
    use rusqlite::types::ValueRef;
    Ok(match r.get_ref(i)? {
        ValueRef::Null => None,
        ValueRef::Blob(b) => Some(hex::encode(b)),
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
    })
}

/// A card's state from nine columns starting at `first` (phase, step,
/// stability, difficulty, due_ms, interval_days, last_review_ms, reps,
/// lapses).
fn state_at(r: &Row<'_>, first: usize) -> rusqlite::Result<CardState> {
    Ok(CardState {
        phase: phase(r.get(first)?)?,
        step: r.get(first + 1)?,
        stability: r.get::<_, f64>(first + 2)? as f32,
        difficulty: r.get::<_, f64>(first + 3)? as f32,
        due_ms: r.get(first + 4)?,
        interval_days: r.get(first + 5)?,
        last_review_ms: r.get(first + 6)?,
        reps: r.get(first + 7)?,
        lapses: r.get(first + 8)?,
    })
}

fn card_row(r: &Row<'_>) -> rusqlite::Result<CardRow> {
    Ok(CardRow {
        card_id: r.get(0)?,
        position: r.get(1)?,
        present: r.get(2)?,
        content_hash: hash_text(r, 3)?.unwrap_or_default(),
        answered_hash: hash_text(r, 4)?,
        state: state_at(r, 5)?,
        suspended: r.get(14)?,
        buried_until_ms: r.get(15)?,
    })
}

fn current_state(
    tx: &rusqlite::Transaction<'_>,
    deck_id: &str,
    card_id: &str,
) -> StoreResult<CardRow> {
    let sql = format!("SELECT {CARD_COLUMNS} FROM cards WHERE deck_id = ?1 AND card_id = ?2");
    tx.prepare_cached(&sql)?
        .query_row(params![deck_id, card_id], card_row)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("card `{card_id}`")))
}

fn write_state(
    tx: &rusqlite::Transaction<'_>,
    deck_id: &str,
    card_id: &str,
    s: &CardState,
    answered_hash: Option<&str>,
) -> StoreResult<()> {
    tx.prepare_cached(
        "UPDATE cards SET phase = ?3, step = ?4, stability = ?5, difficulty = ?6, due_ms = ?7,
           interval_days = ?8, last_review_ms = ?9, reps = ?10, lapses = ?11, answered_hash = ?12
         WHERE deck_id = ?1 AND card_id = ?2",
    )?
    .execute(params![
        deck_id,
        card_id,
        s.phase.number(),
        s.step,
        s.stability as f64,
        s.difficulty as f64,
        s.due_ms,
        s.interval_days,
        s.last_review_ms,
        s.reps,
        s.lapses,
        answered_hash.map(hash_value),
    ])?;
    Ok(())
}

/// Records an answer inside `tx`: refused as stale unless the card is
/// still in the state the answer was based on.
fn record_in(tx: &rusqlite::Transaction<'_>, a: &Answer) -> StoreResult<i64> {
    let current = current_state(tx, &a.deck_id, &a.card_id)?;
    if current.state != a.before {
        return Err(StoreError::Stale(a.card_id.clone()));
    }
    let answered = (!a.kind.is_manual()).then_some(a.content_hash.as_str());
    write_state(tx, &a.deck_id, &a.card_id, &a.after, answered)?;
    revlog::insert(tx, a)
}

/// Undoes a logged answer inside `tx`: refused as stale unless the card is
/// still in the state that answer left it in.
fn undo_in(tx: &rusqlite::Transaction<'_>, log_id: i64) -> StoreResult<Answer> {
    let entry = revlog::get(tx, log_id)?
        .ok_or_else(|| StoreError::NotFound(format!("review-log row {log_id}")))?;
    let a = entry.answer;
    let current = current_state(tx, &a.deck_id, &a.card_id)?;
    // Only the card's newest answer can be undone, and only while the card
    // is still where that answer left it.
    if revlog::has_later(tx, &a.deck_id, &a.card_id, log_id)? || current.state != a.after {
        return Err(StoreError::Stale(a.card_id.clone()));
    }
    let previous_hash = revlog::previous_hash(tx, log_id)?;
    write_state(
        tx,
        &a.deck_id,
        &a.card_id,
        &a.before,
        previous_hash.as_deref(),
    )?;
    revlog::delete(tx, log_id)?;
    Ok(a)
}

impl Store for SqliteStore {
    fn sync_deck(
        &mut self,
        deck_id: &str,
        title: &str,
        deck_hash: &str,
        cards: &[DeckCard],
        now_ms: i64,
    ) -> StoreResult<SyncReport> {
        let last: Option<String> = self
            .conn
            .query_row(
                "SELECT content_hash FROM decks WHERE deck_id = ?1",
                [deck_id],
                |r| r.get(0),
            )
            .optional()?;
        if last.as_deref() == Some(deck_hash) {
            return Ok(SyncReport {
                unchanged: true,
                ..SyncReport::default()
            });
        }
        // A sync acknowledges nothing (lost, it is redone at the next
        // run): its commit need not wait for the disk.
        self.with_sync_settings(|s| s.sync_changed(deck_id, title, deck_hash, cards, now_ms))
    }

    fn card(&self, deck_id: &str, card_id: &str) -> StoreResult<Option<CardRow>> {
        let sql = format!("SELECT {CARD_COLUMNS} FROM cards WHERE deck_id = ?1 AND card_id = ?2");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(params![deck_id, card_id], card_row)
            .optional()?)
    }

    fn cards(&self, deck_id: &str) -> StoreResult<Vec<CardRow>> {
        self.rows(
            &format!(
                "SELECT {CARD_COLUMNS} FROM cards WHERE deck_id = ?1 ORDER BY present DESC, position"
            ),
            [deck_id],
        )
    }

    fn due_learning(
        &self,
        deck_id: &str,
        until_ms: i64,
        now_ms: i64,
        limit: u32,
    ) -> StoreResult<Vec<CardRow>> {
        self.rows(
            &format!(
                "SELECT {CARD_COLUMNS} FROM cards INDEXED BY cards_queue
                 WHERE deck_id = ?1 AND phase IN (1, 3) AND due_ms <= ?2
                   AND present = 1 AND suspended = 0 AND buried_until_ms <= ?3
                 ORDER BY due_ms, position LIMIT ?4"
            ),
            params![deck_id, until_ms, now_ms, limit],
        )
    }

    fn due_reviews(
        &self,
        deck_id: &str,
        before_ms: i64,
        now_ms: i64,
        limit: u32,
    ) -> StoreResult<Vec<CardRow>> {
        // Retrievability falls as elapsed/stability grows, so ordering by
        // that ratio is ordering by retrievability, lowest first. The inner
        // query reads only the covering index `cards_queue`; whole rows are
        // fetched for the chosen few.
        let order = "(?3 - coalesce(last_review_ms, 0)) / max(stability, 0.001) DESC, card_id";
        self.rows(
            &format!(
                "SELECT {CARD_COLUMNS} FROM cards
                 WHERE deck_id = ?1 AND card_id IN (
                   SELECT card_id FROM cards INDEXED BY cards_queue
                   WHERE deck_id = ?1 AND phase = 2 AND due_ms < ?2
                     AND present = 1 AND suspended = 0 AND buried_until_ms <= ?3
                   ORDER BY {order} LIMIT ?4)
                 ORDER BY {order}"
            ),
            params![deck_id, before_ms, now_ms, limit],
        )
    }

    fn due_reviews_in_order(
        &self,
        deck_id: &str,
        before_ms: i64,
        now_ms: i64,
        limit: u32,
        order: crate::schedule::config::ReviewOrder,
        seed: u64,
    ) -> StoreResult<Vec<CardRow>> {
        self.rows(
            &review_order_sql(order),
            params![
                deck_id,
                before_ms,
                now_ms,
                limit,
                (seed % 4_294_967_291) as i64
            ],
        )
    }

    fn new_cards(&self, deck_id: &str, now_ms: i64, limit: u32) -> StoreResult<Vec<CardRow>> {
        self.rows(
            &format!(
                "SELECT {CARD_COLUMNS} FROM cards
                 WHERE deck_id = ?1 AND phase = 0
                   AND present = 1 AND suspended = 0 AND buried_until_ms <= ?2
                 ORDER BY position LIMIT ?3"
            ),
            params![deck_id, now_ms, limit],
        )
    }

    fn studied_since(&self, deck_id: &str, since_ms: i64) -> StoreResult<StudiedCounts> {
        // As Anki counts against the review limit: review answers, and
        // answers to interday learning cards (learning answered on a later
        // day than the answer before).
        let (new, reviews, _) = revlog::counts_since(&self.conn, deck_id, since_ms)?;
        let interday = revlog::interday_learning_since(&self.conn, deck_id, since_ms)?;
        Ok(StudiedCounts {
            new,
            reviews: reviews + interday,
        })
    }

    fn record(&mut self, a: &Answer) -> StoreResult<i64> {
        let session = self.started(a.session_id);
        let (log_id, row) = self.write("record", |tx| {
            SqliteStore::record_with_session(tx, a, session.as_ref())
        })?;
        if let (Some(s), Some(row)) = (session, row) {
            self.session_written(s.handed, row);
        }
        Ok(log_id)
    }

    fn rerate(&mut self, log_id: i64, answer: &Answer) -> StoreResult<i64> {
        let session = self.started(answer.session_id);
        let (log_id, row) = self.write("rerate", |tx| {
            let old = undo_in(tx, log_id)?;
            if old.card_id != answer.card_id || old.deck_id != answer.deck_id {
                return Err(StoreError::NotFound(format!(
                    "review-log row {log_id} of card `{}`",
                    answer.card_id
                )));
            }
            failpoint::hit("rerate", "between");
            SqliteStore::record_with_session(tx, answer, session.as_ref())
        })?;
        if let (Some(s), Some(row)) = (session, row) {
            self.session_written(s.handed, row);
        }
        Ok(log_id)
    }

    fn import_history(
        &mut self,
        deck_id: &str,
        cards: &[ImportedCard],
        replace: bool,
    ) -> StoreResult<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if !replace {
            let mut taken = Vec::new();
            {
                let mut studied = tx.prepare(
                    "SELECT EXISTS (SELECT 1 FROM cards WHERE deck_id = ?1 AND card_id = ?2 AND phase != 0)",
                )?;
                for c in cards {
                    if studied.query_row(params![deck_id, c.card_id], |r| r.get::<_, bool>(0))?
                        || revlog::has_any(&tx, deck_id, &c.card_id)?
                    {
                        taken.push(c.card_id.clone());
                    }
                }
            }
            if let Some(first) = taken.first() {
                return Err(StoreError::HasProgress {
                    deck_id: deck_id.to_string(),
                    count: taken.len(),
                    first: first.clone(),
                });
            }
        }
        {
            let mut upsert = tx.prepare(
                "INSERT INTO cards (deck_id, card_id, position, content_hash) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (deck_id, card_id) DO UPDATE SET content_hash = ?4, present = 1",
            )?;
            for c in cards {
                upsert.execute(params![
                    deck_id,
                    c.card_id,
                    c.position,
                    hash_value(&c.content_hash)
                ])?;
                revlog::clear(&tx, deck_id, &c.card_id)?;
                let answered = (!c.log.is_empty()).then_some(c.content_hash.as_str());
                write_state(&tx, deck_id, &c.card_id, &c.state, answered)?;
            }
            // The answers go in in time order across cards (each card's own
            // order kept), so row ids follow time as in a store filled by
            // studying, and a query for a time range can narrow its scan by
            // id; card after card, each card's ids would be bumped past the
            // one before it (an id is at least the newest one plus one).
            let mut heads: std::collections::BinaryHeap<std::cmp::Reverse<(i64, usize, usize)>> =
                cards
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| c.log.first().map(|a| std::cmp::Reverse((a.ts_ms, i, 0))))
                    .collect();
            while let Some(std::cmp::Reverse((_, i, at))) = heads.pop() {
                revlog::insert(&tx, &cards[i].log[at])?;
                if let Some(next) = cards[i].log.get(at + 1) {
                    heads.push(std::cmp::Reverse((next.ts_ms, i, at + 1)));
                }
            }
        }
        failpoint::hit("import", "before-commit");
        tx.commit()?;
        failpoint::hit("import", "after-commit");
        Ok(())
    }

    fn undo(&mut self, log_id: i64) -> StoreResult<Answer> {
        self.write("undo", |tx| undo_in(tx, log_id))
    }

    fn set_suspended(&mut self, deck_id: &str, card_id: &str, suspended: bool) -> StoreResult<()> {
        self.write("suspend", |tx| {
            let n = tx.execute(
                "UPDATE cards SET suspended = ?3 WHERE deck_id = ?1 AND card_id = ?2",
                params![deck_id, card_id, suspended],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("card `{card_id}`")));
            }
            Ok(())
        })
    }

    fn set_buried_until(&mut self, deck_id: &str, card_id: &str, until_ms: i64) -> StoreResult<()> {
        self.write("bury", |tx| {
            let n = tx.execute(
                "UPDATE cards SET buried_until_ms = ?3 WHERE deck_id = ?1 AND card_id = ?2",
                params![deck_id, card_id, until_ms],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("card `{card_id}`")));
            }
            Ok(())
        })
    }

    fn log(&self, deck_id: &str, card_id: Option<&str>) -> StoreResult<Vec<LogEntry>> {
        revlog::entries(&self.conn, deck_id, card_id)
    }

    fn start_session(&mut self, deck_id: &str, now_ms: i64) -> StoreResult<i64> {
        // Nothing is written yet: the row comes with the session's first
        // answer or its end (see `StartedSession`), so a start writes
        // nothing, and a session's row is durable with its first answer.
        let handed = self.sessions.iter().map(|s| s.handed).min().unwrap_or(0) - 1;
        self.sessions.push(StartedSession {
            handed,
            deck_id: deck_id.to_string(),
            started_ms: now_ms,
            row: None,
        });
        Ok(handed)
    }

    fn end_session(&mut self, id: i64, now_ms: i64, seen: u32, correct: u32) -> StoreResult<()> {
        let session = self.started(Some(id));
        self.write("session", |tx| {
            let row = match &session {
                Some(s) => s.row_in(tx)?,
                None => id,
            };
            tx.execute(
                "UPDATE sessions SET ended_ms = ?2, seen = ?3, correct = ?4 WHERE id = ?1",
                params![row, now_ms, seen, correct],
            )?;
            Ok(())
        })?;
        self.sessions.retain(|s| s.handed != id);
        // Best effort: another session may hold the database.
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        Ok(())
    }

    fn setting(&self, scope: &str, key: &str) -> StoreResult<Option<String>> {
        // Cached: a start reads every setting in two scopes, and preparing
        // the statement each time was 8% of a cold start's instructions.
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM settings WHERE scope = ?1 AND key = ?2")?
            .query_row(params![scope, key], |r| r.get(0))
            .optional()?)
    }

    fn set_setting(&mut self, scope: &str, key: &str, value: &str) -> StoreResult<()> {
        self.write("setting", |tx| {
            tx.execute(
                "INSERT INTO settings (scope, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (scope, key) DO UPDATE SET value = ?3",
                params![scope, key, value],
            )?;
            Ok(())
        })
    }

    fn due_counts(
        &self,
        deck_id: &str,
        learn_until_ms: i64,
        review_before_ms: i64,
        now_ms: i64,
    ) -> StoreResult<(u32, u32, u32)> {
        let count = |sql: &str, until: i64| -> StoreResult<u32> {
            Ok(self
                .conn
                .prepare_cached(sql)?
                .query_row(params![deck_id, until, now_ms], |r| r.get(0))?)
        };
        let live = "present = 1 AND suspended = 0 AND buried_until_ms <= ?3";
        Ok((
            count(
                &format!(
                    "SELECT count(*) FROM cards INDEXED BY cards_queue WHERE deck_id = ?1 AND phase IN (1, 3) AND due_ms <= ?2 AND {live}"
                ),
                learn_until_ms,
            )?,
            count(
                &format!(
                    "SELECT count(*) FROM cards INDEXED BY cards_queue WHERE deck_id = ?1 AND phase = 2 AND due_ms < ?2 AND {live}"
                ),
                review_before_ms,
            )?,
            count(
                &format!(
                    "SELECT count(*) FROM cards WHERE deck_id = ?1 AND phase = 0 AND ?2 = ?2 AND {live}"
                ),
                0,
            )?,
        ))
    }

    fn reviews_passed_since(&self, deck_id: &str, since_ms: i64) -> StoreResult<(u32, u32)> {
        let (_, all, passed) = revlog::counts_since(&self.conn, deck_id, since_ms)?;
        Ok((all, passed))
    }

    fn card_text(&self, deck_id: &str, card_id: &str) -> StoreResult<Option<(String, String)>> {
        // The text is kept by position among the cards still in the deck.
        let found: Option<(u32, String)> = self
            .conn
            .prepare_cached(
                "SELECT position, content_hash FROM cards
                 WHERE deck_id = ?1 AND card_id = ?2 AND present = 1",
            )?
            .query_row(params![deck_id, card_id], |r| {
                Ok((r.get(0)?, hash_text(r, 1)?.unwrap_or_default()))
            })
            .optional()?;
        let Some((position, hash)) = found else {
            return Ok(None);
        };
        Ok(texts::get(&self.conn, deck_id, position)?.map(|text| (text, hash)))
    }

    fn deck_file(&self, path: &str) -> StoreResult<Option<DeckFile>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT path, deck_id, size, mtime_ns, file_hash, head, first_card
                 FROM deck_files WHERE path = ?1",
            )?
            .query_row([path], |r| {
                Ok(DeckFile {
                    path: r.get(0)?,
                    deck_id: r.get(1)?,
                    size: r.get(2)?,
                    mtime_ns: r.get(3)?,
                    file_hash: r.get(4)?,
                    head: r.get(5)?,
                    first_card: r.get(6)?,
                })
            })
            .optional()?)
    }

    fn set_deck_file(&mut self, f: &DeckFile) -> StoreResult<()> {
        // A cache: lost, the file is only parsed again.
        self.unsynced(|s| s.write("deck-file", |tx| {
            tx.execute(
                "INSERT OR REPLACE INTO deck_files (path, deck_id, size, mtime_ns, file_hash, head, first_card)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![f.path, f.deck_id, f.size, f.mtime_ns, f.file_hash, f.head, f.first_card],
            )?;
            Ok(())
        }))
    }

    fn next_due(&self, deck_id: &str) -> StoreResult<Option<i64>> {
        let mut first = None::<i64>;
        for phase in [1, 2, 3] {
            let due: Option<i64> = self
                .conn
                .prepare_cached(
                    "SELECT due_ms FROM cards INDEXED BY cards_queue WHERE deck_id = ?1 AND phase = ?2
                       AND present = 1 AND suspended = 0 ORDER BY due_ms LIMIT 1",
                )?
                .query_row(params![deck_id, phase], |r| r.get(0))
                .optional()?;
            first = match (first, due) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        Ok(first)
    }

    fn review_groups(
        &self,
        deck_id: &str,
        since_ms: i64,
        day_offset_ms: i64,
    ) -> StoreResult<Vec<super::ReviewGroup>> {
        let groups = revlog::groups_since(&self.conn, deck_id, since_ms, day_offset_ms)?;
        let mut out: Vec<super::ReviewGroup> = groups
            .into_iter()
            .map(
                |((day, kind, rating, mature, first, secs), (count, duration_ms))| {
                    super::ReviewGroup {
                        day,
                        kind,
                        rating,
                        mature,
                        first,
                        secs,
                        count,
                        duration_ms,
                    }
                },
            )
            .collect();
        out.sort_by_key(|g| (g.day, g.kind, g.rating, g.mature, g.first, g.secs));
        Ok(out)
    }

    fn cards_answered_since(&self, deck_id: &str, since_ms: i64) -> StoreResult<u32> {
        revlog::cards_answered_since(&self.conn, deck_id, since_ms)
    }

    fn brief_answers_since(
        &self,
        deck_id: &str,
        since_ms: i64,
    ) -> StoreResult<Vec<super::BriefAnswer>> {
        revlog::brief_since(&self.conn, deck_id, since_ms)
    }

    fn brief_log(&mut self, deck_id: &str) -> StoreResult<Vec<super::BriefAnswer>> {
        let pending = self.brief_log_begin(deck_id)?;
        self.brief_log_finish(pending)
    }

    fn brief_log_begin(&mut self, deck_id: &str) -> StoreResult<super::PendingBriefLog> {
        let bytes = log_cache::get(&self.conn, BRIEF_CACHE, deck_id)?;
        // A thread that cannot be started leaves the copy unread: the log
        // itself is read instead (slower, never wrong).
        let decoding = bytes.and_then(|bytes| {
            std::thread::Builder::new()
                .name("brief-log".into())
                .spawn(move || log_cache::decode(&bytes))
                .ok()
        });
        Ok(super::PendingBriefLog {
            deck_id: deck_id.to_string(),
            decoding,
        })
    }

    fn brief_log_finish(
        &mut self,
        pending: super::PendingBriefLog,
    ) -> StoreResult<Vec<super::BriefAnswer>> {
        let deck_id = pending.deck_id.as_str();
        // A decoder that panicked is no copy.
        let cached = pending.decoding.and_then(|h| h.join().ok().flatten());
        let after = cached
            .as_ref()
            .and_then(|rows| rows.last())
            .map_or(i64::MIN, |a| a.id);
        let fresh = revlog::brief_rows(&self.conn, deck_id, i64::MIN, after)?;
        let rewrite = match &cached {
            None => true,
            // A few rows appended are read by id each time; many, and the
            // copy is brought up to date.
            Some(rows) => fresh.len() * 50 > rows.len().max(1000),
        };
        let mut rows = cached.unwrap_or_default();
        rows.extend(fresh);
        if rewrite {
            let bytes = log_cache::encode(&rows);
            // Only time is lost if the copy cannot be written (a read-only
            // store, another process writing): the log itself is read.
            let covers = rows.last().map_or(i64::MIN, |a| a.id);
            let _ = self.set_log_derived(BRIEF_CACHE, deck_id, &bytes, covers);
        }
        Ok(rows)
    }

    fn log_derived(&self, name: &str, deck_id: &str) -> StoreResult<Option<Vec<u8>>> {
        log_cache::get(&self.conn, name, deck_id)
    }

    fn set_log_derived(
        &mut self,
        name: &str,
        deck_id: &str,
        value: &[u8],
        covers: i64,
    ) -> StoreResult<()> {
        self.unsynced(|s| {
            s.write("cache", |tx| {
                log_cache::put(tx, name, deck_id, value, covers)
            })
        })
    }

    fn load_cards(&self, deck_id: &str) -> StoreResult<(Vec<i64>, Vec<CardState>)> {
        // Reviews from the queue index alone (no table row read): a first
        // answer reads tens of thousands of them.
        let reviews = self
            .conn
            .prepare_cached(
                "SELECT due_ms FROM cards INDEXED BY cards_queue
                 WHERE deck_id = ?1 AND phase = 2 AND present = 1",
            )?
            .query_map([deck_id], |r| r.get(0))?
            .collect::<Result<Vec<i64>, _>>()?;
        let learning = self
            .conn
            .prepare_cached(LOAD_LEARNING_SQL)?
            .query_map([deck_id], |r| state_at(r, 0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok((reviews, learning))
    }

    fn card_progress(&self, deck_id: &str) -> StoreResult<Vec<super::CardProgress>> {
        self.card_progress_where(deck_id, "")
    }

    fn deck_ids(&self) -> StoreResult<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT deck_id FROM decks ORDER BY deck_id")?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ids)
    }

    fn set_memory_state(
        &mut self,
        deck_id: &str,
        card_id: &str,
        before: &CardState,
        stability: f32,
        difficulty: f32,
    ) -> StoreResult<()> {
        self.write("set_memory_state", |tx| {
            if current_state(tx, deck_id, card_id)?.state != *before {
                return Err(StoreError::Stale(card_id.to_string()));
            }
            tx.execute(
                "UPDATE cards SET stability = ?3, difficulty = ?4 WHERE deck_id = ?1 AND card_id = ?2",
                params![deck_id, card_id, stability as f64, difficulty as f64],
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imported(card_id: &str, ts_ms: i64) -> ImportedCard {
        let after = review(4.0, ts_ms);
        ImportedCard {
            card_id: card_id.into(),
            position: 0,
            content_hash: "h".into(),
            state: after,
            log: vec![Answer {
                deck_id: "d".into(),
                card_id: card_id.into(),
                ts_ms,
                rating: Some(crate::schedule::Rating::Good),
                kind: crate::schedule::ReviewKind::Learning,
                before: CardState::NEW,
                after,
                elapsed_days: 0,
                elapsed_secs: 0,
                r_before: None,
                r_after: None,
                duration_ms: 1000,
                content_hash: "h".into(),
                session_id: None,
            }],
        }
    }

    fn progress(s: &SqliteStore) -> (usize, usize) {
        let studied = s
            .cards("d")
            .unwrap()
            .iter()
            .filter(|c| c.state.phase != Phase::New)
            .count();
        (studied, s.log("d", None).unwrap().len())
    }

    #[test]
    fn a_session_row_is_written_with_its_first_answer_or_its_end() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        let card = |id: &str| DeckCard {
            card_id: id.into(),
            content_hash: "h".into(),
            text: None,
        };
        s.sync_deck("d", "D", "x", &[card("a"), card("b")], 0)
            .unwrap();
        let rows = |s: &mut SqliteStore| -> Vec<(i64, i64, Option<i64>, u32)> {
            let c = s.connection();
            let mut stmt = c
                .prepare("SELECT id, started_ms, ended_ms, seen FROM sessions ORDER BY id")
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        let answer = |card_id: &str, session: i64| Answer {
            session_id: Some(session),
            ..imported(card_id, 1_000).log.remove(0)
        };
        let first = s.start_session("d", 10).unwrap();
        let empty = s.start_session("d", 20).unwrap();
        assert_ne!(first, empty);
        assert!(rows(&mut s).is_empty(), "a start writes nothing");
        // A refused answer writes no row either (its transaction is undone).
        let stale = Answer {
            before: review(1.0, 5),
            ..answer("a", first)
        };
        assert!(matches!(s.record(&stale), Err(StoreError::Stale(_))));
        assert!(rows(&mut s).is_empty());
        s.record(&answer("a", first)).unwrap();
        s.record(&answer("b", first)).unwrap();
        let written = rows(&mut s);
        assert_eq!(written, vec![(written[0].0, 10, None, 0)]);
        let ids: Vec<_> = s
            .log("d", None)
            .unwrap()
            .iter()
            .map(|e| e.answer.session_id)
            .collect();
        assert_eq!(ids, vec![Some(written[0].0); 2]);
        s.end_session(first, 30, 2, 2).unwrap();
        // A session without answers gets its row at its end.
        s.end_session(empty, 40, 0, 0).unwrap();
        let row = written[0].0;
        assert_eq!(
            rows(&mut s),
            vec![(row, 10, Some(30), 2), (row + 1, 20, Some(40), 0)]
        );
    }

    /// A store in `dir` with deck `d` of `n` new cards, each answered once
    /// at `ts_ms` in `sessions` sessions (closed and opened again), and the
    /// length of the WAL file after each close.
    fn answered_in_sessions(dir: &Path, n: usize, sessions: usize, ts_ms: i64) -> Vec<u64> {
        let cards: Vec<DeckCard> = (0..n)
            .map(|i| DeckCard {
                card_id: format!("c{i:03}"),
                content_hash: "h".into(),
                text: None,
            })
            .collect();
        let wal = open::wal_path(&dir.join(crate::store::DB_FILE));
        let mut lens = Vec::new();
        for k in 0..sessions {
            let mut s = SqliteStore::open_dir(dir).unwrap();
            s.sync_deck("d", "D", "x", &cards, 0).unwrap();
            for i in (k..n).step_by(sessions) {
                s.record(
                    &imported(&format!("c{i:03}"), ts_ms + i as i64)
                        .log
                        .remove(0),
                )
                .unwrap();
            }
            drop(s);
            assert!(!wal_file::has_frames(&wal), "session {k} left frames");
            lens.push(std::fs::metadata(&wal).unwrap().len());
        }
        lens
    }

    #[test]
    fn sqlite_is_built_to_sync_with_fdatasync() {
        // `.cargo/config.toml` passes this to libsqlite3-sys's build of the
        // bundled SQLite, and to this crate's, where it can be seen.
        assert_eq!(option_env!("LIBSQLITE3_FLAGS"), Some("-DHAVE_FDATASYNC=1"));
    }

    #[test]
    fn the_wal_file_is_kept_emptied_and_later_sessions_write_over_it() {
        let dir = tempfile::tempdir().unwrap();
        let lens = answered_in_sessions(dir.path(), 90, 3, 1_000);
        // Each session's answers wrote inside the file its first close
        // left at its set size.
        assert_eq!(lens, vec![WAL_SIZE_LIMIT; 3]);
        let s = SqliteStore::open_dir(dir.path()).unwrap();
        assert_eq!(progress(&s), (90, 90));
    }

    #[test]
    fn a_session_that_only_reads_empties_the_frames_a_crash_left() {
        let dir = tempfile::tempdir().unwrap();
        answered_in_sessions(dir.path(), 4, 1, 1_000);
        let mut s = SqliteStore::open_dir(dir.path()).unwrap();
        let again = Answer {
            before: review(4.0, 1_000),
            ..imported("c000", 2_000).log.remove(0)
        };
        s.record(&again).unwrap();
        // What a crash now leaves: the answer's frame in the WAL, not yet
        // in the database file.
        let crashed = tempfile::tempdir().unwrap();
        let db = crashed.path().join(crate::store::DB_FILE);
        let wal = open::wal_path(&db);
        std::fs::copy(dir.path().join(crate::store::DB_FILE), &db).unwrap();
        std::fs::copy(
            open::wal_path(&dir.path().join(crate::store::DB_FILE)),
            &wal,
        )
        .unwrap();
        drop(s);
        assert!(wal_file::has_frames(&wal));
        // A later session reads and closes: the frame is in the database,
        // and the WAL is emptied.
        let s = SqliteStore::open_dir(crashed.path()).unwrap();
        assert_eq!(s.log("d", None).unwrap().len(), 5);
        drop(s);
        assert!(!wal_file::has_frames(&wal));
        assert_eq!(std::fs::metadata(&wal).unwrap().len(), WAL_SIZE_LIMIT);
    }

    #[test]
    fn a_close_leaves_the_wal_to_another_connection_still_open() {
        let dir = tempfile::tempdir().unwrap();
        answered_in_sessions(dir.path(), 4, 1, 1_000);
        let db = dir.path().join(crate::store::DB_FILE);
        // Another process's connection, reading now and then.
        let other = Connection::open(&db).unwrap();
        let count = |c: &Connection| -> i64 {
            c.query_row("SELECT count(*) FROM reviews", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(count(&other), 4);
        let mut s = SqliteStore::open_dir(dir.path()).unwrap();
        let again = Answer {
            before: review(4.0, 1_000),
            ..imported("c000", 2_000).log.remove(0)
        };
        s.record(&again).unwrap();
        drop(s);
        // Not alone at the close: the WAL keeps its frame, and the other
        // connection still reads the answer from it.
        assert!(wal_file::has_frames(&open::wal_path(&db)));
        assert_eq!(count(&other), 5);
        drop(other);
        let s = SqliteStore::open_dir(dir.path()).unwrap();
        assert_eq!(s.log("d", None).unwrap().len(), 5);
    }

    #[test]
    fn a_large_sync_is_checkpointed_behind_and_the_settings_restored() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open_dir(dir.path()).unwrap();
        let settings = |s: &SqliteStore| -> (i64, i64, i64) {
            let get = |p: &str| s.conn.query_row(p, [], |r| r.get(0)).unwrap();
            (
                get("PRAGMA synchronous"),
                get("PRAGMA wal_autocheckpoint"),
                get("PRAGMA cache_size"),
            )
        };
        let before = settings(&s);
        assert_eq!(before.0, 2);
        let cards = |n: usize| -> Vec<DeckCard> {
            (0..n)
                .map(|i| DeckCard {
                    card_id: format!("{i:0>120}"),
                    content_hash: format!("{i:032x}"),
                    text: None,
                })
                .collect()
        };
        // A small deck: checkpointed as usual, nothing left behind.
        s.sync_deck("small", "S", "x", &cards(50), 0).unwrap();
        assert!(s.checkpoint.is_none());
        assert_eq!(settings(&s), before);
        // A large one leaves a WAL past the automatic checkpoint's size,
        // which is copied into the database on another thread.
        let db_bytes = || {
            std::fs::metadata(dir.path().join(crate::store::DB_FILE))
                .unwrap()
                .len()
        };
        let small = db_bytes();
        s.sync_deck("large", "L", "x", &cards(12_000), 0).unwrap();
        let wal = open::wal_path(&dir.path().join(crate::store::DB_FILE));
        assert_eq!(
            wal_file::holds_frames(&wal, WAL_AUTOCHECKPOINT_PAGES),
            Some(true)
        );
        assert!(s.checkpoint.is_some());
        assert_eq!(settings(&s), before);
        s.wait_for_checkpoint();
        assert!(
            db_bytes() > small + (4 << 20),
            "the pages are in the database: {} bytes, {small} before",
            db_bytes()
        );
        assert_eq!(s.cards("large").unwrap().len(), 12_000);
        // The store closes cleanly after it, keeping its WAL file emptied
        // and cut back to its limit.
        drop(s);
        let wal = open::wal_path(&dir.path().join(crate::store::DB_FILE));
        let len = std::fs::metadata(&wal).unwrap().len();
        assert!(len > 0 && len <= WAL_SIZE_LIMIT, "{len}");
        assert!(!wal_file::has_frames(&wal));
    }

    #[test]
    fn new_cards_inserted_many_to_a_statement_keep_their_positions_and_hashes() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        // Two whole statements and a shorter last one, ids not in key order.
        let n = INSERT_ROWS_PER_STATEMENT * 2 + 7;
        let card = |i: usize| DeckCard {
            card_id: format!("c{}", (i * 37) % n),
            content_hash: format!("{i:032x}"),
            text: None,
        };
        let deck: Vec<DeckCard> = (0..n).map(card).collect();
        let report = s.sync_deck("d", "D", "1", &deck, 0).unwrap();
        assert_eq!(report.added, n);
        let check = |s: &SqliteStore, deck: &[DeckCard]| {
            let rows = s.cards("d").unwrap();
            let present: Vec<&CardRow> = rows.iter().filter(|r| r.present).collect();
            assert_eq!(present.len(), deck.len());
            for (i, c) in deck.iter().enumerate() {
                let row = present.iter().find(|r| r.card_id == c.card_id).unwrap();
                assert_eq!(
                    (row.position as usize, &row.content_hash),
                    (i, &c.content_hash)
                );
            }
        };
        check(&s, &deck);
        // Fewer than a statement's worth of new cards, some removed.
        let mut next: Vec<DeckCard> = deck[10..].to_vec();
        next.extend((0..5).map(|i| DeckCard {
            card_id: format!("new{i}"),
            content_hash: format!("{:032x}", 1000 + i),
            text: None,
        }));
        let report = s.sync_deck("d", "D", "2", &next, 0).unwrap();
        assert_eq!((report.added, report.removed), (5, 10));
        check(&s, &next);
    }

    #[test]
    fn a_sync_whose_insert_fails_leaves_the_store_as_it_was() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        let card = |id: &str| DeckCard {
            card_id: id.into(),
            content_hash: format!("{:032x}", 7),
            text: None,
        };
        s.sync_deck("d", "D", "1", &[card("a")], 0).unwrap();
        // A repeated id (the parser never lets one through) fails the
        // insert, which ends the whole transaction: nothing of it stays.
        let mut cards: Vec<DeckCard> = (0..100).map(|i| card(&format!("n{i}"))).collect();
        cards.push(card("n5"));
        assert!(s.sync_deck("d", "D", "2", &cards, 0).is_err());
        let ids: Vec<String> = s
            .cards("d")
            .unwrap()
            .into_iter()
            .map(|r| r.card_id)
            .collect();
        assert_eq!(ids, ["a"]);
        // The store takes the next sync as usual.
        let report = s.sync_deck("d", "D", "3", &cards[..100], 0).unwrap();
        assert_eq!((report.added, report.removed), (100, 1));
    }

    #[test]
    fn review_log_keys_are_made_by_a_cards_first_answer_not_by_a_sync() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        let hex = "0123456789abcdef0123456789abcdef";
        let card = |id: &str| DeckCard {
            card_id: id.into(),
            content_hash: hex.into(),
            text: None,
        };
        s.sync_deck("d", "D", "x", &[card("a"), card("b")], 0)
            .unwrap();
        let keys = |s: &mut SqliteStore| -> (Vec<String>, i64) {
            let c = s.connection();
            let mut stmt = c
                .prepare("SELECT card_id FROM card_keys ORDER BY id")
                .unwrap();
            let ids = stmt
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let hashes = c
                .query_row("SELECT count(*) FROM content_hashes", [], |r| r.get(0))
                .unwrap();
            (ids, hashes)
        };
        assert_eq!(keys(&mut s), (vec![], 0));
        assert!(s.log("d", Some("a")).unwrap().is_empty());
        let answer = Answer {
            content_hash: hex.into(),
            ..imported("b", 1_000).log.remove(0)
        };
        let id = s.record(&answer).unwrap();
        assert_eq!(keys(&mut s), (vec!["b".to_string()], 1));
        let log = s.log("d", None).unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!((log[0].id, log[0].answer.card_id.as_str()), (id, "b"));
        assert_eq!(log[0].answer.content_hash, hex);
    }

    #[test]
    fn history_import_is_all_or_nothing() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        // A failure while writing the second card undoes the first.
        s.connection()
            .execute_batch(
                "CREATE TRIGGER fail BEFORE INSERT ON reviews
                   WHEN NEW.card = (SELECT id FROM card_keys WHERE card_id = 'b')
                 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;",
            )
            .unwrap();
        let cards = [imported("a", 1_000), imported("b", 2_000)];
        assert!(s.import_history("d", &cards, false).is_err());
        assert_eq!(progress(&s), (0, 0));
        s.connection().execute_batch("DROP TRIGGER fail").unwrap();
        s.import_history("d", &cards, false).unwrap();
        assert_eq!(progress(&s), (2, 2));
        assert_eq!(
            s.card("d", "a").unwrap().unwrap().answered_hash.as_deref(),
            Some("h")
        );
        // Progress already kept is not overwritten unless asked.
        let again = [imported("c", 3_000), imported("b", 4_000)];
        let err = s.import_history("d", &again, false).unwrap_err();
        assert!(
            matches!(err, StoreError::HasProgress { count: 1, .. }),
            "{err}"
        );
        assert_eq!(progress(&s), (2, 2));
        s.import_history("d", &again, true).unwrap();
        assert_eq!(progress(&s), (3, 3));
        let b = s.log("d", Some("b")).unwrap();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].answer.ts_ms, 4_000);
    }

    #[test]
    fn load_cards_agree_with_whole_rows() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        let mut relearning = imported("b", 2_000);
        relearning.state.phase = Phase::Relearning;
        relearning.state.due_ms = 9_000;
        let mut cards = vec![imported("a", 1_000), relearning, imported("c", 3_000)];
        cards[0].state.due_ms = 7_000;
        cards[2].state.due_ms = 8_000;
        s.import_history("d", &cards, false).unwrap();
        // A card no longer in the deck is not counted.
        s.connection()
            .execute_batch("UPDATE cards SET present = 0 WHERE card_id = 'c'")
            .unwrap();
        let (reviews, learning) = s.load_cards("d").unwrap();
        assert_eq!(reviews, vec![7_000]);
        assert_eq!(learning.len(), 1);
        assert_eq!(learning[0].due_ms, 9_000);
        let whole = s.card_progress("d").unwrap();
        assert_eq!(whole.len(), 3);
        assert!(s.load_cards("other").unwrap().0.is_empty());
    }

    fn review(stability: f32, last_review_ms: i64) -> CardState {
        CardState {
            phase: Phase::Review,
            stability,
            difficulty: 5.0,
            due_ms: 0,
            interval_days: 3,
            last_review_ms: Some(last_review_ms),
            reps: 1,
            ..CardState::NEW
        }
    }

    #[test]
    fn the_default_review_order_reads_the_index_in_due_order_without_a_full_sort() {
        use crate::schedule::config::ReviewOrder;
        let s = SqliteStore::open_in_memory().unwrap();
        for order in [
            ReviewOrder::Day,
            ReviewOrder::DayThenDeck,
            ReviewOrder::DeckThenDay,
        ] {
            let plan = query_plan(&s, &review_order_sql(order), params!["d", 1, 1, 200, 7]);
            assert!(
                plan.contains("INDEX cards_queue (deck_id=? AND phase=? AND due_ms<?)"),
                "{plan}"
            );
            // Only ties on the due time are sorted ("... FOR LAST 2 TERMS OF
            // ORDER BY"), so the scan stops at the limit; a full sort would
            // read every due card first.
            assert!(!plan.contains("B-TREE FOR ORDER BY"), "{plan}");
            assert!(
                plan.contains("TERMS OF ORDER BY") || plan.contains("RIGHT PART OF ORDER BY"),
                "{plan}"
            );
        }
    }

    /// SQLite's plan for `sql` with `params`, one step to a line.
    fn query_plan(s: &SqliteStore, sql: &str, params: impl rusqlite::Params) -> String {
        let plan: Vec<String> = s
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map(params, |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        plan.join("\n")
    }

    #[test]
    fn the_load_balancers_learning_cards_are_found_through_the_queue_index() {
        let s = SqliteStore::open_in_memory().unwrap();
        let plan = query_plan(&s, LOAD_LEARNING_SQL, ["d"]);
        assert!(
            plan.contains("INDEX cards_queue (deck_id=? AND phase=?)"),
            "{plan}"
        );
    }

    /// What the load balancer counts, read from the index, is what every
    /// card row says: learning, review and relearning cards that are in
    /// the deck, suspended or not.
    #[test]
    fn load_cards_are_what_the_card_rows_say() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        let cards: Vec<DeckCard> = (0..40)
            .map(|i| DeckCard {
                card_id: format!("c{i}"),
                content_hash: "h".into(),
                text: None,
            })
            .collect();
        s.sync_deck("d", "D", "x", &cards, 0).unwrap();
        s.sync_deck("other", "O", "x", &cards[..5], 0).unwrap();
        for i in 0..40i64 {
            s.connection()
                .execute(
                    "UPDATE cards SET phase = ?2, due_ms = ?3, present = ?4, suspended = ?5
                     WHERE deck_id = 'd' AND card_id = ?1",
                    params![
                        format!("c{i}"),
                        i % 4,
                        1000 * (i % 7),
                        i % 5 != 0,
                        i % 3 == 0
                    ],
                )
                .unwrap();
        }
        s.connection()
            .execute("UPDATE cards SET phase = 2 WHERE deck_id = 'other'", [])
            .unwrap();
        let rows: Vec<CardRow> = s
            .cards("d")
            .unwrap()
            .into_iter()
            .filter(|r| r.present && r.state.phase != Phase::New)
            .collect();
        let mut reviews: Vec<i64> = rows
            .iter()
            .filter(|r| r.state.phase == Phase::Review)
            .map(|r| r.state.due_ms)
            .collect();
        let mut learning: Vec<(i64, i64)> = rows
            .iter()
            .filter(|r| r.state.phase != Phase::Review)
            .map(|r| (r.state.phase.number(), r.state.due_ms))
            .collect();
        let (mut got_reviews, got_learning) = s.load_cards("d").unwrap();
        let mut got_learning: Vec<(i64, i64)> = got_learning
            .iter()
            .map(|c| (c.phase.number(), c.due_ms))
            .collect();
        reviews.sort_unstable();
        learning.sort_unstable();
        got_reviews.sort_unstable();
        got_learning.sort_unstable();
        assert_eq!(got_reviews.len() + got_learning.len(), 24);
        assert_eq!(got_reviews, reviews);
        assert_eq!(got_learning, learning);
    }

    #[test]
    fn due_reviews_come_lowest_retrievability_first_within_the_limit() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        let cards: Vec<DeckCard> = ["a", "b", "c", "d"]
            .iter()
            .map(|id| DeckCard {
                card_id: id.to_string(),
                content_hash: "h".into(),
                text: None,
            })
            .collect();
        s.sync_deck("d", "D", "x", &cards, 0).unwrap();
        let day = 86_400_000;
        let now = 100 * day;
        // elapsed/stability: a 10/10, b 10/2, c 10/50, d not due.
        let states = [
            ("a", review(10.0, now - 10 * day)),
            ("b", review(2.0, now - 10 * day)),
            ("c", review(50.0, now - 10 * day)),
            (
                "d",
                CardState {
                    due_ms: now + 5 * day,
                    ..review(1.0, now - 10 * day)
                },
            ),
        ];
        for (id, st) in states {
            let tx = s.conn.transaction().unwrap();
            write_state(&tx, "d", id, &st, None).unwrap();
            tx.commit().unwrap();
        }
        let ids = |rows: Vec<CardRow>| rows.into_iter().map(|r| r.card_id).collect::<Vec<_>>();
        assert_eq!(
            ids(s.due_reviews("d", now + day, now, 10).unwrap()),
            ["b", "a", "c"]
        );
        assert_eq!(
            ids(s.due_reviews("d", now + day, now, 2).unwrap()),
            ["b", "a"]
        );
        s.set_buried_until("d", "b", now + day).unwrap();
        assert_eq!(
            ids(s.due_reviews("d", now + day, now, 10).unwrap()),
            ["a", "c"]
        );
        assert_eq!(s.next_due("d").unwrap(), Some(0));
    }
}
