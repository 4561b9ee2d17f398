//! The study screen drawn on ratatui's test backend: frame snapshots
//! (insta) at 80×24 and 120×40 for every card kind, long and CJK text,
//! feedback and the end screen; key handling; and the proof that no card
//! id of the bundled deck is drawn before its answer, in all three
//! frontends.

use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use crossterm::event::KeyModifiers;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::draw::draw;
use super::state::Action;
use super::state::State;
use super::state::key;
use crate::clock::Now;
use crate::deck::Card;
use crate::deck::Deck;
use crate::grade;
use crate::schedule::CardState;
use crate::schedule::Rating;
use crate::schedule::Scheduler;
use crate::schedule::SchedulerConfig;
use crate::schedule::queue::QueueCounts;
use crate::schedule::queue::QueueSource;
use crate::session::Event;
use crate::session::View;
use crate::session::view;

fn now() -> Now {
    Now::parse("2026-03-02T10:00:00+01:00").unwrap()
}

fn deck() -> Deck {
    crate::bundled::case_deck().unwrap().deck().clone()
}

fn counts() -> QueueCounts {
    QueueCounts {
        learning: 3,
        review: 41,
        new: 17,
    }
}

fn card_view(card: &Card) -> (View, grade::Presentation) {
    let shown = grade::present(card, Some(7));
    let v = view::card_view(card, &shown, false, QueueSource::New, counts());
    (View::Card(v), shown)
}

fn feedback(deck: &Deck, card: &Card, shown: &grade::Presentation, response: Option<&str>) -> View {
    let sched = Scheduler::new(SchedulerConfig {
        fuzz: false,
        ..SchedulerConfig::default()
    })
    .unwrap();
    let next = sched.next_states(&CardState::NEW, now(), 1).unwrap();
    let g = response.map(|r| (grade::grade(card, shown, r).unwrap(), r));
    let proposal = g.as_ref().map(|(g, _)| {
        if g.correct {
            (Rating::Good, "good: the answer is right".to_string())
        } else {
            (Rating::Again, "again: the answer is wrong".to_string())
        }
    });
    View::Feedback(view::feedback_view(
        &deck.sources,
        card,
        shown,
        g.as_ref().map(|(g, r)| (g, *r)),
        proposal,
        response.is_some(),
        &next,
    ))
}

fn screen(state: &State, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(state, f)).unwrap();
    t
}

fn rows(state: &State, w: u16, h: u16) -> Vec<String> {
    let t = screen(state, w, h);
    let buf = t.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect()
}

fn first(deck: &Deck, kind: &str) -> Card {
    deck.cards
        .iter()
        .find(|c| c.kind().name() == kind)
        .unwrap()
        .clone()
}

fn state_with(view: &View) -> State {
    let mut s = State::new(false);
    s.show(view);
    s
}

fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        assert_eq!(s.handle_key(key(KeyCode::Char(c))), Action::None);
    }
}

macro_rules! snap {
    ($name:expr, $state:expr) => {
        insta::assert_snapshot!(
            format!("{}_80x24", $name),
            screen(&$state, 80, 24).backend()
        );
        insta::assert_snapshot!(
            format!("{}_120x40", $name),
            screen(&$state, 120, 40).backend()
        );
    };
}

#[test]
fn every_card_kind_before_the_answer() {
    let deck = deck();
    for kind in [
        "basic",
        "choice",
        "truefalse",
        "number",
        "date",
        "cloze",
        "order",
    ] {
        let (v, _) = card_view(&first(&deck, kind));
        let mut s = state_with(&v);
        if kind == "basic" {
            type_text(&mut s, "Brooklyn");
        }
        snap!(format!("card_{kind}"), s);
    }
}

#[test]
fn the_longest_prompt_wraps_by_words() {
    let deck = deck();
    let card = deck
        .cards
        .iter()
        .max_by_key(|c| c.prompt.len())
        .unwrap()
        .clone();
    let (v, shown) = card_view(&card);
    let s = state_with(&v);
    snap!("long_prompt", s);
    // No word is split at the edge: every row ends at a word boundary.
    for row in rows(&s, 80, 24) {
        assert!(row.chars().count() <= 80);
    }
    let mut s = s;
    s.show(&feedback(&deck, &card, &shown, Some("no idea")));
    snap!("long_prompt_feedback", s);
}

