//! Opening a store file without ever making things worse: a missing store
//! is created whole under a temporary name and linked into place (so no
//! process ever sees a half-made or empty store, and of several processes
//! creating it at once exactly one wins); an existing file is checked
//! before SQLite touches it: an empty file, a foreign header, a size that
//! is not whole pages or smaller than the header says (truncated) are
//! refused with the file left as it was. A clean close records the
//! store's size and 128-bit hash (XXH3: what it must notice is damage,
//! not an adversary) beside it, so that the next open can tell the file
//! is byte for byte the one docket closed and skip SQLite's slower
//! structural check.

use std::io::Read;
use std::path::Path;
use std::path::PathBuf;
use std::time::Duration;
use std::time::Instant;

use rusqlite::Connection;

use super::StoreError;
use super::StoreResult;
use super::SystemProblem;
use super::migrate;
use super::wal_file;

/// How long a process waits for another one holding the store's write
/// lock (a sync of a very large deck can take seconds) before it gives up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The SQLite file header's magic string.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

fn system(path: &Path, e: &std::io::Error) -> StoreError {
    StoreError::System {
        path: path.to_path_buf(),
        problem: SystemProblem::of_io(e),
    }
}

/// The `-wal` file beside a database.
pub(crate) fn wal_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push("-wal");
    PathBuf::from(p)
}

/// Facts read from a database file's 100-byte header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    /// Page size in bytes.
    pub page_size: u64,
    /// Pages according to the header, when the header says it is valid.
    pub page_count: Option<u64>,
}

/// Reads and checks the header of an existing, non-empty file: why it is
/// not a usable SQLite database, if it is not.
pub(crate) fn header(path: &Path, len: u64) -> StoreResult<Header> {
    let mut head = Vec::with_capacity(100);
    std::fs::File::open(path)
        .and_then(|f| f.take(100).read_to_end(&mut head))
        .map_err(|e| system(path, &e))?;
    if head.len() < 16 || &head[..16] != MAGIC {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            reason: "it does not start with the SQLite header".into(),
        });
    }
    let damaged = |reason: String| StoreError::Damaged {
        path: path.to_path_buf(),
        reason,
    };
    if head.len() < 100 {
        return Err(damaged(format!(
            "only {len} bytes long: truncated inside its header"
        )));
    }
    let be16 = |i: usize| u16::from_be_bytes([head[i], head[i + 1]]) as u64;
    let be32 =
        |i: usize| u32::from_be_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]) as u64;
    let page_size = match be16(16) {
        1 => 65_536,
        n if n >= 512 && n.is_power_of_two() && n <= 32_768 => n,
        n => {
            return Err(damaged(format!(
                "its header gives an impossible page size ({n})"
            )));
        }
    };
    // The page count at offset 28 is valid when "version-valid-for" (92)
    // equals the change counter (24), as in every file written by SQLite
    // since 3.7.0.
    let page_count = (be32(92) == be32(24) && be32(28) > 0).then(|| be32(28));
    if !len.is_multiple_of(page_size) {
        return Err(damaged(format!(
            "{len} bytes is not a whole number of {page_size}-byte pages: truncated or overwritten"
        )));
    }
    Ok(Header {
        page_size,
        page_count,
    })
}

/// Checks an existing store file before SQLite opens it for writing.
pub(crate) fn check_file(path: &Path) -> StoreResult<()> {
    let len = std::fs::metadata(path).map_err(|e| system(path, &e))?.len();
    if len == 0 {
        return Err(StoreError::Empty {
            path: path.to_path_buf(),
        });
    }
    let h = header(path, len)?;
    // With frames in the WAL the newest pages may live there, and the
    // file may legitimately be shorter until the next checkpoint.
    if let Some(count) = h.page_count
        && !wal_file::has_frames(&wal_path(path))
        && count * h.page_size > len
    {
        return Err(StoreError::Damaged {
            path: path.to_path_buf(),
            reason: format!(
                "its header says {} bytes but the file has {len}: truncated",
                count * h.page_size
            ),
        });
    }
    Ok(())
}

/// Creates a new store at `path` unless one appears meanwhile: the schema
/// is written to a private file, synced, then hard-linked into place,
/// which fails if the name is taken. Of several processes racing here one
/// links its file and the others discard theirs; none sees an empty store.
pub(crate) fn create(path: &Path) -> StoreResult<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "progress".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.creating-{}", std::process::id()));
    let result = build_and_link(&tmp, path);
    for leftover in [
        tmp.clone(),
        wal_path(&tmp),
        dir.join(format!(".{name}.creating-{}-journal", std::process::id())),
    ] {
        let _ = std::fs::remove_file(leftover);
    }
    result
}

