//! A thin SQLite VFS over the default one (or a named one) that gathers
//! each transaction's writes to the WAL file into one `pwrite`.
//!
//! SQLite writes every WAL frame as two calls, its 24-byte header and then
//! its page, so an answer (five pages) costs ten `pwrite`s before its
//! `fdatasync`, and on Linux each buffered write call takes its own trip
//! through the file system's write path. Gathered, the five frames go out
//! in one call: in process at 10,000 cards an answer's median went from
//! 0.264 to 0.235 ms on the test VM (`docs/performance.md`).
//!
//! What keeps this safe:
//! - Only the WAL file is wrapped; every other file is the base VFS's own.
//! - Only appended frames are held (each write starting where the last
//!   ended), and never past the page of a commit frame (a frame header
//!   whose "database size" field is not zero), the last frame SQLite
//!   appends for a commit. Writes in place (a page or a checksum rewritten
//!   within a transaction, a restarted WAL's header) go out at once. So a
//!   commit is all in the file when SQLite goes on to publish it in the
//!   WAL index: other connections read it from the file as before, a
//!   killed process leaves it as before, and an error in writing it fails
//!   the commit, as it would have without the gathering.
//! - Everything else done to the file (read, sync, size, truncate, file
//!   controls, close) first writes what is held, so SQLite never sees the
//!   file other than as it wrote it, and a sync covers every frame.
//! - Files whose device lacks `SQLITE_IOCAP_POWERSAFE_OVERWRITE` are not
//!   gathered: there SQLite pads commits to sector boundaries with writes
//!   split around syncs, and a commit frame's header may come in pieces.

use std::collections::HashMap;
use std::ffi::CString;
use std::ffi::c_char;
use std::ffi::c_int;
use std::ffi::c_void;
use std::sync::Mutex;

use rusqlite::ffi;

/// The most held at once (a large transaction's frames go out in chunks
/// of about this size). The unix VFS writes at most 128 KiB per call: it
/// masks the length with `0x1ffff`, so a longer write comes out short and
/// is taken for a full disk.
const MAX_HELD: usize = 96 << 10;

/// The size of a WAL frame header.
const FRAME_HEADER: usize = 24;

/// A WAL file opened through this VFS: SQLite's handle, the base VFS's
/// file (in the same allocation, after this), and the writes held.
#[repr(C)]
struct GatherFile {
    base: ffi::sqlite3_file,
    real: *mut ffi::sqlite3_file,
    held: *mut Held,
}

/// Contiguous writes not yet written, starting at `start`.
#[derive(Default)]
struct Held {
    /// Whether writes are gathered at all (see the module's last point).
    gather: bool,
    start: i64,
    /// Where the last write (held or not) ended; -1 before any.
    last_end: i64,
    bytes: Vec<u8>,
    /// The last write was a commit frame's header: its page ends the
    /// commit.
    commit_next: bool,
}

/// Where the base VFS's file sits inside the allocation SQLite makes for
/// each file of this VFS.
const REAL_OFFSET: usize = std::mem::size_of::<GatherFile>().next_multiple_of(16);

/// The name of the gathering VFS over `base` (the default VFS when
/// `None`), registered with SQLite on first use. `None` when it cannot be
/// registered (then the base is used as it is).
pub fn over(base: Option<&str>) -> Option<String> {
    static REGISTERED: Mutex<Option<HashMap<Option<String>, String>>> = Mutex::new(None);
    let mut registered = REGISTERED.lock().ok()?;
    let registered = registered.get_or_insert_with(HashMap::new);
    let key = base.map(str::to_string);
    if let Some(name) = registered.get(&key) {
        return Some(name.clone());
    }
    let name = match base {
        None => "docket-wal-gather".to_string(),
        Some(b) => format!("docket-wal-gather-over-{b}"),
    };
    let base_name = match base {
        Some(b) => Some(CString::new(b).ok()?),
        None => None,
    };
    let c_name = CString::new(name.clone()).ok()?;
    // SAFETY: `sqlite3_vfs_find` takes a NUL-terminated name or NULL and
    // returns a registered VFS, which lives as long as the process. The
    // new VFS and its name are leaked so that they do too, as SQLite
    // requires of a registered VFS.
    unsafe {
        let found =
            ffi::sqlite3_vfs_find(base_name.as_ref().map_or(std::ptr::null(), |n| n.as_ptr()));
        if found.is_null() {
            return None;
        }
        let mut vfs: ffi::sqlite3_vfs = *found;
        vfs.szOsFile = (REAL_OFFSET + (*found).szOsFile as usize) as c_int;
        vfs.zName = c_name.into_raw();
        vfs.pAppData = found.cast();
        vfs.xOpen = Some(x_open);
        vfs.pNext = std::ptr::null_mut();
        // The other methods are the base's own, called with this VFS: the
        // unix VFS's (and a shim's copying them) do not use that argument
        // beyond the fields copied here.
        let vfs = Box::into_raw(Box::new(vfs));
        if ffi::sqlite3_vfs_register(vfs, 0) != ffi::SQLITE_OK {
            drop(CString::from_raw((*vfs).zName.cast_mut()));
            drop(Box::from_raw(vfs));
            return None;
        }
    }
    registered.insert(key, name.clone());
    Some(name)
}