#[test]
fn cjk_emoji_and_combining_marks_line_up() {
    let mut deck = deck();
    let mut card = first(&deck, "basic");
    card.prompt = "東京は日本の首都ですか？ 🇯🇵 これは長い質問文で、端で単語が切れないように折り返されるべきです。Café crème, naïve e\u{301} 👩‍👩‍👧 漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字".into();
    card.explanation = Some("東京（とうきょう）は日本の首都です。🗼".into());
    deck.cards.push(card.clone());
    let (v, shown) = card_view(&card);
    let mut s = state_with(&v);
    type_text(&mut s, "東京");
    snap!("cjk", s);
    s.show(&feedback(&deck, &card, &shown, Some("東京")));
    snap!("cjk_feedback", s);
}

#[test]
fn feedback_wrong_right_and_revealed() {
    let deck = deck();
    // A card with evidence and an explanation.
    let card = deck
        .cards
        .iter()
        .find(|c| c.kind().name() == "basic" && !c.evidence.is_empty() && c.explanation.is_some())
        .unwrap()
        .clone();
    let (v, shown) = card_view(&card);
    let mut s = state_with(&v);
    s.show(&feedback(&deck, &card, &shown, Some("Queens")));
    snap!("feedback_wrong", s);
    let mut s = state_with(&v);
    s.show(&feedback(&deck, &card, &shown, None));
    snap!("feedback_revealed", s);
    // Enter does not rate a revealed card.
    assert_eq!(s.handle_key(key(KeyCode::Enter)), Action::None);
    assert!(s.messages.last().unwrap().1.contains("1 again"));
    assert_eq!(
        s.handle_key(key(KeyCode::Char('3'))),
        Action::Send(Event::Rate(Some(Rating::Good)))
    );
    // Choice feedback marks the right option and the wrong pick.
    let card = first(&deck, "choice");
    let (v, shown) = card_view(&card);
    let mut s = state_with(&v);
    let wrong = (0..shown.options.len())
        .find(|&i| !grade::expected_response(&card, &shown).contains(grade::label(i)))
        .unwrap();
    let label = grade::label(wrong);
    assert_eq!(s.handle_key(key(KeyCode::Char(label))), Action::None);
    let Action::Send(Event::Answer(a)) = s.handle_key(key(KeyCode::Enter)) else {
        panic!()
    };
    assert_eq!(a, label.to_string());
    s.show(&feedback(&deck, &card, &shown, Some(&a)));
    snap!("feedback_choice", s);
}

#[test]
fn a_letter_picks_and_shows_the_option() {
    let deck = deck();
    let (v, _) = card_view(&first(&deck, "choice"));
    let mut s = state_with(&v);
    s.handle_key(key(KeyCode::Char('c')));
    assert_eq!((s.cursor, s.picked[2]), (2, true));
    let shot = rows(&s, 80, 24).join("\n");
    assert!(shot.contains("(•) c)"), "{shot}");
    // Arrows move the highlight; Enter answers with it.
    s.handle_key(key(KeyCode::Up));
    assert_eq!(
        s.handle_key(key(KeyCode::Enter)),
        Action::Send(Event::Answer("b".into()))
    );
}

#[test]
fn several_right_options_are_toggled() {
    let deck = deck();
    let card = deck
        .cards
        .iter()
        .find(|c| grade::present(c, Some(7)).multiple)
        .unwrap()
        .clone();
    let (v, _) = card_view(&card);
    let mut s = state_with(&v);
    assert_eq!(
        s.handle_key(key(KeyCode::Enter)),
        Action::None,
        "nothing toggled"
    );
    s.handle_key(key(KeyCode::Char('a')));
    s.handle_key(key(KeyCode::Char('c')));
    s.handle_key(key(KeyCode::Char('a')));
    s.handle_key(key(KeyCode::Down));
    s.handle_key(key(KeyCode::Char(' ')));
    snap!("choice_multiple", s);
    assert_eq!(
        s.handle_key(key(KeyCode::Enter)),
        Action::Send(Event::Answer("b c".into()))
    );
}

#[test]
fn order_items_move_and_the_order_is_shown() {
    let deck = deck();
    let (v, _) = card_view(&first(&deck, "order"));
    let mut s = state_with(&v);
    let shift = |c| KeyEvent::new(c, KeyModifiers::SHIFT);
    s.handle_key(key(KeyCode::Down));
    s.handle_key(shift(KeyCode::Down));
    s.handle_key(key(KeyCode::Char('K')));
    s.handle_key(key(KeyCode::Char('K')));
    assert_eq!(s.cursor, 0);
    snap!("order_moved", s);
    let Action::Send(Event::Answer(a)) = s.handle_key(key(KeyCode::Enter)) else {
        panic!()
    };
    assert!(a.starts_with("b a c"), "{a}");
}

