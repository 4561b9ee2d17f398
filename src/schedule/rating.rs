//! [`Rating`]: the four answer buttons, as in Anki and FSRS.

use serde::Deserialize;
use serde::Serialize;

/// How well a card was recalled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    /// Forgotten (1).
    Again = 1,
    /// Recalled with serious difficulty (2).
    Hard = 2,
    /// Recalled (3).
    Good = 3,
    /// Recalled easily (4).
    Easy = 4,
}

impl Rating {
    /// All four, in button order.
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    /// The button number 1–4.
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The rating of button 1–4.
    pub fn from_number(n: u8) -> Option<Rating> {
        Rating::ALL.get((n as usize).wrapping_sub(1)).copied()
    }

    /// Reads `1`–`4` or a rating name (`again`, `hard`, `good`, `easy`).
    pub fn parse(text: &str) -> Option<Rating> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "1" | "again" => Some(Rating::Again),
            "2" | "hard" => Some(Rating::Hard),
            "3" | "good" => Some(Rating::Good),
            "4" | "easy" => Some(Rating::Easy),
            _ => None,
        }
    }

    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Rating::Again => "again",
            Rating::Hard => "hard",
            Rating::Good => "good",
            Rating::Easy => "easy",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        for r in Rating::ALL {
            assert_eq!(Rating::from_number(r.number()), Some(r));
            assert_eq!(Rating::parse(r.name()), Some(r));
        }
        assert_eq!(Rating::from_number(0), None);
        assert_eq!(Rating::parse("5"), None);
    }
}
