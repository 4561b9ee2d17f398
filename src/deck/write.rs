//! Deck → TOML text: the inverse of [`super::parse::parse_deck`].
//!
//! Importers build a [`Deck`] in memory and write it with [`write_deck`].
//! The output is meant to be read and edited by people: one `[[card]]`
//! table per card, keys in the order `docs/deck-format.md` lists them, and
//! evidence as inline tables. Parsing the output gives back the same deck
//! (spans and path aside); `tests/interop_write.rs` checks that as a property.

use std::fmt::Write;

use super::model::Answer;
use super::model::Card;
use super::model::DEFAULT_DESIRED_RETENTION;
use super::model::Deck;
use super::number::NumberAnswer;

/// Writes a deck as TOML. `header` lines, when given, become `#` comments
/// at the top of the file (for instance, where an import came from).
pub fn write_deck(deck: &Deck, header: &[String]) -> String {
    // Reserved for a small deck's cards (about 400 bytes each at most
    // typically); a large deck's are written in parts and reserved then.
    let mut out = String::with_capacity(512 + deck.cards.len().min(PARALLEL_CARDS) * 400);
    for line in header {
        for l in line.lines() {
            let _ = writeln!(out, "# {l}");
        }
    }
    if !header.is_empty() {
        out.push('\n');
    }
    let m = &deck.meta;
    out.push_str("[deck]\n");
    kv(&mut out, "id", &m.id);
    kv(&mut out, "title", &m.title);
    kv(&mut out, "description", &m.description);
    if let Some(lang) = &m.language {
        kv(&mut out, "language", lang);
    }
    if m.desired_retention != DEFAULT_DESIRED_RETENTION {
        // f32 → shortest decimal that reads back as the same f32.
        let _ = writeln!(out, "desired_retention = {}", m.desired_retention);
    }
    if !m.authors.is_empty() {
        let _ = writeln!(out, "authors = {}", string_array(&m.authors));
    }
    for s in &deck.sources {
        let _ = writeln!(out, "\n[sources.{}]", key(&s.id));
        kv(&mut out, "file", &s.file);
        kv(&mut out, "title", &s.title);
        for (k, v) in [
            ("publisher", &s.publisher),
            ("date", &s.date),
            ("url", &s.url),
            ("sha256", &s.sha256),
        ] {
            if let Some(v) = v {
                kv(&mut out, k, v);
            }
        }
    }
    if deck.cards.len() <= PARALLEL_CARDS {
        for card in &deck.cards {
            out.push('\n');
            write_card(&mut out, card);
        }
    } else {
        // Large decks are written a chunk of cards per task on every core,
        // then joined in order: the same text.
        use rayon::prelude::*;
        let parts: Vec<String> = deck
            .cards
            .par_chunks(PARALLEL_CARDS)
            .map(|cards| {
                let mut part = String::with_capacity(cards.len() * 128);
                for card in cards {
                    part.push('\n');
                    write_card(&mut part, card);
                }
                part
            })
            .collect();
        out.reserve(parts.iter().map(String::len).sum());
        for part in parts {
            out.push_str(&part);
        }
    }
    out
}

/// Up to this many cards are written on the calling thread (and this many
/// make one task when there are more).
const PARALLEL_CARDS: usize = 2048;

fn write_card(out: &mut String, card: &Card) {
    out.push_str("[[card]]\n");
    kv(out, "id", &card.id);
    kv(out, "kind", card.kind().name());
    kv(out, "prompt", &card.prompt);
    write_answer(out, &card.answer);
    if let Some(e) = &card.explanation {
        kv(out, "explanation", e);
    }
    if !card.topics.is_empty() {
        let _ = writeln!(out, "topics = {}", string_array(&card.topics));
    }
    if !card.evidence.is_empty() {
        let entries: Vec<String> = card
            .evidence
            .iter()
            .map(|e| match &e.quote {
                Some(q) => format!(
                    "{{ source = {}, quote = {} }}",
                    string(&e.source),
                    string(q)
                ),
                None => format!("{{ source = {} }}", string(&e.source)),
            })
            .collect();
        if entries.len() == 1 {
            let _ = writeln!(out, "evidence = [{}]", entries[0]);
        } else {
            out.push_str("evidence = [\n");
            for e in entries {
                let _ = writeln!(out, "  {e},");
            }
            out.push_str("]\n");
        }
    }
    if let Some(d) = &card.differs {
        kv(out, "differs", d);
    }
    if let Some((source, _)) = &card.spans.sole_source {
        kv(out, "sole_source", source);
    }
    if !card.spans.allow.is_empty() {
        let rules: Vec<String> = card.spans.allow.iter().map(|(r, _)| r.clone()).collect();
        let _ = writeln!(out, "allow = {}", string_array(&rules));
    }
}

