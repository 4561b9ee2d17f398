//! Anki's "set due date" (`rslib/src/scheduler/reviews.rs`) with FSRS on:
//! a card is made a review card due in N days (or on a day drawn from a
//! range), keeping its memory state. The interval becomes the days since
//! the last answer plus N (a new card's stays 0), so FSRS later sees the
//! real gap; with FSRS on Anki does this with or without `!`.
//!
//! Also Anki's "reschedule cards on change": memory states recomputed
//! from the log when parameters or retention change, and review cards
//! given the interval FSRS now proposes (logged as kind 5).

use chrono::NaiveDate;
use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::config::SchedulerConfig;
use super::fuzz::fuzz_factor;
use super::fuzz::minimum_review_fuzz_interval;
use super::fuzz::with_review_fuzz;
use super::load_balancer::RescheduleLoad;
use super::state::CardState;
use super::state::Phase;
use super::states::ReviewKind;
use super::states::SchedulerError;
use super::states::round_memory;
use crate::clock::Days;
use crate::store::Answer;

/// The longest distance a due date may be set to, in days (100 years, as
/// the longest interval).
pub const MAX_DUE_DAYS: u32 = 36_500;

/// When to make a card due: a number of days from today, or a range to
/// draw from (Anki's `DueDateSpecifier`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueSpec {
    /// Fewest days from today.
    pub min: u32,
    /// Most days from today.
    pub max: u32,
    /// `!` was given (Anki: also reset the interval; with FSRS the
    /// interval is always set from the last answer).
    pub force_reset: bool,
}

/// Reads a due date: `N` days (0 is today), a range `N-M`, either with `!`
/// (as Anki's "set due date" takes them), or a date `YYYY-MM-DD` not before
/// `today` (a study day number, days since 1970-01-01 in local time).
pub fn parse_due(text: &str, today: i64) -> Result<DueSpec, String> {
    let t = text.trim();
    let (body, force_reset) = match t.strip_suffix('!') {
        Some(b) => (b, true),
        None => (t, false),
    };
    let bad = || {
        format!(
            "`{}` is not a due date: give days (5), a range (3-7), either with ! \
             (also set the interval), or a date (2026-12-24)",
            crate::sanitize::clean(text)
        )
    };
    let days = |s: &str| -> Result<u32, String> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse::<u32>()
            .ok()
            .filter(|n| *n <= MAX_DUE_DAYS)
            .ok_or_else(|| format!("{s} days is more than {MAX_DUE_DAYS}"))
    };
    if let Ok(date) = NaiveDate::parse_from_str(body, "%Y-%m-%d") {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).ok_or_else(bad)?;
        let n = (date - epoch).num_days() - today;
        if n < 0 {
            return Err(format!("{body} is before today"));
        }
        let n = days(&n.to_string())?;
        return Ok(DueSpec {
            min: n,
            max: n,
            force_reset,
        });
    }
    let (min, max) = match body.split_once('-') {
        Some((a, b)) => (days(a)?, days(b)?),
        None => {
            let n = days(body)?;
            (n, n)
        }
    };
    Ok(DueSpec {
        min: min.min(max),
        max: max.max(min),
        force_reset,
    })
}

impl DueSpec {
    /// The days from today for one card: the number, or a draw from the
    /// range by `seed`.
    pub fn pick(&self, seed: u64) -> u32 {
        if self.min == self.max {
            self.min
        } else {
            StdRng::seed_from_u64(seed).random_range(self.min..=self.max)
        }
    }
}

/// The card after "set due date" to `days_from_today` at `now_ms`, as
/// Anki's `Card::set_due_date` with FSRS on: a review card due on that
/// day; its interval the whole days from its last answer to the next day
/// boundary plus those days (0 for a card never answered or with no
/// interval yet); memory state (saved again, so rounded again as Anki
/// saves it), answers and lapses kept.
pub fn set_due_date(
    before: &CardState,
    days_from_today: u32,
    days: Days,
    now_ms: i64,
) -> CardState {
    let today = days.day_of(now_ms);
    let new_due = today + days_from_today as i64;
    // Anki keeps no interval on a new or learning card (docket's interday
    // steps carry their length in days, Anki's do not).
    let no_interval = match before.phase {
        Phase::New | Phase::Learning => true,
        Phase::Relearning => false,
        Phase::Review => before.interval_days == 0,
    };
    let interval_days = if no_interval {
        0
    } else if let Some(last) = before.last_review_ms {
        let elapsed = (days.next_day_at_secs(now_ms) - last.div_euclid(1000)).max(0) / 86_400;
        (elapsed as u32).saturating_add(days_from_today)
    } else {
        let due_day = days.day_of(before.due_ms);
        (before.interval_days as i64 + (new_due - due_day)).clamp(0, u32::MAX as i64) as u32
    };
    // Anki saves the card, which rounds its memory state once more (see
    // `round_memory`): the next answer starts from that.
    let (stability, difficulty) = match before.memory() {
        Some(m) => {
            let m = round_memory(m);
            (m.stability, m.difficulty)
        }
        None => (before.stability, before.difficulty),
    };
    CardState {
        phase: Phase::Review,
        step: 0,
        interval_days,
        due_ms: days.start_of(new_due),
        stability,
        difficulty,
        ..*before
    }
}

