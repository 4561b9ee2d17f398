//! A classroom quiz form as a deck, so it can be exported (to GIFT for
//! Moodle, or any other format): the items in form order, titled with
//! their form ids (`q01`…), choices and order items in the order students
//! were shown. Read from the teacher's key file, which alone holds the answers.

use std::path::PathBuf;

use crate::deck::Deck;
use crate::deck::model::Answer;
use crate::deck::model::DEFAULT_DESIRED_RETENTION;
use crate::deck::model::DeckMeta;
use crate::quiz::form::Key;

/// The deck a quiz key describes.
pub fn deck_of_key(key: &Key) -> Deck {
    let cards = (0..key.items.len())
        .map(|i| {
            let (mut card, _) = key.graded_item(i);
            let order = &key.items[i].order;
            card.answer = match card.answer {
                Answer::Choice { options, correct } => {
                    // Shown position p holds deck option order[p].
                    let shown: Vec<String> = order.iter().map(|&d| options[d].clone()).collect();
                    let mut right: Vec<usize> = (0..order.len())
                        .filter(|p| correct.contains(&order[*p]))
                        .collect();
                    right.sort_unstable();
                    Answer::Choice {
                        options: shown,
                        correct: right,
                    }
                }
                other => other,
            };
            card.id = key.items[i].id.clone();
            // The key's sources carry no files; citations stay in the deck.
            card.evidence.clear();
            card
        })
        .collect();
    Deck {
        path: PathBuf::from(&key.deck.file),
        meta: DeckMeta {
            id: key.deck.id.clone(),
            title: key.deck.title.clone(),
            description: format!(
                "A quiz form of {} items made from the deck {} (seed {}).",
                key.items.len(),
                key.deck.title,
                key.seed
            ),
            language: None,
            desired_retention: DEFAULT_DESIRED_RETENTION,
            authors: Vec::new(),
        },
        sources: Vec::new(),
        cards,
    }
}
