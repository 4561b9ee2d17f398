//! Diagnostics as machine-readable JSON records, one per line.

use std::path::Path;

use serde::Serialize;

use super::Diagnostic;
use super::Position;
use super::Severity;
use super::position;

/// One diagnostic as a JSON record.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    /// Always `"diagnostic"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The deck file.
    pub file: String,
    /// `error`, `warning` or `info`.
    pub severity: Severity,
    /// Stable code.
    pub code: &'static str,
    /// What is wrong.
    pub message: &'a str,
    /// Where it starts (absent for whole-file problems).
    pub start: Option<Position>,
    /// Where it ends.
    pub end: Option<Position>,
    /// Byte span.
    pub span: Option<[usize; 2]>,
    /// Label under the span.
    pub label: &'a str,
    /// How to fix it.
    pub help: Option<&'a str>,
}

/// Builds the record of one diagnostic.
pub fn record<'a>(path: &Path, source: &str, d: &'a Diagnostic) -> Record<'a> {
    Record {
        kind: "diagnostic",
        file: path.display().to_string(),
        severity: d.severity,
        code: d.code,
        message: &d.message,
        start: d.span.as_ref().map(|s| position(source, s.start)),
        end: d.span.as_ref().map(|s| position(source, s.end)),
        span: d.span.as_ref().map(|s| [s.start, s.end]),
        label: &d.label,
        help: d.help.as_deref(),
    }
}
