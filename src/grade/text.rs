//! Comparing typed text with expected text: case, punctuation, spacing and a
//! leading article are ignored, and a small typo in a long word is forgiven.

/// Lowercases, drops punctuation, folds spaces and a leading "the/a/an".
pub fn normalize(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect();
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    if words.len() > 1 && matches!(words[0], "the" | "a" | "an") {
        words.remove(0);
    }
    words.join(" ")
}

/// How a response compares with one expected text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TextMatch {
    /// Equal after normalising.
    Exact,
    /// Off by a small typo; counts as right.
    Close,
    /// Wrong; the value is a similarity in 0..=1.
    Wrong(f32),
}

/// Compares a response with an expected text.
pub fn compare(response: &str, expected: &str) -> TextMatch {
    let r = normalize(response);
    let e = normalize(expected);
    if r.is_empty() {
        return TextMatch::Wrong(0.0);
    }
    if r == e {
        return TextMatch::Exact;
    }
    let distance = strsim::damerau_levenshtein(&r, &e);
    let allowed = match e.chars().count() {
        0..=4 => 0,
        5..=11 => 1,
        _ => 2,
    };
    // Digits must match exactly: "1989" is not a typo of "1983".
    let same_digits = r.chars().filter(char::is_ascii_digit).collect::<String>()
        == e.chars().filter(char::is_ascii_digit).collect::<String>();
    if distance <= allowed && same_digits {
        TextMatch::Close
    } else {
        TextMatch::Wrong(strsim::normalized_damerau_levenshtein(&r, &e) as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_ignores_case_punctuation_and_articles() {
        assert_eq!(normalize("  The F.B.I.  "), "f b i");
        assert_eq!(
            normalize("Ministry of State-Security!"),
            "ministry of state security"
        );
        assert_eq!(normalize("a"), "a");
    }

    #[test]
    fn typos_are_forgiven_only_in_long_words() {
        assert_eq!(compare("Tianamen", "Tiananmen"), TextMatch::Close);
        assert!(matches!(compare("MSA", "MSS"), TextMatch::Wrong(_)));
        assert!(matches!(compare("1983", "1989"), TextMatch::Wrong(_)));
        assert_eq!(compare("the zoom", "Zoom"), TextMatch::Exact);
    }
}
