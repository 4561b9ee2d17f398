//! What `docket browse` lists: every card of an opened deck with its
//! stored state, its text (when the deck still has it) and its
//! retrievability now.

use super::AppResult;
use super::Collection;
use super::decks::OpenedDeck;
use super::settings::Overrides;
use crate::deck::Card;
use crate::store::CardRow;

/// One card as the browser lists it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Its stored row.
    pub row: CardRow,
    /// Its text, when the deck still has the card.
    pub card: Option<Card>,
    /// Probability of recall now, for cards studied.
    pub retrievability: Option<f32>,
}

impl Collection {
    /// Every card of an opened deck still in it, in deck order.
    pub fn listing(&self, deck: &OpenedDeck) -> AppResult<Vec<Listed>> {
        let now = self.now();
        let sched = self.scheduler_without_load(deck.meta(), &Overrides::default())?;
        let source = deck.deck.source();
        let rows = self.cards(&deck.meta().id)?;
        Ok(rows
            .into_iter()
            .filter(|r| r.present)
            .map(|row| Listed {
                card: source.card(self.store(), &row.card_id).map(|one| one.card),
                retrievability: sched.retrievability(&row.state, now),
                row,
            })
            .collect())
    }
}
