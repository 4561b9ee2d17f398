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
/// upgraded by the binary to the compact log of schema 4 (and the compact
/// cards of schema 5) and keep every answer and state.
#[test]
fn every_earlier_version_is_upgraded_and_keeps_its_answers() {
    use docket::store::Store;
    for from in 1..docket::store::migrate::LATEST {
        let env = Env::new();
        std::fs::create_dir_all(env.data()).unwrap();
        let db = env.data().join("progress.sqlite3");
        {
            let mut c = rusqlite::Connection::open(&db).unwrap();
            // The old review log lives until schema 3; later ones are
            // made from such a store by their own migration.
            docket::store::migrate::migrate(&mut c, &db, from.min(3)).unwrap();
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
            docket::store::migrate::migrate(&mut c, &db, from).unwrap();
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

/// A schema 4 store (card texts kept one row per card, hashes as hex text)
/// is upgraded to schema 5 (texts in compressed blocks, hashes as bytes):
/// every card reads back the same text, hash and state.
#[test]
fn a_version_4_store_keeps_its_card_texts_and_hashes() {
    use docket::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("progress.sqlite3");
    let hash = |i: usize| format!("{:032x}", i * 7919);
    {
        let mut c = rusqlite::Connection::open(&db).unwrap();
        docket::store::migrate::migrate(&mut c, &db, 4).unwrap();
        let tx = c.transaction().unwrap();
        for i in 0..300 {
            tx.execute(
                "INSERT INTO cards (deck_id, card_id, position, content_hash, answered_hash,
                   phase, stability, difficulty, due_ms, interval_days, last_review_ms, reps)
                 VALUES ('d', ?1, ?2, ?3, ?4, ?5, 3.5, 5.0, ?6, 4, 1700000000000, ?7)",
                rusqlite::params![
                    format!("c{i}"),
                    i,
                    hash(i),
                    (i % 2 == 0).then(|| hash(i + 1)),
                    if i % 3 == 0 { 0 } else { 2 },
                    1_700_000_000_000i64 + i as i64,
                    i % 5
                ],
            )
            .unwrap();
            tx.execute(
                "INSERT INTO card_texts VALUES ('d', ?1, ?2)",
                rusqlite::params![format!("c{i}"), format!("[[card]]\nid = \"c{i}\"\n")],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let store = docket::store::SqliteStore::open(&db).unwrap();
    for i in 0..300 {
        let id = format!("c{i}");
        let (text, h) = store.card_text("d", &id).unwrap().unwrap();
        assert_eq!(text, format!("[[card]]\nid = \"c{i}\"\n"));
        assert_eq!(h, hash(i));
        let row = store.card("d", &id).unwrap().unwrap();
        assert_eq!(row.content_hash, hash(i));
        assert_eq!(row.answered_hash, (i % 2 == 0).then(|| hash(i + 1)));
        assert_eq!(row.state.reps, (i % 5) as u32);
        assert_eq!(row.state.due_ms, 1_700_000_000_000 + i as i64);
        assert_eq!(row.position, i as u32);
    }
    let new: Vec<String> = store
        .new_cards("d", 0, 1000)
        .unwrap()
        .into_iter()
        .map(|r| r.card_id)
        .collect();
    let expected: Vec<String> = (0..300)
        .filter(|i| i % 3 == 0)
        .map(|i| format!("c{i}"))
        .collect();
    assert_eq!(new, expected);
}
