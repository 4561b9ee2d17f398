//! A WAL checkpoint run on another thread, through a connection of its
//! own, after a write too large to checkpoint in place (a first sync of a
//! large deck: 18 MB of pages at 100,000 cards, whose checkpoint, with its
//! two syncs, took 30–50 ms of a first run). The student sees the first
//! card meanwhile; closing the store waits for it.
//!
//! A `PASSIVE` checkpoint never blocks the store's own connection: its
//! reads go on, its writes append to the WAL, and its own automatic
//! checkpoint, finding this one under way, simply skips. The checkpoint's
//! connection keeps SQLite's default `synchronous = FULL`, so the WAL is
//! synced before any page is copied and the database after: as safe as the
//! checkpoint it replaces.

use std::path::Path;
use std::path::PathBuf;
use std::thread::JoinHandle;

use rusqlite::Connection;
use rusqlite::OpenFlags;

/// A checkpoint under way on another thread.
#[derive(Debug)]
pub(crate) struct Checkpoint(JoinHandle<()>);

impl Checkpoint {
    /// Starts checkpointing the store at `path` (opened through `vfs`).
    /// `None` when no thread could be started: the store's own automatic
    /// checkpoint does the work at its next commit instead.
    pub(crate) fn start(path: &Path, vfs: Option<&str>) -> Option<Checkpoint> {
        let path: PathBuf = path.to_path_buf();
        let vfs = vfs.map(str::to_string);
        std::thread::Builder::new()
            .name("docket-checkpoint".into())
            .spawn(move || {
                // Failure is harmless: every page stays in the WAL, and the
                // next checkpoint (automatic, or at close) copies it.
                let _ = run(&path, vfs.as_deref());
            })
            .ok()
            .map(Checkpoint)
    }

    /// Waits for the checkpoint to end.
    pub(crate) fn wait(self) {
        let _ = self.0.join();
    }
}

fn run(path: &Path, vfs: Option<&str>) -> rusqlite::Result<()> {
    // No CREATE flag: the store exists (its own connection has it open).
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = match vfs {
        Some(v) => Connection::open_with_flags_and_vfs(path, flags, v)?,
        None => Connection::open_with_flags(path, flags)?,
    };
    conn.busy_timeout(super::open::BUSY_TIMEOUT)?;
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}
