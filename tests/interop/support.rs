//! Shared helpers: deck strategies for property tests, normalising decks
//! for comparison, and parsing + checking written decks.

use std::path::Path;
use std::path::PathBuf;

use docket::check::CheckOptions;
use docket::check::check_loaded;
use docket::deck::Deck;
use docket::deck::model::Answer;
use docket::deck::model::Card;
use docket::deck::model::CardSpans;
use docket::deck::model::DeckMeta;
use docket::deck::model::Evidence;
use docket::deck::model::Source;
use docket::deck::number::NumberAnswer;
use docket::deck::number::Tolerance;
use docket::deck::parse_deck_bytes;
use docket::deck::write::write_deck;
use proptest::prelude::*;

/// The deck with spans and path cleared, so decks read from different
/// texts compare equal when they mean the same.
pub fn normalized(deck: &Deck) -> Deck {
    let mut d = deck.clone();
    d.path = PathBuf::new();
    for s in &mut d.sources {
        s.file_span = 0..0;
        s.sha256_span = None;
    }
    for c in &mut d.cards {
        c.spans = CardSpans::default();
        for e in &mut c.evidence {
            e.source_span = 0..0;
            e.quote_span = None;
        }
    }
    d
}

/// Writes, parses and checks a deck: returns the parsed deck, panicking
/// with the diagnostics when `docket check` finds an error.
pub fn reparse(deck: &Deck) -> Deck {
    let text = write_deck(deck, &[]);
    let mut loaded = parse_deck_bytes(Path::new("/nonexistent/x.toml"), text.into_bytes());
    let checked = check_loaded(&mut loaded, &CheckOptions::default());
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{}", loaded.text);
    checked.expect("checked").into_deck()
}

/// Text a deck may hold: printable, not blank, trimmed (importers trim).
pub fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,.;:!?'\"()\\\\#=~{}%$&*/+<>@éü€\n\t-]{0,30}"
        .prop_map(|s| s.trim().to_string())
        .prop_filter("not blank", |s| !s.is_empty())
}

/// Single-line text without markup characters.
pub fn word_text() -> impl Strategy<Value = String> {
    "[a-zA-Z][a-zA-Z0-9 ,.'-]{0,20}".prop_map(|s| s.trim().to_string())
}

/// An id as the deck format allows.
pub fn id() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,20}[a-z0-9]"
}

fn topic() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_-]{0,10}"
}

/// A card's answer of any kind.
pub fn answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        (text(), prop::collection::vec(text(), 0..3))
            .prop_map(|(answer, accept)| Answer::Basic { answer, accept }),
        prop::collection::hash_set(text(), 2..6).prop_flat_map(|opts| {
            let options: Vec<String> = opts.into_iter().collect();
            let n = options.len();
            (Just(options), prop::collection::btree_set(0..n, 1..=n)).prop_map(|(options, c)| {
                Answer::Choice {
                    options,
                    correct: c.into_iter().collect(),
                }
            })
        }),
        any::<bool>().prop_map(Answer::TrueFalse),
        (-1e9f64..1e9, 0u32..3, prop::option::of(word_text())).prop_map(|(v, t, unit)| {
            let unit = unit.filter(|u| !u.is_empty());
            Answer::Number(match t {
                0 => NumberAnswer::with_tolerance(v.round(), Tolerance::Exact, unit),
                1 => NumberAnswer::with_tolerance(v, Tolerance::Absolute(2.5), unit),
                _ => NumberAnswer::with_range(None, v, v + 10.0, unit),
            })
        }),
        (1900i32..2100, prop::option::of(1u32..=12), 1u32..=28).prop_map(|(y, m, d)| {
            Answer::Date(docket::deck::date::PartialDate::new(y, m, m.map(|_| d)).unwrap())
        }),
        prop::collection::hash_set(word_text().prop_filter("x", |s| !s.is_empty()), 2..5)
            .prop_map(|s| Answer::Order(s.into_iter().collect())),
    ]
}

/// A card with every field exercised; cloze cards get their prompt from the gaps.
pub fn card() -> impl Strategy<Value = Card> {
    (
        id(),
        text(),
        prop_oneof![answer().prop_map(Some), Just(None)],
        prop::option::of(text()),
        prop::collection::vec(topic(), 0..3),
        prop::option::of(text()),
        any::<bool>(),
    )
        .prop_map(
            |(id, prompt, answer, explanation, mut topics, differs, cite)| {
                topics.dedup();
                let (prompt, answer) = match answer {
                    Some(a) => (prompt, a),
                    None => {
                        let lead = prompt.replace(['{', '}'], "");
                        let lead = if lead.trim().is_empty() {
                            "x"
                        } else {
                            lead.trim()
                        };
                        let p = format!("{lead} {{{{c1::gap}}}} end");
                        let gaps = docket::deck::cloze::parse_gaps(&p).unwrap();
                        (p, Answer::Cloze(gaps))
                    }
                };
                Card {
                    id,
                    prompt,
                    answer,
                    explanation,
                    topics,
                    evidence: if cite {
                        vec![Evidence {
                            source: "src.1".into(),
                            quote: Some("a \"quoted\" phrase".into()),
                            source_span: 0..0,
                            quote_span: None,
                        }]
                    } else {
                        Vec::new()
                    },
                    differs,
                    spans: CardSpans::default(),
                }
            },
        )
}

/// A deck with unique card ids.
pub fn deck() -> impl Strategy<Value = Deck> {
    (prop::collection::vec(card(), 1..12), text(), text()).prop_map(
        |(cards, title, description)| {
            let mut seen = std::collections::HashSet::new();
            let cards = cards
                .into_iter()
                .filter(|c| seen.insert(c.id.clone()))
                .collect();
            Deck {
                path: PathBuf::new(),
                meta: DeckMeta {
                    id: "prop-deck".into(),
                    title,
                    description,
                    language: Some("en".into()),
                    desired_retention: 0.85,
                    authors: vec!["A. Author".into()],
                },
                sources: vec![Source {
                    id: "src.1".into(),
                    file: "missing.txt".into(),
                    title: "A source".into(),
                    publisher: Some("Pub".into()),
                    date: Some("2020-12-18".into()),
                    url: None,
                    sha256: None,
                    file_span: 0..0,
                    sha256_span: None,
                }],
                cards,
            }
        },
    )
}

/// The cards without what text formats cannot carry: evidence and `differs`.
pub fn cards_only(deck: &Deck) -> Vec<Card> {
    let mut cards = normalized(deck).cards;
    for c in &mut cards {
        c.evidence.clear();
        c.differs = None;
    }
    cards
}

/// What a deck means, as a comparable value (`Deck` has no `PartialEq`
/// because its path is not part of its meaning).
pub fn meaning(deck: &Deck) -> (DeckMeta, Vec<Source>, Vec<Card>) {
    let d = normalized(deck);
    (d.meta, d.sources, d.cards)
}
