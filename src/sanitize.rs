//! Deck text is untrusted: [`clean`] strips terminal escape sequences,
//! every other control character (keeping newlines) and bidirectional
//! overrides before any of it is printed, so no frontend (study or quiz)
//! can print a deck's escape codes.

/// Deck text made safe (tabs become four spaces) to print on a terminal.
pub fn clean(text: &str) -> String {
    let stripped = strip_ansi_escapes::strip(text.replace('\t', "    ").as_bytes());
    String::from_utf8_lossy(&stripped)
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .filter(|&c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

/// Reads one line of untrusted input (a student's answer, a protocol
/// message): bytes that are not UTF-8 become U+FFFD instead of ending the
/// session, and the line end is removed. `None` at end of input.
pub fn read_text_line(input: &mut dyn std::io::BufRead) -> std::io::Result<Option<String>> {
    let mut bytes = Vec::new();
    if input.read_until(b'\n', &mut bytes)? == 0 {
        return Ok(None);
    }
    let line = String::from_utf8_lossy(&bytes);
    Ok(Some(line.trim_end_matches(['\n', '\r']).to_string()))
}

/// Like [`clean`], and folds the text onto one line (for tables and CSV).
pub fn one_line(text: &str) -> String {
    clean(text).split_whitespace().collect::<Vec<_>>().join(" ")
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
    }

    #[test]
    fn lines_that_are_not_utf8_are_read_not_refused() {
        let mut input: &[u8] = b"caf\xe9\r\nnext";
        assert_eq!(read_text_line(&mut input).unwrap().unwrap(), "caf\u{fffd}");
        assert_eq!(read_text_line(&mut input).unwrap().unwrap(), "next");
        assert_eq!(read_text_line(&mut input).unwrap(), None);
    }

    #[test]
    fn one_line_folds_whitespace() {
        assert_eq!(one_line(" two\n lines\t"), "two lines");
    }
}
