//! Untrusted text made safe before it reaches a terminal, a JSON consumer
//! or a spreadsheet, and untrusted input read in bounded pieces.
//!
//! Deck text, file names, student names and answers are all untrusted:
//! [`clean`] strips terminal escape sequences, every other control
//! character (C0, DEL and C1, keeping newlines and tabs) and the bidi
//! controls that make text display differently from what it is (U+061C,
//! U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), so no frontend prints a
//! deck's escape codes. [`path`] does the same for file names, [`json`]
//! serialises with those characters escaped (serde_json leaves U+0080–U+009F
//! raw), [`csv_cell`] guards spreadsheet cells, and [`read_line`] reads one
//! line of input without letting an endless line grow memory.

use std::io;
use std::io::BufRead;
use std::path::Path;

/// Whether a character must never reach a terminal: a control character
/// other than newline and tab (C0, DEL, C1 such as U+009B, the 8-bit CSI),
/// or a bidirectional control (the Arabic letter mark U+061C, the marks
/// U+200E/U+200F, embeddings and overrides U+202A–U+202E, isolates
/// U+2066–U+2069). The deck checker refuses the same set.
pub fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// The bidirectional formatting characters (Unicode's `Bidi_Control`).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Deck text made safe (tabs become four spaces) to print on a terminal.
pub fn clean(text: &str) -> String {
    // Every escape sequence starts with a control character (ESC or the
    // 8-bit CSI): text without one, a tab or a bidi control is already safe.
    if !text
        .chars()
        .any(|c| (c.is_control() && c != '\n') || is_bidi_control(c))
    {
        return text.to_string();
    }
    let stripped = strip_ansi_escapes::strip(text.replace('\t', "    ").as_bytes());
    String::from_utf8_lossy(&stripped)
        .chars()
        .filter(|&c| !is_unsafe_char(c))
        .collect()
}

/// Like [`clean`], and folds the text onto one line (for tables and CSV).
pub fn one_line(text: &str) -> String {
    clean(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A file name made safe to print: lossy UTF-8, and every escape sequence,
/// control or bidi character (a newline in a name included) removed, so a
/// file called `ESC]0;title BEL.toml` cannot retitle the terminal.
pub fn path(p: &Path) -> String {
    // Not `one_line`: runs of spaces in a name are kept as they are.
    let text = p.to_string_lossy();
    let stripped = strip_ansi_escapes::strip(text.as_bytes());
    String::from_utf8_lossy(&stripped)
        .chars()
        .filter(|&c| !c.is_control() && !is_bidi_control(c))
        .collect()
}

/// Serialises a value as one line of JSON with every character of
/// [`is_unsafe_char`] written as a `\uXXXX` escape. serde_json escapes C0
/// controls but leaves DEL, C1 (U+009B is a terminal's CSI) and bidi
/// controls raw; the escaped text decodes to the same value.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string(value).map(|s| escape_json_text(&s))
}

/// Like [`json`], pretty-printed.
pub fn json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string_pretty(value).map(|s| escape_json_text(&s))
}

