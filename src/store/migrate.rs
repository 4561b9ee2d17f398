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
pub const MIGRATIONS: [&str; 7] = [
    include_str!("sql/v1.sql"),
    include_str!("sql/v2.sql"),
    include_str!("sql/v3.sql"),
    include_str!("sql/v4.sql"),
    include_str!("sql/v5.sql"),
    include_str!("sql/v6.sql"),
    include_str!("sql/v7.sql"),
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
            if v + 1 == 4 {
                // The compact review log: rows are re-encoded in Rust.
                super::revlog::convert_v3(&tx)?;
            }
            if v + 1 == 5 {
                // Cached card texts compressed into blocks.
                super::texts::convert_v4(&tx)?;
            }
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
    fn v3_to_v4_packs_the_review_log_losslessly() {
        use crate::schedule::CardState;
        use crate::schedule::Phase;
        let mut c = at(3);
        let before = CardState::NEW;
        let after = CardState {
            phase: Phase::Learning,
            step: 1,
            stability: 2.3065,
            difficulty: 2.118_104_6,
            due_ms: 1_000_600_000,
            interval_days: 0,
            last_review_ms: Some(1_000_000_000),
            reps: 1,
            lapses: 0,
        };
        let later = CardState {
            phase: Phase::Review,
            reps: 2,
            due_ms: 1_200_000_000,
            interval_days: 2,
            last_review_ms: Some(1_000_700_000),
            ..after
        };
        let json = |s: &CardState| serde_json::to_string(s).unwrap();
        c.execute(
            "INSERT INTO revlog (ts_ms, deck_id, card_id, rating, kind, phase_before, phase_after,
               elapsed_days, elapsed_secs, interval_days, due_ms, s_before, d_before, r_before,
               s_after, d_after, r_after, duration_ms, content_hash, state_before, state_after, session_id)
             VALUES (1000000000, 'd', 'c', 3, 0, 0, 1, 0, 0, 0, 1000600000, 0, 0, NULL,
               2.3065, 2.1181046, 1.0, 4200, 'h1', ?1, ?2, 7),
                    (1000700000, 'd', 'c', 4, 0, 1, 2, 0, 700, 2, 1200000000, 2.3065, 2.1181046, 0.97,
               2.3065, 2.1181046, 0.9, 60000, 'h2', ?2, ?3, 7),
                    (1000000000, 'd', 'x', 1, 0, 0, 1, 0, 0, 0, 5, 0, 0, NULL, 1.5, 6.0, NULL, 900,
               'h1', '{}', '{}', NULL)",
            rusqlite::params![json(&before), json(&after), json(&later)],
        )
        .unwrap();
        migrate(&mut c, Path::new(":memory:"), 4).unwrap();
        assert_eq!(version(&c).unwrap(), 4);
        let log = crate::store::revlog::entries(&c, "d", None).unwrap();
        assert_eq!(log.len(), 3);
        let of_c: Vec<_> = log.iter().filter(|e| e.answer.card_id == "c").collect();
        assert_eq!(of_c[0].answer.before, before);
        assert_eq!(of_c[0].answer.after, after);
        assert_eq!(of_c[0].answer.r_before, None);
        assert_eq!(of_c[0].answer.r_after, Some(1.0));
        assert_eq!(of_c[0].answer.duration_ms, 4200);
        assert_eq!(of_c[0].answer.session_id, Some(7));
        assert_eq!(of_c[1].answer.before, after);
        assert_eq!(of_c[1].answer.after, later);
        assert_eq!(of_c[1].answer.elapsed_secs, 700);
        assert_eq!(of_c[1].answer.r_before, Some(0.97));
        assert_eq!(of_c[1].answer.content_hash, "h2");
        assert_eq!(of_c[1].answer.ts_ms, 1_000_700_000);
        // A row whose JSON states were not kept is rebuilt from its columns.
        let x = log.iter().find(|e| e.answer.card_id == "x").unwrap();
        assert_eq!(x.answer.after.phase, Phase::Learning);
        assert_eq!(x.answer.after.stability, 1.5);
        assert_eq!(x.answer.ts_ms, 1_000_000_000);
        let tables: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'revlog'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0);
    }

    #[test]
    fn v4_to_v5_compresses_texts_and_keeps_hashes() {
        let mut c = at(4);
        let hex = "0123456789abcdef0123456789abcdef";
        c.execute_batch(&format!(
            "INSERT INTO cards (deck_id, card_id, position, content_hash, answered_hash, phase, reps)
               VALUES ('d', 'a', 0, '{hex}', '{hex}', 2, 3),
                      ('d', 'b', 1, 'from-anki', NULL, 0, 0),
                      ('d', 'gone', 0, '{hex}', NULL, 0, 0),
                      ('e', 'x', 70, 'ABCDEF0123456789ABCDEF0123456789', NULL, 0, 0);
             UPDATE cards SET present = 0 WHERE card_id = 'gone';
             INSERT INTO card_texts VALUES ('d', 'a', '[[card]]\nid = \"a\"\n'),
                                           ('d', 'b', '[[card]]\nid = \"b\"\n'),
                                           ('d', 'gone', 'old'),
                                           ('e', 'x', 'seventy');"
        ))
        .unwrap();
        migrate(&mut c, Path::new(":memory:"), 5).unwrap();
        assert_eq!(version(&c).unwrap(), 5);
        // Docket's hex hashes are now their 16 bytes; others stay text.
        let kinds: Vec<(String, String)> = c
            .prepare("SELECT card_id, typeof(content_hash) FROM cards ORDER BY deck_id, card_id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let kind = |id: &str| kinds.iter().find(|(c, _)| c == id).unwrap().1.clone();
        assert_eq!(kind("a"), "blob");
        assert_eq!(kind("b"), "text");
        assert_eq!(kind("x"), "text");
        let answered: Vec<u8> = c
            .query_row(
                "SELECT answered_hash FROM cards WHERE card_id = 'a'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(hex::encode(answered), hex);
        // The texts of cards in their deck come back by position.
        assert_eq!(
            crate::store::texts::get(&c, "d", 0).unwrap().as_deref(),
            Some("[[card]]\nid = \"a\"\n")
        );
        assert_eq!(
            crate::store::texts::get(&c, "d", 1).unwrap().as_deref(),
            Some("[[card]]\nid = \"b\"\n")
        );
        assert_eq!(
            crate::store::texts::get(&c, "e", 70).unwrap().as_deref(),
            Some("seventy")
        );
        assert_eq!(crate::store::texts::get(&c, "e", 3).unwrap(), None);
        let tables: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'card_texts'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0);
    }

    #[test]
    fn every_version_upgrades_to_the_latest() {
        for from in 0..LATEST {
            let mut c = at(from);
            migrate(&mut c, Path::new(":memory:"), LATEST).unwrap();
            assert_eq!(version(&c).unwrap(), LATEST, "from {from}");
            let n: i64 = c
                .query_row("SELECT count(*) FROM reviews", [], |r| r.get(0))
                .unwrap();
            assert_eq!(n, 0);
        }
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
