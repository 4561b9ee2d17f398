//! GIFT and Aiken: round trips, Moodle's question types, located errors.

use docket::deck::model::Answer;
use docket::deck::model::Card;
use docket::deck::number::NumberAnswer;
use docket::deck::number::Tolerance;
use docket::interop::Format;
use docket::interop::ImportError;
use docket::interop::export;
use docket::interop::import;
use proptest::prelude::*;

use super::support::cards_only;
use super::support::deck;
use super::support::reparse;

/// Cards GIFT carries exactly: answers distinct, numbers without units
/// and with exact arithmetic, cloze cards with one gap inside the text,
/// no typed answer holding "->" (GIFT's matching pair).
fn gift_safe(c: &mut Card) -> bool {
    let bad = |s: &str| s.starts_with('%') || s.contains("_____") || s.contains("->");
    if bad(&c.prompt) {
        return false;
    }
    match &mut c.answer {
        Answer::Basic { answer, accept } => {
            let mut seen = vec![answer.clone()];
            accept.iter().all(|a| {
                let ok = !bad(a) && !seen.contains(a);
                seen.push(a.clone());
                ok
            }) && !bad(answer)
        }
        Answer::Choice { options, .. } => options.iter().all(|o| !bad(o)),
        Answer::TrueFalse(_) => true,
        Answer::Number(n) => {
            let v = n.value.unwrap_or(n.low).round();
            *n = match (n.value, n.low == n.high) {
                (Some(_), true) => NumberAnswer::with_tolerance(v, Tolerance::Exact, None),
                (Some(_), false) => NumberAnswer::with_tolerance(v, Tolerance::Absolute(2.5), None),
                (None, _) => NumberAnswer::with_range(None, v, v + 10.0, None),
            };
            true
        }
        Answer::Cloze(_) => true,
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn gift_round_trips_what_it_can_carry(mut d in deck()) {
        d.cards.retain_mut(gift_safe);
        // A Moodle category (the deck title) is one line; the exporter says so.
        d.meta.title = d.meta.title.replace(['\n', '\r'], " ").trim().to_string();
        prop_assume!(!d.meta.title.is_empty());
        prop_assume!(!d.cards.is_empty());
        let (bytes, lossy) = export(Format::Gift, &d).unwrap();
        prop_assert!(lossy.is_empty(), "{:?}", lossy);
        let back = match import(Format::Gift, "d.gift", &bytes) {
            Ok(b) => b,
            Err(ImportError::Syntax { diagnostics, text }) => {
                return Err(TestCaseError::fail(format!("{diagnostics:#?}\n{text}")));
            }
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        prop_assert!(back.skipped.is_empty() && back.notes.is_empty(), "{:?} {:?}", back.skipped, back.notes);
        prop_assert_eq!(&back.deck.meta.title, &d.meta.title);
        reparse(&back.deck);
        prop_assert_eq!(cards_only(&back.deck), cards_only(&d));
    }
}

#[test]
fn an_answer_holding_an_arrow_is_left_out_and_named() {
    let mut d = docket::bundled::case_deck().unwrap().deck().clone();
    d.cards.truncate(1);
    let mut card = d.cards[0].clone();
    card.id = "arrow".into();
    card.answer = Answer::Basic {
        answer: "a -> b".into(),
        accept: vec![],
    };
    d.cards.push(card);
    let (bytes, lossy) = export(Format::Gift, &d).unwrap();
    assert!(
        lossy
            .iter()
            .any(|l| l.item.contains("arrow") && l.reason.contains("matching pair")),
        "{lossy:?}"
    );
    let text = String::from_utf8(bytes).unwrap();
    assert!(!text.contains("::arrow::"), "{text}");
    let back = import(Format::Gift, "d.gift", text.as_bytes()).unwrap();
    assert_eq!(back.deck.cards.len(), 1);
}

#[test]
fn moodle_question_types_follow_moodles_decision_order() {
    let bytes = std::fs::read("tests/fixtures/interop/bank.gift").unwrap();
    let got = import(Format::Gift, "bank.gift", &bytes).unwrap();
    let d = &got.deck;
    reparse(d);
    assert_eq!(d.meta.title, "Examples");
    let kinds: Vec<&str> = d.cards.iter().map(|c| c.kind().name()).collect();
    assert_eq!(
        kinds,
        [
            "choice",
            "choice",
            "truefalse",
            "basic",
            "cloze",
            "number",
            "number",
            "choice",
            "basic"
        ]
    );
    let grant = &d.cards[0];
    assert_eq!(grant.id, "Grant");
    assert_eq!(grant.topics, ["history"]);
    assert_eq!(
        grant.explanation.as_deref(),
        Some("Nobody is buried; he is entombed.")
    );
    assert_eq!(d.cards[1].prompt, "Grant is _____ in Grant's tomb.");
    assert_eq!(d.cards[4].prompt, "Two plus {{c1::two|2}} equals four.");
    assert_eq!(
        d.cards[5].answer,
        Answer::Number(NumberAnswer::with_tolerance(
            1822.0,
            Tolerance::Absolute(5.0),
            None
        ))
    );
    assert_eq!(
        d.cards[7].answer,
        Answer::Choice {
            options: vec!["2".into(), "3".into(), "4".into()],
            correct: vec![0, 1]
        }
    );
    assert_eq!(d.cards[8].prompt, "What is bold in HTML?");
    let reasons: Vec<String> = got
        .skipped
        .iter()
        .chain(&got.notes)
        .map(ToString::to_string)
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("partly right answer “Grant” (50%)")),
        "{reasons:?}"
    );
    assert!(reasons.iter().any(|r| r.contains("matching")));
    assert!(reasons.iter().any(|r| r.contains("essay")));
    assert!(reasons.iter().any(|r| r.contains("description")));
}

