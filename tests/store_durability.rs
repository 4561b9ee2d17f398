//! Nothing acknowledged is lost. Three tests:
//!
//! - crash: the real binary, driven through the JSON protocol, is aborted
//!   (`DOCKET_FAILPOINT`, see `docket::store::failpoint`) at every write
//!   point of an answer, a rating change, an undo and a suspend; the store
//!   reopened must hold exactly what was acknowledged, plus the operation
//!   in flight if and only if it had committed, and be consistent;
//! - concurrency: four sessions on one store answering the same cards at
//!   once; every acknowledged answer is kept, in the session that made it;
//! - power loss: see `power_loss.rs` beside this file.

use std::collections::BTreeSet;
use std::io::BufRead;
use std::io::BufReader;
use std::io::Write;
use std::path::Path;
use std::process::Child;
use std::process::ChildStdin;
use std::process::ChildStdout;
use std::process::Command;
use std::process::Stdio;

use docket::schedule::CardState;
use docket::store::SqliteStore;
use docket::store::Store;
use serde_json::Value;
use serde_json::json;

const NOW: &str = "2026-03-02T10:00:00+00:00";
const CARDS: usize = 60;

fn deck_text() -> String {
    let mut s = String::from("[deck]\nid = \"d\"\ntitle = \"D\"\ndescription = \"Crash test.\"\n");
    for i in 0..CARDS {
        s.push_str(&format!(
            "\n[[card]]\nid = \"c{i:02}\"\nkind = \"basic\"\nprompt = \"Say a{i:02}\"\nanswer = \"a{i:02}\"\n"
        ));
    }
    s
}

/// What the store must hold: the review log as (card, rating), in order,
/// and the suspended cards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Model {
    log: Vec<(String, u8)>,
    suspended: BTreeSet<String>,
}

struct Driver {
    child: Child,
    stdin: ChildStdin,
    out: BufReader<ChildStdout>,
    /// Everything acknowledged so far.
    acked: Model,
    /// The store after the operation in flight, were it to commit.
    inflight: Option<Model>,
    shown: Option<String>,
}

