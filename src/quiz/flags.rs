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
/// A discrimination index below this likely needs checking (Moodle).
pub const MIN_DISCRIMINATION: f64 = 30.0;
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

/// The flags of one item.
pub fn flags(stats: &ItemStats, distractors: Option<&Distractors>) -> Vec<Flag> {
    let mut out = Vec::new();
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
            format!("discrimination index {d:.1} is below {MIN_DISCRIMINATION}: likely needs checking"),
        )),
        _ => {}
    }
    if let Some(d) = distractors {
        let key_upper = d
            .options
            .iter()
            .filter(|o| o.key)
            .map(|o| o.upper)
            .max()
            .unwrap_or(0);
        for o in d.options.iter().filter(|o| !o.key) {
            if o.upper > key_upper {
                out.push(flag(
                    "check-key",
                    format!(
                        "distractor {}) was chosen by {} of the top group, more than the key ({key_upper}): check the key",
                        o.label, o.upper
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
