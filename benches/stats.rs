//! Whole-process benchmark of `docket stats` (terminal, `--json`,
//! `--html`) on a generated collection of 100,000 cards and about
//! 1,000,000 review-log rows with a varied history: learning steps,
//! reviews whose intervals grow, lapses and relearning, every rating,
//! now and then a manual reset, answers spread over two years and today
//! (so the calibration, the retention table and the calendar all have
//! work to do).
//!
//! Run: `cargo bench --bench stats` (`DOCKET_BENCH_BIN=path` measures
//! another build on the same data; `DOCKET_BENCH_RUNS=n` sets the runs per
//! command, 15 by default). The deck and the data directory are made once
//! under `target/bench-stats/` and kept (delete the folder to make them
//! again). Each command is run in turn (terminal, json, html, terminal, …)
//! so a change of machine load touches all alike, then three times more:
//! after 20 cards were studied (the kept tallies lose those cards' earlier
//! predictions and gain their new ones), after 5 were studied and the last
//! undone (`:undo`: a deletion newer than the copies keeps them), and
//! after forgetting the store's copies of the log (`log_cache`), as on a
//! store's first `stats` or after a deletion from the log older than the
//! copies; it prints the wall time
//! (median, p90, max) and the CPU time (user + system, median and max) of
//! each, and the machine's load average.
//!
//! The history is brought in as an import (`Store::import_history`), card
//! after card, so row ids are bumped past one another and no longer follow
//! the answers' times (as after importing an Anki history): a query for a
//! time range cannot narrow its scan by id here, unlike in a store filled
//! by studying.

use std::path::Path;
use std::process::Command;
use std::process::Stdio;
use std::time::Duration;
use std::time::Instant;

use docket::schedule::CardState;
use docket::schedule::Phase;
use docket::schedule::Rating;
use docket::schedule::ReviewKind;
use docket::store::Answer;
use docket::store::ImportedCard;
use docket::store::Store;

const CARDS: usize = 100_000;
const NOW: &str = "2026-03-02T10:00:00+00:00";
const NOW_MS: i64 = 1_772_445_600_000;
const DAY: i64 = 86_400_000;

fn deck_text() -> String {
    let mut s = String::from(
        "[deck]\nid = \"bstats\"\ntitle = \"Statistics benchmark\"\ndescription = \"Generated.\"\n",
    );
    for i in 0..CARDS {
        s.push_str(&format!(
            "\n[[card]]\nid = \"card-{i}\"\nkind = \"basic\"\n\
             prompt = \"What is the code of item {i}?\"\nanswer = \"a{i}\"\n"
        ));
    }
    s
}

/// The binary measured: this build's, or the one `DOCKET_BENCH_BIN` names.
fn docket(data: &Path) -> Command {
    let bin =
        std::env::var_os("DOCKET_BENCH_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_docket").into());
    let mut c = Command::new(bin);
    c.env("DOCKET_DATA_DIR", data)
        .env("DOCKET_NOW", NOW)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// xorshift: the same log on every machine.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// One card's history, about eleven answers ending before now (one card
