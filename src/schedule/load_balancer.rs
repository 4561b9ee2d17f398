//! Anki's load balancer and easy days (`states/load_balancer.rs`, Anki
//! 24.11+): instead of a uniform position in the fuzz range, a review
//! interval of at most 90 days lands on a day of its fuzz range drawn with
//! weights that favour days with fewer cards due and earlier days, and
//! that keep cards off the weekdays a student marked as easy.
//!
//! Each day of the range weighs `(1/due)^2.15 · (1/interval)^3 · easy-day`
//! (a day with nothing due weighs 1, as in Anki), and one day is drawn
//! with the card's fuzz seed, so Anki's card id gives Anki's day. Easy
//! days are seven percentages, Monday first: 1 normal, 0 minimum
//! (almost never), anything between reduced (taken only while that day
//! would hold no more than its share).

use rand::SeedableRng;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::rngs::StdRng;

use super::fuzz::fuzz_bounds;
use crate::clock::Days;

/// Intervals above this are not balanced (Anki's `MAX_LOAD_BALANCE_INTERVAL`).
pub const MAX_BALANCED_INTERVAL: u32 = 90;
/// Days of load kept from today (Anki's `LOAD_BALANCE_DAYS`: 10 % beyond
/// the longest balanced interval).
pub const LOAD_DAYS: usize = 99;

/// How one weekday is treated (Anki's `EasyDay`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EasyDay {
    /// Almost never scheduled on (percentage 0).
    Minimum,
    /// Scheduled on while it holds no more than its share.
    Reduced,
    /// As any day (percentage 1, the default).
    Normal,
}

impl EasyDay {
    /// The kind of day a percentage means (exactly 1 normal, exactly 0
    /// minimum, else reduced, as Anki reads them).
    pub fn from_percentage(p: f32) -> EasyDay {
        if p == 1.0 {
            EasyDay::Normal
        } else if p == 0.0 {
            EasyDay::Minimum
        } else {
            EasyDay::Reduced
        }
    }

    fn load_modifier(self) -> f32 {
        match self {
            // Not zero, so that all-minimum days still balance.
            EasyDay::Minimum => 0.0001,
            EasyDay::Reduced => 0.5,
            EasyDay::Normal => 1.0,
        }
    }
}

/// Reads easy-day percentages: seven numbers from 0 to 1, Monday first,
/// separated by spaces or commas (Anki's "easy days" sliders).
pub fn parse_easy_days(text: &str) -> Result<[f32; 7], String> {
    let nums: Vec<f32> = text
        .split([' ', ',', '\t'])
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<f32>()
                .ok()
                .filter(|v| (0.0..=1.0).contains(v))
                .ok_or_else(|| format!("`{s}` is not a number from 0 to 1"))
        })
        .collect::<Result<_, _>>()?;
    nums.try_into().map_err(|v: Vec<f32>| {
        format!(
            "{} values; give seven (Monday to Sunday), 1 normal, 0 minimum, between: reduced",
            v.len()
        )
    })
}

/// The cards already due on each of the next [`LOAD_DAYS`] days of one
/// deck, and what the draw needs to know about days and weekdays.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancer {
    /// How instants fall into study days.
    pub days: Days,
    /// The study day `counts[0]` is.
    pub today: i64,
    /// Cards due on `today + i` (reviews and interday learning).
    pub counts: Vec<u32>,
    /// The weekdays, Monday first.
    pub easy_days: [EasyDay; 7],
}

impl LoadBalancer {
    /// A balancer from the due days of the cards (study day numbers);
    /// days outside the next [`LOAD_DAYS`] are not counted.
    pub fn new(
        days: Days,
        today: i64,
        due_days: impl IntoIterator<Item = i64>,
        easy_days: [f32; 7],
    ) -> LoadBalancer {
        let mut counts = vec![0; LOAD_DAYS];
        for d in due_days {
            if let Some(c) = usize::try_from(d - today)
                .ok()
                .and_then(|i| counts.get_mut(i))
            {
                *c += 1;
            }
        }
        LoadBalancer {
            days,
            today,
            counts,
            easy_days: easy_days.map(EasyDay::from_percentage),
        }
    }

