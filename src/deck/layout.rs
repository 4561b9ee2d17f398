//! The top-level layout of a deck file, found by a quick scan that knows
//! just enough TOML to skip strings and comments: where each table header
//! (`[deck]`, `[sources.x]`, `[[card]]`) starts, and how deeply brackets
//! nest.
//!
//! The layout lets a large deck be parsed one table at a time, in parallel
//! and without holding the whole TOML tree in memory, and lets absurd
//! nesting be refused before the recursive TOML parser meets it.

use std::ops::Range;

/// How deeply arrays and inline tables may nest. Decks need three levels;
/// the limit protects the recursive TOML parser from stack exhaustion.
pub const MAX_NESTING: usize = 32;

/// What the scan found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Layout<'t> {
    /// Where bracket nesting first exceeds [`MAX_NESTING`], if it does.
    pub too_deep_at: Option<usize>,
    /// Every header at the start of a line and outside any value, with its
    /// text (comment and surrounding spaces removed) and its byte offset.
    pub headers: Vec<(usize, &'t str)>,
}

/// One table of a deck file that can be parsed on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Section<'t> {
    /// `[deck]`.
    Deck(Range<usize>),
    /// `[sources.<id>]`.
    Source(&'t str, Range<usize>),
    /// One `[[card]]`.
    Card(Range<usize>),
}

/// Scans a deck's text.
pub fn scan(text: &str) -> Layout<'_> {
    let bytes = text.as_bytes();
    let mut layout = Layout::default();
    let mut depth = 0usize;
    let mut line_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'[' if depth == 0 && line_start => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                let line = &text[i..end];
                let header = line.split('#').next().unwrap_or(line).trim_end();
                layout.headers.push((i, header));
                i = end;
                continue;
            }
            b'"' | b'\'' => {
                i = skip_string(bytes, i);
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    layout.too_deep_at = Some(i);
                    return layout;
                }
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
        line_start = false;
    }
    layout
}

