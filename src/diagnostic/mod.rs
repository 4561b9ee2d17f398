//! Diagnostics: what is wrong with a deck, where, and how to fix it.
//!
//! Every stage (reading, TOML parsing, lowering, checking) reports problems
//! as [`Diagnostic`] values with a byte span in the deck file. They are drawn
//! in one place ([`render`]) as compiler-style text with a caret under the
//! span, or as JSON records ([`json`]).

pub mod json;
pub mod render;

use std::ops::Range;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The deck is wrong; `docket check` fails.
    Error,
    /// Worth fixing; fails only with `--strict`.
    Warning,
    /// Worth knowing, never a failure (not even with `--strict`): for
    /// instance a card whose fact rests on one source alone.
    Info,
}

/// A secondary location that helps explain a diagnostic ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// Byte span in the same file.
    pub span: Range<usize>,
    /// What is there.
    pub message: String,
}

/// One problem found in a deck file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable short code such as `unknown-key`, for scripts and docs.
    pub code: &'static str,
    /// One line saying what is wrong.
    pub message: String,
    /// Where, as a byte span of the file; `None` for whole-file problems.
    pub span: Option<Range<usize>>,
    /// A short label drawn under the span.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Other places that explain the problem.
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// An error at a span.
    pub fn error(code: &'static str, message: impl Into<String>, span: Range<usize>) -> Self {
        Self::new(Severity::Error, code, message, Some(span))
    }

    /// A warning at a span.
    pub fn warning(code: &'static str, message: impl Into<String>, span: Range<usize>) -> Self {
        Self::new(Severity::Warning, code, message, Some(span))
    }

    /// A note at a span: never a failure.
    pub fn info(code: &'static str, message: impl Into<String>, span: Range<usize>) -> Self {
        Self::new(Severity::Info, code, message, Some(span))
    }

    /// A diagnostic about a whole file.
    pub fn whole_file(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Self::new(severity, code, message, None)
    }

    fn new(
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
        span: Option<Range<usize>>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            span,
            label: String::new(),
            help: None,
            related: Vec::new(),
        }
    }

    /// Sets the label under the span.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Adds advice on how to fix the problem.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Points at a second place in the file.
    pub fn with_related(mut self, span: Range<usize>, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Whether this is a warning.
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }
}

/// A 1-based line and column (in characters) of a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

/// Converts a byte offset of `text` into a line and column. Offsets past
/// the end, or inside a character, are clamped to a valid position.
pub fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

/// Suggests the closest of `candidates` to a misspelt `word`, if any is close.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4) && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "ab\n“x” y";
        assert_eq!(position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(position(text, 3), Position { line: 2, column: 1 });
        let y = text.find('y').unwrap();
        assert_eq!(position(text, y), Position { line: 2, column: 5 });
        assert_eq!(position(text, 999).line, 2);
    }

    #[test]
    fn suggestions_find_near_misses_only() {
        let keys = ["prompt", "answer", "explanation"];
        assert_eq!(suggest("promt", keys), Some("prompt"));
        assert_eq!(suggest("explanaton", keys), Some("explanation"));
        assert_eq!(suggest("zzz", keys), None);
    }
}
