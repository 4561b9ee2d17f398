//! `docket stats [DECK] [--json]`: due today, new, learning and review
//! counts, and the retention of the last 30 days' reviews.

use std::path::PathBuf;

use super::EXIT_OK;
use super::EXIT_USAGE;
use super::study_cmd::SchedArgs;
use super::study_cmd::config_for;
use super::study_cmd::prepare;
use crate::clock::Clock;
use crate::schedule::Phase;
use crate::schedule::Scheduler;
use crate::schedule::queue;
use crate::store::Store;

/// Arguments of `docket stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// Deck file; none shows the bundled case deck.
    pub deck: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Runs `docket stats`.
pub fn run(args: &StatsArgs) -> anyhow::Result<u8> {
    let paths: Vec<PathBuf> = args.deck.iter().cloned().collect();
    let p = match prepare(&paths) {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let now = p.clock.now();
    for d in &p.decks {
        let deck = d.meta();
        let config = match config_for(&p.store, deck, &SchedArgs::default()) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("docket: {e}");
                return Ok(EXIT_USAGE);
            }
        };
        let sched = Scheduler::new(config)?;
        let due = queue::counts(&p.store, &deck.id, &sched, now)?;
        let rows = p.store.cards(&deck.id)?;
        let live = rows.iter().filter(|r| r.present);
        let count = |ph: Phase| live.clone().filter(|r| r.state.phase == ph).count();
        let (new, learning, review, relearning) = (
            count(Phase::New),
            count(Phase::Learning),
            count(Phase::Review),
            count(Phase::Relearning),
        );
        let suspended = live.clone().filter(|r| r.suspended).count();
        let since = now.ms - 30 * 86_400_000;
        let (reviews, passed) = p.store.reviews_passed_since(&deck.id, since)?;
        let retention = (reviews > 0).then(|| passed as f64 / reviews as f64);
        if args.json {
            println!(
                "{}",
                serde_json::json!({
                    "deck": deck.id, "due_today": due, "new": new, "learning": learning,
                    "review": review, "relearning": relearning, "suspended": suspended,
                    "reviews_30d": reviews, "retention_30d": retention,
                })
            );
        } else {
            println!("{}", crate::sanitize::clean(&deck.title));
            println!(
                "  due today: {} ({} learning, {} review, {} new)",
                due.total(),
                due.learning,
                due.review,
                due.new
            );
            println!(
                "  cards: {new} new, {learning} learning, {review} review, {relearning} relearning, {suspended} suspended"
            );
            match retention {
                Some(r) => println!(
                    "  retention (last 30 days): {:.1}% of {} reviews",
                    r * 100.0,
                    reviews
                ),
                None => println!("  retention (last 30 days): no reviews yet"),
            }
        }
    }
    Ok(EXIT_OK)
}
