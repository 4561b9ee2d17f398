//! The FSRS simulator (the `fsrs` crate's `simulate`, as Anki's "FSRS
//! Simulator" uses it): daily workload and cards remembered over N days at
//! a desired retention, optionally starting from a deck's own cards; and a
//! retention advice table (Anki's "Help me decide": one simulation per
//! desired retention, workload against knowledge). Library functions; the
//! CLI draws the chart and the table.

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::state::CardState;
use super::state::Phase;
use crate::clock::Days;

/// What to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulateSettings {
    /// FSRS parameters (empty: FSRS-6's defaults).
    pub params: Vec<f32>,
    /// Desired retention.
    pub desired_retention: f32,
    /// Days to simulate.
    pub days: usize,
    /// New cards to add over the simulation (besides existing cards).
    pub new_cards: usize,
    /// New cards per day.
    pub new_per_day: usize,
    /// Reviews per day.
    pub reviews_per_day: usize,
    /// Longest interval in days.
    pub max_interval: u32,
    /// Whether the review limit leaves new cards alone.
    pub new_cards_ignore_review_limit: bool,
    /// Learning and relearning steps configured (counts).
    pub learning_steps: usize,
    /// Relearning steps configured.
    pub relearning_steps: usize,
    /// Seed of the simulated answers.
    pub seed: u64,
    /// Load balancing and easy days, as Anki's simulator applies them
    /// when its load balancer is on.
    pub load_balance: Option<SimulatedLoadBalance>,
}

/// What the simulator's load balancer needs: the easy days and where the
/// simulated days fall in the week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimulatedLoadBalance {
    /// Easy-day percentages, Monday first.
    pub easy_days: [f32; 7],
    /// How instants fall into days (for weekdays).
    pub days: Days,
    /// The start of the first simulated day after today.
    pub next_day_at_secs: i64,
}

impl Default for SimulateSettings {
    fn default() -> Self {
        SimulateSettings {
            params: Vec::new(),
            desired_retention: 0.9,
            days: 365,
            new_cards: 10_000,
            new_per_day: 20,
            reviews_per_day: 200,
            max_interval: 36_500,
            new_cards_ignore_review_limit: false,
            learning_steps: 2,
            relearning_steps: 1,
            seed: 42,
            load_balance: None,
        }
    }
}

/// One simulated day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Day {
    /// Day number from 0.
    pub day: usize,
    /// Reviews that day.
    pub reviews: usize,
    /// New cards learnt that day.
    pub new: usize,
    /// Minutes spent.
    pub minutes: f32,
    /// Cards one would remember if tested on all of them that day.
    pub remembered: f32,
}

/// A whole simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Simulation {
    /// Desired retention simulated.
    pub desired_retention: f32,
    /// Day by day.
    pub days: Vec<Day>,
    /// Reviews and new cards over all days.
    pub total_answers: usize,
    /// Minutes over all days.
    pub total_minutes: f32,
    /// Cards remembered on the last day.
    pub remembered_at_end: f32,
}

/// One row of the retention advice table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Advice {
    /// Desired retention.
    pub desired_retention: f32,
    /// Minutes over the whole simulation.
    pub total_minutes: f32,
    /// Answers over the whole simulation.
    pub total_answers: usize,
    /// Cards remembered at the end.
    pub remembered_at_end: f32,
    /// Cards remembered at the end per hour of study (Anki's "memorized
    /// cards per hour"): knowledge against workload.
    pub remembered_per_hour: f32,
}

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    /// A setting out of range.
    #[error("{0}")]
    Settings(String),
    /// FSRS refused.
    #[error("FSRS: {0}")]
    Fsrs(String),
}

fn params_of(s: &SimulateSettings) -> Result<Vec<f32>, SimulateError> {
    let p = if s.params.is_empty() {
        fsrs::DEFAULT_PARAMETERS.to_vec()
    } else {
        s.params.clone()
    };
    fsrs::check_and_fill_parameters(&p).map_err(|e| SimulateError::Fsrs(e.to_string()))
}

