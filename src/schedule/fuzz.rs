//! Interval fuzz with Anki's ranges: intervals under 2.5 days are kept;
//! longer ones move within ±(1 + 15 % of days 2.5–7 + 10 % of days 7–20 +
//! 5 % beyond 20). The position in the range is drawn deterministically
//! from a seed (the card and its review count), so showing the choices
//! again gives the same result.

use rand::Rng;
use rand::SeedableRng;

/// How far an interval may move either way.
pub fn fuzz_delta(interval: f32) -> f32 {
    if interval < 2.5 {
        return 0.0;
    }
    1.0 + 0.15 * (interval.min(7.0) - 2.5).max(0.0)
        + 0.10 * (interval.min(20.0) - 7.0).max(0.0)
        + 0.05 * (interval - 20.0).max(0.0)
}

/// The range an interval may land in, kept within `[minimum, maximum]`.
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

/// A whole-day interval from a raw one: rounded, clamped to
/// `[minimum, maximum]`, and fuzzed when `seed` is given.
pub fn fuzzed_interval(interval: f32, minimum: u32, maximum: u32, seed: Option<u64>) -> u32 {
    let minimum = minimum.min(maximum);
    match seed {
        None => (interval.round() as u32).clamp(minimum, maximum),
        Some(seed) if interval >= 2.5 => {
            let (lower, upper) = fuzz_bounds(interval, minimum, maximum);
            let factor: f32 = rand::rngs::StdRng::seed_from_u64(seed).random();
            let span = (upper - lower + 1) as f32;
            (lower + (factor * span).floor() as u32).min(upper)
        }
        Some(_) => (interval.round() as u32).clamp(minimum, maximum),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anki_ranges() {
        assert_eq!(fuzz_bounds(2.0, 1, 36500), (2, 2));
        assert_eq!(fuzz_bounds(10.0, 1, 36500), (8, 12));
        assert_eq!(fuzz_bounds(100.0, 1, 36500), (93, 107));
        assert_eq!(fuzz_bounds(36500.0, 1, 36500).1, 36500);
    }

    #[test]
    fn fuzz_is_deterministic_and_in_range() {
        for seed in 0..200 {
            let a = fuzzed_interval(30.0, 1, 36500, Some(seed));
            assert_eq!(a, fuzzed_interval(30.0, 1, 36500, Some(seed)));
            let (lo, hi) = fuzz_bounds(30.0, 1, 36500);
            assert!((lo..=hi).contains(&a));
        }
        assert_eq!(fuzzed_interval(30.4, 1, 36500, None), 30);
        assert_eq!(fuzzed_interval(0.2, 1, 36500, Some(1)), 1);
    }
}
