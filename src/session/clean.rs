//! Deck text is untrusted: [`clean`] strips terminal escape sequences and
//! every other control character (keeping newlines) before any
//! of it reaches a view, so no frontend can print a deck's escape codes.

/// Deck text made safe (tabs become four spaces) to print on a terminal.
pub fn clean(text: &str) -> String {
    let stripped = strip_ansi_escapes::strip(text.replace('\t', "    ").as_bytes());
    String::from_utf8_lossy(&stripped)
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .filter(|&c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_and_controls_are_removed() {
        assert_eq!(super::clean("\x1b[31mred\x1b[0m"), "red");
        assert_eq!(super::clean("a\x07b\x1b]0;title\x07c"), "abc");
        assert_eq!(super::clean("line\nnext\ttab\r"), "line\nnext    tab");
        assert!(!super::clean("x\u{9b}31my").contains('\u{9b}'));
        assert_eq!(super::clean("a\u{202e}b"), "ab");
    }
}