/// in a hundred also today, about a day's work).
fn history(rng: &mut Rng, card: &docket::store::CardRow) -> ImportedCard {
    let mut t = NOW_MS - (20 + rng.below(700) as i64) * DAY - rng.below(DAY as u64) as i64;
    let mut state = CardState::NEW;
    let mut log = Vec::with_capacity(14);
    let mut ivl: i64 = 0;
    let mut kind = ReviewKind::Learning;
    let mut today = rng.below(100) == 0;
    loop {
        if t >= NOW_MS || log.len() >= 13 {
            let last = state.last_review_ms.unwrap_or(t);
            t = (NOW_MS - rng.below(5 * 3_600_000) as i64).max(last + 60_000);
            if !today || t >= NOW_MS {
                break;
            }
            today = false;
        }
        let rating = match rng.below(20) {
            0..=2 => Rating::Again,
            3..=4 => Rating::Hard,
            5..=17 => Rating::Good,
            _ => Rating::Easy,
        };
        let manual = rng.below(60) == 0 && state.phase != Phase::New;
        let before = state;
        let elapsed_ms = state.last_review_ms.map_or(0, |l| t - l);
        let (next_kind, phase) = if manual {
            ivl = 0;
            (ReviewKind::Learning, Phase::New)
        } else if rating == Rating::Again {
            ivl = 0;
            if kind == ReviewKind::Learning {
                (ReviewKind::Learning, Phase::Learning)
            } else {
                (ReviewKind::Relearning, Phase::Relearning)
            }
        } else {
            ivl = (ivl * (2 + rng.below(2) as i64)).max(1 + rng.below(3) as i64);
            (ReviewKind::Review, Phase::Review)
        };
        let gap = if ivl == 0 {
            (1 + rng.below(20) as i64) * 60_000
        } else {
            ivl * DAY + rng.below(DAY as u64 / 2) as i64
        };
        state = if manual {
            CardState::NEW
        } else {
            CardState {
                phase,
                step: 0,
                stability: (ivl as f32 * 1.3).max(0.5),
                difficulty: 1.0 + rng.below(90) as f32 / 10.0,
                due_ms: t + gap,
                interval_days: ivl as u32,
                last_review_ms: Some(t),
                reps: state.reps + 1,
                lapses: state.lapses
                    + u32::from(rating == Rating::Again && kind != ReviewKind::Learning),
            }
        };
        log.push(Answer {
            deck_id: "bstats".into(),
            card_id: card.card_id.clone(),
            ts_ms: t,
            rating: (!manual).then_some(rating),
            kind: if manual { ReviewKind::Manual } else { kind },
            before,
            after: state,
            elapsed_days: (elapsed_ms / DAY) as u32,
            elapsed_secs: elapsed_ms / 1000,
            r_before: None,
            r_after: None,
            duration_ms: if manual {
                0
            } else {
                500 + rng.below(40_000) as i64
            },
            content_hash: card.content_hash.clone(),
            session_id: None,
        });
        kind = next_kind;
        t += gap;
    }
    ImportedCard {
        card_id: card.card_id.clone(),
        position: card.position,
        content_hash: card.content_hash.clone(),
        state,
        log,
    }
}

fn populate(data: &Path) -> usize {
    let mut store = docket::store::SqliteStore::open_dir(data).unwrap();
    let rows = store.cards("bstats").unwrap();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    // One card in ten stays new.
    let imported: Vec<ImportedCard> = rows
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 != 9)
        .map(|(_, r)| history(&mut rng, r))
        .collect();
    let answers = imported.iter().map(|c| c.log.len()).sum();
    store.import_history("bstats", &imported, false).unwrap();
    store
        .connection()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    answers
}

/// CPU time (user + system) of the children waited for so far.
/// Marks the command run after studying a few cards.
const STUDY: &str = "study";

/// Marks the command run after studying a few cards and undoing the last.
const UNDO: &str = "undo";

/// Answers `n` cards in a `docket study --plain` session (each prompt
/// names its item; the answer to item i is "ai"), then, with `undo_last`,
/// undoes the last answer (`:undo`) and waits for the card to come back.
fn study_some(data: &Path, deck: &Path, n: usize, undo_last: bool) {
    use std::io::BufRead;
    use std::io::Write;
    let mut child = docket(data)
        .args(["study", "--plain", "--seed", "1"])
        .arg(deck)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run docket study");
    let mut stdin = child.stdin.take().expect("stdin");
    let out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut item = None;
    let mut answered = 0;
    let mut undone = false;
    for line in out.lines() {
        let Ok(line) = line else { break };
        if let Some(rest) = line.split("item ").nth(1) {
            item = rest.split('?').next().map(str::to_string);
        }
        if line.starts_with("answer (") {
            if answered == n && undo_last && !undone {
                writeln!(stdin, ":undo").expect("undo");
                undone = true;
                continue;
            }
            if answered == n {
                break;
            }
            let Some(i) = item.take() else { break };
            // One line a card: the proposed rating is applied.
            writeln!(stdin, "a{i}").expect("answer");
            answered += 1;
        }
    }
    drop(stdin);
    let _ = child.wait();
}

