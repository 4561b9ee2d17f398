//! Calibration: how well a schedule's predictions matched the student's
//! own answers, computed as the open-spaced-repetition srs-benchmark
//! computes its metrics: for every review at least a day after the one
//! before (the optimiser's training items), FSRS predicts recall from the
//! card's earlier reviews; log loss is the mean binary cross-entropy,
//! RMSE(bins) the count-weighted root mean square gap between mean
//! prediction and recall rate over the benchmark's bins (interval, review
//! count, lapses), AUC the area under the ROC curve. Also a calibration
//! chart: predicted against actual recall in ten bins of predicted recall.
//! Unlike the crate's `evaluate` (Anki's numbers), nothing is weighted by
//! recency.

use std::collections::BTreeMap;
use std::collections::HashMap;

use fsrs::FSRS;
use fsrs::FSRSItem;
use fsrs::MemoryState;
use serde::Serialize;

use super::optimize::OptimizeError;
use super::optimize::training_items;
use crate::store::LogEntry;

/// One bin of the calibration chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CalibrationBin {
    /// Lower bound of predicted recall (0.0, 0.1, … 0.9).
    pub from: f32,
    /// Mean predicted recall in the bin.
    pub predicted: f32,
    /// Share of reviews recalled (Hard, Good or Easy) in the bin.
    pub actual: f32,
    /// Reviews in the bin.
    pub count: usize,
}

/// How well parameters predicted a review log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// Reviews predicted.
    pub reviews: usize,
    /// Mean binary cross-entropy (lower is better).
    pub log_loss: f32,
    /// RMSE over the benchmark's bins (lower is better).
    pub rmse_bins: f32,
    /// Area under the ROC curve (0.5 is chance; higher is better); None
    /// when every review was recalled, or none was.
    pub auc: Option<f32>,
    /// Predicted against actual recall, bins with reviews only.
    pub chart: Vec<CalibrationBin>,
}

/// srs-benchmark's bin of a review (as the fsrs crate's `r_matrix_index`).
fn bin(item: &FSRSItem) -> (u32, u32, u32) {
    let last = item.reviews.last().map_or(0, |r| r.delta_t) as f64;
    let delta_t_bin = (2.48 * 3.62f64.powf(last.log(3.62).floor()) * 100.0).round() as u32;
    let length = item.long_term_review_cnt() as f64 + 1.0;
    let length_bin = (1.99 * 1.89f64.powf(length.log(1.89).floor())).round() as u32;
    let history = &item.reviews[..item.reviews.len().saturating_sub(1)];
    let lapses = history
        .iter()
        .filter(|r| r.rating == 1 && r.delta_t > 0)
        .count();
    let lapse_bin = if lapses == 0 {
        0
    } else {
        (1.65 * 1.73f64.powf((lapses as f64).log(1.73).floor())).round() as u32
    };
    (delta_t_bin, length_bin, lapse_bin)
}

/// AUC by the rank-sum statistic, ties counted half.
fn auc(pairs: &[(f32, bool)]) -> Option<f32> {
    let positives = pairs.iter().filter(|p| p.1).count();
    let negatives = pairs.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let mut sorted: Vec<(f32, bool)> = pairs.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut rank_sum = 0f64;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            j += 1;
        }
        // Ranks i+1 ..= j share their mean.
        let mean_rank = (i + 1 + j) as f64 / 2.0;
        rank_sum += mean_rank * sorted[i..j].iter().filter(|p| p.1).count() as f64;
        i = j;
    }
    let p = positives as f64;
    Some(((rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64)) as f32)
}

/// Calibration of `params` (empty: FSRS-6's defaults) on a review log;
/// None when the log has no review to predict.
pub fn calibrate(
    log: &[LogEntry],
    next_day_at_secs: i64,
    params: &[f32],
) -> Result<Option<Calibration>, OptimizeError> {
    let (items, _, _) = training_items(log, next_day_at_secs);
    calibrate_items(&items, params)
}

/// The memory state of each item's history (every review but its last).
///
/// A card's training items are its history cut after each review, in
/// order, so each item's history is the item before it: its state is one
/// step on from that item's, not a replay from the first review (which
/// made calibration quadratic in a card's reviews). A step from a carried
/// state is the same arithmetic as the replay (the crate's
/// `forward_reviews` loop), so the states are identical; items in any
/// other order are replayed.
fn history_states(fsrs: &FSRS, items: &[FSRSItem]) -> Result<Vec<MemoryState>, OptimizeError> {
    let mut out = Vec::with_capacity(items.len());
    let mut before: Option<(&FSRSItem, MemoryState)> = None;
    for item in items {
        let history = &item.reviews[..item.reviews.len().saturating_sub(1)];
        let state = match before {
            Some((prev, prev_state))
                if prev.reviews.len() >= 2 && prev.reviews.as_slice() == history =>
            {
                let step = FSRSItem {
                    reviews: vec![prev.reviews[prev.reviews.len() - 1]],
                };
                fsrs.memory_state(step, Some(prev_state))?
            }
            _ => fsrs.memory_state(
                FSRSItem {
                    reviews: history.to_vec(),
                },
                None,
            )?,
        };
        before = Some((item, state));
        out.push(state);
    }
    Ok(out)
}

