//! Anki packages without Anki: round trips, and packages Anki 26.9 made
//! (committed fixtures), so these run everywhere.

use docket::deck::Deck;
use docket::deck::model::Answer;
use docket::deck::model::Card;
use docket::interop::Format;
use docket::interop::export;
use docket::interop::import;
use proptest::prelude::*;

use super::support::cards_only;
use super::support::deck;
use super::support::reparse;

/// Cards a package carries exactly: any kind (the Docket field holds the
/// answer keys), as long as the prompt and explanation have no runs of
/// white space (HTML collapses them), and cloze cards whose gaps have one
/// answer (Anki shows `a|b` as one answer).
pub fn apkg_safe(c: &Card) -> bool {
    let plain = |s: &str| {
        !s.contains("  ")
            && !s.contains('\t')
            && !s.contains(" \n")
            && !s.contains("\n ")
            && !s.contains("\n\n")
    };
    plain(&c.prompt)
        && c.explanation.as_deref().is_none_or(plain)
        && match &c.answer {
            Answer::Cloze(gaps) => gaps.iter().all(|g| g.answers.len() == 1),
            _ => true,
        }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn every_kind_of_card_survives_a_package(mut d in deck()) {
        for c in &mut d.cards {
            // Evidence travels as display text only.
            c.evidence.clear();
            c.differs = None;
        }
        d.cards.retain(apkg_safe);
        prop_assume!(!d.cards.is_empty());
        let (bytes, lossy) = export(Format::Apkg, &d).unwrap();
        prop_assert!(lossy.is_empty(), "{:?}", lossy);
        let back = import(Format::Apkg, "d.apkg", &bytes).unwrap();
        prop_assert!(back.skipped.is_empty() && back.notes.is_empty(), "{:?} {:?}", back.skipped, back.notes);
        prop_assert_eq!(&back.deck.meta.title, &d.meta.title.replace('\n', " "));
        reparse(&back.deck);
        prop_assert_eq!(cards_only(&back.deck), cards_only(&d));
    }
}

fn expected_from_anki(d: &Deck) {
    let kinds: Vec<(&str, &str)> = d
        .cards
        .iter()
        .map(|c| (c.kind().name(), c.prompt.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("basic", "What is the capital of France?"),
            ("basic", "chien"),
            ("basic", "dog"),
            ("basic", "2 + 2 = ?"),
            (
                "cloze",
                "The {{c1::MSS::agency}} ran the {{c2::operation}} & more."
            ),
        ]
    );
    assert_eq!(d.meta.title, "Anki Made::Sub deck");
    assert_eq!(d.cards[0].topics, ["europe", "geo"]);
    assert_eq!(
        d.cards[0].answer,
        Answer::Basic {
            answer: "Paris\n(the city)".into(),
            accept: vec![]
        }
    );
    assert!(d.cards[0].id.starts_with("anki-"));
    assert_eq!(d.cards[2].id, format!("{}-2", d.cards[1].id));
    assert_eq!(
        d.cards[4].explanation.as_deref(),
        Some("Ministry of State Security")
    );
    reparse(d);
}

#[test]
fn a_current_anki_package_prefers_the_zstd_collection() {
    // The fixture's collection.anki2 is Anki's "please update" placeholder.
    let bytes = std::fs::read("tests/fixtures/interop/anki-current.apkg").unwrap();
    let got = import(Format::Apkg, "anki-current.apkg", &bytes).unwrap();
    assert!(got.skipped.is_empty(), "{:?}", got.skipped);
    expected_from_anki(&got.deck);
}

#[test]
fn a_legacy_anki_package_is_read_from_its_json_note_types() {
    let bytes = std::fs::read("tests/fixtures/interop/anki-legacy.apkg").unwrap();
    let got = import(Format::Apkg, "anki-legacy.apkg", &bytes).unwrap();
    expected_from_anki(&got.deck);
}

#[test]
fn exports_are_reproducible_with_source_date_epoch() {
    let text = std::fs::read_to_string("decks/case.toml").unwrap();
    let (d, _) = docket::deck::parse::parse_deck(std::path::Path::new("case.toml"), &text);
    let d = d.unwrap();
    // SAFETY of the env var: only this test reads SOURCE_DATE_EPOCH in this binary.
    unsafe { std::env::set_var("SOURCE_DATE_EPOCH", "1700000000") };
    let (a, _) = export(Format::Apkg, &d).unwrap();
    let (b, lossy) = export(Format::Apkg, &d).unwrap();
    assert_eq!(a, b);
    assert!(
        !lossy.iter().any(|s| s.reason.contains("front/back")),
        "every kind is carried: {lossy:?}"
    );
    let back = import(Format::Apkg, "case.apkg", &a).unwrap();
    assert_eq!(back.deck.cards.len(), d.cards.len());
    let ids: Vec<&str> = back.deck.cards.iter().map(|c| c.id.as_str()).collect();
    let mut want: Vec<&str> = d.cards.iter().map(|c| c.id.as_str()).collect();
    let mut got = ids.clone();
    want.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, want, "docket's own notes give their card ids back");
    reparse(&back.deck);
    // Every kind comes back as itself, answers and all.
    for c in &d.cards {
        let b = back.deck.cards.iter().find(|b| b.id == c.id).unwrap();
        assert_eq!(b.answer, c.answer, "{}", c.id);
    }
}
