//! Moodle XML: Moodle's question types read by Moodle's rules, what is not
//! carried named per question, and an export that is well-formed XML and
//! reads back to the same cards.

use docket::deck::model::Answer;
use docket::deck::model::Card;
use docket::deck::number::NumberAnswer;
use docket::deck::number::Tolerance;
use docket::interop::Format;
use docket::interop::export;
use docket::interop::import;
use proptest::prelude::*;

use super::support::cards_only;
use super::support::deck;
use super::support::reparse;

#[test]
fn moodle_question_types_are_read_and_losses_named() {
    let bytes = std::fs::read("tests/fixtures/interop/bank.xml").unwrap();
    let got = import(Format::MoodleXml, "bank.xml", &bytes).unwrap();
    let d = &got.deck;
    reparse(d);
    assert_eq!(d.meta.title, "Geography");
    let card = |id: &str| d.cards.iter().find(|c| c.id == id).unwrap();
    let reasons: Vec<String> = got
        .skipped
        .iter()
        .chain(&got.notes)
        .map(ToString::to_string)
        .collect();
    let rivers = card("rivers");
    assert_eq!(rivers.prompt, "Which river is the longest?");
    assert_eq!(
        rivers.answer,
        Answer::Choice {
            options: vec!["The Nile".into(), "The Amazon".into(), "The Rhine".into()],
            correct: vec![0]
        }
    );
    let e = rivers.explanation.as_deref().unwrap();
    assert!(e.starts_with("Measurements differ."), "{e}");
    assert!(e.contains("Feedback on “The Amazon”: Some say so."), "{e}");
    assert_eq!(rivers.topics, ["water"]);
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("`rivers`") && r.contains("“The Amazon” (50%)"))
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("correctfeedback “Well done.”"))
    );
    assert_eq!(
        card("primes").answer,
        Answer::Choice {
            options: vec!["2".into(), "5".into(), "4".into()],
            correct: vec![0, 1]
        }
    );
    assert_eq!(card("primes").prompt, "Pick the primes < 6.");
    assert_eq!(card("flat").answer, Answer::TrueFalse(false));
    assert!(
        card("flat")
            .explanation
            .as_deref()
            .unwrap()
            .contains("Feedback on “true”: No, it is round.")
    );
    assert_eq!(
        card("capital").answer,
        Answer::Basic {
            answer: "Lima".into(),
            accept: vec!["lima city".into()]
        }
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("hint “It is on the coast.”"))
    );
    assert_eq!(
        card("everest").answer,
        Answer::Number(NumberAnswer::with_tolerance(
            8849.0,
            Tolerance::Absolute(10.0),
            Some("m".into())
        ))
    );
    assert!(reasons.iter().any(|r| r.contains("unit `km`")));
    assert_eq!(
        card("cloze").prompt,
        "Paris is the capital of {{c1::France}} and lies on the {{c2::Seine}}."
    );
    assert!(reasons.iter().any(|r| r.contains("gap 2 is a MULTICHOICE")));
    assert_eq!(
        card("planets").answer,
        Answer::Order(vec!["Mercury".into(), "Venus".into(), "Earth".into()])
    );
    assert!(reasons.iter().any(|r| r.contains("(essay)")));
    assert_eq!(card("compass").topics, ["Geography / Maps"]);
}

#[test]
fn a_file_with_nothing_convertible_says_which_kinds_it_holds() {
    let xml = br#"<?xml version="1.0"?><quiz><question type="essay"><questiontext><text>x</text></questiontext></question><question type="matching"/></quiz>"#;
    let err = import(Format::MoodleXml, "e.xml", xml)
        .unwrap_err()
        .to_string();
    assert!(err.contains("essay, matching"), "{err}");
    let err = import(Format::MoodleXml, "e.xml", b"<quiz><question>")
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 1"), "{err}");
}

/// Cards Moodle XML carries exactly: plain texts (HTML collapses runs of
/// white space), numbers with exact arithmetic, no dates, single-answer
/// gaps without hints.
fn xml_safe(c: &mut Card) -> bool {
    let plain = |s: &str| {
        !s.contains("  ")
            && !s.contains('\t')
            && !s.contains(" \n")
            && !s.contains("\n ")
            && !s.contains("\n\n")
    };
    if !plain(&c.prompt) || !c.explanation.as_deref().is_none_or(plain) {
        return false;
    }
    match &mut c.answer {
        Answer::Basic { answer, accept } => {
            let mut seen = vec![answer.clone()];
            accept.iter().all(|a| {
                let ok = !seen.contains(a);
                seen.push(a.clone());
                ok
            })
        }
        Answer::Choice { options, .. } => options.iter().all(|o| plain(o)),
        Answer::Order(items) => items.iter().all(|o| plain(o)),
        Answer::TrueFalse(_) => true,
        Answer::Number(n) => {
            let v = n.value.unwrap_or(n.low).round();
            let unit = n.unit.clone();
            *n = if n.low == n.high {
                NumberAnswer::with_tolerance(v, Tolerance::Exact, unit)
            } else {
                NumberAnswer::with_tolerance(v, Tolerance::Absolute(2.5), unit)
            };
            true
        }
        Answer::Cloze(gaps) => gaps.iter().all(|g| g.hint.is_none()),
        Answer::Date(_) => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn moodle_xml_round_trips_and_is_well_formed(mut d in deck()) {
        d.cards.retain_mut(xml_safe);
        d.meta.title = d.meta.title.replace(['\n', '\r'], " ").trim().to_string();
        prop_assume!(!d.cards.is_empty() && !d.meta.title.is_empty());
        let (bytes, _) = export(Format::MoodleXml, &d).unwrap();
        // Well-formed, by a real XML parser.
        let mut r = quick_xml::Reader::from_reader(bytes.as_slice());
        let mut buf = Vec::new();
        let mut depth = 0i32;
        loop {
            match r.read_event_into(&mut buf) {
                Ok(quick_xml::events::Event::Start(_)) => depth += 1,
                Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => return Err(TestCaseError::fail(format!("not well-formed: {e}"))),
            }
            buf.clear();
        }
        prop_assert_eq!(depth, 0);
        let back = match import(Format::MoodleXml, "d.xml", &bytes) {
            Ok(b) => b,
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&bytes)))),
        };
        let unexpected: Vec<_> = back.skipped.iter().chain(&back.notes).collect();
        prop_assert!(unexpected.is_empty(), "{:?}", unexpected);
        prop_assert_eq!(&back.deck.meta.title, &d.meta.title);
        reparse(&back.deck);
        prop_assert_eq!(cards_only(&back.deck), cards_only(&d));
    }
}

#[test]
fn deeply_nested_xml_is_refused_without_recursion() {
    let xml = format!(
        "<quiz>{}{}</quiz>",
        "<a>".repeat(10_000),
        "</a>".repeat(10_000)
    );
    let err = import(Format::MoodleXml, "deep.xml", xml.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("nest deeper"), "{err}");
}
