//! Quotes and copying: every evidence quote must occur in its source, and
//! no card may copy eight or more consecutive words of a source outside a
//! quote (the project writes its own words).

use std::collections::HashMap;
use std::collections::HashSet;
use std::hash::Hash;
use std::hash::Hasher;
use std::ops::Range;

use super::SourceText;
use crate::deck::Deck;
use crate::diagnostic::Diagnostic;

/// How many consecutive words count as copying.
pub const COPY_WORDS: usize = 8;

/// A source's text prepared for the checks.
#[derive(Debug)]
pub struct SourceIndex {
    normalized: String,
    windows: HashSet<u64>,
}

/// Folds the differences that quoting may introduce: runs of whitespace,
/// curly versus straight quote marks, and the many dashes. Nothing else:
/// case and punctuation must match the source.
pub fn normalize_quote(text: &str) -> String {
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

/// The words of a text with their byte ranges: runs of letters and digits
/// (apostrophes inside a word are dropped, so "company's" is one word),
/// lowercased.
pub fn words(text: &str) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
            current.extend(c.to_lowercase());
        } else if matches!(c, '\'' | '\u{2019}') && start.is_some() {
            continue;
        } else if let Some(s) = start.take() {
            out.push((std::mem::take(&mut current), s..i));
        }
    }
    if let Some(s) = start {
        out.push((current, s..text.len()));
    }
    out
}

fn window_hashes(words: &[(String, Range<usize>)]) -> impl Iterator<Item = (usize, u64)> + '_ {
    words.windows(COPY_WORDS).enumerate().map(|(i, w)| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (word, _) in w {
            word.hash(&mut h);
        }
        (i, h.finish())
    })
}

impl SourceIndex {
    /// Indexes a source text.
    pub fn new(text: &str) -> Self {
        let ws = words(text);
        SourceIndex {
            normalized: normalize_quote(text),
            windows: window_hashes(&ws).map(|(_, h)| h).collect(),
        }
    }

    /// Whether a quote occurs in the source.
    pub fn contains_quote(&self, quote: &str) -> bool {
        self.normalized.contains(&normalize_quote(quote))
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
        let ws = words(text);
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
pub fn check_citations(
    deck: &Deck,
    file: &str,
    sources: &HashMap<String, SourceText>,
    out: &mut Vec<Diagnostic>,
) {
    for card in &deck.cards {
        for e in &card.evidence {
            let (Some(quote), Some(span), Some(source)) =
                (&e.quote, &e.quote_span, sources.get(&e.source))
            else {
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
        let answer_texts: Vec<String> = card
            .spans
            .answer_texts
            .iter()
            .map(|s| file.get(s.clone()).unwrap_or("").to_string())
            .collect();
        for (t, s) in answer_texts.iter().zip(&card.spans.answer_texts) {
            fields.push(("answer", t, s));
        }
        'field: for (name, text, span) in fields {
            for (id, source) in sources {
                if let Some(run) = source.index.copied_run(text) {
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
                    continue 'field;
                }
            }
        }
    }
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
