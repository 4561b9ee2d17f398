//! [`Event`]: what a frontend can tell the session.

use crate::schedule::Rating;

/// An input to the session.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A typed answer to the card shown.
    Answer(String),
    /// Show the answer without typing one (Anki-style: think, reveal, rate).
    Reveal,
    /// Rate the card just answered or revealed; `None` accepts the proposal
    /// (a revealed card has none: it must be rated).
    Rate(Option<Rating>),
    /// Undo the last action of the session (answer, suspend, bury, reset).
    Undo,
    /// Suspend the card shown.
    Suspend,
    /// Bury the card shown until tomorrow.
    Bury,
    /// Start the card shown over as new (history kept).
    Reset,
    /// End the session.
    Quit,
}
