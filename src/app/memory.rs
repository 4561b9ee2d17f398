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
use crate::schedule::tally::Tally;

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
const CALIBRATION_FORMAT: &str = "calibration-3";

/// A kept tally is written again only when more cards than this were
/// answered since it was kept (fewer are quicker to predict again than
/// the tally is to write).
const CHANGED_CARDS_KEPT: usize = 200;

/// What [`Collection::update_memory_states`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct MemoryUpdate {
    /// Cards whose memory state was recomputed from their log.
    pub recomputed: usize,
    /// Review cards given a new interval and due day (logged as kind 5).
    pub rescheduled: usize,
}

/// What predicting a deck's log for its calibration works from.
struct PredictionWork<'a> {
    deck_id: &'a str,
    answers: &'a [crate::store::BriefAnswer],
    next_day: i64,
    /// The newest row id of the log.
    newest: i64,
    /// Whether the predictions may be kept (the clock has not gone back).
    keep: bool,
    /// Every card's history, once made.
    all: Option<Vec<calibration::CardHistory>>,
}

/// A kept tally under `key`: the newest row it covers and the tally; None
/// when the bytes are of another key or unreadable.
fn kept_tally(bytes: &[u8], key: &str) -> Option<(i64, Tally)> {
    let len = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    let rest = bytes.get(4..)?;
    if rest.get(..len)? != key.as_bytes() {
        return None;
    }
    let rest = rest.get(len..)?;
    let covered = i64::from_le_bytes(rest.get(..8)?.try_into().ok()?);
    Some((covered, Tally::decode(rest.get(8..)?)?))
}

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

    /// [`Collection::optimize`], then what Anki does when the new
    /// parameters are saved: the deck's memory states recomputed with
    /// them and, with `reschedule`, its review cards rescheduled
    /// ([`Collection::update_memory_states`]). Nothing more when the
    /// parameters were kept.
    pub fn optimize_and_update(
        &mut self,
        deck: &DeckMeta,
        progress: Option<TrainingProgress>,
        reschedule: bool,
    ) -> AppResult<(Optimized, Option<MemoryUpdate>)> {
        let done = self.optimize(deck, progress)?;
        let update = if done.changed {
            Some(self.update_memory_states(deck, reschedule)?)
        } else {
            None
        };
        Ok((done, update))
    }

    /// What Anki does when a preset's parameters or desired retention
    /// change: every studied card's memory state is recomputed from its
    /// log with the deck's current parameters, and with `reschedule`
    /// ("reschedule cards on change") each review card that is not
    /// suspended gets the interval FSRS now proposes, counted from its
    /// last answer (balanced against the preset's load when the load
    /// balancer is on) and logged as a rescheduled row (Anki's kind 5).
    pub fn update_memory_states(
        &mut self,
        deck: &DeckMeta,
        reschedule: bool,
    ) -> AppResult<MemoryUpdate> {
        use crate::schedule::reschedule;
        let config = self.scheduler_config(deck, &Overrides::default())?;
        let fsrs = fsrs::FSRS::new(&config.params).map_err(fsrs_error)?;
        let now = self.now();
        let days = crate::clock::Days::new(now, config.day_start_hour);
        let next_day = days.next_day_at_secs(now.ms);
        let log = self.store().log(&deck.id, None)?;
        let mut by_card: std::collections::HashMap<&str, Vec<&crate::store::LogEntry>> =
            std::collections::HashMap::new();
        for e in &log {
            by_card
                .entry(e.answer.card_id.as_str())
                .or_default()
                .push(e);
        }
        // With the load balancer on, Anki balances the new days against
        // the preset's review cards and today's answers.
        let mut load = if reschedule && config.load_balancer && config.fuzz {
            let mut due = Vec::new();
            let mut reviewed = 0;
            let since = days.start_of(days.day_of(now.ms));
            for id in self.preset_decks(&deck.id)? {
                due.extend(
                    self.cards(&id)?
                        .into_iter()
                        .filter(|r| {
                            r.present
                                && !r.suspended
                                && r.state.phase == crate::schedule::Phase::Review
                        })
                        .map(|r| days.day_of(r.state.due_ms)),
                );
                reviewed += self.store().cards_answered_since(&id, since)? as usize;
            }
            Some(crate::schedule::load_balancer::RescheduleLoad::new(
                days,
                now.ms,
                due,
                reviewed,
                config.easy_days,
            ))
        } else {
            None
        };
        let mut done = MemoryUpdate::default();
        for row in self.cards(&deck.id)? {
            if !row.present || row.state.phase == crate::schedule::Phase::New {
                continue;
            }
            let mut entries = by_card.remove(row.card_id.as_str()).unwrap_or_default();
            entries.sort_by_key(|e| (e.answer.ts_ms, e.id));
            let answers: Vec<&crate::store::Answer> = entries.iter().map(|e| &e.answer).collect();
            let Some(memory) =
                reschedule::memory_from_log(&fsrs, &answers, next_day).map_err(fsrs_error)?
            else {
                continue;
            };
            done.recomputed += 1;
            let last = reschedule::last_review(&answers);
            let review = row.state.phase == crate::schedule::Phase::Review && !row.suspended;
            if let (true, true, Some((last_ms, previous))) = (reschedule, review, last) {
                let seed = config.fuzz.then(|| {
                    crate::schedule::card_seed(&deck.id, &row.card_id)
                        .wrapping_add(row.state.reps.saturating_sub(1) as u64)
                });
                let after = reschedule::rescheduled(
                    &row.state,
                    memory,
                    last_ms,
                    previous,
                    &fsrs,
                    &config,
                    days,
                    now.ms,
                    seed,
                    load.as_mut(),
                );
                let answer = crate::store::Answer::change(
                    &deck.id,
                    &row,
                    now.ms,
                    crate::schedule::ReviewKind::Rescheduled,
                    after,
                    None,
                );
                self.store_mut().record(&answer)?;
                done.rescheduled += 1;
            } else {
                let m = crate::schedule::states::round_memory(memory);
                if (m.stability, m.difficulty) != (row.state.stability, row.state.difficulty) {
                    self.store_mut().set_memory_state(
                        &deck.id,
                        &row.card_id,
                        &row.state,
                        m.stability,
                        m.difficulty,
                    )?;
                }
            }
        }
        Ok(done)
    }

    /// Sets the desired retention at `scope` (you "", a deck id, or
    /// `preset:NAME`) and, as Anki does when deck options are saved with
    /// "reschedule cards on change", recomputes the memory states of every
    /// deck whose retention changed and reschedules its review cards
    /// ([`Collection::update_memory_states`]). Decks are known by id here,
    /// without their files: a retention a deck file declares is not seen,
    /// which only matters for telling whether that deck's value changed.
    pub fn set_retention_and_reschedule(
        &mut self,
        scope: &str,
        value: &str,
    ) -> AppResult<Vec<(String, MemoryUpdate)>> {
        let meta = |id: &str| DeckMeta {
            id: id.to_string(),
            title: id.to_string(),
            description: String::new(),
            language: None,
            desired_retention: crate::deck::model::DEFAULT_DESIRED_RETENTION,
            authors: Vec::new(),
        };
        let ids = self.store().deck_ids()?;
        let retention = |c: &Collection, id: &str| -> AppResult<f32> {
            Ok(c.scheduler_config(&meta(id), &Overrides::default())?
                .desired_retention)
        };
        let before: Vec<f32> = ids
            .iter()
            .map(|id| retention(self, id))
            .collect::<AppResult<_>>()?;
        self.set_setting(scope, "desired_retention", value)?;
        let mut out = Vec::new();
        for (id, was) in ids.iter().zip(before) {
            if retention(self, id)? != was {
                let done = self.update_memory_states(&meta(id), true)?;
                out.push((id.clone(), done));
            }
        }
        Ok(out)
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
        let sched = self.scheduler_without_load(deck, &Overrides::default())?;
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
        let newest = answers.iter().map(|a| a.id).max().unwrap_or(0);
        let mut work = PredictionWork {
            deck_id: &deck.id,
            answers,
            next_day,
            newest,
            keep: before_boundary,
            all: None,
        };
        let default = self.tally(&mut work, "default", &[])?.calibration();
        let current = if config.params.is_empty() {
            None
        } else {
            self.tally(&mut work, "current", &config.params)?
                .calibration()
        };
        let result = Calibrations { default, current };
        if before_boundary && let Ok(bytes) = serde_json::to_vec(&(&key, &result)) {
            // A cache: if it cannot be written, the next call computes again.
            let _ = self
                .store_mut()
                .set_log_derived(CALIBRATION_CACHE, &deck.id, &bytes, newest);
        }
        Ok(result)
    }

    /// The tally of one parameter set's predictions over the whole log,
    /// kept in the store (as `calibration-NAME`) with the newest row it
    /// covers: when rows were appended since, the cards they belong to
    /// have their earlier predictions (from their rows up to that one)
    /// taken away and their new ones added. The tally's sums are exact,
    /// so this equals predicting every card (a deletion from the log
    /// forgets the tally).
    fn tally(
        &mut self,
        work: &mut PredictionWork<'_>,
        name: &str,
        params: &[f32],
    ) -> AppResult<Tally> {
        let cache = format!("{CALIBRATION_CACHE}-{name}");
        let key = format!(
            "{CALIBRATION_FORMAT} boundary={} params={params:?}",
            work.next_day.rem_euclid(86_400)
        );
        let kept = if work.keep {
            self.store()
                .log_derived(&cache, work.deck_id)?
                .and_then(|bytes| kept_tally(&bytes, &key))
                .filter(|(covered, _)| *covered <= work.newest)
        } else {
            None
        };
        let mut keep = work.keep;
        let brought_up = match kept {
            Some((covered, mut tally)) => {
                let changed: std::collections::HashSet<i64> = work
                    .answers
                    .iter()
                    .filter(|a| a.id > covered)
                    .map(|a| a.card)
                    .collect();
                keep &= changed.len() > CHANGED_CARDS_KEPT;
                let theirs = calibration::rows_of(work.answers, &changed);
                let before: Vec<_> = theirs.iter().filter(|a| a.id <= covered).copied().collect();
                let predict = |rows: &[crate::store::BriefAnswer]| {
                    calibration::predict(&calibration::card_histories(rows, work.next_day), params)
                        .map_err(fsrs_error)
                };
                let (now, earlier) = (predict(&theirs)?, predict(&before)?);
                // A tally that loses what it never held is damaged: made again.
                tally.change(&now, &earlier).then_some(tally)
            }
            None => None,
        };
        let tally = match brought_up {
            Some(tally) => tally,
            None => {
                keep = work.keep;
                let histories = work.all.get_or_insert_with(|| {
                    calibration::card_histories(work.answers, work.next_day)
                });
                Tally::of(&calibration::predict(histories, params).map_err(fsrs_error)?)
            }
        };
        if keep {
            let mut bytes = Vec::new();
            bytes.extend_from_slice(&(key.len() as u32).to_le_bytes());
            bytes.extend_from_slice(key.as_bytes());
            bytes.extend_from_slice(&work.newest.to_le_bytes());
            bytes.extend(tally.encode());
            // A cache: if it cannot be written, the next call predicts again.
            let _ = self
                .store_mut()
                .set_log_derived(&cache, work.deck_id, &bytes, work.newest);
        }
        Ok(tally)
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