/// The deck's review cards as the simulator's starting cards (days counted
/// from `today`); new and (re)learning cards are left out, as Anki does
/// for learning cards without a memory state.
pub fn existing_cards(
    states: &[CardState],
    days: Days,
    today: i64,
    settings: &SimulateSettings,
) -> Result<Vec<fsrs::Card>, SimulateError> {
    let params = Arc::new(params_of(settings)?);
    Ok(states
        .iter()
        .enumerate()
        .filter(|(_, s)| s.phase == Phase::Review && s.stability > 0.0)
        .map(|(i, s)| {
            let due = (days.day_of(s.due_ms) - today) as f32;
            let last = s.last_review_ms.map_or(due - s.interval_days as f32, |l| {
                (days.day_of(l) - today) as f32
            });
            fsrs::Card {
                id: i as i64 + 1,
                difficulty: s.difficulty,
                stability: s.stability,
                last_date: last,
                due: due.max(0.0),
                interval: s.interval_days as f32,
                lapses: s.lapses,
                desired_retention: settings.desired_retention,
                parameters: Arc::clone(&params),
            }
        })
        .collect())
}

/// Runs the simulator.
pub fn simulate(
    settings: &SimulateSettings,
    existing: Option<Vec<fsrs::Card>>,
) -> Result<Simulation, SimulateError> {
    if !(0.7..=0.99).contains(&settings.desired_retention) {
        return Err(SimulateError::Settings(format!(
            "desired retention {} is outside 0.70-0.99",
            settings.desired_retention
        )));
    }
    if settings.days == 0 || settings.days > 36_500 {
        return Err(SimulateError::Settings(
            "simulate 1 to 36500 days".to_string(),
        ));
    }
    let params = params_of(settings)?;
    let existing = existing.map(|cards| {
        cards
            .into_iter()
            .map(|c| fsrs::Card {
                desired_retention: settings.desired_retention,
                ..c
            })
            .collect::<Vec<_>>()
    });
    let config = fsrs::SimulatorConfig {
        deck_size: settings.new_cards + existing.as_ref().map_or(0, Vec::len),
        learn_span: settings.days,
        max_ivl: settings.max_interval as f32,
        learn_limit: settings.new_per_day,
        review_limit: settings.reviews_per_day,
        new_cards_ignore_review_limit: settings.new_cards_ignore_review_limit,
        learning_step_count: settings.learning_steps,
        relearning_step_count: settings.relearning_steps,
        // No cap on time per day: the limits cap the work.
        max_cost_perday: f32::INFINITY,
        post_scheduling_fn: settings.load_balance.map(|lb| {
            let easy = lb
                .easy_days
                .map(super::load_balancer::EasyDay::from_percentage);
            fsrs::PostSchedulingFn::new(move |mut ctx: fsrs::PostSchedulingContext<'_>| {
                super::load_balancer::simulated_interval(
                    ctx.card.interval,
                    ctx.max_interval,
                    ctx.today,
                    ctx.due_counts_per_day,
                    ctx.random_u64(),
                    lb.days,
                    lb.next_day_at_secs,
                    &easy,
                )
            })
        }),
        ..Default::default()
    };
    let r = fsrs::simulate(
        &config,
        &params,
        settings.desired_retention,
        Some(settings.seed),
        existing,
    )
    .map_err(|e| SimulateError::Fsrs(e.to_string()))?;
    let days: Vec<Day> = (0..settings.days)
        .map(|d| Day {
            day: d,
            reviews: r.review_cnt_per_day.get(d).copied().unwrap_or(0),
            new: r.learn_cnt_per_day.get(d).copied().unwrap_or(0),
            minutes: r.cost_per_day.get(d).copied().unwrap_or(0.0) / 60.0,
            remembered: r.memorized_cnt_per_day.get(d).copied().unwrap_or(0.0),
        })
        .collect();
    Ok(Simulation {
        desired_retention: settings.desired_retention,
        total_answers: days.iter().map(|d| d.reviews + d.new).sum(),
        total_minutes: days.iter().map(|d| d.minutes).sum(),
        remembered_at_end: days.last().map_or(0.0, |d| d.remembered),
        days,
    })
}

