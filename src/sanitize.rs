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
    fn one_line_folds_whitespace() {
        assert_eq!(one_line(" two\n lines\t"), "two lines");
    }
}