fn build_and_link(tmp: &Path, path: &Path) -> StoreResult<()> {
    let _ = std::fs::remove_file(tmp);
    {
        let mut conn = Connection::open(tmp).map_err(|e| StoreError::at(tmp, e))?;
        // Nobody else sees this file until it is synced whole below, so
        // SQLite need not journal or sync it on the way (a crash leaves
        // only a private leftover): one sync instead of one per step.
        conn.execute_batch("PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;")
            .map_err(|e| StoreError::at(tmp, e))?;
        migrate::migrate(&mut conn, tmp, migrate::LATEST)?;
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .map_err(|e| StoreError::at(tmp, e))?;
        conn.close().map_err(|(_, e)| StoreError::at(tmp, e))?;
    }
    std::fs::File::open(tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| system(tmp, &e))?;
    match std::fs::hard_link(tmp, path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        // File systems without hard links: rename, which can only lose a
        // race to a store created in the same instant (then ours replaces
        // an equally empty one).
        Err(_) if !path.exists() => std::fs::rename(tmp, path).map_err(|e| system(path, &e))?,
        Err(_) => return Ok(()),
    }
    // No directory sync here: the new entry needs to be durable only once
    // the store holds something, and the first sync of the store's WAL
    // (SQLite's, before any commit is acknowledged) syncs the directory.
    // A crash before that can only lose an empty store, made again at the
    // next start; its content is synced above, so the name never points
    // at a half-written file.
    Ok(())
}

/// Makes a new directory entry durable (best effort: not every platform
/// can open a directory).
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Runs `f` again while it fails because another process holds a lock in
/// a way SQLite's busy handler does not wait for (WAL recovery, a journal
/// mode change), up to [`BUSY_TIMEOUT`].
pub(crate) fn retry_busy<T>(mut f: impl FnMut() -> StoreResult<T>) -> StoreResult<T> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match f() {
            Err(StoreError::System {
                problem: SystemProblem::Busy(_),
                ..
            })
            | Err(StoreError::Io(SystemProblem::Busy(_)))
                if start.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            other => return other,
        }
    }
}

/// The file beside a store in which a clean close records the store's
/// size and hash (see [`seal`]).
pub(crate) fn seal_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push("-clean");
    PathBuf::from(p)
}

/// The first word of a clean-close record (and its format's version).
const SEAL_TAG: &str = "docket-clean-close-xxh3-128";

/// The record of `path` as it is now: `None` when it cannot be read, or
/// when it is larger than `max_bytes`.
fn seal_of(path: &Path, max_bytes: u64) -> Option<String> {
    let len = std::fs::metadata(path).ok()?.len();
    if len > max_bytes {
        return None;
    }
    // Read in pieces into one small buffer: a whole-file buffer would
    // cost more in fresh pages than the hashing itself.
    let mut file = std::fs::File::open(path).ok()?;
    let mut hash = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 64 << 10];
    let mut read = 0u64;
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                hash.update(&buf[..n]);
                read += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(format!("{SEAL_TAG} {read} {:032x}\n", hash.digest128()))
}

/// Records, after a clean close, that the store is exactly the file
/// docket closed: its size and XXH3-128 hash, written beside it. Only when
/// the WAL holds no frames (so every change is in the file and no other
/// process is writing) before and after reading it, and only for stores
/// up to `max_bytes` (larger ones get no check at open to skip). Best
/// effort: a missing or stale record only means the next open checks the
/// store.
pub(crate) fn seal(path: &Path, max_bytes: u64) {
    let wal = wal_path(path);
    if wal_file::has_frames(&wal) {
        return;
    }
    let Some(record) = seal_of(path, max_bytes) else {
        let _ = std::fs::remove_file(seal_path(path));
        return;
    };
    if wal_file::has_frames(&wal) {
        return;
    }
    let at = seal_path(path);
    if std::fs::read_to_string(&at).is_ok_and(|r| r == record) {
        return;
    }
    // No sync: a record lost in a crash only costs the next open a check,
    // and a torn one cannot match.
    let _ = std::fs::write(at, record);
}

