//! Moodle GIFT: export so a teacher can load a deck into Moodle, and import
//! question banks into decks.
//!
//! The importer ports the decision order of Moodle's own reader
//! (`question/format/gift/format.php`, summarised in the classroom
//! reference): questions are separated by blank lines, `//` lines are
//! comments, the first unescaped `{` and `}` delimit the answer block, and
//! the block's shape decides the type — `#` numerical, `~` multiple choice,
//! `=` with `->` matching, `T`/`F` true/false, else short answer. Syntax
//! errors carry a span into the file, so they are shown with line:column.

use std::path::PathBuf;

use super::ImportError;
use super::Imported;
use super::Skipped;
use super::build::DeckBuilder;
use super::build::RawCard;
use super::csv::stem;
use super::csv::utf8;
use super::html;
use crate::deck::Deck;
use crate::deck::model::Answer;
use crate::deck::number::NumberAnswer;
use crate::deck::number::Tolerance;
use crate::diagnostic::Diagnostic;

// ------------------------------------------------------------------ export

/// Escapes text as Moodle's exporter does: `\ # = ~ { } :` and line breaks.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '#' | '=' | '~' | '{' | '}' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Text for Moodle's default (HTML) text format: GIFT-escaped, with `&`,
/// `<` and `>` written as entities so Moodle shows them as typed.
pub fn escape_html(s: &str) -> String {
    escape(
        &s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;"),
    )
}

/// A category path as Moodle's `$CATEGORY:` line holds it: not escaped
/// (Moodle reads the line as written), `/` doubled (Moodle's escaped
/// slash), one line.
fn category_line(title: &str) -> String {
    title.replace(['\n', '\r'], " ").replace('/', "//")
}

/// A percentage as GIFT writes weights: whole when it is, else 5 decimals.
fn weight(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p}")
    } else {
        format!("{p:.5}")
    }
}

fn gift_number(v: f64) -> String {
    format!("{v}")
}

/// A number as a student would type it (no exponent, no grouping).
pub fn plain_number(v: f64) -> String {
    format!("{v}")
}

