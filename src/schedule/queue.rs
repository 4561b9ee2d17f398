//! The day's queue, as Anki builds it (`rslib/src/scheduler/queue`):
//! intraday learning cards when due; otherwise the main queue, which is
//! the day's reviews in the review order with interday learning cards and
//! new cards spread among them (or before or after them, per the mix
//! settings); otherwise learning cards due within the learn-ahead window.
//! The card just shown is not shown again while another is available.
//!
//! Limits are Anki's: interday learning and reviews count against the
//! review limit, and by default (unless `new_cards_ignore_review_limit`)
//! the review limit also caps new cards: new cards left = min(new limit
//! left, review limit left after today's answers and today's due cards).
//! The learning count covers intraday cards due within the learn-ahead
//! window plus interday learning cards due today.
//!
//! [`Queue::build`] asks the store for at most a day's worth of cards
//! (daily limits counted from today's review log), in SQL for the SQLite
//! store, so nothing loads the whole collection; answering then only
//! updates this small in-memory queue.

use std::collections::VecDeque;

use serde::Serialize;

use super::config::ReviewMix;
use super::config::SchedulerConfig;
use super::state::CardState;
use super::state::Phase;
use super::states::Scheduler;
use crate::clock::Now;
use crate::store::CardRow;
use crate::store::Store;
use crate::store::StoreResult;
use crate::store::StudiedCounts;

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
    /// Intraday learning cards, earliest due first.
    learning: Vec<CardRow>,
    /// Reviews, interday learning and new cards, in study order.
    main: VecDeque<(CardRow, QueueSource)>,
    next_day_ms: i64,
    learn_ahead_ms: i64,
}

/// Whether a (re)learning card is an interday one: due at the very start
/// of a study day. A step that reaches the next day boundary is turned
/// into whole days from a day start (Anki's `maybe_as_days`), while a
/// shorter step is always due before the boundary, so an intraday card
/// is never due at a boundary.
pub fn is_interday(days: crate::clock::Days, state: &CardState) -> bool {
    matches!(state.phase, Phase::Learning | Phase::Relearning)
        && days.start_of(days.day_of(state.due_ms)) == state.due_ms
}

/// Spreads `two` evenly among `one` (Anki's `Intersperser`).
pub fn intersperse<T>(one: Vec<T>, two: Vec<T>) -> Vec<T> {
    let ratio = (one.len() + 1) as f32 / (two.len() + 1) as f32;
    let (n1, n2) = (one.len(), two.len());
    let mut out = Vec::with_capacity(n1 + n2);
    let (mut a, mut b) = (one.into_iter(), two.into_iter());
    let (mut i1, mut i2) = (0usize, 0usize);
    loop {
        let take_two = match (i1 < n1, i2 < n2) {
            (true, true) => ((i2 + 1) as f32 * ratio) < (i1 + 1) as f32,
            (false, true) => true,
            (true, false) => false,
            (false, false) => break,
        };
        if take_two {
            i2 += 1;
            out.extend(b.next());
        } else {
            i1 += 1;
            out.extend(a.next());
        }
    }
    out
}

/// Puts `other` among `reviews` as a [`ReviewMix`] says.
pub fn mix<T>(reviews: Vec<T>, other: Vec<T>, how: ReviewMix) -> Vec<T> {
    match how {
        ReviewMix::MixWithReviews => intersperse(reviews, other),
        ReviewMix::AfterReviews => reviews.into_iter().chain(other).collect(),
        ReviewMix::BeforeReviews => other.into_iter().chain(reviews).collect(),
    }
}

/// What is left of today's limits: (reviews, new), before gathering cards.
fn limits_left(cfg: &SchedulerConfig, done: StudiedCounts) -> (u32, u32) {
    let mut review = cfg.reviews_per_day as i64 - done.reviews as i64;
    let mut new = cfg.new_per_day as i64 - done.new as i64;
    if !cfg.new_cards_ignore_review_limit {
        review -= done.new as i64;
        new = new.min(review);
    }
    (review.max(0) as u32, new.max(0) as u32)
}

