//! Every page, as maud templates compiled into the binary. maud escapes
//! every value it inserts, so a student's name or answer can never become
//! markup; the only raw insertion is the QR code's SVG, drawn here from
//! the join URL.

use maud::DOCTYPE;
use maud::Markup;
use maud::PreEscaped;
use maud::html;

use crate::app::class::Class;
use crate::app::class::Mode;
use crate::app::class::Phase;
use crate::app::class::state::Reveal;
use crate::app::class::state::Student;
use crate::grade::label;
use crate::quiz::form::FormItem;
use crate::quiz::input::how_to_answer;

/// A whole page.
pub fn layout(title: &str, wide: bool, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · docket class" }
                link rel="stylesheet" href="/assets/class.css";
                script src="/assets/class.js" defer {}
            }
            body {
                main class=[wide.then_some("wide")] { (body) }
            }
        }
    }
}

/// A message page (errors, a closed class).
pub fn message(title: &str, text: &str, link: Option<(&str, &str)>) -> Markup {
    layout(
        title,
        false,
        html! {
            h1 { (title) }
            p.error role="alert" { (text) }
            @if let Some((href, words)) = link { p { a href=(href) { (words) } } }
        },
    )
}

/// The join form.
pub fn join(title: &str, code: &str, name: &str, error: Option<&str>) -> Markup {
    // After a "name taken" or a wrong rejoin code, show the field.
    let rejoining = error.is_some_and(|e| e.contains("rejoin code"));
    layout(
        "Join",
        false,
        html! {
            h1 { "Join the class: " (title) }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="post" action="/join" {
                label for="name" { "Your name (as the teacher knows you)" }
                input #name type="text" name="name" value=(name) maxlength="100" required autocomplete="name";
                label for="code" { "Join code (on the board)" }
                input #code type="text" name="code" value=(code) maxlength="12" required autocapitalize="characters" autocomplete="off";
                details open[rejoining] {
                    summary { "Joined already, on another phone?" }
                    label for="rejoin" { "Your rejoin code (on your first phone's page, or ask the teacher)" }
                    input #rejoin type="text" name="rejoin" value="" maxlength="12" autocapitalize="characters" autocomplete="off";
                }
                p { button type="submit" { "Join" } }
            }
        },
    )
}

fn answer_inputs(item: &FormItem, standing: Option<&str>) -> Markup {
    let picked: Vec<usize> = standing
        .and_then(|s| crate::grade::chosen_positions(s, &item.options).ok())
        .unwrap_or_default();
    let tf = standing.map(crate::grade::text::normalize);
    html! {
        @match item.kind.as_str() {
            "choice" => {
                fieldset {
                    legend { (if item.multiple { "Choose every right option" } else { "Choose one option" }) }
                    // Present even with every box unticked, so unticking them all clears the answer.
                    @if item.multiple { input type="hidden" name="pick" value=""; }
                    @for (i, o) in item.options.iter().enumerate() {
                        @let l = label(i).to_string();
                        label {
                            @if item.multiple {
                                input type="checkbox" name="pick" value=(l) checked[picked.contains(&i)];
                            } @else {
                                input type="radio" name="answer" value=(l) checked[picked.contains(&i)];
                            }
                            strong { (l) ") " } (o)
                        }
                    }
                }
            }
            "truefalse" => {
                fieldset {
                    legend { "True or false?" }
                    label { input type="radio" name="answer" value="true" checked[matches!(tf.as_deref(), Some("t" | "true"))]; "True" }
                    label { input type="radio" name="answer" value="false" checked[matches!(tf.as_deref(), Some("f" | "false"))]; "False" }
                }
            }
            _ => {
                @if item.kind == "order" {
                    ol type="a" { @for o in &item.options { li { (o) } } }
                }
                label for="answer" { "Your answer" }
                input #answer type="text" name="answer" value=(standing.unwrap_or("")) maxlength="4000" autocomplete="off";
                p.hint { (how_to_answer(item)) }
            }
        }
    }
}

