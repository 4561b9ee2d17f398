//! Session and queue tests with a fixed clock and an in-memory store.

use std::path::Path;

use super::*;
use crate::clock::Now;
use crate::deck::Deck;
use crate::deck::parse::parse_deck;
use crate::schedule::Phase;
use crate::schedule::SchedulerConfig;
use crate::store::DeckCard;
use crate::store::SqliteStore;

pub(crate) const DECK: &str = r#"
[deck]
id = "t"
title = "Test"
description = "A test deck."

[sources.s]
file = "s.txt"
title = "A Source"
publisher = "Pub"
date = "2020-12-18"

[[card]]
id = "one"
kind = "basic"
prompt = "Say one"
answer = "one"
explanation = "Because."
evidence = [{ source = "s", quote = "one two" }]

[[card]]
id = "two"
kind = "truefalse"
prompt = "Two is even?"
answer = true

[[card]]
id = "three"
kind = "choice"
prompt = "Pick three"
options = ["three", "four"]
answer = "three"
"#;

pub(crate) fn deck() -> Deck {
    let (deck, diags) = parse_deck(Path::new("t.toml"), DECK);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    deck.unwrap()
}

pub(crate) fn store_for(deck: &Deck) -> SqliteStore {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let cards: Vec<DeckCard> = deck
        .cards
        .iter()
        .map(|c| DeckCard {
            card_id: c.id.clone(),
            content_hash: c.content_hash(),
            text: None,
        })
        .collect();
    store.sync_deck("t", "Test", "h1", &cards, 0).unwrap();
    store
}

pub(crate) fn cards(deck: &Deck) -> cards::DeckCards<'_> {
    cards::DeckCards::new(deck)
}

pub(crate) fn sched() -> Scheduler {
    Scheduler::new(SchedulerConfig {
        fuzz: false,
        ..SchedulerConfig::default()
    })
    .unwrap()
}

fn t0() -> Now {
    Now::parse("2026-03-02T10:00:00+00:00").unwrap()
}

fn card_id(v: &View) -> &str {
    match v {
        View::Card(c) => &c.card_id,
        other => panic!("expected a card, got {other:?}"),
    }
}

#[test]
fn new_cards_come_in_deck_order_and_answers_are_saved() {
    let deck = deck();
    let mut store = store_for(&deck);
    let src = cards(&deck);
    let (mut s, views) = Session::start(&mut store, &src, sched(), 1, t0()).unwrap();
    assert_eq!(card_id(&views[0]), "one");
    let fb = s.handle(Event::Answer("one".into()), t0()).unwrap();
    let View::Feedback(f) = &fb[0] else { panic!() };
    assert_eq!(f.correct, Some(true));
    assert_eq!(f.proposed, Some(Rating::Good));
    assert_eq!(f.evidence[0].publisher.as_deref(), Some("Pub"));
    assert_eq!(f.intervals[2], "10m");
    let next = s.handle(Event::Rate(None), t0()).unwrap();
    assert_eq!(card_id(&next[0]), "two");
    drop(s);
    let row = store.card("t", "one").unwrap().unwrap();
    assert_eq!(row.state.phase, Phase::Learning);
    assert_eq!(store.log("t", None).unwrap().len(), 1);
}

#[test]
fn wrong_answers_propose_again_and_can_be_overridden() {
    let deck = deck();
    let mut store = store_for(&deck);
    let src = cards(&deck);
    let (mut s, _) = Session::start(&mut store, &src, sched(), 1, t0()).unwrap();
    let fb = s.handle(Event::Answer("zero".into()), t0()).unwrap();
    let View::Feedback(f) = &fb[0] else { panic!() };
    assert_eq!((f.correct, f.proposed), (Some(false), Some(Rating::Again)));
    s.handle(Event::Rate(Some(Rating::Easy)), t0()).unwrap();
    drop(s);
    let log = store.log("t", Some("one")).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].answer.rating, Some(Rating::Easy));
    assert_eq!(
        store.card("t", "one").unwrap().unwrap().state.phase,
        Phase::Review
    );
}

