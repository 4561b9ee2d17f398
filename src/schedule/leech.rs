//! Leeches, as in Anki: a card forgotten `threshold` times (default 8) is
//! a leech, and it is flagged again every `ceil(threshold / 2)` lapses
//! after that. docket only tells the student (Anki's default action tags
//! the card and keeps it in rotation).

/// Anki's default leech threshold.
pub const DEFAULT_LEECH_THRESHOLD: u32 = 8;

/// Whether reaching `lapses` makes the card a (renewed) leech.
pub fn is_leech(lapses: u32, threshold: u32) -> bool {
    if threshold == 0 || lapses < threshold {
        return false;
    }
    let every = threshold.div_ceil(2);
    (lapses - threshold).is_multiple_of(every)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_at_the_threshold_and_every_half_after() {
        let fired: Vec<u32> = (0..20).filter(|&l| is_leech(l, 8)).collect();
        assert_eq!(fired, [8, 12, 16]);
        assert!(!is_leech(5, 0));
        assert_eq!(
            (0..10).filter(|&l| is_leech(l, 3)).collect::<Vec<_>>(),
            [3, 5, 7, 9]
        );
    }
}
