//! `docket import --history`: the Anki review history of a package goes
//! into docket's progress store, so that studying the imported deck
//! continues each card's scheduling. Days are counted against the
//! collection's rollover hour in the local time of this machine (or of
//! `DOCKET_NOW`), as Anki counts them on the machine it runs on.

use super::EXIT_FAILURE;
use super::study_cmd::clock;
use super::study_cmd::open_store;
use crate::clock::Clock;
use crate::clock::Days;
use crate::deck::Deck;
use crate::interop::apkg::history::AnkiHistory;
use crate::interop::apkg::history::DEFAULT_ROLLOVER_HOUR;
use crate::interop::apkg::history::read_history;
use crate::interop::apkg::progress::ProgressImport;
use crate::interop::apkg::progress::progress;
use crate::store::Store;
use crate::store::StoreError;

/// Reads a package's history; a package without any is an error, since
/// the user asked for it. Problems are printed.
pub fn read(name: &str, bytes: &[u8]) -> Result<AnkiHistory, u8> {
    let history = read_history(bytes).map_err(|e| {
        eprintln!("docket import: {name}: {e}");
        eprintln!("nothing was written");
        EXIT_FAILURE
    })?;
    if history.rows == 0 {
        eprintln!(
            "docket import: {name}: the package has no review history \
             (export it from Anki with \"Include scheduling information\"); nothing was written"
        );
        return Err(EXIT_FAILURE);
    }
    Ok(history)
}

/// Replays the history against the deck as written and stores it in one
/// transaction. Problems are printed; on error nothing was stored.
pub fn store(
    history: &AnkiHistory,
    deck: &Deck,
    replace: bool,
    rollover_hour: Option<u32>,
) -> Result<Imported, u8> {
    let now = clock()?.now();
    let rollover = rollover_hour
        .or(history.rollover_hour)
        .unwrap_or(DEFAULT_ROLLOVER_HOUR);
    let days = Days::new(now, rollover);
    let imported = progress(history, deck, days);
    if imported.cards.is_empty() {
        for s in &imported.skipped {
            eprintln!("history not imported: {s}");
        }
        eprintln!("docket import: no card's review history could be imported; nothing was written");
        return Err(EXIT_FAILURE);
    }
    let mut store = open_store()?;
    match store.import_history(&deck.meta.id, &imported.cards, replace) {
        Ok(()) => Ok(Imported {
            progress: imported,
            rollover,
            rollover_source: match (rollover_hour, history.rollover_hour) {
                (Some(_), _) => "as given",
                (None, Some(_)) => "the collection's rollover",
                (None, None) => {
                    "Anki's default; pass --rollover-hour if your Anki's day starts at another hour"
                }
            },
        }),
        Err(e @ StoreError::HasProgress { .. }) => {
            eprintln!("docket import: {e}; pass --replace-history to replace it");
            Err(EXIT_FAILURE)
        }
        Err(e) => {
            eprintln!("docket import: {e}; nothing was written");
            Err(EXIT_FAILURE)
        }
    }
}

/// What was stored, and the day rollover it was counted with.
pub struct Imported {
    /// Cards and reviews.
    pub progress: ProgressImport,
    /// The rollover hour used.
    pub rollover: u32,
    /// Where it came from: the flag, the package or the default.
    pub rollover_source: &'static str,
}

/// Prints what was imported and what was not.
pub fn report(done: &Imported) {
    let imported = &done.progress;
    for s in &imported.skipped {
        eprintln!("history not imported: {s}");
    }
    eprintln!(
        "imported review history: {} card{}, {} review{} (days start at {}:00 local time, {}; \
         FSRS parameters: the preset's for {}, the defaults for {}); \
         {} log row{} not part of FSRS histories (manual changes, cram, before a reset); \
         {} item{} not imported",
        imported.cards.len(),
        plural(imported.cards.len()),
        imported.reviews,
        plural(imported.reviews),
        done.rollover,
        done.rollover_source,
        imported.preset_params,
        imported.cards.len() - imported.preset_params,
        imported.left_out,
        plural(imported.left_out),
        imported.skipped.len(),
        plural(imported.skipped.len()),
    );
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
