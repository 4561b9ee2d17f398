//! The bundled case deck: proven against the five articles with zero
//! errors and zero warnings, broad enough to examine a careful reader, and
//! embedded in the binary as the very text of `decks/case.toml`.

use std::collections::BTreeMap;
use std::path::Path;

use docket::check::CheckOptions;
use docket::check::check_loaded;
use docket::deck::read_deck_file;

fn checked_case_deck() -> docket::deck::Deck {
    let mut loaded = read_deck_file(Path::new("decks/case.toml"));
    let options = CheckOptions {
        sources_dir: Some("../shared/case".into()),
        strict: true,
        ..CheckOptions::default()
    };
    let checked = check_loaded(&mut loaded, &options);
    assert!(
        loaded.diagnostics.is_empty(),
        "the case deck has diagnostics: {:#?}",
        loaded.diagnostics
    );
    checked.expect("the case deck checks").into_deck()
}

#[test]
fn the_checker_passes_the_deck_dir_with_zero_errors_and_warnings() {
    assert_cmd::Command::cargo_bin("docket")
        .unwrap()
        .args(["check", "decks", "--sources", "../shared/case"])
        .env("NO_COLOR", "1")
        .assert()
        .success()
        .stderr(predicates::str::contains("0 errors, 0 warnings"));
}

#[test]
fn the_deck_covers_every_topic_with_enough_cards() {
    let deck = checked_case_deck();
    assert!(deck.cards.len() >= 120, "{} cards", deck.cards.len());
    let mut topics: BTreeMap<&str, usize> = BTreeMap::new();
    for card in &deck.cards {
        for t in &card.topics {
            *topics.entry(t.as_str()).or_default() += 1;
        }
    }
    for (topic, at_least) in [
        ("charges", 5),
        ("agencies", 10),
        ("people", 10),
        ("companies", 5),
        ("dates", 10),
        ("timeline", 2),
        ("numbers", 8),
        ("places", 5),
        ("methods", 5),
        ("statements", 5),
    ] {
        let n = topics.get(topic).copied().unwrap_or(0);
        assert!(n >= at_least, "topic {topic}: {n} cards, want {at_least}");
    }
    let kinds: std::collections::BTreeSet<_> = deck.cards.iter().map(|c| c.kind()).collect();
    assert!(kinds.len() >= 5, "kinds used: {kinds:?}");
    assert!(kinds.contains(&docket::deck::model::CardKind::Order));
}

#[test]
fn every_card_is_explained_and_quoted_but_never_from_the_garbled_copy() {
    let deck = checked_case_deck();
    let garbled: Vec<&str> = deck
        .sources
        .iter()
        .filter(|s| s.file.starts_with("003_"))
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(garbled.len(), 1);
    for card in &deck.cards {
        assert!(card.explanation.is_some(), "{} has no explanation", card.id);
        assert!(
            card.evidence.iter().any(|e| e.quote.is_some()),
            "{} quotes nothing",
            card.id
        );
        for e in &card.evidence {
            assert!(
                !(garbled.contains(&e.source.as_str()) && e.quote.is_some()),
                "{} quotes the garbled copy",
                card.id
            );
        }
    }
}

#[test]
fn the_known_error_in_the_articles_is_corrected_and_noted() {
    let deck = checked_case_deck();
    let tiananmen = deck
        .cards
        .iter()
        .find(|c| c.id == "tiananmen-year")
        .expect("a card on the massacre's year");
    assert!(docket::grade::expected_answer(tiananmen).contains("1989"));
    assert!(tiananmen.differs.as_deref().unwrap_or("").contains("1983"));
    assert!(deck.cards.iter().filter(|c| c.differs.is_some()).count() >= 8);
}

#[test]
fn the_embedded_deck_is_the_text_of_decks_case_toml() {
    let on_disk = std::fs::read_to_string("decks/case.toml").unwrap();
    assert_eq!(docket::bundled::CASE_DECK_TOML, on_disk);
    let bundled = docket::bundled::case_deck().expect("bundled deck parses and checks");
    assert_eq!(bundled.deck().cards.len(), checked_case_deck().cards.len());
}
