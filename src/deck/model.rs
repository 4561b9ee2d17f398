//! The parsed deck: what a deck file means once its TOML has been read and
//! every field has the right type. Later stages (checker, grader,
//! scheduler, quiz) only ever see these types, never TOML.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::PathBuf;

use sha2::Digest;

use super::date::PartialDate;
use super::number::NumberAnswer;

/// A byte range in the deck file that a value came from.
pub type Span = Range<usize>;

/// One deck file, parsed.
#[derive(Debug, Clone)]
pub struct Deck {
    /// Where the deck was read from (`<bundled>` for the embedded deck).
    pub path: PathBuf,
    /// The `[deck]` table.
    pub meta: DeckMeta,
    /// The `[sources.<id>]` tables, in file order.
    pub sources: Vec<Source>,
    /// The `[[card]]` tables, in file order.
    pub cards: Vec<Card>,
}

/// The `[deck]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct DeckMeta {
    /// Stable id; progress is keyed by (deck id, card id).
    pub id: String,
    /// Human title.
    pub title: String,
    /// One or two sentences.
    pub description: String,
    /// Optional language tag.
    pub language: Option<String>,
    /// Retention the scheduler aims for, 0.70–0.99.
    pub desired_retention: f32,
    /// Authors, possibly empty.
    pub authors: Vec<String>,
}

/// Default desired retention, as in Anki.
pub const DEFAULT_DESIRED_RETENTION: f32 = 0.9;

/// A text that cards cite (`[sources.<id>]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The id cards use in `evidence`.
    pub id: String,
    /// Plain file name, looked up beside the deck or under `--sources`.
    pub file: String,
    /// Headline.
    pub title: String,
    /// Publisher or outlet.
    pub publisher: Option<String>,
    /// Publication date as written.
    pub date: Option<String>,
    /// Where it was published.
    pub url: Option<String>,
    /// Expected SHA-256 of the file, lowercase hex.
    pub sha256: Option<String>,
    /// Span of the `file` value, for diagnostics.
    pub file_span: Span,
    /// Span of the `sha256` value, for diagnostics.
    pub sha256_span: Option<Span>,
}

/// One citation: a source, optionally with a verbatim quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// Source id.
    pub source: String,
    /// Verbatim quote (at most 25 words) that must occur in the source.
    pub quote: Option<String>,
    /// Span of the `source` value.
    pub source_span: Span,
    /// Span of the `quote` value.
    pub quote_span: Option<Span>,
}

/// The kinds of card, each with its own answer fields and grading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CardKind {
    /// Free text answer with accepted alternatives.
    Basic,
    /// Pick one or several options.
    Choice,
    /// True or false.
    TrueFalse,
    /// A number, with unit and tolerance.
    Number,
    /// A date at year, month or day precision.
    Date,
    /// Fill the `{{c1::...}}` gaps.
    Cloze,
    /// Put items in order.
    Order,
}

impl CardKind {
    /// Every kind, in documentation order.
    pub const ALL: [CardKind; 7] = [
        CardKind::Basic,
        CardKind::Choice,
        CardKind::TrueFalse,
        CardKind::Number,
        CardKind::Date,
        CardKind::Cloze,
        CardKind::Order,
    ];

    /// The name used in deck files.
    pub fn name(self) -> &'static str {
        match self {
            CardKind::Basic => "basic",
            CardKind::Choice => "choice",
            CardKind::TrueFalse => "truefalse",
            CardKind::Number => "number",
            CardKind::Date => "date",
            CardKind::Cloze => "cloze",
            CardKind::Order => "order",
        }
    }

    /// Looks a kind up by its deck-file name.
    pub fn from_name(name: &str) -> Option<CardKind> {
        CardKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// One gap of a cloze card.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    /// The `N` of `{{cN::...}}`.
    pub number: u32,
    /// Accepted answers; the first is the canonical one.
    pub answers: Vec<String>,
    /// Optional hint shown in the gap.
    pub hint: Option<String>,
}

/// What counts as right for a card, by kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// `basic`: the answer and accepted alternatives.
    Basic {
        /// Canonical answer.
        answer: String,
        /// Other accepted forms.
        accept: Vec<String>,
    },
    /// `choice`: options and the indices of the right ones.
    Choice {
        /// Options in deck order.
        options: Vec<String>,
        /// Indices into `options` of the right answers (at least one).
        correct: Vec<usize>,
    },
    /// `truefalse`.
    TrueFalse(bool),
    /// `number`.
    Number(NumberAnswer),
    /// `date`.
    Date(PartialDate),
    /// `cloze`: the gaps of the prompt, in order of appearance.
    Cloze(Vec<Gap>),
    /// `order`: items in the correct order.
    Order(Vec<String>),
}

