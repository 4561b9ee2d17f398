//! Distractor analysis for choice items: per shown option, how many chose
//! it, how many of the upper and lower 27 % groups did, their mean total,
//! and the correlation of choosing it with the rest score (a good
//! distractor correlates negatively; a positive one hints at a miskey).

use serde::Serialize;

use super::item_analysis::Groups;
use super::item_analysis::Marks;
use super::stats::correlation;
use super::stats::mean;
use crate::grade::Presentation;
use crate::grade::chosen_positions;
use crate::grade::label;

/// One option of one item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionStats {
    /// Its label as shown (a, b, c…).
    pub label: String,
    /// Its text.
    pub text: String,
    /// Whether it is a right option.
    pub key: bool,
    /// How many students chose it.
    pub count: usize,
    /// Share of students who chose it, %.
    pub percent: f64,
    /// How many of the upper group chose it (fractional where students
    /// tied at the group's edge share its places).
    pub upper: f64,
    /// How many of the lower group chose it (fractional likewise).
    pub lower: f64,
    /// Mean total score of those who chose it.
    pub mean_total: Option<f64>,
    /// r(chose it, rest score).
    pub rest_correlation: Option<f64>,
}

/// The options of a choice item, and the responses that named none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distractors {
    /// Per shown option.
    pub options: Vec<OptionStats>,
    /// Students who left it blank.
    pub blank: usize,
    /// Students whose response named no option.
    pub unreadable: usize,
}

/// Which shown options a response names, each once (read as the grader
/// reads it); `None` when it names none.
pub fn chosen(response: &str, shown: &Presentation) -> Option<Vec<usize>> {
    let mut out: Vec<usize> = Vec::new();
    for p in chosen_positions(response, &shown.options).ok()? {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    Some(out)
}

/// Analyses the options of choice item `i`. `responses[s]` is student s's
/// response; `correct` the deck indices of the right options.
pub fn analyse_options(
    i: usize,
    shown: &Presentation,
    correct: &[usize],
    responses: &[Option<&str>],
    marks: &Marks,
    groups: Option<&Groups>,
) -> Distractors {
    let s = responses.len();
    let rest = marks.rest(i);
    let mut blank = 0;
    let mut unreadable = 0;
    let mut picks: Vec<Vec<f64>> = vec![vec![0.0; s]; shown.options.len()];
    // A class gives a handful of distinct responses to a choice item: each
    // is read once.
    let mut read: std::collections::HashMap<&str, Option<Vec<usize>>> = Default::default();
    for (st, r) in responses.iter().enumerate() {
        match r.map(str::trim).filter(|r| !r.is_empty()) {
            None => blank += 1,
            Some(r) => match read.entry(r).or_insert_with(|| chosen(r, shown)) {
                Some(ps) => ps.iter().for_each(|&p| picks[p][st] = 1.0),
                None => unreadable += 1,
            },
        }
    }
    let options = shown
        .options
        .iter()
        .enumerate()
        .map(|(p, text)| {
            let chose = &picks[p];
            let who: Vec<usize> = (0..s).filter(|&st| chose[st] > 0.0).collect();
            let totals: Vec<f64> = who.iter().map(|&st| marks.totals[st]).collect();
            OptionStats {
                label: label(p).to_string(),
                text: text.clone(),
                key: correct.contains(&shown.order[p]),
                count: who.len(),
                percent: if s == 0 {
                    0.0
                } else {
                    100.0 * who.len() as f64 / s as f64
                },
                upper: groups.map_or(0.0, |g| Groups::count(&g.upper, chose)),
                lower: groups.map_or(0.0, |g| Groups::count(&g.lower, chose)),
                mean_total: mean(&totals),
                rest_correlation: correlation(chose, &rest),
            }
        })
        .collect();
    Distractors {
        options,
        blank,
        unreadable,
    }
}
