//! `docket reschedule CARD --due DAYS|N-M|DATE [--deck DECK]`: Anki's "set
//! due date". The card becomes a review card due on that day, its memory
//! kept; a manual review-log row (Anki's kind 4) records the change.

use std::path::PathBuf;

use super::args::RescheduleArgs;
use super::output;
use super::output::EXIT_FAILURE;
use super::output::EXIT_OK;
use crate::app::Collection;

/// Runs `docket reschedule`.
pub fn run(args: &RescheduleArgs) -> anyhow::Result<u8> {
    let paths: Vec<PathBuf> = args.deck.iter().cloned().collect();
    let (mut collection, decks) = match Collection::open_with_decks(&paths) {
        Ok(p) => p,
        Err(e) => return Ok(output::report("docket", &e)),
    };
    let Some(deck) = decks.first() else {
        return Ok(EXIT_FAILURE);
    };
    match collection.reschedule_card(deck.meta(), &args.card, &args.due) {
        Ok((row, after)) => {
            let now = collection.now();
            println!(
                "`{}` is due {} (interval {} days)",
                crate::sanitize::clean(&row.card_id),
                now.human(after.due_ms),
                after.interval_days
            );
            Ok(EXIT_OK)
        }
        Err(e) => Ok(output::report("docket reschedule", &e)),
    }
}
