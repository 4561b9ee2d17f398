//! `docket quiz`, end to end through the real binary: making a form and
//! key, taking it (JSON lines and line mode), and the report. The
//! statistics are checked against a worked example computed by hand.

use std::path::Path;
use std::path::PathBuf;

use assert_cmd::Command;
use docket::quiz::form::Form;
use docket::quiz::form::Key;
use docket::quiz::result_file::ResultFile;
use predicates::prelude::PredicateBooleanExt;
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

/// `quiz make` of the fixture deck into `dir`; returns (form, key) paths.
fn make(dir: &Path, seed: u64, extra: &[&str]) -> (PathBuf, PathBuf) {
    let form = dir.join("form.json");
    docket()
        .args(["quiz", "make"])
        .arg(fixture("deck.toml"))
        .args(["--seed", &seed.to_string(), "-o"])
        .arg(&form)
        .args(extra)
        .assert()
        .success();
    (form.clone(), dir.join("form.key.json"))
}

/// `at` for the n-th second after NOW.
fn at(seconds: u64) -> String {
    format!("2026-01-05T09:{:02}:{:02}Z", seconds / 60, seconds % 60)
}

/// Takes the form as `student` in JSON mode, answering in form order, one
/// answer every 10 seconds, then submitting. Returns the receipt.
fn take_json(form: &Path, result: &Path, student: &str, answers: &[String]) -> String {
    let mut input = String::new();
    for (k, a) in answers.iter().enumerate() {
        input
            .push_str(&serde_json::json!({"answer": a, "at": at(10 * (k as u64 + 1))}).to_string());
        input.push('\n');
    }
    input.push_str(
        &serde_json::json!({"command": "submit", "at": at(10 * answers.len() as u64 + 5)})
            .to_string(),
    );
    input.push('\n');
    let out = docket()
        .args(["quiz", "take", "--json", "--student", student, "-o"])
        .arg(result)
        .arg(form)
        .write_stdin(input)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let last: Value =
        serde_json::from_str(String::from_utf8(out).unwrap().lines().last().unwrap()).unwrap();
    assert_eq!(last["type"], "submitted", "{last}");
    last["receipt"].as_str().unwrap().to_string()
}

/// The response that picks option `text` of a choice item.
fn letter_of(item: &docket::quiz::form::FormItem, text: &str) -> String {
    let p = item.options.iter().position(|o| o == text).unwrap();
    ((b'a' + p as u8) as char).to_string()
}

fn report_json(key: &Path, results: &Path, extra: &[&str]) -> (Value, i32) {
    let out = docket()
        .args(["quiz", "report", "--json"])
        .arg(key)
        .arg(results)
        .args(extra)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, out.status.code().unwrap())
}

fn close(v: &Value, want: f64) {
    let got = v
        .as_f64()
        .unwrap_or_else(|| panic!("expected {want}, got {v}"));
    assert!((got - want).abs() < 1e-4, "expected {want}, got {got}");
}

/// The worked example. Five students, four items (marks 0/1):
///
/// ```text
///            largest venus mars sunlight | T   rest per item X_i = T − x_i
///   Ana         1      1     1     1     | 4
///   Ben         1      1     0     0     | 2
///   Cai         1      0     1     0     | 2
///   Dee         0      1     0     0     | 1
///   Eve         0      0     0     1     | 1
/// ```
/// Dee and Eve both pick "Saturn" on `largest`.
fn worked_example(dir: &Path) -> (PathBuf, PathBuf) {
    class(
        dir,
        &[
            ("Ana", [true, true, true, true]),
            ("Ben", [true, true, false, false]),
            ("Cai", [true, false, true, false]),
            ("Dee", [false, true, false, false]),
            ("Eve", [false, false, false, true]),
        ],
    )
}

fn item<'a>(report: &'a Value, card: &str) -> &'a Value {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["card_id"] == card)
        .unwrap()
}

