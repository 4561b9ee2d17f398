//! A store's `-wal` file, read and emptied without SQLite's help.
//!
//! docket keeps the WAL file between sessions (see
//! `SqliteStore::close_keeping_wal`), so its presence no longer means that
//! changes may be waiting in it: what matters is whether it holds frames.
//! A clean close empties it by invalidating its header, which SQLite
//! treats as a WAL with nothing in it, and gives it a set size.
//!
//! The layout is SQLite's (<https://sqlite.org/fileformat2.html#walformat>):
//! a 32-byte header whose salts every frame of the same generation
//! repeats in its own 24-byte header, then frames of 24 bytes plus one
//! page. A restart of the WAL writes a new header with new salts, so
//! frames of older generations never match it.

use std::os::unix::fs::FileExt;
use std::path::Path;

/// The bytes of a WAL header.
const HEADER_BYTES: usize = 32;

/// The bytes of a frame's header.
const FRAME_HEADER_BYTES: usize = 24;

/// Whether SQLite would find frames in the `-wal` file at `wal`: a valid
/// header followed by a frame under its salts. An absent, empty or
/// emptied file holds none; one that cannot be read may hold some.
pub(crate) fn has_frames(wal: &Path) -> bool {
    holds_frames(wal, 1).unwrap_or(true)
}

/// Whether the WAL's current generation reaches `n` frames (`n` ≥ 1): its
/// `n`th frame carries the header's salts. `None` when the file cannot be
/// read. Frames past the last commit (of a transaction rolled back) count
/// too: this tells how much was written since the WAL restarted.
pub(crate) fn holds_frames(wal: &Path, n: u32) -> Option<bool> {
    let file = match std::fs::File::open(wal) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some(false),
        Err(_) => return None,
    };
    let mut header = [0u8; HEADER_BYTES];
    if !read_at(&file, &mut header, 0)? {
        return Some(false);
    }
    let be32 = |b: &[u8], i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    // 0x377f0682 or 0x377f0683 (the checksums' byte order); anything else
    // is a WAL SQLite starts afresh.
    if be32(&header, 0) & !1 != 0x377f_0682 {
        return Some(false);
    }
    let page_size = match be32(&header, 8) {
        1 => 65_536,
        p if (512..=32_768).contains(&p) && p.is_power_of_two() => u64::from(p),
        _ => return Some(false),
    };
    let at =
        HEADER_BYTES as u64 + u64::from(n.max(1) - 1) * (FRAME_HEADER_BYTES as u64 + page_size);
    let mut frame = [0u8; FRAME_HEADER_BYTES];
    if !read_at(&file, &mut frame, at)? {
        return Some(false);
    }
    Some(be32(&frame, 0) != 0 && frame[8..16] == header[16..24])
}

/// Fills `buf` from offset `at`: `Some(false)` when the file ends first,
/// `None` when it cannot be read.
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> Option<bool> {
    match file.read_exact_at(buf, at) {
        Ok(()) => Some(true),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Some(false),
        Err(_) => None,
    }
}

/// Empties the `-wal` file at `wal` and makes it exactly `len` bytes,
/// all written: its header is overwritten with zeros (SQLite then finds
/// nothing in it), a longer file is cut, a shorter one filled with zeros,
/// and the whole synced. Written blocks, not a sparse or merely reserved
/// tail: a commit that writes into blocks the file system already has
/// waits for its data alone, without a change to the file's extents
/// (PostgreSQL zero-fills its new WAL segments for the same reason).
///
/// Only for a WAL whose frames are all in the database, while no other
/// connection can use it (the caller holds the database's exclusive lock).
pub(crate) fn empty(wal: &Path, len: u64) -> std::io::Result<()> {
    let file = std::fs::OpenOptions::new().write(true).open(wal)?;
    file.write_all_at(&[0u8; HEADER_BYTES], 0)?;
    let had = file.metadata()?.len();
    if had > len {
        file.set_len(len.max(HEADER_BYTES as u64))?;
    } else {
        let zeros = vec![0u8; 256 << 10];
        let mut at = had;
        while at < len {
            let n = (len - at).min(zeros.len() as u64) as usize;
            file.write_all_at(&zeros[..n], at)?;
            at += n as u64;
        }
    }
    file.sync_data()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    #[test]
    fn frames_are_seen_until_the_header_is_invalidated() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        let wal = dir.path().join("t.db-wal");
        assert!(!has_frames(&wal), "absent");
        std::fs::write(&wal, b"").unwrap();
        assert!(!has_frames(&wal), "empty");
        std::fs::remove_file(&wal).unwrap();

        let c = Connection::open(&db).unwrap();
        c.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE t (x);
             INSERT INTO t VALUES (randomblob(20000));",
        )
        .unwrap();
        assert!(has_frames(&wal));
        // 20 kB of blob and the table's pages: a handful of frames.
        assert_eq!(holds_frames(&wal, 5), Some(true));
        assert_eq!(holds_frames(&wal, 50), Some(false));
        c.query_row("PRAGMA wal_checkpoint(FULL)", [], |_| Ok(()))
            .unwrap();
        let len = std::fs::metadata(&wal).unwrap().len();
        empty(&wal, len).unwrap();
        assert!(!has_frames(&wal));
        assert_eq!(std::fs::metadata(&wal).unwrap().len(), len, "same size");
        empty(&wal, 8192).unwrap();
        assert_eq!(std::fs::metadata(&wal).unwrap().len(), 8192, "cut");
        empty(&wal, 600_000).unwrap();
        let bytes = std::fs::read(&wal).unwrap();
        assert_eq!(bytes.len(), 600_000, "filled");
        assert!(bytes[..32].iter().all(|&b| b == 0));
        drop(c);

        // SQLite finds nothing in it, and every row in the database.
        let c = Connection::open(&db).unwrap();
        let n: i64 = c
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }
}
