//! Whole-process benchmark of `docket study` on a generated collection:
//! a 100,000-card deck and 1,000,000 review-log rows.
//!
//! Run: `cargo bench --bench study` (`DOCKET_BENCH_BIN=path` measures
//! another build of docket on the same data). It writes the deck and the data
//! directory under `target/bench-study/`, then measures, by driving the
//! release binary in line mode through pipes with a fixed `DOCKET_NOW`:
//!
//! - the first run on the deck (parse, check and sync 100,000 cards);
//! - cold start to first card shown, the deck unchanged since the last
//!   run (process start → the first card's answer prompt on stdout);
//! - the first answer of a session, which also reads the load balancer's
//!   counts (every due card of the preset's decks, through the index);
//! - answer-to-next-card latency: an answer line written → the next
//!   card's prompt read, which includes grading, scheduling, the
//!   committed transaction (review-log row + card state) and the pipe;
//! - `docket stats` (terminal, `--json`, `--html`) over the whole log.
//!
//! Sessions run as a student's do, with fuzz and the load balancer on
//! (whose counts are read at the first answer); `DOCKET_BENCH_NO_FUZZ=1`
//! turns both off.

use std::io::BufRead;
use std::io::BufReader;
use std::io::Write;
use std::path::Path;
use std::process::Child;
use std::process::ChildStdin;
use std::process::ChildStdout;
use std::process::Command;
use std::process::Stdio;
use std::time::Duration;
use std::time::Instant;

const CARDS: usize = 100_000;
const LOG_ROWS_PER_CARD: usize = 10;
const NOW: &str = "2026-03-02T10:00:00+00:00";
const NOW_MS: i64 = 1_772_445_600_000;
const DAY_MS: i64 = 86_400_000;

fn deck_text() -> String {
    let mut s = String::from(
        "[deck]\nid = \"bench\"\ntitle = \"Benchmark\"\ndescription = \"Generated.\"\n",
    );
    for i in 0..CARDS {
        s.push_str(&format!(
            "\n[[card]]\nid = \"card-{i}\"\nkind = \"basic\"\n\
             prompt = \"What is the code of item {i} in the generated benchmark collection?\"\n\
             answer = \"a{i}\"\naccept = [\"code a{i}\"]\n\
             explanation = \"Card {i} exists to measure docket on a large collection.\"\n\
             topics = [\"bench\"]\n"
        ));
    }
    s
}

/// The binary measured: this build's, or another one named by
/// `DOCKET_BENCH_BIN` (to compare two builds on the same data).
fn docket(data: &Path) -> Command {
    let bin =
        std::env::var_os("DOCKET_BENCH_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_docket").into());
    let mut c = Command::new(bin);
    c.env("DOCKET_DATA_DIR", data)
        .env("DOCKET_NOW", NOW)
        .env("NO_COLOR", "1");
    c
}

struct Run {
    child: Child,
    stdin: ChildStdin,
    out: BufReader<ChildStdout>,
}

impl Run {
    fn start(data: &Path, deck: &Path, extra: &[&str]) -> Run {
        // As a student studies (fuzz and the load balancer on), unless
        // DOCKET_BENCH_NO_FUZZ=1 asks for the figures of earlier notes.
        let no_fuzz = std::env::var_os("DOCKET_BENCH_NO_FUZZ").is_some_and(|v| v == "1");
        let mut child = docket(data)
            .args(["study", "--plain", "--seed", "1"])
            .args(no_fuzz.then_some("--no-fuzz"))
            .args(extra)
            .arg(deck)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run docket");
        let stdin = child.stdin.take().unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        Run { child, stdin, out }
    }

    /// Reads up to the next answer prompt; returns the card's id (read
    /// from its prompt), or None when the session ended.
    fn next_card(&mut self) -> Option<String> {
        let mut id = None;
        let mut line = String::new();
        loop {
            line.clear();
            if self.out.read_line(&mut line).unwrap() == 0 {
                return None;
            }
            // The id is not shown before the answer (it may give the
            // answer away); the generated prompt names the item instead.
            if let Some(rest) = line.strip_prefix("What is the code of item ") {
                id = rest.split(' ').next().map(|n| format!("card-{n}"));
            }
            if line.starts_with("answer (") {
                return id;
            }
        }
    }

    fn send(&mut self, line: &str) {
        // The session may have ended on its own (nothing left today).
        let _ = writeln!(self.stdin, "{line}").and_then(|_| self.stdin.flush());
    }

    fn quit(mut self) {
        self.send(":quit");
        drop(self.stdin);
        let _ = self.child.wait();
    }
}