#[test]
fn worked_example_matches_the_hand_computation() {
    let dir = tempfile::tempdir().unwrap();
    let (key, results) = worked_example(dir.path());
    // The key may sit among the results; it is not read as one.
    std::fs::copy(&key, results.join("key.json")).unwrap();
    let (r, code) = report_json(&results.join("key.json"), &results, &[]);
    assert_eq!(code, 0);
    let t = &r["test"];
    assert_eq!(t["n"], 5);
    // T = 4,2,2,1,1: mean 10/5 = 2, median 2.
    close(&t["mean"], 2.0);
    close(&t["median"], 2.0);
    // Deviations 2,0,0,−1,−1; squares sum to 6; k2 = 6/4 = 1.5; SD = √1.5.
    close(&t["sd"], 1.5f64.sqrt());
    // m3 = (8+0+0−1−1)/5 = 1.2; k3 = 25·1.2/(4·3) = 2.5; skew = 2.5/1.5^1.5 = 1.360828.
    close(&t["skewness"], 1.360828);
    // m2 = 1.2, m4 = (16+1+1)/5 = 3.6; k4 = 25·(6·3.6 − 3·4·1.44)/(4·3·2) = 4.5; kurtosis = 4.5/1.5² = 2.
    close(&t["kurtosis"], 2.0);
    // Every item has p = .6 or .4, so V(x_i) = 1.2/4 = .3; ΣV = 1.2.
    // CIC = 100·4/3·(1 − 1.2/1.5) = 26.6667; ER = 100·√(1 − .266667) = 85.6349;
    // SE = .856349·√1.5 = 1.048809.
    close(&t["cic"], 400.0 / 3.0 * 0.2);
    close(&t["error_ratio"], 100.0 * (1.0 - 0.8f64 / 3.0).sqrt());
    close(
        &t["standard_error"],
        (1.0 - 0.8f64 / 3.0).sqrt() * 1.5f64.sqrt(),
    );

    // largest: x = 1,1,1,0,0; rest X = 3,1,1,1,1 (mean 1.4, V = 3.2/4 = .8).
    // C(x,X) = (.4·1.6 − .4·.4 − .4·.4 + .6·.4 + .6·.4)/4 = .8/4 = .2
    // DI = 100·.2/√(.3·.8) = 40.8248. Sorted x and X pair up the same way: C_max = .2, DE = 100.
    // C(x,T) = (.4·2 + 0 + 0 + .6·1 + .6·1)/4 = .5.
    let s = &item(&r, "largest")["stats"];
    close(&s["facility"], 60.0);
    close(&s["sd"], 100.0 * 0.3f64.sqrt());
    close(&s["random_guess"], 25.0);
    close(&s["intended_weight"], 25.0);
    close(&s["discrimination_index"], 20.0 / 0.24f64.sqrt());
    close(&s["discriminative_efficiency"], 100.0);
    // C(x_i,T) = .5, .25, .5, .25 (they sum to k2 = 1.5); Σ√C = 2·.707107 + 2·.5 = 2.414214.
    close(
        &s["effective_weight"],
        100.0 * 0.5f64.sqrt() / (2.0 * 0.5f64.sqrt() + 1.0),
    );
    // 27 %: g = round(.27·5) = 1; upper = Ana (4); Dee and Eve tie at the
    // bottom (1) and share the one lower place, half each.
    // largest: 1 − (0·½ + 0·½) = 1.
    close(&s["upper_lower"], 1.0);
    close(&item(&r, "largest")["mean_seconds"], 10.0);

    // venus: x = 1,1,0,1,0; X = 3,1,2,0,1 (mean 1.4, squares 2.56+.16+.36+1.96+.16 = 5.2, V = 1.3).
    // C(x,X) = (.64 − .16 − .36 − .56 + .24)/4 = −.05; DI = −5/√.39 = −8.00641.
    // C_max: sorted x 0,0,1,1,1 with sorted X 0,1,1,2,3: (.84+.24−.16+.24+.64)/4 = .45; DE = −11.1111.
    let s = &item(&r, "venus-spin")["stats"];
    close(&s["random_guess"], 50.0);
    close(&s["discrimination_index"], -5.0 / 0.39f64.sqrt());
    close(&s["discriminative_efficiency"], -100.0 * 0.05 / 0.45);
    close(
        &s["effective_weight"],
        100.0 * 0.5 / (2.0 * 0.5f64.sqrt() + 1.0),
    );
    // U−L: Ana 1, lower Dee 1 and Eve 0 at half each: 1 − ½ = ½.
    close(&s["upper_lower"], 0.5);

    // mars: x = 1,0,1,0,0; X = 3,2,1,1,1 (mean 1.6, V = 3.2/4 = .8).
    // C(x,X) = (.84 − .16 − .36 + .24 + .24)/4 = .2; DI = 40.8248;
    // C_max: sorted x 0,0,0,1,1 with X 1,1,1,2,3: (.24·4 + .84)/4 = .45; DE = 44.4444.
    let s = &item(&r, "mars-moons")["stats"];
    close(&s["facility"], 40.0);
    close(&s["random_guess"], 0.0);
    close(&s["discrimination_index"], 20.0 / 0.24f64.sqrt());
    close(&s["discriminative_efficiency"], 100.0 * 0.2 / 0.45);

    // sunlight: x = 1,0,0,0,1; X = 3,2,2,1,0 (V = 5.2/4 = 1.3).
    // C(x,X) = (.84 − .16 − .16 + .24 − .96)/4 = −.05; DI = −8.00641; C_max = .45; DE = −11.1111.
    // Upper (Ana) right; lower Dee wrong and Eve right at half each: 1 − ½ = ½.
    let s = &item(&r, "sunlight-minutes")["stats"];
    close(&s["discrimination_index"], -5.0 / 0.39f64.sqrt());
    close(&s["discriminative_efficiency"], -100.0 * 0.05 / 0.45);
    close(&s["upper_lower"], 0.5);

    // Distractors of `largest`: Jupiter by Ana, Ben, Cai (mean total 8/3); Saturn by Dee, Eve (mean 1).
    // r(chose Saturn, X) with chose = 0,0,0,1,1 and X = 3,1,1,1,1:
    // C = (−.4·1.6 + .4·.4·2 − .6·.4·2)/4 = −.2; r = −.2/√(.3·.8) = −.408248.
    let options = item(&r, "largest")["distractors"]["options"]
        .as_array()
        .unwrap()
        .clone();
    let by_text = |t: &str| options.iter().find(|o| o["text"] == t).unwrap().clone();
    let jupiter = by_text("Jupiter");
    assert_eq!(jupiter["key"], true);
    assert_eq!(jupiter["count"], 3);
    close(&jupiter["mean_total"], 8.0 / 3.0);
    close(&jupiter["rest_correlation"], 0.2 / 0.24f64.sqrt());
    let saturn = by_text("Saturn");
    assert_eq!(saturn["count"].as_u64(), Some(2));
    // Both of the lower group's shares (Dee ½, Eve ½) chose Saturn.
    close(&saturn["upper"], 0.0);
    close(&saturn["lower"], 1.0);
    close(&saturn["mean_total"], 1.0);
    close(&saturn["rest_correlation"], -0.2 / 0.24f64.sqrt());
    assert_eq!(by_text("Neptune")["count"], 0);

    // Five students is below the default minimum class size of 10: no flags.
    assert_eq!(r["small_class"], true);
    assert!(
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["flags"].as_array().unwrap().is_empty())
    );

    // Students: score, per-item seconds (one answer every 10 s), receipts.
    let ana = &r["students"][0];
    assert_eq!(ana["student"], "Ana");
    assert_eq!(ana["score"], 4);
    assert_eq!(ana["seconds"], 40);
    // 65-bit receipts, grouped for copying: XXXX-XXXX-XXXX-X.
    assert_eq!(ana["receipt"].as_str().unwrap().len(), 16);
}

