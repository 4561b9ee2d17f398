//! `docket reset CARD [--deck DECK]`: starts one card over on purpose. The
//! history stays; a manual review-log row records the reset.

use std::path::PathBuf;

use super::args::ResetArgs;
use super::output;
use super::output::EXIT_FAILURE;
use super::output::EXIT_OK;
use crate::app::Collection;

/// Runs `docket reset`.
pub fn run(args: &ResetArgs) -> anyhow::Result<u8> {
    let paths: Vec<PathBuf> = args.deck.iter().cloned().collect();
    let (mut collection, decks) = match Collection::open_with_decks(&paths) {
        Ok(p) => p,
        Err(e) => return Ok(output::report("docket", &e)),
    };
    let Some(deck_id) = decks.first().map(|d| d.meta().id.clone()) else {
        return Ok(EXIT_FAILURE);
    };
    match collection.reset_card(&deck_id, &args.card) {
        Ok(row) => {
            eprintln!(
                "reset `{}`: it is a new card again",
                crate::sanitize::clean(&row.card_id)
            );
            Ok(EXIT_OK)
        }
        Err(e) => Ok(output::report("docket reset", &e)),
    }
}
