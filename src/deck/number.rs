//! Numbers as people write them: `23,000`, `23000`, `23k`, `1.5 million`,
//! `about 300`, `five`. Used both for `number` answers in decks and for the
//! responses students type, so the two always agree.

use std::fmt;

/// Why a text is not a number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a number: {reason}")]
pub struct NumberError {
    /// The text as given.
    pub text: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// How far from the value a response may be and still count as right.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    /// Exactly the value.
    Exact,
    /// Plus or minus this much.
    Absolute(f64),
    /// Plus or minus this percentage of the value.
    Percent(f64),
}

/// The answer of a `number` card.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberAnswer {
    /// The expected value; `None` when only a range is given.
    pub value: Option<f64>,
    /// Unit, shown after the value (and accepted after a response).
    pub unit: Option<String>,
    /// Lowest value that counts as right.
    pub low: f64,
    /// Highest value that counts as right.
    pub high: f64,
}

impl NumberAnswer {
    /// An answer with a value and a tolerance.
    pub fn with_tolerance(value: f64, tolerance: Tolerance, unit: Option<String>) -> Self {
        let slack = match tolerance {
            Tolerance::Exact => 0.0,
            Tolerance::Absolute(a) => a.abs(),
            Tolerance::Percent(p) => (value * p / 100.0).abs(),
        };
        NumberAnswer {
            value: Some(value),
            unit,
            low: value - slack,
            high: value + slack,
        }
    }

    /// An answer given as an inclusive range.
    pub fn with_range(value: Option<f64>, low: f64, high: f64, unit: Option<String>) -> Self {
        NumberAnswer {
            value,
            unit,
            low: low.min(high),
            high: low.max(high),
        }
    }

    /// Whether `x` counts as right.
    pub fn accepts(&self, x: f64) -> bool {
        // A small relative epsilon so 0.1 + 0.2 style noise never fails a student.
        let eps = 1e-9 * self.high.abs().max(self.low.abs()).max(1.0);
        x >= self.low - eps && x <= self.high + eps
    }
}

impl fmt::Display for NumberAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.value {
            Some(v) if self.low == self.high => write!(f, "{}", format_number(v))?,
            Some(v) => write!(
                f,
                "{} (accepted {}–{})",
                format_number(v),
                format_number(self.low),
                format_number(self.high)
            )?,
            None => write!(
                f,
                "{}–{}",
                format_number(self.low),
                format_number(self.high)
            )?,
        }
        if let Some(unit) = &self.unit {
            write!(f, " {unit}")?;
        }
        Ok(())
    }
}

/// Writes a number with thousands separators and no needless decimals.
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let digits = format!("{}", v.abs() as u64);
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        if v < 0.0 {
            out.insert(0, '-');
        }
        out
    } else {
        format!("{v}")
    }
}

const HEDGES: [&str; 9] = [
    "about",
    "approximately",
    "approx",
    "around",
    "roughly",
    "some",
    "nearly",
    "almost",
    "over",
];

const SMALL: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

fn multiplier(word: &str) -> Option<f64> {
    Some(match word {
        "k" | "thousand" | "thousands" => 1e3,
        "m" | "mn" | "mio" | "million" | "millions" => 1e6,
        "b" | "bn" | "billion" | "billions" => 1e9,
        "hundred" => 1e2,
        "dozen" => 12.0,
        _ => return None,
    })
}

fn word_number(word: &str) -> Option<f64> {
    if let Some(i) = SMALL.iter().position(|w| *w == word) {
        return Some(i as f64);
    }
    if let Some(i) = TENS.iter().position(|w| *w == word) {
        return Some(((i + 2) * 10) as f64);
    }
    let (tens, ones) = word.split_once('-')?;
    let t = TENS.iter().position(|w| *w == tens)?;
    let o = SMALL[1..10].iter().position(|w| *w == ones)?;
    Some(((t + 2) * 10 + o + 1) as f64)
}

/// Parses digits with optional `,` thousands groups and a decimal point.
fn parse_digits(s: &str) -> Option<f64> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if int.is_empty() && frac.is_none_or(str::is_empty) {
        return None;
    }
    if let Some(frac) = frac
        && !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let groups: Vec<&str> = int.split([',', '_']).collect();
    if groups.len() > 1 {
        // Thousands groups: first 1-3 digits, the rest exactly three.
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return None;
        }
    }
    let digits: String = groups.concat();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let joined = match frac {
        Some(f) => format!("{}.{}", if digits.is_empty() { "0" } else { &digits }, f),
        None => digits,
    };
    joined.parse().ok()
}

