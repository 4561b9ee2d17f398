//! FSRS parameters from a student's own review log, as Anki's optimiser
//! computes them (`rslib/src/scheduler/fsrs/params.rs`): the same review
//! filtering, the same training items and card ids, Anki's training
//! configuration, and Anki's rule for keeping the current parameters when
//! the new ones predict no better. Also the log loss and RMSE(bins) of
//! the parameters before and after. A library function; the CLI draws the
//! progress bar from the shared progress state.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;

use fsrs::CombinedProgressState;
use fsrs::ComputeParametersInput;
use fsrs::FSRS;
use fsrs::FSRSItem;
use fsrs::FSRSReview;
use fsrs::MemoryState;
use fsrs::TrainingConfig;
use serde::Serialize;

use super::states::ReviewKind;
use crate::store::LogEntry;

/// How well parameters predict the answers in the training items.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evaluation {
    /// Log loss (lower is better).
    pub log_loss: f32,
    /// Root mean square error over bins of predicted recall (lower is better).
    pub rmse_bins: f32,
}

/// The outcome of [`optimize`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Optimized {
    /// The parameters to use: the optimised ones, or the current ones
    /// when those predict at least as well (Anki's rule).
    pub params: Vec<f32>,
    /// What training produced, whether kept or not.
    pub trained: Vec<f32>,
    /// Whether `params` differ from the current parameters (so they should
    /// be saved).
    pub changed: bool,
    /// Training items (one per review with at least a day since the last).
    pub items: usize,
    /// Reviews the items were built from.
    pub reviews: usize,
    /// The current parameters on the items (None without items).
    pub before: Option<Evaluation>,
    /// The chosen parameters on the items (None without items).
    pub after: Option<Evaluation>,
}

/// What can stop optimisation.
#[derive(Debug, thiserror::Error)]
pub enum OptimizeError {
    /// FSRS refused (bad current parameters, interrupted...).
    #[error("FSRS: {0}")]
    Fsrs(String),
}

impl From<fsrs::FSRSError> for OptimizeError {
    fn from(e: fsrs::FSRSError) -> Self {
        OptimizeError::Fsrs(e.to_string())
    }
}

/// Whole days from an answer to the next day boundary (Anki's
/// `RevlogEntry::days_elapsed`).
fn days_before(next_day_at_secs: i64, ts_ms: i64) -> u32 {
    ((next_day_at_secs - ts_ms.div_euclid(1000)).max(0) / 86_400) as u32
}

/// Orders answers as Anki's revlog ids do: by time, then log id.
type AnswerKey = (i64, i64);

/// What the optimiser's filtering reads of one review-log row, from a
/// full log entry or a brief statistics row alike.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainingRow {
    /// When it was answered, ms.
    pub ts_ms: i64,
    /// Row id (orders answers given in the same millisecond).
    pub id: i64,
    /// The rating (None for a change made without an answer).
    pub rating: Option<crate::schedule::Rating>,
    /// The kind of row.
    pub kind: ReviewKind,
    /// The card was new after this row (with a manual kind: a reset).
    pub new_after: bool,
}

impl From<&LogEntry> for TrainingRow {
    fn from(e: &LogEntry) -> Self {
        TrainingRow {
            ts_ms: e.answer.ts_ms,
            id: e.id,
            rating: e.answer.rating,
            kind: e.answer.kind,
            new_after: e.answer.after.phase == crate::schedule::Phase::New,
        }
    }
}

/// One card's reviews as the optimiser trains on them, from its rows in
/// time order, as Anki's `reviews_for_fsrs` (training): the history
/// starts at the last run of learning answers (a card without one, or
/// reset since, gives none); only rated answers count; `delta_t` is whole
/// days since the answer before. Each review after the first with
/// `delta_t > 0` ends one training item. Returns the reviews and the key
/// of the row behind each.
pub fn card_reviews(
    rows: &[TrainingRow],
    next_day_at_secs: i64,
) -> (Vec<FSRSReview>, Vec<AnswerKey>) {
    let mut first_learn = None;
    for (i, a) in rows.iter().enumerate().rev() {
        if a.rating.is_some() && a.kind == ReviewKind::Learning {
            first_learn = Some(i);
        } else if a.kind.is_manual() && a.rating.is_none() && a.new_after {
            // A reset: the history before it is not this card's any more.
            break;
        } else if first_learn.is_some() {
            break;
        }
    }
    let Some(start) = first_learn else {
        return (Vec::new(), Vec::new());
    };
    let mut reviews = Vec::new();
    let mut keys = Vec::new();
    let mut prev_days = None;
    for a in rows[start..]
        .iter()
        .filter(|a| a.rating.is_some() && !a.kind.is_manual())
    {
        let days = days_before(next_day_at_secs, a.ts_ms);
        let delta_t = prev_days.map_or(0, |p: u32| p.saturating_sub(days));
        prev_days = Some(days);
        reviews.push(FSRSReview {
            rating: a.rating.map_or(0, |r| r.number() as u32),
            delta_t,
        });
        keys.push((a.ts_ms, a.id));
    }
    (reviews, keys)
}