#[test]
fn unreadable_answers_are_asked_again() {
    let deck = deck();
    let mut store = store_for(&deck);
    let src = cards(&deck);
    let (mut s, _) = Session::start(&mut store, &src, sched(), 1, t0()).unwrap();
    s.handle(Event::Answer("one".into()), t0()).unwrap();
    s.handle(Event::Rate(None), t0()).unwrap();
    let v = s.handle(Event::Answer("maybe".into()), t0()).unwrap();
    assert!(matches!(v[0], View::Retry { .. }), "{v:?}");
}

#[test]
fn a_card_counts_as_not_known_after_repeated_unreadable_answers() {
    let deck = deck();
    let mut store = store_for(&deck);
    let src = cards(&deck);
    let (mut s, _) = Session::start(&mut store, &src, sched(), 1, t0()).unwrap();
    s.handle(Event::Answer("one".into()), t0()).unwrap();
    s.handle(Event::Rate(None), t0()).unwrap();
    for _ in 1..MAX_UNREADABLE {
        let v = s.handle(Event::Answer("maybe".into()), t0()).unwrap();
        assert!(matches!(v[0], View::Retry { .. }), "{v:?}");
    }
    let v = s.handle(Event::Answer("maybe".into()), t0()).unwrap();
    let View::Feedback(f) = &v[0] else {
        panic!("{v:?}")
    };
    assert_eq!((f.correct, f.proposed), (Some(false), Some(Rating::Again)));
}

#[test]
fn undo_walks_back_to_the_start() {
    let deck = deck();
    let mut store = store_for(&deck);
    let src = cards(&deck);
    let (mut s, _) = Session::start(&mut store, &src, sched(), 1, t0()).unwrap();
    for answer in ["one", "true"] {
        s.handle(Event::Answer(answer.into()), t0()).unwrap();
        s.handle(Event::Rate(None), t0()).unwrap();
    }
    let v = s.handle(Event::Undo, t0()).unwrap();
    assert_eq!(card_id(&v[1]), "two");
    let v = s.handle(Event::Undo, t0()).unwrap();
    assert_eq!(card_id(&v[1]), "one");
    let v = s.handle(Event::Undo, t0()).unwrap();
    assert!(matches!(&v[0], View::Notice { message } if message.contains("nothing")));
    drop(s);
    assert!(store.log("t", None).unwrap().is_empty());
    assert_eq!(
        store.card("t", "one").unwrap().unwrap().state,
        crate::schedule::CardState::NEW
    );
}

#[test]
fn never_the_same_card_twice_when_another_is_available() {
    let deck = deck();
    let mut store = store_for(&deck);
    let src = cards(&deck);
    let (mut s, _) = Session::start(&mut store, &src, sched(), 1, t0()).unwrap();
    // Again puts "one" back due in a minute; later, it is due, but "two" comes first.
    s.handle(Event::Answer("no".into()), t0()).unwrap();
    let later = t0().plus_secs(120);
    let v = s.handle(Event::Rate(None), later).unwrap();
    assert_eq!(card_id(&v[0]), "two");
    // and after "two", the due learning card "one" comes before new "three".
    s.handle(Event::Answer("true".into()), later).unwrap();
    let v = s.handle(Event::Rate(None), later).unwrap();
    assert_eq!(card_id(&v[0]), "one");
}

#[test]
fn learn_ahead_shows_soon_due_cards_then_the_session_ends() {
    let deck = deck();
    let mut store = store_for(&deck);
    let src = cards(&deck);
    let (mut s, _) = Session::start(&mut store, &src, sched(), 1, t0()).unwrap();
    let mut seen = Vec::new();
    let mut last = None;
    for _ in 0..20 {
        if s.is_finished() {
            break;
        }
        // Easy graduates every card at once.
        let v = s.handle(Event::Reveal, t0()).unwrap();
        if let View::Feedback(f) = &v[0] {
            seen.push(f.card_id.clone());
        }
        last = Some(s.handle(Event::Rate(Some(Rating::Easy)), t0()).unwrap());
    }
    assert_eq!(seen, ["one", "two", "three"]);
    assert!(matches!(last.unwrap()[0], View::Finished(_)));
}

