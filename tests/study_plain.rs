//! `docket study` in plain line mode and JSON mode, driven through stdin
//! with a fixed clock and a temporary data directory.

mod study_support;
use study_support as support;

use predicates::str::contains;
use support::Env;
use support::NOW;

#[test]
fn a_plain_session_grades_saves_and_summarises() {
    let env = Env::new();
    let out = env.study(NOW, "one\nfalse\n", &[]);
    assert!(out.contains("Say one"), "{out}");
    assert!(
        out.contains("right\ncard: one\nanswer: one\nwhy: It is one."),
        "{out}"
    );
    assert!(out.contains("wrong"), "{out}");
    assert!(out.contains("session: 2 seen, 1 correct"), "{out}");
    assert!(!out.contains('\u{1b}'), "no escape sequences in plain mode");
    let one = env.card(NOW, "one");
    assert_eq!(one["state"], "learning");
    assert_eq!(one["reps"], 1);
    assert_eq!(env.card(NOW, "three")["state"], "new");
}

#[test]
fn progress_is_kept_between_runs() {
    let env = Env::new();
    env.study(NOW, "one\n", &[]);
    let out = env.study(NOW, ":quit\n", &[]);
    // "one" is in learning (due in 10 minutes), so the next new card comes first.
    assert!(out.contains("Two is even?"), "{out}");
}

#[test]
fn unreadable_answers_are_asked_again() {
    let env = Env::new();
    let out = env.study(NOW, "one\nmaybe\ntrue\n", &[]);
    assert!(out.contains("try again"), "{out}");
    assert_eq!(env.card(NOW, "two")["reps"], 1);
}

#[test]
fn rate_mode_reads_a_rating_and_commands_work() {
    let env = Env::new();
    let out = env.study(
        NOW,
        "one\n4\nfalse\n\n:undo\ntrue\n1\n:suspend\n:quit\n",
        &["--rate"],
    );
    assert!(
        out.contains("undid the last answer; here is the card again\n\n[3 new, 0 learning, 0 review]\nTwo is even?"),
        "{out}"
    );
    assert!(out.contains("suspended this card"), "{out}");
    let one = env.card(NOW, "one");
    assert_eq!(one["state"], "review", "rated Easy: {one}");
    let two = env.card(NOW, "two");
    assert_eq!(
        (two["reps"].clone(), two["state"].clone()),
        (1.into(), "learning".into())
    );
    assert_eq!(env.card(NOW, "three")["suspended"], true);
}

#[test]
fn learning_cards_come_back_the_next_day_as_reviews() {
    let env = Env::new();
    // Learn all four: Good, then Good again after the 10-minute step.
    env.study(NOW, "one\ntrue\nthree\nfour\n", &[]);
    let later = "2026-03-02T10:30:00+00:00";
    env.study(later, "one\ntrue\nthree\nfour\n", &[]);
    assert_eq!(env.card(later, "one")["state"], "review");
    let out = env.study("2026-03-02T11:00:00+00:00", ":quit\n", &[]);
    assert!(out.contains("session: 0 seen"), "{out}");
    let next_day = "2026-03-05T09:00:00+00:00";
    let out = env.study(next_day, ":quit\n", &[]);
    assert!(out.contains("review]"), "{out}");
}

#[test]
fn edited_cards_keep_their_history_and_are_reported() {
    let env = Env::new();
    env.study(NOW, "one\n", &[]);
    env.write_deck(&support::DECK.replace("prompt = \"Say one\"", "prompt = \"Say one, please\""));
    let out = env.study(NOW, ":quit\n", &[]);
    assert!(out.contains("1 card(s) changed since last time;"), "{out}");
    assert_eq!(env.card(NOW, "one")["reps"], 1);
    assert_eq!(env.card(NOW, "one")["changed"], true);
}

