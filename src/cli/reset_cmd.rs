//! `docket reset CARD [--deck DECK]`: starts one card over on purpose. The
//! history stays; a manual review-log row records the reset.

use std::path::PathBuf;

use super::EXIT_FAILURE;
use super::EXIT_OK;
use super::study_cmd::prepare;
use crate::clock::Clock;
use crate::schedule::CardState;
use crate::schedule::ReviewKind;
use crate::store::Answer;
use crate::store::Store;

/// Arguments of `docket reset`.
#[derive(Debug, clap::Args)]
pub struct ResetArgs {
    /// The card id.
    pub card: String,
    /// Deck file; none means the bundled case deck.
    #[arg(long)]
    pub deck: Option<PathBuf>,
}

/// Runs `docket reset`.
pub fn run(args: &ResetArgs) -> anyhow::Result<u8> {
    let paths: Vec<PathBuf> = args.deck.iter().cloned().collect();
    let mut p = match prepare(&paths) {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let now = p.clock.now();
    let Some(deck_id) = p.decks.first().map(|d| d.meta().id.clone()) else {
        return Ok(EXIT_FAILURE);
    };
    let Some(row) = p.store.card(&deck_id, &args.card)? else {
        eprintln!(
            "docket reset: no card `{}` in deck `{}`",
            crate::sanitize::clean(&args.card),
            deck_id
        );
        return Ok(EXIT_FAILURE);
    };
    let answer = Answer {
        deck_id: deck_id.clone(),
        card_id: row.card_id.clone(),
        ts_ms: now.ms,
        rating: None,
        kind: ReviewKind::Manual,
        before: row.state,
        after: CardState::NEW,
        elapsed_days: 0,
        elapsed_secs: 0,
        r_before: None,
        r_after: None,
        duration_ms: 0,
        content_hash: row.content_hash.clone(),
        session_id: None,
    };
    p.store.record(&answer)?;
    eprintln!(
        "reset `{}`: it is a new card again",
        crate::sanitize::clean(&row.card_id)
    );
    Ok(EXIT_OK)
}