#[test]
fn suspend_and_bury_skip_cards() {
    let deck = deck();
    let mut store = store_for(&deck);
    let src = cards(&deck);
    let (mut s, _) = Session::start(&mut store, &src, sched(), 1, t0()).unwrap();
    let v = s.handle(Event::Suspend, t0()).unwrap();
    assert_eq!(card_id(&v[1]), "two");
    let v = s.handle(Event::Bury, t0()).unwrap();
    assert_eq!(card_id(&v[1]), "three");
    drop(s);
    assert!(store.card("t", "one").unwrap().unwrap().suspended);
    // Tomorrow the buried card is back, the suspended one is not.
    let tomorrow = t0().plus_secs(86_400);
    let src = cards(&deck);
    let (_, v) = Session::start(&mut store, &src, sched(), 1, tomorrow).unwrap();
    assert_eq!(card_id(&v[0]), "two");
}

#[test]
fn daily_new_limit_is_respected() {
    let deck = deck();
    let mut store = store_for(&deck);
    let config = SchedulerConfig {
        fuzz: false,
        new_per_day: 1,
        ..SchedulerConfig::default()
    };
    let sched = Scheduler::new(config).unwrap();
    let src = cards(&deck);
    let (mut s, _) = Session::start(&mut store, &src, sched, 1, t0()).unwrap();
    s.handle(Event::Reveal, t0()).unwrap();
    let v = s.handle(Event::Rate(Some(Rating::Easy)), t0()).unwrap();
    assert!(matches!(v[0], View::Finished(_)), "{v:?}");
}

#[test]
fn deck_text_is_cleaned() {
    let mut deck = deck();
    deck.cards[2].prompt = "Pick \u{1b}[2Jthree\u{7}".into();
    let mut store = store_for(&deck);
    store.set_suspended("t", "one", true).unwrap();
    store.set_suspended("t", "two", true).unwrap();
    let src = cards(&deck);
    let (_, v) = Session::start(&mut store, &src, sched(), 1, t0()).unwrap();
    let View::Card(c) = &v[0] else { panic!() };
    assert!(!c.prompt.contains('\u{1b}'), "{:?}", c.prompt);
}

#[test]
fn stale_answers_are_refused() {
    let deck = deck();
    let mut store = store_for(&deck);
    let s = sched();
    let before = store.card("t", "one").unwrap().unwrap().state;
    let next = s.next_states(&before, t0(), 1).unwrap();
    let answer = Answer {
        deck_id: "t".into(),
        card_id: "one".into(),
        ts_ms: t0().ms,
        rating: Some(Rating::Good),
        kind: next.kind,
        before,
        after: next.get(Rating::Good),
        elapsed_days: 0,
        elapsed_secs: 0,
        r_before: None,
        r_after: None,
        duration_ms: 0,
        content_hash: "x".into(),
        session_id: None,
    };
    store.record(&answer).unwrap();
    assert!(matches!(store.record(&answer), Err(StoreError::Stale(_))));
}

#[test]
fn edited_cards_keep_history_and_are_flagged() {
    let deck = deck();
    let mut store = store_for(&deck);
    let src = cards(&deck);
    let (mut s, _) = Session::start(&mut store, &src, sched(), 1, t0()).unwrap();
    s.handle(Event::Answer("one".into()), t0()).unwrap();
    s.handle(Event::Rate(None), t0()).unwrap();
    drop(s);
    let mut cards: Vec<DeckCard> = deck
        .cards
        .iter()
        .map(|c| DeckCard {
            card_id: c.id.clone(),
            content_hash: c.content_hash(),
            text: None,
        })
        .collect();
    cards[0].content_hash = "edited".into();
    cards.remove(2);
    let report = store.sync_deck("t", "Test", "h2", &cards, 1).unwrap();
    assert_eq!(report.changed, ["one"]);
    assert_eq!(report.removed, 1);
    let row = store.card("t", "one").unwrap().unwrap();
    assert!(row.changed_since_answered());
    assert_eq!(row.state.reps, 1);
    assert!(!store.card("t", "three").unwrap().unwrap().present);
    assert!(
        store
            .sync_deck("t", "Test", "h2", &cards, 2)
            .unwrap()
            .unchanged
    );
}