#[test]
fn removed_cards_are_kept_and_skipped() {
    let env = Env::new();
    env.study(NOW, "one\n", &[]);
    let without_one = support::DECK.replace("id = \"one\"", "id = \"uno\"");
    env.write_deck(&without_one);
    let out = env.study(NOW, "one\n", &[]);
    assert!(out.contains("card: uno"), "{out}");
    assert!(!out.contains("card: one"), "{out}");
    let one = env.card(NOW, "one");
    assert_eq!(
        (one["in_deck"].clone(), one["reps"].clone()),
        (false.into(), 1.into())
    );
}

#[test]
fn reset_starts_a_card_over() {
    let env = Env::new();
    env.study(NOW, "one\n", &[]);
    env.cmd(NOW)
        .args(["reset", "one", "--deck"])
        .arg(env.deck())
        .assert()
        .success()
        .stderr(contains("new card again"));
    assert_eq!(env.card(NOW, "one")["state"], "new");
    env.cmd(NOW)
        .args(["reset", "nope", "--deck"])
        .arg(env.deck())
        .assert()
        .code(1)
        .stderr(contains("no card `nope`"));
}

#[test]
fn stats_count_states() {
    let env = Env::new();
    env.study(NOW, "one\n", &[]);
    let out = env
        .cmd(NOW)
        .args(["stats", "--json"])
        .arg(env.deck())
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["learning"], 1);
    assert_eq!(v["new"], 3);
}

#[test]
fn json_protocol_round_trip() {
    let env = Env::new();
    let input = concat!(
        "{\"type\":\"answer\",\"text\":\"one\"}\n",
        "{\"type\":\"rate\",\"rating\":\"easy\"}\n",
        "not json\n",
        "{\"type\":\"quit\"}\n"
    );
    let out = env.study(NOW, input, &["--json"]);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let types: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["hello", "card", "feedback", "card", "error", "finished"]
    );
    assert_eq!(lines[0]["protocol"], 2);
    let lines = &lines[1..];
    assert_eq!(lines[0]["card_id"], "one");
    assert_eq!(lines[1]["correct"], true);
    assert_eq!(lines[1]["proposed"], "good");
    assert_eq!(env.card(NOW, "one")["state"], "review");
}

#[test]
fn bundled_deck_with_no_arguments() {
    let env = Env::new();
    env.cmd(NOW)
        .args(["--seed", "3"])
        .write_stdin(":quit\n")
        .assert()
        .success()
        .stdout(contains("session: 0 seen"));
}

#[test]
fn a_corrupt_database_is_refused_and_left_alone() {
    let env = Env::new();
    std::fs::create_dir_all(env.data()).unwrap();
    let db = env.data().join("progress.sqlite3");
    std::fs::write(&db, b"this is not sqlite at all, just text").unwrap();
    env.cmd(NOW)
        .arg("study")
        .arg(env.deck())
        .write_stdin("one\n")
        .assert()
        .code(1)
        .stderr(contains("not a docket progress database"));
    assert_eq!(
        std::fs::read(&db).unwrap(),
        b"this is not sqlite at all, just text"
    );
}

#[test]
fn a_foreign_or_newer_database_is_refused() {
    let env = Env::new();
    std::fs::create_dir_all(env.data()).unwrap();
    let db = env.data().join("progress.sqlite3");
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch("CREATE TABLE notes (id INTEGER); INSERT INTO notes VALUES (1);")
        .unwrap();
    drop(c);
    env.cmd(NOW)
        .arg("stats")
        .assert()
        .code(1)
        .stderr(contains("belongs to another program"));
    std::fs::remove_file(&db).unwrap();
    env.study(NOW, "one\n", &[]);
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch("PRAGMA user_version = 99").unwrap();
    drop(c);
    env.cmd(NOW)
        .arg("stats")
        .assert()
        .code(1)
        .stderr(contains("newer docket"));
}

#[test]
fn an_unwritable_data_directory_is_reported() {
    let env = Env::new();
    let file = env.dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    env.cmd(NOW)
        .env("DOCKET_DATA_DIR", file.join("sub"))
        .arg("stats")
        .assert()
        .code(1)
        .stderr(contains("cannot write progress"));
}