impl Answer {
    /// The kind this answer belongs to.
    pub fn kind(&self) -> CardKind {
        match self {
            Answer::Basic { .. } => CardKind::Basic,
            Answer::Choice { .. } => CardKind::Choice,
            Answer::TrueFalse(_) => CardKind::TrueFalse,
            Answer::Number(_) => CardKind::Number,
            Answer::Date(_) => CardKind::Date,
            Answer::Cloze(_) => CardKind::Cloze,
            Answer::Order(_) => CardKind::Order,
        }
    }
}

/// Spans of a card's fields, kept for diagnostics after parsing, and the
/// checker-only annotations that go with them (`allow`, `sole_source`).
/// Nothing here changes what a student sees or how an answer is graded,
/// which is why it is left out of [`Card::content_hash`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CardSpans {
    /// The whole `[[card]]` table.
    pub card: Span,
    /// The `id` value.
    pub id: Span,
    /// The `prompt` value.
    pub prompt: Span,
    /// The `explanation` value.
    pub explanation: Option<Span>,
    /// The `differs` value.
    pub differs: Option<Span>,
    /// Spans of answer texts (answer, accept, options, items) for the copy check.
    pub answer_texts: Vec<Span>,
    /// `allow`: the lint rules silenced for this card, each with its span.
    pub allow: Vec<(String, Span)>,
    /// `sole_source`: the id of the one source the card's fact rests on
    /// (no other article reports it), with its span.
    pub sole_source: Option<(String, Span)>,
}

impl CardSpans {
    /// Whether the lint rule `rule` is silenced for this card.
    pub fn allows(&self, rule: &str) -> bool {
        self.allow.iter().any(|(r, _)| r == rule)
    }
}

/// One card of a deck.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// Stable id, unique in the deck.
    pub id: String,
    /// The question (for cloze cards, with its gaps).
    pub prompt: String,
    /// What counts as right.
    pub answer: Answer,
    /// Why the answer is right.
    pub explanation: Option<String>,
    /// Topic tags.
    pub topics: Vec<String>,
    /// Citations.
    pub evidence: Vec<Evidence>,
    /// Where a source says something else.
    pub differs: Option<String>,
    /// Field spans in the deck file.
    pub spans: CardSpans,
}

impl Card {
    /// The card's kind.
    pub fn kind(&self) -> CardKind {
        self.answer.kind()
    }

    /// A hash of everything a student sees or is graded on, so the store can
    /// tell when a card was edited. Spans are left out: moving a card within
    /// the file is not an edit.
    pub fn content_hash(&self) -> String {
        let mut h = sha2::Sha256::new();
        let mut field = |s: &str| {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        };
        field(self.kind().name());
        field(&self.prompt);
        // The answer enters as its `Debug` text (kept so that stored
        // hashes stay valid), written into a buffer each thread reuses:
        // a fresh string for every card was a tenth of the hashing.
        thread_local! {
            static ANSWER_TEXT: RefCell<String> = const { RefCell::new(String::new()) };
        }
        ANSWER_TEXT.with_borrow_mut(|text| {
            text.clear();
            // Writing into a String cannot fail.
            let _ = write!(text, "{:?}", self.answer);
            field(text);
        });
        field(self.explanation.as_deref().unwrap_or(""));
        field(self.differs.as_deref().unwrap_or(""));
        for e in &self.evidence {
            field(&e.source);
            field(e.quote.as_deref().unwrap_or(""));
        }
        hex::encode(&h.finalize()[..16])
    }
}

impl Deck {
    /// Looks a source up by id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// Looks a card up by id.
    pub fn card(&self, id: &str) -> Option<&Card> {
        self.cards.iter().find(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::deck::parse::parse_deck;

    /// Stored progress is keyed by these hashes: they must never change
    /// for the same card (the values were computed before the answer's
    /// text went through a reused buffer).
    #[test]
    fn content_hashes_are_stable() {
        let text = r#"
[deck]
id = "d"
title = "T"
description = "D."

[[card]]
id = "a"
kind = "basic"
prompt = "Which year?"
answer = "2020"
accept = ["twenty twenty"]
explanation = "Because."

[[card]]
id = "b"
kind = "number"
prompt = "How many?"
answer = 14
tolerance = 1
"#;
        let (deck, diagnostics) = parse_deck(Path::new("d.toml"), text);
        assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
        let hashes: Vec<String> = deck
            .unwrap()
            .cards
            .iter()
            .map(|c| c.content_hash())
            .collect();
        assert_eq!(
            hashes,
            [
                "a73281cc86ddbc47d2e3d0dc826d7ecc",
                "948307034e380b82e96d1d82e1b83909"
            ]
        );
    }
}