/// Where scanning resumes after the string that opens at `bytes[at]`:
/// after its closing delimiter, or (for an unterminated one-line string)
/// after the line end that stops it. The search jumps with `memchr` to the
/// next byte that can matter (the quote, a backslash in basic strings, a
/// line end in one-line strings): most of a deck's bytes are in strings.
fn skip_string(bytes: &[u8], at: usize) -> usize {
    let b = bytes[at];
    let triple: &[u8] = if b == b'"' { b"\"\"\"" } else { b"'''" };
    let close: &[u8] = if bytes[at..].starts_with(triple) {
        triple
    } else {
        &triple[..1]
    };
    let multiline = close.len() == 3;
    let mut i = at + close.len();
    while i < bytes.len() {
        let rest = &bytes[i..];
        let next = match (b == b'"', multiline) {
            (true, false) => memchr::memchr3(b, b'\\', b'\n', rest),
            (true, true) => memchr::memchr2(b, b'\\', rest),
            (false, false) => memchr::memchr2(b, b'\n', rest),
            (false, true) => memchr::memchr(b, rest),
        };
        let Some(n) = next else {
            i = bytes.len();
            break;
        };
        i += n;
        match bytes[i] {
            // Only searched for in one-line strings: the string ends unclosed.
            b'\n' => break,
            // An escape hides the next byte, whatever it is.
            b'\\' => i += 2,
            _ if bytes[i..].starts_with(close) => break,
            _ => i += 1,
        }
    }
    i + close.len()
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Splits a deck into sections that parse independently, when its layout
/// is the plain one (nothing but comments before the first header; headers
/// only `[deck]`, `[sources.<id>]` and `[[card]]`, none repeated but cards).
/// Anything else gives `None`, and the file is parsed whole.
pub fn sections<'t>(text: &'t str, layout: &Layout<'t>) -> Option<Vec<Section<'t>>> {
    let first = layout.headers.first().map_or(text.len(), |(at, _)| *at);
    let before = &text[..first];
    if before
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    {
        return None;
    }
    let mut out = Vec::with_capacity(layout.headers.len());
    let mut seen_deck = false;
    let mut seen_sources: Vec<&str> = Vec::new();
    for (n, (at, header)) in layout.headers.iter().enumerate() {
        let end = layout
            .headers
            .get(n + 1)
            .map_or(text.len(), |(next, _)| *next);
        let range = *at..end;
        match *header {
            "[[card]]" => out.push(Section::Card(range)),
            "[deck]" if !seen_deck => {
                seen_deck = true;
                out.push(Section::Deck(range));
            }
            h => {
                let id = h.strip_prefix("[sources.")?.strip_suffix(']')?;
                if !is_id(id) || seen_sources.contains(&id) {
                    return None;
                }
                seen_sources.push(id);
                out.push(Section::Source(id, range));
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_inside_strings_and_arrays_are_not_headers() {
        let text = "# c\n[deck]\nid = \"x\"\nd = '''\n[[card]]\n'''\n[[card]]\nitems = [\n  [1],\n]\ns = \"[[card]] \\\\\"\n[[card]] # two\n";
        let layout = scan(text);
        let headers: Vec<&str> = layout.headers.iter().map(|(_, h)| *h).collect();
        assert_eq!(headers, ["[deck]", "[[card]]", "[[card]]"]);
        let sections = sections(text, &layout).unwrap();
        assert_eq!(sections.len(), 3);
    }

    #[test]
    fn unusual_layouts_are_parsed_whole() {
        for text in [
            "x = 1\n[deck]\n",
            "[deck]\n[deck]\n",
            "[sources.a]\n[sources.a]\n",
            "[card.extra]\n",
            "[\"deck\"]\n",
        ] {
            assert_eq!(sections(text, &scan(text)), None, "{text}");
        }
    }

    /// The byte-at-a-time scan that `skip_string` replaced, as an oracle.
    fn scan_bytewise(text: &str) -> Layout<'_> {
        let bytes = text.as_bytes();
        let mut layout = Layout::default();
        let mut depth = 0usize;
        let mut line_start = true;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match b {
                b'\n' => {
                    line_start = true;
                    i += 1;
                    continue;
                }
                b' ' | b'\t' | b'\r' => {
                    i += 1;
                    continue;
                }
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'[' if depth == 0 && line_start => {
                    let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                    let line = &text[i..end];
                    let header = line.split('#').next().unwrap_or(line).trim_end();
                    layout.headers.push((i, header));
                    i = end;
                    continue;
                }
                b'"' | b'\'' => {
                    let triple: &[u8] = if b == b'"' { b"\"\"\"" } else { b"'''" };
                    let close: &[u8] = if bytes[i..].starts_with(triple) {
                        triple
                    } else {
                        &triple[..1]
                    };
                    let multiline = close.len() == 3;
                    i += close.len();
                    while i < bytes.len() && !bytes[i..].starts_with(close) {
                        if !multiline && bytes[i] == b'\n' {
                            break;
                        }
                        i += if b == b'"' && bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    i += close.len();
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        layout.too_deep_at = Some(i);
                        return layout;
                    }
                    i += 1;
                }
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    i += 1;
                }
                _ => i += 1,
            }
            line_start = false;
        }
        layout
    }

    proptest::proptest! {
        #[test]
        fn the_scan_agrees_with_the_bytewise_scan(text in "[\\[\\]{}\"'\\\\#\\n a=]{0,60}") {
            proptest::prop_assert_eq!(scan(&text), scan_bytewise(&text));
        }
    }

    #[test]
    fn nesting_ignores_brackets_in_strings_and_comments() {
        let text = "a = \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\n# {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{\n";
        assert_eq!(scan(text).too_deep_at, None);
        let deep = format!("a = {}1{}", "[".repeat(40), "]".repeat(40));
        assert_eq!(scan(&deep).too_deep_at, Some(4 + MAX_NESTING));
        assert_eq!(scan("s = \"\\").too_deep_at, None);
    }
}
