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
use super::fuzz::fuzz_factor;
use super::fuzz::learning_step_with_fuzz;
use super::fuzz::minimum_review_fuzz_interval;
use super::fuzz::with_review_fuzz;
use super::load_balancer::LoadBalancer;
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
    /// An answer to a review card before its due day (Anki's "filtered"
    /// kind, which it gives early reviews and cramming).
    Filtered = 3,
    /// A manual change: `docket reset`, `docket reschedule` (Anki's "set
    /// due date" and "forget").
    Manual = 4,
    /// A schedule changed for the student (Anki's "reschedule cards on
    /// change" of FSRS parameters).
    Rescheduled = 5,
}

impl ReviewKind {
    /// The stored number.
    pub fn number(self) -> i64 {
        self as i64
    }

    /// The kind of a stored number.
    pub fn from_number(n: i64) -> Option<ReviewKind> {
        match n {
            0 => Some(ReviewKind::Learning),
            1 => Some(ReviewKind::Review),
            2 => Some(ReviewKind::Relearning),
            3 => Some(ReviewKind::Filtered),
            4 => Some(ReviewKind::Manual),
            5 => Some(ReviewKind::Rescheduled),
            _ => None,
        }
    }

    /// Whether the row is a change made without an answer (manual or
    /// rescheduled), not a review.
    pub fn is_manual(self) -> bool {
        matches!(self, ReviewKind::Manual | ReviewKind::Rescheduled)
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
    /// The deck's load, when the load balancer is on (see
    /// [`Scheduler::with_load`]).
    pub load: Option<LoadBalancer>,
}

impl Scheduler {
    /// A scheduler with these settings; fails on unusable FSRS parameters.
    pub fn new(config: SchedulerConfig) -> Result<Scheduler, SchedulerError> {
        let fsrs = FSRS::new(&config.params).map_err(|e| SchedulerError(e.to_string()))?;
        let decay = decay_of(&config.params);
        Ok(Scheduler {
            fsrs,
            decay,
            config,
            load: None,
        })
    }

    /// The same scheduler with the load balancer on these loads (when the
    /// `load_balancer` setting is on; otherwise unchanged).
    pub fn with_load(mut self, load: LoadBalancer) -> Scheduler {
        if self.config.load_balancer {
            self.load = Some(load);
        }
        self
    }

    /// Turns the load balancer on with these loads, in place (see
    /// [`Scheduler::with_load`]).
    pub fn set_load(&mut self, load: LoadBalancer) {
        if self.config.load_balancer {
            self.load = Some(load);
        }
    }