impl Driver {
    fn start(data: &Path, deck: &Path, failpoint: Option<&str>) -> Driver {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("docket"));
        cmd.env("DOCKET_DATA_DIR", data)
            .env("DOCKET_NOW", NOW)
            .env_remove("DOCKET_FAILPOINT")
            .args([
                "study",
                "--json",
                "--no-fuzz",
                "--seed",
                "1",
                "--new-limit",
                "500",
            ])
            .arg(deck)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(f) = failpoint {
            cmd.env("DOCKET_FAILPOINT", f);
        }
        let mut child = cmd.spawn().unwrap();
        let stdin = child.stdin.take().unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        let mut d = Driver {
            child,
            stdin,
            out,
            acked: Model::default(),
            inflight: None,
            shown: None,
        };
        d.until_card();
        d
    }

    fn read(&mut self) -> Option<Value> {
        let mut line = String::new();
        match self.out.read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(serde_json::from_str(&line).expect("a JSON line")),
        }
    }

    fn send(&mut self, v: Value) -> bool {
        writeln!(self.stdin, "{v}")
            .and_then(|_| self.stdin.flush())
            .is_ok()
    }

    /// Reads up to the next card (or the end); returns the notices seen.
    fn until_card(&mut self) -> Option<Vec<String>> {
        let mut notices = Vec::new();
        loop {
            let v = self.read()?;
            match v["type"].as_str() {
                Some("card") => {
                    self.shown = v["card_id"].as_str().map(String::from);
                    return Some(notices);
                }
                Some("finished") => {
                    self.shown = None;
                    return Some(notices);
                }
                Some("notice") => notices.push(v["message"].as_str().unwrap_or("").into()),
                _ => {}
            }
        }
    }

    /// Runs one operation on the card shown; returns false when the
    /// process is gone or the session over.
    fn step(&mut self, i: usize) -> bool {
        let Some(card) = self.shown.clone() else {
            return false;
        };
        let right = format!("a{}", &card[1..]);
        let mut next = self.acked.clone();
        match i % 5 {
            // An answer, the proposal accepted.
            0..=2 => {
                let wrong = i % 5 == 2;
                next.log.push((card.clone(), if wrong { 1 } else { 3 }));
                self.inflight = Some(next.clone());
                let text = if wrong { "zzz".to_string() } else { right };
                if !self.send(json!({"type": "answer", "text": text})) {
                    return false;
                }
                let Some(v) = self.until_feedback() else {
                    return false;
                };
                self.inflight = None;
                if v["saved"] != true {
                    // Refused (answered elsewhere meanwhile): the next card
                    // is already shown.
                    return true;
                }
                self.acked = next;
                match i % 5 {
                    // Accept: nothing written.
                    0 => self.send(json!({"type": "rate"})) && self.until_card().is_some(),
                    // Another rating: the saved answer is replaced.
                    1 => {
                        let mut next = self.acked.clone();
                        next.log.pop();
                        next.log.push((card, 4));
                        self.inflight = Some(next);
                        if !self.send(json!({"type": "rate", "rating": 4})) {
                            return false;
                        }
                        let Some(notices) = self.until_card() else {
                            return false;
                        };
                        if !notices.iter().any(|n| n.contains("elsewhere")) {
                            self.acked = self.inflight.take().unwrap();
                        }
                        self.inflight = None;
                        true
                    }
                    // Undo it.
                    _ => {
                        let mut next = self.acked.clone();
                        next.log.pop();
                        self.inflight = Some(next);
                        if !self.send(json!({"type": "undo"})) {
                            return false;
                        }
                        // Refused (the card was answered elsewhere since):
                        // only a notice, and the rating is still awaited.
                        let undone = loop {
                            let Some(v) = self.read() else {
                                return false;
                            };
                            let m = v["message"].as_str().unwrap_or("");
                            if m.starts_with("undid") {
                                break true;
                            }
                            if m.starts_with("cannot undo") {
                                break false;
                            }
                        };
                        if undone {
                            self.acked = self.inflight.take().unwrap();
                        }
                        self.inflight = None;
                        if undone {
                            self.until_card().is_some()
                        } else {
                            self.send(json!({"type": "rate"})) && self.until_card().is_some()
                        }
                    }
                }
            }
            3 => {
                next.suspended.insert(card);
                self.inflight = Some(next);
                if !self.send(json!({"type": "suspend"})) {
                    return false;
                }
                let Some(notices) = self.until_card() else {
                    return false;
                };
                if notices.iter().any(|n| n.starts_with("suspended")) {
                    self.acked = self.inflight.take().unwrap();
                }
                self.inflight = None;
                true
            }
            // Reveal and rate by hand: saved when rated.
            _ => {
                if !self.send(json!({"type": "reveal"})) || self.until_feedback().is_none() {
                    return false;
                }
                next.log.push((card, 2));
                self.inflight = Some(next);
                if !self.send(json!({"type": "rate", "rating": 2})) {
                    return false;
                }
                let Some(notices) = self.until_card() else {
                    return false;
                };
                if !notices.iter().any(|n| n.contains("elsewhere")) {
                    self.acked = self.inflight.take().unwrap();
                }
                self.inflight = None;
                true
            }
        }
    }

    /// Reads up to the feedback for an answer; a card instead means the
    /// answer was refused (answered elsewhere).
    fn until_feedback(&mut self) -> Option<Value> {
        loop {
            let v = self.read()?;
            match v["type"].as_str() {
                Some("feedback") => return Some(v),
                Some("card") => {
                    self.shown = v["card_id"].as_str().map(String::from);
                    return Some(json!({"saved": false}));
                }
                Some("finished") => {
                    self.shown = None;
                    return Some(json!({"saved": false}));
                }
                _ => {}
            }
        }
    }

    fn run(mut self, steps: usize) -> (Model, Option<Model>, std::process::ExitStatus) {
        for i in 0..steps {
            if !self.step(i) {
                break;
            }
        }
        let _ = self.send(json!({"type": "quit"}));
        drop(self.stdin);
        let status = self.child.wait().unwrap();
        (self.acked, self.inflight, status)
    }
}