/// Parses a number as people write it. Words after the number that are not
/// multipliers (a unit such as "accounts" or "years") are ignored, so that
/// `23,000 accounts` reads as 23000.
pub fn parse_number(text: &str) -> Result<f64, NumberError> {
    let err = |reason| NumberError {
        text: text.to_string(),
        reason,
    };
    let lower = text.trim().to_lowercase();
    if lower.is_empty() {
        return Err(err("it is empty"));
    }
    let mut words: Vec<&str> = lower.split_whitespace().collect();
    while let Some(first) = words.first() {
        if HEDGES.contains(first) || *first == "than" {
            words.remove(0);
        } else {
            break;
        }
    }
    let Some(first) = words.first().copied() else {
        return Err(err("it has no digits"));
    };
    let mut token = first.trim_start_matches(['~', '$', '€', '£', '+']);
    let negative = token.starts_with('-') || token.starts_with('−');
    if negative {
        token = token.trim_start_matches(['-', '−']);
    }
    token = token.trim_end_matches([',', ';', '.']);
    // "5%" reads as 5: a percentage is the number with its unit.
    token = token.strip_suffix('%').unwrap_or(token);
    // Split a glued suffix: "23k", "1.5m", "2bn".
    let split = token
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.' || c == '_'))
        .unwrap_or(token.len());
    let (num, glued) = token.split_at(split);
    let mut value = if num.is_empty() {
        word_number(token).ok_or_else(|| err("it does not start with a number"))?
    } else {
        let v = parse_digits(num).ok_or_else(|| {
            err("digits are grouped wrongly (write 23000 or 23,000, with a dot for decimals)")
        })?;
        if !glued.is_empty() {
            v * multiplier(glued).ok_or_else(|| err("the suffix after the digits is unknown"))?
        } else {
            v
        }
    };
    let mut rest = 1;
    // Thousands grouped with spaces, as in "23 000".
    if !num.is_empty() && glued.is_empty() && !num.contains([',', '.']) {
        while let Some(group) = words.get(rest).map(|w| w.trim_end_matches([',', '.', ';']))
            && group.len() == 3
            && group.bytes().all(|b| b.is_ascii_digit())
        {
            value = value * 1000.0 + group.parse::<f64>().unwrap_or(0.0);
            rest += 1;
        }
    }
    if num.is_empty() || glued.is_empty() {
        for w in &words[rest..] {
            match multiplier(w.trim_end_matches([',', '.'])) {
                Some(m) => value *= m,
                None => break,
            }
        }
    }
    if !value.is_finite() {
        return Err(err("it is too large"));
    }
    if negative {
        value = -value;
    }
    Ok(value)
}

/// Parses a tolerance: an absolute number, or a percentage such as `5%`.
pub fn parse_tolerance(text: &str) -> Result<Tolerance, NumberError> {
    let t = text.trim();
    if let Some(p) = t.strip_suffix('%') {
        let v = parse_number(p)?;
        if v < 0.0 {
            return Err(NumberError {
                text: text.into(),
                reason: "a tolerance cannot be negative",
            });
        }
        return Ok(Tolerance::Percent(v));
    }
    let v = parse_number(t)?;
    if v < 0.0 {
        return Err(NumberError {
            text: text.into(),
            reason: "a tolerance cannot be negative",
        });
    }
    Ok(if v == 0.0 {
        Tolerance::Exact
    } else {
        Tolerance::Absolute(v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_forms_parse_to_the_same_value() {
        for s in [
            "23,000",
            "23000",
            "23k",
            "23K",
            "23 thousand",
            "about 23,000",
            "23,000 accounts",
            "~23k",
            "23 000",
            "23 000 people",
        ] {
            assert_eq!(parse_number(s), Ok(23000.0), "{s}");
        }
        assert_eq!(parse_number("1.5 million"), Ok(1_500_000.0));
        assert_eq!(parse_number("1.5m"), Ok(1_500_000.0));
        assert_eq!(parse_number("five"), Ok(5.0));
        assert_eq!(parse_number("twenty-three"), Ok(23.0));
        assert_eq!(parse_number("$1,000"), Ok(1000.0));
        assert_eq!(parse_number("-4"), Ok(-4.0));
        assert_eq!(parse_number("0.5"), Ok(0.5));
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for s in ["", "abc", "1,5", "23,00", "12x", "1.2.3"] {
            assert!(parse_number(s).is_err(), "{s}");
        }
    }

    #[test]
    fn tolerance_bounds() {
        let a = NumberAnswer::with_tolerance(100.0, parse_tolerance("5%").unwrap(), None);
        assert!(a.accepts(95.0) && a.accepts(105.0) && !a.accepts(106.0));
        let e = NumberAnswer::with_tolerance(5.0, Tolerance::Exact, Some("years".into()));
        assert!(e.accepts(5.0) && !e.accepts(5.5));
        assert_eq!(e.to_string(), "5 years");
    }

    #[test]
    fn format_groups_thousands() {
        assert_eq!(format_number(23000.0), "23,000");
        assert_eq!(format_number(1_000_000.0), "1,000,000");
        assert_eq!(format_number(12.5), "12.5");
    }
}
