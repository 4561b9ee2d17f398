//! Draws diagnostics as text with `codespan-reporting`: the rich form
//! (file:line:column, the source line, a caret under the span, help) for
//! people, and a one-line short form.

use std::borrow::Cow;
use std::io;
use std::path::Path;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term;
use codespan_reporting::term::termcolor::WriteColor;

use super::Diagnostic;
use super::Severity;

/// Lines longer than this are not drawn; the diagnostic is given in short form.
const MAX_SHOWN_LINE: usize = 400;

fn line_len(source: &str, offset: usize) -> usize {
    let start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i);
    end - start
}

/// Rich (with source excerpt) or short (one line each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Source line, caret and help.
    Rich,
    /// `file:line:col: error[code]: message`.
    Short,
}

fn to_codespan(d: &Diagnostic) -> cs::Diagnostic<()> {
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Info => cs::Severity::Note,
    };
    // Lint rules carry their own bracketed id (`lint[self-answering]`):
    // shown after the severity, not nested inside another pair of brackets.
    let mut out = if d.code.starts_with("lint[") {
        cs::Diagnostic::new(severity).with_message(format!("{}: {}", d.code, d.message))
    } else {
        cs::Diagnostic::new(severity)
            .with_code(d.code)
            .with_message(&d.message)
    };
    if let Some(span) = &d.span {
        out = out.with_label(cs::Label::primary((), span.clone()).with_message(&d.label));
    }
    for r in &d.related {
        out = out.with_label(cs::Label::secondary((), r.span.clone()).with_message(&r.message));
    }
    let mut notes = Vec::new();
    if d.span.is_none() && !d.label.is_empty() {
        notes.push(d.label.clone());
    }
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    out.with_notes(notes)
}

/// Replaces characters that could drive a terminal (C0 and C1 controls
/// other than newline and tab, bidirectional overrides) with `?`, one per
/// byte, so that byte spans still point at the same places. Text that has
/// none is borrowed as it is: a deck file can be tens of megabytes.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    // Plain ASCII without controls (the usual deck) is decided byte by byte;
    // anything else is looked at character by character.
    let plain = |b: &u8| (0x20..0x7f).contains(b) || *b == b'\n' || *b == b'\t';
    if text.bytes().all(|b| plain(&b))
        || !text
            .chars()
            .any(|c| crate::deck::parse::is_forbidden_control(c) || c == '\r')
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if crate::deck::parse::is_forbidden_control(c) || c == '\r' {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn safe(d: &Diagnostic) -> Diagnostic {
    let mut d = d.clone();
    d.message = terminal_safe(&d.message).into_owned();
    d.label = terminal_safe(&d.label).into_owned();
    d.help = d.help.as_deref().map(|h| terminal_safe(h).into_owned());
    for r in &mut d.related {
        r.message = terminal_safe(&r.message).into_owned();
    }
    d
}

/// Writes the diagnostics of one file. `source` is the file's text (empty
/// when it could not be read as text; spans are then ignored).
pub fn render(
    out: &mut dyn WriteColor,
    path: &Path,
    source: &str,
    diagnostics: &[Diagnostic],
    style: Style,
) -> io::Result<()> {
    if diagnostics.is_empty() {
        // Nothing to draw: do not even look at the (possibly huge) source.
        return Ok(());
    }
    // Deck files are untrusted: nothing from them reaches the terminal raw.
    let source = terminal_safe(source);
    let source: &str = &source;
    let name = terminal_safe(&path.display().to_string()).replace(['\n', '\t'], "?");
    let file = SimpleFile::new(name, source);
    let config = term::Config {
        display_style: match style {
            Style::Rich => term::DisplayStyle::Rich,
            Style::Short => term::DisplayStyle::Short,
        },
        ..term::Config::default()
    };
    let short = term::Config {
        display_style: term::DisplayStyle::Short,
        ..term::Config::default()
    };
    for d in diagnostics {
        let mut d = safe(d);
        if let Some(span) = &d.span
            && (span.end > source.len()
                || !source.is_char_boundary(span.start)
                || !source.is_char_boundary(span.end))
        {
            d.span = None;
        }
        let long_line = d
            .span
            .as_ref()
            .is_some_and(|s| line_len(source, s.start) > MAX_SHOWN_LINE);
        let config = if long_line {
            // Drawing a line of megabytes helps nobody: say where, in one line.
            &short
        } else {
            &config
        };
        let cs = to_codespan(&d);
        if d.span.is_none() {
            // codespan has no location for span-less diagnostics; name the file ourselves.
            let cs = cs.with_message(format!(
                "{}: {}",
                terminal_safe(&path.display().to_string()),
                d.message
            ));
            term::emit(out, config, &file, &cs).map_err(io::Error::other)?;
        } else {
            term::emit(out, config, &file, &cs).map_err(io::Error::other)?;
            if long_line && let Some(help) = &d.help {
                writeln!(out, "  = help: {help}")?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_safe_keeps_byte_offsets() {
        let text = "a\u{1b}[31mb\u{9b}c\u{202e}d\n\te";
        let safe = terminal_safe(text);
        assert_eq!(safe.len(), text.len());
        assert_eq!(safe, "a?[31mb??c???d\n\te");
    }
}