#[test]
fn flags_appear_from_the_minimum_class_size_with_their_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let (key, results) = worked_example(dir.path());
    let (r, _) = report_json(&key, &results, &["--min-class-size", "5"]);
    assert_eq!(r["small_class"], false);
    let codes = |card: &str| -> Vec<String> {
        item(&r, card)["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    // DE −11.1 < 15 and DI −8.0 < 0.
    assert_eq!(
        codes("venus-spin"),
        ["low-efficiency", "negative-discrimination"]
    );
    assert_eq!(
        codes("sunlight-minutes"),
        ["low-efficiency", "negative-discrimination"]
    );
    // DE 44.4 is fine; DI 40.8 is in Moodle's "likely needs checking" band (30–50).
    assert_eq!(codes("mars-moons"), ["fair-discrimination"]);
    // DI 40.8 is "likely needs checking"; Neptune and Earth were picked by nobody.
    assert_eq!(
        codes("largest"),
        [
            "fair-discrimination",
            "unused-distractor",
            "unused-distractor"
        ]
    );
    // The text report shows each flagged item's card and evidence with its source.
    let out = docket()
        .args(["quiz", "report", "--min-class-size", "5"])
        .arg(&key)
        .arg(&results)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("card `venus-spin`"), "{text}");
    assert!(text.contains("“Venus spins backwards compared with most planets.” — Class notes on the solar system, docket tests, 2026-01-01"), "{text}");
}

#[test]
fn small_class_prints_n_beside_every_index() {
    let dir = tempfile::tempdir().unwrap();
    let (key, results) = worked_example(dir.path());
    let out = docket()
        .args(["quiz", "report"])
        .arg(&key)
        .arg(&results)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("Fewer than 10 students"), "{text}");
    assert!(text.contains("CIC (alpha)    26.7 (N=5) %"), "{text}");
    assert!(text.contains("(N=5 for every item index"), "{text}");
}

#[test]
fn same_deck_and_seed_give_byte_identical_files() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (fa, ka) = make(a.path(), 9, &["--items", "3"]);
    let (fb, kb) = make(b.path(), 9, &["--items", "3"]);
    assert_eq!(std::fs::read(&fa).unwrap(), std::fs::read(&fb).unwrap());
    assert_eq!(std::fs::read(&ka).unwrap(), std::fs::read(&kb).unwrap());
    let c = tempfile::tempdir().unwrap();
    let (fc, _) = make(c.path(), 10, &["--items", "3"]);
    assert_ne!(std::fs::read(&fa).unwrap(), std::fs::read(&fc).unwrap());
    // The form holds no answers.
    let form = std::fs::read_to_string(&fa).unwrap();
    assert!(
        !form.contains("Phobos") && !form.contains("\"correct\""),
        "{form}"
    );
}

#[test]
fn make_filters_by_kind_and_topic_and_refuses_impossible_requests() {
    let dir = tempfile::tempdir().unwrap();
    let (form, _) = make(
        dir.path(),
        1,
        &["--kinds", "choice,truefalse", "--topics", "planets"],
    );
    let form = Form::read(&form).unwrap();
    assert_eq!(form.items.len(), 2);
    docket()
        .args(["quiz", "make"])
        .arg(fixture("deck.toml"))
        .args(["--seed", "1", "--items", "9", "-o"])
        .arg(dir.path().join("x.json"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "asked for 9 items but only 4 cards match",
        ));
    docket()
        .args(["quiz", "make"])
        .arg(fixture("deck.toml"))
        .args(["--seed", "1", "--kinds", "essay", "-o"])
        .arg(dir.path().join("x.json"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown kind `essay`"));
}

#[test]
fn print_shows_the_key_only_when_given_it() {
    let dir = tempfile::tempdir().unwrap();
    let (form, key) = make(dir.path(), 3, &[]);
    let plain = docket()
        .args(["quiz", "print"])
        .arg(&form)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let plain = String::from_utf8(plain).unwrap();
    assert!(plain.contains("Which planet is the biggest?"));
    assert!(!plain.contains("Key:") && !plain.contains("Phobos"));
    let with_key = docket()
        .args(["quiz", "print", "--format", "html", "--key"])
        .arg(&key)
        .arg(&form)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let with_key = String::from_utf8(with_key).unwrap();
    assert!(with_key.contains("<section class=\"key\">") && with_key.contains("Phobos"));
}

#[test]
fn plain_mode_revisits_answers_and_a_crash_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let (form_path, key_path) = make(dir.path(), 5, &["--kinds", "basic,number"]);
    let result = dir.path().join("r/ana.json");
    let form = Form::read(&form_path).unwrap();
    let key = Key::read(&key_path).unwrap();
    let pair = |i: usize| match key.items[i].card.id.as_str() {
        "mars-moons" => ("Phobos", "Deimos"),
        _ => ("8", "20"),
    };
    let right = |i: usize| pair(i).0;
    let wrong = |i: usize| pair(i).1;
    // First sitting: answer item 1 wrongly, then stdin ends (as if the terminal died).
    docket()
        .args(["quiz", "take", "--plain", "--student", "Ana", "-o"])
        .arg(&result)
        .arg(&form_path)
        .write_stdin(format!("{}\n", wrong(0)))
        .assert()
        .success()
        .stdout(predicates::str::contains("Paused"));
    let saved = ResultFile::read(&result).unwrap();
    assert!(saved.submitted.is_none());
    // Second sitting resumes at item 2, goes back to change item 1, submits:
    // `:submit` from an item shows the review list first, and a second
    // `:submit` there hands the quiz in.
    let input = format!(
        ":bogus\n{}\n:goto 1\n{}\n:submit\n:submit\n",
        right(1),
        right(0)
    );
    let out = docket()
        .args(["quiz", "take", "--student", "Ana", "-o"])
        .arg(&result)
        .arg(&form_path)
        .write_stdin(input)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains(&format!("Item 2 of 2  [{}]", form.items[1].id)),
        "{out}"
    );
    assert!(out.contains("unknown command `:bogus`"), "{out}");
    assert!(
        out.contains(&format!("Your answer so far: {}", wrong(0))),
        "{out}"
    );
    assert!(out.contains("Your receipt code is"), "{out}");
    let (r, code) = report_json(&key_path, &dir.path().join("r"), &[]);
    assert_eq!(code, 0);
    assert_eq!(r["students"][0]["score"], 2);
    // A submitted attempt cannot be taken again.
    docket()
        .args(["quiz", "take", "--plain", "--student", "Ana", "-o"])
        .arg(&result)
        .arg(&form_path)
        .write_stdin(":submit\n")
        .assert()
        .code(1)
        .stderr(predicates::str::contains("already submitted"));
}

