//! Dates at year, month or day precision, read from the many ways people
//! write them: `2020-12-18`, `Dec. 18, 2020`, `18 December 2020`,
//! `12/18/2020`, `December 2020`, `2020`. Shared by `date` answers in decks
//! and by students' responses.

use std::fmt;

use chrono::Datelike;
use chrono::NaiveDate;

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a date: {reason}")]
pub struct DateError {
    /// The text as given.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

/// A date known to the year, the month or the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    /// The year.
    pub year: i32,
    /// The month, 1–12, when known.
    pub month: Option<u32>,
    /// The day of the month, when known (only with a month).
    pub day: Option<u32>,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn month_from_word(word: &str) -> Option<u32> {
    if word.len() < 3 {
        return None;
    }
    let word = if word == "sept" { "sep" } else { word };
    MONTHS
        .iter()
        .position(|m| m.starts_with(word))
        .map(|i| i as u32 + 1)
}

fn is_weekday(word: &str) -> bool {
    word.len() >= 3 && WEEKDAYS.iter().any(|d| d.starts_with(word))
}

impl PartialDate {
    /// Builds a date, checking that the day exists in its month.
    pub fn new(year: i32, month: Option<u32>, day: Option<u32>) -> Result<Self, String> {
        if !(1..=9999).contains(&year) {
            return Err(format!("year {year} is out of range"));
        }
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(format!("month {m} does not exist"));
        }
        if let Some(d) = day {
            let m = month.ok_or("a day needs a month")?;
            if NaiveDate::from_ymd_opt(year, m, d).is_none() {
                return Err(format!("{} has no day {d}", MONTHS[m as usize - 1]));
            }
        }
        Ok(PartialDate { year, month, day })
    }

    /// Whether `other` names the same date at this date's precision. A
    /// response that is more precise than the answer still counts when it
    /// falls inside it ("2020-12-18" for "December 2020").
    pub fn matches(&self, other: &PartialDate) -> bool {
        self.year == other.year
            && (self.month.is_none() || self.month == other.month)
            && (self.day.is_none() || self.day == other.day)
    }

    /// Days between the first days of the two dates' spans.
    pub fn days_apart(&self, other: &PartialDate) -> i64 {
        (self.first_day() - other.first_day()).num_days().abs()
    }

    fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
            .unwrap_or(NaiveDate::MIN)
    }

    /// Precision as a word: "year", "month" or "day".
    pub fn precision(&self) -> &'static str {
        match (self.month, self.day) {
            (None, _) => "year",
            (Some(_), None) => "month",
            (Some(_), Some(_)) => "day",
        }
    }

    /// The date of a full calendar day.
    pub fn from_naive(d: NaiveDate) -> Self {
        PartialDate {
            year: d.year(),
            month: Some(d.month()),
            day: Some(d.day()),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.month, self.day) {
            (Some(m), Some(d)) => write!(f, "{} {d}, {}", cap(MONTHS[m as usize - 1]), self.year),
            (Some(m), None) => write!(f, "{} {}", cap(MONTHS[m as usize - 1]), self.year),
            _ => write!(f, "{}", self.year),
        }
    }
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses a date written in any of the common forms. All-numeric dates with
/// slashes are read month first (US style, as in the case articles) unless
/// the first number cannot be a month; dots mean day first (`18.12.2020`).
pub fn parse_date(text: &str) -> Result<PartialDate, DateError> {
    let err = |reason: String| DateError {
        text: text.to_string(),
        reason,
    };
    let lower = text.trim().to_lowercase();
    if lower.is_empty() {
        return Err(err("it is empty".into()));
    }
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    // All-numeric forms: 2020, 2020-12, 2020-12-18, 12/18/2020, 18.12.2020.
    if compact
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '/' | '.'))
    {
        let sep = compact.chars().find(|c| matches!(c, '-' | '/' | '.'));
        let parts: Vec<&str> = match sep {
            Some(s) => compact.split(s).collect(),
            None => vec![compact.as_str()],
        };
        let nums: Option<Vec<u32>> = parts.iter().map(|p| num(p)).collect();
        let nums = nums.ok_or_else(|| err("expected numbers separated by - / or .".into()))?;
        let year_first = parts[0].len() == 4;
        let built = match (nums.as_slice(), year_first) {
            ([y], true) => PartialDate::new(*y as i32, None, None),
            ([y, m], true) => PartialDate::new(*y as i32, Some(*m), None),
            ([y, m, d], true) => PartialDate::new(*y as i32, Some(*m), Some(*d)),
            ([m, y], false) if parts[1].len() == 4 => PartialDate::new(*y as i32, Some(*m), None),
            ([a, b, y], false) if parts[2].len() == 4 => {
                let (m, d) = if sep == Some('.') || *a > 12 {
                    (*b, *a)
                } else {
                    (*a, *b)
                };
                PartialDate::new(*y as i32, Some(m), Some(d))
            }
            _ => Err("write it as 2020-12-18, 12/18/2020 or December 18, 2020".to_string()),
        };
        return built.map_err(err);
    }
    // Worded forms: "Friday, Dec. 18th, 2020", "18 December 2020", "December 2020".
    let mut year = None;
    let mut month = None;
    let mut day = None;
    for raw in lower.split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | '-' | '/')) {
        if raw.is_empty() || raw == "of" || raw == "the" {
            continue;
        }
        let word = raw.trim_end_matches(|c: char| !c.is_alphanumeric());
        let stripped = ["st", "nd", "rd", "th"]
            .iter()
            .find_map(|s| word.strip_suffix(s).filter(|w| num(w).is_some()))
            .unwrap_or(word);
        if let Some(n) = num(stripped) {
            if stripped.len() == 4 && year.is_none() {
                year = Some(n as i32);
            } else if stripped.len() <= 2 && day.is_none() {
                day = Some(n);
            } else {
                return Err(err(format!("`{raw}` does not fit as a day or a year")));
            }
        } else if let Some(m) = month_from_word(word) {
            if month.replace(m).is_some() {
                return Err(err("it names two months".into()));
            }
        } else if is_weekday(word) {
            continue;
        } else {
            return Err(err(format!("`{raw}` is not a month, day or year")));
        }
    }
    let year = year.ok_or_else(|| err("it has no four-digit year".into()))?;
    if day.is_some() && month.is_none() {
        return Err(err("it has a day but no month".into()));
    }
    PartialDate::new(year, month, day).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> PartialDate {
        PartialDate::new(y, Some(m), Some(d)).unwrap()
    }

    #[test]
    fn written_forms_of_one_day_agree() {
        for s in [
            "2020-12-18",
            "2020/12/18",
            "12/18/2020",
            "18/12/2020",
            "18.12.2020",
            "December 18, 2020",
            "Dec. 18, 2020",
            "Dec 18 2020",
            "18 December 2020",
            "18th of December, 2020",
            "Friday, Dec. 18, 2020",
        ] {
            assert_eq!(parse_date(s), Ok(day(2020, 12, 18)), "{s}");
        }
    }

    #[test]
    fn ordinal_days_are_read() {
        for s in [
            "December 31st, 2020",
            "Dec. 31st 2020",
            "31st December 2020",
            "the 31st of December, 2020",
            "Thursday, December 31st, 2020",
            "31st Dec 2020",
            "DECEMBER 31ST, 2020",
        ] {
            assert_eq!(parse_date(s), Ok(day(2020, 12, 31)), "{s}");
        }
        for (s, d) in [
            ("Dec 1st 2020", 1),
            ("Dec 2nd 2020", 2),
            ("Dec 3rd 2020", 3),
            ("Dec 22nd 2020", 22),
        ] {
            assert_eq!(parse_date(s), Ok(day(2020, 12, d)), "{s}");
        }
    }

    #[test]
    fn coarser_precisions() {
        assert_eq!(parse_date("2020").unwrap().precision(), "year");
        assert_eq!(
            parse_date("Dec 2020"),
            Ok(PartialDate::new(2020, Some(12), None).unwrap())
        );
        assert_eq!(
            parse_date("2020-12"),
            Ok(PartialDate::new(2020, Some(12), None).unwrap())
        );
        assert_eq!(parse_date("June 1989").unwrap().to_string(), "June 1989");
    }

    #[test]
    fn impossible_dates_are_refused() {
        for s in [
            "",
            "2020-13-01",
            "2021-02-29",
            "Smarch 2020",
            "18 2020",
            "hello",
        ] {
            assert!(parse_date(s).is_err(), "{s}");
        }
    }

    #[test]
    fn matching_respects_the_answers_precision() {
        let month = PartialDate::new(2020, Some(12), None).unwrap();
        assert!(month.matches(&day(2020, 12, 18)));
        assert!(!day(2020, 12, 18).matches(&month));
        assert!(!month.matches(&day(2020, 11, 18)));
    }
}
