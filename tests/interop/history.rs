//! `docket import --history`: an Anki package's review log becomes docket
//! progress. Checked against Anki itself (its own FSRS memory states for
//! the same cards), and against broken or hostile packages made here from
//! the Anki-made fixture by adding review-log rows.

use std::io::Cursor;
use std::io::Read;
use std::io::Write;
use std::path::Path;
use std::process::Command as StdCommand;

use assert_cmd::Command;
use docket::schedule::Phase;
use docket::store::SqliteStore;
use docket::store::Store;
use predicates::str::contains;

use super::anki::anki_python;

/// A local time after every review in the packages here; its offset
/// (UTC+2) is the one the Anki script runs in.
const NOW: &str = "2026-11-23T08:00:00+02:00";

fn docket(data: &Path) -> Command {
    let mut c = Command::cargo_bin("docket").unwrap();
    c.env("DOCKET_DATA_DIR", data).env("DOCKET_NOW", NOW);
    c
}

fn store(data: &Path) -> SqliteStore {
    SqliteStore::open(&data.join("progress.sqlite3")).unwrap()
}

/// The deck id `docket import` gives these packages' decks.
fn deck_id(deck: &Path) -> String {
    let text = std::fs::read_to_string(deck).unwrap();
    let (d, _) = docket::deck::parse::parse_deck(deck, &text);
    d.unwrap().meta.id
}

#[test]
fn docket_reproduces_ankis_memory_states_from_the_imported_history() {
    let Some(py) = anki_python() else { return };
    compare_with_anki(&py, false);
}

#[test]
fn the_same_from_a_legacy_schema_11_package() {
    let Some(py) = anki_python() else { return };
    compare_with_anki(&py, true);
}

/// Has Anki write a history and report its memory states, imports the
/// package and compares every card.
fn compare_with_anki(py: &Path, legacy: bool) {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("history.apkg");
    let out = StdCommand::new(py)
        .arg("tests/anki/make_history.py")
        .arg(&pkg)
        .args(legacy.then_some("--legacy"))
        // A fixed offset: Anki counts days in the local time of its process.
        .env("TZ", "Etc/GMT-2")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let anki: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let data = dir.path().join("data");
    let deck = dir.path().join("history.toml");
    let rollover = anki["rollover"].to_string();
    let cards = anki["cards"].as_array().unwrap();
    let tuned = cards.iter().filter(|c| c["tuned"] == true).count();
    assert!(tuned > 0);
    docket(&data)
        .args(["import", "--history", "--rollover-hour", &rollover])
        .arg(&pkg)
        .arg("-o")
        .arg(&deck)
        .assert()
        .success()
        .stderr(contains("0 items not imported"))
        .stderr(contains(format!(
            "FSRS parameters: the preset's for {tuned}, the defaults for {}",
            cards.len() - tuned
        )));
    let deck_id = deck_id(&deck);
    let s = store(&data);
    let (mut max_ds, mut max_dd, mut reviews) = (0f64, 0f64, 0);
    for c in cards {
        let id = match c["ord"].as_i64().unwrap() {
            0 => format!("anki-{}", c["nid"]),
            o => format!("anki-{}-{}", c["nid"], o + 1),
        };
        let row = s
            .card(&deck_id, &id)
            .unwrap()
            .unwrap_or_else(|| panic!("{id} missing"));
        let (ws, wd) = (
            c["stability"].as_f64().expect("Anki gave a stability"),
            c["difficulty"].as_f64().expect("Anki gave a difficulty"),
        );
        let ds = (row.state.stability as f64 - ws).abs() / ws;
        let dd = (row.state.difficulty as f64 - wd).abs() / wd;
        assert!(
            ds < 1e-3 && dd < 1e-3,
            "{id}: docket S={} D={}, Anki S={ws} D={wd}",
            row.state.stability,
            row.state.difficulty
        );
        max_ds = max_ds.max(ds);
        max_dd = max_dd.max(dd);
        reviews += c["reviews"].as_u64().unwrap();
    }
    eprintln!(
        "legacy={legacy}: {} cards ({tuned} with their preset's parameters), {reviews} Anki log rows: largest relative difference S {max_ds:.2e}, D {max_dd:.2e}",
        cards.len()
    );
    // Studying continues: the reviews are due, the unstudied card is new.
    let out = docket(&data)
        .args(["study", "--json"])
        .arg(&deck)
        .write_stdin("")
        .output()
        .unwrap();
    // The first record after the protocol's `hello` line.
    let first: serde_json::Value = out
        .stdout
        .split(|b| *b == b'\n')
        .map(|l| serde_json::from_slice::<serde_json::Value>(l).unwrap())
        .find(|v| v["type"] != "hello")
        .unwrap();
    assert_eq!(first["remaining"]["new"], 1, "{first}");
    assert!(
        first["remaining"]["review"].as_u64().unwrap() > 40,
        "{first}"
    );
}

