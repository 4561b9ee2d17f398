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

use fsrs::FSRS;
use fsrs::FSRSItem;
use fsrs::FSRSReview;
use fsrs::MemoryState;
use serde::Deserialize;
use serde::Serialize;

use super::Rating;
use super::ReviewKind;
use super::optimize::OptimizeError;
use super::optimize::TrainingRow;
use super::optimize::card_reviews;
use super::tally::Predicted;
use super::tally::Tally;
use crate::store::BriefAnswer;

/// One bin of the calibration chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// srs-benchmark's bin of a review (as the fsrs crate's `r_matrix_index`):
/// from the days since the review before, the item's long-term reviews
/// (`delta_t > 0`, the last included) and the lapses before it.
fn bin(last_delta_t: u32, long_term_reviews: usize, lapses: usize) -> (u32, u32, u32) {
    (
        delta_t_bin(last_delta_t),
        length_bin(long_term_reviews),
        lapse_bin(lapses),
    )
}

fn delta_t_bin(last_delta_t: u32) -> u32 {
    let last = last_delta_t as f64;
    (2.48 * 3.62f64.powf(last.log(3.62).floor()) * 100.0).round() as u32
}

fn length_bin(long_term_reviews: usize) -> u32 {
    let length = long_term_reviews as f64 + 1.0;
    (1.99 * 1.89f64.powf(length.log(1.89).floor())).round() as u32
}

fn lapse_bin(lapses: usize) -> u32 {
    if lapses == 0 {
        0
    } else {
        (1.65 * 1.73f64.powf((lapses as f64).log(1.73).floor())).round() as u32
    }
}

/// [`bin`] remembered for small inputs (each part is a power and a
/// logarithm, and the same few values recur across a log).
#[derive(Default)]
struct BinMemo {
    delta_t: Vec<Option<u32>>,
    length: Vec<Option<u32>>,
    lapses: Vec<Option<u32>>,
}

impl BinMemo {
    const LIMIT: usize = 1 << 16;

    fn get(
        &mut self,
        last_delta_t: u32,
        long_term_reviews: usize,
        lapses: usize,
    ) -> (u32, u32, u32) {
        fn memo(table: &mut Vec<Option<u32>>, at: usize, f: impl Fn() -> u32) -> u32 {
            if at >= BinMemo::LIMIT {
                return f();
            }
            if table.len() <= at {
                table.resize(at + 1, None);
            }
            *table[at].get_or_insert_with(f)
        }
        (
            memo(&mut self.delta_t, last_delta_t as usize, || {
                delta_t_bin(last_delta_t)
            }),
            memo(&mut self.length, long_term_reviews, || {
                length_bin(long_term_reviews)
            }),
            memo(&mut self.lapses, lapses, || lapse_bin(lapses)),
        )
    }
}

/// The bin of a training item.
fn item_bin(item: &FSRSItem) -> (u32, u32, u32) {
    let history = &item.reviews[..item.reviews.len().saturating_sub(1)];
    let lapses = history
        .iter()
        .filter(|r| r.rating == 1 && r.delta_t > 0)
        .count();
    bin(
        item.reviews.last().map_or(0, |r| r.delta_t),
        item.long_term_review_cnt(),
        lapses,
    )
}

/// One card's reviews as the optimiser trains on them.
#[derive(Debug, Clone, PartialEq)]
pub struct CardHistory {
    /// The card, as the store numbers it.
    pub card: i64,
    /// Its reviews ([`card_reviews`]).
    pub reviews: Vec<FSRSReview>,
}

