//! The quiz's view of time: instants in UTC, taken from the one clock of
//! [`crate::clock`] (the system's, or the instant `DOCKET_NOW` fixes), so
//! tests are deterministic and never time anything.

use chrono::DateTime;
use chrono::Utc;

use crate::clock::SystemClock;

/// A source of the current time.
pub trait Clock {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;

    /// Whether time is fixed by the environment (tests and scripted
    /// sittings). Only then may inputs carry their own times.
    fn is_fixed(&self) -> bool {
        false
    }
}

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        let ms = crate::clock::Clock::now(self).ms;
        DateTime::from_timestamp_millis(ms).unwrap_or_default()
    }

    fn is_fixed(&self) -> bool {
        matches!(self, SystemClock::Fixed(_))
    }
}

/// Parses an RFC 3339 instant.
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("`{text}` is not an RFC 3339 time ({e})"))
}

/// The clock to use: fixed when `DOCKET_NOW` is set, else the system's.
pub fn from_env() -> Result<Box<dyn Clock>, String> {
    Ok(Box::new(SystemClock::from_env()?))
}
