//! TOML text → [`Deck`], reporting every problem rather than the first.
//!
//! The text is parsed with `toml`'s recoverable, span-keeping parser into a
//! tree of spanned values, and that tree is walked by hand: serde's derive
//! would stop at the first unknown key or wrong type, and a deck author
//! wants to see them all at once, each at its exact place.

use std::ops::Range;
use std::path::Path;

use std::collections::HashMap;

use rayon::prelude::*;
use toml::Spanned;
use toml::de::DeTable;
use toml::de::DeValue;

use super::cloze;
use super::date::PartialDate;
use super::date::parse_date;
use super::layout;
use super::layout::MAX_NESTING;
use super::layout::Section;
use super::model::Answer;
use super::model::Card;
use super::model::CardKind;
use super::model::CardSpans;
use super::model::DEFAULT_DESIRED_RETENTION;
use super::model::Deck;
use super::model::DeckMeta;
use super::model::Evidence;
use super::model::Source;
use super::number::NumberAnswer;
use super::number::Tolerance;
use super::number::parse_number;
use super::number::parse_tolerance;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::suggest;

/// The longest a quote may be, in words.
pub const MAX_QUOTE_WORDS: usize = 25;

const DECK_KEYS: &[&str] = &[
    "id",
    "title",
    "description",
    "language",
    "desired_retention",
    "authors",
];
const SOURCE_KEYS: &[&str] = &["file", "title", "publisher", "date", "url", "sha256"];
const COMMON_CARD_KEYS: &[&str] = &[
    "id",
    "kind",
    "prompt",
    "explanation",
    "topics",
    "evidence",
    "differs",
    "allow",
    "sole_source",
];
const EVIDENCE_KEYS: &[&str] = &["source", "quote"];

fn kind_keys(kind: CardKind) -> &'static [&'static str] {
    match kind {
        CardKind::Basic => &["answer", "accept"],
        CardKind::Choice => &["options", "answer"],
        CardKind::TrueFalse => &["answer"],
        CardKind::Number => &["answer", "unit", "tolerance", "range"],
        CardKind::Date => &["answer"],
        CardKind::Cloze => &[],
        CardKind::Order => &["items"],
    }
}

type Table<'i> = DeTable<'i>;
type Value<'i> = Spanned<DeValue<'i>>;

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Walks the TOML tree, collecting diagnostics.
struct Lowering<'a> {
    diagnostics: &'a mut Vec<Diagnostic>,
    /// The text the spans point into, to locate problems inside a value.
    text: &'a str,
    /// Keys that the table being lowered has misspelt (so "missing" is redundant).
    misspelt: Vec<String>,
}

