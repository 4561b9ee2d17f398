//! Time as a value. The clock is read at the edge (the frontend loop) and
//! passed inward as a [`Now`]; `DOCKET_NOW` (RFC 3339) fixes it for tests
//! and simulations. Days are local days that start at a day-start hour
//! (4 am by default, as in Anki), not 24-hour periods.

use chrono::DateTime;
use chrono::FixedOffset;
use chrono::Local;
use chrono::LocalResult;
use chrono::Offset;
use chrono::TimeZone;

/// The environment variable that fixes "now".
pub const NOW_ENV: &str = "DOCKET_NOW";

/// Default hour at which a new study day starts (local time).
pub const DEFAULT_DAY_START_HOUR: u32 = 4;

/// A source of the current time.
pub trait Clock {
    /// The current instant.
    fn now(&self) -> Now;
}

/// An instant with the local UTC offset it is seen in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Milliseconds since the Unix epoch.
    pub ms: i64,
    /// Local offset east of UTC, in seconds.
    pub offset_secs: i32,
}

impl Now {
    /// An instant from an RFC 3339 text such as `2026-01-05T09:00:00+01:00`.
    pub fn parse(text: &str) -> Result<Now, String> {
        let t = DateTime::parse_from_rfc3339(text.trim())
            .map_err(|e| format!("`{text}` is not an RFC 3339 time ({e})"))?;
        Ok(Now {
            ms: t.timestamp_millis(),
            offset_secs: t.offset().local_minus_utc(),
        })
    }

    /// The same offset, another instant.
    pub fn at(self, ms: i64) -> Now {
        Now { ms, ..self }
    }

    /// This instant plus some seconds.
    pub fn plus_secs(self, secs: i64) -> Now {
        self.at(self.ms + secs * 1000)
    }

    /// As RFC 3339 in its own offset (in the local zone's offset at that
    /// instant when `TZ` is set).
    pub fn rfc3339(self) -> String {
        let offset = FixedOffset::east_opt(Zone::for_now(self).offset_at(self.ms))
            .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
        DateTime::from_timestamp_millis(self.ms)
            .map(|t| t.with_timezone(&offset).to_rfc3339())
            .unwrap_or_else(|| self.ms.to_string())
    }
}

/// Which clock days are counted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// A fixed offset east of UTC, in seconds (the offset `now` was seen in).
    Fixed(i32),
    /// The local time zone (the `TZ` environment variable, else the
    /// system's), with its daylight-saving changes.
    Local,
}

impl Zone {
    /// The zone days are counted in at `now`: the local zone when `TZ` is
    /// set (so clocks going back or forward move the day boundary as they
    /// do for Anki, which counts days in local time), else the fixed offset
    /// `now` carries.
    pub fn for_now(now: Now) -> Zone {
        match std::env::var_os("TZ") {
            Some(tz) if !tz.is_empty() => Zone::Local,
            _ => Zone::Fixed(now.offset_secs),
        }
    }

    /// The offset east of UTC at an instant, in seconds.
    pub fn offset_at(self, ms: i64) -> i32 {
        match self {
            Zone::Fixed(o) => o,
            Zone::Local => DateTime::from_timestamp_millis(ms)
                .map(|t| t.with_timezone(&Local).offset().fix().local_minus_utc())
                .unwrap_or(0),
        }
    }
}

/// Local day numbers against a day-start hour.
///
/// A study day is a local calendar day that starts at the day-start hour
/// (Anki's rollover). Day numbers count local calendar dates, so a day in
/// which the clocks go back or forward is 25 or 23 hours long, as in Anki
/// (which counts calendar days between the collection's creation and now).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days {
    /// The zone days are counted in.
    pub zone: Zone,
    /// Hour (0–23) at which a day begins.
    pub start_hour: u32,
}

impl Days {
    /// Day arithmetic for `now` (see [`Zone::for_now`]).
    pub fn new(now: Now, start_hour: u32) -> Days {
        Days {
            zone: Zone::for_now(now),
            start_hour: start_hour.min(23),
        }
    }