/// Writes a deck as GIFT. Cards GIFT cannot hold (order cards, cloze cards
/// with several gaps) are left out and listed.
pub fn export(deck: &Deck) -> (Vec<u8>, Vec<Skipped>) {
    let mut out = String::new();
    let mut skipped = Vec::new();
    let mut lossy = |id: &str, why: &str| {
        skipped.push(Skipped {
            item: format!("card `{id}`"),
            reason: why.to_string(),
        })
    };
    out.push_str(&format!("// {}\n", deck.meta.title.replace('\n', " ")));
    out.push_str(&format!(
        "// {}\n",
        deck.meta.description.replace('\n', " ")
    ));
    out.push_str(&format!(
        "$CATEGORY: $course$/top/{}\n\n",
        category_line(&deck.meta.title)
    ));
    for card in &deck.cards {
        // GIFT has no escape for "->": Moodle (and docket's reader) take a
        // right answer holding it for a matching pair.
        let typed: Vec<&String> = match &card.answer {
            Answer::Basic { answer, accept } => std::iter::once(answer).chain(accept).collect(),
            Answer::Cloze(gaps) => gaps.iter().flat_map(|g| &g.answers).collect(),
            _ => Vec::new(),
        };
        if typed.iter().any(|a| a.contains("->")) {
            lossy(
                &card.id,
                "left out: GIFT reads an answer holding \"->\" as a matching pair",
            );
            continue;
        }
        let prompt = escape_html(&card.prompt);
        let mut question_text = prompt.clone();
        let block = match &card.answer {
            Answer::Basic { answer, accept } => {
                let mut b = format!("={}", escape(answer));
                for a in accept {
                    b.push_str(&format!(" ={}", escape(a)));
                }
                b
            }
            Answer::Choice { options, correct } => {
                let mut b = String::new();
                if correct.len() == 1 {
                    for (i, o) in options.iter().enumerate() {
                        let mark = if correct.contains(&i) { '=' } else { '~' };
                        b.push_str(&format!("{mark}{} ", escape_html(o)));
                    }
                } else {
                    // Several right answers: multiple response, weights sum to 100.
                    let w = weight(100.0 / correct.len() as f64);
                    let wrong = options.len() - correct.len();
                    for (i, o) in options.iter().enumerate() {
                        if correct.contains(&i) {
                            b.push_str(&format!("~%{w}%{} ", escape_html(o)));
                        } else if wrong > 0 {
                            b.push_str(&format!("~%-100%{} ", escape_html(o)));
                        }
                    }
                }
                b.trim_end().to_string()
            }
            Answer::TrueFalse(t) => if *t { "TRUE" } else { "FALSE" }.to_string(),
            Answer::Number(n) => {
                if n.unit.is_some() {
                    lossy(&card.id, "GIFT numbers have no unit; the unit is left out");
                }
                match n.value {
                    Some(v) if n.low == v && n.high == v => format!("#{}", gift_number(v)),
                    Some(v) if v - (n.high - v) == n.low => {
                        format!("#{}:{}", gift_number(v), gift_number(n.high - v))
                    }
                    Some(_) => {
                        lossy(&card.id, "GIFT stores a range without its preferred value");
                        format!("#{}..{}", gift_number(n.low), gift_number(n.high))
                    }
                    None => format!("#{}..{}", gift_number(n.low), gift_number(n.high)),
                }
            }
            Answer::Date(d) => {
                lossy(
                    &card.id,
                    "GIFT has no dates; written as a short answer with the common spellings",
                );
                let mut forms = vec![d.to_string()];
                if let (Some(m), Some(day)) = (d.month, d.day) {
                    forms.push(format!("{:04}-{m:02}-{day:02}", d.year));
                } else if let Some(m) = d.month {
                    forms.push(format!("{:04}-{m:02}", d.year));
                }
                forms
                    .iter()
                    .map(|f| format!("={}", escape(f)))
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            Answer::Cloze(gaps) => {
                if gaps.len() != 1 {
                    lossy(
                        &card.id,
                        "left out: GIFT has one answer blank per question, this cloze card has several gaps",
                    );
                    continue;
                }
                if gaps[0].hint.is_some() {
                    lossy(&card.id, "GIFT has no gap hints; the hint is left out");
                }
                // The missing-word form: the block stands where the gap was.
                let start = card.prompt.find("{{").unwrap_or(0);
                let end = card.prompt[start..]
                    .find("}}")
                    .map_or(card.prompt.len(), |e| start + e + 2);
                let before = escape_html(&card.prompt[..start]);
                let after = escape_html(&card.prompt[end..]);
                let b = gaps[0]
                    .answers
                    .iter()
                    .map(|a| format!("={}", escape(a)))
                    .collect::<Vec<_>>()
                    .join(" ");
                question_text = String::new();
                let mut q = format!("::{}::{before}{{{b}", card.id);
                if let Some(e) = &card.explanation {
                    q.push_str(&format!("####{}", escape_html(e)));
                }
                q.push('}');
                if after.trim().is_empty() {
                    // A block at the very end reads as a plain short answer.
                    lossy(
                        &card.id,
                        "the gap ends the prompt, so GIFT reads it back as a short answer",
                    );
                }
                q.push_str(&after);
                topics_comment(&mut out, &card.topics);
                out.push_str(&q);
                out.push_str("\n\n");
                continue;
            }
            Answer::Order(_) => {
                lossy(&card.id, "left out: GIFT has no ordering questions");
                continue;
            }
        };
        topics_comment(&mut out, &card.topics);
        out.push_str(&format!("::{}::{question_text}{{{block}", card.id));
        if let Some(e) = &card.explanation {
            out.push_str(&format!("####{}", escape_html(e)));
        }
        out.push_str("}\n\n");
    }
    if deck.meta.title.contains(['\n', '\r']) {
        skipped.push(Skipped {
            item: "the deck title".into(),
            reason: "a Moodle category is one line: its line breaks became spaces".into(),
        });
    }
    (out.into_bytes(), skipped)
}

fn topics_comment(out: &mut String, topics: &[String]) {
    if !topics.is_empty() {
        let tags: Vec<String> = topics
            .iter()
            .map(|t| format!("[tag:{}]", t.replace([']', '\n'], " ")))
            .collect();
        out.push_str(&format!("// {}\n", tags.join(" ")));
    }
}

// ------------------------------------------------------------------ import

/// A question's text, with the file offset of each of its bytes' lines.
struct Block {
    text: String,
    /// (offset in `text`, offset in the file) at each line start.
    lines: Vec<(usize, usize)>,
    tags: Vec<String>,
    first_line: usize,
}

impl Block {
    fn file_offset(&self, at: usize) -> usize {
        let i = self
            .lines
            .partition_point(|(t, _)| *t <= at)
            .saturating_sub(1);
        let (t, f) = self.lines[i];
        f + (at - t)
    }
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut cur: Option<Block> = None;
    let mut tags = Vec::new();
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim();
        let at = offset;
        offset += line.len();
        if trimmed.starts_with("//") {
            // Newer Moodle reads [tag:…] from comments.
            let mut rest = trimmed;
            while let Some(s) = rest.find("[tag:") {
                let after = &rest[s + 5..];
                match after.find(']') {
                    Some(e) => {
                        tags.push(after[..e].trim().to_string());
                        rest = &after[e..];
                    }
                    None => break,
                }
            }
            continue;
        }
        if trimmed.is_empty() {
            if let Some(b) = cur.take() {
                out.push(b);
            }
            continue;
        }
        let b = cur.get_or_insert_with(|| Block {
            text: String::new(),
            lines: Vec::new(),
            tags: std::mem::take(&mut tags),
            first_line: n + 1,
        });
        if !b.text.is_empty() {
            b.text.push('\n');
        }
        b.lines.push((b.text.len(), at));
        b.text.push_str(content);
    }
    if let Some(b) = cur.take() {
        out.push(b);
    }
    out
}