/// The kind-specific keys of a card (`answer`, `accept`, `options`,
/// `items`, `unit`…), one per line; nothing for cloze cards, whose gaps
/// live in the prompt. Also used by formats that embed a docket answer.
pub fn write_answer(out: &mut String, answer: &Answer) {
    match answer {
        Answer::Basic { answer, accept } => {
            kv(out, "answer", answer);
            if !accept.is_empty() {
                let _ = writeln!(out, "accept = {}", string_array(accept));
            }
        }
        Answer::Choice { options, correct } => {
            let _ = writeln!(out, "options = {}", string_array(options));
            let right: Vec<String> = correct.iter().map(|&i| options[i].clone()).collect();
            if let [one] = right.as_slice() {
                kv(out, "answer", one);
            } else {
                let _ = writeln!(out, "answer = {}", string_array(&right));
            }
        }
        Answer::TrueFalse(b) => {
            let _ = writeln!(out, "answer = {b}");
        }
        Answer::Number(n) => write_number(out, n),
        Answer::Date(d) => match (d.month, d.day) {
            (Some(m), Some(day)) => {
                let _ = writeln!(out, "answer = {:04}-{m:02}-{day:02}", d.year);
            }
            (Some(m), None) => kv(out, "answer", &format!("{:04}-{m:02}", d.year)),
            _ => kv(out, "answer", &format!("{:04}", d.year)),
        },
        // The gaps live in the prompt.
        Answer::Cloze(_) => {}
        Answer::Order(items) => {
            let _ = writeln!(out, "items = {}", string_array(items));
        }
    }
}

/// A number answer in the most readable form that parses back exactly:
/// a bare value, a value with an absolute tolerance, or a range.
fn write_number(out: &mut String, n: &NumberAnswer) {
    if let Some(v) = n.value {
        let _ = writeln!(out, "answer = {}", number(v));
    }
    match n.value {
        Some(v) if n.low == v && n.high == v => {}
        Some(v) if (n.high - v) > 0.0 && v - (n.high - v) == n.low => {
            let _ = writeln!(out, "tolerance = {}", number(n.high - v));
        }
        _ => {
            let _ = writeln!(out, "range = [{}, {}]", number(n.low), number(n.high));
        }
    }
    if let Some(u) = &n.unit {
        kv(out, "unit", u);
    }
}

/// A TOML number that reads back as exactly `v`: an integer when it is
/// one (and small enough to be exact), else Rust's shortest round-trip float.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        format!("{}", v as i64)
    } else {
        // `{:?}` always has a `.` or an exponent, as TOML floats need.
        format!("{v:?}")
    }
}

fn kv(out: &mut String, key: &str, value: &str) {
    // Written in place: a deck of 100,000 cards has hundreds of thousands
    // of values, each once a temporary string and a formatting call.
    out.push_str(key);
    out.push_str(" = ");
    push_string(out, value);
    out.push('\n');
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_string()
    } else {
        string(k)
    }
}

fn string_array(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| string(s)).collect();
    format!("[{}]", parts.join(", "))
}

/// A TOML basic string. Text with line breaks is written as a multi-line
/// string so that explanations stay readable; everything else on one line.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_string(&mut out, s);
    out
}

/// Appends `s` as a TOML basic string (see [`string`]).
fn push_string(out: &mut String, s: &str) {
    // Most text needs no escape: ASCII without quotes, backslashes or
    // control characters (line breaks and tabs included) is copied whole.
    if s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    let multiline = s.contains('\n');
    out.push_str(if multiline { "\"\"\"\n" } else { "\"" });
    let mut quotes = 0;
    for c in s.chars() {
        // In a multi-line string three quotes in a row would close it.
        if c == '"' {
            quotes += 1;
            if !multiline || quotes == 3 {
                out.push_str("\\\"");
                quotes = 0;
                continue;
            }
            out.push('"');
            continue;
        }
        quotes = 0;
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' if multiline => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    if multiline {
        // A bare quote just before the closing `"""` would merge with it
        // (an escaped one, `\"`, would not: it stays as it is).
        if quotes > 0 {
            out.pop();
            out.push_str("\\\"");
        }
        out.push_str("\"\"\"");
    } else {
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_what_toml_needs() {
        assert_eq!(string("a \"b\" \\ c"), r#""a \"b\" \\ c""#);
        assert_eq!(string("x\ty"), r#""x\ty""#);
        assert_eq!(string("one\ntwo"), "\"\"\"\none\ntwo\"\"\"");
        assert_eq!(string("a\n\"\"\"b\""), "\"\"\"\na\n\"\"\\\"b\\\"\"\"\"");
        // Three quotes at the end: the third is escaped, and the closing
        // delimiter must not take its backslash for a quote's.
        assert_eq!(string("a\n\"\"\""), "\"\"\"\na\n\"\"\\\"\"\"\"");
        assert_eq!(string("a\n\""), "\"\"\"\na\n\\\"\"\"\"");
        assert_eq!(string("a\n\\"), "\"\"\"\na\n\\\\\"\"\"");
        assert_eq!(key("a.b"), "\"a.b\"");
        assert_eq!(number(23000.0), "23000");
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(1e300), "1e300");
    }

    #[test]
    fn allow_and_sole_source_survive_writing_and_reading_back() {
        let text = r#"[deck]
id = "d"
title = "t"
description = "d"

[sources.epoch]
file = "003.txt"
title = "t"

[[card]]
id = "c"
kind = "truefalse"
prompt = "True or false: only one source says so."
answer = true
evidence = [{ source = "epoch" }]
sole_source = "epoch"
allow = ["absolute-word", "vague-prompt"]
"#;
        let path = std::path::Path::new("d.toml");
        let (deck, diagnostics) = super::super::parse::parse_deck(path, text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let written = write_deck(&deck.unwrap(), &[]);
        let (again, diagnostics) = super::super::parse::parse_deck(path, &written);
        assert!(diagnostics.is_empty(), "{diagnostics:?}\n{written}");
        let spans = &again.unwrap().cards[0].spans;
        assert_eq!(
            spans.sole_source.as_ref().map(|(s, _)| s.as_str()),
            Some("epoch")
        );
        assert!(spans.allows("absolute-word") && spans.allows("vague-prompt"));
    }
}