/// One card's training items (see [`card_reviews`]) and the number of
/// reviews they came from.
fn card_items(rows: &[TrainingRow], next_day_at_secs: i64) -> (Vec<(AnswerKey, FSRSItem)>, usize) {
    let (reviews, keys) = card_reviews(rows, next_day_at_secs);
    let items = (1..reviews.len())
        .filter(|&i| reviews[i].delta_t > 0)
        .map(|i| {
            (
                keys[i],
                FSRSItem {
                    reviews: reviews[..=i].to_vec(),
                },
            )
        })
        .collect();
    (items, reviews.len())
}

/// Training items from a deck's review log (any order), with a card
/// number per item, ordered by the time of the answer that ends each item
/// (Anki orders by revlog id, the answer's time in ms), and the
/// number of reviews they came from. `next_day_at_secs` is the next day
/// boundary now ([`crate::clock::Days::next_day_at_secs`]).
pub fn training_items(log: &[LogEntry], next_day_at_secs: i64) -> (Vec<FSRSItem>, Vec<i64>, usize) {
    let mut by_card: BTreeMap<&str, Vec<TrainingRow>> = BTreeMap::new();
    for e in log {
        by_card
            .entry(e.answer.card_id.as_str())
            .or_default()
            .push(TrainingRow::from(e));
    }
    let mut all = Vec::new();
    let mut reviews = 0;
    for (n, (_, mut rows)) in by_card.into_iter().enumerate() {
        rows.sort_by_key(|r| (r.ts_ms, r.id));
        let (items, count) = card_items(&rows, next_day_at_secs);
        reviews += count;
        all.extend(items.into_iter().map(|(id, item)| (id, n as i64, item)));
    }
    all.sort_by_key(|(id, _, _)| *id);
    let (card_ids, items) = all.into_iter().map(|(_, c, i)| (c, i)).unzip();
    (items, card_ids, reviews)
}

/// Anki's training input for these items.
fn input(
    items: Vec<FSRSItem>,
    card_ids: Vec<i64>,
    relearning_steps: usize,
    progress: Option<Arc<Mutex<CombinedProgressState>>>,
) -> ComputeParametersInput {
    ComputeParametersInput {
        train_set: items,
        card_ids: Some(card_ids),
        progress,
        enable_short_term: true,
        num_relearning_steps: Some(relearning_steps),
        training_config: Some(TrainingConfig {
            num_epochs: 8,
            ..Default::default()
        }),
    }
}

/// Log loss and RMSE(bins) of parameters on items.
pub fn evaluate(params: &[f32], items: &[FSRSItem]) -> Result<Evaluation, OptimizeError> {
    let e = FSRS::new(params)?.evaluate(items.to_vec(), |_| true)?;
    Ok(Evaluation {
        log_loss: e.log_loss,
        rmse_bins: e.rmse_bins,
    })
}

