//! [`CardState`]: one card's scheduling state (New, Learning, Review,
//! Relearning), the value the store keeps per card and every answer is
//! based on.

use serde::Deserialize;
use serde::Serialize;

/// The four card states of Anki's scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Never answered.
    New = 0,
    /// In the learning steps.
    Learning = 1,
    /// Graduated; scheduled in days.
    Review = 2,
    /// Forgotten after graduating; in the relearning steps.
    Relearning = 3,
}

impl Phase {
    /// The stored number.
    pub fn number(self) -> i64 {
        self as i64
    }

    /// The phase of a stored number.
    pub fn from_number(n: i64) -> Option<Phase> {
        match n {
            0 => Some(Phase::New),
            1 => Some(Phase::Learning),
            2 => Some(Phase::Review),
            3 => Some(Phase::Relearning),
            _ => None,
        }
    }

    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Phase::New => "new",
            Phase::Learning => "learning",
            Phase::Review => "review",
            Phase::Relearning => "relearning",
        }
    }
}

/// A card's scheduling state. Stability and difficulty are FSRS's memory
/// state (0 while new). `due_ms` is an exact time for learning cards and
/// the start of the due day for review cards.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CardState {
    /// New, learning, review or relearning.
    pub phase: Phase,
    /// Index of the current (re)learning step.
    pub step: u32,
    /// FSRS stability in days (0 when new).
    pub stability: f32,
    /// FSRS difficulty 1–10 (0 when new).
    pub difficulty: f32,
    /// When the card is next due, ms since the epoch.
    pub due_ms: i64,
    /// Scheduled interval in days (0 while in steps).
    pub interval_days: u32,
    /// When it was last answered.
    pub last_review_ms: Option<i64>,
    /// Number of answers.
    pub reps: u32,
    /// Number of times a review card was forgotten.
    pub lapses: u32,
}

impl CardState {
    /// A card never studied.
    pub const NEW: CardState = CardState {
        phase: Phase::New,
        step: 0,
        stability: 0.0,
        difficulty: 0.0,
        due_ms: 0,
        interval_days: 0,
        last_review_ms: None,
        reps: 0,
        lapses: 0,
    };

    /// The FSRS memory state, when the card has one.
    pub fn memory(&self) -> Option<fsrs::MemoryState> {
        (self.phase != Phase::New && self.stability > 0.0).then_some(fsrs::MemoryState {
            stability: self.stability,
            difficulty: self.difficulty,
        })
    }
}

impl Default for CardState {
    fn default() -> Self {
        CardState::NEW
    }
}
