//! Imports that amplify within the size limits: deeply nested or unclosed
//! HTML in one field, megabyte fields, and decks too large to read back.
//! The fixtures are generated here, not committed.

use docket::interop::Format;
use docket::interop::import;

/// A CSV with `#html:true` whose first card's question is `field`.
fn csv_with(field: &str) -> Vec<u8> {
    format!("#separator:comma\n#html:true\n\"{field}\",answer\nplain,card\n").into_bytes()
}

#[test]
fn deeply_nested_html_converts_in_linear_time() {
    // 80,000 nested <div> (880 KB, under the field limit): 100,000 took
    // 58 s through a DOM.
    let n = 80_000;
    let field = format!("{}deep{}", "<div>".repeat(n), "</div>".repeat(n));
    let got = import(Format::Csv, "deep.csv", &csv_with(&field)).unwrap();
    assert_eq!(got.deck.cards[0].prompt, "deep");
}

#[test]
fn unclosed_tags_convert_and_huge_fields_are_skipped() {
    // 300,000 unclosed <b> (900 KB): converted in one pass.
    let field = format!("{}bold", "<b>".repeat(300_000));
    let got = import(Format::Csv, "b.csv", &csv_with(&field)).unwrap();
    assert_eq!(got.deck.cards[0].prompt, "bold");
    // 3 million (9 MB in one field): no card has such a field; skipped.
    let field = format!("{}bold", "<b>".repeat(3_000_000));
    let got = import(Format::Csv, "b.csv", &csv_with(&field)).unwrap();
    assert_eq!(got.deck.cards.len(), 1);
    assert!(
        got.skipped[0].reason.contains("the limit is"),
        "{:?}",
        got.skipped
    );
}

#[test]
fn a_deck_too_large_to_read_back_is_never_written() {
    let limit = docket::deck::MAX_DECK_BYTES as usize;
    let big = "x".repeat(limit + 1);
    let err = docket::interop::check_deck_size(&big).unwrap_err();
    assert!(err.to_string().contains("split the file"), "{err}");
    // The deck reader refuses it from memory as from disk.
    let loaded = docket::deck::parse_deck_bytes(std::path::Path::new("big.toml"), big.into_bytes());
    assert!(loaded.has_errors());
    assert_eq!(loaded.diagnostics[0].code, "too-large");
}

#[test]
fn an_import_whose_deck_would_be_too_large_is_refused() {
    // A small import converted whole, then the same deck grown past the
    // limit: the estimate (a lower bound of the TOML) sees it.
    let got = import(Format::Csv, "s.csv", b"q,a\n").unwrap();
    let mut deck = got.deck;
    assert!(docket::interop::estimated_deck_bytes(&deck) < 1024);
    let card = deck.cards[0].clone();
    let field = "y".repeat(1024 * 1024);
    deck.cards = (0..130)
        .map(|i| {
            let mut c = card.clone();
            c.id = format!("c{i}");
            c.prompt = field.clone();
            c
        })
        .collect();
    assert!(docket::interop::estimated_deck_bytes(&deck) > docket::deck::MAX_DECK_BYTES);
}