/// Whole days from an instant to the next day boundary (Anki's
/// `RevlogEntry::days_elapsed` and `elapsed_days_since`).
fn days_until(next_day_at_secs: i64, ts_ms: i64) -> u32 {
    ((next_day_at_secs - ts_ms.div_euclid(1000)).max(0) / 86_400) as u32
}

/// A rated answer that counts for scheduling (Anki's
/// `has_rating_and_affects_scheduling`; docket has no cramming).
fn graded(a: &Answer) -> bool {
    a.rating.is_some() && !a.kind.is_manual()
}

/// A start-over: a manual row that left the card new (Anki's `is_reset`).
fn is_reset(a: &Answer) -> bool {
    a.kind.is_manual() && a.rating.is_none() && a.after.phase == Phase::New
}

/// A card's memory state recomputed from its log with the parameters in
/// `fsrs`, as Anki recomputes every card's when a preset's parameters or
/// retention change (`fsrs_item_for_memory_state`, not training): the
/// history from the last run of learning answers, rated answers only,
/// days counted to the next day boundary `next_day_at_secs`. `log` is the
/// card's rows in time order. None when the history does not start with
/// learning answers (a reset since, or an imported history without them):
/// Anki then falls back on SM-2 data docket does not keep, so docket keeps
/// the stored state.
pub fn memory_from_log(
    fsrs: &fsrs::FSRS,
    log: &[&Answer],
    next_day_at_secs: i64,
) -> Result<Option<fsrs::MemoryState>, SchedulerError> {
    let mut first_learn = None;
    for (i, a) in log.iter().enumerate().rev() {
        if graded(a) && a.kind == ReviewKind::Learning {
            first_learn = Some(i);
        } else if is_reset(a) || first_learn.is_some() {
            break;
        }
    }
    let Some(start) = first_learn else {
        return Ok(None);
    };
    let mut reviews = Vec::new();
    let mut prev: Option<u32> = None;
    for a in log[start..].iter().filter(|a| graded(a)) {
        let days = days_until(next_day_at_secs, a.ts_ms);
        reviews.push(fsrs::FSRSReview {
            rating: a.rating.map_or(0, |r| r.number() as u32),
            delta_t: prev.map_or(0, |p| p.saturating_sub(days)),
        });
        prev = Some(days);
    }
    fsrs.memory_state(fsrs::FSRSItem { reviews }, None)
        .map(Some)
        .map_err(|e| SchedulerError(e.to_string()))
}

/// The last answer that counts and the interval before it, when that
/// answer passed a new or review card (Anki's `get_last_revlog_info`: the
/// revlog's last interval is negative seconds for (re)learning cards).
pub fn last_review(log: &[&Answer]) -> Option<(i64, Option<u32>)> {
    let mut last = None;
    for a in log {
        if graded(a) {
            let passed = a.rating.is_some_and(|r| r.number() > 1);
            let days = matches!(a.before.phase, Phase::New | Phase::Review);
            last = Some((a.ts_ms, (passed && days).then_some(a.before.interval_days)));
        } else if is_reset(a) {
            last = None;
        }
    }
    last
}

