//! A card as the key file stores it. The deck model is not serialisable
//! (it keeps spans into its file), so the key carries this mirror and turns
//! it back into a [`Card`] to grade with [`crate::grade`]. Reading a
//! hand-edited key checks what the parser would have checked.

use serde::Deserialize;
use serde::Serialize;

use crate::deck::date::PartialDate;
use crate::deck::model::Answer;
use crate::deck::model::Card;
use crate::deck::model::CardSpans;
use crate::deck::model::Evidence;
use crate::deck::model::Gap;
use crate::deck::number::NumberAnswer;

/// A card's answer, by kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum KeyAnswer {
    /// `basic`.
    Basic {
        /// Canonical answer.
        answer: String,
        /// Other accepted forms.
        accept: Vec<String>,
    },
    /// `choice`.
    Choice {
        /// Options in deck order.
        options: Vec<String>,
        /// Deck indices of the right options.
        correct: Vec<usize>,
    },
    /// `truefalse`.
    TrueFalse {
        /// The right answer.
        answer: bool,
    },
    /// `number`.
    Number {
        /// Expected value, if one was given.
        value: Option<f64>,
        /// Unit.
        unit: Option<String>,
        /// Lowest accepted.
        low: f64,
        /// Highest accepted.
        high: f64,
    },
    /// `date`.
    Date {
        /// Year.
        year: i32,
        /// Month, when the answer is that precise.
        month: Option<u32>,
        /// Day, when the answer is that precise.
        day: Option<u32>,
    },
    /// `cloze` (the gaps are in the prompt, repeated here for the reader).
    Cloze {
        /// The gaps' accepted answers, in order.
        gaps: Vec<KeyGap>,
    },
    /// `order`.
    Order {
        /// Items in the right order.
        items: Vec<String>,
    },
}

/// One cloze gap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyGap {
    /// The `N` of `cN`.
    pub number: u32,
    /// Accepted answers.
    pub answers: Vec<String>,
    /// Hint shown in the gap.
    pub hint: Option<String>,
}

/// One citation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyEvidence {
    /// Source id (see the key's `sources`).
    pub source: String,
    /// Verbatim quote.
    pub quote: Option<String>,
}

/// A card as stored in the key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyCard {
    /// Card id in the deck.
    pub id: String,
    /// The prompt as written in the deck (cloze gaps included).
    pub prompt: String,
    /// What counts as right.
    pub answer: KeyAnswer,
    /// Why.
    pub explanation: Option<String>,
    /// Topics.
    pub topics: Vec<String>,
    /// Citations.
    pub evidence: Vec<KeyEvidence>,
    /// Where a source says otherwise.
    pub differs: Option<String>,
}

impl KeyCard {
    /// Mirrors a deck card.
    pub fn from_card(card: &Card) -> Self {
        let answer = match &card.answer {
            Answer::Basic { answer, accept } => KeyAnswer::Basic {
                answer: answer.clone(),
                accept: accept.clone(),
            },
            Answer::Choice { options, correct } => KeyAnswer::Choice {
                options: options.clone(),
                correct: correct.clone(),
            },
            Answer::TrueFalse(b) => KeyAnswer::TrueFalse { answer: *b },
            Answer::Number(n) => KeyAnswer::Number {
                value: n.value,
                unit: n.unit.clone(),
                low: n.low,
                high: n.high,
            },
            Answer::Date(d) => KeyAnswer::Date {
                year: d.year,
                month: d.month,
                day: d.day,
            },
            Answer::Cloze(gaps) => KeyAnswer::Cloze {
                gaps: gaps
                    .iter()
                    .map(|g| KeyGap {
                        number: g.number,
                        answers: g.answers.clone(),
                        hint: g.hint.clone(),
                    })
                    .collect(),
            },
            Answer::Order(items) => KeyAnswer::Order {
                items: items.clone(),
            },
        };
        KeyCard {
            id: card.id.clone(),
            prompt: card.prompt.clone(),
            answer,
            explanation: card.explanation.clone(),
            topics: card.topics.clone(),
            evidence: card
                .evidence
                .iter()
                .map(|e| KeyEvidence {
                    source: e.source.clone(),
                    quote: e.quote.clone(),
                })
                .collect(),
            differs: card.differs.clone(),
        }
    }

    /// Turns the stored card back into a deck card, refusing what the deck
    /// parser would have refused (so a hand-edited key cannot make the
    /// grader index out of bounds).
    pub fn to_card(&self) -> Result<Card, String> {
        let answer = match &self.answer {
            KeyAnswer::Basic { answer, accept } => Answer::Basic {
                answer: answer.clone(),
                accept: accept.clone(),
            },
            KeyAnswer::Choice { options, correct } => {
                if options.len() < 2 || correct.is_empty() {
                    return Err("a choice needs two options and a right one".into());
                }
                if let Some(bad) = correct.iter().find(|&&c| c >= options.len()) {
                    return Err(format!("right option {bad} is not among the options"));
                }
                Answer::Choice {
                    options: options.clone(),
                    correct: correct.clone(),
                }
            }
            KeyAnswer::TrueFalse { answer } => Answer::TrueFalse(*answer),
            KeyAnswer::Number {
                value,
                unit,
                low,
                high,
            } => Answer::Number(NumberAnswer::with_range(*value, *low, *high, unit.clone())),
            KeyAnswer::Date { year, month, day } => {
                Answer::Date(PartialDate::new(*year, *month, *day)?)
            }
            KeyAnswer::Cloze { gaps } => {
                if gaps.is_empty() || gaps.iter().any(|g| g.answers.is_empty()) {
                    return Err("a cloze needs gaps with answers".into());
                }
                Answer::Cloze(
                    gaps.iter()
                        .map(|g| Gap {
                            number: g.number,
                            answers: g.answers.clone(),
                            hint: g.hint.clone(),
                        })
                        .collect(),
                )
            }
            KeyAnswer::Order { items } => {
                if items.len() < 2 {
                    return Err("an order card needs two items".into());
                }
                Answer::Order(items.clone())
            }
        };
        Ok(Card {
            id: self.id.clone(),
            prompt: self.prompt.clone(),
            answer,
            explanation: self.explanation.clone(),
            topics: self.topics.clone(),
            evidence: self
                .evidence
                .iter()
                .map(|e| Evidence {
                    source: e.source.clone(),
                    quote: e.quote.clone(),
                    source_span: 0..0,
                    quote_span: None,
                })
                .collect(),
            differs: self.differs.clone(),
            spans: CardSpans::default(),
        })
    }
}