/// The first unescaped occurrence of `c` at or after `from`.
fn find_unescaped(s: &str, c: char, from: usize) -> Option<usize> {
    let mut escaped = false;
    for (i, ch) in s[from..].char_indices() {
        if escaped {
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == c {
            return Some(from + i);
        }
    }
    None
}

/// Where `####` (general feedback) starts, skipping an escaped first `#`.
fn find_general_feedback(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find("####").map(|i| from + i) {
        let slashes = s[..i].bytes().rev().take_while(|b| *b == b'\\').count();
        if slashes % 2 == 0 {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A text format, as Moodle's `[html]`/`[moodle]`/`[plain]`/`[markdown]`
/// prefixes name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextFormat {
    /// Moodle's default: HTML-ish text.
    Moodle,
    Html,
    Plain,
    Markdown,
}

/// Strips a leading text-format prefix, as Moodle's `parse_text_with_format`
/// does for the question text, every answer and every feedback.
fn strip_format(s: &str, default: TextFormat) -> (TextFormat, &str) {
    let t = s.trim_start();
    for (p, f) in [
        ("[html]", TextFormat::Html),
        ("[moodle]", TextFormat::Moodle),
        ("[plain]", TextFormat::Plain),
        ("[markdown]", TextFormat::Markdown),
    ] {
        if let Some(rest) = t.strip_prefix(p) {
            return (f, rest);
        }
    }
    (default, t)
}

/// Decodes the few entities docket's exporter writes (and any numeric one).
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" | "#39" => '\'',
                "nbsp" => '\u{a0}',
                n if n.starts_with("#x") || n.starts_with("#X") => {
                    char::from_u32(u32::from_str_radix(&n[2..], 16).ok()?)?
                }
                n if n.starts_with('#') => char::from_u32(n[1..].parse().ok()?)?,
                _ => return None,
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text (question, option, feedback) as docket shows it: escapes undone,
/// markup converted for the HTML formats.
fn display_text(s: &str, default: TextFormat) -> String {
    let (f, s) = strip_format(s, default);
    let t = unescape(s.trim());
    match f {
        TextFormat::Html => html::to_text(&t),
        TextFormat::Moodle if t.contains('<') => html::to_text(&t),
        TextFormat::Moodle => decode_entities(&t),
        TextFormat::Plain | TextFormat::Markdown => t,
    }
}

/// Text a student types (short answers): format prefix stripped, escapes
/// undone, no markup conversion (Moodle compares it as typed).
fn typed_text(s: &str) -> String {
    let (_, s) = strip_format(s, TextFormat::Plain);
    unescape(s.trim())
}

/// One answer of a block: weight (percent), raw text and raw feedback.
#[derive(Debug)]
struct Part<'a> {
    /// Offset of the text in the block's inner text.
    at: usize,
    mark: Option<char>,
    weight: Option<f64>,
    text: &'a str,
    feedback: Option<&'a str>,
}

impl Part<'_> {
    fn full_credit(&self) -> bool {
        self.weight.is_none_or(|w| w >= 100.0)
    }
}

fn part(at: usize, mark: Option<char>, raw: &str) -> Part<'_> {
    let lead = raw.len() - raw.trim_start().len();
    let mut t = raw.trim_start();
    let mut at = at + lead;
    let mut weight = None;
    if let Some(rest) = t.strip_prefix('%')
        && let Some(e) = rest.find('%')
    {
        weight = rest[..e].trim().parse::<f64>().ok();
        at += e + 2;
        t = &rest[e + 1..];
    }
    let (text, feedback) = match find_unescaped(t, '#', 0) {
        Some(h) => (&t[..h], Some(&t[h + 1..])),
        None => (t, None),
    };
    Part {
        at,
        mark,
        weight,
        text: text.trim_end(),
        feedback: feedback.map(str::trim).filter(|f| !f.is_empty()),
    }
}

