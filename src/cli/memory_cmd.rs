//! `docket optimize`, `docket simulate` and `docket export-log`: Anki's
//! FSRS tools on the student's own reviews.

use std::path::PathBuf;
use std::time::Duration;

use super::args::ExportLogArgs;
use super::args::OptimizeArgs;
use super::args::SimulateArgs;
use super::output;
use super::output::EXIT_OK;
use crate::app::AppError;
use crate::app::Collection;
use crate::app::OpenedDeck;
use crate::app::memory::SimulateRequest;
use crate::schedule::optimize::Evaluation;

fn open(deck: &Option<PathBuf>) -> Result<(Collection, OpenedDeck), AppError> {
    let paths: Vec<PathBuf> = deck.iter().cloned().collect();
    let (collection, mut decks) = Collection::open_with_decks(&paths)?;
    let first = decks
        .drain(..)
        .next()
        .ok_or_else(|| AppError::Request("no deck to work on".into()))?;
    Ok((collection, first))
}

fn eval(e: Option<Evaluation>) -> String {
    e.map_or_else(
        || "—".into(),
        |e| {
            format!(
                "log loss {:.4}, RMSE(bins) {:.2} %",
                e.log_loss,
                100.0 * e.rmse_bins
            )
        },
    )
}

/// Runs `docket optimize`.
pub fn optimize(args: &OptimizeArgs) -> anyhow::Result<u8> {
    let (mut collection, deck) = match open(&args.deck) {
        Ok(p) => p,
        Err(e) => return Ok(output::report("docket optimize", &e)),
    };
    let progress = fsrs::CombinedProgressState::new_shared();
    let bar = (!args.json).then(|| output::progress_bar("optimising"));
    // Training runs here; a second thread draws its progress.
    let done = std::thread::scope(|scope| {
        let watcher = bar.as_ref().map(|bar| {
            let progress = progress.clone();
            scope.spawn(move || {
                loop {
                    let (current, total, finished) = match progress.lock() {
                        Ok(p) => (p.current(), p.total(), p.finished()),
                        Err(_) => break,
                    };
                    bar.set_length(total.max(1) as u64);
                    bar.set_position(current as u64);
                    if finished || bar.is_finished() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
        });
        let result =
            collection.optimize_and_update(deck.meta(), Some(progress.clone()), args.reschedule);
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        if let Some(w) = watcher {
            let _ = w.join();
        }
        result
    });
    let (done, update) = match done {
        Ok(d) => d,
        Err(e) => return Ok(output::report("docket optimize", &e)),
    };
    if args.json {
        let mut v = serde_json::to_value(&done)?;
        v["memory"] = serde_json::to_value(update)?;
        println!("{v}");
        return Ok(EXIT_OK);
    }
    println!(
        "{} review{} gave {} training item{} (one per review a day or more after the last).",
        done.reviews,
        if done.reviews == 1 { "" } else { "s" },
        done.items,
        if done.items == 1 { "" } else { "s" }
    );
    if done.items == 0 {
        println!("Nothing to learn from yet: study for some days first. Parameters unchanged.");
        return Ok(EXIT_OK);
    }
    println!("  before: {}", eval(done.before));
    println!("  after:  {}", eval(done.after));
    if done.changed {
        let params: Vec<String> = done.params.iter().map(|p| format!("{p:.4}")).collect();
        println!(
            "Saved for deck `{}`: [{}]",
            crate::sanitize::clean(&deck.meta().id),
            params.join(", ")
        );
        if let Some(u) = update {
            println!(
                "Memory states recomputed with them for {} card{}{}.",
                u.recomputed,
                if u.recomputed == 1 { "" } else { "s" },
                if args.reschedule {
                    format!(
                        "; {} review card{} rescheduled (logged as rescheduled)",
                        u.rescheduled,
                        if u.rescheduled == 1 { "" } else { "s" }
                    )
                } else {
                    String::new()
                }
            );
        }
    } else {
        println!("The parameters in use predict at least as well: kept them.");
    }
    Ok(EXIT_OK)
}

/// A bar chart of `values` in `width` columns and `height` rows of text
/// (each column the mean of its share of the values).
fn chart(values: &[f64], width: usize, height: usize) -> Vec<String> {
    if values.is_empty() {
        return Vec::new();
    }
    let cols = width.min(values.len()).max(1);
    let per = values.len().div_ceil(cols);
    let buckets: Vec<f64> = values
        .chunks(per)
        .map(|c| c.iter().sum::<f64>() / c.len() as f64)
        .collect();
    let top = buckets.iter().copied().fold(0.0, f64::max).max(1e-9);
    let levels = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    (0..height)
        .rev()
        .map(|row| {
            buckets
                .iter()
                .map(|v| {
                    let filled = v / top * height as f64 - row as f64;
                    levels[(filled.clamp(0.0, 1.0) * 8.0).round() as usize]
                })
                .collect()
        })
        .collect()
}

/// Runs `docket simulate`.
pub fn simulate(args: &SimulateArgs) -> anyhow::Result<u8> {
    let (collection, deck) = match open(&args.deck) {
        Ok(p) => p,
        Err(e) => return Ok(output::report("docket simulate", &e)),
    };
    let req = SimulateRequest {
        days: args.days as usize,
        new_cards: args.new_cards,
        desired_retention: args.desired_retention,
        advice: args.advice,
        seed: args.seed,
    };
    let done = match collection.simulate(deck.meta(), &req) {
        Ok(d) => d,
        Err(e) => return Ok(output::report("docket simulate", &e)),
    };
    let sim = &done.simulation;
    if let Some(path) = &args.html {
        let page = crate::app::simulate_html::page(&deck.meta().title, &done);
        if let Err(e) = crate::app::stats_html::write(path, &page) {
            return Ok(output::report("docket simulate", &e));
        }
        if !args.json {
            eprintln!(
                "wrote {}",
                crate::sanitize::clean(&path.display().to_string())
            );
        }
    }
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "deck": deck.meta().id, "existing_cards": done.existing,
                "simulation": sim, "advice": done.advice,
            })
        );
        return Ok(EXIT_OK);
    }
    println!(
        "{} days at desired retention {:.2}, from {} card{} in review and {} new:",
        sim.days.len(),
        sim.desired_retention,
        done.existing,
        if done.existing == 1 { "" } else { "s" },
        done.new_cards
    );
    println!(
        "  {} answers, {:.0} minutes in all; about {:.0} cards remembered at the end",
        sim.total_answers, sim.total_minutes, sim.remembered_at_end
    );
    let reviews: Vec<f64> = sim
        .days
        .iter()
        .map(|d| (d.reviews + d.new) as f64)
        .collect();
    let peak = reviews.iter().copied().fold(0.0, f64::max);
    println!(
        "\nAnswers per day (peak {peak:.0}), day 1 to {}:",
        sim.days.len()
    );
    for line in chart(&reviews, 60, 6) {
        println!("  │{line}");
    }
    println!("  └{}", "─".repeat(60.min(reviews.len())));
    let remembered: Vec<f64> = sim.days.iter().map(|d| d.remembered as f64).collect();
    println!("\nCards remembered, day 1 to {}:", sim.days.len());
    for line in chart(&remembered, 60, 4) {
        println!("  │{line}");
    }
    println!("  └{}", "─".repeat(60.min(remembered.len())));
    if let Some(advice) = &done.advice {
        println!(
            "\nWhich retention? Workload against what you keep (as Anki's \"help me decide\"):"
        );
        println!(
            "  {:>9} {:>10} {:>9} {:>11} {:>14}",
            "retention", "minutes", "answers", "remembered", "per hour"
        );
        let best = advice
            .iter()
            .map(|a| a.remembered_per_hour)
            .fold(f32::MIN, f32::max);
        for a in advice {
            println!(
                "  {:>9.2} {:>10.0} {:>9} {:>11.0} {:>14.1}{}",
                a.desired_retention,
                a.total_minutes,
                a.total_answers,
                a.remembered_at_end,
                a.remembered_per_hour,
                if a.remembered_per_hour == best {
                    "  ← most remembered per hour"
                } else {
                    ""
                }
            );
        }
    }
    Ok(EXIT_OK)
}

/// Runs `docket export-log`.
pub fn export_log(args: &ExportLogArgs) -> anyhow::Result<u8> {
    let (collection, deck) = match open(&args.deck) {
        Ok(p) => p,
        Err(e) => return Ok(output::report("docket export-log", &e)),
    };
    let written = collection
        .review_log_csv(deck.meta())
        .and_then(|(csv, meta)| {
            crate::interop::output::write_atomically(&args.output, csv.as_bytes(), args.force)
                .map_err(|e| AppError::Failed(e.to_string()))?;
            Ok(meta)
        });
    match written {
        Ok(meta) => {
            eprintln!(
                "wrote {} review{} to {} (time zone {}, day starts at {}:00: pass these to the FSRS optimiser)",
                meta.rows,
                if meta.rows == 1 { "" } else { "s" },
                crate::sanitize::path(&args.output),
                crate::sanitize::clean(&meta.timezone),
                meta.day_start_hour
            );
            Ok(EXIT_OK)
        }
        Err(e) => Ok(output::report("docket export-log", &e)),
    }
}
