//! Which items need the teacher's attention, each flag with its reason.
//! Thresholds follow Moodle (discriminative efficiency below 15 is
//! "dubious"; a discrimination index below 30 "very likely" needs
//! checking) and the Open University's facility bands. Nothing is flagged
//! below the minimum class size: with few students every index is noise.

use serde::Serialize;

use super::distractors::Distractors;
use super::item_analysis::ItemStats;

/// Default minimum class size for flags.
pub const DEFAULT_MIN_CLASS_SIZE: usize = 10;
/// Discriminative efficiency below this is dubious (Moodle).
pub const MIN_EFFICIENCY: f64 = 15.0;
/// A discrimination index below this very likely needs checking (Moodle's
/// question bank, "Needs checking?").
pub const MIN_DISCRIMINATION: f64 = 30.0;
/// A discrimination index below this (and at least [`MIN_DISCRIMINATION`])
/// likely needs checking (Moodle).
pub const FAIR_DISCRIMINATION: f64 = 50.0;

/// Moodle's "Needs checking?" band for a discrimination index (%).
pub fn needs_checking(discrimination_index: f64) -> &'static str {
    if discrimination_index < MIN_DISCRIMINATION {
        "very likely"
    } else if discrimination_index < FAIR_DISCRIMINATION {
        "likely"
    } else {
        "unlikely"
    }
}
/// Facility at or above this is very easy.
pub const VERY_EASY: f64 = 90.0;
/// Facility at or below this is very hard.
pub const VERY_HARD: f64 = 10.0;

/// One reason to look at an item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    /// Stable code, for scripts.
    pub code: &'static str,
    /// The reason, for people.
    pub reason: String,
}

fn flag(code: &'static str, reason: String) -> Flag {
    Flag { code, reason }
}

/// The flags of one item; `answered` is how many students gave any
/// response to it. An item nobody answered gets only that flag: its
/// indices describe the blanks, not the item.
pub fn flags(stats: &ItemStats, distractors: Option<&Distractors>, answered: usize) -> Vec<Flag> {
    let mut out = Vec::new();
    if answered == 0 {
        out.push(flag(
            "unanswered",
            format!(
                "nobody answered this item ({} blank): was there time to reach it, and is it on the form students saw?",
                stats.n
            ),
        ));
        return out;
    }
    if let Some(e) = stats.discriminative_efficiency
        && e < MIN_EFFICIENCY
    {
        out.push(flag(
            "low-efficiency",
            format!("discriminative efficiency {e:.1} is below {MIN_EFFICIENCY}"),
        ));
    }
    match stats.discrimination_index {
        Some(d) if d < 0.0 => out.push(flag(
            "negative-discrimination",
            format!(
                "discrimination index {d:.1} is negative: students who did well on the rest of the test did worse here; check the key"
            ),
        )),
        Some(d) if d < MIN_DISCRIMINATION => out.push(flag(
            "low-discrimination",
            format!("discrimination index {d:.1} is below {MIN_DISCRIMINATION}: very likely needs checking"),
        )),
        Some(d) if d < FAIR_DISCRIMINATION => out.push(flag(
            "fair-discrimination",
            format!("discrimination index {d:.1} is below {FAIR_DISCRIMINATION}: likely needs checking"),
        )),
        _ => {}
    }
    if let Some(d) = distractors {
        let key_upper = d
            .options
            .iter()
            .filter(|o| o.key)
            .map(|o| o.upper)
            .fold(0.0, f64::max);
        for o in d.options.iter().filter(|o| !o.key) {
            if o.upper > key_upper {
                out.push(flag(
                    "check-key",
                    format!(
                        "distractor {}) was chosen by {} of the top group, more than the key ({}): check the key",
                        o.label,
                        group_count(o.upper),
                        group_count(key_upper)
                    ),
                ));
            }
            if let Some(r) = o.rest_correlation
                && r > 0.0
            {
                out.push(flag(
                    "positive-distractor",
                    format!(
                        "distractor {}) correlates positively with the rest of the test (r = {r:.2}): students who did well elsewhere chose it; is it also right, or is the item ambiguous?",
                        o.label
                    ),
                ));
            }
            if o.count == 0 {
                out.push(flag(
                    "unused-distractor",
                    format!("distractor {}) was chosen by nobody", o.label),
                ));
            }
        }
    }
    match stats.facility {
        Some(f) if f >= VERY_EASY => {
            out.push(flag("very-easy", format!("facility {f:.1} %: very easy")))
        }
        Some(f) if f <= VERY_HARD => out.push(flag(
            "very-hard",
            format!("facility {f:.1} %: very hard (or faulty)"),
        )),
        _ => {}
    }
    out
}

/// A (possibly fractional) group count as printed: "2", "1.5".
pub fn group_count(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::distractors::OptionStats;

    fn option(label: &str, key: bool, count: usize, upper: f64) -> OptionStats {
        OptionStats {
            label: label.into(),
            text: label.into(),
            key,
            count,
            percent: 0.0,
            upper,
            lower: 0.0,
            mean_total: None,
            rest_correlation: None,
        }
    }

    fn stats(facility: f64, di: f64, de: f64) -> ItemStats {
        ItemStats {
            n: 20,
            facility: Some(facility),
            sd: None,
            random_guess: None,
            intended_weight: 10.0,
            effective_weight: None,
            negative_covariance: false,
            discrimination_index: Some(di),
            discriminative_efficiency: Some(de),
            point_biserial: None,
            upper_lower: None,
        }
    }

    #[test]
    fn a_distractor_the_top_group_prefers_means_check_the_key() {
        let d = Distractors {
            options: vec![option("a", true, 5, 1.0), option("b", false, 9, 4.0)],
            blank: 0,
            unreadable: 0,
        };
        let f = flags(&stats(50.0, 55.0, 60.0), Some(&d), 14);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "check-key");
        assert!(
            f[0].reason
                .contains("b) was chosen by 4 of the top group, more than the key (1)")
        );
    }

    #[test]
    fn thresholds() {
        let codes = |s: ItemStats| {
            flags(&s, None, 20)
                .iter()
                .map(|f| f.code)
                .collect::<Vec<_>>()
        };
        assert!(codes(stats(50.0, 50.0, 15.0)).is_empty());
        assert_eq!(codes(stats(50.0, 30.0, 15.0)), ["fair-discrimination"]);
        assert_eq!(
            codes(stats(50.0, 29.9, 14.9)),
            ["low-efficiency", "low-discrimination"]
        );
        assert_eq!(codes(stats(95.0, 60.0, 50.0)), ["very-easy"]);
        assert_eq!(codes(stats(5.0, 60.0, 50.0)), ["very-hard"]);
        assert_eq!(needs_checking(29.9), "very likely");
        assert_eq!(needs_checking(30.0), "likely");
        assert_eq!(needs_checking(50.0), "unlikely");
    }

    #[test]
    fn an_item_nobody_answered_says_so_and_nothing_else() {
        let f = flags(&stats(0.0, 10.0, 5.0), None, 0);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "unanswered");
        assert!(f[0].reason.contains("nobody answered"));
    }

    #[test]
    fn a_distractor_chosen_by_the_strong_students_is_flagged() {
        let mut b = option("b", false, 3, 0.0);
        b.rest_correlation = Some(0.3);
        let d = Distractors {
            options: vec![option("a", true, 5, 1.0), b],
            blank: 0,
            unreadable: 0,
        };
        let codes: Vec<_> = flags(&stats(50.0, 60.0, 60.0), Some(&d), 8)
            .iter()
            .map(|f| f.code)
            .collect();
        assert_eq!(codes, ["positive-distractor"]);
    }
}
