//! Student names, as typed by students and as noted by teachers, compared
//! the way a person reading them would: `Zoë` typed with a combining
//! diaeresis, `Zoe` + a zero-width space, `ZOË`, `Zое` with Cyrillic
//! letters and `Zoë` + an escape sequence are all one student.
//!
//! [`key`] is the comparison key: Unicode NFKC (compatibility forms such as
//! full-width letters folded), invisible characters (zero-width space and
//! joiners, word joiner, soft hyphen, byte-order mark, variation selectors,
//! every format and control character, bidi controls) and terminal escape
//! sequences removed, whitespace collapsed, lowercased, and finally mapped
//! to its confusable skeleton (Unicode TR 39, via `unicode-security`), so
//! look-alike letters from other scripts compare equal. [`display`] is the
//! name as shown: the same cleaning without case folding or skeleton.

use unicode_normalization::UnicodeNormalization;
use unicode_security::confusable_detection::skeleton;

/// Longest student name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Whether a character is invisible or a control: removed from names.
fn invisible(c: char) -> bool {
    c.is_control()
        || crate::sanitize::is_bidi_control(c)
        || matches!(
            c,
            '\u{00ad}'              // soft hyphen
            | '\u{034f}'            // combining grapheme joiner
            | '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' // Hangul fillers
            | '\u{17b4}' | '\u{17b5}'
            | '\u{180b}'..='\u{180f}' // Mongolian selectors, vowel separator
            | '\u{200b}'..='\u{200d}' // zero-width space, non-joiner, joiner
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{206a}'..='\u{206f}'
            | '\u{fe00}'..='\u{fe0f}' // variation selectors
            | '\u{feff}'            // byte-order mark, zero-width no-break space
            | '\u{fff9}'..='\u{fffb}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e007f}' // tags
            | '\u{e0100}'..='\u{e01ef}' // variation selectors supplement
        )
}

/// A name cleaned for display: escape sequences, controls and invisible
/// characters removed, NFC, whitespace collapsed and trimmed.
pub fn display(name: &str) -> String {
    let stripped = strip_ansi_escapes::strip(name.as_bytes());
    let text = String::from_utf8_lossy(&stripped);
    let visible: String = text.nfc().filter(|&c| !invisible(c)).collect();
    visible.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The comparison key of a name: two names with the same key are the same
/// student.
pub fn key(name: &str) -> String {
    let stripped = strip_ansi_escapes::strip(name.as_bytes());
    let text = String::from_utf8_lossy(&stripped);
    let folded: String = text
        .nfkc()
        .filter(|&c| !invisible(c))
        .collect::<String>()
        .to_lowercase();
    let words = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    // The skeleton is for comparison only: it is not meant to be read.
    let skel: String = skeleton(&words).collect();
    skel.nfc().collect::<String>().to_lowercase()
}

/// Checks a name a student typed: not empty once cleaned, at most
/// [`MAX_NAME_CHARS`] characters, no control characters or escape
/// sequences. Returns the name as it is stored (cleaned of invisible
/// characters).
pub fn check_student(name: &str) -> Result<String, String> {
    if name.chars().any(|c| c.is_control()) {
        return Err("--student must not contain control characters".into());
    }
    let shown = display(name);
    if shown.is_empty() {
        return Err("--student must not be empty".into());
    }
    if shown.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "--student must be at most {MAX_NAME_CHARS} printable characters"
        ));
    }
    Ok(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_are_one_student() {
        let zoe = key("Zoë Lima");
        for other in [
            "Zoe\u{308} Lima",    // combining diaeresis
            "Zo\u{200b}ë Lima",   // zero-width space
            "ZOË  LIMA",          // case and spacing
            "Zoë\u{200d} Lima",   // zero-width joiner
            "\u{ff3a}oë Lima",    // full-width Z
            "Zoë Lima\u{1b}[31m", // escape sequence
            "Zoë\u{202e} Lima",   // bidi override
            "Z\u{43e}ë Lima",     // Cyrillic o
        ] {
            assert_eq!(key(other), zoe, "{other:?}");
        }
        assert_ne!(key("Zoe Lima"), key("Zoë Lima"));
        assert_ne!(key("Ana"), key("Ann"));
    }

    #[test]
    fn display_names_lose_escapes_and_invisibles() {
        assert_eq!(display(" zed\u{1b}[2J\u{200b} "), "zed");
        assert_eq!(check_student("Ana\u{200b}").unwrap(), "Ana");
        assert!(check_student("\u{200b}").is_err());
        assert!(check_student("a\u{1b}b").is_err());
    }
}