/// Escapes unsafe characters in already serialised JSON. Raw control
/// characters can only stand inside strings there, where `\uXXXX` means
/// the same character.
pub fn escape_json_text(json: &str) -> String {
    if !json.chars().any(is_unsafe_char) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe_char(c) {
            // Every unsafe character is in the Basic Multilingual Plane.
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Guards one spreadsheet cell, following OWASP's advice on CSV injection,
/// and quotes it: see [`csv_guard`] for the `'` prefix; any cell holding a
/// `,`, `;`, tab, quote, newline or carriage return, or guarded, is quoted,
/// so a `;`-separated spreadsheet does not split `a;=1+1` into a formula
/// cell either. Every CSV docket writes goes through here.
pub fn csv_cell(text: &str) -> String {
    let guarded = csv_guard(text);
    let needs_quotes =
        guarded.len() != text.len() || text.contains([',', ';', '"', '\n', '\r', '\t']);
    if !needs_quotes {
        return text.to_string();
    }
    format!("\"{}\"", guarded.replace('"', "\"\""))
}

/// A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
/// (which a spreadsheet may run as a formula) is prefixed with `'`, which
/// spreadsheets read as "this is text" and do not show. A cell already
/// starting with `'` gets one more, so that [`csv_unguard`] gives every
/// cell back exactly.
pub fn csv_guard(text: &str) -> std::borrow::Cow<'_, str> {
    if starts_like_formula(text) || text.starts_with('\'') {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Whether a spreadsheet could read the cell as a formula.
pub fn starts_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Undoes [`csv_guard`] on a cell read back (after CSV unquoting): one `'`
/// is removed when a formula character or another `'` follows it. Used
/// only on files docket wrote (see `interop::csv`), where every such `'`
/// is a guard; `'tis` stays as it is.
pub fn csv_unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_like_formula(rest) || rest.starts_with('\'') => rest,
        _ => cell,
    }
}

/// The longest input line read whole (a student's answer, a protocol
/// message); longer lines are skipped with a message.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// How far past [`MAX_LINE_BYTES`] a line is skipped looking for its end
/// before the input is treated as ended (`cat /dev/zero` has no line end).
pub const MAX_SKIP_BYTES: usize = 16 * 1024 * 1024;

/// One line of untrusted input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A line, without its end; bytes that are not UTF-8 became U+FFFD.
    Text(String),
    /// A line longer than the limit: it was skipped to its end.
    TooLong,
    /// A line longer than the limit whose end never came within
    /// [`MAX_SKIP_BYTES`]: treat the input as ended.
    Endless,
    /// End of input.
    End,
}

/// Reads one line of at most `max` bytes (line end excluded) in constant
/// memory: a longer one is consumed up to its end and reported as
/// [`Line::TooLong`], never buffered whole.
pub fn read_line(input: &mut dyn BufRead, max: usize) -> io::Result<Line> {
    let mut bytes = Vec::new();
    let n = io::Read::take(&mut *input, max as u64 + 2).read_until(b'\n', &mut bytes)?;
    if n == 0 {
        return Ok(Line::End);
    }
    let ended = bytes.last() == Some(&b'\n');
    if ended {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    if ended || (n as u64) < max as u64 + 2 {
        // The whole line (or the input's last) was read.
        return Ok(if bytes.len() <= max {
            Line::Text(String::from_utf8_lossy(&bytes).into_owned())
        } else {
            Line::TooLong
        });
    }
    // Skip the rest of the line without keeping it.
    let mut skipped = 0usize;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(Line::TooLong);
        }
        if let Some(i) = buf.iter().position(|&b| b == b'\n') {
            input.consume(i + 1);
            return Ok(Line::TooLong);
        }
        let len = buf.len();
        input.consume(len);
        skipped += len;
        if skipped > MAX_SKIP_BYTES {
            return Ok(Line::Endless);
        }
    }
}

/// Reads one line of untrusted input of at most [`MAX_LINE_BYTES`];
/// `None` at end of input (and for input with no line end in sight); an
/// overlong line reads as an error of kind `InvalidData` so callers that
/// only want text see it.
pub fn read_text_line(input: &mut dyn BufRead) -> io::Result<Option<String>> {
    match read_line(input, MAX_LINE_BYTES)? {
        Line::Text(s) => Ok(Some(s)),
        Line::End | Line::Endless => Ok(None),
        Line::TooLong => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("input line longer than {MAX_LINE_BYTES} bytes"),
        )),
    }
}

/// The message shown for a skipped overlong line.
pub fn too_long_message() -> String {
    format!(
        "line too long (over {} KiB); ignored",
        MAX_LINE_BYTES / 1024
    )
}