#[test]
fn gift_syntax_errors_are_located() {
    let bytes = std::fs::read("tests/fixtures/interop/syntax.gift").unwrap();
    let Err(ImportError::Syntax { text, diagnostics }) = import(Format::Gift, "s.gift", &bytes)
    else {
        panic!("expected syntax errors");
    };
    let at: Vec<(usize, usize)> = diagnostics
        .iter()
        .map(|d| {
            let p = docket::diagnostic::position(&text, d.span.clone().unwrap().start);
            (p.line, p.column)
        })
        .collect();
    assert_eq!(at, [(4, 3), (6, 31)], "{diagnostics:#?}");
    assert!(
        diagnostics[0]
            .message
            .contains("`eight` is not a GIFT number")
    );
    assert!(diagnostics[1].message.contains("never closed"));
}

#[test]
fn aiken_reads_and_locates_errors() {
    let bytes = std::fs::read("tests/fixtures/interop/bank.aiken").unwrap();
    let got = import(Format::Aiken, "bank.aiken", &bytes).unwrap();
    assert_eq!(got.deck.cards.len(), 2);
    assert_eq!(
        got.deck.cards[1].answer,
        Answer::Choice {
            options: vec![
                "Moodle".into(),
                "ATutor".into(),
                "Claroline".into(),
                "Blackboard".into()
            ],
            correct: vec![0]
        }
    );
    reparse(&got.deck);
    let bytes = std::fs::read("tests/fixtures/interop/bad.aiken").unwrap();
    let Err(ImportError::Syntax { text, diagnostics }) = import(Format::Aiken, "b.aiken", &bytes)
    else {
        panic!("expected an error");
    };
    let p = docket::diagnostic::position(&text, diagnostics[0].span.clone().unwrap().start);
    assert_eq!(
        (p.line, diagnostics[0].message.as_str()),
        (4, "ANSWER names C, but there is no option C")
    );
}

#[test]
fn the_case_deck_exports_to_gift_with_notes_for_what_is_lost() {
    let text = std::fs::read_to_string("decks/case.toml").unwrap();
    let (d, _) = docket::deck::parse::parse_deck(std::path::Path::new("case.toml"), &text);
    let d = d.unwrap();
    let (bytes, lossy) = export(Format::Gift, &d).unwrap();
    let back = import(Format::Gift, "case.gift", &bytes).unwrap();
    let left_out = lossy
        .iter()
        .filter(|s| s.reason.starts_with("left out"))
        .count();
    assert_eq!(back.deck.cards.len() + left_out, d.cards.len());
    reparse(&back.deck);
}

