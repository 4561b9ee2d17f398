//! The class state with explicit times: time is charged per item as
//! `quiz take` charges it, in self-paced sittings and in a live round.

use chrono::DateTime;
use chrono::Utc;

use super::ClassError;
use super::state::Class;
use super::state::Limits;
use super::state::Mode;
use super::state::Nav;
use super::state::Phase;
use crate::quiz::form::MakeOptions;
use crate::quiz::selection::Selection;

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
}

fn class(mode: Mode) -> Class {
    let deck = crate::bundled::case_deck().unwrap().into_deck();
    let options = MakeOptions {
        selection: Selection {
            items: Some(3),
            seed: 7,
            ..Selection::default()
        },
        time_limit_minutes: None,
    };
    let (form, key) =
        crate::quiz::form::make(&deck, crate::bundled::CASE_DECK_TOML, &options).unwrap();
    Class::new(
        form,
        key,
        mode,
        "t".repeat(32),
        "ABCDEF".into(),
        Limits::default(),
    )
}

fn right(c: &Class, i: usize) -> String {
    let (card, shown) = c.key.graded_item(i);
    crate::grade::expected_response(&card, &shown)
}

fn charged(c: &Class, s: usize) -> Vec<(Option<String>, u64)> {
    let ids: Vec<String> = c.form.items.iter().map(|i| i.id.clone()).collect();
    c.students[s].record().answers(&ids).unwrap()
}

#[test]
fn a_self_paced_sitting_is_charged_per_item_and_verifies() {
    let mut c = class(Mode::SelfPaced);
    c.join("Ana", "abcdef", None, "a".repeat(32), at(0))
        .unwrap();
    let tok = "a".repeat(32);
    let a0 = right(&c, 0);
    c.act(&tok, Some(0), Some(&a0), Nav::Next, at(10)).unwrap();
    c.act(&tok, Some(1), None, Nav::Back, at(15)).unwrap();
    assert_eq!(c.students[0].current(), Some(0));
    // The same answer again changes nothing but the time on the item.
    c.act(&tok, Some(0), Some(&a0), Nav::Review, at(18))
        .unwrap();
    assert_eq!(c.students[0].current(), None);
    assert_eq!(c.students[0].unanswered(), vec![1, 2]);
    let (_, receipt) = c.hand_in(&tok, at(30)).unwrap();
    let rows = charged(&c, 0);
    assert_eq!(rows[0], (Some(a0), 13));
    assert_eq!(rows[1], (None, 5));
    assert_eq!(rows[2], (None, 0));
    let record = c.students[0].record();
    assert!(record.verify().is_ok());
    assert_eq!(record.submitted.as_ref().unwrap().receipt, receipt);
    assert_eq!(c.students[0].marks[0], Some(true));
    assert_eq!(
        c.hand_in(&tok, at(31)),
        Err(ClassError::Submitted(receipt.clone()))
    );
    assert!(matches!(
        c.act(&tok, Some(0), Some("b"), Nav::Next, at(32)),
        Err(ClassError::Submitted(_))
    ));
}

#[test]
fn a_live_round_charges_the_time_from_opening_to_answering() {
    let mut c = class(Mode::Live);
    for (n, t) in [("Ana", 'a'), ("Bo", 'b')] {
        c.join(n, "ABCDEF", None, t.to_string().repeat(32), at(0))
            .unwrap();
    }
    let (ana, bo) = ("a".repeat(32), "b".repeat(32));
    c.open_next(at(100)).unwrap();
    assert_eq!(c.phase, Phase::Open(0));
    let a0 = right(&c, 0);
    c.answer_live(&ana, 0, &a0, at(107)).unwrap();
    assert!(matches!(
        c.answer_live(&ana, 1, &a0, at(108)),
        Err(ClassError::NotNow(_))
    ));
    assert_eq!(c.answered(0), 1);
    c.close_item(at(130)).unwrap();
    let reveal = c.reveal(0);
    assert_eq!((reveal.answered, reveal.correct), (1, 1));
    c.open_next(at(200)).unwrap();
    // Someone joining mid-round starts at the open item.
    c.join("Cy", "ABCDEF", None, "c".repeat(32), at(205))
        .unwrap();
    assert_eq!(c.students[2].current(), Some(1));
    c.close_item(at(210)).unwrap();
    c.open_next(at(220)).unwrap();
    c.close_item(at(230)).unwrap();
    assert!(c.open_next(at(231)).is_err());
    c.finish(at(240)).unwrap();
    assert_eq!(c.phase, Phase::Finished);
    assert!(!c.joining);
    let ana_rows = charged(&c, 0);
    assert_eq!(ana_rows[0], (Some(a0), 7));
    let bo_rows = charged(&c, 1);
    // Bo never answered: each item is charged while it was open.
    assert_eq!(bo_rows[0], (None, 30));
    assert_eq!(bo_rows[1], (None, 10));
    for s in &c.students {
        assert!(s.record().verify().is_ok());
        assert!(s.receipt().is_some());
    }
    assert_eq!(c.standings()[0].name, "Ana");
    let _ = bo;
}