#[test]
fn suspend_needs_confirmation_and_commands_are_typed() {
    let deck = deck();
    let card = first(&deck, "basic");
    let (v, shown) = card_view(&card);
    let mut s = state_with(&v);
    // In the answer field `s` is just a letter.
    assert_eq!(s.handle_key(key(KeyCode::Char('s'))), Action::None);
    assert_eq!(s.input.text(), "s");
    s.handle_key(key(KeyCode::Backspace));
    type_text(&mut s, ":s");
    assert_eq!(
        s.handle_key(key(KeyCode::Enter)),
        Action::Send(Event::Suspend)
    );
    // At the rating prompt a single `s` asks first.
    s.show(&feedback(&deck, &card, &shown, Some("x")));
    assert_eq!(s.handle_key(key(KeyCode::Char('s'))), Action::None);
    snap!("confirm_suspend", s);
    assert_eq!(s.handle_key(key(KeyCode::Char('n'))), Action::None);
    assert_eq!(s.confirm, None);
    s.handle_key(key(KeyCode::Char('s')));
    assert_eq!(
        s.handle_key(key(KeyCode::Char('y'))),
        Action::Send(Event::Suspend)
    );
    // Enter accepts a typed answer's proposal; u undoes.
    assert_eq!(
        s.handle_key(key(KeyCode::Enter)),
        Action::Send(Event::Rate(None))
    );
    assert_eq!(
        s.handle_key(key(KeyCode::Char('u'))),
        Action::Send(Event::Undo)
    );
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(s.handle_key(ctrl_c), Action::Send(Event::Quit));
}

#[test]
fn the_end_screen_says_what_was_done_and_when_to_come_back() {
    let n = now();
    let summary = view::Summary {
        seen: 23,
        correct: 19,
        again: 4,
        elapsed_ms: 754_000,
        next_due: Some(n.at(n.ms + 23 * 3_600_000).rfc3339()),
        next_due_ms: Some(n.ms + 23 * 3_600_000),
        now: n,
        remaining: QueueCounts::default(),
    };
    let mut s = State::new(false);
    s.show(&View::Finished(summary));
    snap!("end", s);
    let shot = rows(&s, 80, 24).join("\n");
    assert!(shot.contains("tomorrow at 09:00"), "{shot}");
    assert_eq!(s.handle_key(key(KeyCode::Char('x'))), Action::Leave);
}

