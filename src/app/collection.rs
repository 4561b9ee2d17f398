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
use crate::schedule::load_balancer::LoadBalancer;
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

    /// The scheduler for a deck with these settings, with the deck's load
    /// for the load balancer when it is on.
    pub fn scheduler(&self, deck: &DeckMeta, overrides: &Overrides) -> AppResult<Scheduler> {
        let config = self.scheduler_config(deck, overrides)?;
        let wants_load = config.load_balancer && config.fuzz;
        let sched = Scheduler::new(config)?;
        if !wants_load {
            return Ok(sched);
        }
        let load = self.load(&deck.id, &sched)?;
        Ok(sched.with_load(load))
    }

    /// The deck's scheduler without the load balancer's counts, which
    /// read every due card of the preset's decks: for reading
    /// (statistics, retrievability, the card browser), and for a study
    /// session, which reads them when its first card's outcomes are needed
    /// (see [`Collection::start_session`]).
    pub fn scheduler_without_load(
        &self,
        deck: &DeckMeta,
        overrides: &Overrides,
    ) -> AppResult<Scheduler> {
        Ok(Scheduler::new(self.scheduler_config(deck, overrides)?)?)
    }

    fn load(&self, deck_id: &str, sched: &Scheduler) -> AppResult<LoadBalancer> {
        Ok(load_of(
            self.store(),
            &self.preset_decks(deck_id)?,
            sched,
            self.now(),
        )?)
    }

    /// The decks sharing a deck's preset, the deck first (decks on no
    /// preset share your own settings, Anki's "Default" preset).
    pub fn preset_decks(&self, deck_id: &str) -> AppResult<Vec<String>> {
        let preset = self.deck_preset(deck_id)?;
        let mut decks = vec![deck_id.to_string()];
        for other in self.store.deck_ids()? {
            if other != deck_id && self.deck_preset(&other)? == preset {
                decks.push(other);
            }
        }
        Ok(decks)
    }

    /// Starts a study session over an opened deck's cards.
    pub fn start_session<'a>(
        &'a mut self,
        cards: &'a dyn CardSource,
        scheduler: Scheduler,
        seed: u64,
    ) -> AppResult<Study<'a>> {
        // A scheduler that wants the load balancer but has no counts gets
        // them when the first card's outcomes are needed, not now.
        let deferred = if scheduler.config.load_balancer
            && scheduler.config.fuzz
            && scheduler.load.is_none()
        {
            let decks = self.preset_decks(&cards.meta().id)?;
            let load: crate::session::DeferredLoad =
                Box::new(move |store: &dyn Store, sched: &Scheduler, now: Now| {
                    load_of(store, &decks, sched, now).map(Some)
                });
            Some(load)
        } else {
            None
        };
        let Collection { store, clock } = self;
        let (mut session, first) =
            Session::start(store.as_mut(), cards, scheduler, seed, clock.now())?;
        if let Some(load) = deferred {
            session.defer_load(load);
        }
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
        if bury && !row.suspended && row.buried_until_ms <= self.now().ms {
            // Anki saves the card when burying it and again when it is
            // unburied (by hand or at the next day): two roundings.
            self.resave(deck_id, card_id, 2)?;
        }
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
            // Saved as Anki saves a card (its memory state rounded again).
            let memory = row
                .state
                .memory()
                .map(crate::schedule::states::round_memory);
            let after = CardState {
                due_ms: now,
                stability: memory.map_or(row.state.stability, |m| m.stability),
                difficulty: memory.map_or(row.state.difficulty, |m| m.difficulty),
                ..row.state
            };
            let answer = Answer::change(deck_id, &row, now, ReviewKind::Manual, after, None);
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
        let row = self.existing_card(deck_id, card_id)?;
        self.store.set_suspended(deck_id, card_id, suspended)?;
        if row.suspended != suspended {
            // Anki saves the card, rounding its memory state again.
            self.resave(deck_id, card_id, 1)?;
        }
        Ok(())
    }

    /// Rounds a card's memory state `times` more times, as that many
    /// saves of the card in Anki do (`CardData::convert_to_json`; in f32
    /// rounding is not idempotent, see docs/scheduling.md), so the next
    /// answer starts from Anki's value. No log row: Anki writes none.
    fn resave(&mut self, deck_id: &str, card_id: &str, times: usize) -> AppResult<()> {
        let row = self.existing_card(deck_id, card_id)?;
        let Some(memory) = row.state.memory() else {
            return Ok(());
        };
        let mut m = memory;
        for _ in 0..times {
            m = crate::schedule::states::round_memory(m);
        }
        if m != memory {
            self.store
                .set_memory_state(deck_id, card_id, &row.state, m.stability, m.difficulty)?;
        }
        Ok(())
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

    /// Anki's "set due date": the card becomes a review card due in the
    /// days `due` gives (a number, a range `N-M`, either with `!`, or a
    /// date), its memory kept, logged as a manual change (Anki's kind 4).
    /// A range is drawn from by the card and the time. Returns the card
    /// before and after.
    pub fn reschedule_card(
        &mut self,
        deck: &DeckMeta,
        card_id: &str,
        due: &str,
    ) -> AppResult<(CardRow, CardState)> {
        let row = self.existing_card(&deck.id, card_id)?;
        let config = self.scheduler_config(deck, &Overrides::default())?;
        let now = self.now();
        let days = crate::clock::Days::new(now, config.day_start_hour);
        let spec = crate::schedule::reschedule::parse_due(due, days.day_of(now.ms))
            .map_err(AppError::Request)?;
        let seed = crate::schedule::card_seed(&deck.id, card_id) ^ now.ms as u64;
        let after =
            crate::schedule::reschedule::set_due_date(&row.state, spec.pick(seed), days, now.ms);
        let answer = Answer {
            deck_id: deck.id.clone(),
            card_id: row.card_id.clone(),
            ts_ms: now.ms,
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
        Ok((row, after))
    }

    /// The presets, in the order they were created.
    pub fn presets(&self) -> AppResult<Vec<String>> {
        settings::presets(self.store()).map_err(AppError::Failed)
    }

    fn existing_preset(&self, name: &str) -> AppResult<()> {
        settings::check_preset_name(name).map_err(AppError::Request)?;
        if self.presets()?.iter().any(|p| p == name) {
            Ok(())
        } else {
            Err(AppError::Request(format!(
                "no preset `{name}`; `docket config preset create {name}` makes one"
            )))
        }
    }

    /// Creates a preset, empty (your own settings apply) or as a copy of
    /// another preset's settings.
    pub fn create_preset(&mut self, name: &str, from: Option<&str>) -> AppResult<()> {
        settings::check_preset_name(name).map_err(AppError::Request)?;
        let mut names = self.presets()?;
        if names.iter().any(|p| p == name) {
            return Err(AppError::Request(format!("preset `{name}` already exists")));
        }
        if let Some(from) = from {
            self.existing_preset(from)?;
        }
        let scope = settings::preset_scope(name);
        for (key, _) in settings::KEYS {
            // A copy, or no leftovers of a deleted preset of that name.
            let value = match from {
                Some(f) => self
                    .setting(&settings::preset_scope(f), key)?
                    .unwrap_or_default(),
                None => String::new(),
            };
            self.store.set_setting(&scope, key, &value)?;
        }
        names.push(name.to_string());
        let list = serde_json::to_string(&names).map_err(|e| AppError::Failed(e.to_string()))?;
        Ok(self.store.set_setting("", settings::PRESETS_KEY, &list)?)
    }

    /// A preset's settings (None: not set there).
    pub fn preset_settings(&self, name: &str) -> AppResult<Vec<(&'static str, Option<String>)>> {
        self.existing_preset(name)?;
        let scope = settings::preset_scope(name);
        settings::KEYS
            .iter()
            .map(|(k, _)| Ok((*k, self.setting(&scope, k)?)))
            .collect()
    }

    /// Deletes a preset: its settings are removed, and decks that used it
    /// go back to your own settings (as Anki moves them to its default).
    pub fn delete_preset(&mut self, name: &str) -> AppResult<()> {
        self.existing_preset(name)?;
        let scope = settings::preset_scope(name);
        for (key, _) in settings::KEYS {
            self.store.set_setting(&scope, key, "")?;
        }
        let names: Vec<String> = self.presets()?.into_iter().filter(|p| p != name).collect();
        let list = serde_json::to_string(&names).map_err(|e| AppError::Failed(e.to_string()))?;
        Ok(self.store.set_setting("", settings::PRESETS_KEY, &list)?)
    }

    /// Makes a deck use a preset (None: no preset, your own settings).
    pub fn assign_preset(&mut self, deck_id: &str, name: Option<&str>) -> AppResult<()> {
        settings::check_scope(deck_id).map_err(AppError::Request)?;
        if deck_id.starts_with("preset:") {
            return Err(AppError::Request(format!(
                "`{}` is not a deck id",
                crate::sanitize::clean(deck_id)
            )));
        }
        if let Some(name) = name {
            self.existing_preset(name)?;
        }
        Ok(self
            .store
            .set_setting(deck_id, settings::DECK_PRESET_KEY, name.unwrap_or(""))?)
    }

    /// The preset a deck uses, if any.
    pub fn deck_preset(&self, deck_id: &str) -> AppResult<Option<String>> {
        settings::deck_preset(self.store(), deck_id).map_err(AppError::Failed)
    }
}

/// The cards due on each of the next days, as Anki's load balancer counts
/// them: in every deck that shares the deck's preset (`decks`, from
/// [`Collection::preset_decks`]), reviews and interday learning,
/// suspended or not (Anki counts every card with a due day).
fn load_of(
    store: &dyn Store,
    decks: &[String],
    sched: &Scheduler,
    now: Now,
) -> Result<LoadBalancer, crate::store::StoreError> {
    let days = sched.days(now);
    let today = days.day_of(now.ms);
    let mut due_days = Vec::new();
    for deck in decks {
        let (reviews, learning) = store.load_cards(deck)?;
        due_days.extend(reviews.into_iter().map(|due| days.day_of(due)));
        due_days.extend(
            learning
                .iter()
                .filter(|s| crate::schedule::queue::is_interday(days, s))
                .map(|s| days.day_of(s.due_ms)),
        );
    }
    Ok(LoadBalancer::new(
        days,
        today,
        due_days,
        sched.config.easy_days,
    ))
}