#[test]
fn bad_result_files_are_named_and_the_rest_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (key, results) = worked_example(dir.path());
    let key_data = Key::read(&key).unwrap();
    // A result of another form.
    let other = tempfile::tempdir().unwrap();
    let (other_form, _) = make(other.path(), 77, &["--items", "2"]);
    take_json(
        &other_form,
        &results.join("zed.json"),
        "Zed",
        &["a".into(), "b".into()],
    );
    // A broken hash chain: a response edited by hand.
    let mut edited = ResultFile::read(&results.join("Eve.json")).unwrap();
    edited.events[0].response = Some("edited".into());
    edited.student = "Eve2".into();
    std::fs::write(
        results.join("eve-edited.json"),
        serde_json::to_string(&edited).unwrap(),
    )
    .unwrap();
    // A truncated file.
    let ana = std::fs::read_to_string(results.join("Ana.json")).unwrap();
    std::fs::write(results.join("truncated.json"), &ana[..ana.len() / 2]).unwrap();
    // The same student twice.
    std::fs::copy(results.join("Ben.json"), results.join("ben-again.json")).unwrap();
    // An unknown item id, with a valid chain.
    let mut unknown = ResultFile::new(&key_data.form_fingerprint, "Uma", chrono::Utc::now());
    unknown.push("q99", Some("a"), 3, chrono::Utc::now());
    unknown.submit(chrono::Utc::now(), false);
    unknown.write(&results.join("uma.json")).unwrap();
    // An attempt never submitted.
    let mut open = ResultFile::new(&key_data.form_fingerprint, "Ola", chrono::Utc::now());
    open.push(&key_data.items[0].id, Some("a"), 3, chrono::Utc::now());
    open.write(&results.join("ola.json")).unwrap();
    // Not a result at all.
    std::fs::copy(
        fixture("not-a-result.json"),
        results.join("not-a-result.json"),
    )
    .unwrap();

    let out = docket()
        .args(["quiz", "report", "--json"])
        .arg(&key)
        .arg(&results)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let reason = |file: &str| -> String {
        r["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["file"].as_str().unwrap().ends_with(file))
            .unwrap_or_else(|| panic!("{file} not rejected: {stderr}"))["reason"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let kind = |file: &str| -> String {
        r["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["file"].as_str().unwrap().ends_with(file))
            .unwrap()["kind"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let kinds: Vec<String> = [
        "zed.json",
        "eve-edited.json",
        "truncated.json",
        "ben-again.json",
        "uma.json",
        "ola.json",
    ]
    .iter()
    .map(|f| kind(f))
    .collect();
    assert_eq!(
        kinds,
        [
            "other-form",
            "tampered",
            "unreadable",
            "duplicate-student",
            "unknown-items",
            "not-submitted"
        ]
    );
    assert!(reason("zed.json").contains("another form"));
    assert!(reason("eve-edited.json").contains("broken hash chain at event 1"));
    assert!(reason("truncated.json").contains("truncated or edited by hand"));
    assert!(reason("ben-again.json").contains("more than one result"));
    assert!(reason("Ben.json").contains("more than one result"));
    assert!(reason("uma.json").contains("items the form does not have: q99"));
    assert!(reason("ola.json").contains("never submitted"));
    assert!(reason("not-a-result.json").contains("not a valid result file"));
    assert!(
        stderr.contains("rejected") && stderr.contains("truncated.json"),
        "{stderr}"
    );
    // The valid four (Ben is out: his file appears twice) are still reported.
    let names: Vec<&str> = r["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["student"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ana", "Cai", "Dee", "Eve"]);
}

#[test]
fn a_score_written_into_a_result_file_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let (key, results) = worked_example(dir.path());
    // Extra fields (a claimed score) are not part of the format and change nothing.
    let path = results.join("Eve.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v["score"] = 4.into();
    std::fs::write(&path, v.to_string()).unwrap();
    let (r, _) = report_json(&key, &results, &[]);
    let eve = r["students"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["student"] == "Eve")
        .unwrap();
    assert_eq!(eve["score"], 1);
}

/// Thirty students with scripted answers: student s answers item i right
/// when (s + 2i) mod 7 < 4 or s ≥ 25 (the five best know everything).
#[test]
fn thirty_students_end_to_end_csv_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let form_path = dir.path().join("case.json");
    docket()
        .args([
            "quiz",
            "make",
            "--seed",
            "2026",
            "--items",
            "12",
            "--kinds",
            "choice,truefalse,number,date",
            "-o",
        ])
        .arg(&form_path)
        .assert()
        .success();
    let key_path = dir.path().join("case.key.json");
    let form = Form::read(&form_path).unwrap();
    let key = Key::read(&key_path).unwrap();
    let knows = |s: usize, i: usize| (s + 2 * i) % 7 < 4 || s >= 25;
    // A wrong answer of the right form for number and date items.
    let wrong = |kind: &str| {
        if kind == "number" {
            "123456789"
        } else {
            "1066"
        }
        .to_string()
    };
    let results = dir.path().join("results");
    let mut expected_scores = Vec::new();
    for s in 0..30 {
        let name = format!("student{s:02}");
        let mut score = 0;
        let answers: Vec<String> = (0..form.items.len())
            .map(|i| {
                let (card, shown) = key.graded_item(i);
                if knows(s, i) {
                    score += 1;
                    docket::grade::expected_response(&card, &shown)
                } else {
                    let w = wrong(&form.items[i].kind);
                    // "a" may be right on a choice item; pick an option that is not.
                    if form.items[i].kind == "choice" {
                        (0..shown.options.len())
                            .map(|p| ((b'a' + p as u8) as char).to_string())
                            .find(|l| !docket::grade::grade(&card, &shown, l).unwrap().correct)
                            .unwrap()
                    } else if form.items[i].kind == "truefalse" {
                        if docket::grade::expected_response(&card, &shown) == "true" {
                            "false".into()
                        } else {
                            "true".into()
                        }
                    } else {
                        w
                    }
                }
            })
            .collect();
        take_json(
            &form_path,
            &results.join(format!("{name}.json")),
            &name,
            &answers,
        );
        expected_scores.push((name, score));
    }
    let long = dir.path().join("long.csv");
    let wide = dir.path().join("wide.csv");
    let html = dir.path().join("report.html");
    let (r, code) = report_json(
        &key_path,
        &results,
        &[
            "--csv",
            long.to_str().unwrap(),
            "--csv-wide",
            wide.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(r["test"]["n"], 30);
    assert_eq!(r["small_class"], false);
    for (row, (name, score)) in r["students"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&expected_scores)
    {
        assert_eq!(row["student"], name.as_str());
        assert_eq!(row["score"], *score, "{name}");
        assert_eq!(row["seconds"], 120);
    }
    let long = std::fs::read_to_string(&long).unwrap();
    let lines: Vec<&str> = long.lines().collect();
    assert_eq!(
        lines[0],
        "student,item,position,response,correct,score,seconds"
    );
    assert_eq!(lines.len(), 1 + 30 * 12);
    assert!(lines[1].starts_with("student00,q01,1,"), "{}", lines[1]);
    assert!(lines[1].ends_with(",10"), "{}", lines[1]);
    let wide = std::fs::read_to_string(&wide).unwrap();
    let rows: Vec<&str> = wide.lines().collect();
    assert_eq!(rows.len(), 31);
    assert_eq!(
        rows[0],
        "student,score,percent,seconds,q01,q02,q03,q04,q05,q06,q07,q08,q09,q10,q11,q12"
    );
    let (name, score) = &expected_scores[0];
    let marks: Vec<&str> = (0..12)
        .map(|i| if knows(0, i) { "1" } else { "0" })
        .collect();
    assert_eq!(
        rows[1],
        format!(
            "{name},{score},{:.1},120,{}",
            100.0 * *score as f64 / 12.0,
            marks.join(",")
        )
    );
    // The five best know everything: the mean is at least their share.
    assert!(r["test"]["mean"].as_f64().unwrap() > 5.0);
    let html = std::fs::read_to_string(&html).unwrap();
    // Self-contained: inline SVG charts, no scripts, nothing fetched.
    assert!(html.contains("Score histogram") && html.contains("<circle"));
    assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("<link"));
}

#[test]
fn the_time_limit_submits_the_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let (form, key) = make(dir.path(), 4, &["--time-limit", "1"]);
    let result = dir.path().join("r/ana.json");
    let input = format!(
        "{}\n{}\n",
        serde_json::json!({"answer": "Phobos", "at": at(20)}),
        serde_json::json!({"answer": "8", "at": at(61)})
    );
    let out = docket()
        .args(["quiz", "take", "--json", "--student", "Ana", "-o"])
        .arg(&result)
        .arg(&form)
        .write_stdin(input)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let last: Value =
        serde_json::from_str(String::from_utf8(out).unwrap().lines().last().unwrap()).unwrap();
    assert_eq!(last["type"], "submitted");
    assert_eq!(last["time_up"], true);
    // Line mode tells the student how long is left.
    docket()
        .args(["quiz", "take", "--plain", "--student", "Bo", "-o"])
        .arg(dir.path().join("bo.json"))
        .arg(&form)
        .write_stdin("")
        .assert()
        .success()
        .stdout(predicates::str::contains("Time left: about 1 min."));
    let (r, _) = report_json(&key, &dir.path().join("r"), &[]);
    assert_eq!(r["students"][0]["time_up"], true);
    // The answer that came after the limit was not taken.
    let responses = r["students"][0]["responses"].as_array().unwrap();
    assert!(
        responses.iter().all(|a| a["response"] != "8"),
        "{responses:?}"
    );
}

#[test]
fn json_mode_reports_unreadable_lines_and_keeps_going() {
    let dir = tempfile::tempdir().unwrap();
    let (form, _) = make(dir.path(), 4, &[]);
    let out = docket()
        .args(["quiz", "take", "--json", "--student", "Ana", "-o"])
        .arg(dir.path().join("ana.json"))
        .arg(&form)
        .write_stdin("not json\n{\"command\":\"goto\",\"item\":9}\n{\"command\":\"review\"}\n{\"command\":\"submit\"}\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let types: Vec<String> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(types, ["item", "invalid", "invalid", "review", "submitted"]);
}

#[test]
fn receipts_noted_in_the_room_catch_a_rewritten_chain() {
    let dir = tempfile::tempdir().unwrap();
    let (key, results) = worked_example(dir.path());
    let receipt = |name: &str| {
        ResultFile::read(&results.join(format!("{name}.json")))
            .unwrap()
            .submitted
            .unwrap()
            .receipt
    };
    // Eve rewrites her answers and recomputes the whole chain: the file
    // verifies, but its receipt is not the one the teacher noted.
    let noted_eve = receipt("Eve");
    let eve = ResultFile::read(&results.join("Eve.json")).unwrap();
    let mut forged = ResultFile::new(
        &eve.form,
        "Eve",
        chrono::DateTime::parse_from_rfc3339(&eve.started)
            .unwrap()
            .into(),
    );
    for e in &eve.events {
        let t: chrono::DateTime<chrono::Utc> =
            chrono::DateTime::parse_from_rfc3339(&e.at).unwrap().into();
        forged.push(&e.item, Some("forged"), e.seconds, t);
    }
    forged.submit(chrono::Utc::now(), false);
    // Written as a forger would (docket itself refuses to overwrite a
    // submitted attempt).
    std::fs::write(
        results.join("Eve.json"),
        serde_json::to_vec_pretty(&forged).unwrap(),
    )
    .unwrap();
    let noted = dir.path().join("receipts.csv");
    std::fs::write(
        &noted,
        format!(
            "student,receipt\nAna,{}\nBen,{}\nCai,{}\nDee,{}\nEve,{}\nZoe,ABCD-0000-0000-0\n",
            receipt("Ana").to_lowercase(),
            receipt("Ben"),
            receipt("Cai").replace('-', " "),
            receipt("Dee"),
            noted_eve
        ),
    )
    .unwrap();
    let out = docket()
        .args(["quiz", "report", "--json", "--receipts"])
        .arg(&noted)
        .arg(&key)
        .arg(&results)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["rejected"][0]["kind"], "receipt-mismatch");
    assert!(
        r["rejected"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("Eve.json")
    );
    assert_eq!(r["students"].as_array().unwrap().len(), 4);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("no valid result from `Zoe`"), "{stderr}");
}

#[test]
fn a_deck_that_fails_its_checks_makes_no_quiz() {
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("form.json");
    docket()
        .args(["quiz", "make", "--seed", "1", "-o"])
        .arg(&form)
        .arg(fixture("bad-deck.toml"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains("error[answer-not-an-option]"))
        .stderr(predicates::str::contains("no quiz was made"));
    assert!(!form.exists());
}

#[test]
fn a_key_or_form_edited_by_hand_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let (form, key) = make(dir.path(), 1, &[]);
    // A form whose prompt was changed no longer matches its fingerprint.
    let text = std::fs::read_to_string(&form)
        .unwrap()
        .replace("biggest", "smallest");
    std::fs::write(&form, text).unwrap();
    docket()
        .args(["quiz", "take", "--plain", "--student", "Ana", "-o"])
        .arg(dir.path().join("a.json"))
        .arg(&form)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "form.json: the form was changed after it was made",
        ));
    // A key whose right option points past the options.
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&key).unwrap()).unwrap();
    for item in v["items"].as_array_mut().unwrap() {
        if item["card"]["answer"]["kind"] == "choice" {
            item["card"]["answer"]["correct"] = serde_json::json!([7]);
        }
    }
    std::fs::write(&key, v.to_string()).unwrap();
    docket()
        .args(["quiz", "report"])
        .arg(&key)
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicates::str::contains("form.key.json: item"))
        .stderr(predicates::str::contains(
            "right option 7 is not among the options",
        ));
}

