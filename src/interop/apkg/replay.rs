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

/// The study day of an answer as Anki counts it: whole seconds, and whole
/// days back from the next day boundary, so an answer at the exact instant
/// a day starts still counts as the day before (Anki's days run from just
/// after one boundary up to and including the next).
pub fn anki_day(days: Days, ms: i64) -> i64 {
    days.day_of((ms.div_euclid(1000) - 1) * 1000)
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
        let day = anki_day(days, e.id_ms);
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
            days.start_of(anki_day(days, e.id_ms) + e.ivl)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Now;

    /// Days starting at 06:00 in UTC+2.
    fn days() -> Days {
        Days::new(Now::parse("2025-03-01T12:00:00+02:00").unwrap(), 6)
    }

    fn ms(t: &str) -> i64 {
        Now::parse(t).unwrap().ms
    }

    fn row(t: &str, ease: i64, ivl: i64, factor: i64, kind: i64) -> RevEntry {
        RevEntry {
            id_ms: ms(t),
            ease,
            ivl,
            factor,
            time_ms: 5000,
            kind,
        }
    }

    fn deltas(log: &[RevEntry]) -> Vec<(u32, u8)> {
        replay(log, days(), &FSRS::default())
            .unwrap()
            .unwrap()
            .answers
            .iter()
            .map(|a| (a.delta_t, a.rating.number()))
            .collect()
    }

    #[test]
    fn days_turn_at_the_rollover_hour_in_local_time() {
        let log = [
            row("2025-03-03T06:01:00+02:00", 3, -600, 2500, 0),
            row("2025-03-03T06:20:00+02:00", 3, 1, 2500, 0),
            // Before 06:00 the next morning: still the same Anki day.
            row("2025-03-04T05:59:00+02:00", 3, 3, 2500, 1),
            // Just after 06:00 three calendar days on: four Anki days after
            // the previous answer, which counted as 3 March.
            row("2025-03-07T06:01:00+02:00", 4, 10, 2500, 1),
        ];
        assert_eq!(deltas(&log), vec![(0, 3), (0, 3), (0, 3), (4, 4)]);
    }

    #[test]
    fn an_answer_at_the_exact_rollover_instant_counts_as_the_day_before() {
        // Found by comparing with Anki: it counts whole days back from the
        // next boundary, so 06:00:00.000 still belongs to the previous day.
        let log = [
            row("2025-03-03T09:00:00+02:00", 3, 2, 2500, 0),
            row("2025-03-05T06:00:00+02:00", 1, -600, 2300, 1),
            row("2025-03-05T06:00:01+02:00", 3, 2, 2300, 2),
        ];
        assert_eq!(deltas(&log), vec![(0, 3), (1, 1), (1, 3)]);
    }

    #[test]
    fn manual_and_cram_rows_are_dropped_and_rescheduling_filtered_answers_kept() {
        let log = [
            row("2025-03-03T09:00:00+02:00", 4, 3, 2500, 0),
            row("2025-03-05T09:00:00+02:00", 1, 0, 0, 3), // cram
            row("2025-03-06T09:00:00+02:00", 3, 8, 2500, 1),
            row("2025-03-07T09:00:00+02:00", 0, 20, 2500, 4), // set due date
            row("2025-03-08T09:00:00+02:00", 0, 20, 2500, 5), // rescheduled
            row("2025-03-14T09:00:00+02:00", 3, 20, 2500, 1),
            row("2025-03-15T09:00:00+02:00", 2, 30, 2500, 3), // filtered, rescheduling
        ];
        let r = replay(&log, days(), &FSRS::default()).unwrap().unwrap();
        assert_eq!(r.left_out, 3);
        let got: Vec<(u32, u8)> = r
            .answers
            .iter()
            .map(|a| (a.delta_t, a.rating.number()))
            .collect();
        assert_eq!(got, vec![(0, 4), (3, 3), (8, 3), (1, 2)]);
        assert_eq!(r.answers[3].kind, ReviewKind::Review);
        // The memory state is the crate's for exactly these reviews.
        let want = FSRS::default()
            .memory_state(
                FSRSItem {
                    reviews: got
                        .iter()
                        .map(|&(delta_t, rating)| FSRSReview {
                            rating: rating as u32,
                            delta_t,
                        })
                        .collect(),
                },
                None,
            )
            .unwrap();
        assert_eq!(r.state.stability, want.stability);
        assert_eq!(r.state.difficulty, want.difficulty);
        assert_eq!(r.state.phase, Phase::Review);
        assert_eq!(r.state.interval_days, 30);
        assert_eq!(r.state.reps, 4);
        let day = anki_day(days(), ms("2025-03-15T09:00:00+02:00"));
        assert_eq!(r.state.due_ms, days().start_of(day + 30));
    }

    #[test]
    fn history_starts_after_the_last_reset_or_at_the_last_learning_run() {
        let log = [
            row("2025-03-03T09:00:00+02:00", 3, 2, 2500, 0),
            row("2025-03-05T09:00:00+02:00", 1, -600, 2300, 1),
            row("2025-03-06T09:00:00+02:00", 0, 0, 0, 4), // forget
            row("2025-03-07T09:00:00+02:00", 4, 4, 2500, 0),
            row("2025-03-11T09:00:00+02:00", 3, 11, 2500, 1),
        ];
        assert_eq!(history_start(&log), Some(3));
        assert_eq!(deltas(&log), vec![(0, 4), (4, 3)]);
        // A reset followed by reviews only: the reviews after it.
        let after_reset = [log[0], log[1], log[2], log[4]];
        assert_eq!(history_start(&after_reset), Some(3));
        assert_eq!(deltas(&after_reset), vec![(0, 3)]);
        // A reset as the last word: the card is new again.
        assert_eq!(replay(&log[..3], days(), &FSRS::default()), Ok(None));
        // Reviews with no learning and no reset: incomplete, refused.
        let err = replay(&log[4..], days(), &FSRS::default()).unwrap_err();
        assert!(err.contains("does not begin with learning"), "{err}");
    }

    #[test]
    fn phases_follow_the_log() {
        let log = [
            row("2025-03-03T09:00:00+02:00", 3, -600, 2500, 0),
            row("2025-03-03T09:10:00+02:00", 3, 2, 2500, 0),
            row("2025-03-05T09:00:00+02:00", 1, -600, 2300, 1),
        ];
        let r = replay(&log, days(), &FSRS::default()).unwrap().unwrap();
        let phases: Vec<(Phase, u32)> = r
            .answers
            .iter()
            .map(|a| (a.after.phase, a.after.step))
            .collect();
        assert_eq!(
            phases,
            vec![
                (Phase::Learning, 1),
                (Phase::Review, 0),
                (Phase::Relearning, 0)
            ]
        );
        assert_eq!(r.state.lapses, 1);
        assert_eq!(r.state.due_ms, ms("2025-03-05T09:10:00+02:00"));
        assert_eq!(r.answers[1].elapsed_secs, 600);
    }

    #[test]
    fn nonsense_values_are_refused_with_a_reason() {
        let good = row("2025-03-03T09:00:00+02:00", 3, 2, 2500, 0);
        for (bad, words) in [
            (RevEntry { ease: 7, ..good }, "rating of 7"),
            (RevEntry { ease: -1, ..good }, "rating of -1"),
            (RevEntry { kind: 9, ..good }, "unknown kind 9"),
            (
                RevEntry {
                    id_ms: i64::MAX,
                    ..good
                },
                "outside 2000–2200",
            ),
            (
                RevEntry {
                    ivl: i64::MAX,
                    ..good
                },
                "out of range",
            ),
            (
                RevEntry {
                    ivl: i64::MIN,
                    ..good
                },
                "out of range",
            ),
        ] {
            let err = replay(&[good, bad], days(), &FSRS::default()).unwrap_err();
            assert!(err.contains(words), "{err}");
        }
    }
}
