//! Whole-test statistics, as Moodle's quiz statistics report computes them
//! (CLASSROOM.md §1.3): N, mean, median, SD, skewness and kurtosis from
//! k-statistics, the coefficient of internal consistency (Cronbach's α,
//! which is KR-20 for right/wrong items), error ratio and standard error.

use serde::Serialize;

use super::item_analysis::Marks;
use super::stats::mean;
use super::stats::median;
use super::stats::variance;

/// The test's statistics. Scores are in marks (one per item).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestStats {
    /// Number of attempts.
    pub n: usize,
    /// Number of items (the maximum score).
    pub items: usize,
    /// Mean score.
    pub mean: Option<f64>,
    /// Median score.
    pub median: Option<f64>,
    /// Standard deviation (divisor S−1).
    pub sd: Option<f64>,
    /// Skewness k3/k2^1.5 (needs S > 2).
    pub skewness: Option<f64>,
    /// Excess kurtosis k4/k2² (needs S > 3).
    pub kurtosis: Option<f64>,
    /// Coefficient of internal consistency (Cronbach's α = KR-20 here), %.
    pub cic: Option<f64>,
    /// Error ratio, %.
    pub error_ratio: Option<f64>,
    /// Standard error, in marks.
    pub standard_error: Option<f64>,
    /// What the numbers above mean where they are unusual or undefined,
    /// in plain words.
    pub notes: Vec<String>,
}

/// Computes the test statistics.
pub fn test_stats(marks: &Marks, items: usize) -> TestStats {
    let t = &marks.totals;
    let s = t.len() as f64;
    let m = mean(t);
    let moment = |r: i32| m.map(|m| t.iter().map(|x| (x - m).powi(r)).sum::<f64>() / s);
    let k2 = variance(t);
    let sd = k2.map(f64::sqrt);
    let skewness = match (k2, moment(3)) {
        (Some(k2), Some(m3)) if t.len() > 2 && k2 > 0.0 => {
            let k3 = s * s * m3 / ((s - 1.0) * (s - 2.0));
            Some(k3 / k2.powf(1.5))
        }
        _ => None,
    };
    let kurtosis = match (k2, moment(2), moment(4)) {
        (Some(k2), Some(m2), Some(m4)) if t.len() > 3 && k2 > 0.0 => {
            let k4 = s * s * ((s + 1.0) * m4 - 3.0 * (s - 1.0) * m2 * m2)
                / ((s - 1.0) * (s - 2.0) * (s - 3.0));
            Some(k4 / (k2 * k2))
        }
        _ => None,
    };
    let p = items as f64;
    let item_var: Option<f64> = (0..items).map(|i| variance(&marks.item(i))).sum();
    // Moodle leaves the consistency figures undefined until there are more
    // than two attempts: with two, any pair of totals gives a number, and
    // it means nothing.
    let cic = match (k2, item_var) {
        (Some(k2), Some(v)) if items > 1 && k2 > 0.0 && t.len() > 2 => {
            Some(100.0 * p / (p - 1.0) * (1.0 - v / k2))
        }
        _ => None,
    };
    // α ≤ 1 always, so 1 − CIC/100 ≥ 0 up to rounding; guard it anyway
    // so a rounding error never prints NaN.
    let error_ratio = cic.and_then(|c| {
        let r = 1.0 - c / 100.0;
        (r >= 0.0).then(|| 100.0 * r.sqrt())
    });
    let mut notes = Vec::new();
    if t.len() <= 2 {
        notes.push(format!(
            "with {} attempt{}, internal consistency (α), the error ratio and the standard error are undefined, as in Moodle: they need more than two",
            t.len(),
            if t.len() == 1 { "" } else { "s" }
        ));
    } else if k2 == Some(0.0) {
        notes.push(
            "every student has the same total: the test does not separate students, so α and the indices that compare students are undefined".into(),
        );
    }
    if let Some(c) = cic
        && c < 0.0
    {
        notes.push(format!(
            "α is negative ({c:.1} %): the items pull in different directions (students who do well on some do badly on others), which usually means a miskeyed or ambiguous item, or items on unrelated topics; the error ratio is then over 100 %, meaning the total is more noise than measurement"
        ));
    }
    TestStats {
        n: t.len(),
        items,
        mean: m,
        median: median(t),
        sd,
        skewness,
        kurtosis,
        cic,
        error_ratio,
        standard_error: match (error_ratio, sd) {
            (Some(er), Some(sd)) => Some(er * sd / 100.0),
            _ => None,
        },
        notes,
    }
}
