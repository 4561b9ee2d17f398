//! The report: every valid attempt graded with the key, then per-student
//! results, per-item statistics, distractor analysis, whole-test
//! statistics and flags, each flagged item traced back to its card and the
//! evidence for it. [`Report`] serialises to JSON as is;
//! [`super::text_report`] draws it for the terminal.

use serde::Serialize;

use super::collect::Collected;
use super::collect::Rejection;
use super::distractors::Distractors;
use super::distractors::analyse_options;
use super::flags::Flag;
use super::flags::flags;
use super::flags::needs_checking;
use super::form::Key;
use super::form::KeyDeck;
use super::item_analysis::ItemStats;
use super::item_analysis::Marks;
use super::item_analysis::analyse;
use super::item_analysis::extreme_groups;
use super::test_stats::TestStats;
use super::test_stats::test_stats;
use crate::deck::model::Answer;
use crate::deck::model::Card;
use crate::grade::expected_answer;
use crate::grade::expected_response;
use crate::sanitize::one_line;

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The form the results are for.
    pub form_fingerprint: String,
    /// The deck it came from.
    pub deck: KeyDeck,
    /// Below this many students, no flags are raised.
    pub min_class_size: usize,
    /// Whether the class is smaller than that.
    pub small_class: bool,
    /// Whole-test statistics.
    pub test: TestStats,
    /// One row per valid attempt, by name.
    pub students: Vec<StudentRow>,
    /// One entry per item, in form order.
    pub items: Vec<ItemReport>,
    /// The class's results by the cards' topics.
    pub topics: Vec<TopicRow>,
    /// Files left out, and why.
    pub rejected: Vec<Rejection>,
    /// The key's regrades, applied to every sitting (removed items are
    /// not in `items`).
    pub regrades: Vec<super::regrade::Regrade>,
    /// Rasch item difficulties (form order) and student abilities (in
    /// `students` order); `None` when nothing can be estimated.
    pub rasch: Option<super::rasch::Rasch>,
}

/// One student.
#[derive(Debug, Clone, Serialize)]
pub struct StudentRow {
    /// Name.
    pub student: String,
    /// Result file.
    pub file: String,
    /// Receipt code.
    pub receipt: String,
    /// Right answers.
    pub score: usize,
    /// Score as % of the items.
    pub percent: f64,
    /// Seconds in total.
    pub seconds: u64,
    /// Whether the time limit ran out.
    pub time_up: bool,
    /// When the attempt began.
    pub started: String,
    /// When it was submitted.
    pub submitted: String,
    /// What is implausible about the sitting's times (written by the
    /// student's machine): empty for an honest file.
    pub timing: Vec<String>,
    /// Each answer.
    pub responses: Vec<ResponseRow>,
    /// Right answers by topic: (topic, right, items).
    pub topics: Vec<(String, usize, usize)>,
}

/// One topic across the class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicRow {
    /// The topic.
    pub topic: String,
    /// Items on the form with this topic.
    pub items: usize,
    /// Share of right answers to those items over the class, %.
    pub facility: Option<f64>,
}

/// Each topic with the positions (0-based) of its items, topics sorted.
fn topic_items(key: &Key) -> Vec<(String, Vec<usize>)> {
    let mut by: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    for (i, item) in key.items.iter().enumerate() {
        for t in &item.card.topics {
            by.entry(t.clone()).or_default().push(i);
        }
    }
    by.into_iter().collect()
}

/// One answer of one student.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseRow {
    /// Item id.
    pub item: String,
    /// 1-based position on the form.
    pub position: usize,
    /// What was typed.
    pub response: Option<String>,
    /// Graded right.
    pub correct: bool,
    /// Mark (0 or 1).
    pub score: f64,
    /// Seconds on the item.
    pub seconds: u64,
    /// Grader's note.
    pub note: Option<String>,
}

/// One item.
#[derive(Debug, Clone, Serialize)]
pub struct ItemReport {
    /// 1-based position.
    pub position: usize,
    /// Form item id.
    pub id: String,
    /// Deck card id.
    pub card_id: String,
    /// Card kind.
    pub kind: String,
    /// The card's topics.
    pub topics: Vec<String>,
    /// The prompt as shown.
    pub prompt: String,
    /// The right answer, written out.
    pub answer: String,
    /// The right answer as a student would type it on this form.
    pub expected_response: String,
    /// Mean seconds students spent on it.
    pub mean_seconds: Option<f64>,
    /// Moodle's statistics.
    pub stats: ItemStats,
    /// Moodle's "needs checking?" band from the discrimination index
    /// ("very likely", "likely", "unlikely"); `None` when undefined.
    pub needs_checking: Option<&'static str>,
    /// Students who left it blank.
    pub blank: usize,
    /// Every response given, grouped by its normalised text (case, spaces
    /// and punctuation aside), most frequent first: for typed items, the
    /// common wrong answers are where a misconception or a key mistake
    /// shows first.
    pub responses: Vec<ResponseCount>,
    /// Option analysis, for choice items.
    pub distractors: Option<Distractors>,
    /// Why to look at it (none in a small class).
    pub flags: Vec<Flag>,
    /// The card's explanation.
    pub explanation: Option<String>,
    /// The card's evidence, with its sources.
    pub evidence: Vec<EvidenceRow>,
}

