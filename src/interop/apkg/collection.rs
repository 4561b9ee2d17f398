//! Opening the collection database inside a package: the card importer
//! and the review-history reader share it, so both read the same entry
//! (`collection.anki21b` > `.anki21` > `.anki2`) under the same limits.
//! The untrusted database is opened in memory, read-only: it never
//! touches the disk and cannot be written to.

use rusqlite::Connection;

use super::super::ImportError;
use super::super::limits::MAX_COLLECTION_BYTES;
use super::archive::SafeArchive;
use super::archive::unzstd;

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
    // Anki saves in WAL mode, which an in-memory copy cannot use; bytes 18
    // and 19 of the header select it, and 1 means the plain rollback journal.
    let mut db = db;
    if db.len() > 19 && (db[18] == 2 || db[19] == 2) {
        db[18] = 1;
        db[19] = 1;
    }
    let mut conn = Connection::open_in_memory().map_err(corrupt)?;
    conn.deserialize_read_exact(rusqlite::MAIN_DB, db.as_slice(), db.len(), true)
        .map_err(corrupt)?;
    Ok((conn, entry))
}