impl Lowering<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    fn get<'t, 'i>(&self, table: &'t Table<'i>, key: &str) -> Option<&'t Value<'i>> {
        table.get(key)
    }

    fn unknown_keys(&mut self, table: &Table<'_>, allowed: &[&str], what: &str) {
        for (key, _) in table.iter() {
            let name: &str = key.get_ref();
            if allowed.contains(&name) {
                continue;
            }
            let mut d = Diagnostic::error(
                "unknown-key",
                format!("unknown key `{name}` in {what}"),
                key.span(),
            )
            .with_label("not a known key");
            d = match suggest(name, allowed.iter().copied()) {
                Some(s) => {
                    self.misspelt.push(s.to_string());
                    d.with_help(format!("did you mean `{s}`?"))
                }
                None => d.with_help(format!("the keys of {what} are: {}", allowed.join(", "))),
            };
            self.push(d);
        }
    }

    fn missing(&mut self, key: &str, what: &str, at: Range<usize>, hint: &str) {
        if self.misspelt.iter().any(|k| k == key) {
            // The unknown-key error for the misspelling already says this.
            return;
        }
        self.push(
            Diagnostic::error("missing-key", format!("{what} has no `{key}`"), at)
                .with_label(format!("`{key}` is required here"))
                .with_help(hint.to_string()),
        );
    }

    fn wrong_type(&mut self, key: &str, expected: &str, found: &Value<'_>) {
        self.push(
            Diagnostic::error(
                "wrong-type",
                format!(
                    "`{key}` must be {expected}, not {}",
                    type_name(found.get_ref())
                ),
                found.span(),
            )
            .with_label(format!("expected {expected}")),
        );
    }

    /// Checks text for emptiness and control characters; returns it if usable.
    fn text(&mut self, key: &str, value: &Value<'_>, allow_empty: bool) -> Option<String> {
        let DeValue::String(s) = value.get_ref() else {
            self.wrong_type(key, "a string", value);
            return None;
        };
        // A file saved with Windows line ends keeps "\r\n" inside multi-line
        // strings; that is a line end, not a control character. (`memchr`
        // first: a substring search costs more to set up than most texts
        // take to scan.)
        let s = if memchr::memchr(b'\r', s.as_bytes()).is_some() && s.contains("\r\n") {
            std::borrow::Cow::Owned(s.replace("\r\n", "\n"))
        } else {
            std::borrow::Cow::Borrowed(s.as_ref())
        };
        if let Some(bad) = first_forbidden_control(&s) {
            self.push(
                Diagnostic::error(
                    "control-character",
                    format!(
                        "`{key}` contains the control character U+{:04X}",
                        bad as u32
                    ),
                    value.span(),
                )
                .with_label("control character in this text")
                .with_help(
                    "remove it: deck text is printed to terminals, where control \
                     characters can rewrite the screen",
                ),
            );
            return None;
        }
        if !allow_empty && s.trim().is_empty() {
            self.push(
                Diagnostic::error("empty-text", format!("`{key}` is empty"), value.span())
                    .with_label("empty")
                    .with_help(format!(
                        "write the {key}, or remove the key if it is optional"
                    )),
            );
            return None;
        }
        Some(s.into_owned())
    }

    fn required_text(
        &mut self,
        table: &Table<'_>,
        key: &str,
        what: &str,
        at: &Range<usize>,
    ) -> Option<(String, Range<usize>)> {
        match self.get(table, key) {
            Some(v) => self.text(key, v, false).map(|s| (s, v.span())),
            None => {
                self.missing(key, what, at.clone(), &format!("add `{key} = \"...\"`"));
                None
            }
        }
    }

    fn optional_text(&mut self, table: &Table<'_>, key: &str) -> Option<(String, Range<usize>)> {
        let v = self.get(table, key)?;
        self.text(key, v, false).map(|s| (s, v.span()))
    }

    fn text_array(&mut self, key: &str, value: &Value<'_>) -> Option<Vec<(String, Range<usize>)>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(key, "an array of strings", value);
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for item in items.iter() {
            match self.text(key, item, false) {
                Some(s) => out.push((s, item.span())),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// Refuses a list in which an entry appears twice (an option or an
    /// order item that repeats makes the card ambiguous).
    fn no_repeats(&mut self, what: &str, list: &[(String, Range<usize>)]) -> Option<()> {
        for (i, (entry, span)) in list.iter().enumerate() {
            if let Some((_, first)) = list[..i].iter().find(|(e, _)| e == entry) {
                self.push(
                    Diagnostic::error(
                        "duplicate-entry",
                        format!("the {what} `{entry}` appears twice"),
                        span.clone(),
                    )
                    .with_label("repeated")
                    .with_related(first.clone(), "first here")
                    .with_help(format!("each {what} must differ from the others")),
                );
                return None;
            }
        }
        Some(())
    }

    fn id(&mut self, key: &str, value: &Value<'_>) -> Option<String> {
        let s = self.text(key, value, false)?;
        let valid = s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            self.push(
                Diagnostic::error("bad-id", format!("`{s}` is not a valid id"), value.span())
                    .with_label("invalid id")
                    .with_help(
                        "ids use letters, digits, `-`, `_` and `.`, at most 64 characters, \
                     e.g. `charge-harassment`",
                    ),
            );
            return None;
        }
        Some(s)
    }
}

/// Characters no deck text may contain: C0 and C1 controls other than
/// newline and tab, DEL, and the bidirectional controls that can make text
/// display differently from what it is. The same set the sanitiser strips
/// ([`crate::sanitize::is_unsafe_char`]), so the checker and the printer
/// never disagree.
pub fn is_forbidden_control(c: char) -> bool {
    crate::sanitize::is_unsafe_char(c)
}

/// The first character of `s` that [`is_forbidden_control`] refuses. ASCII
/// text (most deck text) is scanned byte by byte.
fn first_forbidden_control(s: &str) -> Option<char> {
    // Most text is printable ASCII on one line: one branch-free pass over
    // each block of bytes (which the compiler vectorises) settles that,
    // and only text with a line end, a tab or a non-ASCII character is
    // searched in detail.
    let printable = s.as_bytes().chunks(32).all(|block| {
        block
            .iter()
            .fold(true, |ok, &b| ok & (0x20..0x7f).contains(&b))
    });
    if printable {
        return None;
    }
    if s.is_ascii() {
        s.bytes()
            .find(|&b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f)
            .map(char::from)
    } else {
        s.chars().find(|&c| is_forbidden_control(c))
    }
}

/// Parses the text of a deck file. Returns the deck when it is complete
/// enough to use (even if some cards had errors, those cards are left out),
/// and every diagnostic found.
///
/// A deck with the plain layout (see [`layout::sections`]) is parsed one
/// table at a time, cards in parallel, so a 100,000-card deck never exists
/// as one TOML tree; any other layout is parsed whole. Both give the same
/// deck and diagnostics.
pub fn parse_deck(path: &Path, text: &str) -> (Option<Deck>, Vec<Diagnostic>) {
    let layout = layout::scan(text);
    if let Some(at) = layout.too_deep_at {
        let d = Diagnostic::error(
            "too-deep",
            format!("arrays or tables nest more than {MAX_NESTING} levels deep"),
            at..at + 1,
        )
        .with_label("too deep")
        .with_help("a deck needs at most three levels, as in `evidence = [{ source = \"x\" }]`");
        return (None, vec![d]);
    }
    let (deck, mut diagnostics) = match layout::sections(text, &layout) {
        Some(sections) => parse_sections(path, text, &sections),
        None => parse_whole(path, text),
    };
    drop_what_syntax_errors_explain(&mut diagnostics);
    (deck, diagnostics)
}

/// A broken document also looks incomplete, and a value the parser could
/// not read looks wrong: keep only what the syntax errors do not explain.
fn drop_what_syntax_errors_explain(diagnostics: &mut Vec<Diagnostic>) {
    let broken: Vec<Range<usize>> = diagnostics
        .iter()
        .filter(|d| d.code == "toml-syntax")
        .filter_map(|d| d.span.clone())
        .collect();
    if broken.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        d.code == "toml-syntax"
            || (!matches!(d.code, "missing-key" | "missing-deck" | "no-cards")
                && !d
                    .span
                    .as_ref()
                    .is_some_and(|s| broken.iter().any(|b| s.start <= b.end && b.start <= s.end)))
    });
}

/// Parses TOML text into a spanned tree, turning syntax errors into
/// diagnostics.
fn parse_toml<'i>(text: &'i str, diagnostics: &mut Vec<Diagnostic>) -> Spanned<Table<'i>> {
    let (root, errors) = DeTable::parse_recoverable(text);
    for e in errors {
        let span = e.span().unwrap_or(0..0);
        diagnostics.push(
            Diagnostic::error("toml-syntax", e.message().trim().to_string(), span)
                .with_label("here")
                .with_help(syntax_help(e.message())),
        );
    }
    root
}

fn parse_whole(path: &Path, text: &str) -> (Option<Deck>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let root = parse_toml(text, &mut diagnostics);
    let mut lowering = Lowering {
        diagnostics: &mut diagnostics,
        text,
        misspelt: Vec::new(),
    };
    let deck = lower_document(&mut lowering, path, root.get_ref(), text.len());
    (deck, diagnostics)
}

/// Moves spans found in a section to their place in the whole file.
fn shift(span: &mut Range<usize>, by: usize) {
    span.start += by;
    span.end += by;
}

fn shift_diagnostics(diagnostics: &mut [Diagnostic], by: usize) {
    for d in diagnostics {
        if let Some(s) = &mut d.span {
            shift(s, by);
        }
        for r in &mut d.related {
            shift(&mut r.span, by);
        }
    }
}

/// Parses one section on its own; `lower` turns its tree into a value.
fn parse_section<T>(
    text: &str,
    range: &Range<usize>,
    lower: impl FnOnce(&mut Lowering<'_>, &Table<'_>) -> Option<T>,
) -> (Option<T>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let root = parse_toml(&text[range.clone()], &mut diagnostics);
    let mut l = Lowering {
        diagnostics: &mut diagnostics,
        text: &text[range.clone()],
        misspelt: Vec::new(),
    };
    let value = lower(&mut l, root.get_ref());
    shift_diagnostics(&mut diagnostics, range.start);
    (value, diagnostics)
}

