//! Moodle XML: Moodle's own question-bank format, read and written.
//!
//! The rules follow Moodle's `question/format/xml/format.php` and its
//! documentation ("Moodle XML format"): a `<quiz>` of `<question type=…>`
//! elements; `type="category"` switches the category (the first names the
//! deck, later ones become topics); `<name>` is the card id;
//! `<questiontext format=…>` is HTML unless the format says plain text or
//! Markdown; `<answer fraction=…>` carries each answer's credit in percent
//! and its `<feedback>`; `<generalfeedback>` is the explanation; `<tags>`
//! are topics. Types read: multichoice (single or multiple answer),
//! truefalse, shortanswer, numerical (tolerances, units), multianswer
//! (cloze: its SHORTANSWER and NUMERICAL gaps, MULTICHOICE gaps asked as
//! typed gaps) and ordering (the ordering plugin's answers, in order).
//! Everything else (essay, matching, description, drag and drop…) is
//! listed by kind and left out; whatever a card cannot hold — partial
//! credit, unit multipliers, hints, embedded files, combined feedback — is
//! named in the report, question by question.
//!
//! The XML is parsed with quick-xml into a small tree (depth and size
//! bounded, since files are untrusted); the exporter writes escaped text
//! and is checked by parsing it back.

use std::fmt::Write as _;
use std::path::PathBuf;

use quick_xml::events::Event;

use super::ImportError;
use super::Imported;
use super::Skipped;
use super::build::DeckBuilder;
use super::build::RawCard;
use super::csv::stem;
use super::csv::utf8;
use super::html;
use crate::deck::Deck;
use crate::deck::cloze;
use crate::deck::model::Answer;
use crate::deck::number::NumberAnswer;
use crate::deck::number::Tolerance;

/// How deep elements may nest; Moodle's own files use five levels.
const MAX_DEPTH: usize = 32;
/// How many elements a file may hold.
const MAX_ELEMENTS: usize = 5_000_000;

/// An element of the parsed file.
#[derive(Debug, Default, Clone)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Element>,
    /// The text directly inside (text and CDATA, concatenated).
    text: String,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The `<text>` of a child such as `<questiontext><text>…</text>`.
    fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name)
            .and_then(|c| c.child("text"))
            .map(|t| t.text.as_str())
    }
}

/// Parses the XML into a tree; errors carry a byte offset.
fn parse_tree(text: &str) -> Result<Element, (usize, String)> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut count = 0usize;
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| (at, e.to_string()))?;
        match event {
            Event::Start(e) | Event::Empty(e) if stack.len() > MAX_DEPTH => {
                let _ = e;
                return Err((at, format!("elements nest deeper than {MAX_DEPTH} levels")));
            }
            Event::Start(e) => {
                count += 1;
                stack.push(element(&e).map_err(|m| (at, m))?);
            }
            Event::Empty(e) => {
                count += 1;
                let el = element(&e).map_err(|m| (at, m))?;
                if let Some(top) = stack.last_mut() {
                    top.children.push(el);
                }
            }
            Event::End(_) => {
                let done = stack
                    .pop()
                    .ok_or((at, "an end tag closes nothing".into()))?;
                match stack.last_mut() {
                    Some(top) => top.children.push(done),
                    None => return Err((at, "an end tag closes nothing".into())),
                }
            }
            Event::Text(t) => {
                let s = t.unescape().map_err(|e| (at, e.to_string()))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::CData(c) => {
                let s = String::from_utf8(c.into_inner().into_owned())
                    .map_err(|_| (at, "CDATA is not UTF-8".to_string()))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if count > MAX_ELEMENTS {
            return Err((at, "the file has too many elements".into()));
        }
    }
    if stack.len() != 1 {
        return Err((text.len(), "the file ends inside an element".into()));
    }
    Ok(stack.pop().unwrap_or_default())
}

fn element(e: &quick_xml::events::BytesStart<'_>) -> Result<Element, String> {
    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let k = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let v = a.unescape_value().map_err(|e| e.to_string())?.into_owned();
        attrs.push((k, v));
    }
    Ok(Element {
        name,
        attrs,
        ..Element::default()
    })
}

/// Line and column (1-based) of a byte offset.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = &text[..at];
    (
        before.matches('\n').count() + 1,
        before.rfind('\n').map_or(at, |n| at - n - 1) + 1,
    )
}

