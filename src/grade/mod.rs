//! The grader: one answer to "is this response right, and how close", for
//! every card kind. Pure functions over the parsed deck; the study session
//! and the classroom quiz both grade through here.
//!
//! A card is first [`present`]ed (choice options and order items get a
//! fixed shuffled order, cloze gaps are masked), then a typed response is
//! [`grade`]d against that presentation.

pub mod text;

use rand::SeedableRng;
use rand::seq::SliceRandom;

use crate::deck::cloze;
use crate::deck::date::parse_date;
use crate::deck::model::Answer;
use crate::deck::model::Card;
use crate::deck::number::format_number;
use crate::deck::number::parse_number;
use text::TextMatch;

/// How a card is shown: what the student reads and the order of its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presentation {
    /// The question text (cloze gaps masked).
    pub prompt: String,
    /// Labelled options for `choice` and `order` cards, in shown order.
    pub options: Vec<String>,
    /// `order[i]` is the deck index of the option shown at position `i`.
    pub order: Vec<usize>,
    /// Whether several options may be right (a `choice` card with more than one answer).
    pub multiple: bool,
}

/// The outcome of grading one response.
#[derive(Debug, Clone, PartialEq)]
pub struct Grade {
    /// Whether the response counts as right.
    pub correct: bool,
    /// How close it came, 0 (nothing right) to 1 (fully right).
    pub closeness: f32,
    /// A remark such as "accepted with a typo", when there is one.
    pub note: Option<String>,
}

/// A response that cannot be graded because it is not in a form the card
/// understands (the frontend should ask again).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ResponseError(pub String);

/// The label of the option shown at position `i`: a, b, c…
pub fn label(i: usize) -> char {
    (b'a' + (i % 26) as u8) as char
}

/// Presents a card. `shuffle` seeds the option order of `choice` cards and
/// the item order of `order` cards; `None` keeps deck order for choices (an
/// `order` card is always shown out of order: a reversed list when unseeded).
pub fn present(card: &Card, shuffle: Option<u64>) -> Presentation {
    let (options, multiple, is_order) = match &card.answer {
        Answer::Choice { options, correct } => (options.clone(), correct.len() > 1, false),
        Answer::Order(items) => (items.clone(), false, true),
        _ => (Vec::new(), false, false),
    };
    let mut order: Vec<usize> = (0..options.len()).collect();
    match shuffle {
        Some(seed) => {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            order.shuffle(&mut rng);
            // An order question shown already in order gives itself away.
            if is_order && order.windows(2).all(|w| w[0] < w[1]) {
                order.reverse();
            }
        }
        None if is_order => order.reverse(),
        None => {}
    }
    let prompt = match &card.answer {
        Answer::Cloze(_) => cloze::masked(&card.prompt),
        _ => card.prompt.clone(),
    };
    Presentation {
        prompt,
        options: order.iter().map(|&i| options[i].clone()).collect(),
        order,
        multiple,
    }
}

/// The right answer, written out for feedback.
pub fn expected_answer(card: &Card) -> String {
    match &card.answer {
        Answer::Basic { answer, .. } => answer.clone(),
        Answer::Choice { options, correct } => correct
            .iter()
            .map(|&i| options[i].as_str())
            .collect::<Vec<_>>()
            .join("; "),
        Answer::TrueFalse(b) => if *b { "true" } else { "false" }.to_string(),
        Answer::Number(n) => n.to_string(),
        Answer::Date(d) => d.to_string(),
        Answer::Cloze(_) => cloze::filled(&card.prompt),
        Answer::Order(items) => items
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}. {s}", i + 1))
            .collect::<Vec<_>>()
            .join("  "),
    }
}

/// The right answer in the response syntax of this presentation, e.g. `c a b`
/// for an order card: what a student would have to type.
pub fn expected_response(card: &Card, shown: &Presentation) -> String {
    let position = |deck_index: usize| {
        shown
            .order
            .iter()
            .position(|&o| o == deck_index)
            .map(label)
            .unwrap_or('?')
    };
    match &card.answer {
        Answer::Choice { correct, .. } => correct
            .iter()
            .map(|&i| position(i).to_string())
            .collect::<Vec<_>>()
            .join(" "),
        Answer::Order(items) => (0..items.len())
            .map(|i| position(i).to_string())
            .collect::<Vec<_>>()
            .join(" "),
        Answer::Cloze(gaps) => gaps
            .iter()
            .map(|g| g.answers[0].as_str())
            .collect::<Vec<_>>()
            .join("; "),
        Answer::Number(n) => n.value.map(format_number).unwrap_or_else(|| n.to_string()),
        _ => expected_answer(card),
    }
}