/// A review card rescheduled on a change of parameters or retention, as
/// Anki's "reschedule cards on change" does: FSRS's interval for the
/// (recomputed) stability at the desired retention, at least Anki's floor
/// over the interval before the last answer, fuzzed with the seed of the
/// last answer (`fuzz_seed`: card seed plus reps minus one), or with the
/// load balancer on drawn by `load` (which then counts the card on its
/// new day), counted from the day of the last answer.
/// The memory state is saved as Anki saves it (rounded). Logged as
/// Anki's kind 5 ([`ReviewKind::Rescheduled`]).
#[allow(clippy::too_many_arguments)]
pub fn rescheduled(
    state: &CardState,
    memory: fsrs::MemoryState,
    last_review_ms: i64,
    previous_interval: Option<u32>,
    fsrs: &fsrs::FSRS,
    config: &SchedulerConfig,
    days: Days,
    now_ms: i64,
    fuzz_seed: Option<u64>,
    load: Option<&mut RescheduleLoad>,
) -> CardState {
    let max = config.max_interval.max(1);
    let elapsed = days_until(days.next_day_at_secs(now_ms), last_review_ms);
    // Anki reschedules from the state just computed, before saving
    // (rounding) it.
    let interval = fsrs.next_interval(Some(memory.stability), config.desired_retention, 0);
    let memory = round_memory(memory);
    let minimum =
        minimum_review_fuzz_interval(interval, previous_interval.unwrap_or(0), max).max(1);
    let balanced = load
        .as_ref()
        .and_then(|l| l.find_interval(interval, minimum, max, elapsed, fuzz_seed));
    let ivl = balanced
        .unwrap_or_else(|| with_review_fuzz(fuzz_seed.map(fuzz_factor), interval, minimum, max));
    let due_day = days.day_of(now_ms) - elapsed as i64 + ivl as i64;
    if let Some(l) = load {
        l.moved(days.day_of(state.due_ms), due_day);
    }
    CardState {
        stability: memory.stability,
        difficulty: memory.difficulty,
        interval_days: ivl,
        due_ms: days.start_of(due_day),
        ..*state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_dates_parse_as_anki_reads_them() {
        let s = |t: &str| parse_due(t, 20_000);
        assert_eq!(
            s("5").unwrap(),
            DueSpec {
                min: 5,
                max: 5,
                force_reset: false
            }
        );
        assert_eq!(
            s("7-3!").unwrap(),
            DueSpec {
                min: 3,
                max: 7,
                force_reset: true
            }
        );
        assert_eq!(s("0").unwrap().max, 0);
        // 20000 days after 1970-01-01 is 2024-10-04.
        assert_eq!(s("2024-10-09").unwrap().min, 5);
        assert!(s("2024-10-01").is_err());
        for bad in ["", "-3", "3-", "x", "3 days", "1e3", "99999", "3-7-9", "!"] {
            assert!(s(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_range_draws_within_it() {
        let spec = parse_due("3-7", 0).unwrap();
        let picks: Vec<u32> = (0..200).map(|seed| spec.pick(seed)).collect();
        assert!(picks.iter().all(|p| (3..=7).contains(p)));
        assert!(picks.contains(&3) && picks.contains(&7));
        assert_eq!(spec.pick(9), spec.pick(9));
    }

    fn row(
        ts_ms: i64,
        rating: Option<u8>,
        kind: ReviewKind,
        before: Phase,
        after: Phase,
    ) -> Answer {
        Answer {
            deck_id: "d".into(),
            card_id: "c".into(),
            ts_ms,
            rating: rating.and_then(crate::schedule::Rating::from_number),
            kind,
            before: CardState {
                phase: before,
                interval_days: 7,
                ..CardState::NEW
            },
            after: CardState {
                phase: after,
                ..CardState::NEW
            },
            elapsed_days: 0,
            elapsed_secs: 0,
            r_before: None,
            r_after: None,
            duration_ms: 0,
            content_hash: "h".into(),
            session_id: None,
        }
    }

    #[test]
    fn memory_comes_from_the_last_run_of_learning_answers() {
        let fsrs = fsrs::FSRS::new(&[]).unwrap();
        let day = 86_400_000;
        let next_day = 40 * 86_400 + 4 * 3600;
        let log = [
            row(
                0,
                Some(1),
                ReviewKind::Learning,
                Phase::New,
                Phase::Learning,
            ),
            row(
                2 * day,
                Some(3),
                ReviewKind::Learning,
                Phase::Learning,
                Phase::Review,
            ),
            // A reset: what came before is not this card's history.
            row(3 * day, None, ReviewKind::Manual, Phase::Review, Phase::New),
            row(
                4 * day,
                Some(3),
                ReviewKind::Learning,
                Phase::New,
                Phase::Review,
            ),
            // Set due date and reschedule rows are not answers.
            row(
                5 * day,
                None,
                ReviewKind::Manual,
                Phase::Review,
                Phase::Review,
            ),
            row(
                6 * day,
                None,
                ReviewKind::Rescheduled,
                Phase::Review,
                Phase::Review,
            ),
            row(
                9 * day,
                Some(4),
                ReviewKind::Review,
                Phase::Review,
                Phase::Review,
            ),
        ];
        let refs: Vec<&Answer> = log.iter().collect();
        let m = memory_from_log(&fsrs, &refs, next_day).unwrap().unwrap();
        let item = fsrs::FSRSItem {
            reviews: vec![
                fsrs::FSRSReview {
                    rating: 3,
                    delta_t: 0,
                },
                fsrs::FSRSReview {
                    rating: 4,
                    delta_t: 5,
                },
            ],
        };
        assert_eq!(m, fsrs.memory_state(item, None).unwrap());
        // The last answer passed a review card 7 days into its interval.
        assert_eq!(last_review(&refs), Some((9 * day, Some(7))));
        // Without learning answers (an imported tail): nothing to recompute.
        assert_eq!(memory_from_log(&fsrs, &refs[6..], next_day).unwrap(), None);
        // Reset last: no answer counts any more.
        assert_eq!(last_review(&refs[..3]), None);
    }

    #[test]
    fn rescheduling_counts_from_the_day_of_the_last_answer() {
        let fsrs = fsrs::FSRS::new(&[]).unwrap();
        let days = Days::fixed(0, 4);
        let config = SchedulerConfig {
            desired_retention: 0.7,
            fuzz: false,
            ..SchedulerConfig::default()
        };
        let last = days.start_of(100) + 6 * 3_600_000;
        let state = CardState {
            phase: Phase::Review,
            interval_days: 8,
            due_ms: days.start_of(108),
            last_review_ms: Some(last),
            reps: 3,
            ..CardState::NEW
        };
        let memory = fsrs::MemoryState {
            stability: 8.29561,
            difficulty: 1.00049,
        };
        let now = days.start_of(103) + 3_600_000;
        let after = rescheduled(
            &state,
            memory,
            last,
            Some(0),
            &fsrs,
            &config,
            days,
            now,
            None,
            None,
        );
        let ivl = fsrs.next_interval(Some(8.2956), 0.7, 0).round() as u32;
        assert_eq!(after.interval_days, ivl);
        assert_eq!(after.due_ms, days.start_of(100 + ivl as i64));
        // Saved as Anki saves it.
        assert_eq!((after.stability, after.difficulty), (8.2956, 1.0));
        assert_eq!((after.reps, after.last_review_ms), (3, Some(last)));
    }

    #[test]
    fn a_range_draws_each_day_about_as_often() {
        // Anki draws with its own RNG (uniform over the range); docket
        // draws uniformly from a seed. 5,000 seeds over 5 days: each day
        // within 10 % of 1,000.
        let spec = parse_due("3-7!", 0).unwrap();
        let mut counts = [0u32; 5];
        for seed in 0..5_000u64 {
            counts[(spec.pick(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)) - 3) as usize] += 1;
        }
        assert!(
            counts.iter().all(|c| (900..=1100).contains(c)),
            "{counts:?}"
        );
        // One day given twice is that day, whatever the seed.
        let one = parse_due("4-4", 0).unwrap();
        assert!((0..50).all(|seed| one.pick(seed) == 4));
    }

    #[test]
    fn the_interval_counts_from_the_last_answer() {
        let days = Days::fixed(0, 4);
        let day = |d: i64| days.start_of(d);
        let review = CardState {
            phase: Phase::Review,
            stability: 10.0,
            difficulty: 5.0,
            interval_days: 10,
            due_ms: day(110),
            last_review_ms: Some(day(100) + 3_600_000),
            reps: 4,
            ..CardState::NEW
        };
        let now = day(103) + 7_200_000;
        let after = set_due_date(&review, 2, days, now);
        assert_eq!(after.phase, Phase::Review);
        assert_eq!(after.due_ms, day(105));
        // Three days from the answer to the next boundary, plus two.
        assert_eq!(after.interval_days, 5);
        assert_eq!((after.stability, after.reps), (10.0, 4));
        // Saved again, the memory state is rounded again as Anki saves it
        // (616.79413 moves one f32 step up).
        let stored = f32::from_bits(1_142_567_635);
        let moved = set_due_date(
            &CardState {
                stability: stored,
                ..review
            },
            2,
            days,
            now,
        );
        assert_eq!(moved.stability, f32::from_bits(1_142_567_636));
        let new = set_due_date(&CardState::NEW, 4, days, now);
        assert_eq!((new.phase, new.interval_days), (Phase::Review, 0));
        assert_eq!(new.due_ms, day(107));
    }
}