// ------------------------------------------------------------------ import

/// A text in one of Moodle's formats, as docket shows it.
fn shown(text: &str, format: Option<&str>) -> String {
    match format {
        Some("plain_text") | Some("markdown") => text.trim().to_string(),
        // html and moodle_auto_format are HTML.
        _ => html::to_text(text),
    }
}

/// A `<questiontext>`-like child as text.
fn rich(q: &Element, name: &str) -> Option<String> {
    let c = q.child(name)?;
    let t = shown(&c.child("text")?.text, c.attr("format"));
    (!t.is_empty()).then_some(t)
}

/// An answer's credit in percent (`fraction="100"`).
fn fraction(a: &Element) -> f64 {
    a.attr("fraction")
        .and_then(|f| f.trim().parse::<f64>().ok())
        .filter(|f| f.is_finite())
        .unwrap_or(0.0)
}

fn answer_text(a: &Element) -> String {
    let t = a.child("text").map_or("", |t| t.text.as_str());
    shown(t, a.attr("format"))
}

fn answer_feedback(a: &Element) -> Option<String> {
    let f = a.child("feedback")?;
    let t = shown(&f.child("text")?.text, f.attr("format"));
    (!t.is_empty()).then_some(t)
}

/// Reads a Moodle XML file.
pub fn import(name: &str, bytes: &[u8]) -> Result<Imported, ImportError> {
    let text = utf8(bytes)?;
    let root = parse_tree(text).map_err(|(at, msg)| {
        let (l, c) = line_col(text, at);
        ImportError::invalid(format!(
            "not well-formed XML at line {l}, column {c}: {msg}"
        ))
    })?;
    let Some(quiz) = root.child("quiz") else {
        return Err(ImportError::invalid(
            "not a Moodle XML question file: its root element is not <quiz>",
        ));
    };
    let stem = stem(name);
    let mut deck = DeckBuilder::new(&stem, &stem, "");
    let mut title: Option<String> = None;
    let mut category: Option<String> = None;
    let mut kinds_left_out: Vec<String> = Vec::new();
    for (n, q) in quiz.all("question").enumerate() {
        let kind = q.attr("type").unwrap_or("").to_string();
        let item = match q.text_of("name").map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => format!("question {} (`{id}`)", n + 1),
            None => format!("question {}", n + 1),
        };
        if kind == "category" {
            let path = q.text_of("category").unwrap_or("").trim();
            let path = path
                .trim_start_matches("$course$/")
                .trim_start_matches("$system$/")
                .trim_start_matches("$module$/")
                .trim_start_matches("top/")
                .trim_start_matches("top");
            let c = path
                .replace("//", "\u{0}")
                .replace('/', " / ")
                .replace('\u{0}', "/");
            if c.trim().is_empty() {
                continue;
            }
            if title.is_none() {
                deck.set_title(&c);
                title = Some(c.clone());
            }
            category = Some(c);
            continue;
        }
        let mut notes: Vec<String> = Vec::new();
        let card = question(q, &kind, &mut notes);
        for why in notes {
            if card.is_some() {
                deck.note(item.clone(), why);
            } else {
                deck.skip(item.clone(), why);
            }
        }
        match card {
            Some(mut c) => {
                if let Some(cat) = &category
                    && Some(cat) != title.as_ref()
                {
                    c.topics.push(cat.clone());
                }
                deck.add(&item, c);
            }
            None => kinds_left_out.push(kind),
        }
    }
    if deck.is_empty() {
        kinds_left_out.sort();
        kinds_left_out.dedup();
        return Err(ImportError::invalid(if kinds_left_out.is_empty() {
            "the file holds no question".to_string()
        } else {
            format!(
                "no question could be converted (kinds found: {}); see the reasons with a file that also holds convertible questions",
                kinds_left_out.join(", ")
            )
        }));
    }
    Ok(deck.finish(PathBuf::from(format!("{stem}.toml"))))
}