/// The whole text report of the worked example, pinned. Everything in it is
/// deterministic (fixed clock, scripted times, seeded form), so any change
/// shows up here; rewrite the file with `DOCKET_BLESS=1 cargo test`.
#[test]
fn worked_example_text_report_is_pinned() {
    let dir = tempfile::tempdir().unwrap();
    let (key, results) = worked_example(dir.path());
    let out = docket()
        .args(["quiz", "report", "--min-class-size", "5"])
        .arg(&key)
        .arg(&results)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let golden = fixture("worked-example-report.txt");
    if std::env::var_os("DOCKET_BLESS").is_some() {
        std::fs::write(&golden, &text).unwrap();
    }
    let want = std::fs::read_to_string(&golden).unwrap();
    assert_eq!(
        text, want,
        "the report changed; if on purpose, rerun with DOCKET_BLESS=1"
    );
}

#[test]
fn quiz_make_never_replaces_a_form_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let (form, key) = make(dir.path(), 1, &[]);
    let before = std::fs::read(&form).unwrap();
    docket()
        .args(["quiz", "make"])
        .arg(fixture("deck.toml"))
        .args(["--seed", "2", "-o"])
        .arg(&form)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("already exists; pass --force"));
    assert_eq!(
        std::fs::read(&form).unwrap(),
        before,
        "the form is unchanged"
    );
    assert!(key.exists());
    make(dir.path(), 2, &["--force"]);
    assert_ne!(std::fs::read(&form).unwrap(), before);
}

