//! Quotes and copying: every evidence quote must occur in its source, and
//! no card may copy eight or more consecutive words of a source outside a
//! quote (the project writes its own words).

use std::collections::HashMap;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use std::hash::Hasher;
use std::ops::Range;

use super::SourceText;
use rayon::prelude::*;

use crate::deck::Card;
use crate::deck::Deck;
use crate::diagnostic::Diagnostic;

/// How many consecutive words count as copying.
pub const COPY_WORDS: usize = 8;

/// How many leading tokens of a quote key the lookup of where it may start.
const KEY_TOKENS: usize = 3;

/// A source's text prepared for the quote check.
#[derive(Debug)]
pub struct SourceIndex {
    normalized: String,
    /// Where each run of [`KEY_TOKENS`] space-separated tokens starts in
    /// `normalized` (a byte offset), with the run's hash ([`key_hash`]),
    /// sorted: most quotes begin at a token, so candidates are found by a
    /// binary search without scanning the whole text (each is then compared
    /// in full, so two runs with one hash only cost a comparison). A sorted
    /// list rather than a map of lists: no allocation per distinct run.
    token_starts: Vec<(u64, usize)>,
    /// Hashes of every run of [`COPY_WORDS`] words, for the copy check.
    windows: HashSet<u64, BuildHasherDefault<Prehashed>>,
}

/// The hasher of a set whose keys are already hashes (FNV-1a words folded
/// into [`window_hashes`]): one multiply spreads a key's bits over the
/// table's, where SipHash cost more than the rest of indexing a source.
/// The keys come from the user's own files, so there is nothing to guard
/// against flooding.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed; any other key still hashes soundly.
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        let m = u128::from(self.0 ^ n) * 0x9E37_79B9_7F4A_7C15;
        self.0 = (m as u64) ^ ((m >> 64) as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Folds the differences that quoting may introduce: runs of whitespace,
/// curly versus straight quote marks, and the many dashes. Nothing else:
/// case and punctuation must match the source.
pub fn normalize_quote(text: &str) -> String {
    if !text.is_ascii() {
        return normalize_chars(text);
    }
    if is_normal_ascii(text.as_bytes()) {
        // Most quotes: nothing to fold.
        return text.to_string();
    }
    // Byte by byte, with the same folds as `normalize_chars` (the only
    // ASCII one besides whitespace is the backtick).
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for b in text.bytes() {
        let c = char::from(b);
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(if c == '`' { '\'' } else { c });
    }
    out
}

/// [`normalize_quote`] a character at a time: any text.
fn normalize_chars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => {
                '\''
            }
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
            | '\u{00BB}' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
            c if c.is_whitespace() => {
                space = true;
                continue;
            }
            c => c,
        };
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// Whether ASCII text is as [`normalize_quote`] leaves it: no backtick, no
/// whitespace but single spaces between other characters.
fn is_normal_ascii(text: &[u8]) -> bool {
    // A space at the start would be dropped, as would one after a space.
    let mut after_space = true;
    for &b in text {
        if b == b' ' {
            if after_space {
                return false;
            }
            after_space = true;
        } else if b == b'`' || char::from(b).is_whitespace() {
            return false;
        } else {
            after_space = false;
        }
    }
    // A space at the end would be dropped too.
    !after_space || text.is_empty()
}

/// The words of a text as hashes with their byte ranges: runs of letters
/// and digits, lowercased, with apostrophes inside a word dropped (so
/// "company's" is one word). Hashing as we go keeps the copy check free of
/// per-word allocations.
pub fn word_hashes(text: &str) -> Vec<(u64, Range<usize>)> {
    let mut out = Vec::new();
    word_hashes_into(text, &mut out);
    out
}

/// FNV-1a's start and multiplier, for the words' hashes.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Each ASCII byte that belongs to a word, lowercased; 0 for the rest (no
/// word byte is 0). One load instead of a chain of range tests.
const WORD_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        if b.is_ascii_alphanumeric() {
            table[i] = b.to_ascii_lowercase();
        }
        i += 1;
    }
    table
};

/// [`word_hashes`] into a buffer the caller keeps (cleared first), so that
/// checking a card's fields allocates once rather than once a field.
fn word_hashes_into(text: &str, out: &mut Vec<(u64, Range<usize>)>) {
    out.clear();
    if !text.is_ascii() {
        word_hashes_chars(text, out);
        return;
    }
    // Most text: byte by byte, without decoding characters. The same words
    // and hashes as `word_hashes_chars` (an ASCII byte is its character,
    // and the right single quote is not ASCII).
    let mut hash = FNV_OFFSET;
    let mut start = None;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        let l = WORD_BYTES[usize::from(b)];
        if l != 0 {
            if start.is_none() {
                start = Some(i);
                hash = FNV_OFFSET;
            }
            hash = (hash ^ u64::from(l)).wrapping_mul(FNV_PRIME);
        } else if b == b'\'' && start.is_some() {
            continue;
        } else if let Some(s) = start.take() {
            out.push((hash, s..i));
        }
    }
    if let Some(s) = start {
        out.push((hash, s..text.len()));
    }
}