#[derive(Debug, Clone)]
enum Op {
    Answer(bool),
    Rate(Option<u8>),
    Reveal,
    Undo,
    Bury,
    Wait(u32),
}

fn op() -> impl proptest::strategy::Strategy<Value = Op> {
    use proptest::prelude::*;
    prop_oneof![
        4 => any::<bool>().prop_map(Op::Answer),
        3 => proptest::option::of(1u8..=4).prop_map(Op::Rate),
        1 => Just(Op::Reveal),
        2 => Just(Op::Undo),
        1 => Just(Op::Bury),
        2 => (0u32..200_000).prop_map(Op::Wait),
    ]
}

proptest::proptest! {
    // Failures are kept beside this file, not in a top-level folder.
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 64,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions")
        )),
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Any sequence of answers, overrides and undos leaves every card's
    /// stored state equal to the end of the chain of its review-log rows.
    #[test]
    fn store_stays_consistent_with_its_log(ops in proptest::collection::vec(op(), 1..60)) {
        let deck = deck();
        let mut store = store_for(&deck);
        let mut now = t0();
        {
            let src = cards(&deck);
            let (mut s, _) = Session::start(&mut store, &src, sched(), 1, now).unwrap();
            for op in ops {
                let answers = ["one", "true", "a"];
                let wrong = ["x", "false", "b"];
                let event = match op {
                    Op::Answer(right) => {
                        let i = (now.ms as usize / 1000) % 3;
                        Event::Answer(if right { answers[i] } else { wrong[i] }.to_string())
                    }
                    Op::Rate(r) => Event::Rate(r.and_then(Rating::from_number)),
                    Op::Reveal => Event::Reveal,
                    Op::Undo => Event::Undo,
                    Op::Bury => Event::Bury,
                    Op::Wait(secs) => {
                        now = now.plus_secs(secs as i64);
                        continue;
                    }
                };
                s.handle(event, now).unwrap();
            }
        }
        for card in &deck.cards {
            let row = store.card("t", &card.id).unwrap().unwrap();
            let log = store.log("t", Some(&card.id)).unwrap();
            let mut state = crate::schedule::CardState::NEW;
            for e in &log {
                proptest::prop_assert_eq!(e.answer.before, state);
                state = e.answer.after;
            }
            proptest::prop_assert_eq!(row.state, state);
            proptest::prop_assert_eq!(row.state.reps as usize, log.len());
        }
    }
}

#[test]
fn an_answer_made_stale_by_another_session_is_not_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.sqlite3");
    let deck = deck();
    let mut a = SqliteStore::open(&path).unwrap();
    let cards_list: Vec<DeckCard> = deck
        .cards
        .iter()
        .map(|c| DeckCard {
            card_id: c.id.clone(),
            content_hash: c.content_hash(),
            text: None,
        })
        .collect();
    a.sync_deck("t", "Test", "h", &cards_list, 0).unwrap();
    let mut b = SqliteStore::open(&path).unwrap();
    let src = cards(&deck);
    let (mut sa, first) = Session::start(&mut a, &src, sched(), 1, t0()).unwrap();
    assert_eq!(card_id(&first[0]), "one");
    {
        let (mut sb, _) = Session::start(&mut b, &src, sched(), 1, t0()).unwrap();
        sb.handle(Event::Answer("one".into()), t0()).unwrap();
        sb.handle(Event::Quit, t0()).unwrap();
    }
    let v = sa.handle(Event::Answer("one".into()), t0()).unwrap();
    assert!(
        matches!(&v[0], View::Notice { message } if message.contains("answered elsewhere")),
        "{v:?}"
    );
    drop(sa);
    assert_eq!(a.log("t", Some("one")).unwrap().len(), 1);
}

