//! Replaying one card's Anki review log the way Anki does when it
//! computes a card's FSRS memory state (rslib's `reviews_for_fsrs`):
//! history starts at the last run of learning answers, or after the last
//! reset; manual changes, rescheduling entries and cram answers (filtered
//! deck answers with no ease factor) are dropped; `delta_t` is the
//! difference of day numbers counted against the rollover hour, 0 for the
//! first answer and for same-day answers. The `fsrs` crate then gives the
//! memory state after every answer, and docket's [`CardState`] follows
//! from the log's own phases and intervals.

use fsrs::FSRS;
use fsrs::FSRSItem;
use fsrs::FSRSReview;

use super::history::RevEntry;
use crate::clock::Days;
use crate::schedule::CardState;
use crate::schedule::Phase;
use crate::schedule::Rating;
use crate::schedule::ReviewKind;

/// Answers from before 2000 or after 2200 are not real reviews (the row id
/// is epoch milliseconds); refusing them also keeps day arithmetic in range.
const EARLIEST_MS: i64 = 946_684_800_000;
const LATEST_MS: i64 = 7_258_118_400_000;

/// Longest interval accepted, in days (Anki's maximum is 36,500).
const MAX_IVL_DAYS: i64 = 36_500;

/// Longest learning step accepted, in seconds (a year).
const MAX_STEP_SECS: i64 = 365 * 86_400;

/// Anki caps recorded answer times at 60 s by default; docket always does.
const MAX_ANSWER_MS: i64 = 60_000;

/// One imported answer, with the states around it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayedAnswer {
    /// Anki's row.
    pub entry: RevEntry,
    /// The button.
    pub rating: Rating,
    /// Review-log kind in docket's terms.
    pub kind: ReviewKind,
    /// Study days since the previous kept answer (FSRS's `delta_t`).
    pub delta_t: u32,
    /// Seconds since the previous kept answer.
    pub elapsed_secs: i64,
    /// State before the answer.
    pub before: CardState,
    /// State after it.
    pub after: CardState,
}

/// A card's replayed history.
#[derive(Debug, Clone, PartialEq)]
pub struct Replayed {
    /// The card's state after its last answer.
    pub state: CardState,
    /// The answers that make up its FSRS history, oldest first.
    pub answers: Vec<ReplayedAnswer>,
    /// Log rows not part of that history (manual changes, cram answers,
    /// everything before the start of the current history).
    pub left_out: usize,
}

/// Whether Anki leaves a row out of FSRS histories.
fn dropped(e: &RevEntry) -> bool {
    let cram = e.kind == 3 && e.factor == 0;
    e.ease == 0 || e.kind == 4 || e.kind == 5 || cram
}

/// Checks a row's values before any arithmetic on them.
fn check(e: &RevEntry) -> Result<(), String> {
    if !(0..=4).contains(&e.ease) {
        return Err(format!(
            "its review log has a rating of {} (Anki's buttons are 1–4)",
            e.ease
        ));
    }
    if !(0..=5).contains(&e.kind) {
        return Err(format!(
            "its review log has an entry of unknown kind {}",
            e.kind
        ));
    }
    if !(EARLIEST_MS..=LATEST_MS).contains(&e.id_ms) {
        return Err(format!(
            "its review log has an answer dated {} ms since 1970, outside 2000–2200",
            e.id_ms
        ));
    }
    if !(-MAX_STEP_SECS..=MAX_IVL_DAYS).contains(&e.ivl) {
        return Err(format!(
            "its review log has an interval of {} (days, or seconds when negative) out of range",
            e.ivl
        ));
    }
    Ok(())
}

/// Where the current history starts: Anki walks back from the newest row
/// to the first of the last run of learning answers, or stops at a reset
/// (a manual row with no ease factor). `None` when there is neither: the
/// history is incomplete (Anki then guesses a starting state from SM-2
/// values, which docket does not).
pub fn history_start(log: &[RevEntry]) -> Option<usize> {
    let mut first_learning = None;
    for (i, e) in log.iter().enumerate().rev() {
        if e.kind == 3 && e.factor == 0 {
            continue;
        }
        if (1..=4).contains(&e.ease) && e.kind == 0 {
            first_learning = Some(i);
        } else if first_learning.is_some() {
            break;
        } else if e.kind == 4 && e.factor == 0 {
            return Some(i + 1);
        }
    }
    first_learning
}