/// Splits at the unescaped marks in `marks`; text before the first mark
/// is a part too (without a mark) when it is not blank, as Moodle's
/// `explode("=", …)` keeps it.
fn parts<'a>(s: &'a str, marks: &[char]) -> Vec<Part<'a>> {
    let mut at = Vec::new();
    let mut escaped = false;
    for (i, ch) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if marks.contains(&ch) {
            at.push((i, ch));
        }
    }
    let mut out = Vec::new();
    let first = at.first().map_or(s.len(), |f| f.0);
    if !s[..first].trim().is_empty() {
        out.push(part(0, None, &s[..first]));
    }
    for (k, &(i, m)) in at.iter().enumerate() {
        let end = at.get(k + 1).map_or(s.len(), |n| n.0);
        out.push(part(i + 1, Some(m), &s[i + 1..end]));
    }
    out
}

struct Ctx<'a> {
    b: &'a Block,
    errors: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn error(&mut self, at: usize, len: usize, msg: impl Into<String>, help: &str) {
        let start = self.b.file_offset(at);
        self.errors.push(
            Diagnostic::error("gift-syntax", msg, start..start + len.max(1))
                .with_label("here")
                .with_help(help),
        );
    }
}

/// Line and column (1-based) of a byte offset.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(at, |n| at - n - 1) + 1;
    (line, col)
}

