//! Deck text is untrusted: a card could carry escape sequences that move
//! the cursor or rewrite the terminal title. Everything printed to a
//! terminal from a deck, form or result file goes through [`clean`].

/// Removes ANSI escape sequences and every other control character except
/// newline and tab.
pub fn clean(text: &str) -> String {
    let stripped = strip_ansi_escapes::strip_str(text);
    stripped
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
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
    fn escape_sequences_and_controls_are_removed() {
        assert_eq!(clean("a\u{1b}[2Jb\u{1b}]0;title\u{7}c\u{8}d\ne"), "abcd\ne");
        assert_eq!(one_line(" two\n lines\t"), "two lines");
    }
}
