//! Anki's FSRS tools on a student's own reviews: optimising the
//! parameters, simulating the workload ahead (with the retention advice
//! table), how well the schedule's predictions matched the answers
//! (calibration), and the review log in the reference tools' CSV format.

use std::sync::Arc;
use std::sync::Mutex;

use super::AppError;
use super::AppResult;
use super::Collection;
use super::settings::Overrides;
use crate::deck::model::DeckMeta;
use crate::schedule::calibration;
use crate::schedule::calibration::Calibration;
use crate::schedule::optimize;
use crate::schedule::optimize::Optimized;
use crate::schedule::revlog_csv;
use crate::schedule::revlog_csv::RevlogCsvMeta;
use crate::schedule::simulate;
use crate::schedule::simulate::Advice;
use crate::schedule::simulate::SimulateSettings;
use crate::schedule::simulate::Simulation;

/// Shared with the optimiser while it trains, so a surface can draw progress.
pub type TrainingProgress = Arc<Mutex<fsrs::CombinedProgressState>>;

/// What to simulate beyond the deck's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimulateRequest {
    /// Days ahead.
    pub days: usize,
    /// New cards to learn over those days (default: the deck's cards not
    /// yet studied).
    pub new_cards: Option<usize>,
    /// Retention to simulate (default: the deck's setting).
    pub desired_retention: Option<f32>,
    /// Also the retention advice table (0.70–0.97).
    pub advice: bool,
    /// Seed of the simulated answers.
    pub seed: u64,
}

/// A simulation and, when asked, the advice table.
pub struct Simulated {
    /// The simulation at the requested retention.
    pub simulation: Simulation,
    /// Workload and knowledge for each retention from 0.70 to 0.97.
    pub advice: Option<Vec<Advice>>,
    /// Cards of the deck in review that the simulation starts from.
    pub existing: usize,
    /// New cards learnt over the simulation.
    pub new_cards: usize,
}

/// Calibration of the default parameters and of those in use.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Calibrations {
    /// FSRS-6's default parameters.
    pub default: Option<Calibration>,
    /// The parameters in use (None when they are the defaults).
    pub current: Option<Calibration>,
}

/// The name the calibration is kept under in the store, and the layout of
/// its key (changed whenever the computation changes, so that an older
/// result is not shown).
const CALIBRATION_CACHE: &str = "calibration";
const CALIBRATION_FORMAT: &str = "calibration-1";

fn fsrs_error(e: impl std::fmt::Display) -> AppError {
    AppError::Failed(e.to_string())
}

impl Collection {
    /// Optimises the deck's FSRS parameters on its review log, as Anki
    /// does, and saves them for the deck only when they predict better.
    pub fn optimize(
        &mut self,
        deck: &DeckMeta,
        progress: Option<TrainingProgress>,
    ) -> AppResult<Optimized> {
        let config = self.scheduler_config(deck, &Overrides::default())?;
        let sched = self.scheduler(deck, &Overrides::default())?;
        let now = self.now();
        let log = self.store().log(&deck.id, None)?;
        let next_day = sched.days(now).next_day_at_secs(now.ms);
        let done = optimize::optimize(
            &log,
            next_day,
            &config.params,
            config.relearn_steps.len(),
            progress,
        )
        .map_err(fsrs_error)?;
        if done.changed {
            let json = serde_json::to_string(&done.params).map_err(fsrs_error)?;
            self.set_setting(&deck.id, "fsrs_params", &json)?;
        }
        Ok(done)
    }