fn right(closeness: f32, note: Option<String>) -> Grade {
    Grade {
        correct: true,
        closeness,
        note,
    }
}

fn wrong(closeness: f32) -> Grade {
    Grade {
        correct: false,
        closeness: closeness.clamp(0.0, 1.0),
        note: None,
    }
}

fn best_text_match<'a>(response: &str, candidates: impl IntoIterator<Item = &'a String>) -> Grade {
    // Every candidate is tried before a typo is reported: an answer that
    // is exactly an accepted alternative is exact, even when it is also a
    // typo away from the main answer.
    let mut best = 0.0f32;
    let mut close = None;
    for c in candidates {
        match text::compare(response, c) {
            TextMatch::Exact => return right(1.0, None),
            TextMatch::Close => close = close.or(Some(c)),
            TextMatch::Wrong(s) => best = best.max(s),
        }
    }
    match close {
        Some(c) => right(0.9, Some(format!("accepted with a typo: {c}"))),
        None => wrong(best * 0.8),
    }
}

/// Reads which of the shown `options` a response names: letters (`a c`,
/// `a,c`, `ac`), digits (`1 3`), one option's full text, or several
/// options' texts separated by `,` or `;`. Positions are
/// in response order and may repeat. The grader, the quiz's input check
/// and its distractor analysis all read choices through here.
pub fn chosen_positions(response: &str, options: &[String]) -> Result<Vec<usize>, ResponseError> {
    let n = options.len();
    let trimmed = response.trim();
    // The full text of an option counts as choosing it.
    if trimmed.chars().count() > 1
        && let Some(pos) = options
            .iter()
            .position(|o| text::normalize(o) == text::normalize(trimmed))
    {
        return Ok(vec![pos]);
    }
    // Several options by their text: "red, blue" or "red; blue".
    let by_text: Option<Vec<usize>> = trimmed
        .split([',', ';'])
        .map(|part| {
            let part = text::normalize(part);
            options.iter().position(|o| text::normalize(o) == part)
        })
        .collect();
    if let Some(picks) = by_text.filter(|p| p.len() > 1) {
        return Ok(picks);
    }
    let mut picks = Vec::new();
    for ch in trimmed.chars() {
        if ch.is_whitespace() || matches!(ch, ',' | ';' | '-' | '>' | ')' | '.') {
            continue;
        }
        let lower = ch.to_ascii_lowercase();
        let pos = if lower.is_ascii_lowercase() {
            (lower as u8 - b'a') as usize
        } else if let Some(d) = ch.to_digit(10) {
            (d as usize).wrapping_sub(1)
        } else {
            usize::MAX
        };
        if pos >= n {
            return Err(ResponseError(format!(
                "`{ch}` is not an option: answer with letters a–{}",
                label(n.saturating_sub(1))
            )));
        }
        picks.push(pos);
    }
    if picks.is_empty() {
        return Err(ResponseError(format!(
            "answer with a letter a–{}",
            label(n.saturating_sub(1))
        )));
    }
    Ok(picks)
}