/// A class on the worked example's form: each row says which of
/// largest, venus-spin, mars-moons and sunlight-minutes the student gets
/// right. Returns the key and the results directory.
fn class(dir: &Path, rows: &[(&str, [bool; 4])]) -> (PathBuf, PathBuf) {
    let (form_path, key_path) = make(dir, 42, &[]);
    let form = Form::read(&form_path).unwrap();
    let key = Key::read(&key_path).unwrap();
    let results = dir.join("results");
    for (name, marks) in rows {
        let answers: Vec<String> = key
            .items
            .iter()
            .zip(&form.items)
            .map(|(k, item)| {
                let id = k.card.id.as_str();
                let right = marks[["largest", "venus-spin", "mars-moons", "sunlight-minutes"]
                    .iter()
                    .position(|c| *c == id)
                    .unwrap()];
                match (id, right) {
                    ("largest", true) => letter_of(item, "Jupiter"),
                    ("largest", false) => letter_of(item, "Saturn"),
                    ("venus-spin", r) => r.to_string(),
                    ("mars-moons", true) => "Phobos".into(),
                    ("mars-moons", false) => "Deimos".into(),
                    ("sunlight-minutes", true) => "8".into(),
                    ("sunlight-minutes", false) => "20".into(),
                    _ => unreachable!(),
                }
            })
            .collect();
        take_json(
            &form_path,
            &results.join(format!("{name}.json")),
            name,
            &answers,
        );
    }
    (key_path, results)
}