/// One distinct response to an item and how many gave it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseCount {
    /// The response as first written (later ones may differ in case or spacing).
    pub response: String,
    /// How many students gave it.
    pub count: usize,
    /// Whether the grader accepted it.
    pub correct: bool,
}

/// Groups an item's responses by normalised text, most frequent first
/// (ties by text, so the order never depends on the result files').
pub fn response_counts<'a>(responses: impl Iterator<Item = (&'a str, bool)>) -> Vec<ResponseCount> {
    let mut groups: std::collections::BTreeMap<(String, bool), ResponseCount> = Default::default();
    for (text, correct) in responses {
        let key = (crate::grade::text::normalize(text), correct);
        groups
            .entry(key)
            .and_modify(|g| {
                g.count += 1;
                // Keep the smallest spelling, so the group's label does not
                // depend on which file was read first.
                if text.trim() < g.response.as_str() {
                    g.response = text.trim().to_string();
                }
            })
            .or_insert_with(|| ResponseCount {
                response: text.trim().to_string(),
                count: 1,
                correct,
            });
    }
    let mut out: Vec<ResponseCount> = groups.into_values().collect();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.response.cmp(&b.response))
    });
    out
}

/// One quote and where it is from.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRow {
    /// Source id.
    pub source: String,
    /// Headline.
    pub title: Option<String>,
    /// Publisher.
    pub publisher: Option<String>,
    /// Date.
    pub date: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// The quote.
    pub quote: Option<String>,
}

/// The chance of guessing an item right, as Moodle computes it.
pub fn random_guess(card: &Card) -> Option<f64> {
    match &card.answer {
        Answer::Choice { options, correct } if correct.len() == 1 => {
            Some(1.0 / options.len() as f64)
        }
        Answer::Choice { .. } => None,
        Answer::TrueFalse(_) => Some(0.5),
        // Moodle's ordering question reports 0 (its random-guess score is
        // not defined for orderings); the chance of guessing a whole order
        // of n items, 1/n!, is near 0 anyway.
        Answer::Order(_) => Some(0.0),
        _ => Some(0.0),
    }
}