/// Reads a GIFT file. A question that cannot be read is reported (with its
/// line and column) and the rest are imported; only a file in which no
/// question converts fails, with every located error.
pub fn import(name: &str, bytes: &[u8]) -> Result<Imported, ImportError> {
    let text = utf8(bytes)?;
    let stem = stem(name);
    let mut deck = DeckBuilder::new(&stem, &stem, "");
    let mut errors = Vec::new();
    let mut title: Option<String> = None;
    let mut category: Option<String> = None;
    let mut kinds_refused = 0;
    for b in blocks(text) {
        let item = format!("line {}", b.first_line);
        let mut cx = Ctx {
            b: &b,
            errors: Vec::new(),
        };
        let q = b.text.trim_start();
        let lead = b.text.len() - q.len();
        if let Some(c) = q.strip_prefix("$CATEGORY:") {
            // Moodle keeps the category line as written (`//` is an escaped
            // `/`, nothing else is escaped).
            let c = c
                .trim()
                .trim_start_matches("$course$/")
                .trim_start_matches("$system$/")
                .trim_start_matches("top/");
            let c = c
                .replace("//", "\u{0}")
                .replace('/', " / ")
                .replace('\u{0}', "/");
            // The first category names the deck; questions of any other
            // category take it as a topic, so subcategories are not lost.
            if title.is_none() {
                deck.set_title(&c);
                title = Some(c.clone());
            }
            category = Some(c);
            continue;
        }
        let card = question(&mut cx, q, lead, &item, &mut deck);
        if card.is_none() && cx.errors.is_empty() {
            kinds_refused += 1;
        }
        errors.append(&mut cx.errors);
        if let Some(mut c) = card {
            if let Some(cat) = &category
                && Some(cat) != title.as_ref()
            {
                c.topics.push(cat.clone());
            }
            c.topics.extend(b.tags.iter().cloned());
            deck.add(&item, c);
        }
    }
    if deck.is_empty() {
        if !errors.is_empty() {
            return Err(ImportError::Syntax {
                text: text.to_string(),
                diagnostics: errors,
            });
        }
        let mut imported = deck.finish(PathBuf::new());
        let why: Vec<String> = imported
            .skipped
            .drain(..)
            .take(5)
            .map(|s| s.to_string())
            .collect();
        return Err(ImportError::invalid(if kinds_refused == 0 {
            "the file holds no GIFT question".to_string()
        } else {
            format!(
                "the file holds no GIFT question docket can convert ({})",
                why.join("; ")
            )
        }));
    }
    for e in errors {
        let (line, col) = line_col(text, e.span.as_ref().map_or(0, |s| s.start));
        deck.skip(
            format!("line {line}, column {col}"),
            format!("not imported: {}", e.message),
        );
    }
    Ok(deck.finish(PathBuf::from(format!("{stem}.toml"))))
}

/// Feedback lines collected for the explanation.
#[derive(Default)]
struct Feedback(Vec<String>);

impl Feedback {
    fn on(&mut self, answer: &str, fb: Option<&str>, fmt: TextFormat) {
        if let Some(f) = fb {
            let f = display_text(f, fmt);
            if !f.is_empty() {
                self.0.push(format!("Feedback on “{answer}”: {f}"));
            }
        }
    }
}

