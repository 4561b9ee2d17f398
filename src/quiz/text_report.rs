//! The report as terminal text: test statistics, students with each
//! answer, the item table, option analysis, flagged items with their card
//! and evidence, and the rejected files. All deck and student text is
//! cleaned of control sequences.

use std::fmt::Write as _;

use super::report::ItemReport;
use super::report::Report;
use super::report::duration;
use super::report::evidence_source;
use super::report::num;
use crate::sanitize::one_line;

/// How many wrong answers per item the text report lists.
const COMMON_WRONG: usize = 5;

/// An item's flag codes, each once ("unused-distractor" for two options
/// is one code; the reasons name each option).
pub fn flag_codes(it: &ItemReport) -> String {
    let mut codes: Vec<&str> = Vec::new();
    for f in &it.flags {
        if !codes.contains(&f.code) {
            codes.push(f.code);
        }
    }
    codes.join(",")
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
    for note in &t.notes {
        let _ = writeln!(s, "  note: {note}");
    }

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
        for t in &st.timing {
            let _ = writeln!(s, "    ! implausible times: {}", one_line(t));
        }
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
        "\nItems (%; DI = discrimination index (item against the rest of the test), r(pb) = uncorrected point-biserial, DE = discriminative efficiency, EW = effective weight, U−L = 27 % index, time = mean time on the item)"
    );
    let _ = writeln!(
        s,
        "  {:>3} {:<6} {:<9} {:>4} {:>5} {:>8} {:>6} {:>6} {:>7} {:>7} {:>7} {:>6} {:>6} {:>6}  flags",
        "#",
        "id",
        "kind",
        "N",
        "blank",
        "facility",
        "SD",
        "guess",
        "DI",
        "r(pb)",
        "DE",
        "EW",
        "U−L",
        "time"
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
            "  {:>3} {:<6} {:<9} {:>4} {:>5} {:>8} {:>6} {:>6} {:>7} {:>7} {:>7} {:>6} {:>6} {:>6}  {}",
            it.position,
            it.id,
            it.kind,
            st.n,
            it.blank,
            num(st.facility, 1),
            num(st.sd, 1),
            num(st.random_guess, 1),
            num(st.discrimination_index, 1),
            num(st.point_biserial, 1),
            num(st.discriminative_efficiency, 1),
            ew,
            num(st.upper_lower, 2),
            it.mean_seconds
                .map_or_else(|| "—".into(), |m| duration(m.round() as u64)),
            flag_codes(it)
        );
    }
    if r.small_class {
        let _ = writeln!(
            s,
            "  (N={} for every item index: too few students to trust them)",
            t.n
        );
    }

    let bands: Vec<String> = r
        .items
        .iter()
        .filter_map(|it| {
            it.needs_checking
                .filter(|b| *b != "unlikely")
                .map(|b| format!("item {} ({}): {b}", it.position, it.id))
        })
        .collect();
    if !bands.is_empty() {
        let _ = writeln!(
            s,
            "  Needs checking? (Moodle's bands of DI: below 30 very likely, below 50 likely)\n    {}",
            bands.join("\n    ")
        );
    }

    if !r.topics.is_empty() {
        let _ = writeln!(s, "\nBy topic (class facility %)");
        for t in &r.topics {
            let _ = writeln!(
                s,
                "  {:<20} {:>3} item{:<2} {:>6}",
                one_line(&t.topic),
                t.items,
                if t.items == 1 { "" } else { "s" },
                num(t.facility, 1)
            );
        }
    }
    for it in r.items.iter().filter(|i| i.distractors.is_none()) {
        let wrong: Vec<String> = it
            .responses
            .iter()
            .filter(|c| !c.correct)
            .take(COMMON_WRONG)
            .map(|c| format!("“{}” ×{}", one_line(&c.response), c.count))
            .collect();
        if !wrong.is_empty() {
            let _ = writeln!(
                s,
                "\nCommon wrong answers to item {} ({}): {}",
                it.position,
                it.id,
                wrong.join(", ")
            );
        }
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
            if it.answer == it.expected_response {
                let _ = writeln!(s, "    answer: {}", one_line(&it.answer));
            } else {
                let _ = writeln!(
                    s,
                    "    answer: {}  (typed on this form: {})",
                    one_line(&it.answer),
                    one_line(&it.expected_response)
                );
            }
            if let Some(why) = &it.explanation {
                let _ = writeln!(s, "    why: {}", one_line(why));
            }
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

    if let Some(rasch) = &r.rasch {
        let _ = writeln!(
            s,
            "\nRasch model ({} students informed it; logits, items centred on 0)",
            rasch.students_used
        );
        let _ = writeln!(
            s,
            "  {:>3} {:<6} {:>10} {:>6} {:>6} {:>7}  reading",
            "#", "id", "difficulty", "SE", "infit", "outfit"
        );
        for (it, ri) in r.items.iter().zip(&rasch.items) {
            let _ = writeln!(
                s,
                "  {:>3} {:<6} {:>10} {:>6} {:>6} {:>7}  {}",
                it.position,
                it.id,
                num(ri.difficulty, 2),
                num(ri.se, 2),
                num(ri.infit, 2),
                num(ri.outfit, 2),
                ri.band
            );
        }
        for note in &rasch.notes {
            let _ = writeln!(s, "  note: {note}");
        }
    }

    if !r.regrades.is_empty() {
        let _ = writeln!(
            s,
            "\nRegrades (applied to every sitting; the result files are unchanged)"
        );
        for g in &r.regrades {
            let what = match &g.change {
                super::regrade::Change::Accept { item, response } => {
                    format!("{item}: “{}” accepted", one_line(response))
                }
                super::regrade::Change::Remove { item } => format!("{item}: removed"),
                super::regrade::Change::Restore { item } => format!("{item}: restored"),
            };
            let _ = writeln!(
                s,
                "  v{} {} {}— {}: {}",
                g.version,
                one_line(&g.at),
                g.by.as_deref()
                    .map_or(String::new(), |b| format!("by {} ", one_line(b))),
                what,
                one_line(&g.why)
            );
        }
    }

    if !r.rejected.is_empty() {
        let _ = writeln!(s, "\nRejected files");
        for rej in &r.rejected {
            let _ = writeln!(
                s,
                "  {}: {}",
                crate::sanitize::path(&rej.file),
                one_line(&rej.reason)
            );
        }
    }
    s
}