#[test]
fn a_bad_clock_is_a_usage_error() {
    let env = Env::new();
    env.cmd("tomorrow")
        .arg("stats")
        .assert()
        .code(2)
        .stderr(contains("DOCKET_NOW"));
}

#[test]
fn an_unchanged_deck_file_is_read_from_the_store() {
    let env = Env::new();
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let set_old_mtime = |env: &Env| {
        std::fs::File::options()
            .write(true)
            .open(env.deck())
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
    };
    set_old_mtime(&env);
    env.study(NOW, "one\n", &[]);
    // Second run: same size and mtime, so the deck is not parsed again;
    // the cards still show and grade the same.
    let out = env.study(NOW, "true\n", &[]);
    assert!(out.contains("Two is even?"), "{out}");
    assert!(out.contains("right"), "{out}");
    // Same size, same mtime, different content would be missed by design
    // (as in git); a different size is noticed at once.
    env.write_deck(&support::DECK.replace("Say three", "Say three!"));
    set_old_mtime(&env);
    let out = env.study(NOW, "three\n", &[]);
    assert!(out.contains("Say three!"), "{out}");
}

#[test]
fn config_settings_apply_to_sessions() {
    let env = Env::new();
    env.cmd(NOW)
        .args(["config", "new_per_day", "1"])
        .assert()
        .success();
    env.cmd(NOW)
        .args(["config", "desired_retention", "2"])
        .assert()
        .code(2)
        .stderr(contains("not a valid desired_retention"));
    env.cmd(NOW)
        .args(["config", "new_per_day"])
        .assert()
        .success()
        .stdout("1\n");
    let out = env.study(NOW, "one\none\n", &[]);
    assert!(!out.contains("Two is even?"), "one new card a day: {out}");
    assert!(out.contains("session: 2 seen, 2 correct"), "{out}");
}

#[test]
fn limit_ends_a_session_fed_forever() {
    let env = Env::new();
    // Wrong answers and unreadable ones alike: the session still ends.
    let out = env.study(NOW, &"nope\n".repeat(100), &["--limit", "5"]);
    assert!(out.contains("session: "), "{out}");
    assert_eq!(
        out.matches("answer (").count(),
        5 - out.matches("try again").count(),
        "{out}"
    );
}

#[test]
fn killing_the_process_keeps_every_graded_answer() {
    use std::io::BufRead;
    use std::io::Write;
    let env = Env::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_docket"))
        .env("DOCKET_DATA_DIR", env.data())
        .env("DOCKET_NOW", NOW)
        .args(["study", "--plain", "--no-fuzz", "--seed", "1"])
        .arg(env.deck())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    writeln!(stdin, "one").unwrap();
    writeln!(stdin, "true").unwrap();
    stdin.flush().unwrap();
    // Wait until the third card is shown: both answers were graded.
    let mut line = String::new();
    while !line.contains("Say three") {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "docket ended early");
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(env.card(NOW, "one")["reps"], 1);
    assert_eq!(env.card(NOW, "two")["reps"], 1);
    assert_eq!(env.card(NOW, "three")["reps"], 0);
}

/// `yes a | docket`: a script that answers the same line forever ends,
/// because unreadable answers stop being re-asked and sessions are bounded.
#[test]
fn a_script_answering_forever_ends_with_a_summary() {
    let env = Env::new();
    let forever = "a\n".repeat(5000);
    let out = env.study(NOW, &forever, &[]);
    assert!(out.contains("counted as not known"), "{out}");
    assert!(out.contains("session: "), "{out}");
    let two = env.card(NOW, "two");
    assert!(two["reps"].as_u64().unwrap() >= 1, "{two}");
}

