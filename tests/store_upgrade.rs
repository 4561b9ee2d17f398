//! A progress database written by an older docket (schema 1) is upgraded
//! in place by the real binary, keeping every card's progress.

mod study_support;

use study_support::Env;
use study_support::NOW;

#[test]
fn a_version_1_database_is_upgraded_and_keeps_progress() {
    let env = Env::new();
    std::fs::create_dir_all(env.data()).unwrap();
    let db = env.data().join("progress.sqlite3");
    {
        let mut c = rusqlite::Connection::open(&db).unwrap();
        docket::store::migrate::migrate(&mut c, &db, 1).unwrap();
        c.execute_batch(
            "INSERT INTO cards (deck_id, card_id, position, content_hash, phase, stability,
               difficulty, due_ms, interval_days, last_review_ms, reps)
             VALUES ('mini', 'one', 0, 'old', 2, 12.5, 4.0, 0, 10, 1700000000000, 3);",
        )
        .unwrap();
    }
    let one = env.card(NOW, "one");
    assert_eq!(one["reps"], 3, "{one}");
    assert_eq!(one["state"], "review");
    assert_eq!(one["stability"], 12.5);
    let c = rusqlite::Connection::open(&db).unwrap();
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, docket::store::migrate::LATEST);
    // The card was due long ago: it is the first card of the next session.
    let out = env.study(NOW, ":quit\n", &[]);
    // (The id is not shown before the answer; the prompt is.)
    assert!(out.contains("review]\nSay one"), "{out}");
}