    /// Counts one more card due on `day` (Anki adds each answered review).
    pub fn add(&mut self, day: i64) {
        if let Some(c) = usize::try_from(day - self.today)
            .ok()
            .and_then(|i| self.counts.get_mut(i))
        {
            *c += 1;
        }
    }

    /// The interval for a raw interval within `[minimum, maximum]`, or None
    /// where Anki leaves it to plain fuzz: no fuzz seed, an interval or
    /// minimum above 90 days, or no card due in the next 99 days (Anki
    /// keeps no load for such a deck). `today` is the answer's study day,
    /// `next_day_at_secs` the boundary after it.
    pub fn find_interval(
        &self,
        interval: f32,
        minimum: u32,
        maximum: u32,
        seed: Option<u64>,
        today: i64,
        next_day_at_secs: i64,
    ) -> Option<u32> {
        let seed = seed?;
        if interval as usize > MAX_BALANCED_INTERVAL as usize || minimum > MAX_BALANCED_INTERVAL {
            return None;
        }
        // The day's load, measured from the answer's day.
        let shift = today - self.today;
        let count = |ivl: u32| {
            usize::try_from(ivl as i64 + shift)
                .ok()
                .and_then(|i| self.counts.get(i))
                .copied()
        };
        if (0..LOAD_DAYS as u32).all(|i| count(i).unwrap_or(0) == 0) {
            return None;
        }
        let (before, after) = fuzz_bounds(interval, minimum, maximum);
        let review_counts: Vec<usize> = (before..=after)
            .map(|i| count(i).unwrap_or(0) as usize)
            .collect();
        let weekdays: Vec<usize> = (before..=after)
            .map(|i| weekday(self.days, next_day_at_secs + (i as i64 - 1) * 86_400))
            .collect();
        pick_day(before, &review_counts, &weekdays, &self.easy_days, seed)
    }
}

/// Anki's weighted draw (`select_weighted_interval`) among the days
/// `first, first + 1, …` with these loads and weekdays.
pub fn pick_day(
    first: u32,
    review_counts: &[usize],
    weekdays: &[usize],
    easy_days: &[EasyDay; 7],
    seed: u64,
) -> Option<u32> {
    let easy = easy_days_modifiers(easy_days, weekdays, review_counts);
    let weighted: Vec<(u32, f32)> = (first..)
        .zip(review_counts.iter().zip(easy))
        .map(|(ivl, (&n, easy))| {
            let w = match n {
                // A day with nothing due keeps its full weight (easy days
                // included), as in Anki.
                0 => 1.0,
                n => (1.0 / n as f32).powf(2.15) * (1.0 / ivl as f32).powi(3) * easy,
            };
            (ivl, w)
        })
        .collect();
    let mut rng = StdRng::seed_from_u64(seed);
    let index = WeightedIndex::new(weighted.iter().map(|w| w.1)).ok()?;
    Some(weighted[index.sample(&mut rng)].0)
}

/// The simulator's load balancing and easy days (Anki's
/// `apply_load_balance_and_easy_days`): the day within the fuzz range of
/// `interval` drawn by the simulated load from `today` (a simulated day
/// number; day 0 starts at `next_day_at_secs`).
#[allow(clippy::too_many_arguments)]
pub fn simulated_interval(
    interval: f32,
    max_interval: f32,
    today: usize,
    due_counts_per_day: &[usize],
    seed: u64,
    days: Days,
    next_day_at_secs: i64,
    easy_days: &[EasyDay; 7],
) -> f32 {
    let (lower, upper) = fuzz_bounds(interval, 1, max_interval as u32);
    let counts: Vec<usize> = (lower..=upper)
        .map(|i| {
            due_counts_per_day
                .get(today + i as usize)
                .copied()
                .unwrap_or(0)
        })
        .collect();
    let weekdays: Vec<usize> = (lower..=upper)
        .map(|i| {
            weekday(
                days,
                next_day_at_secs + (today as i64 + i as i64 - 1) * 86_400,
            )
        })
        .collect();
    pick_day(lower, &counts, &weekdays, easy_days, seed).map_or(interval, |d| d as f32)
}