    /// Day arithmetic in a fixed offset.
    pub fn fixed(offset_secs: i32, start_hour: u32) -> Days {
        Days {
            zone: Zone::Fixed(offset_secs),
            start_hour: start_hour.min(23),
        }
    }

    /// The study day an instant falls in: its local date, or the date
    /// before when the local time is before the day-start hour.
    pub fn day_of(self, ms: i64) -> i64 {
        let local = ms + self.zone.offset_at(ms) as i64 * 1000;
        (local - self.start_hour as i64 * 3_600_000).div_euclid(86_400_000)
    }

    /// The instant a study day starts: the day-start hour of its local
    /// date (the first such instant when clocks go back; the first instant
    /// after the gap when they skip it).
    pub fn start_of(self, day: i64) -> i64 {
        let local_ms = day * 86_400_000 + self.start_hour as i64 * 3_600_000;
        match self.zone {
            Zone::Fixed(o) => local_ms - o as i64 * 1000,
            Zone::Local => {
                let naive = DateTime::from_timestamp_millis(local_ms).map(|t| t.naive_utc());
                let Some(naive) = naive else {
                    return local_ms;
                };
                match Local.from_local_datetime(&naive) {
                    LocalResult::Single(t) => t.timestamp_millis(),
                    LocalResult::Ambiguous(a, _) => a.timestamp_millis(),
                    // In a gap: the instant the gap ends, which is the
                    // local time read with the offset from before the gap.
                    LocalResult::None => {
                        let before = self.zone.offset_at(local_ms - 86_400_000);
                        local_ms - before as i64 * 1000
                    }
                }
            }
        }
    }

    /// Whole study days from `earlier` to `later` (0 on the same day).
    pub fn elapsed(self, earlier_ms: i64, later_ms: i64) -> u32 {
        (self.day_of(later_ms) - self.day_of(earlier_ms)).clamp(0, u32::MAX as i64) as u32
    }

    /// The next day boundary as Anki computes it at `now_ms`, in whole
    /// seconds: today's day-start hour in the offset in force now, plus 24
    /// hours once it has passed (at the boundary second itself it has).
    /// Anki measures FSRS's elapsed days and the time left before a
    /// learning step turns into a day against this instant.
    pub fn next_day_at_secs(self, now_ms: i64) -> i64 {
        let now_secs = now_ms.div_euclid(1000);
        let offset = self.zone.offset_at(now_ms) as i64;
        let local_secs = now_secs + offset;
        let rollover_today =
            local_secs.div_euclid(86_400) * 86_400 + self.start_hour as i64 * 3600 - offset;
        if rollover_today <= now_secs {
            rollover_today + 86_400
        } else {
            rollover_today
        }
    }

    /// Whole days FSRS is told have passed since an answer at `last_ms`,
    /// as Anki counts them: full 24-hour periods from the answer (in whole
    /// seconds) to the next day boundary. An answer at the very second a
    /// day starts therefore counts as the day before's.
    pub fn fsrs_elapsed(self, last_ms: i64, now_ms: i64) -> u32 {
        let secs = self.next_day_at_secs(now_ms) - last_ms.div_euclid(1000);
        (secs.max(0) / 86_400).min(u32::MAX as i64) as u32
    }
}

/// The system clock, or the fixed time in `DOCKET_NOW`.
#[derive(Debug, Clone, Copy)]
pub enum SystemClock {
    /// Real time.
    Real,
    /// A fixed instant.
    Fixed(Now),
}

impl SystemClock {
    /// Reads `DOCKET_NOW`; an unreadable value is an error, not a silent fallback.
    pub fn from_env() -> Result<SystemClock, String> {
        match std::env::var(NOW_ENV) {
            Ok(v) if !v.trim().is_empty() => Ok(SystemClock::Fixed(
                Now::parse(&v).map_err(|e| format!("{NOW_ENV}: {e}"))?,
            )),
            _ => Ok(SystemClock::Real),
        }
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Now {
        match self {
            SystemClock::Fixed(n) => *n,
            SystemClock::Real => {
                let t = Local::now();
                Now {
                    ms: t.timestamp_millis(),
                    offset_secs: t.offset().fix().local_minus_utc(),
                }
            }
        }
    }
}

impl Now {
    /// This instant as a local date and time, `2026-12-01 21:53`.
    pub fn local(self) -> String {
        self.datetime()
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| self.rfc3339())
    }