#[test]
fn phases_round_trip_through_the_journal_spelling() {
    for p in [
        Phase::Lobby,
        Phase::Open(3),
        Phase::Closed(0),
        Phase::Finished,
    ] {
        assert_eq!(Phase::decode(&p.encode()), Some(p));
    }
    assert_eq!(Phase::decode("open"), None);
    assert_eq!(Phase::decode("closed x"), None);
}

#[test]
fn tokens_and_codes_come_from_the_system() {
    let a = super::random_token().unwrap();
    let b = super::random_token().unwrap();
    assert_eq!(a.len(), 32);
    assert_ne!(a, b);
    let code = super::random_code().unwrap();
    assert_eq!(code.len(), 6);
    assert!(
        code.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    );
    assert!(!code.contains(['0', 'O', '1', 'I']));
}

#[test]
fn sittings_past_their_time_limit_are_handed_in_for_the_report() {
    let deck = crate::bundled::case_deck().unwrap().into_deck();
    let options = MakeOptions {
        selection: Selection {
            items: Some(2),
            seed: 7,
            ..Selection::default()
        },
        time_limit_minutes: Some(10),
    };
    let (form, key) =
        crate::quiz::form::make(&deck, crate::bundled::CASE_DECK_TOML, &options).unwrap();
    let mut c = Class::new(
        form,
        key,
        Mode::SelfPaced,
        "t".repeat(32),
        "ABCDEF".into(),
        Limits::default(),
    );
    c.join("Ana", "ABCDEF", None, "a".repeat(32), at(0))
        .unwrap();
    assert!(c.hand_in_expired(at(599)).is_empty());
    assert_eq!(c.hand_in_expired(at(600)), vec![0]);
    let r = c.students[0].record();
    assert!(r.submitted.as_ref().unwrap().time_up);
    assert!(r.verify().is_ok());
}

#[test]
fn a_rejoin_needs_the_join_code_and_the_students_own_rejoin_code() {
    let mut c = class(Mode::SelfPaced);
    let ip = Some(std::net::IpAddr::from([10, 0, 0, 5]));
    c.join("Ana", "ABCDEF", None, "a".repeat(32), at(0))
        .unwrap();
    c.join("Bo", "ABCDEF", None, "b".repeat(32), at(0)).unwrap();
    let ana_code = c.rejoin_code(&c.students[0]);
    let bo_code = c.rejoin_code(&c.students[1]);
    assert_eq!(ana_code.len(), 6);
    assert_ne!(ana_code, bo_code);
    // The name alone is not enough: a new join under it is refused.
    assert_eq!(
        c.join("ana", "ABCDEF", ip, "x".repeat(32), at(1)),
        Err(ClassError::NameTaken)
    );
    // Another student's code, an unknown name, or the wrong join code fail
    // and count as wrong attempts.
    assert_eq!(
        c.rejoin("Ana", "ABCDEF", &bo_code, ip),
        Err(ClassError::WrongRejoin)
    );
    assert_eq!(
        c.rejoin("Nobody", "ABCDEF", &ana_code, ip),
        Err(ClassError::WrongRejoin)
    );
    assert_eq!(
        c.rejoin("Ana", "ZZZZZZ", &ana_code, ip),
        Err(ClassError::WrongCode)
    );
    // The right pair works, in any case and spacing, even with joining
    // closed: the student is already in the class.
    c.joining = false;
    assert_eq!(
        c.rejoin(" ANA ", "abcdef", &ana_code.to_lowercase(), ip),
        Ok(0)
    );
    assert_eq!(c.token_of(0), "a".repeat(32));
    // The rejoin code depends on the teacher's secret: the same student
    // token in another class has another code.
    let mut other = class(Mode::SelfPaced);
    other.teacher_token = "u".repeat(32);
    other
        .join("Ana", "ABCDEF", None, "a".repeat(32), at(0))
        .unwrap();
    assert_ne!(other.rejoin_code(&other.students[0]), ana_code);
    // Wrong rejoin codes are bounded like wrong join codes.
    for _ in 0..10 {
        let _ = c.rejoin("Ana", "ABCDEF", "AAAAAA", ip);
    }
    assert_eq!(
        c.rejoin("Ana", "ABCDEF", &ana_code, ip),
        Err(ClassError::TooManyAttempts)
    );
}

