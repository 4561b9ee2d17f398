//! Where "now" comes from. Read once per event at the edge: the system
//! clock normally, a fixed instant when `DOCKET_NOW` is set, so tests are
//! deterministic and never time anything.

use chrono::DateTime;
use chrono::Utc;

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

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }

    fn is_fixed(&self) -> bool {
        true
    }
}

/// The environment variable that fixes "now" (RFC 3339).
pub const NOW_VAR: &str = "DOCKET_NOW";

/// Parses an RFC 3339 instant.
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("`{text}` is not an RFC 3339 time ({e})"))
}

/// The clock to use: fixed when `DOCKET_NOW` is set, else the system's.
pub fn from_env() -> Result<Box<dyn Clock>, String> {
    match std::env::var(NOW_VAR) {
        Ok(v) if !v.trim().is_empty() => {
            let t = parse_instant(&v).map_err(|e| format!("{NOW_VAR}: {e}"))?;
            Ok(Box::new(FixedClock(t)))
        }
        _ => Ok(Box::new(SystemClock)),
    }
}