fn children_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` only compiles this.
    }
    let dir = Path::new("target/bench-stats");
    let data = dir.join("data");
    let deck = dir.join("stats.toml");
    if !data.join("progress.sqlite3").exists() || !deck.exists() {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(&deck, deck_text()).unwrap();
        // The first run syncs the deck into the store.
        assert!(
            docket(&data)
                .arg("stats")
                .arg(&deck)
                .status()
                .unwrap()
                .success()
        );
        // Wait out the racy-mtime window once, so later runs take the
        // unchanged-file fast path.
        std::thread::sleep(Duration::from_secs(3));
        let t = Instant::now();
        let answers = populate(&data);
        println!(
            "made {CARDS} cards and {answers} review-log rows in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        assert!(
            docket(&data)
                .arg("stats")
                .arg(&deck)
                .status()
                .unwrap()
                .success()
        );
    }
    let runs: usize = std::env::var("DOCKET_BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(15);
    let html = dir.join("stats.html");
    // The last three run after 20 cards were studied (the kept tallies
    // lose those cards' earlier predictions and gain their new ones),
    // after 5 were studied and the last undone (a deletion newer than the
    // copies, which keeps them), and after forgetting the store's copies
    // of the log, as on a store's first `stats` (everything is read and
    // computed again).
    let commands: [(&str, Vec<&std::ffi::OsStr>, &str); 6] = [
        ("stats (terminal)", vec![], ""),
        ("stats --json", vec!["--json".as_ref()], ""),
        (
            "stats --html",
            vec!["--html".as_ref(), html.as_os_str()],
            "",
        ),
        ("stats, 20 new answers", vec![], STUDY),
        ("stats, 5 answers, 1 undone", vec![], UNDO),
        ("stats, copies forgotten", vec![], "DELETE FROM log_cache"),
    ];
    let mut wall = vec![Vec::new(); commands.len()];
    let mut cpu = vec![Vec::new(); commands.len()];
    println!("load average before: {}", load());
    for _ in 0..runs {
        for (i, (_, extra, forget)) in commands.iter().enumerate() {
            if *forget == STUDY || *forget == UNDO {
                let n = if *forget == STUDY { 20 } else { 5 };
                study_some(&data, &deck, n, *forget == UNDO);
            } else if !forget.is_empty() {
                rusqlite::Connection::open(data.join("progress.sqlite3"))
                    .and_then(|c| c.execute_batch(forget))
                    .expect("forget the copies");
            }
            let c0 = children_cpu();
            let t = Instant::now();
            let ok = docket(&data)
                .arg("stats")
                .args(extra)
                .arg(&deck)
                .status()
                .expect("run docket stats")
                .success();
            wall[i].push(t.elapsed());
            cpu[i].push(children_cpu() - c0);
            assert!(ok, "docket stats failed");
        }
    }
    for (i, (name, ..)) in commands.iter().enumerate() {
        let (w, c) = (&mut wall[i], &mut cpu[i]);
        w.sort();
        c.sort();
        let pick = |v: &[Duration], q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
        println!(
            "{name:<26} n={runs:<3} wall median {:>7.1} ms  p90 {:>7.1} ms  max {:>7.1} ms   cpu median {:>7.1} ms  max {:>7.1} ms",
            ms(pick(w, 0.5)),
            ms(pick(w, 0.9)),
            ms(pick(w, 1.0)),
            ms(pick(c, 0.5)),
            ms(pick(c, 1.0)),
        );
    }
    println!("load average after: {}", load());
}
