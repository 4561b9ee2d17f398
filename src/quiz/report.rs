//! The report: every valid attempt graded with the key, then per-student
//! results, per-item statistics, distractor analysis, whole-test
//! statistics and flags, each flagged item traced back to its card and the
//! evidence for it. [`Report`] serialises to JSON as is; [`render_text`]
//! draws it for the terminal.

use std::fmt::Write as _;

use serde::Serialize;

use super::collect::Collected;
use super::collect::Rejection;
use super::distractors::Distractors;
use super::distractors::analyse_options;
use super::flags::Flag;
use super::flags::flags;
use super::form::Key;
use super::form::KeyDeck;
use super::item_analysis::ItemStats;
use super::item_analysis::Marks;
use super::item_analysis::analyse;
use super::item_analysis::extreme_groups;
use super::sanitize::one_line;
use super::test_stats::TestStats;
use super::test_stats::test_stats;
use crate::deck::model::Answer;
use crate::deck::model::Card;
use crate::grade::expected_answer;
use crate::grade::expected_response;

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
    /// Files left out, and why.
    pub rejected: Vec<Rejection>,
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
    /// Each answer.
    pub responses: Vec<ResponseRow>,
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
    /// The prompt as shown.
    pub prompt: String,
    /// The right answer, written out.
    pub answer: String,
    /// The right answer as a student would type it on this form.
    pub expected_response: String,
    /// Moodle's statistics.
    pub stats: ItemStats,
    /// Option analysis, for choice items.
    pub distractors: Option<Distractors>,
    /// Why to look at it (none in a small class).
    pub flags: Vec<Flag>,
    /// The card's explanation.
    pub explanation: Option<String>,
    /// The card's evidence, with its sources.
    pub evidence: Vec<EvidenceRow>,
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
        Answer::Order(items) => Some(1.0 / (1..=items.len()).map(|k| k as f64).product::<f64>()),
        _ => Some(0.0),
    }
}

