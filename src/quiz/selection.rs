//! Which cards of a deck go on the quiz: filtered by topic and kind, then
//! drawn in a seeded order, so the same deck and seed always pick the same
//! items in the same order.

use rand::SeedableRng;
use rand::seq::SliceRandom;

use super::error::SelectError;
use crate::deck::model::Card;
use crate::deck::model::CardKind;
use crate::deck::model::Deck;

/// What the teacher asked for.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// How many items; all matching cards when `None`.
    pub items: Option<usize>,
    /// Keep cards with any of these topics (all cards when empty).
    pub topics: Vec<String>,
    /// Keep cards of these kinds (all kinds when empty).
    pub kinds: Vec<CardKind>,
    /// Seeds the item order and every option order.
    pub seed: u64,
}

/// A seed no one can guess, for `quiz make` without `--seed`: 64 bits from
/// the operating system's random source. (A seed such as a year could be
/// found by trying every one against a form: anyone holding the deck and
/// the form would then hold the key.)
pub fn fresh_seed() -> u64 {
    use rand::TryRngCore;
    rand::rngs::OsRng
        .try_next_u64()
        // Thread-local generator, itself seeded from the OS.
        .unwrap_or_else(|_| rand::random())
}

/// Whether a seed given with `--seed` is small enough to be guessed by
/// trying them all (below 2^32: years, dates, short numbers).
pub fn guessable_seed(seed: u64) -> bool {
    seed < 1 << 32
}

/// The warning for a guessable seed.
pub const GUESSABLE_SEED_WARNING: &str = "warning: a small --seed can be found by trying every seed against the form, which gives away the key to anyone with the deck; omit --seed for a secret one (it is recorded in the key)";

/// Picks the cards, in quiz order.
pub fn select<'a>(deck: &'a Deck, selection: &Selection) -> Result<Vec<&'a Card>, SelectError> {
    let mut pool: Vec<&Card> = deck
        .cards
        .iter()
        .filter(|c| {
            selection.topics.is_empty() || c.topics.iter().any(|t| selection.topics.contains(t))
        })
        .filter(|c| selection.kinds.is_empty() || selection.kinds.contains(&c.kind()))
        .collect();
    if pool.is_empty() {
        return Err(SelectError::NoMatch);
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(selection.seed);
    pool.shuffle(&mut rng);
    if let Some(n) = selection.items {
        if n == 0 {
            return Err(SelectError::ZeroItems);
        }
        if n > pool.len() {
            return Err(SelectError::TooFew {
                asked: n,
                available: pool.len(),
            });
        }
        pool.truncate(n);
    }
    Ok(pool)
}