/// The student's rejoin code, on each of their pages.
fn rejoin_note(class: &Class, s: &Student) -> Markup {
    html! {
        p.muted.rejoin {
            "On another phone, join with your name, the join code and your rejoin code: "
            strong #rejoin-code { (class.rejoin_code(s)) }
        }
    }
}

/// A self-paced student's item page.
pub fn item_page(
    class: &Class,
    s: &Student,
    i: usize,
    error: Option<&str>,
    typed: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Markup {
    let item = class.item(i);
    let n = class.items();
    let standing = typed.or(s.answers()[i].as_deref());
    layout(
        &format!("Item {}", i + 1),
        false,
        html! {
            p.muted { (s.name) " · item " (i + 1) " of " (n) " · " (s.answered()) " answered"
                @if let Some(m) = s.minutes_left(now) { " · " (m) " min left" } }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="post" action="/s/answer" {
                input type="hidden" name="item" value=(i + 1);
                p.prompt #prompt { (item.prompt) }
                (answer_inputs(item, standing))
                p {
                    @if i > 0 { button.secondary type="submit" name="nav" value="back" { "← Back" } }
                    @if i + 1 < n { button type="submit" name="nav" value="next" { "Next →" } }
                    button.secondary type="submit" name="nav" value="review" { "Review and hand in" }
                }
                nav.items aria-label="Go to item" {
                    @for k in 0..n {
                        button.small.secondary type="submit" name="nav" value=(format!("goto-{}", k + 1))
                            aria-current=[(k == i).then_some("true")]
                            aria-label=(format!("item {}{}", k + 1, if s.answers()[k].is_some() { ", answered" } else { ", not answered" })) {
                            (k + 1) @if s.answers()[k].is_some() { "✓" }
                        }
                    }
                }
            }
            (rejoin_note(class, s))
        },
    )
}

/// The review list: every answer, the unanswered items, and the
/// confirmation before handing in.
pub fn review_page(class: &Class, s: &Student) -> Markup {
    let unanswered = s.unanswered();
    layout(
        "Review",
        false,
        html! {
            h1 { "Review your answers" }
            @if unanswered.is_empty() {
                p.notice { "Every item has an answer." }
            } @else {
                p.error role="alert" {
                    (unanswered.len()) " unanswered: item" (if unanswered.len() > 1 { "s " } else { " " })
                    (unanswered.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", "))
                }
            }
            form method="post" action="/s/answer" {
                table {
                    thead { tr { th { "Item" } th { "Question" } th { "Your answer" } th { span.muted { "Change" } } } }
                    tbody {
                        @for (i, item) in class.form.items.iter().enumerate() {
                            tr {
                                td.n { (i + 1) }
                                td { (item.prompt) }
                                td { @match &s.answers()[i] { Some(a) => (a), None => em { "unanswered" } } }
                                td { button.small.secondary type="submit" name="nav" value=(format!("goto-{}", i + 1)) aria-label=(format!("change item {}", i + 1)) { "Change" } }
                            }
                        }
                    }
                }
            }
            form method="post" action="/s/submit" {
                input type="hidden" name="confirm" value="yes";
                p { "Handing in is final: you cannot change your answers afterwards." }
                button type="submit" { "Hand in my answers" }
            }
            (rejoin_note(class, s))
        },
    )
}

/// After handing in.
pub fn done_page(class: &Class, s: &Student) -> Markup {
    layout(
        "Handed in",
        false,
        html! {
            h1 { "Handed in. Thank you, " (s.name) "." }
            p { "Your receipt code:" }
            p.receipt #receipt { (s.receipt().unwrap_or("")) }
            p.muted { "Show it to your teacher if asked. Your answers were " (s.answered()) " of " (s.answers().len()) "." }
            (rejoin_note(class, s))
        },
    )
}

