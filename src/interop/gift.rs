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
    out.push_str(&format!("$CATEGORY: {}\n\n", escape(&deck.meta.title)));
    for card in &deck.cards {
        let prompt = escape(&card.prompt);
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
                        b.push_str(&format!("{mark}{} ", escape(o)));
                    }
                } else {
                    // Several right answers: multiple response, weights sum to 100.
                    let w = weight(100.0 / correct.len() as f64);
                    let wrong = options.len() - correct.len();
                    for (i, o) in options.iter().enumerate() {
                        if correct.contains(&i) {
                            b.push_str(&format!("~%{w}%{} ", escape(o)));
                        } else if wrong > 0 {
                            b.push_str(&format!("~%-100%{} ", escape(o)));
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
                let before = escape(&card.prompt[..start]);
                let after = escape(&card.prompt[end..]);
                let b = gaps[0]
                    .answers
                    .iter()
                    .map(|a| format!("={}", escape(a)))
                    .collect::<Vec<_>>()
                    .join(" ");
                question_text = String::new();
                let mut q = format!("::{}::{before}{{{b}", card.id);
                if let Some(e) = &card.explanation {
                    q.push_str(&format!("####{}", escape(e)));
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
            out.push_str(&format!("####{}", escape(e)));
        }
        out.push_str("}\n\n");
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

/// Splits at unescaped marks (`=`/`~`), keeping the mark; returns
/// (offset, mark, text) for each part.
fn split_answers(s: &str) -> Vec<(usize, char, &str)> {
    let mut marks = Vec::new();
    let mut escaped = false;
    for (i, ch) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == '=' || ch == '~' {
            marks.push((i, ch));
        }
    }
    let mut out = Vec::new();
    for (k, &(i, m)) in marks.iter().enumerate() {
        let end = marks.get(k + 1).map_or(s.len(), |n| n.0);
        out.push((i, m, &s[i + 1..end]));
    }
    out
}

/// One answer of a block: weight (percent) and text, feedback dropped.
fn answer_parts(raw: &str) -> (Option<f64>, String) {
    let mut t = raw.trim();
    let mut w = None;
    if let Some(rest) = t.strip_prefix('%')
        && let Some(e) = rest.find('%')
    {
        w = rest[..e].trim().parse::<f64>().ok();
        t = &rest[e + 1..];
    }
    let text = match find_unescaped(t, '#', 0) {
        Some(h) => &t[..h],
        None => t,
    };
    (w, unescape(text.trim()))
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

/// Reads a GIFT file.
pub fn import(name: &str, bytes: &[u8]) -> Result<Imported, ImportError> {
    let text = utf8(bytes)?;
    let stem = stem(name);
    let mut deck = DeckBuilder::new(&stem, &stem, "");
    let mut errors = Vec::new();
    let mut titled = false;
    for b in blocks(text) {
        let item = format!("line {}", b.first_line);
        let mut cx = Ctx {
            b: &b,
            errors: Vec::new(),
        };
        let q = b.text.trim_start();
        let lead = b.text.len() - q.len();
        if let Some(c) = q.strip_prefix("$CATEGORY:") {
            // The first category names the deck; categories are not topics,
            // so a GIFT file docket wrote reads back unchanged.
            let c = unescape(c.trim().trim_start_matches("$course$/"));
            if !titled {
                deck.set_title(&c);
                titled = true;
            }
            continue;
        }
        let card = question(&mut cx, q, lead, &item, &mut deck);
        errors.append(&mut cx.errors);
        if let Some(mut c) = card {
            c.topics.extend(b.tags.iter().cloned());
            deck.add(&item, c);
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Syntax {
            text: text.to_string(),
            diagnostics: errors,
        });
    }
    if deck.is_empty() {
        return Err(ImportError::invalid(
            "the file holds no GIFT question docket can convert",
        ));
    }
    Ok(deck.finish(PathBuf::from(format!("{stem}.toml"))))
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
        match rest.find("::") {
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
    let mut before = body[..open].to_string();
    let after = body[close + 1..].trim();
    let mut is_html = false;
    for fmt in ["[html]", "[moodle]", "[plain]", "[markdown]"] {
        if let Some(rest) = before.trim_start().strip_prefix(fmt) {
            is_html = fmt == "[html]";
            before = rest.to_string();
            break;
        }
    }
    let text_of = |s: &str| {
        let t = unescape(s);
        if is_html { html::to_text(&t) } else { t }
    };
    let mut inner = &body[open + 1..close];
    let inner_at = base + open + 1;
    let mut explanation = None;
    if let Some(g) = find_general_feedback(inner) {
        explanation = Some(text_of(inner[g + 4..].trim()));
        inner = &inner[..g];
    }
    let lead_ws = inner.len() - inner.trim_start().len();
    let inner_at = inner_at + lead_ws;
    let answers_text = inner.trim();
    let missing_word = !after.is_empty();
    let prompt_with = |blank: &str| {
        let mut p = text_of(before.trim_end());
        if missing_word {
            p = format!("{} {blank} {}", p, text_of(after));
        }
        p.trim().to_string()
    };
    let raw = |prompt: String, answer: Answer| RawCard {
        id: title.clone(),
        prompt,
        answer,
        explanation: explanation.clone(),
        topics: Vec::new(),
        html: false,
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
        return numerical(cx, num, inner_at + 1, item, deck)
            .map(|n| raw(prompt_with("_____"), Answer::Number(n)));
    }
    let parts = split_answers(answers_text);
    // 2. multiple choice
    if find_unescaped(answers_text, '~', 0).is_some() {
        let mut options = Vec::new();
        let mut correct = Vec::new();
        let single = parts.iter().any(|p| p.1 == '=');
        for (_, mark, t) in &parts {
            let (w, text) = answer_parts(t);
            let right = if single {
                *mark == '='
            } else {
                w.unwrap_or(0.0) > 0.0
            };
            if right {
                correct.push(options.len());
            }
            options.push(if is_html { html::to_text(&text) } else { text });
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
        ));
    }
    // 3. matching
    if answers_text.contains("->") && parts.iter().any(|p| p.1 == '=') {
        deck.skip(item, "a matching question has no docket card kind yet");
        return None;
    }
    // 4. true/false
    let tf = answers_text
        .split('#')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    if matches!(tf.as_str(), "T" | "TRUE" | "F" | "FALSE") {
        return Some(raw(
            prompt_with("_____"),
            Answer::TrueFalse(tf.starts_with('T')),
        ));
    }
    // 5. short answer
    if parts.is_empty() || !answers_text.starts_with('=') {
        cx.error(
            inner_at,
            answers_text.len(),
            "cannot tell the question type: a short answer starts with `=`",
            "write {=answer}, {=right ~wrong} for multiple choice, {T} or {F}, or {#number}",
        );
        return None;
    }
    let mut accepted = Vec::new();
    for (_, _, t) in &parts {
        let (w, text) = answer_parts(t);
        match w {
            Some(w) if w < 100.0 => deck.skip(
                item,
                format!("the partly right answer `{text}` ({w}%) was left out: docket answers are right or wrong"),
            ),
            _ => accepted.push(if is_html { html::to_text(&text) } else { text }),
        }
    }
    if accepted.is_empty() {
        deck.skip(item, "no fully right answer");
        return None;
    }
    let cloze_safe = accepted
        .iter()
        .all(|a| !a.contains(['|', '{', '}']) && !a.contains("::"));
    if missing_word && cloze_safe {
        let gap = format!("{{{{c1::{}}}}}", accepted.join("|"));
        return Some(raw(prompt_with(&gap), Answer::Cloze(Vec::new())));
    }
    let answer = accepted.remove(0);
    Some(raw(
        prompt_with("_____"),
        Answer::Basic {
            answer,
            accept: accepted,
        },
    ))
}

fn numerical(
    cx: &mut Ctx<'_>,
    s: &str,
    at: usize,
    item: &str,
    deck: &mut DeckBuilder,
) -> Option<NumberAnswer> {
    let parts = split_answers(s);
    let (text, off) = if parts.is_empty() {
        (s.to_string(), at)
    } else {
        // Several weighted answers: keep the fully right one.
        let mut best = None;
        for (i, _, t) in &parts {
            let (w, text) = answer_parts(t);
            if w.is_none_or(|w| w >= 100.0) && best.is_none() {
                best = Some((text, at + i + 1));
            } else {
                deck.skip(
                    item,
                    format!("the partly right number `{text}` was left out"),
                );
            }
        }
        match best {
            Some(b) => b,
            None => {
                cx.error(
                    at,
                    s.len(),
                    "no fully right number",
                    "mark one answer =number with full credit",
                );
                return None;
            }
        }
    };
    let t = match find_unescaped(&text, '#', 0) {
        Some(h) => text[..h].trim().to_string(),
        None => text.trim().to_string(),
    };
    let num = |x: &str| x.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    let parsed = if let Some((lo, hi)) = t.split_once("..") {
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
                    NumberAnswer::with_tolerance(v, crate::deck::number::Tolerance::Exact, None)
                } else {
                    NumberAnswer::with_tolerance(
                        v,
                        crate::deck::number::Tolerance::Absolute(tol),
                        None,
                    )
                }
            })
    } else {
        num(&t)
            .map(|v| NumberAnswer::with_tolerance(v, crate::deck::number::Tolerance::Exact, None))
    };
    if parsed.is_none() {
        cx.error(
            off,
            t.len(),
            format!("`{t}` is not a GIFT number"),
            "write {#1822}, {#3.14:0.01} (value:tolerance) or {#3.1..3.2} (min..max)",
        );
    }
    parsed
}