/// Builds the report.
pub fn build(key: &Key, collected: Collected, min_class_size: usize) -> Report {
    let attempts = &collected.attempts;
    let items = key.items.len();
    let graded = super::collect::graded_items(key);
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
    let names: Vec<String> = attempts.iter().map(|a| a.student.clone()).collect();
    let guesses: Vec<Option<f64>> = graded.iter().map(|(c, _)| random_guess(c)).collect();
    let stats = analyse(&marks, &guesses, &names);
    let groups = extreme_groups(&marks.totals, &names);
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
            let item_flags = if small_class || attempts.is_empty() {
                Vec::new()
            } else {
                flags(&stats, distractors.as_ref())
            };
            ItemReport {
                position: i + 1,
                id: item.id.clone(),
                card_id: card.id.clone(),
                kind: card.kind().name().to_string(),
                prompt: shown.prompt.clone(),
                answer: expected_answer(card),
                expected_response: expected_response(card, shown),
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
    let students = attempts
        .iter()
        .map(|a| StudentRow {
            student: a.student.clone(),
            file: a.file.display().to_string(),
            receipt: a.receipt.clone(),
            score: a.score(),
            percent: 100.0 * a.score() as f64 / items as f64,
            seconds: a.seconds(),
            time_up: a.time_up,
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
        rejected: collected.rejected,
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

/// The report as terminal text (deck and student text cleaned).
pub fn render_text(r: &Report) -> String {
    let mut s = String::new();
    let t = &r.test;
    let _ = writeln!(
        s,
        "Quiz report: {}  (form {}…)",
        one_line(&r.deck.title),
        r.form_fingerprint.get(..12).unwrap_or("")
    );
    let _ = writeln!(
        s,
        "{} students, {} items; {} file{} rejected",
        t.n,
        t.items,
        r.rejected.len(),
        if r.rejected.len() == 1 { "" } else { "s" }
    );
    if r.small_class {
        let _ = writeln!(
            s,
            "Fewer than {} students: every index is shown with its N and no item is flagged.",
            r.min_class_size
        );
    }
    let pct = |v: Option<f64>| v.map(|v| 100.0 * v / t.items as f64);
    let _ = writeln!(s, "\nTest");
    let _ = writeln!(
        s,
        "  mean           {} / {} ({} %)",
        num(t.mean, 2),
        t.items,
        num(pct(t.mean), 1)
    );
    let _ = writeln!(
        s,
        "  median         {} ({} %)",
        num(t.median, 2),
        num(pct(t.median), 1)
    );
    let _ = writeln!(
        s,
        "  SD             {} ({} %)",
        r.index(t.sd, 2),
        num(pct(t.sd), 1)
    );
    let _ = writeln!(s, "  skewness       {}", r.index(t.skewness, 3));
    let _ = writeln!(s, "  kurtosis       {}", r.index(t.kurtosis, 3));
    let _ = writeln!(s, "  CIC (alpha)    {} %", r.index(t.cic, 1));
    let _ = writeln!(s, "  error ratio    {} %", r.index(t.error_ratio, 1));
    let _ = writeln!(s, "  standard error {}", r.index(t.standard_error, 2));

    let _ = writeln!(s, "\nStudents");
    for st in &r.students {
        let _ = writeln!(
            s,
            "  {:<20} {:>3}/{} {:>5.1} %  {:>6}  receipt {}{}",
            one_line(&st.student),
            st.score,
            t.items,
            st.percent,
            duration(st.seconds),
            st.receipt,
            if st.time_up { "  (time up)" } else { "" }
        );
        let answers: Vec<String> = st
            .responses
            .iter()
            .map(|a| {
                format!(
                    "{}:{}{}",
                    a.position,
                    a.response.as_deref().map_or_else(|| "—".into(), one_line),
                    if a.correct { "✓" } else { "✗" }
                )
            })
            .collect();
        let _ = writeln!(s, "      {}", answers.join("  "));
    }

    let _ = writeln!(
        s,
        "\nItems (%; DI = discrimination index, DE = discriminative efficiency, EW = effective weight, U−L = 27 % index)"
    );
    let _ = writeln!(
        s,
        "  {:>3} {:<6} {:<9} {:>4} {:>8} {:>6} {:>6} {:>7} {:>7} {:>6} {:>6}  flags",
        "#", "id", "kind", "N", "facility", "SD", "guess", "DI", "DE", "EW", "U−L"
    );
    for it in &r.items {
        let st = &it.stats;
        let ew = if st.negative_covariance {
            "neg.cov".to_string()
        } else {
            num(st.effective_weight, 1)
        };
        let _ = writeln!(
            s,
            "  {:>3} {:<6} {:<9} {:>4} {:>8} {:>6} {:>6} {:>7} {:>7} {:>6} {:>6}  {}",
            it.position,
            it.id,
            it.kind,
            st.n,
            num(st.facility, 1),
            num(st.sd, 1),
            num(st.random_guess, 1),
            num(st.discrimination_index, 1),
            num(st.discriminative_efficiency, 1),
            ew,
            num(st.upper_lower, 2),
            it.flags
                .iter()
                .map(|f| f.code)
                .collect::<Vec<_>>()
                .join(",")
        );
    }
    if r.small_class {
        let _ = writeln!(
            s,
            "  (N={} for every item index: too few students to trust them)",
            t.n
        );
    }

    for it in &r.items {
        if let Some(d) = &it.distractors {
            let _ = writeln!(s, "\nOptions of item {} ({})", it.position, it.id);
            let _ = writeln!(
                s,
                "      {:<30} {:>5} {:>6} {:>5} {:>5} {:>10} {:>8}",
                "option", "count", "%", "upper", "lower", "mean total", "r(rest)"
            );
            for o in &d.options {
                let mut text = one_line(&o.text);
                if text.chars().count() > 28 {
                    text = text.chars().take(27).collect::<String>() + "…";
                }
                let _ = writeln!(
                    s,
                    "   {} {}) {:<28} {:>5} {:>6.1} {:>5} {:>5} {:>10} {:>8}",
                    if o.key { "*" } else { " " },
                    o.label,
                    text,
                    o.count,
                    o.percent,
                    o.upper,
                    o.lower,
                    num(o.mean_total, 2),
                    r.index(o.rest_correlation, 2)
                );
            }
            if d.blank + d.unreadable > 0 {
                let _ = writeln!(s, "      blank {}, unreadable {}", d.blank, d.unreadable);
            }
        }
    }

    let flagged: Vec<&ItemReport> = r.items.iter().filter(|i| !i.flags.is_empty()).collect();
    if !flagged.is_empty() {
        let _ = writeln!(s, "\nFlagged items");
        for it in flagged {
            let _ = writeln!(
                s,
                "\n  Item {} ({}) — card `{}` ({})",
                it.position,
                it.id,
                one_line(&it.card_id),
                it.kind
            );
            let _ = writeln!(s, "    {}", one_line(&it.prompt));
            let _ = writeln!(
                s,
                "    answer: {}  (typed: {})",
                one_line(&it.answer),
                one_line(&it.expected_response)
            );
            for f in &it.flags {
                let _ = writeln!(s, "    ! {}", f.reason);
            }
            for e in &it.evidence {
                let src = evidence_source(e);
                match &e.quote {
                    Some(q) => {
                        let _ = writeln!(s, "    evidence: “{}” — {src}", one_line(q));
                    }
                    None => {
                        let _ = writeln!(s, "    cites: {src}");
                    }
                }
            }
        }
    }

    if !r.rejected.is_empty() {
        let _ = writeln!(s, "\nRejected files");
        for rej in &r.rejected {
            let _ = writeln!(s, "  {}: {}", rej.file.display(), one_line(&rej.reason));
        }
    }
    s
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
