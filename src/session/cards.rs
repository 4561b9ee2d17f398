//! [`CardSource`]: where the session gets a card's content. A deck held in
//! memory ([`DeckCards`]) or, when the deck file is unchanged since it was
//! last checked, single cards re-read from the text the store keeps
//! ([`CachedCards`]), so a 100,000-card deck is not parsed to show one card.

use std::collections::HashMap;
use std::path::Path;
use std::path::PathBuf;

use crate::deck::Card;
use crate::deck::Deck;
use crate::deck::model::DeckMeta;
use crate::deck::model::Source;
use crate::deck::parse::parse_deck;
use crate::store::Store;

/// One card with the sources it may cite.
#[derive(Debug, Clone)]
pub struct OneCard {
    /// The card.
    pub card: Card,
    /// The deck's sources.
    pub sources: Vec<Source>,
}

/// A supply of cards for one deck.
pub trait CardSource {
    /// The deck's `[deck]` table.
    fn meta(&self) -> &DeckMeta;
    /// The card with this id, if the deck still has it.
    fn card(&self, store: &dyn Store, card_id: &str) -> Option<OneCard>;
}

/// A whole deck in memory.
pub struct DeckCards<'a> {
    deck: &'a Deck,
    index: HashMap<&'a str, usize>,
}

impl<'a> DeckCards<'a> {
    /// Indexes a deck by card id.
    pub fn new(deck: &'a Deck) -> Self {
        DeckCards {
            deck,
            index: deck
                .cards
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.as_str(), i))
                .collect(),
        }
    }
}

impl CardSource for DeckCards<'_> {
    fn meta(&self) -> &DeckMeta {
        &self.deck.meta
    }

    fn card(&self, _store: &dyn Store, card_id: &str) -> Option<OneCard> {
        let &i = self.index.get(card_id)?;
        Some(OneCard {
            card: self.deck.cards[i].clone(),
            sources: self.deck.sources.clone(),
        })
    }
}

/// Cards re-read one at a time from the text kept in the store: the deck
/// file's head (everything before the first card) plus the card's own
/// `[[card]]` table. Only used while the file is unchanged since it was
/// checked; a card whose re-read content differs from the checked one is
/// not shown.
pub struct CachedCards {
    path: PathBuf,
    head: String,
    meta: DeckMeta,
}

impl CachedCards {
    /// From the file's head text and one card's text (to read the meta).
    pub fn new(path: &Path, head: String, any_card: &str) -> Option<CachedCards> {
        let (deck, _) = parse_deck(path, &format!("{head}\n{any_card}"));
        let deck = deck?;
        Some(CachedCards {
            path: path.to_path_buf(),
            head,
            meta: deck.meta,
        })
    }

    /// Parses the head and one card's text.
    pub fn parse(&self, card_text: &str) -> Option<Deck> {
        let (deck, diagnostics) = parse_deck(&self.path, &format!("{}\n{card_text}", self.head));
        if diagnostics.iter().any(|d| d.is_error()) {
            return None;
        }
        deck
    }
}

impl CardSource for CachedCards {
    fn meta(&self) -> &DeckMeta {
        &self.meta
    }

    fn card(&self, store: &dyn Store, card_id: &str) -> Option<OneCard> {
        let (text, hash) = store.card_text(&self.meta.id, card_id).ok()??;
        let mut deck = self.parse(&text)?;
        let card = deck.cards.pop()?;
        (card.id == card_id && card.content_hash() == hash).then_some(OneCard {
            card,
            sources: deck.sources,
        })
    }
}
