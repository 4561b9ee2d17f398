//! `docket optimize`, `docket simulate` and `docket export-log` through the
//! real binary (the numbers themselves are proven against Anki in
//! tests/anki_sched.rs).

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

fn docket(data: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("docket").unwrap();
    c.env("DOCKET_DATA_DIR", data)
        .env("DOCKET_NOW", "2026-03-02T10:00:00Z")
        .env("NO_COLOR", "1");
    c
}

#[test]
fn optimize_without_reviews_keeps_the_parameters_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    docket(dir.path())
        .arg("optimize")
        .assert()
        .success()
        .stdout(contains("Nothing to learn from yet"));
    let out = docket(dir.path())
        .args(["optimize", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["changed"], false);
    assert_eq!(v["items"], 0);
    docket(dir.path())
        .args(["config", "fsrs_params", "--deck", "case"])
        .assert()
        .code(1);
}

#[test]
fn simulate_gives_every_day_and_the_advice_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = docket(dir.path())
        .args(["simulate", "--days", "30", "--advice", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["simulation"]["days"].as_array().unwrap().len(), 30);
    let advice = v["advice"].as_array().unwrap();
    assert_eq!(advice.len(), 28, "0.70 to 0.97");
    assert!(v["simulation"]["total_answers"].as_u64().unwrap() > 0);
    docket(dir.path())
        .args(["simulate", "--desired-retention", "1.5"])
        .assert()
        .code(2)
        .stderr(contains("outside"));
    let text = docket(dir.path())
        .args(["simulate", "--days", "10"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Answers per day"), "{text}");
}

#[test]
fn export_log_writes_the_optimizer_header_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("log.csv");
    docket(dir.path())
        .args(["export-log", "-o"])
        .arg(&csv)
        .assert()
        .success()
        .stderr(contains("day starts at 4:00"));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("card_id,review_time,review_rating,review_state,review_duration\n"));
    docket(dir.path())
        .args(["export-log", "-o"])
        .arg(&csv)
        .assert()
        .code(1)
        .stderr(contains("already exists"));
}

#[test]
fn stats_carry_the_calibration_of_the_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let out = docket(dir.path())
        .args(["stats", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["calibration"].is_object(), "{v}");
    assert!(v["calibration"]["default"].is_null(), "no reviews yet");
    docket(dir.path())
        .arg("stats")
        .assert()
        .success()
        .stdout(contains("Calibration"));
}

#[test]
fn simulate_html_draws_the_charts_with_captions_and_data() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("sim.html");
    docket(dir.path())
        .args(["simulate", "--days", "20", "--advice", "--html"])
        .arg(&page)
        .assert()
        .success()
        .stderr(contains("wrote"));
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(
        html.matches("<svg").count(),
        3,
        "workload, remembered, advice"
    );
    assert_eq!(html.matches("<figcaption>").count(), 3);
    assert_eq!(html.matches("role=\"img\" aria-label=").count(), 3);
    // The data tables: a row per day, a row per retention.
    assert_eq!(html.matches("<tr><td>").count(), 20 + 20 + 28);
    assert!(html.contains("Which retention?"));
    assert!(!html.contains("<script"));
    // An unwritable place is a clear failure.
    docket(dir.path())
        .args(["simulate", "--days", "5", "--html"])
        .arg(dir.path().join("no/such/dir/sim.html"))
        .assert()
        .failure()
        .stderr(contains("cannot write"));
}

/// A deck of `n` basic cards.
fn deck_of(n: usize) -> String {
    let mut d = String::from("[deck]\nid = \"many\"\ntitle = \"Many\"\ndescription = \"Cards.\"\n");
    for i in 0..n {
        d.push_str(&format!(
            "\n[[card]]\nid = \"c{i}\"\nkind = \"basic\"\nprompt = \"Say c{i}\"\nanswer = \"c{i}\"\n"
        ));
    }
    d
}

#[test]
fn optimize_with_reschedule_recomputes_and_logs_rescheduled_rows() {
    use docket::clock::Now;
    use docket::schedule::{CardState, Phase, Rating, Scheduler, SchedulerConfig};
    use docket::store::{Answer, ImportedCard, SqliteStore, Store};
    use rand::{Rng, SeedableRng};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let deck = dir.path().join("many.toml");
    std::fs::write(&deck, deck_of(60)).unwrap();
    docket(&data).arg("cards").arg(&deck).assert().success();
    // Half a year of answers, rated at random, imported as a history.
    let sched = Scheduler::new(SchedulerConfig {
        fuzz: false,
        ..SchedulerConfig::default()
    })
    .unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let mut store = SqliteStore::open_dir(&data).unwrap();
    let start = Now::parse("2025-09-01T09:00:00Z").unwrap().ms;
    let end = Now::parse("2026-03-01T09:00:00Z").unwrap().ms;
    let mut imported = Vec::new();
    for (pos, row) in store.cards("many").unwrap().into_iter().enumerate() {
        let mut state = CardState::NEW;
        let mut t = start + rng.random_range(0..30) * 86_400_000;
        let mut log = Vec::new();
        while t < end {
            let now = Now {
                ms: t,
                offset_secs: 0,
            };
            let next = sched.next_states(&state, now, 0).unwrap();
            let rating = Rating::from_number(rng.random_range(1..=4)).unwrap();
            let after = next.get(rating);
            log.push(Answer {
                deck_id: "many".into(),
                card_id: row.card_id.clone(),
                ts_ms: t,
                rating: Some(rating),
                kind: next.kind,
                before: state,
                after,
                elapsed_days: next.elapsed_days,
                elapsed_secs: next.elapsed_secs,
                r_before: next.retrievability,
                r_after: None,
                duration_ms: 5000,
                content_hash: row.content_hash.clone(),
                session_id: None,
            });
            state = after;
            t = state.due_ms.max(t + 60_000) + rng.random_range(0..3_600_000);
        }
        imported.push(ImportedCard {
            card_id: row.card_id.clone(),
            position: pos as u32,
            content_hash: row.content_hash.clone(),
            state,
            log,
        });
    }
    let reviews = imported
        .iter()
        .filter(|c| c.state.phase == Phase::Review)
        .count();
    assert!(reviews > 10, "{reviews} review cards");
    store.import_history("many", &imported, false).unwrap();
    drop(store);
    let out = docket(&data)
        .args(["optimize", "--json", "--reschedule"])
        .arg(&deck)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["changed"], true, "{v}");
    // Every studied card's memory recomputed with the new parameters;
    // every review card rescheduled and logged as Anki's kind 5.
    assert_eq!(v["memory"]["recomputed"], 60, "{v}");
    assert_eq!(v["memory"]["rescheduled"], reviews as u64, "{v}");
    let store = SqliteStore::open_dir(&data).unwrap();
    let log = store.log("many", None).unwrap();
    let fives = log.iter().filter(|e| e.answer.kind.number() == 5).count();
    assert_eq!(fives, reviews);
    // Not answers: the optimiser's CSV leaves them out.
    let csv = dir.path().join("log.csv");
    docket(&data)
        .args(["export-log", "-o"])
        .arg(&csv)
        .arg(&deck)
        .assert()
        .success();
    let rows = std::fs::read_to_string(&csv).unwrap().lines().count() - 1;
    assert_eq!(rows, log.len() - fives);
}
