//! The scheduler proper: a pure function from a card's [`CardState`], the
//! time and the settings to all four possible next states
//! ([`NextStates`]), as Anki's `next_states`. Answering means picking one.
//!
//! FSRS (the `fsrs` crate, FSRS-6) updates the memory state at every
//! answer, with 0 elapsed days for same-day answers; learning steps, hard
//! < good < easy, rounding, fuzz and due dates are ours, following Anki.

use fsrs::FSRS;
use fsrs::ItemState;
use serde::Serialize;

use super::config::SchedulerConfig;
use super::fuzz::fuzzed_interval;
use super::rating::Rating;
use super::state::CardState;
use super::state::Phase;
use crate::clock::Days;
use crate::clock::Now;

/// The kind of a review-log entry (Anki's numbering).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewKind {
    /// Answer of a new or learning card.
    Learning = 0,
    /// Answer of a review card.
    Review = 1,
    /// Answer of a relearning card.
    Relearning = 2,
    /// A manual change (`docket reset`).
    Manual = 4,
}

impl ReviewKind {
    /// The stored number.
    pub fn number(self) -> i64 {
        self as i64
    }
}

/// What went wrong inside FSRS (bad stored parameters, for instance).
#[derive(Debug, thiserror::Error)]
#[error("FSRS: {0}")]
pub struct SchedulerError(pub String);

/// The four possible outcomes of answering a card now, and what they
/// were computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextStates {
    /// The state the outcomes are based on.
    pub before: CardState,
    /// Outcome of Again, Hard, Good, Easy in that order.
    pub outcomes: [CardState; 4],
    /// Whole study days since the last answer.
    pub elapsed_days: u32,
    /// Seconds since the last answer.
    pub elapsed_secs: i64,
    /// FSRS retrievability just before answering, when the card has a memory state.
    pub retrievability: Option<f32>,
    /// The review-log kind of an answer now.
    pub kind: ReviewKind,
}

impl NextStates {
    /// The outcome of one rating.
    pub fn get(&self, rating: Rating) -> CardState {
        self.outcomes[rating.number() as usize - 1]
    }
}

/// FSRS plus the settings: computes next states.
#[derive(Debug)]
pub struct Scheduler {
    fsrs: FSRS,
    decay: f32,
    /// The settings.
    pub config: SchedulerConfig,
}

impl Scheduler {
    /// A scheduler with these settings; fails on unusable FSRS parameters.
    pub fn new(config: SchedulerConfig) -> Result<Scheduler, SchedulerError> {
        let fsrs = FSRS::new(&config.params).map_err(|e| SchedulerError(e.to_string()))?;
        let decay = if config.params.len() == 21 {
            config.params[20]
        } else {
            fsrs::FSRS6_DEFAULT_DECAY
        };
        Ok(Scheduler {
            fsrs,
            decay,
            config,
        })
    }

    /// Study-day arithmetic at `now`.
    pub fn days(&self, now: Now) -> Days {
        Days::new(now, self.config.day_start_hour)
    }

    /// FSRS retrievability of a state at `now` (None while new).
    pub fn retrievability(&self, state: &CardState, now: Now) -> Option<f32> {
        let memory = state.memory()?;
        let last = state.last_review_ms?;
        let days = ((now.ms - last).max(0) as f32) / 86_400_000.0;
        Some(fsrs::current_retrievability(memory, days, self.decay))
    }