/// The load Anki's "reschedule cards on change" balances against when
/// the load balancer is on (`rslib/src/scheduler/fsrs/rescheduler.rs`):
/// review cards of the preset by due day (not suspended; every day, past
/// ones too), and the cards answered today.
#[derive(Debug, Clone)]
pub struct RescheduleLoad {
    /// How instants fall into study days.
    pub days: Days,
    /// Today's study day.
    pub today: i64,
    /// The next day boundary, seconds since the epoch.
    pub next_day_at_secs: i64,
    /// Review cards due on each day.
    pub due: std::collections::HashMap<i64, usize>,
    /// Cards answered today.
    pub reviewed_today: usize,
    /// The weekdays, Monday first.
    pub easy_days: [EasyDay; 7],
}

impl RescheduleLoad {
    /// The load from the due days of the preset's review cards (not
    /// suspended) and the number of cards answered today.
    pub fn new(
        days: Days,
        now_ms: i64,
        review_due_days: impl IntoIterator<Item = i64>,
        reviewed_today: usize,
        easy_days: [f32; 7],
    ) -> RescheduleLoad {
        let mut due = std::collections::HashMap::new();
        for d in review_due_days {
            *due.entry(d).or_insert(0) += 1;
        }
        RescheduleLoad {
            days,
            today: days.day_of(now_ms),
            next_day_at_secs: days.next_day_at_secs(now_ms),
            due,
            reviewed_today,
            easy_days: easy_days.map(EasyDay::from_percentage),
        }
    }

    /// Moves one card's due day (Anki's `update_due_cnt_per_day`).
    pub fn moved(&mut self, from: i64, to: i64) {
        if let Some(n) = self.due.get_mut(&from) {
            *n = n.saturating_sub(1);
        }
        *self.due.entry(to).or_insert(0) += 1;
    }

    /// Anki's `Rescheduler::find_interval`: the interval (counted from the
    /// last answer, `days_elapsed` days before today's boundary) within
    /// the fuzz range of `interval`, drawn by load; None (plain fuzz) when
    /// the whole range lies in the past or without a seed.
    pub fn find_interval(
        &self,
        interval: f32,
        minimum: u32,
        maximum: u32,
        days_elapsed: u32,
        seed: Option<u64>,
    ) -> Option<u32> {
        let (before, after) = fuzz_bounds(interval, minimum, maximum);
        if after < days_elapsed {
            return None;
        }
        let before = before.max(days_elapsed);
        let due_today: usize = self
            .due
            .iter()
            .filter(|(d, _)| **d <= self.today)
            .map(|(_, n)| *n)
            .sum();
        let counts: Vec<usize> = (before..=after)
            .map(|ivl| {
                if ivl > days_elapsed {
                    let day = self.today + ivl as i64 - days_elapsed as i64;
                    self.due.get(&day).copied().unwrap_or(0)
                } else {
                    due_today + self.reviewed_today
                }
            })
            .collect();
        let weekdays: Vec<usize> = (before..=after)
            .map(|ivl| {
                weekday(
                    self.days,
                    self.next_day_at_secs - days_elapsed as i64 * 86_400
                        + (ivl as i64 - 1) * 86_400,
                )
            })
            .collect();
        pick_day(before, &counts, &weekdays, &self.easy_days, seed?)
    }
}

/// Monday = 0 … Sunday = 6 of an instant, in local time.
pub fn weekday(days: Days, secs: i64) -> usize {
    let local = secs + days.zone.offset_at(secs * 1000) as i64;
    // 1970-01-01 was a Thursday.
    (local.div_euclid(86_400) + 3).rem_euclid(7) as usize
}