/// Each card's reviews as the optimiser trains on them
/// ([`card_reviews`]), from a deck's review log read briefly, in any
/// order, by card number. Cards without a training item are left out.
pub fn card_histories(answers: &[BriefAnswer], next_day_at_secs: i64) -> Vec<CardHistory> {
    use rayon::prelude::*;
    // Cards are independent: made on every core, kept in card order.
    by_card(answers)
        .par_chunks(CHUNK)
        .flat_map_iter(|groups| {
            let mut rows = Vec::new();
            groups
                .iter()
                .filter_map(move |group| {
                    rows.clear();
                    rows.extend(group.iter().map(|&i| {
                        let a = &answers[i as usize];
                        TrainingRow {
                            ts_ms: a.ts_ms,
                            id: a.id,
                            rating: Rating::from_number(a.rating),
                            kind: ReviewKind::from_number(a.kind).unwrap_or(ReviewKind::Manual),
                            new_after: a.new_after,
                        }
                    }));
                    rows.sort_by_key(|r| (r.ts_ms, r.id));
                    let (reviews, _) = card_reviews(&rows, next_day_at_secs);
                    let card = answers[*group.first()? as usize].card;
                    reviews
                        .iter()
                        .skip(1)
                        .any(|r| r.delta_t > 0)
                        .then_some(CardHistory { card, reviews })
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The rows of `answers` that belong to `cards`, in their order. Card
/// numbers from a store are dense, so a table of flags finds them.
pub fn rows_of(
    answers: &[BriefAnswer],
    cards: &std::collections::HashSet<i64>,
) -> Vec<BriefAnswer> {
    let (Some(&low), Some(&high)) = (cards.iter().min(), cards.iter().max()) else {
        return Vec::new();
    };
    let span = high.saturating_sub(low).saturating_add(1);
    if span > 1 << 24 {
        return answers
            .iter()
            .filter(|a| cards.contains(&a.card))
            .copied()
            .collect();
    }
    let mut ours = vec![false; span as usize];
    for &c in cards {
        ours[(c - low) as usize] = true;
    }
    answers
        .iter()
        .filter(|a| {
            a.card
                .checked_sub(low)
                .and_then(|i| ours.get(usize::try_from(i).ok()?))
                .copied()
                .unwrap_or(false)
        })
        .copied()
        .collect()
}

/// The indices of `answers`, one group per card. Card numbers from a
/// store are dense, so they are counted into place (linear in the log);
/// sparse numbers are sorted instead.
fn by_card(answers: &[BriefAnswer]) -> Vec<Vec<u32>> {
    let (low, high) = answers.iter().fold((i64::MAX, i64::MIN), |(l, h), a| {
        (l.min(a.card), h.max(a.card))
    });
    let span = high.saturating_sub(low).saturating_add(1);
    if answers.is_empty() || span > 4 * answers.len() as i64 + 1024 {
        let mut order: Vec<u32> = (0..answers.len() as u32).collect();
        order.sort_by_key(|&i| answers[i as usize].card);
        return order
            .chunk_by(|&a, &b| answers[a as usize].card == answers[b as usize].card)
            .map(<[u32]>::to_vec)
            .collect();
    }
    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); span as usize];
    for (i, a) in answers.iter().enumerate() {
        groups[(a.card - low) as usize].push(i as u32);
    }
    groups.retain(|g| !g.is_empty());
    groups
}

/// The predictions of `params` (empty: FSRS-6's defaults) for every
/// review after the first with at least a day since the one before, in
/// the order of `histories`.
///
/// Each card's states are carried forward one review at a time (the
/// crate's `historical_memory_states`, the same arithmetic as replaying
/// each item's history), so this is linear in the log; cards are
/// predicted in parallel chunks, kept in order.
pub fn predict(histories: &[CardHistory], params: &[f32]) -> Result<Vec<Predicted>, OptimizeError> {
    use rayon::prelude::*;
    if histories.is_empty() {
        return Ok(Vec::new());
    }
    let fsrs = FSRS::new(params)?;
    let decay = super::states::decay_of(params);
    let chunks = histories
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut memo = BinMemo::default();
            let mut out = Vec::new();
            for h in chunk {
                let states = fsrs.historical_memory_states(
                    FSRSItem {
                        reviews: h.reviews.clone(),
                    },
                    None,
                )?;
                let (mut long_term, mut lapses) = (0, 0);
                for (i, r) in h.reviews.iter().enumerate() {
                    if r.delta_t > 0 {
                        long_term += 1;
                    }
                    if i >= 1 && r.delta_t > 0 {
                        out.push(Predicted {
                            p: recall(states[i - 1], *r, decay),
                            recalled: r.rating > 1,
                            bin: memo.get(r.delta_t, long_term, lapses),
                        });
                    }
                    if r.rating == 1 && r.delta_t > 0 {
                        lapses += 1;
                    }
                }
            }
            Ok(out)
        })
        .collect::<Result<Vec<Vec<Predicted>>, OptimizeError>>()?;
    Ok(chunks.concat())
}

/// Calibration from predictions; None without any.
pub fn calibrate_predictions(predictions: &[Predicted]) -> Option<Calibration> {
    Tally::of(predictions).calibration()
}

/// Calibration of `params` (empty: FSRS-6's defaults) on card histories
/// from [`card_histories`]; None when there is no review to predict.
pub fn calibrate_histories(
    histories: &[CardHistory],
    params: &[f32],
) -> Result<Option<Calibration>, OptimizeError> {
    Ok(calibrate_predictions(&predict(histories, params)?))
}

/// Cards per parallel chunk of a calibration.
const CHUNK: usize = 4096;

/// The recall FSRS predicts for `review` from the state before it, clipped
/// so that a certain prediction costs a finite loss.
fn recall(state: MemoryState, review: FSRSReview, decay: f32) -> f32 {
    fsrs::current_retrievability(state, review.delta_t as f32, decay).clamp(1e-4, 0.9999)
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

/// Calibration on training items (the optimiser's input, in any order).
pub fn calibrate_items(
    items: &[FSRSItem],
    params: &[f32],
) -> Result<Option<Calibration>, OptimizeError> {
    if items.is_empty() {
        return Ok(None);
    }
    let fsrs = FSRS::new(params)?;
    let decay = super::states::decay_of(params);
    let states = history_states(&fsrs, items)?;
    let predictions: Vec<Predicted> = items
        .iter()
        .zip(states)
        .filter_map(|(item, state)| {
            let last = item.reviews.last()?;
            Some(Predicted {
                p: recall(state, *last, decay),
                recalled: last.rating > 1,
                bin: item_bin(item),
            })
        })
        .collect();
    Ok(calibrate_predictions(&predictions))
}

#[cfg(test)]
mod tests {
    use super::*;

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