unsafe extern "C" fn x_open(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    // SAFETY: SQLite passes this VFS (whose app data is the base VFS) and
    // an allocation of its `szOsFile` bytes for the file, room for a
    // `GatherFile` and the base's file after it.
    unsafe {
        let base = (*vfs).pAppData as *mut ffi::sqlite3_vfs;
        let Some(open) = (*base).xOpen else {
            return ffi::SQLITE_ERROR;
        };
        if flags & ffi::SQLITE_OPEN_WAL == 0 {
            // Not a WAL file: the base's file, as it is.
            return open(base, name, file, flags, out_flags);
        }
        let gather = file as *mut GatherFile;
        let real = (file as *mut u8).add(REAL_OFFSET) as *mut ffi::sqlite3_file;
        (*gather).base.pMethods = std::ptr::null();
        (*real).pMethods = std::ptr::null();
        let rc = open(base, name, real, flags, out_flags);
        if rc != ffi::SQLITE_OK {
            // A base that set its methods wants its close even so.
            if let Some(close) = (*real).pMethods.as_ref().and_then(|m| m.xClose) {
                close(real);
            }
            return rc;
        }
        let powersafe = methods(real)
            .xDeviceCharacteristics
            .is_some_and(|f| f(real) & ffi::SQLITE_IOCAP_POWERSAFE_OVERWRITE != 0);
        (*gather).real = real;
        (*gather).held = Box::into_raw(Box::new(Held {
            gather: powersafe,
            last_end: -1,
            ..Held::default()
        }));
        (*gather).base.pMethods = &WAL_METHODS;
        ffi::SQLITE_OK
    }
}

/// The base's methods of its file.
unsafe fn methods(real: *mut ffi::sqlite3_file) -> &'static ffi::sqlite3_io_methods {
    // SAFETY: called only on a base file that opened, whose methods are set.
    unsafe { &*(*real).pMethods }
}

unsafe fn parts(f: *mut ffi::sqlite3_file) -> (*mut ffi::sqlite3_file, &'static mut Held) {
    // SAFETY: `f` is a `GatherFile` these methods were installed on.
    unsafe {
        let g = f as *mut GatherFile;
        ((*g).real, &mut *(*g).held)
    }
}

/// Writes out what is held.
unsafe fn flush(f: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY: see `parts`; the held bytes outlive the call.
    unsafe {
        let (real, held) = parts(f);
        if held.bytes.is_empty() {
            return ffi::SQLITE_OK;
        }
        let Some(write) = methods(real).xWrite else {
            return ffi::SQLITE_IOERR_WRITE;
        };
        let Ok(n) = c_int::try_from(held.bytes.len()) else {
            return ffi::SQLITE_IOERR_WRITE;
        };
        let rc = write(real, held.bytes.as_ptr().cast(), n, held.start);
        held.bytes.clear();
        #[cfg(test)]
        tests::BASE_WRITES.with(|w| w.set(w.get() + 1));
        rc
    }
}

/// A write straight to the base's file.
unsafe fn write_through(
    real: *mut ffi::sqlite3_file,
    buf: *const c_void,
    n: c_int,
    off: i64,
) -> c_int {
    // SAFETY: `real` is an open base file; SQLite passes `n` bytes at `buf`.
    unsafe {
        match methods(real).xWrite {
            Some(write) => write(real, buf, n, off),
            None => ffi::SQLITE_IOERR_WRITE,
        }
    }
}