/// Anki's `calculate_easy_days_modifiers`: a reduced day is switched off
/// (minimum) when it already holds more than its share of the range's
/// cards, else on (normal).
fn easy_days_modifiers(easy: &[EasyDay; 7], weekdays: &[usize], counts: &[usize]) -> Vec<f32> {
    let total: usize = counts.iter().sum();
    let total_percents: f32 = weekdays.iter().map(|&w| easy[w].load_modifier()).sum();
    weekdays
        .iter()
        .zip(counts)
        .map(|(&w, &n)| {
            let day = match easy[w] {
                EasyDay::Reduced => {
                    const HALF: f32 = 0.5;
                    let others = (total - n) as f32;
                    let threshold = others / (total_percents - HALF);
                    if n as f32 / HALF > threshold {
                        EasyDay::Minimum
                    } else {
                        EasyDay::Normal
                    }
                }
                other => other,
            };
            day.load_modifier()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> Days {
        Days::fixed(0, 4)
    }

    #[test]
    fn rescheduling_avoids_loaded_days_and_never_lands_in_the_past() {
        let days = utc();
        let now = days.start_of(100) + 3_600_000;
        // Twenty cards due on each day 101-110 but one, 106.
        let due = (101..=110).filter(|d| *d != 106).flat_map(|d| [d; 20]);
        let mut load = RescheduleLoad::new(days, now, due, 0, [1.0; 7]);
        // Last answered 2 days ago; FSRS says 8 days: range 6-10 from the
        // answer, days 104-108; 106, 8 days after the answer, is free.
        assert_eq!(load.find_interval(8.0, 1, 36_500, 2, Some(7)), Some(8));
        // Without a seed (fuzz off), or a range wholly in the past: none.
        assert_eq!(load.find_interval(8.0, 1, 36_500, 2, None), None);
        assert_eq!(load.find_interval(8.0, 1, 36_500, 20, Some(7)), None);
        // A card moved onto 106 counts there.
        load.moved(120, 106);
        assert_eq!(load.due.get(&106), Some(&1));
    }

    #[test]
    fn easy_days_parse() {
        assert_eq!(parse_easy_days("1 1 1 1 1 0 0.5").unwrap()[6], 0.5);
        assert!(parse_easy_days("1 1 1").is_err());
        assert!(parse_easy_days("1 1 1 1 1 1 2").is_err());
        assert!(parse_easy_days("1 1 1 1 1 1 x").is_err());
    }

    #[test]
    fn an_empty_deck_or_a_long_interval_is_left_to_fuzz() {
        let lb = LoadBalancer::new(utc(), 100, [], [1.0; 7]);
        assert_eq!(lb.find_interval(10.0, 1, 100, Some(1), 100, 0), None);
        let lb = LoadBalancer::new(utc(), 100, [105], [1.0; 7]);
        assert_eq!(lb.find_interval(91.0, 1, 1000, Some(1), 100, 0), None);
        assert_eq!(lb.find_interval(10.0, 1, 100, None, 100, 0), None);
        assert!(lb.find_interval(10.0, 1, 100, Some(1), 100, 0).is_some());
    }

    #[test]
    fn busy_days_are_avoided() {
        // Days 8–12 are the range of 10; all but day 11 are crowded.
        let due = (8..=12)
            .filter(|d| *d != 11)
            .flat_map(|d| std::iter::repeat_n(100 + d, 30));
        let lb = LoadBalancer::new(utc(), 100, due, [1.0; 7]);
        for seed in 0..50 {
            assert_eq!(lb.find_interval(10.0, 1, 100, Some(seed), 100, 0), Some(11));
        }
    }

    #[test]
    fn minimum_easy_days_are_avoided_when_others_are_loaded_alike() {
        // Every day has one card; next_day_at 0 = Thursday 1970-01-01, so
        // interval i falls on weekday (i - 1 + 3) % 7.
        let lb = LoadBalancer::new(utc(), 0, 0..99, {
            let mut e = [1.0; 7];
            e[5] = 0.0; // Saturday
            e[6] = 0.0; // Sunday
            e
        });
        for seed in 0..100 {
            let ivl = lb.find_interval(10.0, 1, 100, Some(seed), 0, 0).unwrap();
            let wd = (ivl as usize - 1 + 3) % 7;
            assert!(wd < 5, "interval {ivl} on weekday {wd}");
        }
    }

    #[test]
    fn weekdays_follow_the_local_date() {
        // 2026-12-07 04:00 UTC is a Monday.
        let secs = 1_796_616_000;
        assert_eq!(weekday(utc(), secs), 0);
        assert_eq!(weekday(Days::fixed(-5 * 3600, 4), secs), 6);
    }
}