/// Builds the report.
pub fn build(key: &Key, collected: Collected, min_class_size: usize) -> Report {
    let items = key.items.len();
    let graded = super::collect::graded_items(key);
    // Statistics are computed over the attempts in an order fixed by their
    // answers alone, never by names or file order: floating-point sums then
    // come out bit for bit the same however the class is named or listed.
    let mut by_answers: Vec<&super::collect::Attempt> = collected.attempts.iter().collect();
    // Compared in place: the same lexicographic order as comparing the
    // lists of (correct, text), without copying 100 answers per comparison.
    fn answers(x: &super::collect::Attempt) -> impl Iterator<Item = (bool, Option<&str>)> + '_ {
        x.responses.iter().map(|r| (r.correct, r.text.as_deref()))
    }
    by_answers.sort_by(|a, b| answers(a).cmp(answers(b)));
    let attempts = &by_answers;
    let marks = Marks::new(
        attempts
            .iter()
            .map(|a| {
                a.responses
                    .iter()
                    .map(|r| f64::from(u8::from(r.correct)))
                    .collect()
            })
            .collect(),
    );
    let guesses: Vec<Option<f64>> = graded.iter().map(|(c, _)| random_guess(c)).collect();
    let stats = analyse(&marks, &guesses);
    let groups = extreme_groups(&marks.totals);
    let small_class = attempts.len() < min_class_size;
    let item_reports = key
        .items
        .iter()
        .enumerate()
        .zip(stats)
        .map(|((i, item), stats)| {
            let (card, shown) = &graded[i];
            let distractors = match &card.answer {
                Answer::Choice { correct, .. } => {
                    let responses: Vec<Option<&str>> = attempts
                        .iter()
                        .map(|a| a.responses[i].text.as_deref())
                        .collect();
                    Some(analyse_options(
                        i,
                        shown,
                        correct,
                        &responses,
                        &marks,
                        groups.as_ref(),
                    ))
                }
                _ => None,
            };
            let given = || {
                attempts.iter().filter_map(move |a| {
                    let r = &a.responses[i];
                    r.text
                        .as_deref()
                        .filter(|t| !t.trim().is_empty())
                        .map(|t| (t, r.correct))
                })
            };
            let answered = given().count();
            let item_flags = if small_class || attempts.is_empty() {
                Vec::new()
            } else {
                flags(&stats, distractors.as_ref(), answered)
            };
            ItemReport {
                position: i + 1,
                id: item.id.clone(),
                card_id: card.id.clone(),
                kind: card.kind().name().to_string(),
                topics: key.items[i].card.topics.clone(),
                prompt: shown.prompt.clone(),
                answer: expected_answer(card),
                expected_response: expected_response(card, shown),
                needs_checking: stats.discrimination_index.map(needs_checking),
                blank: attempts.len() - answered,
                responses: response_counts(given()),
                mean_seconds: super::stats::mean(
                    &attempts
                        .iter()
                        .map(|a| a.responses[i].seconds as f64)
                        .collect::<Vec<_>>(),
                ),
                stats,
                distractors,
                flags: item_flags,
                explanation: card.explanation.clone(),
                evidence: card
                    .evidence
                    .iter()
                    .map(|e| {
                        let s = key.source(&e.source);
                        EvidenceRow {
                            source: e.source.clone(),
                            title: s.map(|s| s.title.clone()),
                            publisher: s.and_then(|s| s.publisher.clone()),
                            date: s.and_then(|s| s.date.clone()),
                            url: s.and_then(|s| s.url.clone()),
                            quote: e.quote.clone(),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    // In the students' order, so each ability lines up with its student.
    let rasch = super::rasch::estimate(
        &collected
            .attempts
            .iter()
            .map(|a| {
                a.responses
                    .iter()
                    .map(|r| f64::from(u8::from(r.correct)))
                    .collect()
            })
            .collect::<Vec<_>>(),
    );
    let topics = topic_items(key);
    let topic_rows = topics
        .iter()
        .map(|(topic, its)| {
            let right: usize = attempts
                .iter()
                .map(|a| its.iter().filter(|&&i| a.responses[i].correct).count())
                .sum();
            let asked = its.len() * attempts.len();
            TopicRow {
                topic: topic.clone(),
                items: its.len(),
                facility: (asked > 0).then(|| 100.0 * right as f64 / asked as f64),
            }
        })
        .collect();
    let students = collected
        .attempts
        .iter()
        .map(|a| StudentRow {
            topics: topics
                .iter()
                .map(|(t, its)| {
                    let right = its.iter().filter(|&&i| a.responses[i].correct).count();
                    (t.clone(), right, its.len())
                })
                .collect(),
            student: a.student.clone(),
            file: crate::sanitize::path(&a.file),
            receipt: a.receipt.clone(),
            score: a.score(),
            percent: 100.0 * a.score() as f64 / items as f64,
            seconds: a.seconds(),
            time_up: a.time_up,
            started: a.started.clone(),
            submitted: a.submitted.clone(),
            timing: a.timing.clone(),
            responses: a
                .responses
                .iter()
                .enumerate()
                .map(|(i, r)| ResponseRow {
                    item: key.items[i].id.clone(),
                    position: i + 1,
                    response: r.text.clone(),
                    correct: r.correct,
                    score: f64::from(u8::from(r.correct)),
                    seconds: r.seconds,
                    note: r.note.clone(),
                })
                .collect(),
        })
        .collect();
    Report {
        form_fingerprint: key.form_fingerprint.clone(),
        deck: key.deck.clone(),
        min_class_size,
        small_class,
        test: test_stats(&marks, items),
        students,
        items: item_reports,
        topics: topic_rows,
        rejected: collected.rejected,
        regrades: key.regrades.clone(),
        rasch,
    }
}

/// `m:ss`.
pub fn duration(seconds: u64) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// A number with `digits` decimals, or `—` when undefined.
pub fn num(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v:.digits$}"))
}

impl Report {
    /// An index as printed: with `(N=…)` beside it in a small class.
    pub fn index(&self, v: Option<f64>, digits: usize) -> String {
        if self.small_class {
            format!("{} (N={})", num(v, digits), self.test.n)
        } else {
            num(v, digits)
        }
    }
}

/// "Title, Publisher, date" for a piece of evidence.
pub fn evidence_source(e: &EvidenceRow) -> String {
    let mut parts = vec![one_line(e.title.as_deref().unwrap_or(&e.source))];
    if let Some(p) = &e.publisher {
        parts.push(one_line(p));
    }
    if let Some(d) = &e.date {
        parts.push(one_line(d));
    }
    parts.join(", ")
}