/// The Anki-made fixture with SQL applied to its collection.
fn package(sql: &str) -> Vec<u8> {
    let bytes = std::fs::read("tests/fixtures/interop/anki-current.apkg").unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "collection.anki21b" {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("c.db");
            std::fs::write(&path, zstd::decode_all(&data[..]).unwrap()).unwrap();
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch(sql).unwrap();
            conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
                .unwrap();
            drop(conn);
            data = zstd::encode_all(&std::fs::read(&path).unwrap()[..], 3).unwrap();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A good history for the fixture's Basic card: learning, then a review
/// two days later.
const GOOD: &str = "INSERT INTO revlog VALUES
    (1741000000000, 1795408149915, -1, 3, -600, 0, 2500, 5000, 0),
    (1741000600000, 1795408149915, -1, 3, 2, -600, 2500, 5000, 0),
    (1741173000000, 1795408149915, -1, 3, 7, 2, 2500, 5000, 1);";

fn import(data: &Path, pkg: &Path, deck: &Path) -> assert_cmd::assert::Assert {
    docket(data)
        .args(["import", "--history"])
        .arg(pkg)
        .arg("-o")
        .arg(deck)
        .assert()
}

#[test]
fn unusable_rows_are_reported_and_the_rest_imported() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("p.apkg");
    let sql = format!(
        "{GOOD}
         -- a nonsense rating on the reversed note's first card
         INSERT INTO revlog VALUES (1741000000010, 1795408149916, -1, 9, 1, 0, 2500, 5000, 0);
         -- a row for a card that is not in the package
         INSERT INTO revlog VALUES (1741000000011, 42, -1, 3, 1, 0, 2500, 5000, 0);
         -- both cards of the cloze note
         INSERT INTO revlog VALUES (1741000000012, 1795408149919, -1, 3, 1, 0, 2500, 5000, 0),
                                   (1741000000013, 1795408149920, -1, 3, 1, 0, 2500, 5000, 0);"
    );
    std::fs::write(&pkg, package(&sql)).unwrap();
    let (data, deck) = (dir.path().join("data"), dir.path().join("p.toml"));
    import(&data, &pkg, &deck)
        .success()
        .stderr(contains("a rating of 9 (Anki's buttons are 1–4)"))
        .stderr(contains(
            "1 review-log rows: their cards are not in the package",
        ))
        .stderr(contains(
            "docket keeps cloze note 1795408149918 as one card",
        ))
        .stderr(contains("imported review history: 1 card, 3 reviews"))
        .stderr(contains("4 items not imported"));
    let id = deck_id(&deck);
    let s = store(&data);
    let studied: Vec<String> = s
        .cards(&id)
        .unwrap()
        .into_iter()
        .filter(|c| c.state.phase != Phase::New)
        .map(|c| c.card_id)
        .collect();
    assert_eq!(studied, ["anki-1795408149915"]);
    let row = s.card(&id, "anki-1795408149915").unwrap().unwrap();
    assert_eq!(row.state.phase, Phase::Review);
    assert_eq!(row.state.interval_days, 7);
    assert_eq!(s.log(&id, None).unwrap().len(), 3);
}

#[test]
fn a_second_import_needs_replace_history_and_does_not_double_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("p.apkg");
    std::fs::write(&pkg, package(GOOD)).unwrap();
    let (data, deck) = (dir.path().join("data"), dir.path().join("p.toml"));
    import(&data, &pkg, &deck).success();
    let before = std::fs::read(&deck).unwrap();
    docket(&data)
        .args(["import", "--history", "--update"])
        .arg(&pkg)
        .arg("-o")
        .arg(&deck)
        .assert()
        .code(1)
        .stderr(contains("1 card of deck"))
        .stderr(contains("already have progress"))
        .stderr(contains("--replace-history"));
    assert_eq!(std::fs::read(&deck).unwrap(), before);
    docket(&data)
        .args(["import", "--history", "--replace-history", "--update"])
        .arg(&pkg)
        .arg("-o")
        .arg(&deck)
        .assert()
        .success();
    assert_eq!(store(&data).log(&deck_id(&deck), None).unwrap().len(), 3);
}

#[test]
fn packages_without_usable_history_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let only_bad = dir.path().join("bad.apkg");
    std::fs::write(
        &only_bad,
        package(
            "INSERT INTO revlog VALUES (1741000000000, 1795408149915, -1, 7, 1, 0, 2500, 5000, 0);",
        ),
    )
    .unwrap();
    for (pkg, words) in [
        (
            Path::new("tests/fixtures/interop/anki-current.apkg"),
            "the package has no review history",
        ),
        (
            only_bad.as_path(),
            "no card's review history could be imported",
        ),
        (
            Path::new("tests/fixtures/interop/corrupt-db.apkg"),
            "corrupt",
        ),
        (
            Path::new("tests/fixtures/interop/unknown-version.apkg"),
            "schema version",
        ),
    ] {
        let deck = dir.path().join("out.toml");
        import(&data, pkg, &deck)
            .code(1)
            .stderr(contains(words))
            .stderr(contains("nothing was written"));
        assert!(!deck.exists(), "{}", pkg.display());
        assert!(!data.join("progress.sqlite3").exists(), "{}", pkg.display());
    }
    docket(&data)
        .args(["import", "--history", "tests/fixtures/interop/bank.gift"])
        .arg("-o")
        .arg(dir.path().join("g.toml"))
        .assert()
        .code(2)
        .stderr(contains("--history reads Anki packages"));
}
