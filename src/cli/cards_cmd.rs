//! `docket cards [DECK] [--json]`: each card's scheduling state.

use std::io::Write;
use std::path::PathBuf;

use super::args::CardsArgs;
use super::output;
use super::output::EXIT_OK;
use crate::app::Collection;
use crate::clock::Now;

/// Runs `docket cards`.
pub fn run(args: &CardsArgs) -> anyhow::Result<u8> {
    let paths: Vec<PathBuf> = args.deck.iter().cloned().collect();
    let (collection, decks) = match Collection::open_with_decks(&paths) {
        Ok(p) => p,
        Err(e) => return Ok(output::report("docket", &e)),
    };
    let now = collection.now();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for d in &decks {
        let deck_id = &d.meta().id;
        for row in collection.cards(deck_id)? {
            let s = &row.state;
            let due =
                (s.phase != crate::schedule::Phase::New).then(|| Now::rfc3339(now.at(s.due_ms)));
            let id = crate::sanitize::clean(&row.card_id);
            let result = if args.json {
                writeln!(
                    out,
                    "{}",
                    serde_json::json!({
                        "deck": deck_id, "card": id, "state": s.phase.name(), "due": due,
                        "stability": s.stability, "difficulty": s.difficulty, "reps": s.reps,
                        "lapses": s.lapses, "suspended": row.suspended,
                        "buried": row.buried_until_ms > now.ms, "in_deck": row.present,
                        "changed": row.changed_since_answered(),
                    })
                )
            } else {
                writeln!(
                    out,
                    "{:<32} {:<10} {:<28} S={:<8.2} D={:<5.2} reps={:<3} lapses={}{}{}",
                    id,
                    s.phase.name(),
                    // A person reads local, human time; JSON keeps RFC 3339.
                    due.as_ref()
                        .map_or("-".to_string(), |_| now.human(s.due_ms)),
                    s.stability,
                    s.difficulty,
                    s.reps,
                    s.lapses,
                    if row.suspended { " suspended" } else { "" },
                    if row.present {
                        ""
                    } else {
                        " (removed from deck)"
                    },
                )
            };
            if let Err(e) = result {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    return Ok(EXIT_OK);
                }
                return Err(e.into());
            }
        }
    }
    Ok(EXIT_OK)
}