#[test]
fn the_eighth_lapse_flags_a_leech() {
    let deck = deck();
    let mut store = store_for(&deck);
    let review = crate::schedule::CardState {
        phase: Phase::Review,
        stability: 3.0,
        difficulty: 8.0,
        due_ms: 0,
        interval_days: 3,
        last_review_ms: Some(t0().ms - 3 * 86_400_000),
        reps: 20,
        lapses: 7,
        ..crate::schedule::CardState::NEW
    };
    let setup = Answer {
        deck_id: "t".into(),
        card_id: "one".into(),
        ts_ms: 0,
        rating: None,
        kind: crate::schedule::ReviewKind::Manual,
        before: crate::schedule::CardState::NEW,
        after: review,
        elapsed_days: 0,
        elapsed_secs: 0,
        r_before: None,
        r_after: None,
        duration_ms: 0,
        content_hash: "h".into(),
        session_id: None,
    };
    store.record(&setup).unwrap();
    let src = cards(&deck);
    // No new cards: by default Anki mixes them among the reviews.
    let only_reviews = Scheduler::new(SchedulerConfig {
        new_per_day: 0,
        ..sched().config
    })
    .unwrap();
    let (mut s, v) = Session::start(&mut store, &src, only_reviews, 1, t0()).unwrap();
    assert_eq!(card_id(&v[0]), "one");
    let v = s.handle(Event::Answer("wrong".into()), t0()).unwrap();
    assert!(
        matches!(&v[1], View::Notice { message } if message.contains("leech")),
        "{v:?}"
    );
}

#[test]
fn a_rating_change_made_stale_by_another_session_keeps_the_saved_answer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.sqlite3");
    let deck = deck();
    let mut a = SqliteStore::open(&path).unwrap();
    let cards_list: Vec<DeckCard> = deck
        .cards
        .iter()
        .map(|c| DeckCard {
            card_id: c.id.clone(),
            content_hash: c.content_hash(),
            text: None,
        })
        .collect();
    a.sync_deck("t", "Test", "h", &cards_list, 0).unwrap();
    let mut b = SqliteStore::open(&path).unwrap();
    let src = cards(&deck);
    let (mut sa, first) = Session::start(&mut a, &src, sched(), 1, t0()).unwrap();
    assert_eq!(card_id(&first[0]), "one");
    sa.handle(Event::Answer("one".into()), t0()).unwrap();
    // Meanwhile another session answers the same card again, later.
    let later = t0().plus_secs(3600);
    {
        let (mut sb, v) = Session::start(&mut b, &src, sched(), 1, later).unwrap();
        assert_eq!(card_id(&v[0]), "one");
        sb.handle(Event::Answer("one".into()), later).unwrap();
        sb.handle(Event::Quit, later).unwrap();
    }
    let v = sa.handle(Event::Rate(Some(Rating::Easy)), t0()).unwrap();
    assert!(
        matches!(&v[0], View::Notice { message } if message.contains("answer stands")),
        "{v:?}"
    );
    drop(sa);
    let log = a.log("t", Some("one")).unwrap();
    assert_eq!(log.len(), 2, "both answers kept");
    assert_eq!(log[0].answer.rating, Some(Rating::Good));
}

