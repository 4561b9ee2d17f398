//! An Anki package's review history brought into the user's progress, so
//! that studying the imported deck continues each card's scheduling. Days
//! are counted against the collection's rollover hour in the local time of
//! this machine (or of `DOCKET_NOW`), as Anki counts them on the machine
//! it runs on.

use super::AppError;
use super::AppResult;
use super::Collection;
use super::collection::clock_from_env;
use crate::clock::Days;
use crate::deck::Deck;
use crate::interop::apkg::history::AnkiHistory;
use crate::interop::apkg::history::DEFAULT_ROLLOVER_HOUR;
use crate::interop::apkg::history::read_history;
use crate::interop::apkg::progress::ProgressImport;
use crate::interop::apkg::progress::progress;
use crate::store::StoreError;

/// Where the rollover hour used came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RolloverSource {
    /// The caller gave it.
    Given,
    /// The package records it.
    Package,
    /// Neither: Anki's default.
    Default,
}

/// What was stored, and the day rollover it was counted with.
pub struct ImportedHistory {
    /// Cards and reviews.
    pub progress: ProgressImport,
    /// The rollover hour used.
    pub rollover: u32,
    /// Where it came from.
    pub rollover_source: RolloverSource,
}

/// Reads a package's history; a package without any is an error, since
/// the user asked for it. `name` is how the file is named in messages.
pub fn read(name: &str, bytes: &[u8]) -> AppResult<AnkiHistory> {
    let history = read_history(bytes)
        .map_err(|e| AppError::Failed(format!("{name}: {e}\nnothing was written")))?;
    if history.rows == 0 {
        return Err(AppError::Failed(format!(
            "{name}: the package has no review history \
             (export it from Anki with \"Include scheduling information\"); nothing was written"
        )));
    }
    Ok(history)
}

/// Replays the history against the deck as written and stores it in one
/// transaction in the user's progress. On error nothing was stored.
pub fn store(
    history: &AnkiHistory,
    deck: &Deck,
    replace: bool,
    rollover_hour: Option<u32>,
) -> AppResult<ImportedHistory> {
    let clock = clock_from_env()?;
    let now = crate::clock::Clock::now(&clock);
    let rollover = rollover_hour
        .or(history.rollover_hour)
        .unwrap_or(DEFAULT_ROLLOVER_HOUR);
    let days = Days::new(now, rollover);
    let imported = progress(history, deck, days);
    if imported.cards.is_empty() {
        let mut msg =
            String::from("no card's review history could be imported; nothing was written");
        for s in &imported.skipped {
            msg.push_str(&format!("\nhistory not imported: {s}"));
        }
        return Err(AppError::Failed(msg));
    }
    let mut collection = Collection::open(clock)?;
    match collection
        .store_mut()
        .import_history(&deck.meta.id, &imported.cards, replace)
    {
        Ok(()) => Ok(ImportedHistory {
            progress: imported,
            rollover,
            rollover_source: match (rollover_hour, history.rollover_hour) {
                (Some(_), _) => RolloverSource::Given,
                (None, Some(_)) => RolloverSource::Package,
                (None, None) => RolloverSource::Default,
            },
        }),
        Err(e @ StoreError::HasProgress { .. }) => Err(AppError::Failed(format!(
            "{e}; pass --replace-history to replace it"
        ))),
        Err(e) => Err(AppError::Failed(format!("{e}; nothing was written"))),
    }
}