impl Queue {
    /// Builds the queue at `now` from the store.
    pub fn build(
        store: &dyn Store,
        deck_id: &str,
        sched: &Scheduler,
        now: Now,
    ) -> StoreResult<Queue> {
        let cfg = &sched.config;
        let days = sched.days(now);
        let today = days.day_of(now.ms);
        let next_day_ms = days.start_of(today + 1);
        let done = store.studied_since(deck_id, days.start_of(today))?;
        let (mut reviews_left, mut new_left) = limits_left(cfg, done);
        let all_learning = store.due_learning(deck_id, next_day_ms - 1, now.ms, LEARNING_CAP)?;
        let (mut interday, mut learning): (Vec<CardRow>, Vec<CardRow>) = all_learning
            .into_iter()
            .partition(|r| is_interday(days, &r.state));
        learning.sort_by_key(|r| r.state.due_ms);
        // Interday learning first, then reviews, against the review limit;
        // each one also lowers the cap on new cards.
        interday.sort_by_key(|r| r.state.due_ms);
        interday.truncate(reviews_left as usize);
        reviews_left -= interday.len() as u32;
        let reviews = if reviews_left > 0 {
            // Reviewing ahead (`study --ahead N`) takes the reviews due
            // in the next N days too, as Anki's custom study does.
            let reviews_before = days.start_of(today + 1 + cfg.review_ahead_days as i64);
            store.due_reviews_in_order(
                deck_id,
                reviews_before,
                now.ms,
                reviews_left,
                cfg.review_order,
                today as u64,
            )?
        } else {
            Vec::new()
        };
        reviews_left -= reviews.len() as u32;
        if !cfg.new_cards_ignore_review_limit {
            new_left = new_left.min(reviews_left);
        }
        let new = if new_left > 0 {
            store.new_cards(deck_id, now.ms, new_left)?
        } else {
            Vec::new()
        };
        let tag = |rows: Vec<CardRow>, source| rows.into_iter().map(move |r| (r, source));
        let with_interday = mix(
            tag(reviews, QueueSource::Review).collect(),
            tag(interday, QueueSource::Learning).collect(),
            cfg.interday_learning_mix,
        );
        let main = mix(
            with_interday,
            tag(new, QueueSource::New).collect(),
            cfg.new_review_mix,
        );
        Ok(Queue {
            learning,
            main: main.into(),
            next_day_ms,
            learn_ahead_ms: cfg.learn_ahead_secs as i64 * 1000,
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
            .chain(self.main.iter().map(|(r, s)| (r, *s)))
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

    /// Every card the queue would show from `now` if none were answered,
    /// in order: intraday learning due now, the main queue, then learning
    /// cards within the learn-ahead window (as Anki lists its queue).
    pub fn upcoming(&self, now: Now) -> Vec<(&CardRow, QueueSource)> {
        let due_now = self.learning.iter().filter(|r| r.state.due_ms <= now.ms);
        let ahead = self
            .learning
            .iter()
            .filter(|r| r.state.due_ms > now.ms && r.state.due_ms <= now.ms + self.learn_ahead_ms);
        due_now
            .map(|r| (r, QueueSource::Learning))
            .chain(self.main.iter().map(|(r, s)| (r, *s)))
            .chain(ahead.map(|r| (r, QueueSource::LearnAhead)))
            .collect()
    }

    /// Takes a card out of the queue (answered, buried or suspended).
    pub fn remove(&mut self, card_id: &str) {
        self.learning.retain(|r| r.card_id != card_id);
        self.main.retain(|(r, _)| r.card_id != card_id);
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

    /// Cards left today at `now`: learning counts intraday cards due
    /// within the learn-ahead window and interday learning cards.
    pub fn counts_at(&self, now: Now) -> QueueCounts {
        let cutoff = now.ms + self.learn_ahead_ms;
        let mut c = QueueCounts {
            learning: self
                .learning
                .iter()
                .filter(|r| r.state.due_ms <= cutoff)
                .count() as u32,
            ..QueueCounts::default()
        };
        for (_, source) in &self.main {
            match source {
                QueueSource::New => c.new += 1,
                QueueSource::Review => c.review += 1,
                _ => c.learning += 1,
            }
        }
        c
    }

    /// Cards left today, counting every intraday learning card due today.
    pub fn counts(&self) -> QueueCounts {
        self.counts_at(Now {
            ms: self.next_day_ms,
            offset_secs: 0,
        })
    }
}

/// How many cards are left today at `now`, as Anki counts them (for
/// `docket stats`): the counts of the queue a session would start with.
pub fn counts(
    store: &dyn Store,
    deck_id: &str,
    sched: &Scheduler,
    now: Now,
) -> StoreResult<QueueCounts> {
    Ok(Queue::build(store, deck_id, sched, now)?.counts_at(now))
}
