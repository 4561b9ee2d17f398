//! Checked against Anki itself: the `anki` Python package imports our
//! packages and makes packages for us to import. The package lives in a
//! virtual environment (`.ci/run` installs it under target/anki-venv);
//! without it these tests skip with a message, unless
//! DOCKET_REQUIRE_ANKI=1 makes them mandatory.

use std::path::PathBuf;
use std::process::Command;

use docket::interop::Format;
use docket::interop::export;
use docket::interop::import;

/// The venv's Python, or `None` (after saying so) when the tests should skip.
pub fn anki_python() -> Option<PathBuf> {
    let py = std::env::var_os("DOCKET_ANKI_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/anki-venv/bin/python"));
    let ok = py.exists()
        && Command::new(&py)
            .args(["-c", "import anki.collection"])
            .output()
            .is_ok_and(|o| o.status.success());
    if ok {
        return Some(py);
    }
    assert!(
        std::env::var("DOCKET_REQUIRE_ANKI").as_deref() != Ok("1"),
        "DOCKET_REQUIRE_ANKI=1 but {} cannot import anki",
        py.display()
    );
    eprintln!(
        "SKIPPED: Anki's Python package is not installed at {} (see .ci/run); the real-Anki tests did not run",
        py.display()
    );
    None
}

fn run(py: &PathBuf, args: &[&str]) -> serde_json::Value {
    let out = Command::new(py).args(args).output().expect("python runs");
    assert!(
        out.status.success(),
        "{:?} failed:\n{}",
        args,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn anki_imports_our_package_with_every_card_field_tag_and_deck() {
    let Some(py) = anki_python() else { return };
    let text = std::fs::read_to_string("decks/case.toml").unwrap();
    let (deck, _) = docket::deck::parse::parse_deck(std::path::Path::new("case.toml"), &text);
    let deck = deck.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("case.apkg");
    std::fs::write(&pkg, export(Format::Apkg, &deck).unwrap().0).unwrap();
    let pkg = pkg.to_str().unwrap();
    // Imported twice: the second import must not add notes.
    let report = run(&py, &["tests/anki/import_apkg.py", pkg, pkg]);
    let imports = report["imports"].as_array().unwrap();
    assert_eq!(imports[0]["new"], deck.cards.len());
    assert_eq!(imports[1]["new"], 0);
    let notes = report["notes"].as_array().unwrap();
    assert_eq!(notes.len(), deck.cards.len());
    let names: Vec<&str> = report["notetypes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    assert!(names.contains(&"docket") && !names.contains(&"Basic+"));
    for card in &deck.cards {
        let guid = format!("{}/{}", deck.meta.id, card.id);
        let note = notes
            .iter()
            .find(|n| n["guid"] == guid.as_str())
            .unwrap_or_else(|| panic!("{guid} did not arrive"));
        assert_eq!(note["decks"][0], deck.meta.title.as_str());
        let tags: Vec<String> = card.topics.iter().map(|t| t.replace(' ', "_")).collect();
        let mut got: Vec<String> = note["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        got.sort();
        let mut want = tags.clone();
        want.sort();
        assert_eq!(got, want, "{guid}");
        let fields = &note["fields"];
        if card.kind() == docket::deck::model::CardKind::Cloze {
            assert_eq!(note["notetype"], "docket cloze");
            assert!(fields["Text"].as_str().unwrap().contains("{{c1::"));
        } else {
            assert_eq!(note["notetype"], "docket");
            assert!(fields["Prompt"].as_str().unwrap().len() >= card.prompt.len().min(10));
            assert!(!fields["Answer"].as_str().unwrap().is_empty());
            if card.evidence.iter().any(|e| e.quote.is_some()) {
                assert!(!fields["Quote"].as_str().unwrap().is_empty(), "{guid}");
            }
            if !card.evidence.is_empty() {
                assert!(!fields["Source"].as_str().unwrap().is_empty(), "{guid}");
            }
        }
        if card.explanation.is_some() {
            assert!(
                !fields["Explanation"].as_str().unwrap().is_empty(),
                "{guid}"
            );
        }
    }
}

#[test]
fn packages_anki_exports_now_are_imported() {
    let Some(py) = anki_python() else { return };
    let dir = tempfile::tempdir().unwrap();
    for legacy in [false, true] {
        let pkg = dir.path().join(format!("made-{legacy}.apkg"));
        let mut args = vec!["tests/anki/make_apkg.py", pkg.to_str().unwrap()];
        if legacy {
            args.push("--legacy");
        }
        let ids = run(&py, &args);
        let got = import(Format::Apkg, "made.apkg", &std::fs::read(&pkg).unwrap()).unwrap();
        let d = &got.deck;
        assert_eq!(d.cards.len(), 5, "legacy={legacy}");
        assert_eq!(d.cards[0].id, format!("anki-{}", ids["basic"]));
        assert_eq!(d.cards[1].id, format!("anki-{}", ids["reversed"]));
        assert_eq!(d.cards[3].prompt, "2 + 2 = ?", "the script is gone");
        assert_eq!(d.cards[4].id, format!("anki-{}", ids["cloze"]));
        super::support::reparse(d);
    }
}

/// docket → .apkg → Anki (imported twice) → Anki's own export → docket
/// gives back the same cards, every kind, for generated decks (a fixed
/// sample, so that Anki runs once); Anki's "Notes in Plain Text" export of
/// the same notes is read by its headers (deck, note type, guid columns).
#[test]
fn every_kind_survives_a_round_trip_through_anki() {
    use proptest::strategy::Strategy;
    use proptest::strategy::ValueTree;
    let Some(py) = anki_python() else { return };
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let dir = tempfile::tempdir().unwrap();
    let mut decks = Vec::new();
    let mut args: Vec<String> = vec!["tests/anki/reexport.py".into()];
    while decks.len() < 8 {
        let mut d = super::support::deck()
            .new_tree(&mut runner)
            .unwrap()
            .current();
        for c in &mut d.cards {
            c.evidence.clear();
            c.differs = None;
        }
        d.cards.retain(super::apkg::apkg_safe);
        if d.cards.is_empty() {
            continue;
        }
        let n = decks.len();
        let p = |ext: &str| dir.path().join(format!("{n}.{ext}")).display().to_string();
        std::fs::write(p("apkg"), export(Format::Apkg, &d).unwrap().0).unwrap();
        args.extend([p("apkg"), p("anki.apkg"), p("txt")]);
        decks.push(d);
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let report = run(&py, &argv);
    for (n, d) in decks.iter().enumerate() {
        let notes = d.cards.len();
        assert_eq!(report[n]["new"][0], notes, "deck {n}: first import");
        assert_eq!(report[n]["new"][1], 0, "deck {n}: a re-import adds nothing");
        let bytes = std::fs::read(dir.path().join(format!("{n}.anki.apkg"))).unwrap();
        let back = import(Format::Apkg, "back.apkg", &bytes).unwrap();
        assert!(
            back.skipped.is_empty() && back.notes.is_empty(),
            "{:?} {:?}",
            back.skipped,
            back.notes
        );
        super::support::reparse(&back.deck);
        // Anki keeps a note's tags sorted: topic order is all that changes.
        let sorted = |d: &docket::deck::Deck| {
            let mut cards = super::support::cards_only(d);
            for c in &mut cards {
                c.topics.sort();
            }
            cards
        };
        assert_eq!(sorted(&back.deck), sorted(d), "deck {n}");
        let txt = std::fs::read(dir.path().join(format!("{n}.txt"))).unwrap();
        let text = import(Format::Tsv, "notes.txt", &txt).unwrap().deck;
        // (Anki's text export drops white space a deck name cannot hold.)
        let words = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(words(&text.meta.title), words(&d.meta.title), "deck {n}");
        let got = super::support::normalized(&text);
        let mut got: Vec<_> = got.cards;
        for c in &mut got {
            c.topics.sort();
        }
        assert_eq!(got, sorted(d), "deck {n}: Anki's text export");
    }
}
