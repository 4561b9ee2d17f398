//! `docket card VERB CARD [--deck DECK]`: suspend, unsuspend, bury, unbury
//! or reset one card outside a study session.

use std::path::PathBuf;

use super::args::CardArgs;
use super::args::CardVerb;
use super::output;
use super::output::EXIT_FAILURE;
use super::output::EXIT_OK;
use crate::app::Collection;

/// Runs `docket card`.
pub fn run(args: &CardArgs) -> anyhow::Result<u8> {
    let paths: Vec<PathBuf> = args.deck.iter().cloned().collect();
    let (mut collection, decks) = match Collection::open_with_decks(&paths) {
        Ok(p) => p,
        Err(e) => return Ok(output::report("docket", &e)),
    };
    let Some(deck_id) = decks.first().map(|d| d.meta().id.clone()) else {
        return Ok(EXIT_FAILURE);
    };
    let card = &args.card;
    let done = match args.verb {
        CardVerb::Suspend => collection
            .set_suspended(&deck_id, card, true)
            .map(|()| "suspended: it stays out of study until unsuspended"),
        CardVerb::Unsuspend => collection
            .set_suspended(&deck_id, card, false)
            .map(|()| "unsuspended: it is studied again"),
        CardVerb::Bury => collection
            .set_buried(&deck_id, card, true)
            .map(|_| "buried until the next study day"),
        CardVerb::Unbury => collection
            .set_buried(&deck_id, card, false)
            .map(|_| "unburied: it is studied again"),
        CardVerb::Reset => collection
            .reset_card(&deck_id, card)
            .map(|_| "reset: it is a new card again"),
    };
    match done {
        Ok(what) => {
            eprintln!("`{}` {what}", crate::sanitize::clean(card));
            Ok(EXIT_OK)
        }
        Err(e) => Ok(output::report("docket card", &e)),
    }
}
