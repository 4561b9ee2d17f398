//! Checkpoints of the class journal on a thread of their own.
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

use super::journal::Journal;

/// How often the thread checkpoints.
const EVERY: Duration = Duration::from_millis(100);

/// Frames in the log past which the thread waits for a moment without
/// writers and starts the log afresh (about 16 MB of 4 KiB pages).
const RESTART_AT: i64 = 4000;

/// Stops the thread (after a last checkpoint) when dropped.
pub struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

/// Starts checkpointing the journal at `path` on a thread of its own.
/// `journal` is the request connection: from now on it leaves
/// checkpoints to the thread.
pub fn start(journal: &Journal, path: &Path) -> Result<Checkpointer, String> {
    let own = Journal::open(path)?;
    journal.manual_checkpoints()?;
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
                if let Ok(frames) = own.checkpoint(last)
                    && frames > RESTART_AT
                    && !last
                {
                    let _ = own.checkpoint(true);
                }
                if last {
                    break;
                }
            }
        })
        .map_err(|e| format!("cannot start the journal's checkpoint thread: {e}"))?;
    Ok(Checkpointer { _stop: stop })
}