#[test]
fn the_speed_bonus_counts_only_right_answers_and_the_time_of_the_standing_answer() {
    let mut c = class(Mode::Live);
    for (n, t) in [("Ana", 'a'), ("Bo", 'b'), ("Cy", 'c')] {
        c.join(n, "ABCDEF", None, t.to_string().repeat(32), at(0))
            .unwrap();
    }
    let (ana, bo, cy) = ("a".repeat(32), "b".repeat(32), "c".repeat(32));
    let a0 = right(&c, 0);
    let wrong = {
        let item = c.item(0);
        match item.kind.as_str() {
            "truefalse" if a0 == "true" => "false".to_string(),
            "truefalse" => "true".to_string(),
            "choice" if a0 == "a" => "b".to_string(),
            "choice" => "a".to_string(),
            _ => "surely not this".to_string(),
        }
    };
    c.open_next(at(100)).unwrap();
    // Ana: right after 4 s. Bo: a quick wrong guess at 1 s, corrected at
    // 20 s: the correction's time counts. Cy: wrong.
    c.answer_live(&ana, 0, &a0, at(104)).unwrap();
    c.answer_live(&bo, 0, &wrong, at(101)).unwrap();
    c.answer_live(&bo, 0, &a0, at(120)).unwrap();
    c.answer_live(&cy, 0, &wrong, at(102)).unwrap();
    c.close_item(at(130)).unwrap();
    let id = c.item(0).id.clone();
    assert_eq!(c.students[0].answer_seconds(&id), Some(4));
    assert_eq!(c.students[1].answer_seconds(&id), Some(20));
    // Off by default: no points at all, standings by right answers.
    assert!(!c.speed_bonus);
    assert_eq!(c.bonus(&c.students[0], 0), 0);
    assert_eq!(c.points(&c.students[0], 1), None);
    c.speed_bonus = true;
    assert_eq!(c.bonus(&c.students[0], 0), 5);
    assert_eq!(c.bonus(&c.students[1], 0), 2);
    assert_eq!(c.bonus(&c.students[2], 0), 0);
    assert_eq!(c.points(&c.students[0], 1), Some(15));
    assert_eq!(c.points(&c.students[1], 1), Some(12));
    assert_eq!(c.points(&c.students[2], 1), Some(0));
    // An open item's points are not shown before it closes.
    c.open_next(at(200)).unwrap();
    let a1 = right(&c, 1);
    c.answer_live(&cy, 1, &a1, at(201)).unwrap();
    assert_eq!(c.points(&c.students[2], c.revealed()), Some(0));
    c.close_item(at(210)).unwrap();
    assert_eq!(c.points(&c.students[2], c.revealed()), Some(15));
    let order: Vec<String> = c.standings().into_iter().map(|s| s.name).collect();
    assert_eq!(order, ["Ana", "Cy", "Bo"]);
    // The records know nothing of points: the same as with the bonus off.
    let records: Vec<_> = c.students.iter().map(|s| s.record().clone()).collect();
    c.speed_bonus = false;
    let again: Vec<_> = c.students.iter().map(|s| s.record().clone()).collect();
    assert_eq!(records, again);
    let by_right: Vec<String> = c.standings().into_iter().map(|s| s.name).collect();
    assert_eq!(by_right, ["Ana", "Bo", "Cy"]);
}