/// Reads one question (`q` starts at `lead` in the block's text).
fn question(
    cx: &mut Ctx<'_>,
    q: &str,
    lead: usize,
    item: &str,
    deck: &mut DeckBuilder,
) -> Option<RawCard> {
    let mut body = q;
    let mut base = lead;
    let mut title = None;
    if let Some(rest) = q.strip_prefix("::") {
        match find_title_end(rest) {
            Some(e) => {
                title = Some(unescape(rest[..e].trim()));
                body = &rest[e + 2..];
                base += 2 + e + 2;
            }
            None => {
                cx.error(
                    base,
                    2,
                    "the title is never closed with `::`",
                    "write the title as ::Title:: before the question",
                );
                return None;
            }
        }
    }
    let Some(open) = find_unescaped(body, '{', 0) else {
        deck.skip(item, "a description (no answer block), not a question");
        return None;
    };
    let Some(close) = find_unescaped(body, '}', open) else {
        cx.error(
            base + open,
            1,
            "the answer block opened here is never closed with `}`",
            "close it with `}`; write \\{ and \\} for literal braces",
        );
        return None;
    };
    let (fmt, before) = strip_format(&body[..open], TextFormat::Moodle);
    if matches!(fmt, TextFormat::Html | TextFormat::Moodle) {
        for why in super::apkg::import::media_notes("the question", body) {
            deck.note(item, why);
        }
    }
    let after = body[close + 1..].trim();
    let mut inner = &body[open + 1..close];
    let inner_at = base + open + 1;
    let mut explanation = Vec::new();
    if let Some(g) = find_general_feedback(inner) {
        let general = display_text(&inner[g + 4..], fmt);
        if !general.is_empty() {
            explanation.push(general);
        }
        inner = &inner[..g];
    }
    let lead_ws = inner.len() - inner.trim_start().len();
    let inner_at = inner_at + lead_ws;
    let answers_text = inner.trim();
    let missing_word = !after.is_empty();
    let prompt_with = |blank: &str| {
        let mut p = display_text(before.trim_end(), fmt);
        if missing_word {
            p = format!("{} {blank} {}", p, display_text(after, fmt));
        }
        p.trim().to_string()
    };
    let mut feedback = Feedback::default();
    let raw = |prompt: String, answer: Answer, explanation: Vec<String>, fb: Feedback| {
        let mut all = explanation;
        all.extend(fb.0);
        RawCard {
            id: title.clone(),
            prompt,
            answer,
            explanation: (!all.is_empty()).then(|| all.join("\n\n")),
            topics: Vec::new(),
            html: false,
        }
    };
    if answers_text.is_empty() {
        deck.skip(
            item,
            "an essay question (empty answer block) has no answer to check",
        );
        return None;
    }
    // 1. numerical
    if let Some(num) = answers_text.strip_prefix('#') {
        let answer = numerical(cx, num, inner_at + 1, item, deck, &mut feedback, fmt)?;
        return Some(raw(prompt_with("_____"), answer, explanation, feedback));
    }
    // 2. multiple choice
    if find_unescaped(answers_text, '~', 0).is_some() {
        let ps = parts(answers_text, &['=', '~']);
        let single = ps.iter().any(|p| p.mark == Some('='));
        let mut options = Vec::new();
        let mut correct = Vec::new();
        let positive: Vec<f64> = ps
            .iter()
            .filter_map(|p| p.weight)
            .filter(|w| *w > 0.0)
            .collect();
        for p in &ps {
            let text = display_text(p.text, fmt);
            // A weight overrides the mark, as in Moodle (`=%50%x` is half right).
            let right = if single {
                p.weight.map_or(p.mark == Some('='), |w| w >= 100.0)
            } else {
                p.weight.unwrap_or(0.0) > 0.0
            };
            if single && !right && p.weight.is_some_and(|w| w > 0.0) {
                deck.note(
                    item,
                    format!(
                        "the partly right option “{text}” ({}%) counts as wrong: docket marks an answer right or wrong",
                        p.weight.unwrap_or(0.0)
                    ),
                );
            }
            if right {
                correct.push(options.len());
            }
            feedback.on(&text, p.feedback, fmt);
            options.push(text);
        }
        if !single && positive.windows(2).any(|w| (w[0] - w[1]).abs() > 1e-9) {
            deck.note(
                item,
                format!(
                    "the options' unequal weights ({}) are not carried: each right option counts the same",
                    positive.iter().map(|w| format!("{w}%")).collect::<Vec<_>>().join(", ")
                ),
            );
        }
        if options.len() < 2 {
            cx.error(
                inner_at,
                answers_text.len(),
                "a multiple-choice question needs at least 2 answers",
                "mark the right answer with = and each wrong one with ~",
            );
            return None;
        }
        if correct.is_empty() {
            cx.error(
                inner_at,
                answers_text.len(),
                "no answer of this multiple-choice question is right",
                "mark the right answer with =, or give right answers a positive %weight%",
            );
            return None;
        }
        return Some(raw(
            prompt_with("_____"),
            Answer::Choice { options, correct },
            explanation,
            feedback,
        ));
    }
    // 3. matching
    if answers_text.contains("->") && find_unescaped(answers_text, '=', 0).is_some() {
        deck.skip(item, "a matching question has no docket card kind yet");
        return None;
    }
    // 4. true/false: `{T#feedback if wrong#feedback if right}`
    let mut tf_parts = answers_text.splitn(3, '#');
    let tf = tf_parts.next().unwrap_or("").trim().to_ascii_uppercase();
    if matches!(tf.as_str(), "T" | "TRUE" | "F" | "FALSE") {
        let truth = tf.starts_with('T');
        let (wrong, right) = (tf_parts.next(), tf_parts.next());
        let said = |b: bool| if b { "true" } else { "false" };
        for (answered, fb) in [(!truth, wrong), (truth, right)] {
            if let Some(f) = fb.map(|f| display_text(f, fmt)).filter(|f| !f.is_empty()) {
                feedback
                    .0
                    .push(format!("Feedback on “{}”: {f}", said(answered)));
            }
        }
        return Some(raw(
            prompt_with("_____"),
            Answer::TrueFalse(truth),
            explanation,
            feedback,
        ));
    }
    // 5. short answer: every `=` alternative (the first may lack its `=`,
    // as Moodle's documentation writes it).
    let ps = parts(answers_text, &['=']);
    let mut accepted = Vec::new();
    for p in &ps {
        let text = typed_text(p.text);
        if text.is_empty() {
            continue;
        }
        if p.full_credit() {
            feedback.on(&text, p.feedback, fmt);
            accepted.push(text);
        } else {
            let w = p.weight.unwrap_or(0.0);
            let fb = p
                .feedback
                .map(|f| format!(" (its feedback: {})", display_text(f, fmt)))
                .unwrap_or_default();
            deck.note(
                item,
                format!(
                    "the partly right answer “{text}” ({w}%) is not carried: docket marks an answer right or wrong{fb}"
                ),
            );
        }
    }
    if accepted.is_empty() {
        cx.error(
            inner_at,
            answers_text.len(),
            "this short answer has no fully right answer",
            "write {=answer}, {=right ~wrong} for multiple choice, {T} or {F}, or {#number}",
        );
        return None;
    }
    let cloze_safe = accepted
        .iter()
        .all(|a| !a.contains(['|', '{', '}']) && !a.contains("::"));
    if missing_word && cloze_safe {
        let gap = format!("{{{{c1::{}}}}}", accepted.join("|"));
        return Some(raw(
            prompt_with(&gap),
            Answer::Cloze(Vec::new()),
            explanation,
            feedback,
        ));
    }
    let answer = accepted.remove(0);
    Some(raw(
        prompt_with("_____"),
        Answer::Basic {
            answer,
            accept: accepted,
        },
        explanation,
        feedback,
    ))
}