fn populate(data: &Path) {
    use docket::schedule::CardState;
    use docket::schedule::Phase;
    use docket::schedule::Rating;
    use docket::schedule::ReviewKind;
    use docket::store::Answer;
    use docket::store::ImportedCard;
    use docket::store::Store;
    let mut store = docket::store::SqliteStore::open_dir(data).unwrap();
    let rows = store.cards("bench").unwrap();
    // 90% of the cards are in review, with about 11 answers each in
    // their log, all before today; about 1 in 8 is due or overdue.
    let reviewed = CARDS / 10 * 9;
    let rows_per_card = (CARDS * LOG_ROWS_PER_CARD) / reviewed + 1;
    let mut total = 0;
    let mut imported = Vec::with_capacity(reviewed);
    for (i, row) in rows.iter().enumerate().take(reviewed) {
        let ivl = 1 + (i as i64 * 31) % 200;
        let elapsed = 1 + (i as i64 * 7919) % (ivl + ivl / 7 + 1);
        let due_day = ivl - elapsed;
        let last = NOW_MS - elapsed * DAY_MS;
        let stability = ivl as f32 * 1.1;
        let state = CardState {
            phase: Phase::Review,
            step: 0,
            stability,
            difficulty: 5.0,
            due_ms: NOW_MS - NOW_MS.rem_euclid(DAY_MS) + 4 * 3_600_000 + due_day * DAY_MS,
            interval_days: ivl as u32,
            last_review_ms: Some(last),
            reps: rows_per_card as u32,
            lapses: 0,
        };
        let n = rows_per_card.min(CARDS * LOG_ROWS_PER_CARD - total);
        total += n;
        let mut before = CardState::NEW;
        let mut log = Vec::with_capacity(n);
        for k in 0..n {
            let ts = last - (n - 1 - k) as i64 * 7 * DAY_MS;
            let after = if k + 1 == n {
                state
            } else {
                CardState {
                    due_ms: ts + 7 * DAY_MS,
                    last_review_ms: Some(ts),
                    reps: k as u32 + 1,
                    ..state
                }
            };
            log.push(Answer {
                deck_id: "bench".into(),
                card_id: row.card_id.clone(),
                ts_ms: ts,
                rating: Some(Rating::Good),
                kind: if k == 0 {
                    ReviewKind::Learning
                } else {
                    ReviewKind::Review
                },
                before,
                after,
                elapsed_days: 7,
                elapsed_secs: 7 * 86_400,
                r_before: Some(0.9),
                r_after: Some(0.9),
                duration_ms: 4000,
                content_hash: row.content_hash.clone(),
                session_id: None,
            });
            before = after;
        }
        imported.push(ImportedCard {
            card_id: row.card_id.clone(),
            position: row.position,
            content_hash: row.content_hash.clone(),
            state,
            log,
        });
    }
    store.import_history("bench", &imported, false).unwrap();
    // No ANALYZE: docket never runs it, so real databases have no statistics.
    store
        .connection()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
}

fn stats(name: &str, mut v: Vec<Duration>) {
    v.sort();
    let pick = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name:<44} n={:<5} median {:>9.3} ms   p90 {:>9.3} ms   p99 {:>9.3} ms   min {:>8.3} ms",
        v.len(),
        pick(0.5).as_secs_f64() * 1e3,
        pick(0.9).as_secs_f64() * 1e3,
        pick(0.99).as_secs_f64() * 1e3,
        v[0].as_secs_f64() * 1e3,
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` only compiles this.
    }
    let dir = Path::new("target/bench-study");
    let data = dir.join("data");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).unwrap();
    let deck = dir.join("big.toml");
    let text = deck_text();
    std::fs::write(&deck, &text).unwrap();
    println!(
        "deck: {CARDS} cards, {:.1} MB; review log: {} rows",
        text.len() as f64 / 1e6,
        CARDS * LOG_ROWS_PER_CARD
    );

    // First run: parse, check and sync the whole deck.
    let t = Instant::now();
    let mut run = Run::start(&data, &deck, &[]);
    run.next_card().expect("a first card");
    let first = t.elapsed();
    run.quit();
    println!(
        "first run on the deck (parse + check + sync): {:.0} ms",
        first.as_secs_f64() * 1e3
    );
    // The file was just written: wait out the racy-mtime window once, then
    // record its mtime with a second slow-path-free run.
    std::thread::sleep(Duration::from_secs(3));
    let t = Instant::now();
    populate(&data);
    println!(
        "populated the review log in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Run::start(&data, &deck, &[]).quit();

    let mut cold = Vec::new();
    let mut first_answers = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let mut run = Run::start(&data, &deck, &[]);
        let card = run.next_card().expect("a first card");
        cold.push(t.elapsed());
        // The session's first answer also reads the load balancer's counts.
        let n = card.trim_start_matches("card-").to_string();
        let t = Instant::now();
        run.send(&format!("a{n}"));
        if run.next_card().is_some() {
            first_answers.push(t.elapsed());
        }
        run.quit();
    }
    stats("cold start to first card (deck unchanged)", cold);
    if !first_answers.is_empty() {
        stats("first answer of a session (reads the load)", first_answers);
    }

    let mut run = Run::start(&data, &deck, &["--review-limit", "1000"]);
    let mut id = run.next_card();
    let mut lat = Vec::new();
    while let Some(card) = id {
        if lat.len() == 1000 {
            break;
        }
        let n = card.trim_start_matches("card-");
        let t = Instant::now();
        run.send(&format!("a{n}"));
        id = run.next_card();
        lat.push(t.elapsed());
    }
    run.quit();
    stats("answer to next card (incl. commit)", lat);

    // Statistics over the whole log, computed only when asked.
    for (name, extra) in [
        ("stats (terminal)", vec![]),
        ("stats --json", vec!["--json".to_string()]),
        (
            "stats --html",
            vec![
                "--html".to_string(),
                dir.join("stats.html").display().to_string(),
            ],
        ),
    ] {
        let mut times = Vec::new();
        for _ in 0..10 {
            let t = Instant::now();
            let ok = docket(&data)
                .arg("stats")
                .args(&extra)
                .arg(&deck)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("run docket stats")
                .success();
            assert!(ok, "docket stats failed");
            times.push(t.elapsed());
        }
        stats(name, times);
    }
}