/// The message shown when input has no line end in sight.
pub fn endless_message() -> String {
    format!(
        "input line has no end within {} MiB; stopping",
        (MAX_LINE_BYTES + MAX_SKIP_BYTES) / (1024 * 1024)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_controls_are_removed() {
        assert_eq!(clean("\x1b[31mred\x1b[0m"), "red");
        assert_eq!(clean("a\x07b\x1b]0;title\x07c"), "abc");
        assert_eq!(clean("line\nnext\ttab\r"), "line\nnext    tab");
        assert!(!clean("x\u{9b}31my").contains('\u{9b}'));
        assert_eq!(clean("a\u{202e}b"), "ab");
        assert_eq!(clean("a\u{1b}[2Jb\u{1b}]0;title\u{7}c\u{8}d\ne"), "abcd\ne");
        for c in [
            '\u{061c}', '\u{200e}', '\u{200f}', '\u{2066}', '\u{2069}', '\u{85}',
        ] {
            assert_eq!(clean(&format!("a{c}b")), "ab", "{:x}", c as u32);
        }
    }

    #[test]
    fn paths_lose_escapes_and_newlines() {
        let p = Path::new("dir/\u{1b}]0;owned\u{7}deck\n\u{9b}2J\u{202e}.toml");
        assert_eq!(path(p), "dir/deck2J.toml");
        assert_eq!(path(Path::new("two  spaces.toml")), "two  spaces.toml");
    }

    #[test]
    fn json_escapes_c1_and_bidi_but_keeps_the_value() {
        let s = "a\u{9b}b\u{202e}c\u{7f}d\u{1b}";
        let out = json(&s).unwrap();
        assert!(!out.chars().any(is_unsafe_char), "{out}");
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s);
    }

    #[test]
    fn csv_cells_are_guarded_and_unguarded() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("=1+1"), "\"'=1+1\"");
        assert_eq!(csv_cell("a;=1+1"), "\"a;=1+1\"");
        assert_eq!(csv_cell("a, \"b\""), "\"a, \"\"b\"\"\"");
        assert_eq!(csv_cell("'tis"), "\"''tis\"");
        assert_eq!(csv_cell("-"), "\"'-\"");
        assert_eq!(csv_unguard("'=1+1"), "=1+1");
        assert_eq!(csv_unguard("''tis"), "'tis");
        assert_eq!(csv_unguard("'tis"), "'tis");
    }

    #[test]
    fn lines_that_are_not_utf8_are_read_not_refused() {
        let mut input: &[u8] = b"caf\xe9\r\nnext";
        assert_eq!(read_text_line(&mut input).unwrap().unwrap(), "caf\u{fffd}");
        assert_eq!(read_text_line(&mut input).unwrap().unwrap(), "next");
        assert_eq!(read_text_line(&mut input).unwrap(), None);
    }

    #[test]
    fn long_lines_are_skipped_in_bounded_memory() {
        let mut data = vec![b'x'; 100];
        data.extend_from_slice(b"\nok\n");
        data.extend(vec![b'y'; 10]);
        data.extend_from_slice(b"\n");
        data.extend(vec![b'z'; 11]);
        let mut input = io::BufReader::with_capacity(7, &data[..]);
        assert_eq!(read_line(&mut input, 10).unwrap(), Line::TooLong);
        assert_eq!(read_line(&mut input, 10).unwrap(), Line::Text("ok".into()));
        assert_eq!(
            read_line(&mut input, 10).unwrap(),
            Line::Text("y".repeat(10))
        );
        assert_eq!(read_line(&mut input, 10).unwrap(), Line::TooLong);
        assert_eq!(read_line(&mut input, 10).unwrap(), Line::End);
        let zeros = io::Read::take(io::repeat(0), MAX_SKIP_BYTES as u64 * 2);
        let mut input = io::BufReader::new(zeros);
        assert_eq!(read_line(&mut input, 10).unwrap(), Line::Endless);
    }

    #[test]
    fn one_line_folds_whitespace() {
        assert_eq!(one_line(" two\n lines\t"), "two lines");
    }
}