/// Where a title's closing `::` is (an escaped `\:` does not close it).
fn find_title_end(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = find_unescaped(s, ':', from) {
        if s[i + 1..].starts_with(':') {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// One numerical answer: `v`, `v:tolerance` or `low..high`.
fn number_of(t: &str) -> Option<NumberAnswer> {
    let num = |x: &str| x.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    if let Some((lo, hi)) = t.split_once("..") {
        num(lo)
            .zip(num(hi))
            .filter(|(l, h)| l <= h)
            .map(|(l, h)| NumberAnswer::with_range(None, l, h, None))
    } else if let Some((v, tol)) = t.split_once(':') {
        num(v)
            .zip(num(tol))
            .filter(|(_, t)| *t >= 0.0)
            .map(|(v, tol)| {
                if tol == 0.0 {
                    NumberAnswer::with_tolerance(v, Tolerance::Exact, None)
                } else {
                    NumberAnswer::with_tolerance(v, Tolerance::Absolute(tol), None)
                }
            })
    } else {
        num(t).map(|v| NumberAnswer::with_tolerance(v, Tolerance::Exact, None))
    }
}

/// A numerical block (after its `#`), as Moodle reads it: a `~` starts the
/// feedback for any other answer; answers are split at `=` (the first may
/// lack it). Several full-credit answers are all accepted: overlapping ones
/// become one range, exact ones a short answer listing each; partly right
/// ones are reported.
#[allow(clippy::too_many_arguments)]
fn numerical(
    cx: &mut Ctx<'_>,
    s: &str,
    at: usize,
    item: &str,
    deck: &mut DeckBuilder,
    feedback: &mut Feedback,
    fmt: TextFormat,
) -> Option<Answer> {
    let (answers, wrong) = match find_unescaped(s, '~', 0) {
        Some(t) => (&s[..t], Some(&s[t + 1..])),
        None => (s, None),
    };
    let mut full: Vec<(NumberAnswer, String)> = Vec::new();
    for p in parts(answers, &['=']) {
        let t = unescape(p.text.trim());
        let Some(n) = number_of(&t) else {
            cx.error(
                at + p.at,
                p.text.len(),
                format!("`{t}` is not a GIFT number"),
                "write {#1822}, {#3.14:0.01} (value:tolerance) or {#3.1..3.2} (min..max)",
            );
            return None;
        };
        if p.full_credit() {
            feedback.on(t.strip_suffix(":0").unwrap_or(&t), p.feedback, fmt);
            full.push((n, t));
        } else {
            deck.note(
                item,
                format!(
                    "the partly right number `{t}` ({}%) is not carried: docket marks an answer right or wrong",
                    p.weight.unwrap_or(0.0)
                ),
            );
        }
    }
    if let Some(w) = wrong {
        let w = part(0, None, w);
        if let Some(f) = w
            .feedback
            .map(|f| display_text(f, fmt))
            .filter(|f| !f.is_empty())
        {
            feedback
                .0
                .push(format!("Feedback on any other answer: {f}"));
        }
    }
    if full.is_empty() {
        cx.error(
            at,
            s.len(),
            "no fully right number",
            "mark one answer =number with full credit",
        );
        return None;
    }
    if full.len() == 1 {
        return full.pop().map(|(n, _)| Answer::Number(n));
    }
    // Overlapping (or touching) ranges: one range holds them all.
    let mut sorted: Vec<&NumberAnswer> = full.iter().map(|f| &f.0).collect();
    sorted.sort_by(|a, b| a.low.total_cmp(&b.low));
    let joined = sorted.windows(2).all(|w| w[1].low <= w[0].high);
    if joined {
        let low = sorted[0].low;
        let high = sorted.iter().map(|n| n.high).fold(f64::MIN, f64::max);
        return Some(Answer::Number(NumberAnswer::with_range(
            full[0].0.value,
            low,
            high,
            None,
        )));
    }
    if full.iter().all(|(n, _)| n.low == n.high) {
        let mut forms: Vec<String> = full.iter().map(|(n, _)| format!("{}", n.low)).collect();
        forms.dedup();
        let answer = forms.remove(0);
        deck.note(
            item,
            "several separate right numbers: carried as a short answer accepting each of them",
        );
        return Some(Answer::Basic {
            answer,
            accept: forms,
        });
    }
    for (_, t) in &full[1..] {
        deck.note(
            item,
            format!(
                "the right number `{t}` is not carried: a docket number card has one value or range (kept `{}`)",
                full[0].1
            ),
        );
    }
    full.into_iter().next().map(|(n, _)| Answer::Number(n))
}