/// Optimises FSRS parameters on a deck's review log as Anki does.
/// `current` are the parameters in use (empty: FSRS-6's defaults);
/// `relearning_steps` the number of relearning steps configured;
/// `progress` is updated while training (and can abort it).
pub fn optimize(
    log: &[LogEntry],
    next_day_at_secs: i64,
    current: &[f32],
    relearning_steps: usize,
    progress: Option<Arc<Mutex<CombinedProgressState>>>,
) -> Result<Optimized, OptimizeError> {
    let (items, card_ids, reviews) = training_items(log, next_day_at_secs);
    let current_or_default = if current.is_empty() {
        fsrs::DEFAULT_PARAMETERS.to_vec()
    } else {
        current.to_vec()
    };
    if items.is_empty() {
        return Ok(Optimized {
            params: current.to_vec(),
            trained: current.to_vec(),
            changed: false,
            items: 0,
            reviews,
            before: None,
            after: None,
        });
    }
    let trained =
        fsrs::compute_parameters(input(items.clone(), card_ids, relearning_steps, progress))?;
    let before = evaluate(&current_or_default, &items)?;
    let optimized = evaluate(&trained, &items)?;
    let mut keep_current = false;
    // Anki 26.9 compares only with parameters actually set: with none (the
    // defaults in use) it takes the trained ones (observed with its
    // Python package; the parity test checks both cases).
    if !current.is_empty() && before.log_loss <= optimized.log_loss {
        keep_current = if relearning_steps <= 1 {
            true
        } else {
            // Anki keeps the current parameters only if they do not let
            // several relearning steps raise a lapsed card's stability.
            let fsrs = FSRS::new(&current_or_default)?;
            let start = MemoryState {
                stability: 1.0,
                difficulty: 1.0,
            };
            let mut s = fsrs.next_states(Some(start), 0.9, 2)?.again.memory;
            for _ in 0..relearning_steps {
                s = fsrs.next_states(Some(s), 0.9, 0)?.good.memory;
            }
            s.stability < start.stability
        };
    }
    let (params, after) = if keep_current {
        (current.to_vec(), before)
    } else {
        (trained.clone(), optimized)
    };
    Ok(Optimized {
        changed: params != current,
        params,
        trained,
        items: items.len(),
        reviews,
        before: Some(before),
        after: Some(after),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::CardState;
    use crate::schedule::Rating;
    use crate::store::Answer;

    const DAY: i64 = 86_400_000;

    fn entry(
        id: i64,
        card: &str,
        ts_ms: i64,
        rating: Option<Rating>,
        kind: ReviewKind,
    ) -> LogEntry {
        LogEntry {
            id,
            answer: Answer {
                deck_id: "d".into(),
                card_id: card.into(),
                ts_ms,
                rating,
                kind,
                before: CardState::NEW,
                after: CardState::NEW,
                elapsed_days: 0,
                elapsed_secs: 0,
                r_before: None,
                r_after: None,
                duration_ms: 0,
                content_hash: "h".into(),
                session_id: None,
            },
        }
    }

    #[test]
    fn items_follow_ankis_filtering() {
        use ReviewKind::*;
        let g = Some(Rating::Good);
        let log = vec![
            // a: learning, two reviews; the same-day review adds no item
            entry(1, "a", 0, g, Learning),
            entry(2, "a", 2 * DAY, g, Review),
            entry(3, "a", 2 * DAY + 3_600_000, g, Review),
            entry(4, "a", 9 * DAY, Some(Rating::Again), Review),
            // b: reset after learning: nothing before the reset counts
            entry(5, "b", 0, g, Learning),
            entry(6, "b", 3 * DAY, g, Review),
            entry(7, "b", 4 * DAY, None, Manual),
            entry(8, "b", 5 * DAY, g, Review),
            // c: no learning answers at all
            entry(9, "c", DAY, g, Review),
        ];
        let next_day = 20 * 86_400 + 12 * 3600;
        let (items, cards, reviews) = training_items(&log, next_day);
        assert_eq!(items.len(), 2);
        assert_eq!(cards, vec![0, 0]);
        assert_eq!(reviews, 4);
        let deltas: Vec<u32> = items[1].reviews.iter().map(|r| r.delta_t).collect();
        assert_eq!(deltas, vec![0, 2, 0, 7]);
        assert_eq!(items[1].reviews[3].rating, 1);
    }

    #[test]
    fn too_little_history_keeps_the_current_parameters() {
        let out = optimize(&[], 0, &[], 1, None).unwrap();
        assert!(!out.changed);
        assert_eq!(out.items, 0);
        assert!(out.before.is_none());
    }

    #[test]
    fn a_synthetic_history_trains_and_evaluates() {
        use ReviewKind::*;
        let mut log = Vec::new();
        let mut id = 0;
        for c in 0..120 {
            let card = format!("c{c}");
            let mut t = (c % 30) * DAY;
            id += 1;
            log.push(entry(id, &card, t, Some(Rating::Good), Learning));
            let mut ivl = 1 + c % 3;
            for k in 0..6 {
                t += ivl * DAY;
                id += 1;
                let rating = if (c + k) % 5 == 0 {
                    Rating::Again
                } else {
                    Rating::Good
                };
                log.push(entry(id, &card, t, Some(rating), Review));
                ivl = if rating == Rating::Again {
                    1
                } else {
                    ivl * 2 + 1
                };
            }
        }
        let next_day = 2_000 * 86_400;
        let out = optimize(&log, next_day, &[], 1, None).unwrap();
        assert_eq!(out.items, 120 * 6);
        assert_eq!(out.trained.len(), 21);
        let (before, after) = (out.before.unwrap(), out.after.unwrap());
        assert!(after.log_loss <= before.log_loss);
        assert!(after.rmse_bins.is_finite());
    }
}
