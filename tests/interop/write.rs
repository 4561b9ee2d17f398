//! The deck writer: what it writes parses back to the same deck.

use docket::deck::write::write_deck;
use proptest::prelude::*;

use super::support::deck;
use super::support::meaning;
use super::support::reparse;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn written_decks_parse_back_unchanged(d in deck()) {
        let back = reparse(&d);
        prop_assert_eq!(meaning(&back), meaning(&d));
    }
}

#[test]
fn the_bundled_deck_round_trips_through_the_writer() {
    let text = std::fs::read_to_string("decks/case.toml").unwrap();
    let (deck, diags) =
        docket::deck::parse::parse_deck(std::path::Path::new("decks/case.toml"), &text);
    assert!(diags.iter().all(|d| !d.is_error()));
    let deck = deck.unwrap();
    let written = write_deck(&deck, &["a header".into()]);
    assert!(written.starts_with("# a header\n\n[deck]\n"));
    let (again, diags) = docket::deck::parse::parse_deck(std::path::Path::new("x.toml"), &written);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
    assert_eq!(meaning(&again.unwrap()), meaning(&deck));
}
