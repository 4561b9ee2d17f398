//! `docket stats [DECK] [--json]`: due today, new, learning and review
//! counts, and the retention of the last 30 days' reviews.

use std::path::PathBuf;

use super::args::StatsArgs;
use super::output;
use super::output::EXIT_OK;
use crate::app::Collection;

/// Runs `docket stats`.
pub fn run(args: &StatsArgs) -> anyhow::Result<u8> {
    let paths: Vec<PathBuf> = args.deck.iter().cloned().collect();
    let (collection, decks) = match Collection::open_with_decks(&paths) {
        Ok(p) => p,
        Err(e) => return Ok(output::report("docket", &e)),
    };
    for d in &decks {
        let deck = d.meta();
        let s = match collection.deck_stats(deck) {
            Ok(s) => s,
            Err(e) => return Ok(output::report("docket", &e)),
        };
        let due = s.due_today;
        if args.json {
            println!(
                "{}",
                serde_json::json!({
                    "deck": deck.id, "due_today": due, "new": s.new, "learning": s.learning,
                    "review": s.review, "relearning": s.relearning, "suspended": s.suspended,
                    "reviews_30d": s.reviews, "retention_30d": s.retention(),
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
                "  cards: {} new, {} learning, {} review, {} relearning, {} suspended",
                s.new, s.learning, s.review, s.relearning, s.suspended
            );
            match s.retention() {
                Some(r) => println!(
                    "  retention (last 30 days): {:.1}% of {} reviews",
                    r * 100.0,
                    s.reviews
                ),
                None => println!("  retention (last 30 days): no reviews yet"),
            }
        }
    }
    Ok(EXIT_OK)
}
