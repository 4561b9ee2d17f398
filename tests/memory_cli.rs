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