/// The store's review log and suspended cards; checks that each card's
/// state is the end of the chain of its log rows and that SQLite finds
/// the file sound.
fn stored(db: &Path) -> (Model, Vec<Option<i64>>) {
    let store = SqliteStore::open(db).expect("the store reopens");
    let log = store.log("d", None).unwrap();
    let mut model = Model::default();
    for row in store.cards("d").unwrap() {
        let mine: Vec<_> = log
            .iter()
            .filter(|e| e.answer.card_id == row.card_id)
            .collect();
        let mut state = CardState::NEW;
        for e in &mine {
            assert_eq!(e.answer.before, state, "log chain of {}", row.card_id);
            state = e.answer.after;
        }
        assert_eq!(
            row.state, state,
            "state of {} is its log's end",
            row.card_id
        );
        if row.suspended {
            model.suspended.insert(row.card_id.clone());
        }
    }
    model.log = log
        .iter()
        .map(|e| {
            (
                e.answer.card_id.clone(),
                e.answer.rating.map_or(0, |r| r.number()),
            )
        })
        .collect();
    let sessions = log.iter().map(|e| e.answer.session_id).collect();
    let c = rusqlite::Connection::open(db).unwrap();
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    (model, sessions)
}

#[test]
fn a_crash_at_any_write_point_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let deck = dir.path().join("d.toml");
    std::fs::write(&deck, deck_text()).unwrap();
    let points = [
        "record:before-commit",
        "record:after-commit",
        "rerate:before-commit",
        "rerate:between",
        "rerate:after-commit",
        "undo:before-commit",
        "undo:after-commit",
        "suspend:before-commit",
        "suspend:after-commit",
    ];
    let mut trials = 0;
    for point in points {
        for n in 1..=3 {
            let data = dir
                .path()
                .join(format!("data-{}-{n}", point.replace(':', "-")));
            let fp = format!("{point}:{n}");
            let (acked, inflight, status) = Driver::start(&data, &deck, Some(&fp)).run(40);
            assert!(!status.success(), "{fp}: the crash point was never reached");
            let inflight = inflight.unwrap_or_else(|| panic!("{fp}: crashed between operations"));
            let (got, _) = stored(&data.join("progress.sqlite3"));
            let want = if point.ends_with("after-commit") {
                &inflight
            } else {
                &acked
            };
            assert_eq!(&got, want, "{fp}");
            // The store is still usable: a new session studies on.
            let (_, _, status) = Driver::start(&data, &deck, None).run(3);
            assert!(status.success(), "{fp}: the next session failed");
            trials += 1;
        }
    }
    assert_eq!(trials, 27);
}

#[test]
fn four_sessions_on_one_store_keep_every_acknowledged_answer() {
    let dir = tempfile::tempdir().unwrap();
    let deck = dir.path().join("d.toml");
    std::fs::write(&deck, deck_text()).unwrap();
    let data = dir.path().join("data");
    // Create the store and sync the deck first, so that the four start
    // together on the same cards.
    Driver::start(&data, &deck, None).run(0);
    let models: Vec<Model> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    let (acked, _, status) = Driver::start(&data, &deck, None).run(40);
                    assert!(status.success());
                    acked
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let (got, sessions) = stored(&data.join("progress.sqlite3"));
    // Each session's rows, in order, are exactly what it acknowledged.
    let mut by_session: Vec<Vec<(String, u8)>> = Vec::new();
    let mut ids: Vec<Option<i64>> = sessions.clone();
    ids.sort();
    ids.dedup();
    for id in ids {
        by_session.push(
            got.log
                .iter()
                .zip(&sessions)
                .filter(|(_, s)| **s == id)
                .map(|(e, _)| e.clone())
                .collect(),
        );
    }
    let mut want: Vec<Vec<(String, u8)>> = models
        .iter()
        .map(|m| m.log.clone())
        .filter(|l| !l.is_empty())
        .collect();
    want.sort();
    by_session.sort();
    assert_eq!(by_session, want);
    let total: usize = want.iter().map(Vec::len).sum();
    assert!(total >= 40, "only {total} answers acknowledged");
    eprintln!("four sessions: {total} acknowledged answers, all kept");
}
