//! Quiz integrity against students and machines that misbehave: receipts
//! too long to forge, look-alike and unlisted names, two students given one
//! result file, temporary files of killed sittings, implausible times, and
//! seeds no one can guess.

use std::path::Path;
use std::path::PathBuf;

use assert_cmd::Command;
use chrono::DateTime;
use chrono::Utc;
use docket::quiz::form::Form;
use docket::quiz::result_file::RESULT_FORMAT_V1;
use docket::quiz::result_file::ResultFile;
use serde_json::Value;

const NOW: &str = "2026-01-05T09:00:00Z";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/quiz")
        .join(name)
}

fn docket() -> Command {
    let mut c = Command::cargo_bin("docket").unwrap();
    c.env("DOCKET_NOW", NOW).env("NO_COLOR", "1");
    c
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Makes a form (seed 7) in `dir`; returns (form, key).
fn make(dir: &Path) -> (PathBuf, PathBuf) {
    let form = dir.join("form.json");
    docket()
        .args(["quiz", "make"])
        .arg(fixture("deck.toml"))
        .args(["--seed", "7", "-o"])
        .arg(&form)
        .assert()
        .success();
    (form, dir.join("form.key.json"))
}

/// Takes the form as `student`: skips every item, then submits (`:submit`
/// from an item shows the review list; the second hands the quiz in).
fn take(form: &Path, out: &Path, student: &str) -> std::process::Output {
    docket()
        .args(["quiz", "take", "--plain", "--student", student, "-o"])
        .arg(out)
        .arg(form)
        .write_stdin(":submit\n:submit\n")
        .output()
        .unwrap()
}

/// A submitted result file made directly (as a student's machine would),
/// answering every item with `answer` one minute apart.
fn result(form: &Form, student: &str, answer: &str) -> ResultFile {
    let mut r = ResultFile::new(&form.fingerprint, student, t("2026-01-05T09:00:00Z"));
    for (i, item) in form.items.iter().enumerate() {
        let at = t("2026-01-05T09:00:00Z") + chrono::Duration::minutes(i as i64 + 1);
        r.push(&item.id, Some(answer), 60, at);
    }
    r.submit(t("2026-01-05T09:30:00Z"), false);
    r
}

fn write_raw(path: &Path, r: &ResultFile) {
    std::fs::write(path, serde_json::to_vec_pretty(r).unwrap()).unwrap();
}

fn report_json(key: &Path, results: &Path, extra: &[&str]) -> (Value, String) {
    let out = docket()
        .args(["quiz", "report", "--json"])
        .args(extra)
        .arg(key)
        .arg(results)
        .output()
        .unwrap();
    (
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn receipts_have_65_bits_in_groups_and_old_files_still_verify() {
    let dir = tempfile::tempdir().unwrap();
    let (form_path, _) = make(dir.path());
    let out = dir.path().join("ana.json");
    assert!(take(&form_path, &out, "Ana").status.success());
    let r = ResultFile::read(&out).unwrap();
    let receipt = r.submitted.as_ref().unwrap().receipt.clone();
    let groups: Vec<&str> = receipt.split('-').collect();
    assert_eq!(
        groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
        [4, 4, 4, 1]
    );
    assert!(
        receipt
            .chars()
            .all(|c| c == '-' || "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)),
        "{receipt}"
    );
    // A file of the first format (32-bit receipt) is still read.
    let form = Form::read(&form_path).unwrap();
    let mut old = ResultFile::new(&form.fingerprint, "Old", t(NOW));
    old.format = RESULT_FORMAT_V1.into();
    let code = old.submit(t("2026-01-05T09:01:00Z"), false);
    assert_eq!(code.len(), 9);
    assert!(old.verify().is_ok());
}

#[test]
fn look_alike_names_are_one_student_and_escapes_never_make_two() {
    let dir = tempfile::tempdir().unwrap();
    let (form_path, key) = make(dir.path());
    let form = Form::read(&form_path).unwrap();
    let results = dir.path().join("results");
    std::fs::create_dir(&results).unwrap();
    write_raw(&results.join("1.json"), &result(&form, "Zed", "x"));
    write_raw(
        &results.join("2.json"),
        &result(&form, "zed\u{1b}[31m", "x"),
    );
    write_raw(&results.join("3.json"), &result(&form, "Ana", "x"));
    write_raw(&results.join("4.json"), &result(&form, "A\u{200b}na", "x"));
    write_raw(&results.join("5.json"), &result(&form, "\u{410}na", "x")); // Cyrillic A
    write_raw(&results.join("6.json"), &result(&form, "Bo", "x"));
    let (r, stderr) = report_json(&key, &results, &[]);
    let students: Vec<&str> = r["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["student"].as_str().unwrap())
        .collect();
    assert_eq!(students, ["Bo"], "{stderr}");
    let kinds: Vec<&str> = r["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["duplicate-student"; 5]);
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}

#[test]
fn with_receipts_a_student_not_on_the_list_is_rejected_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let (form_path, key) = make(dir.path());
    let form = Form::read(&form_path).unwrap();
    let results = dir.path().join("results");
    std::fs::create_dir(&results).unwrap();
    let ana = result(&form, "Ana Lima", "x");
    write_raw(&results.join("ana.json"), &ana);
    write_raw(
        &results.join("mallory.json"),
        &result(&form, "Mallory", "x"),
    );
    let noted = dir.path().join("noted.csv");
    // Noted with another case, a zero-width space and the code in lower case.
    std::fs::write(
        &noted,
        format!(
            "ana\u{200b} LIMA,{}\n",
            ana.submitted.as_ref().unwrap().receipt.to_lowercase()
        ),
    )
    .unwrap();
    let (r, stderr) = report_json(&key, &results, &["--receipts", noted.to_str().unwrap()]);
    assert_eq!(r["students"].as_array().unwrap().len(), 1, "{stderr}");
    assert_eq!(r["students"][0]["student"], "Ana Lima");
    assert_eq!(r["rejected"][0]["kind"], "not-on-list");
    assert!(stderr.contains("Mallory"), "{stderr}");
}

#[test]
fn a_second_student_on_the_same_file_never_overwrites_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let (form_path, _) = make(dir.path());
    let out = dir.path().join("shared.json");
    assert!(take(&form_path, &out, "Ana").status.success());
    let before = std::fs::read(&out).unwrap();
    let second = take(&form_path, &out, "Ben");
    assert!(!second.status.success());
    let msg = String::from_utf8_lossy(&second.stderr);
    assert!(msg.contains("shared.json") && msg.contains("Ana"), "{msg}");
    assert_eq!(std::fs::read(&out).unwrap(), before);
    // The same, racing: both start before either file exists.
    let form = Form::read(&form_path).unwrap();
    let raced = dir.path().join("raced.json");
    let a = ResultFile::new(&form.fingerprint, "Ana", t(NOW));
    let b = ResultFile::new(&form.fingerprint, "Ben", t(NOW));
    a.write(&raced).unwrap();
    let e = b.write(&raced).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
    assert!(e.to_string().contains("`Ana`"), "{e}");
    // Even the same student cannot overwrite a submitted attempt.
    let submitted = ResultFile::read(&out).unwrap();
    let mut again = submitted.clone();
    again.submitted = None;
    assert!(again.write(&out).is_err());
}

#[test]
fn temp_files_of_killed_sittings_are_removed_and_reports_ignore_them() {
    let dir = tempfile::tempdir().unwrap();
    let (form_path, key) = make(dir.path());
    let results = dir.path().join("results");
    std::fs::create_dir(&results).unwrap();
    // What a sitting killed between writing and renaming leaves.
    let stale = results.join(".ana.json.4242.tmp");
    std::fs::write(&stale, "{\"format\": \"docket-quiz-res").unwrap();
    let stray = results.join(".ben.json.77.tmp");
    std::fs::write(&stray, "{").unwrap();
    assert!(
        take(&form_path, &results.join("ana.json"), "Ana")
            .status
            .success()
    );
    assert!(
        !stale.exists(),
        "the sitting's own stale temp file is removed"
    );
    // A report over the directory reads only the result.
    let (r, stderr) = report_json(&key, &results, &[]);
    assert_eq!(r["students"].as_array().unwrap().len(), 1, "{stderr}");
    assert!(r["rejected"].as_array().unwrap().is_empty(), "{r}");
    assert_eq!(
        docket::quiz::collect::stray_temp_files(std::slice::from_ref(&results)),
        [stray]
    );
}

#[test]
fn implausible_times_are_flagged_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let (form_path, key) = make(dir.path());
    let form = Form::read(&form_path).unwrap();
    let results = dir.path().join("results");
    std::fs::create_dir(&results).unwrap();
    write_raw(&results.join("ok.json"), &result(&form, "Honest", "x"));
    // Item times summing to more than the sitting lasted.
    let mut r = ResultFile::new(&form.fingerprint, "Fast", t(NOW));
    r.push(
        &form.items[0].id,
        Some("x"),
        3600,
        t("2026-01-05T09:01:00Z"),
    );
    r.submit(t("2026-01-05T09:02:00Z"), false);
    write_raw(&results.join("fast.json"), &r);
    // Submitted before it started.
    let mut r = ResultFile::new(&form.fingerprint, "Back", t(NOW));
    r.submit(t("2026-01-05T08:00:00Z"), false);
    write_raw(&results.join("back.json"), &r);
    let (rep, stderr) = report_json(&key, &results, &[]);
    let timing = |name: &str| -> Vec<String> {
        let st = rep["students"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["student"] == name)
            .unwrap_or_else(|| panic!("{name}: {stderr}"));
        serde_json::from_value(st["timing"].clone()).unwrap()
    };
    assert!(timing("Honest").is_empty());
    assert!(timing("Fast")[0].contains("add up to 3600 s"));
    assert!(timing("Back")[0].contains("before it started"));
    let text = docket()
        .args(["quiz", "report"])
        .arg(&key)
        .arg(&results)
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("implausible times"), "{text}");
}

#[test]
fn without_a_seed_no_year_recreates_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let form_of = |name: &str| {
        let p = dir.path().join(name);
        docket()
            .args(["quiz", "make"])
            .arg(fixture("deck.toml"))
            .arg("-o")
            .arg(&p)
            .assert()
            .success();
        Form::read(&p).unwrap()
    };
    let (_a, _b) = (form_of("a.json"), form_of("b.json"));
    let seed_of = |name: &str| {
        let key: Value =
            serde_json::from_slice(&std::fs::read(dir.path().join(name)).unwrap()).unwrap();
        key["seed"].as_u64().unwrap()
    };
    let (a, b) = (seed_of("a.key.json"), seed_of("b.key.json"));
    // 64 bits from the OS: never a small number, never the same twice.
    assert!(a >= 1 << 32 && b >= 1 << 32, "{a} {b}");
    assert_ne!(a, b);
    // Small seeds given by hand are warned about.
    docket()
        .args(["quiz", "make"])
        .arg(fixture("deck.toml"))
        .args(["--seed", "2026", "-o"])
        .arg(dir.path().join("c.json"))
        .assert()
        .success()
        .stderr(predicates::str::contains("omit --seed"));
}
