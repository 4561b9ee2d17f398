//! `docket browse [DECK]`: the card browser (see `frontend::browse`), its
//! requests carried out through the application layer.

use std::io::IsTerminal;
use std::path::PathBuf;

use super::args::BrowseArgs;
use super::output;
use super::output::EXIT_FAILURE;
use super::output::EXIT_OK;
use crate::app::AppResult;
use crate::app::Collection;
use crate::app::decks::OpenedDeck;
use crate::frontend::browse;
use crate::frontend::browse::Request;
use crate::sanitize::clean;

fn items(collection: &Collection, deck: &OpenedDeck) -> AppResult<Vec<browse::Item>> {
    let now = collection.now();
    Ok(collection
        .listing(deck)?
        .into_iter()
        .map(|l| {
            let s = &l.row.state;
            let new = s.phase == crate::schedule::Phase::New;
            browse::Item {
                id: clean(&l.row.card_id),
                kind: l.card.as_ref().map_or("?", |c| c.kind().name()).to_string(),
                prompt: l.card.as_ref().map_or(String::new(), |c| clean(&c.prompt)),
                answer: l
                    .card
                    .as_ref()
                    .map_or(String::new(), |c| clean(&crate::grade::expected_answer(c))),
                explanation: l
                    .card
                    .as_ref()
                    .and_then(|c| c.explanation.as_deref().map(clean)),
                topics: l
                    .card
                    .as_ref()
                    .map_or(Vec::new(), |c| c.topics.iter().map(|t| clean(t)).collect()),
                state: s.phase.name().to_string(),
                due: if new {
                    "-".to_string()
                } else {
                    now.human(s.due_ms)
                },
                retrievability: l.retrievability,
                suspended: l.row.suspended,
                buried: l.row.buried_until_ms > now.ms,
                reps: s.reps,
                lapses: s.lapses,
            }
        })
        .collect())
}

/// Runs `docket browse`.
pub fn run(args: &BrowseArgs) -> anyhow::Result<u8> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        eprintln!("docket browse: needs a terminal; `docket cards` lists cards for scripts");
        return Ok(EXIT_FAILURE);
    }
    let paths: Vec<PathBuf> = args.deck.iter().cloned().collect();
    let (mut collection, decks) = match Collection::open_with_decks(&paths) {
        Ok(p) => p,
        Err(e) => return Ok(output::report("docket", &e)),
    };
    let Some(deck) = decks.first() else {
        return Ok(EXIT_FAILURE);
    };
    let list = match items(&collection, deck) {
        Ok(l) => l,
        Err(e) => return Ok(output::report("docket browse", &e)),
    };
    let deck_id = deck.meta().id.clone();
    let browser = browse::Browser::new(clean(&deck.meta().title), list);
    browse::run(browser, |request| {
        let done = match request {
            Request::Suspend(id) => collection
                .set_suspended(&deck_id, id, true)
                .map(|()| format!("suspended {id}")),
            Request::Unsuspend(id) => collection
                .set_suspended(&deck_id, id, false)
                .map(|()| format!("unsuspended {id}")),
            Request::Bury(id) => collection
                .set_buried(&deck_id, id, true)
                .map(|_| format!("buried {id} until the next study day")),
            Request::Unbury(id) => collection
                .set_buried(&deck_id, id, false)
                .map(|_| format!("unburied {id}")),
            Request::Reset(id) => collection
                .reset_card(&deck_id, id)
                .map(|_| format!("reset {id}: a new card again")),
        };
        let message = done.map_err(|e| e.to_string())?;
        let list = items(&collection, deck).map_err(|e| e.to_string())?;
        Ok((list, message))
    })?;
    Ok(EXIT_OK)
}
