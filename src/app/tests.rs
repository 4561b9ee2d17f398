//! The application layer without a terminal or a command line: an
//! in-memory store, a fixed clock, decks in a temporary directory.

use std::path::PathBuf;

use super::*;
use crate::clock::Now;
use crate::clock::SystemClock;
use crate::schedule::Phase;
use crate::schedule::Rating;
use crate::schedule::ReviewKind;
use crate::session::Event;
use crate::session::View;
use crate::store::SqliteStore;

const NOW: &str = "2026-03-02T10:00:00+00:00";

fn collection() -> Collection {
    let store = SqliteStore::open_in_memory().unwrap();
    let clock = SystemClock::Fixed(Now::parse(NOW).unwrap());
    Collection::new(Box::new(store), Box::new(clock))
}

fn bundled(c: &mut Collection) -> OpenedDeck {
    let sel = DeckSelection {
        bundled: true,
        files: Vec::new(),
    };
    c.open_decks(&sel).unwrap().remove(0)
}

const SMALL_DECK: &str = r#"[deck]
id = "small"
title = "Small"
description = "Two cards for tests."

[[card]]
id = "capital"
kind = "basic"
prompt = "Which city is the capital of France?"
answer = "Paris"

[[card]]
id = "sum"
kind = "number"
prompt = "How much is two plus two?"
answer = 4
"#;

fn deck_dir(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn the_bundled_deck_opens_and_a_session_shows_a_card() {
    let mut c = collection();
    let deck = bundled(&mut c);
    assert_eq!(
        deck.sync.added,
        crate::bundled::case_deck().unwrap().deck().cards.len()
    );
    let sched = c.scheduler(deck.meta(), &Overrides::default()).unwrap();
    let source = deck.deck.source();
    let study = c.start_session(source.as_ref(), sched, 7).unwrap();
    assert!(matches!(study.first.as_slice(), [View::Card(_)]));
}

#[test]
fn an_unchanged_deck_file_takes_the_fast_path() {
    let (_dir, path) = deck_dir(SMALL_DECK);
    let mut c = collection();
    let sel = DeckSelection::resolve(std::slice::from_ref(&path)).unwrap();
    let first = c.open_decks(&sel).unwrap().remove(0);
    assert!(matches!(first.deck, StudyDeck::Full(_)));
    assert_eq!(first.sync.added, 2);
    let again = c.open_decks(&sel).unwrap().remove(0);
    assert!(matches!(again.deck, StudyDeck::Cached(_)));
    assert!(again.sync.unchanged);
    assert_eq!(again.meta().id, "small");
}

#[test]
fn an_edited_deck_file_is_checked_again() {
    let (_dir, path) = deck_dir(SMALL_DECK);
    let mut c = collection();
    let sel = DeckSelection::resolve(std::slice::from_ref(&path)).unwrap();
    c.open_decks(&sel).unwrap();
    std::fs::write(&path, SMALL_DECK.replace("Paris", "Paris, France")).unwrap();
    let again = c.open_decks(&sel).unwrap().remove(0);
    assert!(matches!(again.deck, StudyDeck::Full(_)));
}

#[test]
fn a_deck_with_errors_is_refused_with_its_diagnostics() {
    let (_dir, path) = deck_dir(&SMALL_DECK.replace("prompt = \"How much", "promt = \"How much"));
    let mut c = collection();
    let sel = DeckSelection::resolve(&[path]).unwrap();
    match c.open_decks(&sel) {
        Err(AppError::Invalid(inv)) => {
            assert!(!inv.diagnostics.is_empty());
            assert!(inv.diagnostics.iter().all(|d| d.is_error()));
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a deck with errors was opened"),
    }
    assert!(c.cards("small").unwrap().is_empty(), "nothing was synced");
}

#[test]
fn missing_paths_and_empty_directories_are_request_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    assert!(matches!(
        DeckSelection::resolve(&[missing]),
        Err(AppError::Request(_))
    ));
    assert!(matches!(
        DeckSelection::resolve(&[dir.path().to_path_buf()]),
        Err(AppError::Request(_))
    ));
    assert_eq!(
        DeckSelection::resolve(&[]).unwrap(),
        DeckSelection {
            bundled: true,
            files: Vec::new()
        }
    );
}

#[test]
fn an_answer_then_a_reset_leaves_the_card_new_with_its_history() {
    let (_dir, path) = deck_dir(SMALL_DECK);
    let mut c = collection();
    let deck = c
        .open_decks(&DeckSelection::resolve(&[path]).unwrap())
        .unwrap()
        .remove(0);
    let sched = c.scheduler(deck.meta(), &Overrides::default()).unwrap();
    let source = deck.deck.source();
    let now = c.now();
    {
        let mut study = c.start_session(source.as_ref(), sched, 1).unwrap();
        study
            .session
            .handle(Event::Answer("Paris".into()), now)
            .unwrap();
        study
            .session
            .handle(Event::Rate(Some(Rating::Good)), now)
            .unwrap();
    }
    let row = c.store().card("small", "capital").unwrap().unwrap();
    assert_ne!(row.state.phase, Phase::New);
    let before = c.reset_card("small", "capital").unwrap();
    assert_eq!(before.state, row.state);
    let after = c.store().card("small", "capital").unwrap().unwrap();
    assert_eq!(after.state.phase, Phase::New);
    let log = c.store().log("small", Some("capital")).unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].answer.kind, ReviewKind::Manual);
    assert!(matches!(
        c.reset_card("small", "no-such-card"),
        Err(AppError::Failed(_))
    ));
}

