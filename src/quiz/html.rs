//! The HTML report: one self-contained file (inline CSS and SVG, no
//! scripts, nothing fetched) with a score histogram and a plot of facility
//! against discrimination per item. Every text is escaped.

use std::fmt::Write as _;

use plotters::prelude::*;

use super::report::Report;
use super::report::duration;
use super::report::evidence_source;
use super::report::num;
use crate::chart::svg;

/// Escapes text for HTML.
pub fn esc(text: &str) -> String {
    crate::chart::escape_html(text)
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right}
td.l,th.l{text-align:left}.flag{color:#a00}.ok{color:#075e00}.bad{color:#a00000}blockquote{color:#444;border-left:3px solid #ccc;margin:.5em 0;padding-left:.7em}
figure{margin:1em 0}figcaption{font-size:.9em;color:#444}svg{max-width:100%;height:auto}
table.students{font-size:.85em}table.students td.a{max-width:7em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;text-align:left}
details{margin:.3em 0 1em}
@media print{body{max-width:none;margin:0;font-size:10pt}a{color:inherit;text-decoration:none}h2,h3{break-after:avoid}tr,figure,blockquote{break-inside:avoid}details{display:none}table.students{font-size:8pt}}";

const BAR: RGBColor = RGBColor(60, 110, 180);
const FLAGGED: RGBColor = RGBColor(190, 30, 30);

fn histogram(r: &Report) -> String {
    let max = r.test.items;
    let mut counts = vec![0usize; max + 1];
    for s in &r.students {
        counts[s.score.min(max)] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1);
    let chart = svg(640, 280, |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(44)
            .build_cartesian_2d(-0.5f64..max as f64 + 0.5, 0f64..top as f64 * 1.15)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc(format!("score (right answers, of {max})"))
            .y_desc("students")
            .x_labels((max + 1).min(21))
            .y_labels((top + 1).min(11))
            .x_label_formatter(&|x| format!("{}", x.round() as i64))
            .y_label_formatter(&|y| {
                if y.fract() == 0.0 {
                    format!("{}", *y as i64)
                } else {
                    String::new()
                }
            })
            .draw()?;
        chart
            .draw_series(counts.iter().enumerate().map(|(score, &c)| {
                Rectangle::new(
                    [(score as f64 - 0.4, 0.0), (score as f64 + 0.4, c as f64)],
                    BAR.filled(),
                )
            }))?
            .label("students with that score")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], BAR.filled()));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
        Ok(())
    });
    let rows: String = counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(score, c)| format!("<tr><td>{score}</td><td>{c}</td></tr>"))
        .collect();
    format!(
        "<figure role=\"img\" aria-label=\"Histogram of scores: how many students got each number of items right\">{chart}<figcaption>Scores of {} students on {max} items.</figcaption></figure><details><summary>The histogram as a table</summary><table><tr><th>score</th><th>students</th></tr>{rows}</table></details>",
        r.students.len()
    )
}

