//! The daily queue, asked one card at a time: due learning cards, then due
//! reviews (lowest retrievability first), then new cards in deck order,
//! then learning cards due within the learn-ahead window. Daily limits
//! count today's answers in the review log; the card just shown is not
//! shown again when another is available. The store does the selecting
//! (in SQL for the SQLite store), so nothing loads the whole collection.

use serde::Serialize;

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
    /// A learning card due soon, shown early because nothing else is due.
    LearnAhead,
}

/// Cards left today, within the daily limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueCounts {
    /// Learning cards due (including learn-ahead).
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

struct Limits {
    new_left: u32,
    reviews_left: u32,
    next_day_ms: i64,
}

fn limits(store: &dyn Store, deck_id: &str, sched: &Scheduler, now: Now) -> StoreResult<Limits> {
    let days = sched.days(now);
    let today = days.day_of(now.ms);
    let done = store.studied_since(deck_id, days.start_of(today))?;
    Ok(Limits {
        new_left: sched.config.new_per_day.saturating_sub(done.new),
        reviews_left: sched.config.reviews_per_day.saturating_sub(done.reviews),
        next_day_ms: days.start_of(today + 1),
    })
}

/// The next card to show, avoiding `avoid` (the card just shown) when
/// another is available.
pub fn next_card(
    store: &dyn Store,
    deck_id: &str,
    sched: &Scheduler,
    now: Now,
    avoid: Option<&str>,
) -> StoreResult<Option<(CardRow, QueueSource)>> {
    let l = limits(store, deck_id, sched, now)?;
    let ahead = now.ms + sched.config.learn_ahead_secs as i64 * 1000;
    let mut fallback = None;
    let groups: [(QueueSource, u32); 4] = [
        (QueueSource::Learning, 2),
        (QueueSource::Review, l.reviews_left.min(2)),
        (QueueSource::New, l.new_left.min(2)),
        (QueueSource::LearnAhead, 2),
    ];
    for (source, limit) in groups {
        if limit == 0 {
            continue;
        }
        let rows = match source {
            QueueSource::Learning => store.due_learning(deck_id, now.ms, now.ms, limit)?,
            QueueSource::Review => store.due_reviews(deck_id, l.next_day_ms, now.ms, limit)?,
            QueueSource::New => store.new_cards(deck_id, now.ms, limit)?,
            QueueSource::LearnAhead => store.due_learning(deck_id, ahead, now.ms, limit)?,
        };
        for row in rows {
            if Some(row.card_id.as_str()) != avoid {
                return Ok(Some((row, source)));
            }
            fallback.get_or_insert((row, source));
        }
    }
    Ok(fallback)
}

/// How many cards are left today.
pub fn counts(
    store: &dyn Store,
    deck_id: &str,
    sched: &Scheduler,
    now: Now,
) -> StoreResult<QueueCounts> {
    let l = limits(store, deck_id, sched, now)?;
    let ahead = now.ms + sched.config.learn_ahead_secs as i64 * 1000;
    let (learning, review, new) = store.due_counts(deck_id, ahead, l.next_day_ms, now.ms)?;
    Ok(QueueCounts {
        learning,
        review: review.min(l.reviews_left),
        new: new.min(l.new_left),
    })
}