/// Grades a typed response to a presented card. An empty response is a
/// wrong answer ("I don't know"); a response in a form the card cannot
/// read is a [`ResponseError`].
pub fn grade(card: &Card, shown: &Presentation, response: &str) -> Result<Grade, ResponseError> {
    let response = response.trim();
    if response.is_empty() {
        return Ok(wrong(0.0));
    }
    Ok(match &card.answer {
        Answer::Basic { answer, accept } => {
            best_text_match(response, std::iter::once(answer).chain(accept))
        }
        Answer::Choice { correct, .. } => {
            let mut picked: Vec<usize> = chosen_positions(response, &shown.options)?
                .into_iter()
                .map(|p| shown.order[p])
                .collect();
            picked.sort_unstable();
            picked.dedup();
            let mut want = correct.clone();
            want.sort_unstable();
            if picked == want {
                right(1.0, None)
            } else {
                let hits = picked.iter().filter(|p| want.contains(p)).count() as f32;
                let misses = picked.len() as f32 - hits;
                let total = want.len().max(1) as f32;
                wrong((hits - misses).max(0.0) / total)
            }
        }
        Answer::TrueFalse(expected) => {
            let said = match text::normalize(response).as_str() {
                "t" | "true" | "y" | "yes" | "right" | "correct" => true,
                "f" | "false" | "n" | "no" | "wrong" | "incorrect" => false,
                _ => return Err(ResponseError("answer true or false (t/f)".into())),
            };
            if said == *expected {
                right(1.0, None)
            } else {
                wrong(0.0)
            }
        }
        Answer::Number(expected) => {
            let value = parse_number(response).map_err(|e| ResponseError(e.to_string()))?;
            if expected.accepts(value) {
                right(1.0, None)
            } else {
                let target = expected
                    .value
                    .unwrap_or((expected.low + expected.high) / 2.0);
                let rel = ((value - target).abs() / target.abs().max(1.0)) as f32;
                wrong(1.0 - rel.min(1.0))
            }
        }
        Answer::Date(expected) => {
            let given = parse_date(response).map_err(|e| ResponseError(e.to_string()))?;
            if expected.matches(&given) {
                right(1.0, None)
            } else {
                wrong(1.0 - (expected.days_apart(&given) as f32 / 365.0).min(1.0))
            }
        }
        Answer::Cloze(gaps) => {
            let parts: Vec<&str> = if gaps.len() == 1 {
                vec![response]
            } else {
                response.split(';').map(str::trim).collect()
            };
            if parts.len() != gaps.len() {
                return Err(ResponseError(format!(
                    "this card has {} gaps: answer them in order, separated by `;`",
                    gaps.len()
                )));
            }
            let grades: Vec<Grade> = gaps
                .iter()
                .zip(&parts)
                .map(|(g, p)| best_text_match(p, &g.answers))
                .collect();
            let all = grades.iter().all(|g| g.correct);
            let closeness = grades.iter().map(|g| g.closeness).sum::<f32>() / grades.len() as f32;
            let note = grades.iter().find_map(|g| g.note.clone());
            if all {
                right(closeness, note)
            } else {
                wrong(closeness)
            }
        }
        Answer::Order(items) => {
            let picks = chosen_positions(response, &shown.options)?;
            let mut seen = vec![false; items.len()];
            for &p in &picks {
                if std::mem::replace(&mut seen[p], true) {
                    return Err(ResponseError(format!(
                        "`{}` is listed twice: give each letter once",
                        label(p)
                    )));
                }
            }
            if picks.len() != items.len() {
                return Err(ResponseError(format!(
                    "list all {} letters in order, e.g. `{}`",
                    items.len(),
                    (0..items.len())
                        .map(|i| label(i).to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                )));
            }
            let ranks: Vec<usize> = picks.iter().map(|&p| shown.order[p]).collect();
            let pairs = ranks.len() * (ranks.len() - 1) / 2;
            let concordant = (0..ranks.len())
                .flat_map(|i| (i + 1..ranks.len()).map(move |j| (i, j)))
                .filter(|&(i, j)| ranks[i] < ranks[j])
                .count();
            let closeness = concordant as f32 / pairs.max(1) as f32;
            if concordant == pairs {
                right(1.0, None)
            } else {
                wrong(closeness)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn choices_are_read_by_letter_digit_or_text() {
        let o = options(&["red", "green", "blue"]);
        assert_eq!(chosen_positions("a c", &o), Ok(vec![0, 2]));
        assert_eq!(chosen_positions("1,3", &o), Ok(vec![0, 2]));
        assert_eq!(chosen_positions("Green", &o), Ok(vec![1]));
        assert_eq!(chosen_positions("red, blue", &o), Ok(vec![0, 2]));
        assert_eq!(chosen_positions("red; blue", &o), Ok(vec![0, 2]));
        assert!(chosen_positions("d", &o).is_err());
        assert!(chosen_positions("", &o).is_err());
    }

    fn card(toml_card: &str) -> crate::deck::Card {
        let text = format!(
            "[deck]\nid = \"g\"\ntitle = \"G\"\ndescription = \"g\"\n\n[[card]]\nid = \"c\"\n{toml_card}"
        );
        let (deck, diags) = crate::deck::parse::parse_deck(std::path::Path::new("g.toml"), &text);
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        deck.unwrap().cards.remove(0)
    }

    #[test]
    fn an_exact_alternative_is_exact_not_a_typo() {
        // "Jon" is a typo of "John" and exactly the alternative "Jon".
        let c = card(
            "kind = \"basic\"\nprompt = \"Name?\"\nanswer = \"Johnathan\"\naccept = [\"Jonathan\"]",
        );
        let shown = present(&c, Some(1));
        let g = grade(&c, &shown, "Jonathan").unwrap();
        assert!(g.correct);
        assert_eq!(g.note, None, "{g:?}");
        let g = grade(&c, &shown, "Jonathon").unwrap();
        assert!(g.correct);
        assert!(g.note.unwrap().contains("typo"));
    }

    #[test]
    fn ordinal_days_are_accepted_in_dates() {
        let c = card("kind = \"date\"\nprompt = \"When?\"\nanswer = \"2020-12-31\"");
        let shown = present(&c, Some(1));
        for r in [
            "December 31st, 2020",
            "31st December 2020",
            "the 31st of Dec. 2020",
        ] {
            assert!(grade(&c, &shown, r).unwrap().correct, "{r}");
        }
    }
}
