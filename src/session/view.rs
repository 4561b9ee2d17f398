//! [`View`]: what the session asks a frontend to show. Every string that
//! comes from a deck is cleaned ([`crate::sanitize::clean`]) when a view is built.

use serde::Serialize;

use crate::deck::Card;
use crate::deck::model::Source;
use crate::grade;
use crate::grade::Grade;
use crate::grade::Presentation;
use crate::sanitize::clean;
use crate::schedule::NextStates;
use crate::schedule::Rating;
use crate::schedule::queue::QueueCounts;
use crate::schedule::queue::QueueSource;

/// An output of the session.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum View {
    /// A card to answer.
    Card(CardView),
    /// The outcome of an answer (or a revealed card) and the rating proposal.
    Feedback(FeedbackView),
    /// The answer could not be read; ask again.
    Retry {
        /// Why.
        message: String,
    },
    /// Something happened (undone, suspended, buried, changed cards).
    Notice {
        /// What.
        message: String,
    },
    /// The session is over.
    Finished(Summary),
}

/// A card as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardView {
    /// Card id.
    pub card_id: String,
    /// Kind name (`basic`, `choice`…).
    pub kind: &'static str,
    /// The question (cloze gaps masked).
    pub prompt: String,
    /// Labelled options (`a`, `b`…) for choice and order cards.
    pub options: Vec<LabelledOption>,
    /// Whether several options may be picked.
    pub multiple: bool,
    /// How to answer, in a few words.
    pub hint: String,
    /// The card was edited since it was last answered.
    pub changed: bool,
    /// Where it came from in the queue.
    pub source: QueueSource,
    /// Cards left today, this one included.
    pub remaining: QueueCounts,
    /// Whether the card can be revealed instead of typed (basic cards).
    pub can_reveal: bool,
}

/// One labelled option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelledOption {
    /// `a`, `b`…
    pub label: char,
    /// The option text.
    pub text: String,
}

/// A citation as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceView {
    /// The quote, when there is one.
    pub quote: Option<String>,
    /// Source title.
    pub title: String,
    /// Publisher.
    pub publisher: Option<String>,
    /// Publication date as written.
    pub date: Option<String>,
    /// URL.
    pub url: Option<String>,
}

/// What an answer got.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedbackView {
    /// Card id.
    pub card_id: String,
    /// Right or wrong; `None` when revealed without answering.
    pub correct: Option<bool>,
    /// A grader remark ("accepted with a typo").
    pub note: Option<String>,
    /// The response given.
    pub response: Option<String>,
    /// The right answer, written out.
    pub expected: String,
    /// The right answer as it would be typed (`b`, `c a b`).
    pub expected_response: String,
    /// Why.
    pub explanation: Option<String>,
    /// Citations.
    pub evidence: Vec<EvidenceView>,
    /// Where a source says something else.
    pub differs: Option<String>,
    /// The proposed rating (Enter accepts it); `None` after a reveal, where
    /// the student rates and nothing is proposed.
    pub proposed: Option<Rating>,
    /// Why this rating is proposed ("good: the answer is right").
    pub reason: Option<String>,
    /// Whether the proposal is already saved (typed answers), or waits for a rating (reveal).
    pub saved: bool,
    /// When each rating would bring the card back: again, hard, good, easy.
    pub intervals: [String; 4],
}

/// The end of a session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Answers given (after undos).
    pub seen: u32,
    /// Of which right.
    pub correct: u32,
    /// Answers rated Again.
    pub again: u32,
    /// Session length in ms.
    pub elapsed_ms: i64,
    /// When the next card is due (RFC 3339), if any.
    pub next_due: Option<String>,
    /// The same in ms since the epoch, for saying it in local words.
    #[serde(skip)]
    pub next_due_ms: Option<i64>,
    /// When the summary was made, with the local offset, for "in 3 days".
    #[serde(skip)]
    pub now: crate::clock::Now,
    /// Cards left today.
    pub remaining: QueueCounts,
}

/// Builds the card view.
pub fn card_view(
    card: &Card,
    shown: &Presentation,
    changed: bool,
    source: QueueSource,
    remaining: QueueCounts,
) -> CardView {
    let kind = card.kind();
    let hint = match kind {
        crate::deck::model::CardKind::Choice if shown.multiple => "letters of every right option",
        crate::deck::model::CardKind::Choice => "the letter of the right option",
        crate::deck::model::CardKind::TrueFalse => "true or false",
        crate::deck::model::CardKind::Number => "a number",
        crate::deck::model::CardKind::Date => "a date",
        crate::deck::model::CardKind::Cloze => "the missing words, separated by ;",
        crate::deck::model::CardKind::Order => "the letters in the right order",
        crate::deck::model::CardKind::Basic => "your answer",
    };
    CardView {
        card_id: clean(&card.id),
        kind: kind.name(),
        prompt: clean(&shown.prompt),
        options: shown
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| LabelledOption {
                label: grade::label(i),
                text: clean(o),
            })
            .collect(),
        multiple: shown.multiple,
        hint: hint.to_string(),
        changed,
        source,
        remaining,
        can_reveal: kind == crate::deck::model::CardKind::Basic,
    }
}

/// Builds the feedback view.
pub fn feedback_view(
    sources: &[Source],
    card: &Card,
    shown: &Presentation,
    grade: Option<(&Grade, &str)>,
    proposal: Option<(Rating, String)>,
    saved: bool,
    next: &NextStates,
) -> FeedbackView {
    FeedbackView {
        card_id: clean(&card.id),
        correct: grade.map(|(g, _)| g.correct),
        note: grade.and_then(|(g, _)| g.note.as_deref().map(clean)),
        response: grade.map(|(_, r)| clean(r)),
        expected: clean(&grade::expected_answer(card)),
        expected_response: clean(&grade::expected_response(card, shown)),
        explanation: card.explanation.as_deref().map(clean),
        evidence: card
            .evidence
            .iter()
            .map(|e| {
                let source = sources.iter().find(|s| s.id == e.source);
                EvidenceView {
                    quote: e.quote.as_deref().map(clean),
                    title: clean(source.map_or(e.source.as_str(), |s| s.title.as_str())),
                    publisher: source.and_then(|s| s.publisher.as_deref()).map(clean),
                    date: source.and_then(|s| s.date.as_deref()).map(clean),
                    url: source.and_then(|s| s.url.as_deref()).map(clean),
                }
            })
            .collect(),
        differs: card.differs.as_deref().map(clean),
        proposed: proposal.as_ref().map(|p| p.0),
        reason: proposal.map(|p| p.1),
        saved,
        intervals: Rating::ALL.map(|r| {
            let after = next.get(r);
            describe_wait(
                after.due_ms - after.last_review_ms.unwrap_or(after.due_ms),
                after.interval_days,
            )
        }),
    }
}

/// A short wait such as `10m`, `3d`, `1.2y`.
pub fn describe_wait(ms: i64, interval_days: u32) -> String {
    if interval_days > 0 {
        return match interval_days {
            d if d < 31 => format!("{d}d"),
            d if d < 365 => format!("{:.1}mo", d as f32 / 30.4),
            d => format!("{:.1}y", d as f32 / 365.0),
        };
    }
    let secs = (ms / 1000).max(0);
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", (s + 30) / 60),
        s if s < 86_400 => format!("{}h", (s + 1800) / 3600),
        s => format!("{}d", (s + 43_200) / 86_400),
    }
}