/// Calibration on training items.
pub fn calibrate_items(
    items: &[FSRSItem],
    params: &[f32],
) -> Result<Option<Calibration>, OptimizeError> {
    if items.is_empty() {
        return Ok(None);
    }
    let fsrs = FSRS::new(params)?;
    let decay = super::states::decay_of(params);
    let mut pairs = Vec::with_capacity(items.len());
    let mut bins: HashMap<(u32, u32, u32), (f64, f64, f64)> = HashMap::new();
    let mut chart: BTreeMap<usize, (f64, f64, usize)> = BTreeMap::new();
    let mut loss = 0f64;
    let states = history_states(&fsrs, items)?;
    for (item, state) in items.iter().zip(states) {
        let Some(last) = item.reviews.last() else {
            continue;
        };
        // Clipped so a certain prediction costs a finite loss.
        let p = fsrs::current_retrievability(state, last.delta_t as f32, decay).clamp(1e-4, 0.9999);
        let y = last.rating > 1;
        let yf = f64::from(u8::from(y));
        let pf = p as f64;
        loss -= yf * pf.ln() + (1.0 - yf) * (1.0 - pf).ln();
        pairs.push((p, y));
        let b = bins.entry(bin(item)).or_default();
        b.0 += pf;
        b.1 += yf;
        b.2 += 1.0;
        let c = chart.entry(((p * 10.0) as usize).min(9)).or_default();
        c.0 += pf;
        c.1 += yf;
        c.2 += 1;
    }
    let total: f64 = bins.values().map(|b| b.2).sum();
    let rmse = (bins
        .values()
        .map(|(p, y, n)| (p / n - y / n).powi(2) * n)
        .sum::<f64>()
        / total)
        .sqrt();
    Ok(Some(Calibration {
        reviews: pairs.len(),
        log_loss: (loss / pairs.len() as f64) as f32,
        rmse_bins: rmse as f32,
        auc: auc(&pairs),
        chart: chart
            .into_iter()
            .map(|(k, (p, y, n))| CalibrationBin {
                from: k as f32 / 10.0,
                predicted: (p / n as f64) as f32,
                actual: (y / n as f64) as f32,
                count: n,
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use fsrs::FSRSReview;

    #[test]
    fn auc_by_ranks() {
        assert_eq!(auc(&[(0.1, false), (0.9, true)]), Some(1.0));
        assert_eq!(auc(&[(0.9, false), (0.1, true)]), Some(0.0));
        assert_eq!(auc(&[(0.5, false), (0.5, true)]), Some(0.5));
        assert_eq!(auc(&[(0.5, true)]), None);
        let v = auc(&[(0.2, false), (0.4, true), (0.6, false), (0.8, true)]).unwrap();
        assert!((v - 0.75).abs() < 1e-6);
    }

    #[test]
    fn metrics_of_a_small_history() {
        let r = |rating, delta_t| FSRSReview { rating, delta_t };
        let items = vec![
            FSRSItem {
                reviews: vec![r(3, 0), r(3, 2)],
            },
            FSRSItem {
                reviews: vec![r(3, 0), r(3, 2), r(1, 9)],
            },
            FSRSItem {
                reviews: vec![r(1, 0), r(3, 1)],
            },
        ];
        let c = calibrate_items(&items, &[]).unwrap().unwrap();
        assert_eq!(c.reviews, 3);
        assert!(c.log_loss > 0.0 && c.log_loss.is_finite());
        assert!((0.0..=1.0).contains(&c.rmse_bins));
        assert!(c.auc.is_some());
        assert_eq!(c.chart.iter().map(|b| b.count).sum::<usize>(), 3);
        assert!(calibrate_items(&[], &[]).unwrap().is_none());
    }

    #[test]
    fn carried_states_equal_replayed_ones() {
        let r = |rating, delta_t| FSRSReview { rating, delta_t };
        let card = [
            r(3, 0),
            r(1, 0),
            r(3, 1),
            r(3, 3),
            r(1, 9),
            r(2, 1),
            r(4, 4),
            r(3, 17),
            r(3, 60),
            r(1, 200),
        ];
        let items: Vec<FSRSItem> = (2..=card.len())
            .map(|n| FSRSItem {
                reviews: card[..n].to_vec(),
            })
            .collect();
        let mut custom = fsrs::DEFAULT_PARAMETERS.to_vec();
        custom[0] = 0.5;
        custom[8] = 1.2;
        for params in [&[][..], &custom[..]] {
            let fsrs = FSRS::new(params).unwrap();
            let carried = history_states(&fsrs, &items).unwrap();
            for (item, state) in items.iter().zip(&carried) {
                let replayed = fsrs
                    .memory_state(
                        FSRSItem {
                            reviews: item.reviews[..item.reviews.len() - 1].to_vec(),
                        },
                        None,
                    )
                    .unwrap();
                assert_eq!(state.stability.to_bits(), replayed.stability.to_bits());
                assert_eq!(state.difficulty.to_bits(), replayed.difficulty.to_bits());
            }
        }
    }
}