    /// Simulates the deck's reviews over the days ahead with its settings.
    pub fn simulate(&self, deck: &DeckMeta, req: &SimulateRequest) -> AppResult<Simulated> {
        let config = self.scheduler_config(deck, &Overrides::default())?;
        let sched = self.scheduler(deck, &Overrides::default())?;
        let rows = self.cards(&deck.id)?;
        let unstudied = rows
            .iter()
            .filter(|r| r.present && !r.suspended && r.state.phase == crate::schedule::Phase::New)
            .count();
        let settings = SimulateSettings {
            params: config.params.clone(),
            desired_retention: req.desired_retention.unwrap_or(config.desired_retention),
            days: req.days,
            new_cards: req.new_cards.unwrap_or(unstudied),
            new_per_day: config.new_per_day as usize,
            reviews_per_day: config.reviews_per_day as usize,
            max_interval: config.max_interval,
            new_cards_ignore_review_limit: config.new_cards_ignore_review_limit,
            learning_steps: config.learn_steps.len(),
            relearning_steps: config.relearn_steps.len(),
            seed: req.seed,
            load_balance: None,
        };
        let now = self.now();
        let days = sched.days(now);
        // As Anki's simulator: load balancing and easy days when the load
        // balancer is on.
        let settings = SimulateSettings {
            load_balance: config
                .load_balancer
                .then_some(simulate::SimulatedLoadBalance {
                    easy_days: config.easy_days,
                    days,
                    next_day_at_secs: days.next_day_at_secs(now.ms),
                }),
            ..settings
        };
        let states: Vec<_> = rows
            .into_iter()
            .filter(|r| r.present && !r.suspended)
            .map(|r| r.state)
            .collect();
        let existing = simulate::existing_cards(&states, days, days.day_of(now.ms), &settings)
            .map_err(|e| AppError::Request(e.to_string()))?;
        let count = existing.len();
        let simulation = simulate::simulate(&settings, Some(existing.clone()))
            .map_err(|e| AppError::Request(e.to_string()))?;
        let advice = if req.advice {
            Some(
                simulate::retention_advice(&settings, Some(existing))
                    .map_err(|e| AppError::Request(e.to_string()))?,
            )
        } else {
            None
        };
        Ok(Simulated {
            simulation,
            advice,
            existing: count,
            new_cards: settings.new_cards,
        })
    }

    /// How well the default parameters and those in use predicted the
    /// student's own answers (log loss, RMSE(bins), AUC, chart bins).
    pub fn calibration(&mut self, deck: &DeckMeta) -> AppResult<Calibrations> {
        let answers = self.store_mut().brief_log(&deck.id)?;
        self.calibration_of(deck, &answers)
    }

    /// [`Self::calibration`] on the deck's whole log, already read briefly
    /// (the statistics read it once for everything they show). The result
    /// is kept in the store under a key of everything it depends on, so it
    /// is computed again only when the log, the parameters or the day
    /// boundary's time of day change.
    pub fn calibration_of(
        &mut self,
        deck: &DeckMeta,
        answers: &[crate::store::BriefAnswer],
    ) -> AppResult<Calibrations> {
        let config = self.scheduler_config(deck, &Overrides::default())?;
        let sched = self.reading_scheduler(deck, &Overrides::default())?;
        let now = self.now();
        let next_day = sched.days(now).next_day_at_secs(now.ms);
        // Days between answers depend only on the day boundary's time of
        // day, as long as every answer lies before it (always, unless the
        // clock went back).
        let before_boundary = answers.iter().all(|a| a.ts_ms.div_euclid(1000) < next_day);
        let key = format!(
            "{CALIBRATION_FORMAT} rows={} newest={} boundary={} params={:?}",
            answers.len(),
            answers.iter().map(|a| a.id).max().unwrap_or(0),
            next_day.rem_euclid(86_400),
            config.params,
        );
        if before_boundary
            && let Some(bytes) = self.store().log_derived(CALIBRATION_CACHE, &deck.id)?
            && let Ok((cached_key, cached)) =
                serde_json::from_slice::<(String, Calibrations)>(&bytes)
            && cached_key == key
        {
            return Ok(cached);
        }
        let histories = calibration::card_histories(answers, next_day);
        let default = calibration::calibrate_histories(&histories, &[]).map_err(fsrs_error)?;
        let current = if config.params.is_empty() {
            None
        } else {
            calibration::calibrate_histories(&histories, &config.params).map_err(fsrs_error)?
        };
        let result = Calibrations { default, current };
        if before_boundary && let Ok(bytes) = serde_json::to_vec(&(&key, &result)) {
            // A cache: if it cannot be written, the next call computes again.
            let _ = self
                .store_mut()
                .set_log_derived(CALIBRATION_CACHE, &deck.id, &bytes);
        }
        Ok(result)
    }

    /// The deck's review log as the FSRS optimiser's CSV (card_id,
    /// review_time, review_rating, review_state, review_duration), with the
    /// time zone and day start the reference tools need.
    pub fn review_log_csv(&self, deck: &DeckMeta) -> AppResult<(String, RevlogCsvMeta)> {
        let config = self.scheduler_config(deck, &Overrides::default())?;
        let log = self.store().log(&deck.id, None)?;
        Ok(revlog_csv::revlog_csv(
            &log,
            config.day_start_hour,
            self.now().offset_secs,
        ))
    }
}