    /// Counts an answered card on its new due day in the load (Anki adds
    /// each card that leaves an answer as a review).
    pub fn note_scheduled(&mut self, after: &CardState) {
        if after.phase != Phase::Review {
            return;
        }
        if let Some(load) = &mut self.load {
            load.add(load.days.day_of(after.due_ms));
        }
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

    /// Whether FSRS may keep a card in learning below half a day (Anki:
    /// with the default parameters, or when w17 and w18 are positive).
    fn allow_short_term(&self) -> bool {
        let p = &self.config.params;
        if p.is_empty() {
            true
        } else if p.len() >= 19 {
            p[17] > 0.0 && p[18] > 0.0
        } else {
            false
        }
    }

    /// All four outcomes of answering `before` at `now`, as Anki's FSRS
    /// scheduler computes them (`rslib/src/scheduler/states`). `card_seed`
    /// plus the review count seeds the fuzz.
    pub fn next_states(
        &self,
        before: &CardState,
        now: Now,
        card_seed: u64,
    ) -> Result<NextStates, SchedulerError> {
        let cfg = &self.config;
        let days = self.days(now);
        // Anki: whole 24-hour periods from the last answer to the next day
        // boundary, so an answer at the boundary second counts as the day
        // before's.
        let elapsed_days = before
            .last_review_ms
            .map_or(0, |l| days.fsrs_elapsed(l, now.ms));
        let elapsed_secs = before
            .last_review_ms
            .map_or(0, |l| ((now.ms - l) / 1000).max(0));
        let today = days.day_of(now.ms);
        // Reviewed ahead (Anki's custom study "review ahead", a filtered
        // deck) before its due day, a review is early: Anki logs it as
        // "filtered" (`days_late() < 0`). In a normal deck Anki counts a
        // card's due day as today at the latest, so an answer there is
        // always a review.
        let early_ahead = before.phase == Phase::Review
            && cfg.review_ahead_days > 0
            && days.day_of(before.due_ms) > today;
        // FSRS starts from the state as stored, as Anki's does. Anki
        // rounds at every save of a card, and rounding is not idempotent
        // in f32 (616.79413 rounds to 616.7942, one step up; about 9 % of
        // stored stabilities between 512 and 839 days move), so rounding
        // a stored state again would start one step off and, past 1,000
        // days, end one step off. Reviewing ahead, Anki first moves every
        // card due within the window into a filtered deck, a save, which
        // rounds it again: so does docket for such a card.
        let in_ahead_session = cfg.review_ahead_days > 0
            && before.phase != Phase::New
            && days.day_of(before.due_ms) <= today + cfg.review_ahead_days as i64;
        let memory = before
            .memory()
            .map(|m| if in_ahead_session { round_memory(m) } else { m });
        let next = self
            .fsrs
            .next_states(memory, cfg.desired_retention, elapsed_days)
            .map_err(|e| SchedulerError(e.to_string()))?;
        let seed = cfg.fuzz.then(|| card_seed.wrapping_add(before.reps as u64));
        let ctx = Ctx {
            days,
            today,
            next_day_at_secs: days.next_day_at_secs(now.ms),
            load: self.load.as_ref(),
            now_secs: now.ms.div_euclid(1000),
            secs_until_rollover: (days.next_day_at_secs(now.ms) - now.ms.div_euclid(1000))
                .clamp(0, u32::MAX as i64) as u32,
            seed,
            factor: seed.map(fuzz_factor),
            max: cfg.max_interval.max(1),
            short_term: self.allow_short_term(),
            with_steps: cfg.fsrs_short_term_with_steps,
            base: CardState {
                reps: before.reps.saturating_add(1),
                last_review_ms: Some(now.ms),
                ..*before
            },
        };

        let (outcomes, kind) = match before.phase {
            Phase::Review => (
                self.review_outcomes(&ctx, before, &next),
                if early_ahead {
                    ReviewKind::Filtered
                } else {
                    ReviewKind::Review
                },
            ),
            Phase::New | Phase::Learning => (
                ctx.learning_outcomes(&cfg.learn_steps, Phase::Learning, before, &next),
                ReviewKind::Learning,
            ),
            Phase::Relearning => (
                ctx.learning_outcomes(&cfg.relearn_steps, Phase::Relearning, before, &next),
                ReviewKind::Relearning,
            ),
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

    /// Answers to a review card (Anki's `ReviewState::next_states`).
    fn review_outcomes(
        &self,
        ctx: &Ctx,
        before: &CardState,
        next: &fsrs::NextStates,
    ) -> [CardState; 4] {
        let prev = before.interval_days;
        // Each passing interval is at least the previous interval plus one
        // when it grew, the previous one when it barely moved, and above the
        // interval of the harder button; then fuzzed (Anki's
        // `passing_fsrs_review_intervals`).
        let floor = |raw: f32| minimum_review_fuzz_interval(raw, prev, ctx.max);
        let hard = ctx.review_fuzz(next.hard.interval, floor(next.hard.interval).max(1));
        let good = ctx.review_fuzz(next.good.interval, floor(next.good.interval).max(hard + 1));
        let easy = ctx.review_fuzz(next.easy.interval, floor(next.easy.interval).max(good + 1));
        // Again: fuzz waits until the card leaves relearning.
        let raw = next.again.interval;
        let again = if let Some(&secs) = self.config.relearn_steps.first() {
            ctx.in_steps(&next.again, Phase::Relearning, 0, secs)
        } else if ctx.short_term && raw < 0.5 {
            ctx.in_steps(&next.again, Phase::Relearning, 0, (raw * 86_400.0) as u32)
        } else {
            ctx.review(&next.again, (raw.round().max(1.0) as u32).min(ctx.max))
        };
        let again = CardState {
            lapses: before.lapses.saturating_add(1),
            ..again
        };
        [
            again,
            ctx.review(&next.hard, hard),
            ctx.review(&next.good, good),
            ctx.review(&next.easy, easy),
        ]
    }
}

/// What one answer's outcomes are computed with.
struct Ctx<'a> {
    days: Days,
    today: i64,
    next_day_at_secs: i64,
    load: Option<&'a LoadBalancer>,
    now_secs: i64,
    secs_until_rollover: u32,
    seed: Option<u64>,
    factor: Option<f32>,
    max: u32,
    short_term: bool,
    with_steps: bool,
    base: CardState,
}

impl Ctx<'_> {
    fn remember(&self, item: &ItemState) -> CardState {
        let m = round_memory(item.memory);
        CardState {
            stability: m.stability,
            difficulty: m.difficulty,
            ..self.base
        }
    }

    /// A whole-day interval: the load balancer's day when it has one,
    /// else plain fuzz (Anki's `StateContext::with_review_fuzz`).
    fn review_fuzz(&self, raw: f32, minimum: u32) -> u32 {
        let minimum = minimum.clamp(1, self.max);
        self.load
            .and_then(|l| {
                l.find_interval(
                    raw,
                    minimum,
                    self.max,
                    self.seed,
                    self.today,
                    self.next_day_at_secs,
                )
            })
            .unwrap_or_else(|| with_review_fuzz(self.factor, raw, minimum, self.max))
    }

    fn review(&self, item: &ItemState, ivl: u32) -> CardState {
        CardState {
            phase: Phase::Review,
            step: 0,
            interval_days: ivl,
            due_ms: self.days.start_of(self.today + ivl as i64),
            ..self.remember(item)
        }
    }

    /// A (re)learning state due in `secs`: fuzzed as Anki fuzzes learning
    /// steps, or, when it reaches the next day boundary, an interday step
    /// due at the start of the day it falls on (Anki's `maybe_as_days`).
    fn in_steps(&self, item: &ItemState, phase: Phase, step: usize, secs: u32) -> CardState {
        // An interday step keeps its length in days, as Anki logs it.
        let (due_ms, interval_days) = if secs >= self.secs_until_rollover {
            let days = (secs - self.secs_until_rollover) / 86_400 + 1;
            (self.days.start_of(self.today + days as i64), days)
        } else {
            let secs = learning_step_with_fuzz(self.seed, secs) as i64;
            ((self.now_secs + secs) * 1000, 0)
        };
        CardState {
            phase,
            step: step as u32,
            interval_days,
            due_ms,
            ..self.remember(item)
        }
    }

    /// Leaving the steps with FSRS's interval: short-term learning when
    /// allowed and under half a day, else a review, rounded then fuzzed.
    fn leave_steps(
        &self,
        item: &ItemState,
        phase: Phase,
        step: usize,
        steps_empty: bool,
    ) -> CardState {
        let raw = item.interval;
        if self.short_term && (self.with_steps || steps_empty) && raw < 0.5 {
            self.in_steps(item, phase, step, (raw * 86_400.0) as u32)
        } else {
            self.review(item, self.review_fuzz(raw.round().max(1.0), 1))
        }
    }

    /// Answers to a new, learning or relearning card (Anki's
    /// `LearnState`/`RelearnState::next_states`; `step` is the index of
    /// the current step, Anki counts the steps remaining).
    fn learning_outcomes(
        &self,
        steps: &[u32],
        phase: Phase,
        before: &CardState,
        next: &fsrs::NextStates,
    ) -> [CardState; 4] {
        let idx = if before.phase == Phase::New {
            0
        } else {
            (before.step as usize).min(steps.len().saturating_sub(1))
        };
        let empty = steps.is_empty();
        let again = match steps.first() {
            Some(&secs) => self.in_steps(&next.again, phase, 0, secs),
            None => self.leave_steps(&next.again, phase, 0, empty),
        };
        let hard = match hard_delay(steps, idx) {
            Some(secs) => self.in_steps(&next.hard, phase, idx, secs),
            None => self.leave_steps(&next.hard, phase, idx, empty),
        };
        let good = match steps.get(idx + 1) {
            Some(&secs) => self.in_steps(&next.good, phase, idx + 1, secs),
            None => self.leave_steps(&next.good, phase, (idx + 1).min(steps.len()), empty),
        };
        // Easy graduates at once, above the (fuzzed) raw Good interval.
        let good_ivl = self.review_fuzz(next.good.interval, 1);
        let easy_ivl = self.review_fuzz(next.easy.interval.round().max(1.0), good_ivl + 1);
        [again, hard, good, self.review(&next.easy, easy_ivl)]
    }
}

/// The forgetting curve's decay for a parameter set, as Anki takes it:
/// FSRS-6's own (the 21st), FSRS-6's default when none are set, FSRS-5's
/// 0.5 for the older 17- and 19-parameter sets.
pub fn decay_of(params: &[f32]) -> f32 {
    match params.len() {
        21 => params[20],
        0 => fsrs::FSRS6_DEFAULT_DECAY,
        _ => fsrs::FSRS5_DEFAULT_DECAY,
    }
}

/// Rounds as Anki does before saving a card's memory state.
pub fn round_places(value: f32, places: u32) -> f32 {
    let factor = 10f32.powi(places as i32);
    (value * factor).round() / factor
}

/// A memory state as Anki saves it (`CardData::convert_to_json`):
/// stability to 4 decimals, difficulty to 3. Anki rounds at every save of
/// the card, not only after an answer; in f32 this is not idempotent, so
/// each save docket mirrors rounds again.
pub fn round_memory(m: fsrs::MemoryState) -> fsrs::MemoryState {
    fsrs::MemoryState {
        stability: round_places(m.stability, 4),
        difficulty: round_places(m.difficulty, 3),
    }
}

/// Anki's Hard delay: on the first step, the mean of the first two steps
/// (or 1.5× a single step, at most a day more), rounded to whole days past
/// a day; later, the current step again. None without steps.
fn hard_delay(steps: &[u32], step: usize) -> Option<u32> {
    let current = *steps.get(step).or(steps.first())?;
    if step != 0 {
        return Some(current);
    }
    let secs = match steps.get(1) {
        Some(&next) => current.saturating_add(next) / 2,
        None => (current.saturating_mul(3) / 2).min(current.saturating_add(86_400)),
    };
    Some(if secs > 86_400 {
        ((secs as f32 / 86_400.0).round() as u32).saturating_mul(86_400)
    } else {
        secs
    })
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
    fn a_stored_state_is_not_rounded_again_except_reviewing_ahead() {
        // 616.79413 is a stored value (Anki's, after an answer) that a
        // second rounding moves one f32 step up.
        let stored = f32::from_bits(1_142_567_635);
        let again = round_memory(fsrs::MemoryState {
            stability: stored,
            difficulty: 3.696,
        });
        assert_ne!(again.stability, stored);
        let days = Days::new(t0(), 4);
        let before = CardState {
            phase: Phase::Review,
            stability: stored,
            difficulty: 3.696,
            interval_days: 617,
            due_ms: days.start_of(days.day_of(t0().ms) + 3),
            last_review_ms: Some(t0().ms - 1195 * 86_400_000),
            reps: 9,
            ..CardState::NEW
        };
        let fsrs = FSRS::new(&[]).unwrap();
        let good_from = |m: fsrs::MemoryState| {
            let next = fsrs.next_states(Some(m), 0.9, 1195).unwrap();
            round_memory(next.good.memory).stability
        };
        let s = sched(false);
        let plain = s.next_states(&before, t0(), 1).unwrap();
        let exact = fsrs::MemoryState {
            stability: stored,
            difficulty: 3.696,
        };
        assert_ne!(good_from(exact), good_from(again), "a case that tells");
        assert_eq!(plain.get(Rating::Good).stability, good_from(exact));
        // Reviewing ahead, Anki saved the card once more (into its
        // filtered deck): the state is rounded again.
        let mut ahead = sched(false);
        ahead.config.review_ahead_days = 5;
        let early = ahead.next_states(&before, t0(), 1).unwrap();
        assert_eq!(early.kind, ReviewKind::Filtered);
        assert_eq!(early.get(Rating::Good).stability, good_from(again));
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
        assert_eq!(hard_delay(&[60, 600], 0), Some(330));
        assert_eq!(hard_delay(&[600], 0), Some(900));
        assert_eq!(hard_delay(&[60, 600], 1), Some(600));
        assert_eq!(hard_delay(&[86_400], 0), Some(2 * 86_400));
        assert_eq!(hard_delay(&[], 0), None);
    }
}