#[test]
fn undo_takes_back_suspend_bury_and_reset_in_turn() {
    let deck = deck();
    let mut store = store_for(&deck);
    let src = cards(&deck);
    let (mut s, _) = Session::start(&mut store, &src, sched(), 1, t0()).unwrap();
    // Answer "one", then suspend "two", bury "three".
    s.handle(Event::Answer("one".into()), t0()).unwrap();
    let v = s.handle(Event::Rate(None), t0()).unwrap();
    assert_eq!(card_id(&v[0]), "two");
    let v = s.handle(Event::Suspend, t0()).unwrap();
    let View::Notice { message } = &v[0] else {
        panic!("{v:?}")
    };
    assert!(!message.contains("two"), "{message}");
    assert_eq!(card_id(&v[1]), "three");
    let v = s.handle(Event::Bury, t0()).unwrap();
    // "one" is back in learning, shown after the others were put away.
    assert_eq!(card_id(&v[1]), "one");
    let v = s.handle(Event::Reset, t0()).unwrap();
    assert!(matches!(&v[0], View::Notice { message } if message.contains("over")));
    // Undo the reset: "one" is shown again with its answer kept.
    let v = s.handle(Event::Undo, t0()).unwrap();
    assert_eq!(card_id(&v[1]), "one");
    // Undo the burial: "three" is back.
    let v = s.handle(Event::Undo, t0()).unwrap();
    assert_eq!(card_id(&v[1]), "three");
    // Undo the suspension: "two" is back.
    let v = s.handle(Event::Undo, t0()).unwrap();
    assert_eq!(card_id(&v[1]), "two");
    // Undo the answer: "one" is new again; then nothing is left to undo.
    let v = s.handle(Event::Undo, t0()).unwrap();
    assert_eq!(card_id(&v[1]), "one");
    let v = s.handle(Event::Undo, t0()).unwrap();
    assert!(matches!(&v[0], View::Notice { message } if message.contains("nothing")));
    let summary = s.summary(t0()).unwrap();
    assert_eq!(summary.seen, 0);
    drop(s);
    for id in ["one", "two", "three"] {
        let row = store.card("t", id).unwrap().unwrap();
        assert!(!row.suspended, "{id}");
        assert_eq!(row.buried_until_ms, 0, "{id}");
        assert_eq!(row.state, crate::schedule::CardState::NEW, "{id}");
    }
    assert!(store.log("t", None).unwrap().is_empty());
}

#[test]
fn a_revealed_card_has_no_default_rating() {
    let deck = deck();
    let mut store = store_for(&deck);
    let src = cards(&deck);
    let (mut s, _) = Session::start(&mut store, &src, sched(), 1, t0()).unwrap();
    let v = s.handle(Event::Reveal, t0()).unwrap();
    let View::Feedback(f) = &v[0] else {
        panic!("{v:?}")
    };
    assert_eq!((f.proposed, f.saved), (None, false));
    let v = s.handle(Event::Rate(None), t0()).unwrap();
    assert!(matches!(&v[0], View::Retry { .. }), "{v:?}");
    assert!(store_log_len(&s) == 0);
    let v = s.handle(Event::Rate(Some(Rating::Hard)), t0()).unwrap();
    assert_eq!(card_id(&v[0]), "two");
    // A typed answer proposes a rating and says why.
    let v = s.handle(Event::Answer("true".into()), t0()).unwrap();
    let View::Feedback(f) = &v[0] else {
        panic!("{v:?}")
    };
    assert_eq!(f.proposed, Some(Rating::Good));
    assert!(f.reason.as_deref().unwrap().contains("right"), "{f:?}");
}

fn store_log_len(s: &Session<'_>) -> usize {
    s.store.log("t", None).unwrap().len()
}

#[test]
fn the_load_is_read_at_the_first_answer_not_at_start() {
    use std::cell::Cell;
    use std::rc::Rc;
    let deck = deck();
    let mut store = store_for(&deck);
    let src = cards(&deck);
    let (mut s, _) = Session::start(&mut store, &src, sched(), 1, t0()).unwrap();
    let reads = Rc::new(Cell::new(0));
    let seen = Rc::clone(&reads);
    s.defer_load(Box::new(
        move |_store: &dyn Store, _sched: &Scheduler, _now: Now| {
            seen.set(seen.get() + 1);
            Ok(None)
        },
    ));
    // Showing the card, suspending and undoing need no outcomes.
    s.handle(Event::Suspend, t0()).unwrap();
    s.handle(Event::Undo, t0()).unwrap();
    assert_eq!(reads.get(), 0);
    s.handle(Event::Answer("one".into()), t0()).unwrap();
    s.handle(Event::Rate(None), t0()).unwrap();
    s.handle(Event::Reveal, t0()).unwrap();
    // Read once, for the first card answered.
    assert_eq!(reads.get(), 1);
}
