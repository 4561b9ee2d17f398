//! [`Event`]: what a frontend can tell the session.

use crate::schedule::Rating;

/// An input to the session.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A typed answer to the card shown.
    Answer(String),
    /// Show the answer without typing one (Anki-style: think, reveal, rate).
    Reveal,
    /// Rate the card just answered or revealed; `None` accepts the proposal.
    Rate(Option<Rating>),
    /// Undo the last answer.
    Undo,
    /// Suspend the card shown.
    Suspend,
    /// Bury the card shown until tomorrow.
    Bury,
    /// End the session.
    Quit,
}