    fn datetime(self) -> Option<DateTime<FixedOffset>> {
        let offset = FixedOffset::east_opt(self.offset_secs)?;
        Some(DateTime::from_timestamp_millis(self.ms)?.with_timezone(&offset))
    }

    /// When `at_ms` is, seen from this instant, in words a person reads at
    /// a glance: "now", "in 25 minutes (14:05)", "today at 14:05",
    /// "tomorrow at 09:12", "in 3 days (Friday 09:12)", "in 5 weeks
    /// (2027-01-12)"; past instants "2 days ago (…)". Local to this
    /// instant's offset.
    pub fn human(self, at_ms: i64) -> String {
        let (Some(now), Some(at)) = (self.datetime(), self.at(at_ms).datetime()) else {
            return self.at(at_ms).rfc3339();
        };
        let secs = (at_ms - self.ms) / 1000;
        let days = (at.date_naive() - now.date_naive()).num_days();
        let clock = at.format("%H:%M");
        match secs {
            s if s.abs() < 60 => "now".to_string(),
            s if s < 0 => {
                let ago = -days;
                match ago {
                    0 => format!("today at {clock}"),
                    1 => format!("yesterday at {clock}"),
                    d => format!("{d} days ago ({})", at.format("%Y-%m-%d")),
                }
            }
            s if s < 3600 => {
                let m = (s + 30) / 60;
                format!("in {m} minute{} ({clock})", if m == 1 { "" } else { "s" })
            }
            _ => match days {
                0 => format!("today at {clock}"),
                1 => format!("tomorrow at {clock}"),
                d if d < 7 => format!("in {d} days ({} {clock})", at.format("%A")),
                d if d < 60 => format!("in {} weeks ({})", (d + 3) / 7, at.format("%Y-%m-%d")),
                d if d < 730 => format!(
                    "in {} months ({})",
                    ((d as f64) / 30.44).round() as i64,
                    at.format("%Y-%m-%d")
                ),
                d => format!(
                    "in {} years ({})",
                    ((d as f64) / 365.25).round() as i64,
                    at.format("%Y-%m-%d")
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_turn_at_the_day_start_hour() {
        let now = Now::parse("2026-01-05T03:59:00+02:00").unwrap();
        let days = Days::new(now, 4);
        let later = Now::parse("2026-01-05T04:00:00+02:00").unwrap();
        assert_eq!(days.day_of(later.ms) - days.day_of(now.ms), 1);
        assert_eq!(days.elapsed(now.ms, later.ms), 1);
        assert_eq!(days.start_of(days.day_of(later.ms)), later.ms);
        let evening = Now::parse("2026-01-05T23:00:00+02:00").unwrap();
        assert_eq!(days.elapsed(later.ms, evening.ms), 0);
    }

    #[test]
    fn times_are_said_in_local_words() {
        let now = Now::parse("2026-12-01T21:53:11.855+01:00").unwrap();
        let h = |secs: i64| now.human(now.ms + secs * 1000);
        assert_eq!(h(0), "now");
        assert_eq!(h(600), "in 10 minutes (22:03)");
        assert_eq!(h(3 * 3600), "tomorrow at 00:53");
        assert_eq!(h(11 * 3600 + 19 * 60), "tomorrow at 09:12");
        assert_eq!(h(3 * 86_400), "in 3 days (Friday 21:53)");
        assert_eq!(h(30 * 86_400), "in 4 weeks (2026-12-31)");
        assert_eq!(h(-86_400), "yesterday at 21:53");
        assert_eq!(now.local(), "2026-12-01 21:53");
        let early = Now::parse("2026-12-01T08:00:00+01:00").unwrap();
        assert_eq!(early.human(early.ms + 5 * 3600 * 1000), "today at 13:00");
    }

    #[test]
    fn bad_now_is_an_error() {
        assert!(Now::parse("yesterday").is_err());
    }
}
