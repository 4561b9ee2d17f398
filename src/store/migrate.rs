//! Schema versions. The version lives in `PRAGMA user_version` and the
//! file is marked as docket's with `PRAGMA application_id`. The checks and
//! every migration run in one write transaction (see [`migrate`]).

use std::path::Path;

use rusqlite::Connection;
use rusqlite::TransactionBehavior;

use super::StoreError;
use super::StoreResult;

/// `PRAGMA application_id` of docket databases ("dkt1").
pub const APPLICATION_ID: i64 = 0x646b_7431;

/// The SQL of each version, in order: index 0 brings version 0 to 1.
pub const MIGRATIONS: [&str; 3] = [
    include_str!("sql/v1.sql"),
    include_str!("sql/v2.sql"),
    include_str!("sql/v3.sql"),
];

/// The newest schema this build knows.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// The schema version of an open database.
pub fn version(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Checks that the database is docket's and not newer than this build,
/// then brings it to `target`.
///
/// Everything happens in one `BEGIN IMMEDIATE` transaction: the write lock
/// is taken before the version is read, so several docket processes
/// starting on a fresh data directory wait for one another instead of each
/// creating the tables, and an interrupted upgrade leaves the previous
/// version intact.
pub fn migrate(conn: &mut Connection, path: &Path, target: i64) -> StoreResult<()> {
    let at = |e: rusqlite::Error| StoreError::at(path, e);
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(at)?;
    let app_id: i64 = tx
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(at)?;
    let found = version(&tx).map_err(|e| match e {
        StoreError::Db(reason) => StoreError::Corrupt {
            path: path.to_path_buf(),
            reason,
        },
        other => other,
    })?;
    let tables: i64 = tx
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(at)?;
    let fresh = app_id == 0 && found == 0 && tables == 0;
    if !fresh && app_id != APPLICATION_ID {
        return Err(StoreError::Foreign {
            path: path.to_path_buf(),
            app_id,
        });
    }
    if found > LATEST {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known: LATEST,
        });
    }
    for v in found..target.min(LATEST) {
        // A failing migration is reported in one line, never with its SQL:
        // a system failure as such, anything else as a version number
        // that does not match the tables (lowered by hand, say).
        let step = tx.execute_batch(MIGRATIONS[v as usize]).and_then(|()| {
            tx.execute_batch(&format!(
                "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {};",
                v + 1
            ))
        });
        if let Err(e) = step {
            return Err(match StoreError::at(path, e) {
                StoreError::Db(reason) => StoreError::SchemaMismatch {
                    path: path.to_path_buf(),
                    found,
                    reason,
                },
                other => other,
            });
        }
    }
    tx.commit().map_err(at)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(version: i64) -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c, Path::new(":memory:"), version).unwrap();
        c
    }

    #[test]
    fn v1_to_v2_keeps_progress_and_adds_sessions() {
        let mut c = at(1);
        c.execute_batch(
            "INSERT INTO cards (deck_id, card_id, position, content_hash, phase, reps)
               VALUES ('d', 'c', 0, 'h', 2, 3);
             INSERT INTO revlog (ts_ms, deck_id, card_id, rating, kind, phase_before, phase_after,
               elapsed_days, elapsed_secs, interval_days, due_ms, s_before, d_before, s_after, d_after,
               duration_ms, content_hash, state_before, state_after)
               VALUES (1, 'd', 'c', 3, 1, 2, 2, 1, 86400, 3, 0, 1, 5, 3, 5, 900, 'h', '{}', '{}');",
        )
        .unwrap();
        migrate(&mut c, Path::new(":memory:"), 2).unwrap();
        assert_eq!(version(&c).unwrap(), 2);
        let reps: i64 = c
            .query_row("SELECT reps FROM cards WHERE card_id = 'c'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(reps, 3);
        let session: Option<i64> = c
            .query_row("SELECT session_id FROM revlog", [], |r| r.get(0))
            .unwrap();
        assert_eq!(session, None);
        c.execute(
            "INSERT INTO sessions (deck_id, started_ms) VALUES ('d', 1)",
            [],
        )
        .unwrap();
    }

    #[test]
    fn v2_to_v3_adds_card_text_and_deck_files() {
        let mut c = at(2);
        c.execute_batch(
            "INSERT INTO cards (deck_id, card_id, position, content_hash, phase, reps)
               VALUES ('d', 'c', 0, 'h', 2, 3);
             INSERT INTO settings (scope, key, value) VALUES ('', 'new_per_day', '5');",
        )
        .unwrap();
        migrate(&mut c, Path::new(":memory:"), 3).unwrap();
        assert_eq!(version(&c).unwrap(), 3);
        let reps: i64 = c
            .query_row("SELECT reps FROM cards", [], |r| r.get(0))
            .unwrap();
        assert_eq!(reps, 3);
        c.execute("INSERT INTO card_texts VALUES ('d', 'c', '[[card]]')", [])
            .unwrap();
        let v: String = c
            .query_row("SELECT value FROM settings", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, "5");
        c.execute(
            "INSERT INTO deck_files VALUES ('p', 'd', 1, 2, 'h', 'head', 'c')",
            [],
        )
        .unwrap();
    }

    #[test]
    fn v0_to_v1_creates_the_tables() {
        let c = at(1);
        assert_eq!(version(&c).unwrap(), 1);
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name IN ('cards','revlog','decks')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 3);
    }

    #[test]
    fn newer_and_foreign_databases_are_refused() {
        let mut c = at(LATEST);
        c.execute_batch("PRAGMA user_version = 99").unwrap();
        assert!(matches!(
            migrate(&mut c, Path::new("x"), LATEST),
            Err(StoreError::TooNew { found: 99, .. })
        ));
        let mut f = Connection::open_in_memory().unwrap();
        f.execute_batch("CREATE TABLE notes (id INTEGER)").unwrap();
        assert!(matches!(
            migrate(&mut f, Path::new("x"), LATEST),
            Err(StoreError::Foreign { .. })
        ));
    }
}
