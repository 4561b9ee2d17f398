//! The HTML report: one self-contained file (inline CSS and SVG, no
//! scripts, nothing fetched) with a score histogram and a plot of facility
//! against discrimination per item. Every text is escaped.

use std::fmt::Write as _;

use super::report::Report;
use super::report::duration;
use super::report::evidence_source;
use super::report::num;

/// Escapes text for HTML.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::sanitize::clean(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right}
td.l,th.l{text-align:left}.flag{color:#a00}.ok{color:#070}.bad{color:#a00}blockquote{color:#444;border-left:3px solid #ccc;margin:.5em 0;padding-left:.7em}
svg{background:#fafafa;border:1px solid #ddd}";

fn histogram(r: &Report) -> String {
    let max = r.test.items;
    let mut counts = vec![0usize; max + 1];
    for s in &r.students {
        counts[s.score.min(max)] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1);
    let (w, h, pad) = (600.0, 220.0, 30.0);
    let bw = (w - 2.0 * pad) / (max + 1) as f64;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" aria-label="Score histogram">"#
    );
    for (score, &c) in counts.iter().enumerate() {
        let bh = (h - 2.0 * pad) * c as f64 / top as f64;
        let x = pad + bw * score as f64;
        let y = h - pad - bh;
        let _ = write!(
            svg,
            r##"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{bh:.1}" fill="#4a7ab7"><title>score {score}: {c} students</title></rect>"##,
            (bw - 2.0).max(1.0)
        );
        if max <= 30 || score % 5 == 0 {
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle">{score}</text>"#,
                x + bw / 2.0,
                h - pad + 12.0
            );
        }
    }
    let _ = write!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">score (max {max}); tallest bar {top}</text></svg>"#,
        w / 2.0,
        h - 4.0
    );
    svg
}

fn scatter(r: &Report) -> String {
    let (w, h, pad) = (600.0, 320.0, 40.0);
    let x = |f: f64| pad + (w - 2.0 * pad) * f / 100.0;
    // Discrimination runs −100…100.
    let y = |d: f64| h - pad - (h - 2.0 * pad) * (d + 100.0) / 200.0;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" aria-label="Facility against discrimination">"#
    );
    let _ = write!(
        svg,
        r##"<line x1="{pad}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#999"/>"##,
        y(0.0),
        w - pad,
        y(0.0)
    );
    let _ = write!(
        svg,
        r##"<line x1="{pad}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#d88" stroke-dasharray="4"/>"##,
        y(30.0),
        w - pad,
        y(30.0)
    );
    let _ = write!(
        svg,
        r##"<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{:.1}" stroke="#999"/>"##,
        h - pad
    );
    for it in &r.items {
        if let (Some(f), Some(d)) = (it.stats.facility, it.stats.discrimination_index) {
            let colour = if it.flags.is_empty() {
                "#4a7ab7"
            } else {
                "#c33"
            };
            let _ = write!(
                svg,
                r#"<circle cx="{:.1}" cy="{:.1}" r="5" fill="{colour}"><title>{} facility {f:.1}, discrimination {d:.1}</title></circle>"#,
                x(f),
                y(d),
                esc(&it.id)
            );
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" font-size="9">{}</text>"#,
                x(f) + 6.0,
                y(d) - 4.0,
                it.position
            );
        }
    }
    let _ = write!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">facility % (0–100)</text>"#,
        w / 2.0,
        h - 8.0
    );
    let _ = write!(
        svg,
        r#"<text x="12" y="{:.1}" font-size="11" transform="rotate(-90 12 {:.1})" text-anchor="middle">discrimination index (−100…100; dashed: 30)</text></svg>"#,
        h / 2.0,
        h / 2.0
    );
    svg
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
        "<h2>Students</h2><table><tr><th class=\"l\">student</th><th>score</th><th>%</th><th>time</th><th class=\"l\">receipt</th>"
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
            let class = if a.correct { "ok" } else { "bad" };
            let _ = write!(
                s,
                "<td class=\"{class}\" title=\"{}s\">{}</td>",
                a.seconds,
                esc(a.response.as_deref().unwrap_or("—"))
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