#[test]
fn identical_totals_give_no_group_index_and_no_key_flags() {
    let dir = tempfile::tempdir().unwrap();
    // Everyone 2 of 4, on different items.
    let rows = [
        ("Ana", [true, true, false, false]),
        ("Ben", [false, false, true, true]),
        ("Cai", [true, false, true, false]),
        ("Dee", [false, true, false, true]),
    ];
    let (key, results) = class(dir.path(), &rows);
    let (r, _) = report_json(&key, &results, &["--min-class-size", "2"]);
    for it in r["items"].as_array().unwrap() {
        assert!(it["stats"]["upper_lower"].is_null(), "{it}");
        let codes: Vec<&str> = it["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert!(!codes.contains(&"check-key"), "{codes:?}");
    }
    let notes = r["test"]["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().unwrap().contains("same total")),
        "{notes:?}"
    );
}

#[test]
fn renaming_and_reordering_students_changes_no_statistic() {
    let rows = [
        ("Ana", [true, true, true, true]),
        ("Ben", [true, true, false, false]),
        ("Cai", [true, false, true, false]),
        ("Dee", [false, true, false, false]),
        ("Eve", [false, false, false, true]),
    ];
    // The same answers under names that sort the other way round.
    let renamed: Vec<(&str, [bool; 4])> = ["Zed", "Yan", "Xia", "Wes", "Val"]
        .into_iter()
        .zip(
            rows.iter()
                .rev()
                .map(|r| r.1)
                .collect::<Vec<_>>()
                .into_iter()
                .rev(),
        )
        .collect();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (ka, ra) = class(a.path(), &rows);
    let (kb, rb) = class(b.path(), &renamed);
    let (x, _) = report_json(&ka, &ra, &["--min-class-size", "2"]);
    let (y, _) = report_json(&kb, &rb, &["--min-class-size", "2"]);
    assert_eq!(x["test"], y["test"]);
    let strip = |r: &Value| -> Vec<Value> {
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| serde_json::json!([i["stats"], i["flags"], i["distractors"], i["responses"]]))
            .collect()
    };
    assert_eq!(strip(&x), strip(&y));
}

#[test]
fn two_students_leave_alpha_undefined_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        ("Ana", [true, true, true, false]),
        ("Ben", [false, true, false, false]),
    ];
    let (key, results) = class(dir.path(), &rows);
    let (r, _) = report_json(&key, &results, &[]);
    let t = &r["test"];
    assert!(t["cic"].is_null() && t["error_ratio"].is_null() && t["standard_error"].is_null());
    assert!(t["notes"][0].as_str().unwrap().contains("more than two"));
    // Every kind gets a blank count and a response analysis.
    for it in r["items"].as_array().unwrap() {
        assert_eq!(it["blank"], 0, "{it}");
        let given: u64 = it["responses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["count"].as_u64().unwrap())
            .sum();
        assert_eq!(given, 2, "{it}");
    }
}

#[test]
fn item_and_test_statistics_are_also_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (key, results) = worked_example(dir.path());
    let items = dir.path().join("items.csv");
    let test = dir.path().join("test.csv");
    docket()
        .args(["quiz", "report", "--csv-items"])
        .arg(&items)
        .arg("--csv-test")
        .arg(&test)
        .arg(&key)
        .arg(&results)
        .assert()
        .success();
    let items = std::fs::read_to_string(items).unwrap();
    let lines: Vec<&str> = items.lines().collect();
    assert_eq!(lines.len(), 5, "a header and four items:\n{items}");
    assert!(lines[0].starts_with("position,item,card,kind,n,blank,facility"));
    assert!(items.contains(",largest,choice,5,0,60.0000,"), "{items}");
    let test = std::fs::read_to_string(test).unwrap();
    assert!(test.contains("\nmean,2.0000\n"), "{test}");
    assert!(test.contains("\ncic,26.6667\n"), "{test}");
}

#[test]
fn a_key_given_for_a_form_or_a_form_for_a_key_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let (form, key) = make(dir.path(), 1, &[]);
    docket()
        .args(["quiz", "take", "--student", "Ana", "-o"])
        .arg(dir.path().join("r.json"))
        .arg(&key)
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicates::str::contains("this is a quiz key, not a form"))
        .stderr(predicates::str::contains("truncated").not());
    docket()
        .args(["quiz", "report"])
        .arg(&form)
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicates::str::contains("this is a quiz form, not a key"));
}