#[test]
fn moodles_rules_for_prefixes_feedback_numbers_and_refusals() {
    let bytes = std::fs::read("tests/fixtures/interop/moodle-rules.gift").unwrap();
    let got = import(Format::Gift, "rules.gift", &bytes).unwrap();
    reparse(&got.deck);
    let card = |id: &str| {
        got.deck
            .cards
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no card {id}"))
    };
    let reasons: Vec<String> = got
        .skipped
        .iter()
        .chain(&got.notes)
        .map(ToString::to_string)
        .collect();
    // Prefixes are stripped from options and feedback too; HTML becomes text.
    let p = card("prefix");
    assert_eq!(p.prompt, "Which colour do lemons have?");
    assert_eq!(
        p.answer,
        Answer::Choice {
            options: vec!["yellow".into(), "red".into(), "blue".into()],
            correct: vec![0]
        }
    );
    assert!(
        p.explanation
            .as_deref()
            .unwrap()
            .contains("Feedback on “blue”: No, that is the sky.")
    );
    // Both full-credit numbers are accepted.
    assert_eq!(
        card("twoanswers").answer,
        Answer::Basic {
            answer: "-7".into(),
            accept: vec!["4".into()]
        }
    );
    // Partial credit is named, with its weight; the full answer is kept.
    assert_eq!(
        card("partial").answer,
        Answer::Number(NumberAnswer::with_tolerance(
            384.0,
            Tolerance::Absolute(10.0),
            None
        ))
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("partly right number `384:50` (50%)"))
    );
    // A catch-all wrong answer with feedback is valid, and its feedback kept.
    let c = card("catchall");
    assert_eq!(
        c.answer,
        Answer::Number(NumberAnswer::with_tolerance(
            3.0,
            Tolerance::Absolute(2.0),
            None
        ))
    );
    assert!(
        c.explanation
            .as_deref()
            .unwrap()
            .contains("Completely wrong")
    );
    // A short answer without `=`.
    assert_eq!(
        card("noequals").answer,
        Answer::Basic {
            answer: "Paris".into(),
            accept: vec![]
        }
    );
    // The broken question is reported with its place; the rest imported.
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("line 15, column") && r.contains("`two` is not a GIFT number")),
        "{reasons:?}"
    );
    // True/false feedback, per-answer feedback, subcategories as topics.
    let tf = card("tf");
    assert_eq!(tf.answer, Answer::TrueFalse(true));
    let e = tf.explanation.as_deref().unwrap();
    assert!(e.contains("Feedback on “false”: No: it is one."), "{e}");
    assert!(
        e.contains("Feedback on “true”: Yes, a yellow dwarf."),
        "{e}"
    );
    assert_eq!(tf.topics, ["Rules / Feedback"]);
    assert_eq!(got.deck.meta.title, "Rules");
    let fb = card("fb");
    assert!(
        fb.explanation
            .as_deref()
            .unwrap()
            .contains("Feedback on “Iron”: A metal.")
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("partly right option “Nitrogen” (50%)"))
    );
}

#[test]
fn export_writes_categories_raw_and_escapes_html_text() {
    let mut d = docket::interop::import(Format::Gift, "x.gift", b"::a::Is 1 < 2 & 3 > 2?{T}\n")
        .unwrap()
        .deck;
    d.meta.title = "All kinds: test/one".into();
    let (bytes, _) = export(Format::Gift, &d).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        text.contains("$CATEGORY: $course$/top/All kinds: test//one\n"),
        "{text}"
    );
    assert!(text.contains("Is 1 &lt; 2 &amp; 3 &gt; 2?{TRUE}"), "{text}");
    let back = import(Format::Gift, "x.gift", &bytes).unwrap().deck;
    assert_eq!(back.meta.title, "All kinds: test/one");
    assert_eq!(back.cards[0].prompt, "Is 1 < 2 & 3 > 2?");
}

#[test]
fn aiken_options_without_a_space_are_read_as_moodle_reads_them() {
    let bytes = std::fs::read("tests/fixtures/interop/tight.aiken").unwrap();
    let got = import(Format::Aiken, "tight.aiken", &bytes).unwrap();
    assert_eq!(
        got.deck.cards[0].answer,
        Answer::Choice {
            options: vec!["Mercury".into(), "Venus".into()],
            correct: vec![0]
        }
    );
    // Lines before the first option continue the question, as in Moodle.
    assert_eq!(
        got.deck.cards[0].prompt,
        "Which planet is\nclosest to the Sun?"
    );
}
