//! Damaged, empty, truncated and mislabelled stores are refused with a
//! clear message and left byte for byte as they were; several processes
//! creating a store at once all succeed; `doctor::check` finds damage and
//! `doctor::repair` saves the readable rows and keeps the original.

mod study_support;

use std::path::Path;
use std::path::PathBuf;

use docket::store::SqliteStore;
use docket::store::Store;
use docket::store::StoreError;
use docket::store::doctor;
use predicates::str::contains;
use study_support::Env;
use study_support::NOW;

/// A closed store with `n` cards (deck `d`), big enough to span pages.
fn store_with_cards(dir: &Path, n: usize) -> PathBuf {
    let path = dir.join("progress.sqlite3");
    let mut s = SqliteStore::open(&path).unwrap();
    let cards: Vec<_> = (0..n)
        .map(|i| docket::store::DeckCard {
            card_id: format!("card-{i:05}"),
            content_hash: format!("{i:032x}"),
            text: Some(format!(
                "[[card]]\nid = \"card-{i:05}\"\nprompt = \"a longer prompt {i}\""
            )),
        })
        .collect();
    s.sync_deck("d", "D", "h", &cards, 0).unwrap();
    drop(s);
    // Closed cleanly: everything is checkpointed into the file itself, and
    // the WAL file kept beside it is emptied (its header zeroed).
    let wal = std::fs::read(dir.join("progress.sqlite3-wal")).unwrap();
    assert!(wal.len() >= 32 && wal[..32].iter().all(|&b| b == 0));
    path
}

#[test]
fn a_zero_length_store_is_refused_and_kept() {
    let env = Env::new();
    std::fs::create_dir_all(env.data()).unwrap();
    let db = env.data().join("progress.sqlite3");
    std::fs::write(&db, b"").unwrap();
    env.cmd(NOW)
        .arg("study")
        .arg(env.deck())
        .write_stdin("one\n")
        .assert()
        .code(1)
        .stderr(contains("is empty (0 bytes)"));
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0);
}

#[test]
fn a_truncated_store_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_with_cards(dir.path(), 3000);
    let bytes = std::fs::read(&path).unwrap();
    for keep in [
        50,
        4096,
        bytes.len() / 2,
        bytes.len() - 4096,
        bytes.len() - 10,
    ] {
        std::fs::write(&path, &bytes[..keep]).unwrap();
        let err = SqliteStore::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::Damaged { .. }), "{keep}: {err}");
        assert!(err.to_string().contains("doctor --repair"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), &bytes[..keep]);
        let report = doctor::check(&path).unwrap();
        assert!(!report.is_ok(), "{keep}: {report}");
    }
}

#[test]
fn a_damaged_page_is_refused_then_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_with_cards(dir.path(), 3000);
    // The clean close recorded the store's bytes, so an open of the same
    // bytes skips the structural check: the damage below must still be
    // found.
    assert!(dir.path().join("progress.sqlite3-clean").exists());
    let mut bytes = std::fs::read(&path).unwrap();
    // Scribble over the middle of one page past the schema.
    let page = bytes.len() / 4096 / 2;
    for b in &mut bytes[page * 4096 + 8..page * 4096 + 2000] {
        *b = 0x5a;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "left untouched");

    let report = doctor::check(&path).unwrap();
    assert!(!report.is_ok());
    assert!(report.to_string().contains("is damaged"), "{report}");

    let repaired = doctor::repair(&path).unwrap();
    let kept = repaired.kept_as.clone().expect("replaced");
    assert_eq!(std::fs::read(&kept).unwrap(), bytes, "original kept as is");
    assert!(repaired.to_string().contains("kept as"), "{repaired}");
    assert!(doctor::check(&path).unwrap().is_ok());
    let s = SqliteStore::open(&path).unwrap();
    let cards = s.cards("d").unwrap().len();
    // All of them when the damaged page was an index page (rebuilt).
    assert!(cards > 2000 && cards <= 3000, "{cards} of 3000 cards saved");
    // Sound now: a second repair has nothing to do.
    drop(s);
    assert!(doctor::repair(&path).unwrap().kept_as.is_none());
}

#[test]
fn a_lowered_schema_version_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_with_cards(dir.path(), 3);
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("PRAGMA user_version = 1").unwrap();
    drop(c);
    let err = SqliteStore::open(&path).unwrap_err().to_string();
    assert!(err.contains("schema version 1"), "{err}");
    assert!(!err.contains("CREATE"), "no SQL in the message: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn many_processes_creating_one_store_all_succeed() {
    for round in 0..5 {
        let env = Env::new();
        let children: Vec<_> = (0..8)
            .map(|_| {
                std::process::Command::new(assert_cmd::cargo::cargo_bin("docket"))
                    .env("DOCKET_DATA_DIR", env.data())
                    .env("DOCKET_NOW", NOW)
                    .arg("stats")
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let leftovers: Vec<_> = std::fs::read_dir(env.data())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("creating"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