/// Several docket processes starting on a fresh data directory wait for one
/// another to create the schema instead of failing.
#[test]
fn concurrent_first_runs_share_one_fresh_store() {
    let env = Env::new();
    let children: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_docket"))
                .env("DOCKET_DATA_DIR", env.data())
                .env("DOCKET_NOW", NOW)
                .arg("stats")
                .arg(env.deck())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Commands count towards `--limit`: a script sending only `:reveal` or
/// `:undo` for ever ends as well.
#[test]
fn a_script_sending_only_commands_ends() {
    let env = Env::new();
    for command in [":reveal\n", ":undo\n"] {
        let out = env.study(NOW, &command.repeat(400), &["--limit", "50"]);
        assert!(out.contains("session: "), "{out}");
    }
}

/// Quitting at the rating prompt: the answer is saved, and the summary
/// counts its card where it now is.
#[test]
fn the_summary_after_quitting_at_the_rating_prompt_is_current() {
    let env = Env::new();
    let out = env.study(NOW, "wrong\n:quit\n", &["--rate"]);
    assert!(out.contains("session: 1 seen, 0 correct"), "{out}");
    assert!(out.contains("left today: 3 new, 1 learning"), "{out}");
}

/// Think, reveal, then rate: Enter alone does not rate a revealed card.
#[test]
fn a_revealed_card_is_rated_by_the_student() {
    let env = Env::new();
    let out = env.study(NOW, ":reveal\n\n2\n:quit\n", &[]);
    assert!(out.contains("rate it yourself"), "{out}");
    assert!(out.contains("nothing is proposed"), "{out}");
    let one = env.card(NOW, "one");
    assert_eq!(one["reps"], 1, "{one}");
}

/// `:reset` starts the card shown over and lifts nothing else; `:undo`
/// takes back a suspension.
#[test]
fn undo_takes_back_a_suspension() {
    let env = Env::new();
    let out = env.study(NOW, ":suspend\n:undo\n:quit\n", &[]);
    assert!(out.contains("unsuspended the card"), "{out}");
    assert_eq!(env.card(NOW, "one")["suspended"], false);
}

/// `docket card` suspends, unsuspends, buries and unburies; `reset` lifts
/// a suspension.
#[test]
fn card_verbs_and_reset_lift_suspension() {
    let env = Env::new();
    let card = |verb: &str| {
        env.cmd(NOW)
            .args(["card", verb, "two", "--deck"])
            .arg(env.deck())
            .assert()
            .success();
    };
    card("suspend");
    assert_eq!(env.card(NOW, "two")["suspended"], true);
    card("unsuspend");
    assert_eq!(env.card(NOW, "two")["suspended"], false);
    card("bury");
    let out = env.study(NOW, "one\n:quit\n", &[]);
    assert!(!out.contains("Two is even?"), "buried: {out}");
    card("unbury");
    let out = env.study(NOW, ":quit\n", &[]);
    assert!(out.contains("Two is even?"), "unburied: {out}");
    card("suspend");
    card("reset");
    assert_eq!(env.card(NOW, "two")["suspended"], false);
    env.cmd(NOW)
        .args(["card", "bury", "nope", "--deck"])
        .arg(env.deck())
        .assert()
        .code(1);
}

/// `docket stats` draws its charts in the terminal and writes an HTML page.
#[test]
fn stats_in_the_terminal_and_as_a_page() {
    let env = Env::new();
    env.study(NOW, "one\n:suspend\n", &[]);
    let out = env
        .cmd(NOW)
        .args(["stats"])
        .arg(env.deck())
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("cards:      4 = 2 new · 1 learning"),
        "{text}"
    );
    assert!(text.contains("1 suspended"), "{text}");
    for part in [
        "True retention",
        "Forecast",
        "Review calendar",
        "difficulty",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
    let page = env.dir.path().join("stats.html");
    env.cmd(NOW)
        .args(["stats", "--html"])
        .arg(&page)
        .arg(env.deck())
        .assert()
        .success();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg"));
}

/// The browser needs a terminal and says what to use instead.
#[test]
fn browse_without_a_terminal_points_to_cards() {
    let env = Env::new();
    env.cmd(NOW)
        .args(["browse"])
        .arg(env.deck())
        .assert()
        .code(1)
        .stderr(contains("docket cards"));
}