    /// All four outcomes of answering `before` at `now`. `card_seed` and
    /// the review count seed the fuzz.
    pub fn next_states(
        &self,
        before: &CardState,
        now: Now,
        card_seed: u64,
    ) -> Result<NextStates, SchedulerError> {
        let cfg = &self.config;
        let days = self.days(now);
        let elapsed_days = before.last_review_ms.map_or(0, |l| days.elapsed(l, now.ms));
        let elapsed_secs = before
            .last_review_ms
            .map_or(0, |l| ((now.ms - l) / 1000).max(0));
        let next = self
            .fsrs
            .next_states(before.memory(), cfg.desired_retention, elapsed_days)
            .map_err(|e| SchedulerError(e.to_string()))?;
        let seed = cfg.fuzz.then(|| card_seed.wrapping_add(before.reps as u64));
        let today = days.day_of(now.ms);
        let base = CardState {
            reps: before.reps.saturating_add(1),
            last_review_ms: Some(now.ms),
            ..*before
        };
        let remember = |item: &ItemState| CardState {
            stability: item.memory.stability,
            difficulty: item.memory.difficulty,
            ..base
        };
        let review = |item: &ItemState, ivl: u32| CardState {
            phase: Phase::Review,
            step: 0,
            interval_days: ivl,
            due_ms: days.start_of(today + ivl as i64),
            ..remember(item)
        };
        let ivl = |raw: f32, min: u32| fuzzed_interval(raw, min, cfg.max_interval, seed);
        let items = [&next.again, &next.hard, &next.good, &next.easy];

        let (outcomes, kind) = match before.phase {
            Phase::Review => {
                let hard = ivl(next.hard.interval, 1);
                let good = ivl(next.good.interval, hard + 1);
                let easy = ivl(next.easy.interval, good + 1);
                let again = match cfg.relearn_steps.first() {
                    Some(&secs) => CardState {
                        phase: Phase::Relearning,
                        step: 0,
                        interval_days: 0,
                        due_ms: now.ms + secs as i64 * 1000,
                        ..remember(&next.again)
                    },
                    None => review(&next.again, ivl(next.again.interval, 1)),
                };
                let again = CardState {
                    lapses: before.lapses.saturating_add(1),
                    ..again
                };
                (
                    [
                        again,
                        review(&next.hard, hard),
                        review(&next.good, good),
                        review(&next.easy, easy),
                    ],
                    ReviewKind::Review,
                )
            }
            Phase::New | Phase::Learning | Phase::Relearning => {
                let (steps, phase, kind) = if before.phase == Phase::Relearning {
                    (
                        &cfg.relearn_steps,
                        Phase::Relearning,
                        ReviewKind::Relearning,
                    )
                } else {
                    (&cfg.learn_steps, Phase::Learning, ReviewKind::Learning)
                };
                let step = if before.phase == Phase::New {
                    0
                } else {
                    before.step as usize
                };
                let at_step = |item: &ItemState, step: usize, secs: u32| CardState {
                    phase,
                    step: step as u32,
                    interval_days: 0,
                    due_ms: now.ms + secs as i64 * 1000,
                    ..remember(item)
                };
                let good_ivl = ivl(next.good.interval, 1);
                let graduate = |r: Rating| {
                    let item = items[r.number() as usize - 1];
                    let days = match r {
                        Rating::Easy => ivl(next.easy.interval, good_ivl + 1),
                        Rating::Good => good_ivl,
                        _ => ivl(item.interval, 1),
                    };
                    review(item, days)
                };
                let outcomes = if steps.is_empty() {
                    Rating::ALL.map(graduate)
                } else {
                    let step = step.min(steps.len() - 1);
                    let again = at_step(&next.again, 0, steps[0]);
                    let hard = at_step(&next.hard, step, hard_delay(steps, step));
                    let good = match steps.get(step + 1) {
                        Some(&secs) => at_step(&next.good, step + 1, secs),
                        None => graduate(Rating::Good),
                    };
                    [again, hard, good, graduate(Rating::Easy)]
                };
                (outcomes, kind)
            }
        };
        let retrievability = self.retrievability(before, now);
        Ok(NextStates {
            before: *before,
            outcomes,
            elapsed_days,
            elapsed_secs,
            retrievability,
            kind,
        })
    }
}

