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
    // The card was due long ago: it is due in the next session (second,
    // after a new card: Anki spreads new cards among the reviews).
    let out = env.study(NOW, ":quit\n", &[]);
    assert!(out.contains("[3 new, 0 learning, 1 review]"), "{out}");
}

/// Stores of every earlier schema, with answers in their review log, are
/// upgraded by the binary to the compact log of schema 4 and keep every
/// answer and state.
#[test]
fn every_earlier_version_is_upgraded_and_keeps_its_answers() {
    use docket::store::Store;
    for from in 1..docket::store::migrate::LATEST {
        let env = Env::new();
        std::fs::create_dir_all(env.data()).unwrap();
        let db = env.data().join("progress.sqlite3");
        {
            let mut c = rusqlite::Connection::open(&db).unwrap();
            docket::store::migrate::migrate(&mut c, &db, from).unwrap();
            c.execute_batch(
                r#"INSERT INTO cards (deck_id, card_id, position, content_hash, phase, stability,
                     difficulty, due_ms, interval_days, last_review_ms, reps)
                   VALUES ('mini', 'one', 0, 'old', 2, 12.5, 4.0, 0, 10, 1700000000000, 1);
                   INSERT INTO revlog (ts_ms, deck_id, card_id, rating, kind, phase_before, phase_after,
                     elapsed_days, elapsed_secs, interval_days, due_ms, s_before, d_before, s_after, d_after,
                     duration_ms, content_hash, state_before, state_after)
                   VALUES (1700000000000, 'mini', 'one', 3, 1, 0, 2, 0, 0, 10, 0, 0, 0, 12.5, 4.0,
                     900, 'old',
                     '{"phase":"new","step":0,"stability":0.0,"difficulty":0.0,"due_ms":0,"interval_days":0,"last_review_ms":null,"reps":0,"lapses":0}',
                     '{"phase":"review","step":0,"stability":12.5,"difficulty":4.0,"due_ms":0,"interval_days":10,"last_review_ms":1700000000000,"reps":1,"lapses":0}');"#,
            )
            .unwrap();
        }
        let one = env.card(NOW, "one");
        assert_eq!(one["reps"], 1, "from {from}: {one}");
        let store = docket::store::SqliteStore::open(&db).unwrap();
        let log = store.log("mini", Some("one")).unwrap();
        assert_eq!(log.len(), 1, "from {from}");
        assert_eq!(log[0].answer.after.stability, 12.5);
        assert_eq!(log[0].answer.duration_ms, 900);
        assert_eq!(
            log[0].answer.after,
            store.card("mini", "one").unwrap().unwrap().state
        );
    }
}