fn parse_sections(
    path: &Path,
    text: &str,
    sections: &[Section<'_>],
) -> (Option<Deck>, Vec<Diagnostic>) {
    let mut all = Vec::new();
    // One chunk holding every card: the cards move out of it whole.
    let (deck, _, diagnostics) = parse_sections_in_chunks(
        path,
        text,
        sections,
        usize::MAX,
        &mut |deck: &mut Deck, _: &str| {
            all = std::mem::take(&mut deck.cards);
        },
    );
    let deck = deck.map(|mut d| {
        d.cards = all;
        d
    });
    (deck, diagnostics)
}

/// What [`parse_deck_in_chunks`] hands a deck over to. A closure
/// `FnMut(&mut Deck, &str)` is one that only visits.
pub trait ChunkVisitor: Send {
    /// Called once, before the first [`visit`](ChunkVisitor::visit) (and
    /// only when there will be one), with the deck's `[deck]` and sources
    /// but no cards. It may run on another thread while the first chunk's
    /// cards are parsed, so work that needs no cards (reading and indexing
    /// the sources) is done alongside the parse rather than after it.
    fn prepare(&mut self, _deck: &Deck) {}

    /// Called with each chunk: the deck (its `[deck]` and sources, and the
    /// chunk's cards in file order, each id seen for the first time) and
    /// the file's text.
    fn visit(&mut self, deck: &mut Deck, text: &str);
}

impl<F: FnMut(&mut Deck, &str) + Send> ChunkVisitor for F {
    fn visit(&mut self, deck: &mut Deck, text: &str) {
        self(deck, text);
    }
}

/// Parses a deck like [`parse_deck`], with the same diagnostics in the same
/// order, but hands its cards to `visit` in chunks of at most `chunk` cards
/// rather than keeping them all: checking a 100,000-card deck then never
/// holds more than a chunk of parsed cards. The cards `visit` leaves in
/// the deck are dropped after it returns.
///
/// `visit` is called only when the `[deck]` table is usable, at least once
/// (with no cards when there are none), and in file order; its `prepare`
/// once before that. A later card may still turn out to be broken TOML
/// (the deck is then unusable, as with [`parse_deck`]): the caller decides
/// from the returned deck whether what it saw counts. Returns the deck without its cards, the number of
/// cards handed over, and the diagnostics.
pub fn parse_deck_in_chunks(
    path: &Path,
    text: &str,
    chunk: usize,
    visit: &mut dyn ChunkVisitor,
) -> (Option<Deck>, usize, Vec<Diagnostic>) {
    let layout = layout::scan(text);
    let sections = match layout.too_deep_at {
        None => layout::sections(text, &layout),
        Some(_) => None,
    };
    let Some(sections) = sections else {
        // Parsed whole: then the cards are handed over in one chunk.
        let (mut deck, diagnostics) = parse_deck(path, text);
        let mut count = 0;
        if let Some(deck) = &mut deck {
            count = deck.cards.len();
            visit.prepare(deck);
            visit.visit(deck, text);
            deck.cards = Vec::new();
        }
        return (deck, count, diagnostics);
    };
    let (deck, count, mut diagnostics) =
        parse_sections_in_chunks(path, text, &sections, chunk, visit);
    drop_what_syntax_errors_explain(&mut diagnostics);
    (deck, count, diagnostics)
}

/// Up to this many cards are parsed on the calling thread.
const SERIAL_CARDS: usize = 16;

fn parse_sections_in_chunks(
    path: &Path,
    text: &str,
    sections: &[Section<'_>],
    chunk: usize,
    visit: &mut dyn ChunkVisitor,
) -> (Option<Deck>, usize, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut meta = None;
    let mut saw_deck = false;
    let mut sources = Vec::new();
    let mut card_ranges = Vec::new();
    for section in sections {
        match section {
            Section::Deck(range) => {
                saw_deck = true;
                let (m, d) = parse_section(text, range, |l, root| {
                    let v = root.get("deck")?;
                    match v.get_ref() {
                        DeValue::Table(t) => lower_meta(l, t, v.span()),
                        _ => None,
                    }
                });
                meta = m;
                diagnostics.extend(d);
            }
            Section::Source(_, range) => {
                let (found, d) = parse_section(text, range, |l, root| {
                    match root.get("sources").map(|v| v.get_ref()) {
                        Some(DeValue::Table(t)) => Some(lower_sources(l, t)),
                        _ => None,
                    }
                });
                for mut source in found.unwrap_or_default() {
                    shift(&mut source.file_span, range.start);
                    if let Some(s) = &mut source.sha256_span {
                        shift(s, range.start);
                    }
                    sources.push(source);
                }
                diagnostics.extend(d);
            }
            Section::Card(range) => card_ranges.push(range.clone()),
        }
    }
    let source_ids: Vec<String> = sources.iter().map(|s| s.id.clone()).collect();
    let source_ids: Vec<&str> = source_ids.iter().map(String::as_str).collect();
    let mut l = Lowering {
        diagnostics: &mut diagnostics,
        text,
        misspelt: Vec::new(),
    };
    if !saw_deck {
        l.push(missing_deck());
    }
    if card_ranges.is_empty() {
        l.push(no_cards(text.len()));
    }
    let mut deck = meta.map(|meta| Deck {
        path: path.to_path_buf(),
        meta,
        sources,
        cards: Vec::new(),
    });
    // Sized for every card at once, rather than rehashing every id as it grows.
    let mut seen = HashMap::with_capacity(card_ranges.len());
    let mut count = 0;
    let chunks: Vec<&[Range<usize>]> = if card_ranges.is_empty() {
        vec![&[]]
    } else {
        card_ranges.chunks(chunk.max(1)).collect()
    };
    let parse_card = |range: &Range<usize>| {
        let (card, d) = parse_section(text, range, |l, root| {
            let v = root.get("card")?;
            let DeValue::Array(items) = v.get_ref() else {
                return None;
            };
            let item = items.first()?;
            let DeValue::Table(t) = item.get_ref() else {
                return None;
            };
            lower_card(l, t, item.span(), &source_ids)
        });
        (card.map(|c| shift_card(c, range.start)), d)
    };
    for (i, ranges) in chunks.into_iter().enumerate() {
        // A few cards (a cold start reads one from the store) are parsed
        // on this thread: starting rayon's pool costs more than they do.
        let serial = ranges.len() <= SERIAL_CARDS;
        let parse_chunk = || -> Vec<(Option<Card>, Vec<Diagnostic>)> {
            if serial {
                ranges.iter().map(parse_card).collect()
            } else {
                ranges.par_iter().map(parse_card).collect()
            }
        };
        let parsed = match &deck {
            // The visitor prepares (reads the sources) while the first
            // chunk is parsed, when that is done in parallel anyway.
            Some(deck) if i == 0 && !serial => {
                let ((), parsed) = rayon::join(|| visit.prepare(deck), parse_chunk);
                parsed
            }
            Some(deck) if i == 0 => {
                visit.prepare(deck);
                parse_chunk()
            }
            _ => parse_chunk(),
        };
        // Collected in place: the parsed results' buffer becomes the cards',
        // rather than holding the chunk's cards twice.
        let cards: Vec<Card> = parsed
            .into_iter()
            .filter_map(|(card, d)| {
                l.diagnostics.extend(d);
                card.filter(|card| is_unique(&mut l, &mut seen, card))
            })
            .collect();
        count += cards.len();
        if let Some(deck) = &mut deck {
            deck.cards = cards;
            visit.visit(deck, text);
            deck.cards = Vec::new();
        }
    }
    (deck, count, diagnostics)
}

fn shift_card(mut card: Card, by: usize) -> Card {
    let spans = &mut card.spans;
    for s in [&mut spans.card, &mut spans.id, &mut spans.prompt] {
        shift(s, by);
    }
    for s in [&mut spans.explanation, &mut spans.differs]
        .into_iter()
        .flatten()
    {
        shift(s, by);
    }
    for s in &mut spans.answer_texts {
        shift(s, by);
    }
    for (_, s) in &mut spans.allow {
        shift(s, by);
    }
    if let Some((_, s)) = &mut spans.sole_source {
        shift(s, by);
    }
    for e in &mut card.evidence {
        shift(&mut e.source_span, by);
        if let Some(s) = &mut e.quote_span {
            shift(s, by);
        }
    }
    card
}

fn missing_deck() -> Diagnostic {
    Diagnostic::error("missing-deck", "the file has no `[deck]` table", 0..0)
        .with_label("expected `[deck]` in this file")
        .with_help(
            "start the file with `[deck]` and its `id`, `title` and `description`; \
             see docs/deck-format.md",
        )
}

fn no_cards(len: usize) -> Diagnostic {
    Diagnostic::error("no-cards", "the deck has no cards", len..len)
        .with_label("expected `[[card]]` tables")
        .with_help("add cards with `[[card]]` headers; see docs/deck-format.md")
}

/// Adds a card unless its id is taken, which is reported.
fn keep_unique(
    l: &mut Lowering<'_>,
    seen: &mut HashMap<String, Range<usize>>,
    cards: &mut Vec<Card>,
    card: Card,
) {
    if is_unique(l, seen, &card) {
        cards.push(card);
    }
}

/// Whether a card's id is still free (it is then taken); a taken id is
/// reported.
fn is_unique(l: &mut Lowering<'_>, seen: &mut HashMap<String, Range<usize>>, card: &Card) -> bool {
    if let Some(first) = seen.get(&card.id) {
        l.push(
            Diagnostic::error(
                "duplicate-id",
                format!("two cards have the id `{}`", card.id),
                card.spans.id.clone(),
            )
            .with_label("second card with this id")
            .with_related(first.clone(), "first used here")
            .with_help("card ids must be unique in a deck: progress is keyed by them"),
        );
        return false;
    }
    seen.insert(card.id.clone(), card.spans.id.clone());
    true
}

fn syntax_help(message: &str) -> String {
    let m = message.to_lowercase();
    if m.contains("duplicate key") {
        "each key may appear once per table; remove or rename one of them".into()
    } else if m.contains("unterminated") || m.contains("invalid basic string") {
        "close the string with the same quote it opened with (use ''' or \"\"\" for text over several lines)".into()
    } else if m.contains("date") || m.contains("time") {
        "write dates as 2020-12-18, or put them in quotes as text".into()
    } else {
        "a deck is TOML: `key = value` lines under `[deck]`, `[sources.<id>]` and `[[card]]` headers; see docs/deck-format.md".into()
    }
}

fn lower_document(l: &mut Lowering<'_>, path: &Path, root: &Table<'_>, len: usize) -> Option<Deck> {
    l.unknown_keys(root, &["deck", "sources", "card"], "the deck file");
    let meta = match root.get("deck") {
        Some(v) => match v.get_ref() {
            DeValue::Table(t) => lower_meta(l, t, v.span()),
            _ => {
                l.wrong_type("deck", "a table (`[deck]`)", v);
                None
            }
        },
        None => {
            l.push(missing_deck());
            None
        }
    };
    let sources = match root.get("sources") {
        Some(v) => match v.get_ref() {
            DeValue::Table(t) => lower_sources(l, t),
            _ => {
                l.wrong_type("sources", "a table of `[sources.<id>]` tables", v);
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let mut cards = Vec::new();
    match root.get("card") {
        Some(v) => match v.get_ref() {
            DeValue::Array(items) if items.is_empty() => l.push(no_cards(v.span().end)),
            DeValue::Array(items) => {
                let source_ids: Vec<&str> = sources.iter().map(|s| s.id.as_str()).collect();
                let mut seen = HashMap::new();
                for item in items.iter() {
                    let DeValue::Table(t) = item.get_ref() else {
                        l.wrong_type("card", "a `[[card]]` table", item);
                        continue;
                    };
                    if let Some(card) = lower_card(l, t, item.span(), &source_ids) {
                        keep_unique(l, &mut seen, &mut cards, card);
                    }
                }
            }
            _ => l.wrong_type("card", "an array of `[[card]]` tables", v),
        },
        None => l.push(no_cards(len)),
    }
    Some(Deck {
        path: path.to_path_buf(),
        meta: meta?,
        sources,
        cards,
    })
}

fn lower_meta(l: &mut Lowering<'_>, t: &Table<'_>, at: Range<usize>) -> Option<DeckMeta> {
    l.misspelt.clear();
    l.unknown_keys(t, DECK_KEYS, "`[deck]`");
    let head = at.start..at.start;
    let id = match t.get("id") {
        Some(v) => l.id("id", v),
        None => {
            l.missing(
                "id",
                "`[deck]`",
                head.clone(),
                "add a stable `id = \"my-deck\"`",
            );
            None
        }
    };
    let title = l.required_text(t, "title", "`[deck]`", &head);
    let description = l.required_text(t, "description", "`[deck]`", &head);
    let language = l.optional_text(t, "language").map(|(s, _)| s);
    let desired_retention = match t.get("desired_retention") {
        None => Some(DEFAULT_DESIRED_RETENTION),
        Some(v) => {
            let n = match v.get_ref() {
                DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
                DeValue::Integer(i) => i.as_str().replace('_', "").parse::<f64>().ok(),
                _ => {
                    l.wrong_type("desired_retention", "a number such as 0.9", v);
                    return None;
                }
            };
            match n {
                Some(r) if (0.7..=0.99).contains(&r) => Some(r as f32),
                _ => {
                    l.push(
                        Diagnostic::error(
                            "bad-retention",
                            "`desired_retention` must lie between 0.70 and 0.99",
                            v.span(),
                        )
                        .with_label("out of range")
                        .with_help("0.9 (the default) means: aim to remember 90% of cards when they come due"),
                    );
                    None
                }
            }
        }
    };
    let authors = match t.get("authors") {
        Some(v) => l
            .text_array("authors", v)
            .map(|a| a.into_iter().map(|(s, _)| s).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    Some(DeckMeta {
        id: id?,
        title: title?.0,
        description: description?.0,
        language,
        desired_retention: desired_retention?,
        authors,
    })
}

fn lower_sources(l: &mut Lowering<'_>, t: &Table<'_>) -> Vec<Source> {
    let mut out = Vec::new();
    for (key, value) in t.iter() {
        let DeValue::Table(st) = value.get_ref() else {
            l.wrong_type(&format!("sources.{}", key.get_ref()), "a table", value);
            continue;
        };
        let Some(id) = l.id(
            "source id",
            &Spanned::new(key.span(), DeValue::String(key.get_ref().clone())),
        ) else {
            continue;
        };
        let what = format!("`[sources.{id}]`");
        l.misspelt.clear();
        l.unknown_keys(st, SOURCE_KEYS, &what);
        let head = key.span();
        let file = l.required_text(st, "file", &what, &head);
        let title = l.required_text(st, "title", &what, &head);
        let publisher = l.optional_text(st, "publisher").map(|(s, _)| s);
        let date = match st.get("date") {
            Some(v) => match v.get_ref() {
                DeValue::Datetime(d) => Some(d.to_string()),
                _ => l.text("date", v, false),
            },
            None => None,
        };
        let url = l.optional_text(st, "url").map(|(s, _)| s);
        let sha = l.optional_text(st, "sha256");
        if let Some((hash, span)) = &sha
            && (hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()))
        {
            l.push(
                Diagnostic::error(
                    "bad-hash",
                    "`sha256` must be 64 hexadecimal digits",
                    span.clone(),
                )
                .with_label("not a SHA-256")
                .with_help("compute it with `sha256sum FILE`"),
            );
            continue;
        }
        let (Some((file, file_span)), Some((title, _))) = (file, title) else {
            continue;
        };
        out.push(Source {
            id,
            file,
            title,
            publisher,
            date,
            url,
            sha256: sha.as_ref().map(|(h, _)| h.to_lowercase()),
            file_span,
            sha256_span: sha.map(|(_, s)| s),
        });
    }
    out
}

fn lower_evidence(
    l: &mut Lowering<'_>,
    value: &Value<'_>,
    source_ids: &[&str],
) -> Option<Vec<Evidence>> {
    let DeValue::Array(items) = value.get_ref() else {
        l.wrong_type(
            "evidence",
            "an array such as [{ source = \"id\", quote = \"...\" }]",
            value,
        );
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for item in items.iter() {
        let DeValue::Table(t) = item.get_ref() else {
            l.wrong_type(
                "evidence",
                "a table { source = \"id\", quote = \"...\" }",
                item,
            );
            ok = false;
            continue;
        };
        l.unknown_keys(t, EVIDENCE_KEYS, "an evidence entry");
        let Some((source, source_span)) =
            l.required_text(t, "source", "this evidence entry", &item.span())
        else {
            ok = false;
            continue;
        };
        if !source_ids.contains(&source.as_str()) {
            let mut d = Diagnostic::error(
                "unknown-source",
                format!("no source has the id `{source}`"),
                source_span.clone(),
            )
            .with_label("unknown source");
            d = match suggest(&source, source_ids.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None if source_ids.is_empty() => {
                    d.with_help("declare it in a `[sources.<id>]` table")
                }
                None => d.with_help(format!("the sources are: {}", source_ids.join(", "))),
            };
            l.push(d);
            ok = false;
            continue;
        }
        let quote = l.optional_text(t, "quote");
        if let Some((q, span)) = &quote {
            let words = q.split_whitespace().count();
            if words > MAX_QUOTE_WORDS {
                l.push(
                    Diagnostic::error(
                        "quote-too-long",
                        format!(
                            "this quote has {words} words; at most {MAX_QUOTE_WORDS} are allowed"
                        ),
                        span.clone(),
                    )
                    .with_label("too long")
                    .with_help("quote only the words that prove the answer"),
                );
                ok = false;
                continue;
            }
        }
        out.push(Evidence {
            source,
            source_span,
            quote_span: quote.as_ref().map(|(_, s)| s.clone()),
            quote: quote.map(|(q, _)| q),
        });
    }
    ok.then_some(out)
}

/// `allow = ["rule", ...]`: lint rule ids silenced for one card. An id
/// that names no rule is an error, so that a typo cannot silence nothing.
fn lower_allow(l: &mut Lowering<'_>, value: &Value<'_>) -> Option<Vec<(String, Range<usize>)>> {
    let list = l.text_array("allow", value)?;
    let ids = crate::check::lint::RULES.map(|r| r.id);
    let mut ok = true;
    for (rule, span) in &list {
        if ids.contains(&rule.as_str()) {
            continue;
        }
        let mut d = Diagnostic::error(
            "unknown-lint-rule",
            format!("`{rule}` is not a lint rule"),
            span.clone(),
        )
        .with_label("unknown rule");
        d = match suggest(rule, ids) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(format!("the rules are: {}", ids.join(", "))),
        };
        l.push(d);
        ok = false;
    }
    ok.then_some(list)
}

/// `sole_source = "id"`: the one source the card's fact rests on.
fn lower_sole_source(
    l: &mut Lowering<'_>,
    value: &Value<'_>,
    source_ids: &[&str],
) -> Option<Option<(String, Range<usize>)>> {
    let id = l.text("sole_source", value, false)?;
    if !source_ids.contains(&id.as_str()) {
        let mut d = Diagnostic::error(
            "unknown-source",
            format!("no source has the id `{id}`"),
            value.span(),
        )
        .with_label("unknown source");
        d = match suggest(&id, source_ids.iter().copied()) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help("name a source declared in a `[sources.<id>]` table"),
        };
        l.push(d);
        return None;
    }
    Some(Some((id, value.span())))
}

fn lower_card(
    l: &mut Lowering<'_>,
    t: &Table<'_>,
    at: Range<usize>,
    source_ids: &[&str],
) -> Option<Card> {
    l.misspelt.clear();
    let head = at.start..at.start;
    let kind = match t.get("kind") {
        Some(v) => match l.text("kind", v, false) {
            Some(name) => match CardKind::from_name(&name) {
                Some(k) => Some(k),
                None => {
                    let names = CardKind::ALL.map(CardKind::name);
                    let mut d = Diagnostic::error(
                        "unknown-kind",
                        format!("`{name}` is not a card kind"),
                        v.span(),
                    )
                    .with_label("unknown kind");
                    d = match suggest(&name, names) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None => d.with_help(format!("the kinds are: {}", names.join(", "))),
                    };
                    l.push(d);
                    None
                }
            },
            None => None,
        },
        None => {
            l.missing(
                "kind",
                "this card",
                head.clone(),
                "add `kind = \"basic\"` (or choice, truefalse, number, date, cloze, order)",
            );
            None
        }
    };
    // Unknown keys: against the kind's fields when the kind is known, else against all.
    let mut allowed: Vec<&str> = COMMON_CARD_KEYS.to_vec();
    match kind {
        Some(k) => allowed.extend_from_slice(kind_keys(k)),
        None => CardKind::ALL
            .iter()
            .for_each(|k| allowed.extend_from_slice(kind_keys(*k))),
    }
    for (key, _) in t.iter() {
        let name: &str = key.get_ref();
        if allowed.contains(&name) {
            continue;
        }
        let other_kind = CardKind::ALL
            .into_iter()
            .find(|k| kind_keys(*k).contains(&name));
        let mut d = Diagnostic::error(
            "unknown-key",
            format!("unknown key `{name}` in this card"),
            key.span(),
        )
        .with_label("not a field of this card");
        d = match (suggest(name, allowed.iter().copied()), other_kind, kind) {
            (Some(s), _, _) => {
                l.misspelt.push(s.to_string());
                d.with_help(format!("did you mean `{s}`?"))
            }
            (None, Some(other), Some(k)) => d.with_help(format!(
                "`{name}` belongs to {} cards; a {} card has: {}",
                other.name(),
                k.name(),
                kind_keys(k).join(", ")
            )),
            _ => d.with_help(format!("a card's keys are: {}", allowed.join(", "))),
        };
        l.push(d);
    }

    let id_value = t.get("id");
    let id = match id_value {
        Some(v) => l.id("id", v),
        None => {
            l.missing(
                "id",
                "this card",
                head.clone(),
                "add a stable `id = \"short-name\"`",
            );
            None
        }
    };
    let prompt = l.required_text(t, "prompt", "this card", &head);
    let explanation = l.optional_text(t, "explanation");
    let differs = l.optional_text(t, "differs");
    let allow = match t.get("allow") {
        Some(v) => lower_allow(l, v),
        None => Some(Vec::new()),
    };
    let sole_source = match t.get("sole_source") {
        Some(v) => lower_sole_source(l, v, source_ids),
        None => Some(None),
    };
    let topics = match t.get("topics") {
        Some(v) => l
            .text_array("topics", v)
            .map(|a| a.into_iter().map(|(s, _)| s).collect()),
        None => Some(Vec::new()),
    };
    let evidence = match t.get("evidence") {
        Some(v) => lower_evidence(l, v, source_ids),
        None => Some(Vec::new()),
    };
    let mut answer_texts = Vec::new();
    // Check the answer even when the prompt is broken, so every mistake shows.
    let answer = match (kind, &prompt) {
        (Some(k), Some((p, pspan))) => lower_answer(l, k, t, &head, p, pspan, &mut answer_texts),
        (Some(CardKind::Cloze), None) | (None, _) => None,
        (Some(k), None) => lower_answer(l, k, t, &head, "", &(0..0), &mut answer_texts),
    };
    let (prompt, prompt_span) = prompt?;
    Some(Card {
        id: id?,
        prompt,
        answer: answer?,
        spans: CardSpans {
            card: at,
            id: id_value.map(|v| v.span()).unwrap_or_default(),
            prompt: prompt_span,
            explanation: explanation.as_ref().map(|(_, s)| s.clone()),
            differs: differs.as_ref().map(|(_, s)| s.clone()),
            answer_texts,
            allow: allow?,
            sole_source: sole_source?,
        },
        explanation: explanation.map(|(s, _)| s),
        differs: differs.map(|(s, _)| s),
        topics: topics?,
        evidence: evidence?,
    })
}

fn number_value(l: &mut Lowering<'_>, key: &str, v: &Value<'_>) -> Option<f64> {
    let parsed = match v.get_ref() {
        DeValue::Integer(i) => i
            .as_str()
            .replace('_', "")
            .parse::<i64>()
            .ok()
            .map(|n| n as f64)
            .ok_or_else(|| format!("`{}` is not a number I can read", i.as_str())),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("`{}` is not a finite number", f.as_str())),
        DeValue::String(s) => parse_number(s).map_err(|e| e.to_string()),
        _ => {
            l.wrong_type(key, "a number, or a string such as \"23,000\"", v);
            return None;
        }
    };
    match parsed {
        Ok(n) => Some(n),
        Err(msg) => {
            l.push(
                Diagnostic::error("bad-number", msg, v.span())
                    .with_label("not a number")
                    .with_help("write it as 23000, \"23,000\", \"23k\" or \"1.5 million\""),
            );
            None
        }
    }
}

/// The span of byte `offset` of a string value's text, when the value is
/// written without escapes up to there; else the whole value's span.
fn within_string(text: &str, span: &Range<usize>, value: &str, offset: usize) -> Range<usize> {
    let Some(raw) = text.get(span.clone()) else {
        return span.clone();
    };
    let mut open = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        3
    } else {
        1
    };
    // A newline right after a multi-line opening quote is not part of the value.
    if open == 3 {
        if raw[3..].starts_with("\r\n") {
            open += 2;
        } else if raw[3..].starts_with('\n') {
            open += 1;
        }
    }
    let end = (offset + 2).min(value.len());
    match (raw.get(open..open + end), value.get(..end)) {
        (Some(a), Some(b)) if a == b => {
            let at = span.start + open + offset;
            at..(at + 2).min(span.end)
        }
        _ => span.clone(),
    }
}

fn lower_answer(
    l: &mut Lowering<'_>,
    kind: CardKind,
    t: &Table<'_>,
    head: &Range<usize>,
    prompt: &str,
    prompt_span: &Range<usize>,
    texts: &mut Vec<Range<usize>>,
) -> Option<Answer> {
    let need = |l: &mut Lowering<'_>, key: &str, hint: &str| -> Option<()> {
        if t.get(key).is_none() {
            l.missing(
                key,
                &format!("this {} card", kind.name()),
                head.clone(),
                hint,
            );
            None
        } else {
            Some(())
        }
    };
    match kind {
        CardKind::Basic => {
            need(l, "answer", "add `answer = \"...\"`")?;
            let (answer, span) = l.required_text(t, "answer", "this card", head)?;
            texts.push(span);
            let accept = match t.get("accept") {
                Some(v) => l.text_array("accept", v)?,
                None => Vec::new(),
            };
            texts.extend(accept.iter().map(|(_, s)| s.clone()));
            Some(Answer::Basic {
                answer,
                accept: accept.into_iter().map(|(s, _)| s).collect(),
            })
        }
        CardKind::Choice => {
            need(l, "options", "add `options = [\"...\", \"...\"]`")?;
            need(l, "answer", "add `answer = \"<one of the options>\"`")?;
            let ov = &t["options"];
            let options = l.text_array("options", ov)?;
            if !(2..=10).contains(&options.len()) {
                l.push(
                    Diagnostic::error(
                        "bad-options",
                        format!("a choice card needs 2 to 10 options, not {}", options.len()),
                        ov.span(),
                    )
                    .with_label("options here"),
                );
                return None;
            }
            l.no_repeats("option", &options)?;
            texts.extend(options.iter().map(|(_, s)| s.clone()));
            let av = &t["answer"];
            let answers: Vec<(String, Range<usize>)> = match av.get_ref() {
                DeValue::String(_) => vec![(l.text("answer", av, false)?, av.span())],
                DeValue::Array(_) => l.text_array("answer", av)?,
                _ => {
                    l.wrong_type("answer", "one of the options, or an array of them", av);
                    return None;
                }
            };
            if answers.is_empty() {
                l.push(
                    Diagnostic::error("empty-text", "`answer` lists no option", av.span())
                        .with_label("empty"),
                );
                return None;
            }
            let mut correct = Vec::new();
            for (a, span) in &answers {
                match options.iter().position(|(o, _)| o == a) {
                    Some(i) => correct.push(i),
                    None => {
                        let list = options
                            .iter()
                            .map(|(o, _)| format!("`{o}`"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        let d = Diagnostic::error(
                            "answer-not-an-option",
                            format!("the answer `{a}` is not one of the options"),
                            span.clone(),
                        )
                        .with_label("not among the options")
                        .with_related(ov.span(), "the options")
                        .with_help(format!("the options are: {list}"));
                        l.push(d);
                        return None;
                    }
                }
            }
            correct.sort_unstable();
            correct.dedup();
            Some(Answer::Choice {
                options: options.into_iter().map(|(s, _)| s).collect(),
                correct,
            })
        }
        CardKind::TrueFalse => {
            need(l, "answer", "add `answer = true` or `answer = false`")?;
            let v = &t["answer"];
            match v.get_ref() {
                DeValue::Boolean(b) => Some(Answer::TrueFalse(*b)),
                _ => {
                    l.wrong_type("answer", "true or false (without quotes)", v);
                    None
                }
            }
        }
        CardKind::Number => {
            let unit = l.optional_text(t, "unit").map(|(s, _)| s);
            let value = match t.get("answer") {
                Some(v) => Some(number_value(l, "answer", v)?),
                None => None,
            };
            if let Some(rv) = t.get("range") {
                if t.get("tolerance").is_some() {
                    l.push(
                        Diagnostic::error(
                            "range-and-tolerance",
                            "a number card has either `range` or `tolerance`, not both",
                            rv.span(),
                        )
                        .with_label("range here")
                        .with_help("keep the one that says what counts as right"),
                    );
                    return None;
                }
                let DeValue::Array(items) = rv.get_ref() else {
                    l.wrong_type("range", "an array [low, high]", rv);
                    return None;
                };
                if items.len() != 2 {
                    l.wrong_type("range", "an array of two numbers [low, high]", rv);
                    return None;
                }
                let low = number_value(l, "range", &items[0])?;
                let high = number_value(l, "range", &items[1])?;
                if low > high {
                    l.push(
                        Diagnostic::error(
                            "bad-range",
                            "the range's low end is above its high end",
                            rv.span(),
                        )
                        .with_label("reversed")
                        .with_help("write it as [low, high]"),
                    );
                    return None;
                }
                if let Some(v) = value
                    && !(low..=high).contains(&v)
                {
                    l.push(
                        Diagnostic::error(
                            "bad-range",
                            "the answer lies outside its own range",
                            rv.span(),
                        )
                        .with_label("does not contain the answer"),
                    );
                    return None;
                }
                return Some(Answer::Number(NumberAnswer::with_range(
                    value, low, high, unit,
                )));
            }
            let Some(value) = value else {
                l.missing(
                    "answer",
                    "this number card",
                    head.clone(),
                    "add `answer = 23000` (or `range = [low, high]`)",
                );
                return None;
            };
            let tolerance = match t.get("tolerance") {
                None => Tolerance::Exact,
                Some(v) => {
                    let parsed = match v.get_ref() {
                        DeValue::String(s) => parse_tolerance(s).map_err(|e| e.to_string()),
                        DeValue::Integer(_) | DeValue::Float(_) => {
                            let n = number_value(l, "tolerance", v)?;
                            if n < 0.0 {
                                Err("a tolerance cannot be negative".to_string())
                            } else if n == 0.0 {
                                Ok(Tolerance::Exact)
                            } else {
                                Ok(Tolerance::Absolute(n))
                            }
                        }
                        _ => {
                            l.wrong_type("tolerance", "a number or a percentage such as \"5%\"", v);
                            return None;
                        }
                    };
                    match parsed {
                        Ok(tol) => tol,
                        Err(msg) => {
                            l.push(
                                Diagnostic::error("bad-tolerance", msg, v.span())
                                    .with_label("not a tolerance")
                                    .with_help("write an absolute amount (`tolerance = 100`) or a percentage (`tolerance = \"5%\"`)"),
                            );
                            return None;
                        }
                    }
                }
            };
            Some(Answer::Number(NumberAnswer::with_tolerance(
                value, tolerance, unit,
            )))
        }
        CardKind::Date => {
            need(
                l,
                "answer",
                "add `answer = 2020-12-18` (or \"2020-12\", \"2020\")",
            )?;
            let v = &t["answer"];
            let parsed: Result<PartialDate, String> = match v.get_ref() {
                DeValue::Datetime(d) => match (d.date, d.time) {
                    (Some(date), None) => PartialDate::new(
                        i32::from(date.year),
                        Some(u32::from(date.month)),
                        Some(u32::from(date.day)),
                    ),
                    _ => Err("a date answer is a calendar date without a time".into()),
                },
                DeValue::String(_) => {
                    let s = l.text("answer", v, false)?;
                    parse_date(&s).map_err(|e| e.to_string())
                }
                _ => {
                    l.wrong_type(
                        "answer",
                        "a date such as 2020-12-18 or \"December 2020\"",
                        v,
                    );
                    return None;
                }
            };
            match parsed {
                Ok(d) => Some(Answer::Date(d)),
                Err(msg) => {
                    l.push(
                        Diagnostic::error("bad-date", msg, v.span())
                            .with_label("not a date")
                            .with_help(
                                "write 2020-12-18, \"2020-12\", \"2020\" or \"December 18, 2020\"",
                            ),
                    );
                    None
                }
            }
        }
        CardKind::Cloze => {
            match cloze::parse_gaps(prompt) {
                Ok(gaps) => Some(Answer::Cloze(gaps)),
                Err(e) => {
                    let at = within_string(l.text, prompt_span, prompt, e.offset);
                    l.push(
                    Diagnostic::error("bad-cloze", e.message, at)
                        .with_label("in this prompt")
                        .with_help("mark each gap as {{c1::answer}}; alternatives with |, a hint after ::"),
                );
                    None
                }
            }
        }
        CardKind::Order => {
            need(
                l,
                "items",
                "add `items = [\"first\", \"second\", ...]` in the right order",
            )?;
            let v = &t["items"];
            let items = l.text_array("items", v)?;
            if !(2..=10).contains(&items.len()) {
                l.push(
                    Diagnostic::error(
                        "bad-items",
                        format!("an order card needs 2 to 10 items, not {}", items.len()),
                        v.span(),
                    )
                    .with_label("items here"),
                );
                return None;
            }
            l.no_repeats("item", &items)?;
            texts.extend(items.iter().map(|(_, s)| s.clone()));
            Some(Answer::Order(items.into_iter().map(|(s, _)| s).collect()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SAMPLE: &str = include_str!("../../tests/fixtures/good/sample.toml");
    const BAD: &str = include_str!("../../tests/fixtures/bad/many_errors.toml");

    type Parsed = (Option<Deck>, Vec<Diagnostic>);

    fn both(text: &str) -> Option<(Parsed, Parsed)> {
        let layout = layout::scan(text);
        let sections = layout::sections(text, &layout)?;
        let path = Path::new("x.toml");
        let mut split = parse_sections(path, text, &sections);
        let mut whole = parse_whole(path, text);
        for d in [&mut split.1, &mut whole.1] {
            drop_what_syntax_errors_explain(d);
            d.sort_by_key(|d| (d.span.as_ref().map(|s| s.start), d.code));
        }
        Some((split, whole))
    }

    #[test]
    fn sectioned_and_whole_parsing_agree_on_fixtures() {
        for text in [SAMPLE, BAD] {
            let (split, whole) = both(text).expect("plain layout");
            assert_eq!(split.0.map(|d| d.cards), whole.0.map(|d| d.cards));
            assert_eq!(split.1, whole.1);
        }
    }

    proptest! {
        // Failures are kept beside this file, not in a top-level folder.
        #![proptest_config(ProptestConfig {
            cases: 300,
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions")
            )),
            ..ProptestConfig::default()
        })]

        /// Whatever the edit, both parsers find the same cards and, unless
        /// the TOML itself is broken (where recovery may differ), the same
        /// diagnostics.
        #[test]
        fn sectioned_and_whole_parsing_agree(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, "[\\[\\]{}=\"',.#\\n a-z0-9]{0,5}"), 1..5)
        ) {
            let mut text = format!("{SAMPLE}{}", BAD.split_once("[[card]]").map(|(_, c)| format!("[[card]]{c}")).unwrap_or_default());
            for (at, op, insert) in edits {
                let mut i = at.index(text.len() + 1);
                while !text.is_char_boundary(i) { i -= 1; }
                match op {
                    0 => text.insert_str(i, &insert),
                    1 => { let mut end = (i + insert.len()).min(text.len()); while !text.is_char_boundary(end) { end -= 1; } text.replace_range(i..end, ""); }
                    _ => text.insert_str(i, "\n[[card]]\n"),
                }
            }
            if let Some((split, whole)) = both(&text) {
                let syntax = whole.1.iter().any(|d| d.code == "toml-syntax") || split.1.iter().any(|d| d.code == "toml-syntax");
                if !syntax {
                    prop_assert_eq!(split.0.map(|d| d.cards), whole.0.map(|d| d.cards));
                    prop_assert_eq!(split.1, whole.1);
                }
            }
        }
    }
}
