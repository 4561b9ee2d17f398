//! Per-item statistics, as Moodle's quiz statistics report defines them
//! (see /work/shared/CLASSROOM.md §1.2), plus Kelley's upper/lower 27 %
//! index. Marks are 0 or 1 per item, so every item's maximum is 1.
//!
//! With x_i the item's marks, T the totals and X_i = T − x_i the rest of
//! the test, all (co)variances with divisor (S−1):
//! - facility = 100·mean(x_i)
//! - SD = 100·sqrt(V(x_i))
//! - discrimination index = 100·C(x_i, X_i)/sqrt(V(x_i)·V(X_i))
//! - discriminative efficiency = 100·C(x_i, X_i)/C_max(x_i, X_i)
//! - effective weight = 100·sqrt(C(x_i, T))/Σ_{C ≥ 0} sqrt(C(x_j, T))
//! - point-biserial = 100·r(x_i, T) (uncorrected)
//! - upper − lower = weighted facility of the top 27 % minus the bottom
//!   27 % ([`extreme_groups`]: ties at the cut share places fractionally)

use serde::Serialize;

use super::stats::correlation;
use super::stats::covariance;
use super::stats::max_covariance;
use super::stats::mean;
use super::stats::variance;

/// Item marks: `marks[s][i]` is student s's mark on item i (0 or 1).
#[derive(Debug, Clone)]
pub struct Marks {
    /// One row per student.
    pub marks: Vec<Vec<f64>>,
    /// Row totals.
    pub totals: Vec<f64>,
}

impl Marks {
    /// Builds the totals.
    pub fn new(marks: Vec<Vec<f64>>) -> Self {
        let totals = marks.iter().map(|r| r.iter().sum()).collect();
        Marks { marks, totals }
    }

    /// Number of students.
    pub fn students(&self) -> usize {
        self.marks.len()
    }

    /// Column i.
    pub fn item(&self, i: usize) -> Vec<f64> {
        self.marks.iter().map(|r| r[i]).collect()
    }

    /// Totals without item i.
    pub fn rest(&self, i: usize) -> Vec<f64> {
        self.marks
            .iter()
            .zip(&self.totals)
            .map(|(r, t)| t - r[i])
            .collect()
    }
}

/// One item's statistics. Percentages are 0–100; `None` is undefined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemStats {
    /// Students counted.
    pub n: usize,
    /// Facility index, %.
    pub facility: Option<f64>,
    /// Standard deviation of the item's marks, % of its maximum.
    pub sd: Option<f64>,
    /// Random guess score, % (`None` for multiple-answer choices, as in Moodle).
    pub random_guess: Option<f64>,
    /// Intended weight, %.
    pub intended_weight: f64,
    /// Effective weight, %; `None` when its covariance with the total is negative.
    pub effective_weight: Option<f64>,
    /// Whether the item's covariance with the total is negative.
    pub negative_covariance: bool,
    /// Discrimination index (corrected item-total r), %.
    pub discrimination_index: Option<f64>,
    /// Discriminative efficiency, %.
    pub discriminative_efficiency: Option<f64>,
    /// Uncorrected point-biserial r(item, total), %: inflated by the item
    /// counting in its own total, shown beside the discrimination index.
    pub point_biserial: Option<f64>,
    /// Upper-minus-lower 27 % index, −1 to 1; `None` when the groups mean
    /// nothing (a single student, or every total the same).
    pub upper_lower: Option<f64>,
}

/// The upper and lower groups for the 27 % index, as weights: `upper[s]`
/// is how much of student s belongs to the upper group (0 to 1), and the
/// weights of each group sum to its size.
#[derive(Debug, Clone, PartialEq)]
pub struct Groups {
    /// Students' weights in the upper group.
    pub upper: Vec<f64>,
    /// Students' weights in the lower group.
    pub lower: Vec<f64>,
    /// Students in each group: g = round(0.27·S), halves rounded up.
    pub size: f64,
}

impl Groups {
    /// The weighted mean of `x` over the upper group minus that over the lower.
    pub fn difference(&self, x: &[f64]) -> f64 {
        self.share(&self.upper, x) - self.share(&self.lower, x)
    }

    /// How many of a group (weighted) have `x` = 1.
    pub fn count(weights: &[f64], x: &[f64]) -> f64 {
        weights.iter().zip(x).map(|(w, v)| w * v).sum()
    }

    fn share(&self, weights: &[f64], x: &[f64]) -> f64 {
        Groups::count(weights, x) / self.size
    }
}

/// Kelley's upper and lower groups: g = round(0.27·S) students each, from
/// the totals ranked high to low. Students tied on the total at a group's
/// edge share the group's remaining places equally (fractional
/// membership), so no statistic depends on names or on the order of the
/// result files. `None` when there is no group (one student) or the index
/// means nothing (every student has the same total).
pub fn extreme_groups(totals: &[f64]) -> Option<Groups> {
    let s = totals.len();
    let g = (0.27 * s as f64).round() as usize;
    if g == 0 || totals.iter().all(|t| *t == totals[0]) {
        return None;
    }
    let mut sorted = totals.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let weights = |boundary: f64, better: &dyn Fn(f64) -> bool| -> Vec<f64> {
        let sure = totals.iter().filter(|&&t| better(t)).count();
        let tied = totals.iter().filter(|&&t| t == boundary).count();
        let share = (g - sure) as f64 / tied as f64;
        totals
            .iter()
            .map(|&t| {
                if better(t) {
                    1.0
                } else if t == boundary {
                    share
                } else {
                    0.0
                }
            })
            .collect()
    };
    let top = sorted[g - 1];
    let bottom = sorted[s - g];
    Some(Groups {
        upper: weights(top, &|t| t > top),
        lower: weights(bottom, &|t| t < bottom),
        size: g as f64,
    })
}

/// Statistics of every item.
pub fn analyse(marks: &Marks, random_guess: &[Option<f64>]) -> Vec<ItemStats> {
    let items = random_guess.len();
    let s = marks.students();
    let groups = extreme_groups(&marks.totals);
    let cov_total: Vec<Option<f64>> = (0..items)
        .map(|i| covariance(&marks.item(i), &marks.totals))
        .collect();
    let weight_sum: f64 = cov_total
        .iter()
        .flatten()
        .filter(|c| **c >= 0.0)
        .map(|c| c.sqrt())
        .sum();
    (0..items)
        .map(|i| {
            let x = marks.item(i);
            let rest = marks.rest(i);
            let c_rest = covariance(&x, &rest);
            let c_max = max_covariance(&x, &rest);
            let negative_covariance = cov_total[i].is_some_and(|c| c < 0.0);
            ItemStats {
                n: s,
                facility: mean(&x).map(|m| 100.0 * m),
                sd: variance(&x).map(|v| 100.0 * v.sqrt()),
                random_guess: random_guess[i].map(|g| 100.0 * g),
                intended_weight: 100.0 / items as f64,
                effective_weight: match cov_total[i] {
                    Some(c) if c >= 0.0 && weight_sum > 0.0 => Some(100.0 * c.sqrt() / weight_sum),
                    _ => None,
                },
                negative_covariance,
                discrimination_index: correlation(&x, &rest).map(|r| 100.0 * r),
                discriminative_efficiency: match (c_rest, c_max) {
                    (Some(c), Some(m)) if m > 0.0 => Some(100.0 * c / m),
                    _ => None,
                },
                point_biserial: correlation(&x, &marks.totals).map(|r| 100.0 * r),
                upper_lower: groups.as_ref().map(|g| g.difference(&x)),
            }
        })
        .collect()
}