fn scatter(r: &Report) -> String {
    // Items at the same (rounded) point share one marker with every label.
    let mut points: Vec<((i64, i64), Vec<usize>, bool)> = Vec::new();
    let mut unplotted = Vec::new();
    for it in &r.items {
        match (it.stats.facility, it.stats.discrimination_index) {
            (Some(f), Some(d)) => {
                let at = (f.round() as i64, d.round() as i64);
                match points.iter_mut().find(|p| p.0 == at) {
                    Some(p) => {
                        p.1.push(it.position);
                        p.2 |= !it.flags.is_empty();
                    }
                    None => points.push((at, vec![it.position], !it.flags.is_empty())),
                }
            }
            (f, _) => unplotted.push(format!(
                "item {} ({}): {}",
                it.position,
                esc(&it.id),
                if f.is_none() {
                    "nobody answered it".to_string()
                } else {
                    "discrimination undefined (everyone, or no one, got it right, or the rest of the test does not vary)".to_string()
                }
            )),
        }
    }
    let chart = svg(640, 400, |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(48)
            .build_cartesian_2d(0f64..100f64, -100f64..100f64)?;
        chart
            .configure_mesh()
            .x_desc("facility % (share who got it right)")
            .y_desc("discrimination index %")
            .x_labels(11)
            .y_labels(11)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw()?;
        for (level, colour, label) in [
            (
                30.0,
                RGBColor(200, 120, 0),
                "30: below, very likely needs checking",
            ),
            (
                50.0,
                RGBColor(120, 160, 60),
                "50: below, likely needs checking",
            ),
        ] {
            chart
                .draw_series(LineSeries::new(
                    [(0.0, level), (100.0, level)],
                    colour.stroke_width(1),
                ))?
                .label(label)
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 14, y)], colour));
        }
        chart
            .draw_series(
                points
                    .iter()
                    .filter(|p| !p.2)
                    .map(|((f, d), _, _)| Circle::new((*f as f64, *d as f64), 5, BAR.filled())),
            )?
            .label("item, no flag (circle)")
            .legend(|(x, y)| Circle::new((x + 5, y), 4, BAR.filled()));
        chart
            .draw_series(points.iter().filter(|p| p.2).map(|((f, d), _, _)| {
                TriangleMarker::new((*f as f64, *d as f64), 7, FLAGGED.filled())
            }))?
            .label("flagged item (triangle)")
            .legend(|(x, y)| TriangleMarker::new((x + 5, y), 5, FLAGGED.filled()));
        chart.draw_series(points.iter().map(|((f, d), items, _)| {
            let names: Vec<String> = items.iter().map(|i| i.to_string()).collect();
            Text::new(
                names.join(","),
                (*f as f64 + 1.2, *d as f64 + 3.0),
                ("sans-serif", 12).into_font(),
            )
        }))?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
        Ok(())
    });
    let mut out = format!(
        "<figure role=\"img\" aria-label=\"Each item's facility against its discrimination index; flagged items are triangles\">{chart}<figcaption>Each item by its number; items at the same point share a marker and list every number. The item table below holds the same values.</figcaption></figure>"
    );
    if !unplotted.is_empty() {
        let _ = write!(out, "<p>Not plotted: {}.</p>", unplotted.join("; "));
    }
    out
}

