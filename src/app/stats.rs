//! Statistics queries: what is due today, cards by state, and recent
//! retention. Computed only when asked, never on the study path.

use super::AppResult;
use super::Collection;
use super::settings::Overrides;
use crate::deck::model::DeckMeta;
use crate::schedule::Phase;
use crate::schedule::queue;
use crate::schedule::queue::QueueCounts;

/// How many days "recent" retention looks back.
pub const RETENTION_DAYS: i64 = 30;

/// One deck's numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct DeckStats {
    /// Cards left today, within the daily limits.
    pub due_today: QueueCounts,
    /// Cards in the deck never studied.
    pub new: usize,
    /// Cards in their learning steps.
    pub learning: usize,
    /// Cards in review.
    pub review: usize,
    /// Cards relearning after a lapse.
    pub relearning: usize,
    /// Suspended cards (also counted in their state above).
    pub suspended: usize,
    /// Review answers in the last [`RETENTION_DAYS`] days.
    pub reviews: u32,
    /// Of those, answers other than Again.
    pub passed: u32,
}

impl DeckStats {
    /// Share of recent reviews passed; `None` before any review.
    pub fn retention(&self) -> Option<f64> {
        (self.reviews > 0).then(|| self.passed as f64 / self.reviews as f64)
    }
}

impl Collection {
    /// The statistics of one opened deck.
    pub fn deck_stats(&self, deck: &DeckMeta) -> AppResult<DeckStats> {
        let now = self.now();
        let sched = self.scheduler(deck, &Overrides::default())?;
        let due_today = queue::counts(self.store(), &deck.id, &sched, now)?;
        let rows = self.cards(&deck.id)?;
        let live = rows.iter().filter(|r| r.present);
        let count = |ph: Phase| live.clone().filter(|r| r.state.phase == ph).count();
        let since = now.ms - RETENTION_DAYS * 86_400_000;
        let (reviews, passed) = self.store().reviews_passed_since(&deck.id, since)?;
        Ok(DeckStats {
            due_today,
            new: count(Phase::New),
            learning: count(Phase::Learning),
            review: count(Phase::Review),
            relearning: count(Phase::Relearning),
            suspended: live.clone().filter(|r| r.suspended).count(),
            reviews,
            passed,
        })
    }
}
