//! [`Collection`]: the one door to a user's progress. It holds the store
//! (behind the [`Store`] trait) and the clock, opens decks into the store,
//! and carries out what surfaces ask: study sessions, card listings,
//! resets and suspensions, settings and statistics.

use super::AppError;
use super::AppResult;
use super::decks;
use super::decks::DeckSelection;
use super::decks::OpenedDeck;
use super::settings;
use super::settings::Overrides;
use crate::clock::Clock;
use crate::clock::Now;
use crate::clock::SystemClock;
use crate::deck::model::DeckMeta;
use crate::schedule::CardState;
use crate::schedule::ReviewKind;
use crate::schedule::Scheduler;
use crate::schedule::SchedulerConfig;
use crate::session::CardSource;
use crate::session::Session;
use crate::session::View;
use crate::store::Answer;
use crate::store::CardRow;
use crate::store::SqliteStore;
use crate::store::Store;

/// A store and a clock: everything an operation on progress needs.
pub struct Collection {
    store: Box<dyn Store + Send>,
    clock: Box<dyn Clock + Send + Sync>,
}

/// A study session started, with the views it opens with and the clock
/// to drive it by.
pub struct Study<'a> {
    /// The session.
    pub session: Session<'a>,
    /// Its first views.
    pub first: Vec<View>,
    /// The collection's clock.
    pub clock: &'a dyn Clock,
}

/// The user's progress file, checked in full without opening it for
/// writing (Anki's "check database"); a store that cannot be opened is
/// exactly what this is for.
pub fn doctor_check() -> AppResult<crate::store::doctor::DoctorReport> {
    let path = crate::store::data_dir()?.join(crate::store::DB_FILE);
    super::inputs::require(&path)?;
    Ok(crate::store::doctor::check(&path)?)
}

/// Copies what can be saved of a damaged progress file into a new one;
/// the damaged original is kept beside it under a dated name.
pub fn doctor_repair() -> AppResult<crate::store::doctor::RepairReport> {
    let path = crate::store::data_dir()?.join(crate::store::DB_FILE);
    super::inputs::require(&path)?;
    Ok(crate::store::doctor::repair(&path)?)
}

/// What [`Collection::make_due_now`] did with each card.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueNow {
    /// Cards now due (or already due).
    pub due: Vec<String>,
    /// Cards never studied: they stay new.
    pub new: Vec<String>,
    /// Ids the deck does not have.
    pub unknown: Vec<String>,
}

/// The clock `DOCKET_NOW` asks for, else the system's.
pub fn clock_from_env() -> AppResult<SystemClock> {
    SystemClock::from_env().map_err(AppError::Request)
}

impl Collection {
    /// A collection over any store and clock (tests, other backends).
    pub fn new(store: Box<dyn Store + Send>, clock: Box<dyn Clock + Send + Sync>) -> Collection {
        Collection { store, clock }
    }

    /// Opens the user's progress in the data directory (`DOCKET_DATA_DIR`,
    /// else the platform's), creating it on first use.
    pub fn open(clock: SystemClock) -> AppResult<Collection> {
        let dir = crate::store::data_dir()?;
        let store = SqliteStore::open_dir(&dir)?;
        Ok(Collection::new(Box::new(store), Box::new(clock)))
    }

    /// Reads the clock, resolves the deck paths (none: the bundled deck),
    /// opens the user's progress and opens every deck into it, in that
    /// order, so that a mistyped path is reported before anything is
    /// created.
    pub fn open_with_decks(
        paths: &[std::path::PathBuf],
    ) -> AppResult<(Collection, Vec<OpenedDeck>)> {
        let clock = clock_from_env()?;
        let selection = DeckSelection::resolve(paths)?;
        let mut collection = Collection::open(clock)?;
        let decks = collection.open_decks(&selection)?;
        Ok((collection, decks))
    }

    /// Opens the selected decks into the store: each unchanged file by the
    /// fast path, others parsed, checked and synced.
    pub fn open_decks(&mut self, selection: &DeckSelection) -> AppResult<Vec<OpenedDeck>> {
        let now = self.now();
        let mut out = Vec::new();
        if selection.bundled {
            out.push(decks::open_bundled(self.store.as_mut(), now.ms)?);
        }
        for f in &selection.files {
            out.push(decks::open_file(self.store.as_mut(), f, now.ms)?);
        }
        Ok(out)
    }