/// [`word_hashes`] a character at a time, into `out`: any text.
fn word_hashes_chars(text: &str, out: &mut Vec<(u64, Range<usize>)>) {
    let mut hash = FNV_OFFSET;
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_ascii_alphanumeric() {
            // The common case, and the same hash as the general one below:
            // an ASCII letter lowercases to exactly one ASCII letter.
            if start.is_none() {
                start = Some(i);
                hash = FNV_OFFSET;
            }
            let l = c.to_ascii_lowercase();
            hash = (hash ^ u64::from(u32::from(l))).wrapping_mul(FNV_PRIME);
        } else if !c.is_ascii() && c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
                hash = FNV_OFFSET;
            }
            for l in c.to_lowercase() {
                hash = (hash ^ u64::from(u32::from(l))).wrapping_mul(FNV_PRIME);
            }
        } else if matches!(c, '\'' | '\u{2019}') && start.is_some() {
            continue;
        } else if let Some(s) = start.take() {
            out.push((hash, s..i));
        }
    }
    if let Some(s) = start {
        out.push((hash, s..text.len()));
    }
}

/// FNV-1a of a run of tokens, the key of [`SourceIndex`]'s starts.
fn key_hash(run: &str) -> u64 {
    run.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn window_hashes(words: &[(u64, Range<usize>)]) -> impl Iterator<Item = (usize, u64)> + '_ {
    words.windows(COPY_WORDS).enumerate().map(|(i, w)| {
        let h = w.iter().fold(0u64, |h, (word, _)| {
            (h.rotate_left(7) ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        });
        (i, h)
    })
}

impl SourceIndex {
    /// Indexes a source text.
    pub fn new(text: &str) -> Self {
        let normalized = normalize_quote(text);
        // Where each token starts and ends; a key is the text from one
        // token's start to the end of the KEY_TOKENS-th, read in place.
        let mut bounds = Vec::new();
        let mut at = 0;
        for token in normalized.split(' ') {
            bounds.push((at, at + token.len()));
            at += token.len() + 1;
        }
        let mut token_starts: Vec<(u64, usize)> = bounds
            .windows(KEY_TOKENS)
            .map(|w| {
                let (start, end) = (w[0].0, w[KEY_TOKENS - 1].1);
                (key_hash(&normalized[start..end]), start)
            })
            .collect();
        token_starts.sort_unstable();
        let words = word_hashes(text);
        let mut windows = HashSet::with_capacity_and_hasher(
            words.len().saturating_sub(COPY_WORDS - 1),
            BuildHasherDefault::default(),
        );
        windows.extend(window_hashes(&words).map(|(_, h)| h));
        SourceIndex {
            windows,
            normalized,
            token_starts,
        }
    }

    /// Whether a quote occurs in the source.
    pub fn contains_quote(&self, quote: &str) -> bool {
        let quote = normalize_quote(quote);
        // The quote's first KEY_TOKENS tokens, as they are joined in it.
        let key_end = quote
            .match_indices(' ')
            .nth(KEY_TOKENS - 1)
            .map_or(quote.len(), |(i, _)| i);
        let key = key_hash(&quote[..key_end]);
        let first = self.token_starts.partition_point(|&(h, _)| h < key);
        let at_token = self.token_starts[first..]
            .iter()
            .take_while(|&&(h, _)| h == key)
            .any(|&(_, s)| self.normalized[s..].starts_with(&quote));
        // A quote may also begin inside a token ("ulien, who"): scan for those.
        at_token || self.normalized.contains(&quote)
    }

    /// How many leading words of a quote occur in the source, to say where
    /// a failing quote goes wrong.
    fn matching_prefix_words(&self, quote: &str) -> usize {
        let normalized = normalize_quote(quote);
        let ws: Vec<&str> = normalized.split(' ').collect();
        let mut n = 0;
        while n < ws.len() && self.normalized.contains(&ws[..=n].join(" ")) {
            n += 1;
        }
        n
    }

    /// The first run of [`COPY_WORDS`] words of `text` that the source also
    /// has, as a byte range of `text`.
    pub fn copied_run(&self, text: &str) -> Option<Range<usize>> {
        let ws = word_hashes(text);
        let (i, _) = window_hashes(&ws).find(|(_, h)| self.windows.contains(h))?;
        Some(ws[i].1.start..ws[i + COPY_WORDS - 1].1.end)
    }
}

/// Narrows a value's span to a part of its text, when the value appears
/// verbatim (without escapes) in the file; otherwise keeps the whole span.
fn narrow(file: &str, span: &Range<usize>, value: &str, part: Range<usize>) -> Range<usize> {
    let Some(raw) = file.get(span.clone()) else {
        return span.clone();
    };
    match raw.find(value) {
        Some(at) => span.start + at + part.start..span.start + at + part.end,
        None => span.clone(),
    }
}

/// Checks quotes against their sources and card text against copying.
/// Cards are checked in parallel; the caller sorts the diagnostics.
pub fn check_citations(
    deck: &Deck,
    file: &str,
    sources: &HashMap<String, SourceText>,
    out: &mut Vec<Diagnostic>,
) {
    // Both checks compare a card with a source: without one (an imported
    // deck, a deck in progress) there is nothing to find, and hashing every
    // word of every card was a tenth of an import's proof.
    if sources.is_empty() {
        return;
    }
    let mut sources: Vec<(&String, &SourceText)> = sources.iter().collect();
    sources.sort_by_key(|(id, _)| *id);
    let found: Vec<Diagnostic> = deck
        .cards
        .par_iter()
        .flat_map_iter(|card| check_card(card, file, &sources))
        .collect();
    out.extend(found);
}

fn check_card(card: &Card, file: &str, sources: &[(&String, &SourceText)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for e in &card.evidence {
        let (Some(quote), Some(span), Some((_, source))) = (
            &e.quote,
            &e.quote_span,
            sources.iter().find(|(id, _)| **id == e.source),
        ) else {
            continue;
        };
        if source.index.contains_quote(quote) {
            continue;
        }
        let good = source.index.matching_prefix_words(quote);
        let help = if good == 0 {
            format!(
                "not even its first word occurs in {}; is it from another source?",
                source.path.display()
            )
        } else {
            let shown: Vec<&str> = quote.split_whitespace().take(good).collect();
            format!(
                "the first {good} words (\"{}\") match {}; the quote departs from the source after them. Copy it verbatim (only whitespace, quote marks and dashes may differ)",
                shown.join(" "),
                source.path.display()
            )
        };
        out.push(
            Diagnostic::error(
                "quote-not-found",
                format!(
                    "card `{}`: the quote is not in source `{}`",
                    card.id, e.source
                ),
                span.clone(),
            )
            .with_label("not found in the source")
            .with_help(help),
        );
    }
    let mut fields: Vec<(&str, &str, &Range<usize>)> =
        vec![("prompt", card.prompt.as_str(), &card.spans.prompt)];
    if let (Some(t), Some(s)) = (&card.explanation, &card.spans.explanation) {
        fields.push(("explanation", t, s));
    }
    if let (Some(t), Some(s)) = (&card.differs, &card.spans.differs) {
        fields.push(("differs", t, s));
    }
    for s in &card.spans.answer_texts {
        fields.push(("answer", file.get(s.clone()).unwrap_or(""), s));
    }
    let (mut words, mut windows) = (Vec::new(), Vec::new());
    for (name, text, span) in fields {
        // COPY_WORDS words need at least one byte each and one between
        // each two: a shorter text (most answers) cannot copy a run.
        if text.len() < 2 * COPY_WORDS - 1 {
            continue;
        }
        word_hashes_into(text, &mut words);
        if words.len() < COPY_WORDS {
            continue;
        }
        windows.clear();
        windows.extend(window_hashes(&words));
        let copied = sources.iter().find_map(|(id, source)| {
            windows
                .iter()
                .find(|(_, h)| source.index.windows.contains(h))
                .map(|&(i, _)| (id, words[i].1.start..words[i + COPY_WORDS - 1].1.end))
        });
        if let Some((id, run)) = copied {
            out.push(
                Diagnostic::error(
                    "copied-text",
                    format!(
                        "card `{}`: the {name} copies {COPY_WORDS} or more consecutive words of source `{id}`",
                        card.id
                    ),
                    narrow(file, span, text, run),
                )
                .with_label("these words are the source's")
                .with_help("write it in your own words; put verbatim text in an evidence quote"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_match_across_quote_marks_dashes_and_spacing_only() {
        let idx = SourceIndex::new("He said “no”\n  — twice. The company’s staff");
        assert!(idx.contains_quote("He said \"no\" - twice."));
        assert!(idx.contains_quote("company's staff"));
        assert!(!idx.contains_quote("he said \"no\""), "case must match");
        assert!(!idx.contains_quote("He said no"), "punctuation must match");
    }

    proptest::proptest! {
        /// The ASCII fast paths give what the character-at-a-time ones do.
        #[test]
        fn ascii_fast_paths_agree_with_the_general_ones(
            text in "[ a-zA-Z0-9'`,.\t\n\r\u{b}\u{c}-]{0,40}",
        ) {
            proptest::prop_assert_eq!(normalize_quote(&text), normalize_chars(&text));
            proptest::prop_assert_eq!(
                is_normal_ascii(text.as_bytes()),
                normalize_chars(&text) == text
            );
            let mut general = Vec::new();
            word_hashes_chars(&text, &mut general);
            proptest::prop_assert_eq!(word_hashes(&text), general);
        }
    }

    #[test]
    fn copying_eight_words_is_found_seven_is_not() {
        let idx = SourceIndex::new("one two three four five six seven eight nine");
        assert!(
            idx.copied_run("x One, two three four five six seven eight")
                .is_some()
        );
        assert!(
            idx.copied_run("one two three four five six seven")
                .is_none()
        );
        let run = idx
            .copied_run("ab two three four five six seven eight nine")
            .unwrap();
        assert_eq!(run, 3..43);
    }
}
