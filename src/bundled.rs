//! The bundled case deck, embedded in the binary so that `docket` works from
//! any directory after `cargo install`. `decks/case.toml` is the editable
//! copy; a test proves the two are the same text.

use std::path::Path;

use crate::check::CheckOptions;
use crate::check::CheckedDeck;
use crate::check::check_parsed;
use crate::deck::parse::parse_deck;

/// The text of `decks/case.toml`, as compiled in.
pub const CASE_DECK_TOML: &str = include_str!("../decks/case.toml");

/// The name the bundled deck is reported under.
pub const CASE_DECK_PATH: &str = "<bundled>/case.toml";

/// Parses and checks the bundled deck. Its sources are not shipped, so no
/// source file is looked for and the quotes are not re-verified here
/// (`tests/case_deck.rs` proves them against the articles).
pub fn case_deck() -> anyhow::Result<CheckedDeck> {
    let (deck, diagnostics) = parse_deck(Path::new(CASE_DECK_PATH), CASE_DECK_TOML);
    let first_error = diagnostics.iter().find(|d| d.is_error());
    match (deck, first_error) {
        (Some(deck), None) => {
            let options = CheckOptions {
                embedded: true,
                ..CheckOptions::default()
            };
            check_parsed(deck, CASE_DECK_TOML, &options)
                .map_err(|d| anyhow::anyhow!("the bundled deck fails its checks: {}", d[0].message))
        }
        (_, Some(e)) => anyhow::bail!("the bundled deck does not parse: {}", e.message),
        (None, None) => anyhow::bail!("the bundled deck does not parse"),
    }
}
