//! The application layer: every operation a person asks of docket, in
//! domain types, for every surface (the command line today; a full-screen
//! study screen and a class server build on it too). It joins the engines
//! (deck parsing and checking, scheduler and queue, session, quiz,
//! interop) to the store, and knows no terminal, no exit code and no
//! command-line parser: failures are [`AppError`]s, and each surface
//! decides how to show them.
//!
//! - [`Collection`]: the user's progress (a [`crate::store::Store`] and a
//!   clock): opening decks into it (with the unchanged-file fast path),
//!   settings, study sessions, card listing, reset and suspend, statistics.
//! - [`decks`]: which decks to open and how; [`settings`]: scheduling
//!   settings and the keys a user may keep; [`stats`]: statistics queries;
//!   [`study`]: what a session starts with.
//! - [`checking`]: checking decks without a store.
//! - [`transfer`] and [`history`]: import and export, and Anki review
//!   histories brought into progress.
//! - [`quiz`]: making, printing, sitting and reporting a classroom quiz.
//! - [`class`]: a live class served to phones: roster, sittings, the
//!   teacher-paced round, its journal and the export to result files.
//!
//! See `docs/architecture.md` for where this sits in the data flow.

pub mod browse;
pub mod checking;
pub mod class;
pub mod collection;
pub mod decks;
pub mod error;
pub mod history;
pub mod inputs;
pub mod memory;
pub mod quiz;
pub mod settings;
pub mod simulate_html;
pub mod stats;
pub mod stats_html;
pub mod study;
pub mod transfer;

#[cfg(test)]
mod tests;

pub use collection::Collection;
pub use collection::clock_from_env;
pub use collection::doctor_check;
pub use collection::doctor_repair;
pub use decks::DeckSelection;
pub use decks::OpenedDeck;
pub use decks::StudyDeck;
pub use error::AppError;
pub use error::AppResult;
pub use error::InvalidInput;
pub use settings::Overrides;

/// Told when a step that may take a while starts and ends, so that a
/// surface can show a spinner or a progress bar.
pub trait Progress {
    /// A step starts.
    fn begin(&mut self, what: String);
    /// The step ended.
    fn end(&mut self);
}

/// Shows nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&mut self, _what: String) {}
    fn end(&mut self) {}
}