#[test]
fn sheets_hand_back_each_answer_with_its_evidence_and_missed_cards_come_due() {
    let dir = tempfile::tempdir().unwrap();
    let (key, results) = worked_example(dir.path());
    let sheets = dir.path().join("sheets.html");
    let missed = dir.path().join("missed");
    docket()
        .args(["quiz", "report", "--sheets"])
        .arg(&sheets)
        .arg("--missed-dir")
        .arg(&missed)
        .arg(&key)
        .arg(&results)
        .assert()
        .success();
    let html = std::fs::read_to_string(&sheets).unwrap();
    assert_eq!(html.matches("<section class=\"sheet\">").count(), 5);
    assert!(html.contains("break-after:page"));
    assert!(html.contains("<h1>Eve</h1>"));
    assert!(html.contains("✗ wrong") && html.contains("✓ right"));
    assert!(html.contains("Venus spins backwards compared with most planets."));
    // Dee missed largest, sunlight-minutes and mars-moons.
    let dee: Value =
        serde_json::from_slice(&std::fs::read(missed.join("Dee.missed.json")).unwrap()).unwrap();
    let mut cards: Vec<&str> = dee["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    cards.sort();
    assert_eq!(cards, ["largest", "mars-moons", "sunlight-minutes"]);

    // Dee studies the deck: every card answered once, so none is new.
    let data = dir.path().join("data");
    let study = |extra: &[&str], now: &str, input: &str| {
        Command::cargo_bin("docket")
            .unwrap()
            .env("DOCKET_NOW", now)
            .env("DOCKET_DATA_DIR", &data)
            .args(["study", "--plain", "--no-fuzz"])
            .arg(fixture("deck.toml"))
            .args(extra)
            .write_stdin(input.to_string())
            .output()
            .unwrap()
    };
    let out = study(&[], NOW, &"x\n1\n".repeat(4));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let later = "2026-01-05T09:30:00Z";
    let out = study(
        &["--missed", missed.join("Dee.missed.json").to_str().unwrap()],
        later,
        "",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("3 missed cards due now"), "{err}");
    // A missed-cards file of another deck is refused with the deck named.
    let other = Command::cargo_bin("docket")
        .unwrap()
        .env("DOCKET_NOW", later)
        .env("DOCKET_DATA_DIR", &data)
        .args(["--plain", "--missed"])
        .arg(missed.join("Dee.missed.json"))
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&other.stderr).contains("the missed cards are from deck"));
}

#[test]
fn a_regrade_is_kept_in_the_key_and_applied_to_every_sitting() {
    let dir = tempfile::tempdir().unwrap();
    let (key, results) = worked_example(dir.path());
    let files_before: Vec<Vec<u8>> = std::fs::read_dir(&results)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    let id_of = |card: &str| -> String {
        let k = Key::read(&key).unwrap();
        k.items
            .iter()
            .find(|i| i.card.id == card)
            .unwrap()
            .id
            .clone()
    };
    let mars = id_of("mars-moons");
    let sun = id_of("sunlight-minutes");
    docket()
        .args(["quiz", "regrade"])
        .arg(&key)
        .args([
            "--item",
            &mars,
            "--accept",
            "  DEIMOS ",
            "--why",
            "the question said larger, the notes said smaller",
            "--by",
            "Ms Rao",
        ])
        .assert()
        .success()
        .stderr(predicates::str::contains("version 1"));
    docket()
        .args(["quiz", "regrade"])
        .arg(&key)
        .args(["--item", &sun, "--remove", "--why", "not taught yet"])
        .assert()
        .success();
    docket()
        .args(["quiz", "regrade"])
        .arg(&key)
        .args(["--item", "q99", "--remove", "--why", "x"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no item `q99`"));
    let k = Key::read(&key).unwrap();
    assert_eq!(k.regrades.len(), 2);
    assert_eq!(k.regrades[0].by.as_deref(), Some("Ms Rao"));
    let (r, _) = report_json(&key, &results, &[]);
    assert_eq!(
        r["items"].as_array().unwrap().len(),
        3,
        "the removed item is out"
    );
    close(&item(&r, "mars-moons")["stats"]["facility"], 100.0);
    let ben = r["students"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["student"] == "Ben")
        .unwrap();
    // Ben: largest and venus right, mars now right, sunlight removed.
    assert_eq!(ben["score"], 3);
    assert_eq!(r["regrades"].as_array().unwrap().len(), 2);
    let files_after: Vec<Vec<u8>> = std::fs::read_dir(&results)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(files_before, files_after, "result files never change");
    // Restoring brings the item back.
    docket()
        .args(["quiz", "regrade"])
        .arg(&key)
        .args(["--item", &sun, "--restore", "--why", "taught after all"])
        .assert()
        .success();
    let (r, _) = report_json(&key, &results, &[]);
    assert_eq!(r["items"].as_array().unwrap().len(), 4);
}

#[test]
fn lint_places_the_flags_on_the_cards_in_the_deck() {
    let dir = tempfile::tempdir().unwrap();
    let (key, results) = worked_example(dir.path());
    let out = docket()
        .args(["quiz", "report", "--min-class-size", "5", "--lint"])
        .arg(fixture("deck.toml"))
        .arg(&key)
        .arg(&results)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.stdout.is_empty(), "the report itself is not printed");
    assert!(err.contains("warning[negative-discrimination]"), "{err}");
    assert!(err.contains("deck.toml:"), "{err}");
    let json = docket()
        .args([
            "quiz",
            "report",
            "--min-class-size",
            "5",
            "--json",
            "--lint",
        ])
        .arg(fixture("deck.toml"))
        .arg(&key)
        .arg(&results)
        .output()
        .unwrap();
    let records: Vec<Value> = String::from_utf8(json.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(records.len() >= 4, "{records:?}");
    assert!(
        records
            .iter()
            .all(|r| r["start"]["line"].as_u64().unwrap() > 1)
    );
}