/// Replays a card's log (oldest first). `Ok(None)`: nothing to import
/// (no answers, or none since a reset), the card stays new. `Err`: why the
/// card's history cannot be imported.
pub fn replay(log: &[RevEntry], days: Days, fsrs: &FSRS) -> Result<Option<Replayed>, String> {
    for e in log {
        check(e)?;
    }
    if !log.iter().any(|e| !dropped(e)) {
        return Ok(None);
    }
    let Some(start) = history_start(log) else {
        return Err(
            "its history does not begin with learning answers or a reset \
             (the first answers are missing), so its memory state cannot be rebuilt"
                .into(),
        );
    };
    let kept: Vec<&RevEntry> = log[start..].iter().filter(|e| !dropped(e)).collect();
    let left_out = log.len() - kept.len();
    if kept.is_empty() {
        return Ok(None);
    }
    let mut reviews = Vec::with_capacity(kept.len());
    let mut prev_day: Option<i64> = None;
    for e in &kept {
        let day = days.day_of(e.id_ms);
        let delta_t = prev_day.map_or(0, |p| (day - p).clamp(0, u32::MAX as i64) as u32);
        prev_day = Some(day);
        // `check` and `dropped` leave only 1–4 here.
        reviews.push(FSRSReview {
            rating: e.ease as u32,
            delta_t,
        });
    }
    let states = fsrs
        .historical_memory_states(
            FSRSItem {
                reviews: reviews.clone(),
            },
            None,
        )
        .map_err(|e| format!("FSRS cannot replay its history: {e}"))?;
    if states.len() != kept.len()
        || states
            .iter()
            .any(|s| !s.stability.is_finite() || !s.difficulty.is_finite())
    {
        return Err("FSRS gave no usable memory state for its history".into());
    }
    let mut answers = Vec::with_capacity(kept.len());
    let mut state = CardState::NEW;
    let mut prev_ms: Option<i64> = None;
    for ((e, review), memory) in kept.iter().zip(&reviews).zip(&states) {
        let Some(rating) = Rating::from_number(review.rating as u8) else {
            return Err(format!("its review log has a rating of {}", e.ease));
        };
        let before = state;
        let graduated = e.ivl > 0;
        let lapsed = before.phase == Phase::Review && rating == Rating::Again;
        let phase = if graduated {
            Phase::Review
        } else if matches!(e.kind, 1 | 2)
            || matches!(before.phase, Phase::Review | Phase::Relearning)
        {
            Phase::Relearning
        } else {
            Phase::Learning
        };
        let kind = match e.kind {
            0 => ReviewKind::Learning,
            1 => ReviewKind::Review,
            2 => ReviewKind::Relearning,
            // A filtered-deck answer that reschedules counts as what the
            // card was when answered.
            _ => match before.phase {
                Phase::Review => ReviewKind::Review,
                Phase::Relearning => ReviewKind::Relearning,
                _ => ReviewKind::Learning,
            },
        };
        let due_ms = if graduated {
            days.start_of(days.day_of(e.id_ms) + e.ivl)
        } else {
            e.id_ms + (-e.ivl) * 1000
        };
        // Step counting follows Anki's: Good moves on, Hard stays, Again
        // restarts; a card entering (re)learning starts at step 0.
        let same_run =
            before.phase == phase || (before.phase == Phase::New && phase == Phase::Learning);
        let step = match (phase, rating) {
            (Phase::Review, _) | (_, Rating::Again) => 0,
            _ if !same_run => 0,
            (_, Rating::Hard) => before.step,
            _ => before.step.saturating_add(1),
        };
        state = CardState {
            phase,
            step,
            stability: memory.stability,
            difficulty: memory.difficulty,
            due_ms,
            interval_days: e.ivl.max(0) as u32,
            last_review_ms: Some(e.id_ms),
            reps: before.reps.saturating_add(1),
            lapses: before.lapses.saturating_add(u32::from(lapsed)),
        };
        answers.push(ReplayedAnswer {
            entry: **e,
            rating,
            kind,
            delta_t: review.delta_t,
            elapsed_secs: prev_ms.map_or(0, |p| (e.id_ms - p) / 1000),
            before,
            after: state,
        });
        prev_ms = Some(e.id_ms);
    }
    Ok(Some(Replayed {
        state,
        answers,
        left_out,
    }))
}

/// Answer time as docket records it.
pub fn duration_ms(e: &RevEntry) -> i64 {
    e.time_ms.clamp(0, MAX_ANSWER_MS)
}