/// The whole HTML document.
pub fn render_html(r: &Report) -> String {
    let t = &r.test;
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Quiz report: {}</title><style>{STYLE}</style></head><body>\n",
        esc(&r.deck.title)
    );
    let _ = writeln!(s, "<h1>Quiz report: {}</h1>", esc(&r.deck.title));
    let _ = writeln!(
        s,
        "<p>{} students, {} items, {} rejected files. Form <code>{}</code>.</p>",
        t.n,
        t.items,
        r.rejected.len(),
        esc(&r.form_fingerprint)
    );
    if r.small_class {
        let _ = writeln!(
            s,
            "<p class=\"flag\">Fewer than {} students: every index is shown with its N (N={}) and nothing is flagged.</p>",
            r.min_class_size, t.n
        );
    }
    let _ = writeln!(s, "<h2>Test</h2><table>");
    for (name, v, d) in [
        ("mean", t.mean, 2),
        ("median", t.median, 2),
        ("standard deviation", t.sd, 2),
        ("skewness", t.skewness, 3),
        ("kurtosis", t.kurtosis, 3),
        ("CIC (Cronbach's alpha / KR-20) %", t.cic, 1),
        ("error ratio %", t.error_ratio, 1),
        ("standard error", t.standard_error, 2),
    ] {
        let _ = writeln!(
            s,
            "<tr><th class=\"l\">{name}</th><td>{}</td></tr>",
            esc(&r.index(v, d))
        );
    }
    let _ = writeln!(s, "</table><h3>Score histogram</h3>{}", histogram(r));
    let _ = writeln!(s, "<h3>Facility against discrimination</h3>{}", scatter(r));
    let _ = writeln!(
        s,
        "<h2>Items</h2><table><tr><th>#</th><th class=\"l\">id</th><th class=\"l\">card</th><th>N</th><th>facility %</th><th>SD %</th><th>guess %</th><th>DI %</th><th>DE %</th><th>EW %</th><th>U−L</th><th class=\"l\">flags</th></tr>"
    );
    for it in &r.items {
        let st = &it.stats;
        let ew = if st.negative_covariance {
            "negative covariance".into()
        } else {
            num(st.effective_weight, 1)
        };
        let flags: Vec<String> = super::text_report::flag_codes(it)
            .split(',')
            .map(esc)
            .collect();
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"l flag\">{}</td></tr>",
            it.position,
            esc(&it.id),
            esc(&it.card_id),
            st.n,
            num(st.facility, 1),
            num(st.sd, 1),
            num(st.random_guess, 1),
            num(st.discrimination_index, 1),
            num(st.discriminative_efficiency, 1),
            esc(&ew),
            num(st.upper_lower, 2),
            flags.join(" ")
        );
    }
    let _ = writeln!(s, "</table>");
    for it in &r.items {
        let _ = writeln!(
            s,
            "<h3 id=\"{}\">Item {} ({}) — card <code>{}</code></h3><p>{}</p><p>Answer: <b>{}</b> (typed: <code>{}</code>)</p>",
            esc(&it.id),
            it.position,
            esc(&it.id),
            esc(&it.card_id),
            esc(&it.prompt),
            esc(&it.answer),
            esc(&it.expected_response)
        );
        for f in &it.flags {
            let _ = writeln!(s, "<p class=\"flag\">⚑ {}</p>", esc(&f.reason));
        }
        if let Some(d) = &it.distractors {
            let _ = writeln!(
                s,
                "<table><tr><th class=\"l\">option</th><th>count</th><th>%</th><th>upper</th><th>lower</th><th>mean total</th><th>r(rest)</th></tr>"
            );
            for o in &d.options {
                let _ = writeln!(
                    s,
                    "<tr><td class=\"l\">{}{}) {}</td><td>{}</td><td>{:.1}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    if o.key { "✔ " } else { "" },
                    esc(&o.label),
                    esc(&o.text),
                    o.count,
                    o.percent,
                    o.upper,
                    o.lower,
                    num(o.mean_total, 2),
                    esc(&r.index(o.rest_correlation, 2))
                );
            }
            let _ = writeln!(
                s,
                "</table><p>blank {}, unreadable {}</p>",
                d.blank, d.unreadable
            );
        }
        if !it.flags.is_empty() {
            if let Some(e) = &it.explanation {
                let _ = writeln!(s, "<p><i>{}</i></p>", esc(e));
            }
            for e in &it.evidence {
                let src = esc(&evidence_source(e));
                // Only web links: a hand-edited key must not plant a
                // `javascript:` URL in the teacher's report.
                let src = match &e.url {
                    Some(u) if u.starts_with("https://") || u.starts_with("http://") => {
                        format!("<a href=\"{}\">{src}</a>", esc(u))
                    }
                    _ => src,
                };
                match &e.quote {
                    Some(q) => {
                        let _ = writeln!(s, "<blockquote>“{}”<br>— {src}</blockquote>", esc(q));
                    }
                    None => {
                        let _ = writeln!(s, "<p>Cites {src}</p>");
                    }
                }
            }
        }
    }
    let _ = writeln!(
        s,
        "<h2>Students</h2><p>✓ right, ✗ wrong, – no answer (each cell shows the start of the answer; hover for all of it and the time).</p><table class=\"students\"><tr><th class=\"l\">student</th><th>score</th><th>%</th><th>time</th><th class=\"l\">receipt</th>"
    );
    for it in &r.items {
        let _ = write!(s, "<th>{}</th>", it.position);
    }
    let _ = writeln!(s, "</tr>");
    for st in &r.students {
        let _ = write!(
            s,
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{:.1}</td><td>{}</td><td class=\"l\"><code>{}</code></td>",
            esc(&st.student),
            st.score,
            st.percent,
            duration(st.seconds),
            esc(&st.receipt)
        );
        for a in &st.responses {
            let (class, mark) = match (a.correct, &a.response) {
                (true, _) => ("ok", "✓"),
                (false, None) => ("bad", "–"),
                (false, Some(_)) => ("bad", "✗"),
            };
            let full = a.response.as_deref().unwrap_or("no answer");
            let short: String = full.chars().take(8).collect();
            let _ = write!(
                s,
                "<td class=\"a {class}\" title=\"{}, {}s\">{mark} {}</td>",
                esc(full),
                a.seconds,
                esc(if a.response.is_some() { &short } else { "" })
            );
        }
        let _ = writeln!(s, "</tr>");
    }
    let _ = writeln!(s, "</table>");
    let odd: Vec<_> = r
        .students
        .iter()
        .filter(|st| !st.timing.is_empty())
        .collect();
    if !odd.is_empty() {
        let _ = writeln!(s, "<h2>Implausible times</h2><ul>");
        for st in odd {
            let _ = writeln!(
                s,
                "<li>{}: {}</li>",
                esc(&st.student),
                esc(&st.timing.join("; "))
            );
        }
        let _ = writeln!(s, "</ul>");
    }
    if !r.rejected.is_empty() {
        let _ = writeln!(s, "<h2>Rejected files</h2><ul>");
        for rej in &r.rejected {
            let _ = writeln!(
                s,
                "<li><code>{}</code>: {}</li>",
                esc(&crate::sanitize::path(&rej.file)),
                esc(&rej.reason)
            );
        }
        let _ = writeln!(s, "</ul>");
    }
    s.push_str("</body></html>\n");
    s
}