/// No card id of the bundled deck is drawn before its answer: not by the
/// study screen (80×24 and 120×40), not by `--plain`, and not in a
/// `--json` card line outside its `card_id` field.
#[test]
fn no_card_id_is_shown_before_its_answer_in_any_frontend() {
    let deck = deck();
    let mut leaks = Vec::new();
    for card in &deck.cards {
        let id = card.id.to_lowercase();
        let (v, shown) = card_view(card);
        let mut s = state_with(&v);
        for (w, h) in [(80, 24), (120, 40)] {
            let rows = rows(&s, w, h);
            let joined: String = rows.iter().map(|r| r.trim()).collect();
            let all = format!("{}\n{joined}", rows.join("\n")).to_lowercase();
            if all.contains(&id) {
                leaks.push(format!("tui {w}x{h}: {}", card.id));
            }
        }
        let mut plain = Vec::new();
        crate::frontend::plain::render(&mut plain, &v).unwrap();
        if String::from_utf8(plain)
            .unwrap()
            .to_lowercase()
            .contains(&id)
        {
            leaks.push(format!("plain: {}", card.id));
        }
        let mut json = serde_json::to_value(&v).unwrap();
        json.as_object_mut().unwrap().remove("card_id");
        if json.to_string().to_lowercase().contains(&id) {
            leaks.push(format!("json: {}", card.id));
        }
        // After the answer the id is shown: the check above can fail.
        s.show(&feedback(&deck, card, &shown, None));
        let after = rows(&s, 120, 40).join("\n").to_lowercase();
        assert!(after.contains(&id), "{id} not shown after the answer");
    }
    assert!(leaks.is_empty(), "{leaks:#?}");
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// The answer field's row and where the cursor is drawn, at a width.
fn field(s: &State, w: u16, h: u16) -> (String, (u16, u16)) {
    let mut t = screen(s, w, h);
    let at = t.get_cursor_position().unwrap();
    let row = rows(s, w, h).into_iter().find(|r| r.contains('›')).unwrap();
    (row.trim_end().to_string(), (at.x, at.y))
}

#[test]
fn the_answer_field_edits_at_a_visible_cursor() {
    let deck = deck();
    let (v, _) = card_view(&first(&deck, "basic"));
    let mut s = state_with(&v);
    type_text(&mut s, "Brookyln");
    // Fix the swapped letters in the middle: ←← Backspace → then `y`.
    for k in [
        KeyCode::Left,
        KeyCode::Left,
        KeyCode::Backspace,
        KeyCode::Right,
    ] {
        s.handle_key(key(k));
    }
    type_text(&mut s, "y");
    assert_eq!(s.input.text(), "Brooklyn");
    let (row, (x, _)) = field(&s, 80, 24);
    assert!(row.contains("› Brooklyn  "), "{row}");
    // The cursor is drawn right after the retyped `y`, on the `n`.
    let start = row.find('›').unwrap();
    assert_eq!(
        x as usize,
        row[..start].chars().count() + "› Brookly".chars().count(),
        "{row}"
    );
    snap!("answer_field_cursor_mid", s);
    // Home / End, Ctrl-A / Ctrl-E, Delete at the cursor.
    s.handle_key(ctrl('a'));
    s.handle_key(key(KeyCode::Delete));
    assert_eq!(s.input.text(), "rooklyn");
    s.handle_key(key(KeyCode::End));
    type_text(&mut s, " borough");
    s.handle_key(ctrl('w'));
    assert_eq!(s.input.text(), "rooklyn ");
    s.handle_key(key(KeyCode::Home));
    type_text(&mut s, "B");
    s.handle_key(ctrl('e'));
    s.handle_key(key(KeyCode::Backspace));
    assert_eq!(s.input.text(), "Brooklyn");
    s.handle_key(key(KeyCode::Left));
    s.handle_key(ctrl('u'));
    assert_eq!((s.input.text(), s.input.cursor()), ("n", 0));
    // Enter sends the whole line, wherever the cursor is.
    type_text(&mut s, "Brookly");
    s.handle_key(key(KeyCode::Home));
    assert_eq!(
        s.handle_key(key(KeyCode::Enter)),
        Action::Send(Event::Answer("Brooklyn".into()))
    );
}

#[test]
fn a_long_cjk_answer_scrolls_by_whole_characters() {
    let deck = deck();
    let (v, _) = card_view(&first(&deck, "basic"));
    let mut s = state_with(&v);
    let long = "中華人民共和国国家安全部".repeat(4);
    type_text(&mut s, &long);
    let (row, (x, _)) = field(&s, 80, 24);
    // The end is in view and the cursor is right after the last character.
    // (The test backend draws a wide character and a blank cell.)
    assert!(row.contains("安 全 部   │"), "{row}");
    // The last character takes two cells; the cursor is in the next one.
    let (_, (_, y)) = field(&s, 80, 24);
    let t = screen(&s, 80, 24);
    let last = (0..80u16)
        .filter(|&c| t.backend().buffer()[(c, y)].symbol() == "部")
        .max()
        .unwrap();
    assert_eq!(x, last + 2, "{row}");
    snap!("answer_field_cjk_end", s);
    // Home: the start shows, the cursor at the first column of the text.
    s.handle_key(key(KeyCode::Home));
    let (row, (x_home, _)) = field(&s, 80, 24);
    assert!(row.contains("› 中 華 人 民"), "{row}");
    assert!(x_home < x);
    // Right twice moves two characters (four columns).
    s.handle_key(key(KeyCode::Right));
    s.handle_key(key(KeyCode::Right));
    assert_eq!(field(&s, 80, 24).1.0, x_home + 4);
    snap!("answer_field_cjk_home", s);
}

#[test]
fn the_answer_field_is_bounded_with_a_notice() {
    let deck = deck();
    let (v, _) = card_view(&first(&deck, "basic"));
    let mut s = state_with(&v);
    for _ in 0..super::line::MAX_ANSWER_CHARS + 50 {
        s.handle_key(key(KeyCode::Char('x')));
    }
    assert_eq!(
        s.input.text().chars().count(),
        super::line::MAX_ANSWER_CHARS
    );
    let screen = rows(&s, 80, 24).join("\n");
    assert!(
        screen.contains("an answer is at most 1000 characters"),
        "{screen}"
    );
    // Editing still works and the answer can be sent.
    s.handle_key(key(KeyCode::Backspace));
    s.handle_key(key(KeyCode::Char('y')));
    assert!(s.input.text().ends_with("xy"));
}