unsafe extern "C" fn x_write(
    f: *mut ffi::sqlite3_file,
    buf: *const c_void,
    n: c_int,
    off: i64,
) -> c_int {
    // SAFETY: SQLite passes `n` readable bytes at `buf`.
    unsafe {
        let (real, held) = parts(f);
        if !held.gather {
            return write_through(real, buf, n, off);
        }
        let Ok(len) = usize::try_from(n) else {
            return ffi::SQLITE_IOERR_WRITE;
        };
        let data = std::slice::from_raw_parts(buf as *const u8, len);
        let ends_commit = held.commit_next;
        // A frame header's second field is the database's size after a
        // commit, and zero in every other frame.
        held.commit_next = len == FRAME_HEADER && data[4..8] != [0; 4];
        // Only a run of writes each starting where the last ended (frames
        // appended) is held; anything else (a restarted WAL's header, a
        // page or checksum rewritten in place) goes out at once, after
        // what is held.
        let follows = off == held.last_end;
        held.last_end = off.saturating_add(len as i64);
        if !follows || held.bytes.len() + len > MAX_HELD {
            let rc = flush(f);
            if rc != ffi::SQLITE_OK {
                return rc;
            }
        }
        let (real, held) = parts(f);
        if !follows || len > MAX_HELD {
            return write_through(real, buf, n, off);
        }
        if held.bytes.is_empty() {
            held.start = off;
        }
        held.bytes.extend_from_slice(data);
        if ends_commit {
            return flush(f);
        }
        ffi::SQLITE_OK
    }
}

/// A method of the base's file, called after what is held is written.
macro_rules! after_flush {
    ($name:ident, $field:ident, ($($arg:ident: $ty:ty),*)) => {
        unsafe extern "C" fn $name(f: *mut ffi::sqlite3_file $(, $arg: $ty)*) -> c_int {
            // SAFETY: `f` is a `GatherFile`; its base file is open.
            unsafe {
                let rc = flush(f);
                if rc != ffi::SQLITE_OK {
                    return rc;
                }
                let (real, _) = parts(f);
                match methods(real).$field {
                    Some(m) => m(real $(, $arg)*),
                    None => ffi::SQLITE_IOERR,
                }
            }
        }
    };
}

/// A method of the base's file that does not see the file's content.
macro_rules! direct {
    ($name:ident, $field:ident, ($($arg:ident: $ty:ty),*), $none:expr) => {
        unsafe extern "C" fn $name(f: *mut ffi::sqlite3_file $(, $arg: $ty)*) -> c_int {
            // SAFETY: `f` is a `GatherFile`; its base file is open.
            unsafe {
                let (real, _) = parts(f);
                match methods(real).$field {
                    Some(m) => m(real $(, $arg)*),
                    None => $none,
                }
            }
        }
    };
}

after_flush!(x_read, xRead, (buf: *mut c_void, n: c_int, off: i64));
after_flush!(x_truncate, xTruncate, (size: i64));
after_flush!(x_sync, xSync, (flags: c_int));
after_flush!(x_file_size, xFileSize, (size: *mut i64));
after_flush!(x_file_control, xFileControl, (op: c_int, arg: *mut c_void));
direct!(x_lock, xLock, (level: c_int), ffi::SQLITE_OK);
direct!(x_unlock, xUnlock, (level: c_int), ffi::SQLITE_OK);
direct!(x_check_reserved, xCheckReservedLock, (out: *mut c_int), ffi::SQLITE_OK);
direct!(x_sector_size, xSectorSize, (), 4096);
direct!(x_device, xDeviceCharacteristics, (), 0);

unsafe extern "C" fn x_close(f: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY: `f` is a `GatherFile`, closed once; its held bytes were
    // boxed at open and are freed here.
    unsafe {
        let flushed = flush(f);
        let g = f as *mut GatherFile;
        let (real, _) = parts(f);
        let closed = methods(real)
            .xClose
            .map_or(ffi::SQLITE_OK, |close| close(real));
        drop(Box::from_raw((*g).held));
        (*g).held = std::ptr::null_mut();
        if flushed != ffi::SQLITE_OK {
            flushed
        } else {
            closed
        }
    }
}