/// Whether the store is byte for byte the file a clean close recorded
/// (see [`seal`]), with no frames in its WAL: then it is the store docket
/// left, which was sound when opened and written since only by SQLite
/// with no crash, and its structure need not be checked again. Any other
/// change to the file (another program, a damaged disk, a copy) changes
/// its hash, and a crash leaves frames in the WAL (or, after a
/// checkpoint, a different file).
pub(crate) fn is_sealed(path: &Path, max_bytes: u64) -> bool {
    if wal_file::has_frames(&wal_path(path)) {
        return false;
    }
    let Ok(record) = std::fs::read_to_string(seal_path(path)) else {
        return false;
    };
    // The size first: most changes to a file change it, and it costs no read.
    let mut words = record.split_ascii_whitespace();
    let recorded_len = match (words.next(), words.next()) {
        (Some(SEAL_TAG), Some(n)) => n.parse::<u64>().ok(),
        _ => None,
    };
    let len = std::fs::metadata(path).map_or(u64::MAX, |m| m.len());
    if recorded_len != Some(len) {
        return false;
    }
    seal_of(path, max_bytes).is_some_and(|now| now == record)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A closed store file of a few pages, with its WAL checkpointed away.
    fn store(dir: &Path) -> PathBuf {
        let path = dir.join("progress.sqlite3");
        let c = Connection::open(&path).unwrap();
        c.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE t (x); \
             INSERT INTO t VALUES (randomblob(9000));",
        )
        .unwrap();
        drop(c);
        assert!(!wal_path(&path).exists());
        path
    }

    /// The start of a WAL holding one frame: a header and a frame header
    /// under the same salts.
    fn wal_with_a_frame() -> Vec<u8> {
        let mut wal = vec![0u8; 32 + 24 + 4096];
        wal[..4].copy_from_slice(&0x377f_0682u32.to_be_bytes());
        wal[8..12].copy_from_slice(&4096u32.to_be_bytes());
        wal[16..24].copy_from_slice(b"saltsalt");
        wal[32..36].copy_from_slice(&1u32.to_be_bytes());
        wal[40..48].copy_from_slice(b"saltsalt");
        wal
    }

    #[test]
    fn a_seal_holds_only_for_the_same_bytes_with_no_frames_in_the_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = store(dir.path());
        assert!(!is_sealed(&path, 1 << 20), "no record yet");
        seal(&path, 1 << 20);
        assert!(is_sealed(&path, 1 << 20));
        let bytes = std::fs::read(&path).unwrap();

        // One byte changed in the middle, same size: not the sealed file.
        let mut changed = bytes.clone();
        changed[bytes.len() / 2] ^= 1;
        std::fs::write(&path, &changed).unwrap();
        assert!(!is_sealed(&path, 1 << 20));

        // Truncated or grown.
        std::fs::write(&path, &bytes[..bytes.len() - 4096]).unwrap();
        assert!(!is_sealed(&path, 1 << 20));
        std::fs::write(&path, [&bytes[..], &[0; 4096]].concat()).unwrap();
        assert!(!is_sealed(&path, 1 << 20));

        // The same bytes again, but frames in a WAL beside them (a crash,
        // or another process writing).
        std::fs::write(&path, &bytes).unwrap();
        assert!(is_sealed(&path, 1 << 20));
        std::fs::write(wal_path(&path), wal_with_a_frame()).unwrap();
        assert!(!is_sealed(&path, 1 << 20));
        // Nothing is sealed while the WAL holds frames.
        std::fs::write(&path, &changed).unwrap();
        seal(&path, 1 << 20);
        // An emptied WAL (a clean close's, see `wal_file::empty`)
        // is no WAL.
        let len = std::fs::metadata(wal_path(&path)).unwrap().len();
        wal_file::empty(&wal_path(&path), len).unwrap();
        assert!(!is_sealed(&path, 1 << 20));
        std::fs::write(&path, &bytes).unwrap();
        assert!(is_sealed(&path, 1 << 20));
        std::fs::remove_file(wal_path(&path)).unwrap();
        assert!(is_sealed(&path, 1 << 20));

        // A torn or foreign record is no seal.
        let record = std::fs::read_to_string(seal_path(&path)).unwrap();
        std::fs::write(seal_path(&path), &record[..record.len() - 5]).unwrap();
        assert!(!is_sealed(&path, 1 << 20));
        std::fs::write(seal_path(&path), record.replace(SEAL_TAG, "other")).unwrap();
        assert!(!is_sealed(&path, 1 << 20));

        // Above the size limit nothing is recorded (and a stale record is
        // removed).
        seal(&path, 1 << 20);
        seal(&path, 4096);
        assert!(!seal_path(&path).exists());
        assert!(!is_sealed(&path, 1 << 20));
    }
}
