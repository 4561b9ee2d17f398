//! Interval fuzz, exactly as Anki's `states/fuzz.rs` and
//! `answering/learning.rs` do it.
//!
//! Review intervals move within ±(1 + 15 % of days 2.5–7 + 10 % of days
//! 7–20 + 5 % beyond 20) days; intervals under 2.5 days have no range of
//! their own, but the range is taken after the interval has been lifted to
//! its minimum, and is widened to two days when the minimum allows. The
//! position in the range is a fuzz factor in `0..1` drawn from a seed (the
//! card and its review count), so showing the choices again gives the same
//! result. Learning steps get up to 25 % more, at most 5 minutes.

use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// How far an interval may move either way.
pub fn fuzz_delta(interval: f32) -> f32 {
    if interval < 2.5 {
        return 0.0;
    }
    1.0 + 0.15 * (interval.min(7.0) - 2.5).max(0.0)
        + 0.10 * (interval.min(20.0) - 7.0).max(0.0)
        + 0.05 * (interval - 20.0).max(0.0)
}

/// The range an interval may land in, kept within `[minimum, maximum]`
/// (Anki's `constrained_fuzz_bounds`): the interval is first lifted to the
/// minimum, and a one-day range above 2 days is widened to two.
pub fn fuzz_bounds(interval: f32, minimum: u32, maximum: u32) -> (u32, u32) {
    let minimum = minimum.min(maximum);
    let interval = interval.clamp(minimum as f32, maximum as f32);
    let delta = fuzz_delta(interval);
    let lower = ((interval - delta).round() as u32).clamp(minimum, maximum);
    let mut upper = ((interval + delta).round() as u32).clamp(minimum, maximum);
    if upper == lower && upper > 2 && upper < maximum {
        upper = lower + 1;
    }
    (lower, upper)
}

/// The fuzz factor in `0..1` for a seed (Anki: card id + reps).
pub fn fuzz_factor(seed: u64) -> f32 {
    StdRng::seed_from_u64(seed).random_range(0.0..1.0)
}

/// A whole-day interval from a raw one (Anki's `with_review_fuzz`): with
/// a fuzz factor, a position in [`fuzz_bounds`]; without, rounded and
/// clamped to `[minimum, maximum]`.
pub fn with_review_fuzz(factor: Option<f32>, interval: f32, minimum: u32, maximum: u32) -> u32 {
    let minimum = minimum.min(maximum);
    match factor {
        Some(f) => {
            let (lower, upper) = fuzz_bounds(interval, minimum, maximum);
            (lower as f32 + f * ((1 + upper - lower) as f32)).floor() as u32
        }
        None => (interval.round() as u32).clamp(minimum, maximum),
    }
}

/// The least interval a review answer may get, from the card's previous
/// interval (Anki's `minimum_review_fuzz_interval`): one more day when the
/// new interval rounds above the previous one; the previous interval when
/// it lies within the new one's fuzz range (so an interval that barely
/// grew is not shortened); no floor when the interval shrank further.
pub fn minimum_review_fuzz_interval(interval: f32, previous: u32, maximum: u32) -> u32 {
    let rounded = interval.round() as u32;
    let (_, upper) = fuzz_bounds(interval, 1, maximum);
    if rounded > previous {
        previous + 1
    } else if previous <= upper {
        previous
    } else {
        0
    }
}

/// A learning step with fuzz (Anki's `learning_ivl_with_fuzz`): up to 25 %
/// more, at most 5 minutes more, drawn from the seed.
pub fn learning_step_with_fuzz(seed: Option<u64>, secs: u32) -> u32 {
    let Some(seed) = seed else { return secs };
    let upper_exclusive = secs.saturating_add(((secs as f32) * 0.25).min(300.0).floor() as u32);
    if secs >= upper_exclusive {
        secs
    } else {
        StdRng::seed_from_u64(seed).random_range(secs..upper_exclusive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Anki's own cases from `fuzz.rs` (lower, middle, upper).
    #[test]
    fn anki_ranges() {
        let check = |ivl: f32, min: u32, max: u32, expect: [u32; 3]| {
            let got = [0.0, 0.5, 0.99].map(|f| with_review_fuzz(Some(f), ivl, min, max));
            assert_eq!(got, expect, "{ivl} in [{min}, {max}]");
        };
        check(1.0, 1, 1000, [1, 1, 1]);
        check(2.49, 1, 1000, [2, 2, 2]);
        check(2.5, 1, 1000, [2, 3, 4]);
        check(7.0, 1, 1000, [5, 7, 9]);
        check(17.0, 1, 1000, [14, 17, 20]);
        check(37.0, 1, 1000, [33, 37, 41]);
        check(2.0, 2, 1000, [2, 2, 2]);
        check(2.0, 3, 1000, [3, 4, 4]);
        check(2.0, 3, 3, [3, 3, 3]);
        check(6.9, 3, 1000, [5, 7, 9]);
        check(19.9, 3, 1000, [17, 20, 23]);
        check(100.0, 101, 1000, [101, 105, 108]);
        check(100.0, 1, 99, [92, 96, 99]);
        check(100.0, 97, 103, [97, 100, 103]);
        assert_eq!(with_review_fuzz(None, 1.5, 1, 100), 2);
        assert_eq!(with_review_fuzz(None, 101.0, 1, 100), 100);
    }

    #[test]
    fn minimum_keeps_a_barely_grown_interval() {
        assert_eq!(minimum_review_fuzz_interval(2.726_948_3, 4, 36500), 4);
        assert_eq!(minimum_review_fuzz_interval(2.726_948_3, 5, 36500), 0);
        assert_eq!(minimum_review_fuzz_interval(4.591_988, 4, 36500), 5);
    }

    #[test]
    fn learning_steps_get_up_to_a_quarter_more() {
        for seed in 0..500 {
            let s = learning_step_with_fuzz(Some(seed), 600);
            assert!((600..750).contains(&s), "{s}");
            let long = learning_step_with_fuzz(Some(seed), 86_400);
            assert!((86_400..86_700).contains(&long), "{long}");
        }
        assert_eq!(learning_step_with_fuzz(None, 600), 600);
        assert_eq!(learning_step_with_fuzz(Some(1), 3), 3);
    }

    #[test]
    fn factor_is_deterministic_and_in_range() {
        for seed in 0..200 {
            let f = fuzz_factor(seed);
            assert_eq!(f, fuzz_factor(seed));
            assert!((0.0..1.0).contains(&f));
        }
    }
}