/// The methods of a gathered WAL file. A WAL file is never locked,
/// memory-mapped or given shared memory by SQLite (those go to the
/// database file), so version 1 suffices.
static WAL_METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 1,
    xClose: Some(x_close),
    xRead: Some(x_read),
    xWrite: Some(x_write),
    xTruncate: Some(x_truncate),
    xSync: Some(x_sync),
    xFileSize: Some(x_file_size),
    xLock: Some(x_lock),
    xUnlock: Some(x_unlock),
    xCheckReservedLock: Some(x_check_reserved),
    xFileControl: Some(x_file_control),
    xSectorSize: Some(x_sector_size),
    xDeviceCharacteristics: Some(x_device),
    xShmMap: None,
    xShmLock: None,
    xShmBarrier: None,
    xShmUnmap: None,
    xFetch: None,
    xUnfetch: None,
};

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::path::Path;

    use rusqlite::Connection;
    use rusqlite::OpenFlags;

    use super::*;

    thread_local! {
        /// Writes of gathered bytes to base files made on this thread.
        pub(super) static BASE_WRITES: Cell<usize> = const { Cell::new(0) };
    }

    fn writes() -> usize {
        BASE_WRITES.with(Cell::get)
    }

    fn open(path: &Path, vfs: Option<&str>) -> Connection {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
        let c = match vfs {
            Some(v) => Connection::open_with_flags_and_vfs(path, flags, v).unwrap(),
            None => Connection::open_with_flags(path, flags).unwrap(),
        };
        c.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .unwrap();
        c
    }

    fn count(c: &Connection) -> i64 {
        c.query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn each_commit_is_one_write_and_other_connections_see_it_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let vfs = over(None).unwrap();
        assert_eq!(over(None).unwrap(), vfs, "registered once");
        let writer = open(&path, Some(&vfs));
        writer.execute_batch("CREATE TABLE t (x BLOB)").unwrap();
        let reader = open(&path, None);
        for (round, sync) in ["FULL", "NORMAL", "OFF"].iter().enumerate() {
            writer
                .execute_batch(&format!("PRAGMA synchronous = {sync}"))
                .unwrap();
            let before = writes();
            // Rows on several pages: several frames in one commit.
            writer
                .execute_batch(
                    "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6) INSERT INTO t SELECT randomblob(3000) FROM n; COMMIT;",
                )
                .unwrap();
            assert_eq!(writes() - before, 1, "synchronous = {sync}");
            // Another connection (the default VFS, its own file handle)
            // reads the frames from the file as soon as the commit returns.
            assert_eq!(
                count(&reader),
                6 * (round as i64 + 1),
                "synchronous = {sync}"
            );
        }
        // A rolled-back transaction leaves nothing to see.
        writer
            .execute_batch("BEGIN; INSERT INTO t VALUES (zeroblob(10)); ROLLBACK;")
            .unwrap();
        assert_eq!(count(&reader), 18);
        assert_eq!(count(&writer), 18);
    }

    #[test]
    fn a_transaction_larger_than_what_is_held_goes_out_in_pieces_and_survives() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let vfs = over(None).unwrap();
        {
            let c = open(&path, Some(&vfs));
            // A small page cache: pages spill into the WAL mid-transaction
            // and are read back from it.
            c.execute_batch(
                "PRAGMA cache_size = 50; CREATE TABLE t (x BLOB);
                 BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO t SELECT randomblob(2000) FROM n;
                 UPDATE t SET x = zeroblob(1000) WHERE rowid % 3 = 0; COMMIT;",
            )
            .unwrap();
            let before = writes();
            assert_eq!(count(&c), 2000);
            assert_eq!(writes(), before, "reads write nothing more");
            let wal = std::fs::metadata(dir.path().join("db-wal")).unwrap().len();
            assert!(wal > 3 * MAX_HELD as u64, "{wal}");
        }
        check_copy(&path, 2000, 666);
    }

    /// The database at `path` has `rows` rows, `small` of them rewritten,
    /// and nothing wrong.
    fn check_copy(path: &Path, rows: i64, small: i64) {
        let c = open(path, None);
        assert_eq!(count(&c), rows);
        let found: i64 = c
            .query_row("SELECT count(*) FROM t WHERE length(x) = 1000", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(found, small);
        let ok: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }

    #[test]
    fn files_copied_right_after_a_commit_hold_it_as_a_killed_process_leaves_them() {
        for sync in ["FULL", "NORMAL"] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("db");
            let c = open(&path, Some(&over(None).unwrap()));
            // Spilled pages changed again in the same transaction: SQLite
            // rewrites them and their checksums in place at the commit.
            c.execute_batch(&format!(
                "PRAGMA synchronous = {sync}; PRAGMA cache_size = 20; CREATE TABLE t (x BLOB);
                 BEGIN;
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
                 INSERT INTO t SELECT randomblob(2000) FROM n;
                 UPDATE t SET x = zeroblob(1000) WHERE rowid % 3 = 0;
                 COMMIT;"
            ))
            .unwrap();
            // The connection stays open: nothing after the commit writes.
            let copy = dir.path().join("copy");
            std::fs::copy(&path, &copy).unwrap();
            std::fs::copy(dir.path().join("db-wal"), dir.path().join("copy-wal")).unwrap();
            check_copy(&copy, 300, 100);
            drop(c);
        }
    }

    #[test]
    fn a_named_base_vfs_gets_its_own_layer() {
        let name = over(Some("unix")).unwrap();
        assert_ne!(Some(name.clone()), over(None));
        let dir = tempfile::tempdir().unwrap();
        let c = open(&dir.path().join("db"), Some(&name));
        c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        assert_eq!(count(&c), 1);
        assert_eq!(over(Some("no-such-vfs")), None);
    }
}
