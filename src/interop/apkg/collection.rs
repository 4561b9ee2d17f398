//! Opening the collection database inside a package: the card importer
//! and the review-history reader share it, so both read the same entry
//! (`collection.anki21b` > `.anki21` > `.anki2`) under the same limits.
//! The untrusted database is opened in memory, read-only: it never
//! touches the disk and cannot be written to.

use std::io::Read;

use rusqlite::Connection;

use super::super::ImportError;
use super::super::limits::MAX_COLLECTION_BYTES;
use super::archive::SafeArchive;
use super::archive::unzstd;
use super::archive::unzstd_cap;

/// The message for any database error while reading a package.
pub fn corrupt(e: rusqlite::Error) -> ImportError {
    ImportError::invalid(format!(
        "the package's collection database is corrupt or not a database: {e}"
    ))
}

/// Opens the best collection in a package; returns it with its entry name.
pub fn open_collection(bytes: &[u8]) -> Result<(Connection, &'static str), ImportError> {
    let mut zip = SafeArchive::open(bytes)?;
    let (entry, db) = if zip.has("collection.anki21b") {
        let packed = zip.read("collection.anki21b", MAX_COLLECTION_BYTES)?;
        if let Some(conn) = open_zstd_directly(&packed) {
            return Ok((conn, "collection.anki21b"));
        }
        (
            "collection.anki21b",
            unzstd(&packed, MAX_COLLECTION_BYTES, "collection.anki21b")?,
        )
    } else if zip.has("collection.anki21") {
        (
            "collection.anki21",
            zip.read("collection.anki21", MAX_COLLECTION_BYTES)?,
        )
    } else if zip.has("collection.anki2") {
        (
            "collection.anki2",
            zip.read("collection.anki2", MAX_COLLECTION_BYTES)?,
        )
    } else {
        return Err(ImportError::invalid(
            "the package holds no collection (collection.anki21b, .anki21 or .anki2)",
        ));
    };
    if !db.starts_with(b"SQLite format 3\0") {
        return Err(ImportError::invalid(format!(
            "`{entry}` in the package is not an SQLite database"
        )));
    }
    let mut db = db;
    no_wal(&mut db);
    let mut conn = Connection::open_in_memory().map_err(corrupt)?;
    conn.deserialize_read_exact(rusqlite::MAIN_DB, db.as_slice(), db.len(), true)
        .map_err(corrupt)?;
    Ok((conn, entry))
}

/// Anki saves in WAL mode, which an in-memory copy cannot use; bytes 18
/// and 19 of the header select it, and 1 means the plain rollback journal.
fn no_wal(header: &mut [u8]) {
    if header.len() > 19 && (header[18] == 2 || header[19] == 2) {
        header[18] = 1;
        header[19] = 1;
    }
}

/// Inflates a zstd-compressed collection straight into SQLite's memory,
/// when the database's header says its size and the data ends exactly
/// there: one copy of a database of tens of megabytes fewer. `None` for
/// anything else (a header without its size, damaged or longer data),
/// which [`unzstd`] then inflates, judges and reports as always: the bytes
/// SQLite gets are the same either way.
fn open_zstd_directly(packed: &[u8]) -> Option<Connection> {
    let mut dec = zstd::stream::read::Decoder::new(packed).ok()?;
    let mut header = [0u8; 100];
    dec.read_exact(&mut header).ok()?;
    if !header.starts_with(b"SQLite format 3\0") {
        return None;
    }
    let page = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        p if p.is_power_of_two() && p >= 512 => u64::from(p),
        _ => return None,
    };
    let pages = u32::from_be_bytes([header[28], header[29], header[30], header[31]]);
    // The page count is valid only when written with the change counter.
    if pages == 0 || header[24..28] != header[92..96] {
        return None;
    }
    let size = page * u64::from(pages);
    if size < 100 || size > unzstd_cap(packed.len(), MAX_COLLECTION_BYTES) {
        return None;
    }
    no_wal(&mut header);
    let mut conn = Connection::open_in_memory().ok()?;
    let rest = (&mut dec).take(size - 100);
    conn.deserialize_read_exact(
        rusqlite::MAIN_DB,
        header.as_slice().chain(rest),
        usize::try_from(size).ok()?,
        true,
    )
    .ok()?;
    // The data must end with the database.
    let mut more = [0u8; 1];
    matches!(dec.read(&mut more), Ok(0)).then_some(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small database's bytes, as a file holds them.
    fn database() -> Vec<u8> {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), (3);")
            .unwrap();
        conn.serialize(rusqlite::MAIN_DB).unwrap().to_vec()
    }

    fn rows(conn: &Connection) -> i64 {
        conn.query_row("SELECT sum(x) FROM t", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_database_that_ends_where_its_header_says_is_opened_directly() {
        let db = database();
        let conn = open_zstd_directly(&zstd::encode_all(db.as_slice(), 3).unwrap()).unwrap();
        assert_eq!(rows(&conn), 6);
    }

    #[test]
    fn anything_else_is_left_to_the_whole_inflation() {
        // Longer than the header says: SQLite would see the extra bytes.
        let mut longer = database();
        longer.extend([0u8; 4096]);
        assert!(open_zstd_directly(&zstd::encode_all(longer.as_slice(), 3).unwrap()).is_none());
        // A page count not written with the change counter is not trusted.
        let mut stale = database();
        stale[95] ^= 1;
        assert!(open_zstd_directly(&zstd::encode_all(stale.as_slice(), 3).unwrap()).is_none());
        // Not a database, or not zstd.
        assert!(open_zstd_directly(&zstd::encode_all(&[7u8; 200][..], 3).unwrap()).is_none());
        assert!(open_zstd_directly(b"not zstd at all").is_none());
    }
}