/// One `<question>`; what is not carried is pushed to `notes`.
fn question(q: &Element, kind: &str, notes: &mut Vec<String>) -> Option<RawCard> {
    let id = q
        .text_of("name")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let prompt = rich(q, "questiontext").unwrap_or_default();
    let mut explanation: Vec<String> = rich(q, "generalfeedback").into_iter().collect();
    let topics: Vec<String> = q
        .child("tags")
        .map(|t| {
            t.all("tag")
                .filter_map(|g| g.child("text"))
                .map(|t| t.text.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default();
    // What no docket card holds, for every type.
    for f in [
        "correctfeedback",
        "partiallycorrectfeedback",
        "incorrectfeedback",
    ] {
        if let Some(t) = rich(q, f) {
            notes.push(format!("its {f} “{t}” is not carried"));
        }
    }
    for h in q.all("hint") {
        if let Some(t) = h.child("text").map(|t| shown(&t.text, h.attr("format")))
            && !t.is_empty()
        {
            notes.push(format!("its hint “{t}” is not carried"));
        }
    }
    let files = |e: &Element, notes: &mut Vec<String>| {
        for f in e.all("file") {
            notes.push(format!(
                "the embedded file `{}` is not carried (docket imports no media)",
                f.attr("name").unwrap_or("?")
            ));
        }
    };
    if let Some(qt) = q.child("questiontext") {
        files(qt, notes);
    }
    let feedback = |answer: &str, a: &Element, out: &mut Vec<String>| {
        if let Some(f) = answer_feedback(a) {
            out.push(format!("Feedback on “{answer}”: {f}"));
        }
    };
    let answers: Vec<&Element> = q.all("answer").collect();
    let answer = match kind {
        "multichoice" => {
            let single = q
                .child("single")
                .is_none_or(|s| matches!(s.text.trim(), "true" | "1"));
            let mut options = Vec::new();
            let mut correct = Vec::new();
            let mut weights = Vec::new();
            for a in &answers {
                let t = answer_text(a);
                let f = fraction(a);
                let right = if single { f >= 100.0 - 1e-6 } else { f > 0.0 };
                if single && !right && f > 0.0 {
                    notes.push(format!(
                        "the partly right option “{t}” ({f}%) counts as wrong: docket marks an answer right or wrong"
                    ));
                }
                if !single && f > 0.0 {
                    weights.push(f);
                }
                if right {
                    correct.push(options.len());
                }
                feedback(&t, a, &mut explanation);
                options.push(t);
            }
            if weights.windows(2).any(|w| (w[0] - w[1]).abs() > 1e-6) {
                notes.push(format!(
                    "the options' unequal weights ({}) are not carried: each right option counts the same",
                    weights
                        .iter()
                        .map(|w| format!("{w}%"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            Answer::Choice { options, correct }
        }
        "truefalse" => {
            let mut truth = None;
            for a in &answers {
                let t = answer_text(a).to_ascii_lowercase();
                let is_true = matches!(t.as_str(), "true" | "1" | "yes");
                if fraction(a) >= 100.0 - 1e-6 {
                    truth = Some(is_true);
                }
                feedback(if is_true { "true" } else { "false" }, a, &mut explanation);
            }
            match truth {
                Some(t) => Answer::TrueFalse(t),
                None => {
                    notes.push("no answer of this true/false question has full credit".into());
                    return None;
                }
            }
        }
        "shortanswer" => {
            if q.child("usecase").is_some_and(|u| u.text.trim() == "1") {
                notes.push("it is case sensitive in Moodle; docket's grading ignores case".into());
            }
            let mut accepted = Vec::new();
            for a in &answers {
                // Short answers are matched as typed: no markup conversion.
                let t = a
                    .child("text")
                    .map_or(String::new(), |t| t.text.trim().to_string());
                let f = fraction(a);
                if t.is_empty() {
                    continue;
                }
                // `*` is Moodle's wildcard; `\*` a literal star.
                if t.replace("\\*", "").contains('*') {
                    notes.push(format!(
                        "the answer `{t}` uses Moodle's `*` wildcard, which docket compares literally"
                    ));
                }
                let t = t.replace("\\*", "*");
                if f >= 100.0 - 1e-6 {
                    feedback(&t, a, &mut explanation);
                    accepted.push(t);
                } else {
                    notes.push(format!(
                        "the partly right answer “{t}” ({f}%) is not carried: docket marks an answer right or wrong"
                    ));
                }
            }
            if accepted.is_empty() {
                notes.push("no fully right answer".into());
                return None;
            }
            let answer = accepted.remove(0);
            Answer::Basic {
                answer,
                accept: accepted,
            }
        }
        "numerical" => numerical(q, &answers, notes, &mut explanation)?,
        "multianswer" => {
            // The gaps are read from the raw HTML, converted to text once.
            let (text, gaps_notes) = multianswer(q.text_of("questiontext").unwrap_or(""));
            notes.extend(gaps_notes);
            let text = text?;
            return Some(RawCard {
                id,
                prompt: text,
                answer: Answer::Cloze(Vec::new()),
                explanation: (!explanation.is_empty()).then(|| explanation.join("\n\n")),
                topics,
                html: false,
            });
        }
        "ordering" => {
            let mut items: Vec<(f64, String)> = answers
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    // The plugin stores each item's position as its fraction.
                    let pos = a
                        .attr("fraction")
                        .and_then(|f| f.trim().parse::<f64>().ok())
                        .unwrap_or(i as f64);
                    (pos, answer_text(a))
                })
                .collect();
            items.sort_by(|a, b| a.0.total_cmp(&b.0));
            Answer::Order(items.into_iter().map(|(_, t)| t).collect())
        }
        other => {
            let what = match other {
                "essay" => "an essay question has no answer to check",
                "description" => "a description is not a question",
                "matching" => "a matching question has no docket card kind yet",
                "" => "the question has no type",
                _ => "this question type has no docket card kind",
            };
            notes.push(format!("left out ({other}): {what}"));
            return None;
        }
    };
    Some(RawCard {
        id,
        prompt,
        answer,
        explanation: (!explanation.is_empty()).then(|| explanation.join("\n\n")),
        topics,
        html: false,
    })
}

/// A numerical question: full-credit answers with their tolerances (several
/// become one range when they overlap, else the first is kept and the
/// others named), the unit with multiplier 1.
fn numerical(
    q: &Element,
    answers: &[&Element],
    notes: &mut Vec<String>,
    explanation: &mut Vec<String>,
) -> Option<Answer> {
    let mut unit = None;
    if let Some(units) = q.child("units") {
        for u in units.all("unit") {
            let name = u.child("unit_name").map_or("", |n| n.text.trim());
            let mult = u
                .child("multiplier")
                .and_then(|m| m.text.trim().parse::<f64>().ok())
                .unwrap_or(1.0);
            if name.is_empty() {
                continue;
            }
            if (mult - 1.0).abs() < 1e-12 && unit.is_none() {
                unit = Some(name.to_string());
            } else {
                notes.push(format!(
                    "the unit `{name}` (×{mult}) is not carried: a docket number card has one unit"
                ));
            }
        }
    }
    let mut full: Vec<(NumberAnswer, String)> = Vec::new();
    for a in answers {
        let t = a.child("text").map_or("", |t| t.text.trim()).to_string();
        let f = fraction(a);
        if t == "*" {
            if let Some(fb) = answer_feedback(a) {
                explanation.push(format!("Feedback on any other answer: {fb}"));
            }
            continue;
        }
        let Some(v) = t.parse::<f64>().ok().filter(|v| v.is_finite()) else {
            notes.push(format!("the answer `{t}` is not a number; left out"));
            continue;
        };
        let tol = a
            .child("tolerance")
            .and_then(|t| t.text.trim().parse::<f64>().ok())
            .filter(|t| t.is_finite() && *t >= 0.0)
            .unwrap_or(0.0);
        if f >= 100.0 - 1e-6 {
            if let Some(fb) = answer_feedback(a) {
                explanation.push(format!("Feedback on “{t}”: {fb}"));
            }
            let n = if tol == 0.0 {
                NumberAnswer::with_tolerance(v, Tolerance::Exact, unit.clone())
            } else {
                NumberAnswer::with_tolerance(v, Tolerance::Absolute(tol), unit.clone())
            };
            full.push((n, t));
        } else {
            notes.push(format!(
                "the partly right number `{t}` ({f}%) is not carried: docket marks an answer right or wrong"
            ));
        }
    }
    if full.is_empty() {
        notes.push("no fully right number".into());
        return None;
    }
    if full.len() > 1 {
        let mut sorted: Vec<&NumberAnswer> = full.iter().map(|f| &f.0).collect();
        sorted.sort_by(|a, b| a.low.total_cmp(&b.low));
        if sorted.windows(2).all(|w| w[1].low <= w[0].high) {
            let high = sorted.iter().map(|n| n.high).fold(f64::MIN, f64::max);
            return Some(Answer::Number(NumberAnswer::with_range(
                full[0].0.value,
                sorted[0].low,
                high,
                unit,
            )));
        }
        for (_, t) in &full[1..] {
            notes.push(format!(
                "the right number `{t}` is not carried: a docket number card has one value or range (kept `{}`)",
                full[0].1
            ));
        }
    }
    full.into_iter().next().map(|(n, _)| Answer::Number(n))
}

/// A cloze (multianswer) text: `{1:SHORTANSWER:=a~%50%b#fb}` and the
/// like become `{{cN::…}}` gaps with their full-credit answers. Returns the
/// docket prompt (or `None` when a gap cannot be asked) and the notes.
fn multianswer(text: &str) -> (Option<String>, Vec<String>) {
    let mut notes = Vec::new();
    let mut out = String::new();
    let mut rest = text;
    let mut n = 0u32;
    while let Some(start) = find_subquestion(rest) {
        out.push_str(&rest[..start]);
        let tail = &rest[start + 1..];
        let Some(end) = tail.find('}') else {
            notes.push("an embedded answer is never closed with `}`".into());
            return (None, notes);
        };
        let inner = &tail[..end];
        rest = &tail[end + 1..];
        n += 1;
        // {weight:TYPE:answers}
        let mut parts = inner.splitn(3, ':');
        let (_, kind, body) = (
            parts.next(),
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
        );
        let kind_u = kind.to_ascii_uppercase();
        if !matches!(
            kind_u.as_str(),
            "SHORTANSWER" | "SA" | "MW" | "SHORTANSWER_C" | "SAC" | "MWC" | "NUMERICAL" | "NM"
        ) {
            notes.push(format!(
                "gap {n} is a {kind} choice in Moodle; docket asks it as a typed gap"
            ));
        }
        let mut accepted = Vec::new();
        for alt in body.split('~') {
            let alt = alt.trim();
            let (w, a) = if let Some(a) = alt.strip_prefix('=') {
                (100.0, a)
            } else if let Some(r) = alt.strip_prefix('%') {
                match r.split_once('%') {
                    Some((w, a)) => (w.trim().parse().unwrap_or(0.0), a),
                    None => (0.0, alt),
                }
            } else {
                (0.0, alt)
            };
            let (a, fb) = match a.split_once('#') {
                Some((a, f)) => (a.trim(), Some(f.trim())),
                None => (a.trim(), None),
            };
            let a = a
                .replace("\\}", "}")
                .replace("\\~", "~")
                .replace("\\#", "#");
            if a.is_empty() || a == "*" {
                continue;
            }
            if w >= 100.0 {
                accepted.push(a.clone());
            } else if w > 0.0 {
                notes.push(format!(
                    "gap {n}: the partly right answer “{a}” ({w}%) is not carried"
                ));
            }
            if let Some(f) = fb.filter(|f| !f.is_empty()) {
                notes.push(format!(
                    "gap {n}: the feedback “{f}” on “{a}” is not carried"
                ));
            }
        }
        if accepted.is_empty()
            || accepted
                .iter()
                .any(|a| a.contains(['|', '{', '}']) || a.contains("::"))
        {
            notes.push(format!(
                "gap {n} has no fully right answer docket can hold; the question is left out"
            ));
            return (None, notes);
        }
        let _ = write!(out, "{{{{c{n}::{}}}}}", accepted.join("|"));
    }
    out.push_str(rest);
    if n == 0 {
        notes.push("the cloze question has no embedded answers".into());
        return (None, notes);
    }
    let text = html::to_text(&out);
    if let Err(e) = cloze::parse_gaps(&text) {
        notes.push(format!("its gaps cannot be read: {}", e.message));
        return (None, notes);
    }
    (Some(text), notes)
}

/// Where the next `{N:TYPE:` (or `{:TYPE:`) starts.
fn find_subquestion(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find('{').map(|i| from + i) {
        let t = &s[i + 1..];
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        let after = &t[digits..];
        if let Some(r) = after.strip_prefix(':')
            && r.bytes().take_while(u8::is_ascii_alphabetic).count() > 0
            && r.trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '_')
                .starts_with(':')
        {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

// ------------------------------------------------------------------ export

fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

/// Text as Moodle's HTML: escaped, line breaks as `<br>`.
fn html_text(s: &str) -> String {
    esc(&esc(s).replace('\n', "<br>"))
}

fn text_el(out: &mut String, indent: &str, tag: &str, format: &str, body: &str) {
    let _ = writeln!(
        out,
        "{indent}<{tag} format=\"{format}\">\n{indent}  <text>{body}</text>\n{indent}</{tag}>"
    );
}

fn num(v: f64) -> String {
    format!("{v}")
}

/// Writes a deck as Moodle XML, listing what Moodle cannot carry.
pub fn export(deck: &Deck) -> (Vec<u8>, Vec<Skipped>) {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    let mut skipped = Vec::new();
    let mut lossy = |id: &str, why: String| {
        skipped.push(Skipped {
            item: format!("card `{id}`"),
            reason: why,
        })
    };
    let _ = writeln!(
        out,
        "  <question type=\"category\">\n    <category>\n      <text>$course$/top/{}</text>\n    </category>\n  </question>",
        esc(&deck
            .meta
            .title
            .replace(['\n', '\r'], " ")
            .replace('/', "//"))
    );
    for card in &deck.cards {
        let mut q = String::new();
        let mut prompt = card.prompt.clone();
        let kind = match &card.answer {
            Answer::Basic { .. } | Answer::Date(_) => "shortanswer",
            Answer::Choice { .. } => "multichoice",
            Answer::TrueFalse(_) => "truefalse",
            Answer::Number(_) => "numerical",
            Answer::Cloze(_) => "multianswer",
            Answer::Order(_) => "ordering",
        };
        let _ = writeln!(
            q,
            "    <name>\n      <text>{}</text>\n    </name>",
            esc(&card.id)
        );
        let body = match &card.answer {
            Answer::Cloze(gaps) => {
                // {{c1::a|b::hint}} → {1:SHORTANSWER:=a~=b}
                let mut text = String::new();
                let mut rest = card.prompt.as_str();
                let mut k = 0;
                while let Some(s) = rest.find("{{") {
                    let Some(e) = rest[s..].find("}}") else { break };
                    text.push_str(&esc(&rest[..s]).replace('\n', "<br>"));
                    let Some(gap) = gaps.get(k) else { break };
                    k += 1;
                    let alts: Vec<String> = gap
                        .answers
                        .iter()
                        .map(|a| {
                            format!(
                                "={}",
                                esc(a)
                                    .replace('}', "\\}")
                                    .replace('~', "\\~")
                                    .replace('#', "\\#")
                            )
                        })
                        .collect();
                    text.push_str(&format!("{{1:SHORTANSWER:{}}}", alts.join("~")));
                    if gap.hint.is_some() {
                        lossy(
                            &card.id,
                            "Moodle's embedded answers have no hints; the hint is left out".into(),
                        );
                    }
                    rest = &rest[s + e + 2..];
                }
                text.push_str(&esc(rest).replace('\n', "<br>"));
                if gaps
                    .iter()
                    .map(|g| g.number)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len()
                    != gaps.len()
                {
                    lossy(
                        &card.id,
                        "gaps sharing a number become separate Moodle gaps".into(),
                    );
                }
                prompt.clear();
                text_el(&mut q, "    ", "questiontext", "html", &esc(&text));
                String::new()
            }
            other => answer_xml(&card.id, other, &mut lossy),
        };
        if !prompt.is_empty() {
            text_el(&mut q, "    ", "questiontext", "html", &html_text(&prompt));
        }
        text_el(
            &mut q,
            "    ",
            "generalfeedback",
            "html",
            &card
                .explanation
                .as_deref()
                .map(html_text)
                .unwrap_or_default(),
        );
        q.push_str("    <defaultgrade>1</defaultgrade>\n    <penalty>0.3333333</penalty>\n    <hidden>0</hidden>\n");
        q.push_str(&body);
        if !card.topics.is_empty() {
            q.push_str("    <tags>\n");
            for t in &card.topics {
                let _ = writeln!(q, "      <tag><text>{}</text></tag>", esc(t));
            }
            q.push_str("    </tags>\n");
        }
        let _ = write!(out, "  <question type=\"{kind}\">\n{q}  </question>\n");
    }
    out.push_str("</quiz>\n");
    (out.into_bytes(), skipped)
}

fn answer_el(out: &mut String, fraction: &str, format: &str, text: &str, extra: &str) {
    let _ = writeln!(
        out,
        "    <answer fraction=\"{fraction}\" format=\"{format}\">\n      <text>{text}</text>\n{extra}      <feedback format=\"html\">\n        <text></text>\n      </feedback>\n    </answer>"
    );
}

fn answer_xml(id: &str, answer: &Answer, lossy: &mut impl FnMut(&str, String)) -> String {
    let mut b = String::new();
    match answer {
        Answer::Basic { answer, accept } => {
            b.push_str("    <usecase>0</usecase>\n");
            for a in std::iter::once(answer).chain(accept) {
                // A literal `*` (Moodle's wildcard) is written `\*`.
                answer_el(
                    &mut b,
                    "100",
                    "moodle_auto_format",
                    &esc(&a.replace('*', "\\*")),
                    "",
                );
            }
        }
        Answer::Date(d) => {
            lossy(
                id,
                "Moodle has no dates; written as a short answer with the common spellings".into(),
            );
            b.push_str("    <usecase>0</usecase>\n");
            let mut forms = vec![d.to_string()];
            if let (Some(m), Some(day)) = (d.month, d.day) {
                forms.push(format!("{:04}-{m:02}-{day:02}", d.year));
            } else if let Some(m) = d.month {
                forms.push(format!("{:04}-{m:02}", d.year));
            }
            for f in forms {
                answer_el(&mut b, "100", "moodle_auto_format", &esc(&f), "");
            }
        }
        Answer::Choice { options, correct } => {
            let single = correct.len() == 1;
            let _ = writeln!(
                b,
                "    <single>{single}</single>\n    <shuffleanswers>true</shuffleanswers>\n    <answernumbering>abc</answernumbering>"
            );
            let right = format!("{:.7}", 100.0 / correct.len() as f64);
            let right = right.trim_end_matches('0').trim_end_matches('.');
            for (i, o) in options.iter().enumerate() {
                let f = if correct.contains(&i) { right } else { "0" };
                answer_el(&mut b, f, "html", &html_text(o), "");
            }
        }
        Answer::TrueFalse(t) => {
            answer_el(
                &mut b,
                if *t { "100" } else { "0" },
                "moodle_auto_format",
                "true",
                "",
            );
            answer_el(
                &mut b,
                if *t { "0" } else { "100" },
                "moodle_auto_format",
                "false",
                "",
            );
        }
        Answer::Number(n) => {
            let (value, tol) = match n.value {
                Some(v)
                    if (v - n.low - (n.high - v)).abs()
                        <= f64::EPSILON * v.abs().max(1.0) * 4.0 =>
                {
                    (v, n.high - v)
                }
                Some(v) => {
                    lossy(
                        id,
                        format!(
                            "Moodle's tolerance is symmetric: written as {}..{} around the middle, without the preferred value {v}",
                            num(n.low),
                            num(n.high)
                        ),
                    );
                    ((n.low + n.high) / 2.0, (n.high - n.low) / 2.0)
                }
                None => ((n.low + n.high) / 2.0, (n.high - n.low) / 2.0),
            };
            answer_el(
                &mut b,
                "100",
                "moodle_auto_format",
                &num(value),
                &format!("      <tolerance>{}</tolerance>\n", num(tol)),
            );
            if let Some(u) = &n.unit {
                let _ = writeln!(
                    b,
                    "    <units>\n      <unit>\n        <multiplier>1</multiplier>\n        <unit_name>{}</unit_name>\n      </unit>\n    </units>\n    <unitgradingtype>0</unitgradingtype>\n    <unitpenalty>0.1000000</unitpenalty>\n    <showunits>0</showunits>\n    <unitsleft>0</unitsleft>",
                    esc(u)
                );
            }
        }
        Answer::Order(items) => {
            b.push_str("    <layouttype>VERTICAL</layouttype>\n    <selecttype>ALL</selecttype>\n    <selectcount>0</selectcount>\n    <gradingtype>ABSOLUTE_POSITION</gradingtype>\n    <showgrading>SHOW</showgrading>\n    <numberingstyle>none</numberingstyle>\n");
            lossy(
                id,
                "order cards need Moodle's ordering question type (standard since Moodle 4.4, a plugin before)".into(),
            );
            for (i, it) in items.iter().enumerate() {
                answer_el(&mut b, &format!("{}", i + 1), "html", &html_text(it), "");
            }
        }
        Answer::Cloze(_) => {}
    }
    b
}
