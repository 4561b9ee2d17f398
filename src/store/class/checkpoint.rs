//! Checkpoints of a class file (the SQLite class store) on a thread of
//! their own.
//!
//! SQLite in WAL mode copies the log back into the database (a
//! checkpoint, with an fsync of each file) every thousand pages, inside
//! whichever commit crosses the line. In a class that commit holds the
//! class's lock, so every student waited for two fsyncs: a 4–40 ms stall
//! about every 300 answers, which was most of the answer latency's tail
//! at saturation. Here the request connection never checkpoints; this
//! thread does, on its own connection, in `PASSIVE` mode (it never blocks
//! a writer), and restarts the log when it has grown long (the log can
//! only start afresh when a checkpoint catches up with the writer).

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use rusqlite::Connection;

/// How often the thread checkpoints.
const EVERY: Duration = Duration::from_millis(100);

/// Frames in the log past which the thread waits for a moment without
/// writers and starts the log afresh (64 MiB of 4 KiB pages). That wait
/// blocks the writer for a checkpoint's fsync, so it should be rare: 300
/// students answering 20 items write about 15,000 frames, and a real
/// class pauses often enough for a passive checkpoint to catch up, after
/// which the next commit starts the log afresh by itself.
const RESTART_AT: i64 = 16_000;

/// Set to `1`, leaves checkpoints inside the commits (SQLite's default),
/// to measure the difference (`CLASS_INLINE_CHECKPOINTS=1 cargo bench
/// --bench class_load`).
pub const INLINE_ENV: &str = "DOCKET_CLASS_INLINE_CHECKPOINTS";

/// Stops the thread (after a last checkpoint) when dropped.
pub struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

/// Starts checkpointing the class file at `path` on a thread of its own;
/// `requests` is the connection that serves students, which from now on
/// leaves checkpoints to the thread. `None` when checkpoints stay inside
/// the commits (see [`INLINE_ENV`]).
pub fn start(requests: &Connection, path: &Path) -> Result<Option<Checkpointer>, String> {
    // For comparison in `benches/class_load.rs` only: SQLite's own
    // checkpoints, inside the commits, as before this thread existed.
    if std::env::var_os(INLINE_ENV).is_some_and(|v| v == "1") {
        return Ok(None);
    }
    let failed = |e: rusqlite::Error| format!("{}: {e}", path.display());
    let own = Connection::open(path).map_err(failed)?;
    own.busy_timeout(Duration::from_secs(5)).map_err(failed)?;
    requests
        .pragma_update(None, "wal_autocheckpoint", 0)
        .map_err(failed)?;
    let (stop, stopped) = mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("class-checkpoint".into())
        .spawn(move || {
            loop {
                let last = !matches!(
                    stopped.recv_timeout(EVERY),
                    Err(mpsc::RecvTimeoutError::Timeout)
                );
                // A failed checkpoint loses nothing (the log keeps every
                // commit); the next round tries again.
                if let Ok(frames) = checkpoint(&own, last)
                    && frames > RESTART_AT
                    && !last
                {
                    let _ = checkpoint(&own, true);
                }
                if last {
                    break;
                }
            }
        })
        .map_err(|e| format!("cannot start the class file's checkpoint thread: {e}"))?;
    Ok(Some(Checkpointer { _stop: stop }))
}

/// Copies the write-ahead log into the database. `PASSIVE` never blocks a
/// writer; with `restart`, waits for writers so the next one starts the
/// log afresh (the log stops growing). Returns the frames in the log.
fn checkpoint(conn: &Connection, restart: bool) -> rusqlite::Result<i64> {
    let mode = if restart { "RESTART" } else { "PASSIVE" };
    conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
        r.get::<_, i64>(1)
    })
}