#[test]
fn suspending_an_unknown_card_fails_and_a_known_one_is_suspended() {
    let mut c = collection();
    let deck = bundled(&mut c);
    let id = deck.meta().id.clone();
    let card = c.cards(&id).unwrap()[0].card_id.clone();
    c.set_suspended(&id, &card, true).unwrap();
    assert!(c.store().card(&id, &card).unwrap().unwrap().suspended);
    assert!(c.set_suspended(&id, "no-such-card", true).is_err());
    let stats = c.deck_stats(deck.meta()).unwrap();
    assert_eq!(stats.suspended, 1);
    assert_eq!(stats.reviews, 0);
    assert_eq!(stats.retention(), None);
}

#[test]
fn settings_are_validated_scoped_and_applied() {
    let mut c = collection();
    let deck = bundled(&mut c);
    let id = deck.meta().id.clone();
    assert!(matches!(
        c.set_setting("", "desired_retention", "1.5"),
        Err(AppError::Request(_))
    ));
    assert!(matches!(
        c.set_setting("", "no_such_key", "1"),
        Err(AppError::Request(_))
    ));
    c.set_setting("", "new_per_day", "5").unwrap();
    c.set_setting(&id, "new_per_day", "7").unwrap();
    let config = c
        .scheduler_config(deck.meta(), &Overrides::default())
        .unwrap();
    assert_eq!(
        config.new_per_day, 7,
        "the deck's setting wins over the user's"
    );
    let over = Overrides {
        new_limit: Some(3),
        no_fuzz: true,
        ..Overrides::default()
    };
    let config = c.scheduler_config(deck.meta(), &over).unwrap();
    assert_eq!(config.new_per_day, 3, "this run's choice wins over both");
    assert!(!config.fuzz);
    c.unset_setting(&id, "new_per_day").unwrap();
    assert_eq!(c.setting(&id, "new_per_day").unwrap(), None);
    let config = c
        .scheduler_config(deck.meta(), &Overrides::default())
        .unwrap();
    assert_eq!(config.new_per_day, 5);
    let stats = c.deck_stats(deck.meta()).unwrap();
    assert_eq!(stats.due_today.new, 5);
}

#[test]
fn full_stats_count_each_card_once_and_read_the_log() {
    let (_dir, path) = deck_dir(SMALL_DECK);
    let mut c = collection();
    let deck = c
        .open_decks(&DeckSelection::resolve(&[path]).unwrap())
        .unwrap()
        .remove(0);
    let sched = c.scheduler(deck.meta(), &Overrides::default()).unwrap();
    let source = deck.deck.source();
    let now = c.now();
    {
        let mut study = c.start_session(source.as_ref(), sched, 1).unwrap();
        study
            .session
            .handle(Event::Answer("Paris".into()), now)
            .unwrap();
        study
            .session
            .handle(Event::Rate(Some(Rating::Good)), now)
            .unwrap();
    }
    // A review of a mature card, failed: true retention counts it.
    let row = c.store().card("small", "capital").unwrap().unwrap();
    let review = crate::store::Answer {
        deck_id: "small".into(),
        card_id: "capital".into(),
        ts_ms: now.ms + 1000,
        rating: Some(Rating::Again),
        kind: ReviewKind::Review,
        before: row.state,
        after: row.state,
        elapsed_days: 30,
        elapsed_secs: 30 * 86_400,
        r_before: None,
        r_after: None,
        duration_ms: 7_500,
        content_hash: row.content_hash.clone(),
        session_id: None,
    };
    c.store_mut().record(&review).unwrap();
    c.set_suspended("small", "sum", true).unwrap();
    let s = c.full_stats(deck.meta()).unwrap();
    let k = s.cards;
    assert_eq!(k.total, 2);
    assert_eq!(
        k.new + k.learning + k.young + k.mature + k.relearning + k.suspended + k.buried,
        k.total,
        "{k:?}"
    );
    assert_eq!((k.suspended, k.learning), (1, 1));
    assert_eq!(s.today.answers, 2);
    assert_eq!(s.today.cards, 1);
    assert_eq!(s.today.new_learned, 1);
    assert_eq!(s.today.again, 1);
    assert_eq!(s.calendar.last().unwrap().answers, 2);
    assert_eq!(s.calendar.len(), 365);
    assert_eq!(s.forecast.len(), 30);
    assert_eq!(s.forecast.iter().map(|f| f.total()).sum::<u32>(), 1);
    let today = &s.retention[0];
    assert_eq!(today.period, "today");
    assert_eq!((today.mature.passed, today.mature.total), (0, 1));
    assert_eq!(today.young.total, 0);
    assert_eq!(s.retention[1].all.total, 0, "nothing yesterday");
    assert_eq!(s.answer_time.answers, 2);
    assert_eq!(s.answer_time.median_secs, Some(0));
    // The old numbers count a suspended card once too.
    let old = c.deck_stats(deck.meta()).unwrap();
    assert_eq!(
        old.new + old.learning + old.review + old.relearning + old.suspended,
        2
    );
    // The page draws every chart with a text alternative, offline.
    let page = crate::app::stats_html::page(&[s]);
    assert_eq!(page.matches("<svg").count(), 6);
    assert_eq!(page.matches("aria-label=").count(), 6);
    assert!(page.contains("True retention"));
    assert!(!page.contains("https://"), "no network");
}