fn reveal_block(class: &Class, i: usize, r: &Reveal, mine: Option<&Student>) -> Markup {
    html! {
        @if let Some(s) = mine {
            @let a = s.answers().get(i).cloned().flatten();
            @let right = s.marks.get(i).copied().flatten();
            p { "Your answer: " @match &a { Some(a) => strong { (a) }, None => em { "none" } }
                @match right { Some(true) => { " — " span.right { "✓ right" } }, Some(false) => { " — " span.wrong { "✗ not right" } }, None => {} } }
        }
        p { (r.answered) " answered, " (r.correct) " right." }
        @if !r.options.is_empty() {
            table {
                caption.muted { "Answers per option" }
                tbody {
                    @for o in &r.options {
                        tr {
                            td { strong { (o.label) ")" } " " (o.text) @if o.right { " " span.right { "✓ right answer" } } }
                            td { meter min="0" max=(r.answered.max(1)) value=(o.count) aria-label=(format!("{} chose {}", o.count, o.label)) {} }
                            td.n { (o.count) }
                        }
                    }
                }
            }
        } @else if !r.typed.is_empty() {
            table {
                caption.muted { "Answers given" }
                tbody {
                    @for t in r.typed.iter().take(8) {
                        tr {
                            td { (t.response) @if t.correct { " " span.right { "✓ accepted" } } }
                            td { meter min="0" max=(r.answered.max(1)) value=(t.count) {} }
                            td.n { (t.count) }
                        }
                    }
                }
            }
        }
        p { "Right answer: " strong.right #right-answer { (r.answer) } }
        @if let Some(e) = &r.explanation { p { (e) } }
        @for (quote, source) in &r.evidence {
            figure {
                @if let Some(q) = quote { blockquote { (q) } }
                figcaption.muted { "— " (source) }
            }
        }
        @let _ = class;
    }
}

/// Right answers among the items already closed: an open item's mark
/// would give its answer away.
fn revealed_score(class: &Class, s: &Student) -> usize {
    s.marks
        .iter()
        .take(class.revealed())
        .filter(|m| **m == Some(true))
        .count()
}

/// A student's page during a live round.
pub fn live_student(class: &Class, s: &Student, version: u64, error: Option<&str>) -> Markup {
    let n = class.items();
    layout(
        "Live round",
        false,
        html! {
            div data-events="/s/events" data-version=(version) aria-live="polite" {
                p.muted { (s.name) " · " (revealed_score(class, s)) " right so far"
                    @if let Some(p) = class.points(s, class.revealed()) { " · " strong #points { (p) " points" } } }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                @match class.phase {
                    Phase::Lobby => { h1 { "You are in." } p { "Wait for the teacher to show the first item." } }
                    Phase::Open(i) => {
                        h1 { "Item " (i + 1) " of " (n) }
                        form method="post" action="/s/live" {
                            input type="hidden" name="item" value=(i + 1);
                            p.prompt #prompt { (class.item(i).prompt) }
                            (answer_inputs(class.item(i), s.answers()[i].as_deref()))
                            @if s.answers()[i].is_some() { p.notice { "Answer recorded. You can change it until the teacher closes the item." } }
                            button type="submit" { "Send answer" }
                        }
                    }
                    Phase::Closed(i) => {
                        h1 { "Item " (i + 1) ": results" }
                        p.prompt { (class.item(i).prompt) }
                        (reveal_block(class, i, &class.reveal(i), Some(s)))
                        @let bonus = class.bonus(s, i);
                        @if bonus > 0 { p.notice #bonus { "Speed bonus: +" (bonus) " points." } }
                        p.muted { "Wait for the next item." }
                    }
                    Phase::Finished => {
                        h1 { "The round is over." }
                        p { "You got " strong { (s.score()) } " of " (n) " right." }
                        @if let Some(p) = class.points(s, n) { p { "Points, with the speed bonus: " strong { (p) } "." } }
                        p { "Your receipt code:" }
                        p.receipt #receipt { (s.receipt().unwrap_or("")) }
                    }
                }
            }
            (rejoin_note(class, s))
        },
    )
}

fn shown_name(class: &Class, id: u32, name: &str) -> String {
    if class.names_hidden {
        format!("Student {id}")
    } else {
        name.to_string()
    }
}

fn controls(class: &Class, token: &str, back: &str) -> Markup {
    let post = |what: &str| format!("/t/{token}/{what}");
    html! {
        div.controls {
            @if class.mode == Mode::Live {
                @match class.phase {
                    Phase::Lobby => { form method="post" action=(post("next")) { input type="hidden" name="back" value=(back); button #next type="submit" { "Show the first item" } } }
                    Phase::Open(_) => { form method="post" action=(post("close")) { input type="hidden" name="back" value=(back); button #close type="submit" { "Close the item and show the answers" } } }
                    Phase::Closed(i) => {
                        @if i + 1 < class.items() {
                            form method="post" action=(post("next")) { input type="hidden" name="back" value=(back); button #next type="submit" { "Next item" } }
                        }
                        form method="post" action=(post("finish")) { input type="hidden" name="back" value=(back); button.secondary #finish type="submit" { "Finish the round" } }
                    }
                    Phase::Finished => {}
                }
            }
            form method="post" action=(post("names")) {
                input type="hidden" name="back" value=(back);
                input type="hidden" name="hidden" value=(if class.names_hidden { "0" } else { "1" });
                button.secondary.small #names type="submit" { (if class.names_hidden { "Show names on the projector" } else { "Hide names on the projector" }) }
            }
            @if class.mode == Mode::Live {
                form method="post" action=(post("speed")) {
                    input type="hidden" name="back" value=(back);
                    input type="hidden" name="on" value=(if class.speed_bonus { "0" } else { "1" });
                    button.secondary.small #speed type="submit" { (if class.speed_bonus { "Turn the speed bonus off" } else { "Turn the speed bonus on" }) }
                }
            }
            form method="post" action=(post("joining")) {
                input type="hidden" name="back" value=(back);
                input type="hidden" name="open" value=(if class.joining { "0" } else { "1" });
                button.secondary.small type="submit" { (if class.joining { "Close joining" } else { "Reopen joining" }) }
            }
        }
    }
}

/// The live part of the teacher's dashboard (sent again on every change).
pub fn dashboard_fragment(class: &Class) -> Markup {
    let d = class.dashboard();
    let n = class.items();
    html! {
        @if class.mode == Mode::Live {
            h2 { "Live round" }
            p { "Speed bonus: " (if class.speed_bonus { "on (points on the projector and phones; the report scores right answers only)" } else { "off (scored on being right)" }) "." }
            @match class.phase {
                Phase::Lobby => p { "Not started." },
                Phase::Open(i) => p #progress { "Item " (i + 1) " of " (n) " open: " strong { (class.answered(i)) " of " (class.students.len()) " answered" } },
                Phase::Closed(i) => p { "Item " (i + 1) " of " (n) " closed." },
                Phase::Finished => p { "Finished." },
            }
        }
        h2 { "Students (" (class.students.len()) " joined, " (d.submitted) " handed in)" }
        table #students {
            thead { tr { th { "#" } th { "Name" } th.n { "Answered" } th.n { "Right" } th { "On item" } th { "Receipt" } th { "Rejoin code" } } }
            tbody {
                @for r in &d.rows {
                    tr {
                        td.n { (r.id) } td { (r.name) } td.n { (r.answered) "/" (n) } td.n { (r.score) }
                        td { @match r.current { Some(i) => (i + 1), None => "—" } }
                        td { @match &r.receipt { Some(c) => code { (c) }, None => span.muted { "not yet" } } }
                        td { code.rejoin { (r.rejoin) } }
                    }
                }
            }
        }
        h2 { "Items to talk about" }
        @if d.talk_about.is_empty() {
            p.muted { "None yet (an item is listed once at least two answered it and fewer than half got it right)." }
        } @else {
            ol #talk-about { @for &i in &d.talk_about {
                li { "Item " (i + 1) ": " (class.item(i).prompt) " — "
                    (d.items[i].correct) " of " (d.items[i].answered) " right" }
            } }
        }
        h2 { "Facility so far" }
        table #items {
            thead { tr { th.n { "Item" } th.n { "Answered" } th.n { "Right" } th { "Facility" } } }
            tbody {
                @for (i, it) in d.items.iter().enumerate() {
                    tr {
                        td.n { (i + 1) } td.n { (it.answered) } td.n { (it.correct) }
                        td { @match it.facility() { Some(f) => { meter min="0" max="1" value=(format!("{f:.2}")) {} " " (format!("{:.0}%", f * 100.0)) }, None => span.muted { "—" } } }
                    }
                }
            }
        }
    }
}

fn join_box(class: &Class, join_url: &str, qr: &str) -> Markup {
    html! {
        div.grid {
            div.qr role="img" aria-label="QR code of the join address" { (PreEscaped(qr)) }
            div {
                p { "Join at " strong { a href=(join_url) { (join_url) } } }
                p { "Join code" }
                p.code #join-code { (class.join_code) }
                @if !class.joining { p.error { "Joining is closed." } }
            }
        }
    }
}

/// The teacher's dashboard.
pub fn dashboard(class: &Class, token: &str, join_url: &str, qr: &str) -> Markup {
    layout(
        "Teacher",
        true,
        html! {
            h1 { (class.form.title) " — " (match class.mode { Mode::Live => "live round", Mode::SelfPaced => "self-paced" }) ", " (class.items()) " items" }
            (join_box(class, join_url, qr))
            p {
                a href=(format!("/t/{token}/screen")) { "Projector page" } " · "
                a href=(format!("/t/{token}/report")) { "Report so far" }
            }
            form method="post" action=(format!("/t/{token}/export")) { button.secondary.small type="submit" { "Export the result files" } }
            // The buttons stay outside the part that live updates replace,
            // so a click never lands on a button being swapped out; they
            // change only when the teacher acts, which reloads the page.
            (controls(class, token, "dashboard"))
            div #live data-events=(format!("/t/{token}/events")) aria-live="polite" { (dashboard_fragment(class)) }
        },
    )
}

/// The projector's live part.
pub fn screen_fragment(class: &Class, join_url: &str, qr: &str) -> Markup {
    let n = class.items();
    html! {
        @match class.phase {
            Phase::Lobby => {
                (join_box(class, join_url, qr))
                p { strong { (class.students.len()) } " joined" }
                @if !class.names_hidden {
                    p { @for (k, s) in class.students.iter().enumerate() { @if k > 0 { ", " } (s.name) } }
                }
            }
            Phase::Open(i) => {
                p.muted { "Item " (i + 1) " of " (n) }
                p.prompt #prompt { (class.item(i).prompt) }
                @if !class.item(i).options.is_empty() {
                    ol type="a" { @for o in &class.item(i).options { li { (o) } } }
                }
                p #answered { strong { (class.answered(i)) } " of " (class.students.len()) " answered" }
            }
            Phase::Closed(i) => {
                p.muted { "Item " (i + 1) " of " (n) }
                p.prompt { (class.item(i).prompt) }
                (reveal_block(class, i, &class.reveal(i), None))
            }
            Phase::Finished => {
                h1 { "Results" }
                table #standings {
                    thead { tr { th { "Student" } th.n { "Right" } @if class.speed_bonus { th.n { "Points" } } } }
                    tbody { @for st in class.standings() {
                        tr { td { (shown_name(class, st.id, &st.name)) } td.n { (st.right) "/" (n) }
                            @if let Some(p) = st.points { td.n { (p) } } }
                    } }
                }
                @if class.speed_bonus { p.muted { "Points: " (crate::app::class::state::POINTS_RIGHT) " per right answer, plus up to " (crate::app::class::state::SPEED_BONUS_MAX) " for speed." } }
            }
        }
        @if class.mode == Mode::SelfPaced {
            p { (class.dashboard().submitted) " of " (class.students.len()) " handed in" }
        }
    }
}

/// The projector page.
pub fn screen(class: &Class, token: &str, join_url: &str, qr: &str) -> Markup {
    layout(
        "Projector",
        true,
        html! {
            div.screen #live data-events=(format!("/t/{token}/screen/events")) aria-live="polite" {
                (screen_fragment(class, join_url, qr))
            }
            (controls(class, token, "screen"))
        },
    )
}
