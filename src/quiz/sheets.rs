//! What the teacher hands back: one printable page per student (score,
//! each item with the student's answer, the right answer, the explanation
//! and the evidence with its source, then the cards to study), and a
//! small "missed cards" file per student that `docket study --missed`
//! reads to make those cards due in the student's own progress.

use std::fmt::Write as _;

use serde::Deserialize;
use serde::Serialize;

use super::html::esc;
use super::report::Report;
use super::report::StudentRow;
use super::report::evidence_source;

/// The format tag of a missed-cards file.
pub const MISSED_FORMAT: &str = "docket-missed/1";

/// The cards one student missed on a quiz, for their own study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Missed {
    /// Always [`MISSED_FORMAT`].
    pub format: String,
    /// The deck the quiz came from (id and title).
    pub deck_id: String,
    /// The deck's title.
    pub deck_title: String,
    /// The student.
    pub student: String,
    /// The missed cards' ids, in form order.
    pub cards: Vec<String>,
}

/// The cards a student missed (wrong or blank), in form order.
pub fn missed(r: &Report, st: &StudentRow) -> Missed {
    Missed {
        format: MISSED_FORMAT.to_string(),
        deck_id: r.deck.id.clone(),
        deck_title: r.deck.title.clone(),
        student: st.student.clone(),
        cards: st
            .responses
            .iter()
            .filter(|a| !a.correct)
            .filter_map(|a| r.items.get(a.position - 1).map(|it| it.card_id.clone()))
            .collect(),
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:48em;margin:1em auto;padding:0 1em;color:#111;line-height:1.35}
section.sheet{break-after:page;page-break-after:always;margin-bottom:3em}
h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.1em;margin:.8em 0 .2em}
ol{padding-left:1.4em}li{margin:.6em 0}
.mark{font-weight:bold}.right{color:#075e00}.wrong{color:#a00000}
blockquote{margin:.3em 0;padding-left:.7em;border-left:3px solid #999;color:#333}
.src{font-size:.9em;color:#444}
@media print{body{max-width:none;margin:0}a{color:inherit}}";

/// Every student's sheet in one HTML file, one printed page (or more)
/// each. All text is escaped.
pub fn render_sheets(r: &Report) -> String {
    let mut s = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{} — results</title><style>{STYLE}</style></head><body>",
        esc(&r.deck.title)
    );
    for st in &r.students {
        sheet(&mut s, r, st);
    }
    s.push_str("</body></html>\n");
    s
}

fn sheet(s: &mut String, r: &Report, st: &StudentRow) {
    let _ = write!(
        s,
        "<section class=\"sheet\"><h1>{}</h1><p>{} — <strong>{} of {}</strong> ({:.0} %)</p><ol>",
        esc(&st.student),
        esc(&r.deck.title),
        st.score,
        r.items.len(),
        st.percent
    );
    for a in &st.responses {
        let Some(it) = r.items.get(a.position - 1) else {
            continue;
        };
        let (class, mark) = if a.correct {
            ("right", "✓ right")
        } else if a.response.is_none() {
            ("wrong", "✗ not answered")
        } else {
            ("wrong", "✗ wrong")
        };
        let _ = write!(
            s,
            "<li><div>{}</div><div>Your answer: {} <span class=\"mark {class}\">{mark}</span></div>",
            esc(&it.prompt),
            a.response.as_deref().map_or("—".into(), esc)
        );
        if !a.correct {
            let _ = write!(s, "<div>Answer: <strong>{}</strong></div>", esc(&it.answer));
        }
        if let Some(why) = &it.explanation {
            let _ = write!(s, "<div>Why: {}</div>", esc(why));
        }
        for e in &it.evidence {
            if let Some(q) = &e.quote {
                let _ = write!(
                    s,
                    "<blockquote>“{}”<div class=\"src\">— {}</div></blockquote>",
                    esc(q),
                    esc(&evidence_source(e))
                );
            }
        }
        s.push_str("</li>");
    }
    s.push_str("</ol>");
    let m = missed(r, st);
    if m.cards.is_empty() {
        s.push_str("<p>Nothing to review: every answer was right.</p>");
    } else {
        let _ = write!(
            s,
            "<h2>Cards to study</h2><p>{} card{} of the deck <em>{}</em>: ",
            m.cards.len(),
            if m.cards.len() == 1 { "" } else { "s" },
            esc(&r.deck.title)
        );
        let ids: Vec<String> = m
            .cards
            .iter()
            .map(|c| format!("<code>{}</code>", esc(c)))
            .collect();
        s.push_str(&ids.join(", "));
        s.push_str(". With your missed-cards file, <code>docket study --missed FILE</code> makes them due now.</p>");
    }
    s.push_str("</section>");
}
