//! The day's queue, Anki's order: due learning cards, then due reviews
//! (lowest retrievability first, so a backlog is worked in the order that
//! saves the most), then new cards in deck order, then learning cards due
//! within the learn-ahead window when nothing else is left. The card just
//! shown is not shown again while another is available.
//!
//! [`Queue::build`] asks the store for at most a day's worth of cards
//! (daily limits counted from today's review log), in SQL for the SQLite
//! store, so nothing loads the whole collection; answering then only
//! updates this small in-memory queue.

use std::collections::VecDeque;

use serde::Serialize;

use super::state::CardState;
use super::state::Phase;
use super::states::Scheduler;
use crate::clock::Now;
use crate::store::CardRow;
use crate::store::Store;
use crate::store::StoreResult;

/// Where a queued card came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueSource {
    /// A learning or relearning card that is due.
    Learning,
    /// A review card due today.
    Review,
    /// A new card.
    New,
    /// A learning card due soon, shown early because nothing else is left.
    LearnAhead,
}

/// Cards left today, within the daily limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueCounts {
    /// Learning cards due today.
    pub learning: u32,
    /// Reviews due, up to what is left of the daily limit.
    pub review: u32,
    /// New cards, up to what is left of the daily limit.
    pub new: u32,
}

impl QueueCounts {
    /// Total cards left.
    pub fn total(&self) -> u32 {
        self.learning + self.review + self.new
    }
}

/// Most intraday learning cards fetched at once.
const LEARNING_CAP: u32 = 10_000;

/// Today's queue for one deck.
#[derive(Debug, Clone, Default)]
pub struct Queue {
    learning: Vec<CardRow>,
    reviews: VecDeque<CardRow>,
    new: VecDeque<CardRow>,
    next_day_ms: i64,
    learn_ahead_ms: i64,
}

impl Queue {
    /// Builds the queue at `now` from the store.
    pub fn build(
        store: &dyn Store,
        deck_id: &str,
        sched: &Scheduler,
        now: Now,
    ) -> StoreResult<Queue> {
        let days = sched.days(now);
        let today = days.day_of(now.ms);
        let next_day_ms = days.start_of(today + 1);
        let done = store.studied_since(deck_id, days.start_of(today))?;
        let new_left = sched.config.new_per_day.saturating_sub(done.new);
        let reviews_left = sched.config.reviews_per_day.saturating_sub(done.reviews);
        let mut learning = store.due_learning(deck_id, next_day_ms - 1, now.ms, LEARNING_CAP)?;
        learning.sort_by_key(|r| r.state.due_ms);
        let reviews = if reviews_left > 0 {
            store.due_reviews(deck_id, next_day_ms, now.ms, reviews_left)?
        } else {
            Vec::new()
        };
        let new = if new_left > 0 {
            store.new_cards(deck_id, now.ms, new_left)?
        } else {
            Vec::new()
        };
        Ok(Queue {
            learning,
            reviews: reviews.into(),
            new: new.into(),
            next_day_ms,
            learn_ahead_ms: sched.config.learn_ahead_secs as i64 * 1000,
        })
    }

    /// The next card at `now`, avoiding `avoid` when another is available.
    pub fn next(&self, now: Now, avoid: Option<&str>) -> Option<(&CardRow, QueueSource)> {
        let ok = |r: &&CardRow| Some(r.card_id.as_str()) != avoid;
        let due_now = self.learning.iter().filter(|r| r.state.due_ms <= now.ms);
        let ahead = self
            .learning
            .iter()
            .filter(|r| r.state.due_ms <= now.ms + self.learn_ahead_ms);
        let candidates = due_now
            .map(|r| (r, QueueSource::Learning))
            .chain(self.reviews.iter().map(|r| (r, QueueSource::Review)))
            .chain(self.new.iter().map(|r| (r, QueueSource::New)))
            .chain(ahead.map(|r| (r, QueueSource::LearnAhead)));
        let mut first = None;
        for (row, source) in candidates {
            if ok(&row) {
                return Some((row, source));
            }
            first.get_or_insert((row, source));
        }
        first
    }

    /// Takes a card out of the queue (answered, buried or suspended).
    pub fn remove(&mut self, card_id: &str) {
        self.learning.retain(|r| r.card_id != card_id);
        self.reviews.retain(|r| r.card_id != card_id);
        self.new.retain(|r| r.card_id != card_id);
    }

    /// Puts an answered card back with its new state if it is due again
    /// today in the (re)learning steps.
    pub fn answered(&mut self, mut row: CardRow, after: CardState) {
        self.remove(&row.card_id);
        row.state = after;
        if matches!(after.phase, Phase::Learning | Phase::Relearning)
            && after.due_ms < self.next_day_ms
        {
            let at = self
                .learning
                .partition_point(|r| r.state.due_ms <= after.due_ms);
            self.learning.insert(at, row);
        }
    }

    /// Cards left today.
    pub fn counts(&self) -> QueueCounts {
        QueueCounts {
            learning: self.learning.len() as u32,
            review: self.reviews.len() as u32,
            new: self.new.len() as u32,
        }
    }
}

/// How many cards are left today (for `docket stats`).
pub fn counts(
    store: &dyn Store,
    deck_id: &str,
    sched: &Scheduler,
    now: Now,
) -> StoreResult<QueueCounts> {
    let days = sched.days(now);
    let today = days.day_of(now.ms);
    let done = store.studied_since(deck_id, days.start_of(today))?;
    let (learning, review, new) = store.due_counts(
        deck_id,
        days.start_of(today + 1) - 1,
        days.start_of(today + 1),
        now.ms,
    )?;
    Ok(QueueCounts {
        learning,
        review: review.min(sched.config.reviews_per_day.saturating_sub(done.reviews)),
        new: new.min(sched.config.new_per_day.saturating_sub(done.new)),
    })
}