/// Anki's Hard delay: on the first step, the mean of the first two steps
/// (or 1.5× a single step, at most a day more); later, the current step again.
fn hard_delay(steps: &[u32], step: usize) -> u32 {
    let current = steps[step];
    if step == 0 {
        match steps.get(1) {
            Some(&next) => (current + next) / 2,
            None => (current.saturating_mul(3) / 2).min(current.saturating_add(86_400)),
        }
    } else {
        current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sched(fuzz: bool) -> Scheduler {
        Scheduler::new(SchedulerConfig {
            fuzz,
            ..SchedulerConfig::default()
        })
        .unwrap()
    }

    fn t0() -> Now {
        Now::parse("2026-03-02T10:00:00+00:00").unwrap()
    }

    #[test]
    fn new_card_follows_the_learning_steps() {
        let s = sched(false);
        let n = s.next_states(&CardState::NEW, t0(), 7).unwrap();
        let [again, hard, good, easy] = n.outcomes;
        assert_eq!(
            (again.phase, again.due_ms - t0().ms),
            (Phase::Learning, 60_000)
        );
        assert_eq!(
            (hard.phase, hard.due_ms - t0().ms),
            (Phase::Learning, 330_000)
        );
        assert_eq!(
            (good.phase, good.step, good.due_ms - t0().ms),
            (Phase::Learning, 1, 600_000)
        );
        assert_eq!(easy.phase, Phase::Review);
        assert_eq!(easy.interval_days, 8);
        assert!((good.stability - 2.3065).abs() < 1e-3);
        assert_eq!(n.kind, ReviewKind::Learning);
        assert!(n.outcomes.iter().all(|o| o.reps == 1));
    }

    #[test]
    fn good_on_the_last_step_graduates() {
        let s = sched(false);
        let first = s
            .next_states(&CardState::NEW, t0(), 7)
            .unwrap()
            .get(Rating::Good);
        let later = t0().plus_secs(600);
        let second = s.next_states(&first, later, 7).unwrap();
        let good = second.get(Rating::Good);
        assert_eq!(good.phase, Phase::Review);
        assert!(good.interval_days >= 1);
        let easy = second.get(Rating::Easy);
        assert!(easy.interval_days > good.interval_days);
        // due at the start of a later study day (4 am UTC here)
        let days = s.days(later);
        assert_eq!(
            good.due_ms,
            days.start_of(days.day_of(later.ms) + good.interval_days as i64)
        );
    }

    #[test]
    fn review_intervals_are_ordered_and_again_relearns() {
        let s = sched(true);
        let review = CardState {
            phase: Phase::Review,
            stability: 7.0,
            difficulty: 5.0,
            interval_days: 7,
            last_review_ms: Some(t0().ms),
            reps: 3,
            ..CardState::NEW
        };
        for seed in 0..50 {
            let n = s
                .next_states(&review, t0().plus_secs(7 * 86_400), seed)
                .unwrap();
            let [again, hard, good, easy] = n.outcomes;
            assert!(hard.interval_days < good.interval_days);
            assert!(good.interval_days < easy.interval_days);
            assert_eq!(again.phase, Phase::Relearning);
            assert_eq!(again.lapses, 1);
            assert_eq!(n.elapsed_days, 7);
            assert!((n.retrievability.unwrap() - 0.9).abs() < 1e-3);
        }
    }

    #[test]
    fn relearning_graduates_back_to_review() {
        let s = sched(false);
        let relearn = CardState {
            phase: Phase::Relearning,
            stability: 1.2,
            difficulty: 6.0,
            last_review_ms: Some(t0().ms),
            reps: 5,
            lapses: 1,
            ..CardState::NEW
        };
        let n = s.next_states(&relearn, t0().plus_secs(600), 1).unwrap();
        assert_eq!(n.kind, ReviewKind::Relearning);
        assert_eq!(n.get(Rating::Good).phase, Phase::Review);
        assert_eq!(n.get(Rating::Again).phase, Phase::Relearning);
        assert_eq!(n.get(Rating::Again).lapses, 1);
    }

    #[test]
    fn intervals_never_exceed_the_maximum() {
        let s = Scheduler::new(SchedulerConfig {
            max_interval: 30,
            ..SchedulerConfig::default()
        })
        .unwrap();
        let review = CardState {
            phase: Phase::Review,
            stability: 3000.0,
            difficulty: 2.0,
            interval_days: 30,
            last_review_ms: Some(t0().ms),
            reps: 9,
            ..CardState::NEW
        };
        let n = s
            .next_states(&review, t0().plus_secs(30 * 86_400), 3)
            .unwrap();
        assert!(n.outcomes.iter().all(|o| o.interval_days <= 30));
    }

    #[test]
    fn hard_delay_matches_anki() {
        assert_eq!(hard_delay(&[60, 600], 0), 330);
        assert_eq!(hard_delay(&[600], 0), 900);
        assert_eq!(hard_delay(&[60, 600], 1), 600);
    }
}