    /// The current instant.
    pub fn now(&self) -> Now {
        self.clock.now()
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// The store, for reading.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The store, for operations not wrapped here.
    pub fn store_mut(&mut self) -> &mut dyn Store {
        self.store.as_mut()
    }

    /// The scheduler settings for a deck: defaults, the deck, stored
    /// settings, then `overrides`.
    pub fn scheduler_config(
        &self,
        deck: &DeckMeta,
        overrides: &Overrides,
    ) -> AppResult<SchedulerConfig> {
        settings::scheduler_config(self.store(), deck, overrides).map_err(AppError::Request)
    }

    /// The scheduler for a deck with these settings.
    pub fn scheduler(&self, deck: &DeckMeta, overrides: &Overrides) -> AppResult<Scheduler> {
        Ok(Scheduler::new(self.scheduler_config(deck, overrides)?)?)
    }

    /// Starts a study session over an opened deck's cards.
    pub fn start_session<'a>(
        &'a mut self,
        cards: &'a dyn CardSource,
        scheduler: Scheduler,
        seed: u64,
    ) -> AppResult<Study<'a>> {
        let Collection { store, clock } = self;
        let (session, first) = Session::start(store.as_mut(), cards, scheduler, seed, clock.now())?;
        Ok(Study {
            session,
            first,
            clock: &**clock,
        })
    }

    /// Every card of a deck with its state, in deck order (removed cards last).
    pub fn cards(&self, deck_id: &str) -> AppResult<Vec<CardRow>> {
        Ok(self.store.cards(deck_id)?)
    }

    /// Starts one card over on purpose: it becomes new again, its history
    /// is kept and a manual log row records the reset; a suspension or
    /// burial is lifted (a card started over is meant to be studied).
    /// Returns the card as it was.
    pub fn reset_card(&mut self, deck_id: &str, card_id: &str) -> AppResult<CardRow> {
        let row = self.existing_card(deck_id, card_id)?;
        let answer = crate::session::reset_answer(deck_id, &row, self.now().ms, None);
        self.store.record(&answer)?;
        if row.suspended {
            self.store.set_suspended(deck_id, card_id, false)?;
        }
        if row.buried_until_ms != 0 {
            self.store.set_buried_until(deck_id, card_id, 0)?;
        }
        Ok(row)
    }

    /// Buries a card until the next study day (`bury`), or lifts a burial
    /// (`!bury`). Returns the card as it was.
    pub fn set_buried(&mut self, deck_id: &str, card_id: &str, bury: bool) -> AppResult<CardRow> {
        let row = self.existing_card(deck_id, card_id)?;
        let until = if bury {
            let now = self.now();
            // The deck's day start, else the user's, else Anki's 4 am.
            let hour = |scope: &str| {
                self.setting(scope, "day_start_hour")
                    .ok()
                    .flatten()
                    .and_then(|h| h.parse::<u32>().ok())
            };
            let deck_start = hour(deck_id)
                .or_else(|| hour(""))
                .unwrap_or(crate::clock::DEFAULT_DAY_START_HOUR);
            let days = crate::clock::Days::new(now, deck_start);
            days.start_of(days.day_of(now.ms) + 1)
        } else {
            0
        };
        self.store.set_buried_until(deck_id, card_id, until)?;
        Ok(row)
    }

    /// Makes cards due now (cards a student missed on a quiz): each card
    /// already studied keeps its memory state and is due at once, logged
    /// as a manual change in one transaction per card (a suspended card
    /// stays suspended: the student chose that). Cards not yet
    /// studied stay new (they come with the day's new cards), unknown ids
    /// are skipped; both are returned so a surface can say so.
    pub fn make_due_now(&mut self, deck_id: &str, card_ids: &[String]) -> AppResult<DueNow> {
        let now = self.now().ms;
        let mut out = DueNow::default();
        for id in card_ids {
            let Some(row) = self.store.card(deck_id, id)? else {
                out.unknown.push(id.clone());
                continue;
            };
            if row.state.phase == crate::schedule::Phase::New {
                out.new.push(id.clone());
                continue;
            }
            if row.state.due_ms <= now {
                out.due.push(id.clone());
                continue;
            }
            let after = CardState {
                due_ms: now,
                ..row.state
            };
            let answer = Answer {
                deck_id: deck_id.to_string(),
                card_id: row.card_id.clone(),
                ts_ms: now,
                rating: None,
                kind: ReviewKind::Manual,
                before: row.state,
                after,
                elapsed_days: 0,
                elapsed_secs: 0,
                r_before: None,
                r_after: None,
                duration_ms: 0,
                content_hash: row.content_hash.clone(),
                session_id: None,
            };
            self.store.record(&answer)?;
            out.due.push(id.clone());
        }
        Ok(out)
    }

    /// Suspends a card, or lifts its suspension.
    pub fn set_suspended(
        &mut self,
        deck_id: &str,
        card_id: &str,
        suspended: bool,
    ) -> AppResult<()> {
        self.existing_card(deck_id, card_id)?;
        Ok(self.store.set_suspended(deck_id, card_id, suspended)?)
    }

    /// A card of a deck with its state, or a clear error naming it.
    pub fn card(&self, deck_id: &str, card_id: &str) -> AppResult<CardRow> {
        self.existing_card(deck_id, card_id)
    }

    fn existing_card(&self, deck_id: &str, card_id: &str) -> AppResult<CardRow> {
        self.store.card(deck_id, card_id)?.ok_or_else(|| {
            AppError::Failed(format!(
                "no card `{}` in deck `{}`",
                crate::sanitize::clean(card_id),
                deck_id
            ))
        })
    }

    /// A stored setting (`scope` "" for the user, or a deck id); an empty
    /// value counts as unset.
    pub fn setting(&self, scope: &str, key: &str) -> AppResult<Option<String>> {
        Ok(self.store.setting(scope, key)?.filter(|v| !v.is_empty()))
    }

    /// Stores a setting after checking the key, the scope and the value
    /// (kept in its normal form).
    pub fn set_setting(&mut self, scope: &str, key: &str, value: &str) -> AppResult<()> {
        let value = settings::checked(scope, key, value).map_err(AppError::Request)?;
        Ok(self.store.set_setting(scope, key, &value)?)
    }

    /// Removes a setting.
    pub fn unset_setting(&mut self, scope: &str, key: &str) -> AppResult<()> {
        crate::schedule::config::validate_key(key).map_err(AppError::Request)?;
        settings::check_scope(scope).map_err(AppError::Request)?;
        Ok(self.store.set_setting(scope, key, "")?)
    }
}