/// Anki's "Help me decide": one simulation per desired retention from
/// 0.70 to 0.97 in steps of 0.01, in parallel.
pub fn retention_advice(
    settings: &SimulateSettings,
    existing: Option<Vec<fsrs::Card>>,
) -> Result<Vec<Advice>, SimulateError> {
    (70..=97)
        .into_par_iter()
        .map(|dr| {
            let s = SimulateSettings {
                desired_retention: dr as f32 / 100.0,
                ..settings.clone()
            };
            let sim = simulate(&s, existing.clone())?;
            let hours = sim.total_minutes / 60.0;
            Ok(Advice {
                desired_retention: s.desired_retention,
                total_minutes: sim.total_minutes,
                total_answers: sim.total_answers,
                remembered_at_end: sim.remembered_at_end,
                remembered_per_hour: if hours > 0.0 {
                    sim.remembered_at_end / hours
                } else {
                    0.0
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> SimulateSettings {
        SimulateSettings {
            days: 60,
            new_cards: 300,
            ..SimulateSettings::default()
        }
    }

    #[test]
    fn a_simulation_has_one_row_a_day_and_is_reproducible() {
        let a = simulate(&small(), None).unwrap();
        assert_eq!(a.days.len(), 60);
        assert_eq!(a.days[0].new, 20);
        assert!(a.remembered_at_end > 0.0);
        assert_eq!(a, simulate(&small(), None).unwrap());
    }

    #[test]
    fn easy_days_keep_reviews_off_the_weekend() {
        let base = SimulateSettings {
            days: 60,
            new_cards: 600,
            ..SimulateSettings::default()
        };
        // Day 0 of the simulation is Sunday 2026-12-06; its day 1 starts
        // Monday 04:00 UTC.
        let lb = SimulatedLoadBalance {
            easy_days: [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0],
            days: Days::fixed(0, 4),
            next_day_at_secs: 1_796_616_000,
        };
        let weekend = |s: &Simulation| {
            let (mut end, mut week) = (0, 0);
            for d in s.days.iter().skip(14) {
                if matches!((d.day + 6) % 7, 5 | 6) {
                    end += d.reviews;
                } else {
                    week += d.reviews;
                }
            }
            (end as f32 / 2.0, week as f32 / 5.0)
        };
        let plain = simulate(&base, None).unwrap();
        let easy = simulate(
            &SimulateSettings {
                load_balance: Some(lb),
                ..base.clone()
            },
            None,
        )
        .unwrap();
        let (p_end, p_week) = weekend(&plain);
        let (e_end, e_week) = weekend(&easy);
        // With easy days on the weekend, a weekend day carries a far
        // smaller share of the reviews than without.
        let (p, e) = (p_end / p_week, e_end / e_week);
        // (0.93 against 0.42 with this seed: an empty day keeps its full
        // weight even when it is an easy day, as in Anki.)
        assert!(e < 0.6 * p, "weekend/weekday: plain {p}, easy days {e}");
    }

    #[test]
    fn higher_retention_costs_more() {
        let rows = retention_advice(&small(), None).unwrap();
        assert_eq!(rows.len(), 28);
        assert!(rows[27].total_minutes > rows[0].total_minutes);
        assert!(rows[27].remembered_at_end > rows[0].remembered_at_end);
    }

    #[test]
    fn bad_settings_are_refused() {
        let s = SimulateSettings {
            desired_retention: 0.995,
            ..small()
        };
        assert!(simulate(&s, None).is_err());
        let s = SimulateSettings { days: 0, ..small() };
        assert!(simulate(&s, None).is_err());
    }

    #[test]
    fn existing_review_cards_start_the_simulation() {
        let days = Days::fixed(0, 4);
        let today = 20_000;
        let card = CardState {
            phase: Phase::Review,
            stability: 10.0,
            difficulty: 5.0,
            interval_days: 10,
            due_ms: days.start_of(today + 2),
            last_review_ms: Some(days.start_of(today - 8) + 3_600_000),
            reps: 3,
            ..CardState::NEW
        };
        let cards = existing_cards(&[card, CardState::NEW], days, today, &small()).unwrap();
        assert_eq!(cards.len(), 1);
        assert_eq!((cards[0].due, cards[0].last_date), (2.0, -8.0));
        let sim = simulate(
            &SimulateSettings {
                new_cards: 0,
                ..small()
            },
            Some(cards),
        )
        .unwrap();
        assert!(sim.total_answers >= 1);
    }
}
