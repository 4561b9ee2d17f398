//! Anki's scheduling rules seen through the real binary, in a real zone
//! (no Anki needed; tests/anki_sched.rs checks the same rules against
//! Anki itself): interday learning, clocks going back, the day-start
//! second.

use assert_cmd::Command;
use serde_json::Value;

const DECK: &str = r#"
[deck]
id = "mini"
title = "Mini"
description = "One card."

[[card]]
id = "one"
kind = "basic"
prompt = "Say one"
answer = "one"
"#;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("mini.toml"), DECK).unwrap();
        Env { dir }
    }

    fn cmd(&self, now: &str) -> Command {
        let mut c = Command::cargo_bin("docket").unwrap();
        c.env("DOCKET_DATA_DIR", self.dir.path().join("data"))
            .env("DOCKET_NOW", now)
            .env("TZ", "Europe/Berlin")
            .env("NO_COLOR", "1")
            .current_dir(self.dir.path());
        c
    }

    /// Answers the one card correctly and rates it `rating` (1-4).
    fn answer(&self, now: &str, rating: u8) {
        self.cmd(now)
            .args(["study", "--no-fuzz", "--rate", "mini.toml"])
            .write_stdin(format!("one\n{rating}\n:quit\n"))
            .assert()
            .success();
    }

    fn card(&self, now: &str) -> Value {
        let out = self
            .cmd(now)
            .args(["cards", "--json", "mini.toml"])
            .assert()
            .success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        serde_json::from_str(text.lines().next().unwrap()).unwrap()
    }

    fn config(&self, key: &str, value: &str) {
        self.cmd("2026-07-01T12:00:00+02:00")
            .args(["config", key, value])
            .assert()
            .success();
    }
}

#[test]
fn a_step_across_the_day_start_is_due_at_the_next_day_start() {
    let env = Env::new();
    env.config("learn_steps", "1m 1d");
    env.answer("2026-07-13T20:00:00+02:00", 3);
    let c = env.card("2026-07-13T20:01:00+02:00");
    assert_eq!(c["state"], "learning", "{c}");
    assert_eq!(c["due"], "2026-07-14T04:00:00+02:00", "{c}");
}

#[test]
fn eight_days_after_clocks_go_back_is_the_eighth_calendar_day() {
    let env = Env::new();
    env.answer("2026-10-20T12:00:00+02:00", 4);
    let c = env.card("2026-10-20T12:01:00+02:00");
    assert_eq!(c["state"], "review", "{c}");
    // Clocks go back on 10-25: the card is due on 10-28 from 04:00 CET.
    assert_eq!(c["due"], "2026-10-28T04:00:00+01:00", "{c}");
}

#[test]
fn an_answer_at_the_day_start_second_counts_as_the_day_before() {
    let env = Env::new();
    env.answer("2026-07-13T04:00:00+02:00", 3);
    env.answer("2026-07-13T12:00:00+02:00", 3);
    let c = env.card("2026-07-13T12:01:00+02:00");
    // As in Anki: one day has passed for FSRS (its 24-hour periods run to
    // the next day start), so the long-term formula applies.
    let fsrs = fsrs::FSRS::default();
    let first = fsrs.next_states(None, 0.9, 0).unwrap().good.memory;
    let first = fsrs::MemoryState {
        stability: (first.stability * 1e4).round() / 1e4,
        difficulty: (first.difficulty * 1e3).round() / 1e3,
    };
    let second = |days| {
        let s = fsrs
            .next_states(Some(first), 0.9, days)
            .unwrap()
            .good
            .memory;
        (s.stability * 1e4).round() / 1e4
    };
    assert_ne!(second(1), second(0));
    assert_eq!(c["stability"].as_f64().unwrap() as f32, second(1), "{c}");
}

impl Env {
    fn ok(&self, args: &[&str]) -> String {
        let out = self
            .cmd("2026-07-01T12:00:00+02:00")
            .args(args)
            .assert()
            .success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self
            .cmd("2026-07-01T12:00:00+02:00")
            .args(args)
            .assert()
            .failure();
        String::from_utf8(out.get_output().stderr.clone()).unwrap()
    }

    fn log_csv(&self, now: &str) -> String {
        let file = self.dir.path().join("log.csv");
        self.cmd(now)
            .args(["export-log", "mini.toml", "--force", "-o"])
            .arg(&file)
            .assert()
            .success();
        std::fs::read_to_string(file).unwrap()
    }
}

#[test]
fn a_preset_is_shared_by_decks_and_a_deck_setting_wins_over_it() {
    let env = Env::new();
    env.ok(&["config", "preset", "create", "slow"]);
    env.ok(&["config", "learn_steps", "1m 1d", "--preset", "slow"]);
    assert_eq!(
        env.ok(&["config", "learn_steps", "--preset", "slow"])
            .trim(),
        "1m 1d"
    );
    env.ok(&["config", "preset", "create", "copy", "--from", "slow"]);
    assert!(
        env.ok(&["config", "preset", "show", "copy"])
            .contains("1m 1d")
    );
    assert_eq!(env.ok(&["config", "preset", "list"]), "slow\ncopy\n");
    env.ok(&["config", "preset", "assign", "slow", "--deck", "mini"]);
    assert!(
        env.ok(&["config", "--deck", "mini"])
            .lines()
            .any(|l| l.starts_with("preset") && l.contains("slow"))
    );
    // The user's own setting loses to the preset.
    env.config("learn_steps", "1m 10m");
    env.answer("2026-07-13T20:00:00+02:00", 3);
    let c = env.card("2026-07-13T20:01:00+02:00");
    assert_eq!(
        c["due"], "2026-07-14T04:00:00+02:00",
        "the preset's 1d step: {c}"
    );

    // A deck's own setting wins over its preset.
    let env = Env::new();
    env.ok(&["config", "preset", "create", "slow"]);
    env.ok(&["config", "learn_steps", "1m 1d", "--preset", "slow"]);
    env.ok(&["config", "preset", "assign", "slow", "--deck", "mini"]);
    env.ok(&["config", "learn_steps", "1m 10m", "--deck", "mini"]);
    env.answer("2026-07-13T20:00:00+02:00", 3);
    let c = env.card("2026-07-13T20:01:00+02:00");
    assert_eq!(
        c["due"], "2026-07-13T20:10:00+02:00",
        "the deck's 10m step: {c}"
    );
}

#[test]
fn a_deleted_preset_leaves_its_decks_on_your_own_settings() {
    let env = Env::new();
    env.ok(&["config", "preset", "create", "slow"]);
    env.ok(&["config", "learn_steps", "1m 1d", "--preset", "slow"]);
    env.ok(&["config", "preset", "assign", "slow", "--deck", "mini"]);
    env.ok(&["config", "preset", "delete", "slow"]);
    assert_eq!(env.ok(&["config", "preset", "list"]), "");
    env.answer("2026-07-13T20:00:00+02:00", 3);
    let c = env.card("2026-07-13T20:01:00+02:00");
    assert_eq!(c["due"], "2026-07-13T20:10:00+02:00", "{c}");
    // Made again under the same name, it starts empty.
    env.ok(&["config", "preset", "create", "slow"]);
    env.fails(&["config", "learn_steps", "--preset", "slow"]);
}

#[test]
fn preset_mistakes_are_refused_with_a_reason() {
    let env = Env::new();
    env.ok(&["config", "preset", "create", "slow"]);
    let e = env.fails(&["config", "preset", "create", "slow"]);
    assert!(e.contains("already exists"), "{e}");
    let e = env.fails(&["config", "learn_steps", "1m", "--preset", "fast"]);
    assert!(e.contains("no preset `fast`"), "{e}");
    let e = env.fails(&["config", "preset", "create", "a b"]);
    assert!(e.contains("not a preset name"), "{e}");
    let e = env.fails(&["config", "preset", "assign", "slow"]);
    assert!(e.contains("--deck"), "{e}");
    let e = env.fails(&["config", "preset", "assign", "fast", "--deck", "mini"]);
    assert!(e.contains("no preset `fast`"), "{e}");
    let e = env.fails(&["config", "learn_steps", "1m", "--deck", "preset:slow"]);
    assert!(e.contains("not a deck id"), "{e}");
    let e = env.fails(&["config", "preset", "rename", "slow"]);
    assert!(e.contains("unknown preset action"), "{e}");
    let e = env.fails(&["config", "desired_retention", "1.5", "--preset", "slow"]);
    assert!(e.contains("0.70 to 0.99"), "{e}");
}

#[test]
fn load_balancer_and_easy_days_settings_are_checked() {
    let env = Env::new();
    env.ok(&["config", "easy_days", "1 1 1 1 1 0.5 0"]);
    assert_eq!(env.ok(&["config", "easy_days"]).trim(), "1 1 1 1 1 0.5 0");
    let e = env.fails(&["config", "easy_days", "1 1 1"]);
    assert!(e.contains("seven"), "{e}");
    let e = env.fails(&["config", "easy_days", "1 1 1 1 1 1 2"]);
    assert!(e.contains("0 to 1"), "{e}");
    env.ok(&["config", "load_balancer", "false"]);
    let e = env.fails(&["config", "load_balancer", "maybe"]);
    assert!(e.contains("true or false"), "{e}");
    let e = env.fails(&["config", "load_balanser", "true"]);
    assert!(e.contains("did you mean `load_balancer`"), "{e}");
}

#[test]
fn reschedule_sets_the_due_day_and_the_interval_as_anki_does() {
    let env = Env::new();
    env.answer("2026-07-13T10:00:00+02:00", 4);
    // Three days later: due in 5 days, the interval counts from the answer.
    let out = env
        .cmd("2026-07-16T10:00:00+02:00")
        .args(["reschedule", "one", "--due", "5", "--deck", "mini.toml"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("interval 8 days"), "{text}");
    let c = env.card("2026-07-16T10:01:00+02:00");
    assert_eq!(c["state"], "review", "{c}");
    assert_eq!(c["due"], "2026-07-21T04:00:00+02:00", "{c}");
    // A date, and a range that can only give one day.
    env.cmd("2026-07-16T10:00:00+02:00")
        .args([
            "reschedule",
            "one",
            "--due",
            "2026-07-30",
            "--deck",
            "mini.toml",
        ])
        .assert()
        .success();
    assert_eq!(
        env.card("2026-07-16T10:01:00+02:00")["due"],
        "2026-07-30T04:00:00+02:00"
    );
    env.cmd("2026-07-16T10:00:00+02:00")
        .args(["reschedule", "one", "--due", "2-2!", "--deck", "mini.toml"])
        .assert()
        .success();
    assert_eq!(
        env.card("2026-07-16T10:01:00+02:00")["due"],
        "2026-07-18T04:00:00+02:00"
    );
    // The manual rows are not answers: the log keeps the one answer.
    let csv = env.log_csv("2026-07-16T10:02:00+02:00");
    assert_eq!(csv.lines().count(), 2, "{csv}");
    for (bad, why) in [
        ("x", "not a due date"),
        ("3-", "not a due date"),
        ("2026-07-01", "before today"),
        ("99999", "more than"),
    ] {
        let out = env
            .cmd("2026-07-16T10:00:00+02:00")
            .args(["reschedule", "one", "--due", bad, "--deck", "mini.toml"])
            .assert()
            .failure();
        let e = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(e.contains(why), "{bad}: {e}");
    }
    let out = env
        .cmd("2026-07-16T10:00:00+02:00")
        .args(["reschedule", "two", "--due", "1", "--deck", "mini.toml"])
        .assert()
        .failure();
    let e = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(e.contains("no card `two`"), "{e}");
}

#[test]
fn review_ahead_shows_cards_due_later_and_logs_them_as_early() {
    let env = Env::new();
    env.answer("2026-07-13T10:00:00+02:00", 4);
    let due = env.card("2026-07-13T10:01:00+02:00")["due"].clone();
    assert_eq!(due, "2026-07-21T04:00:00+02:00");
    // The next day nothing is due, unless reviewing ahead.
    let out = env
        .cmd("2026-07-14T10:00:00+02:00")
        .args(["study", "--no-fuzz", "--rate", "mini.toml"])
        .write_stdin("one\n3\n:quit\n")
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(!text.contains("Say one"), "{text}");
    let out = env
        .cmd("2026-07-14T10:00:00+02:00")
        .args(["study", "--no-fuzz", "--rate", "--ahead", "7", "mini.toml"])
        .write_stdin("one\n3\n:quit\n")
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("Say one"), "{text}");
    // Logged as Anki's kind 3, written as the optimiser's state 4.
    let csv = env.log_csv("2026-07-14T10:02:00+02:00");
    let last = csv.lines().last().unwrap();
    assert!(last.starts_with("one,") && last.contains(",3,4,"), "{csv}");
}

/// A deck of 30 cards that only carry load.
fn other_deck() -> String {
    let mut d =
        String::from("[deck]\nid = \"other\"\ntitle = \"Other\"\ndescription = \"Load.\"\n");
    for i in 0..30 {
        d.push_str(&format!(
            "\n[[card]]\nid = \"b{i}\"\nkind = \"basic\"\nprompt = \"Say b{i}\"\nanswer = \"b{i}\"\n"
        ));
    }
    d
}

/// Day (2026-07-DD) on which the one card of `mini` lands after Easy on
/// 2026-07-13 with fuzz and the load balancer on, when the deck `other`
/// has `per_day` cards due on each of `loaded` days from today, and each
/// deck has the preset given (None: your own settings, Anki's Default).
fn easy_lands_on(presets: [Option<&str>; 2], loaded: &[u32], per_day: usize) -> u32 {
    let env = Env::new();
    std::fs::write(env.dir.path().join("other.toml"), other_deck()).unwrap();
    let now = "2026-07-13T10:00:00+02:00";
    // Open both decks into the store.
    for deck in ["mini.toml", "other.toml"] {
        env.cmd(now).args(["cards", deck]).assert().success();
    }
    for (deck, preset) in ["mini", "other"].into_iter().zip(presets) {
        if let Some(p) = preset {
            if !env.ok(&["config", "preset", "list"]).contains(p) {
                env.ok(&["config", "preset", "create", p]);
            }
            env.ok(&["config", "preset", "assign", p, "--deck", deck]);
        }
    }
    let mut card = 0;
    for day in loaded {
        for _ in 0..per_day {
            env.cmd(now)
                .args(["reschedule", &format!("b{card}"), "--due", &day.to_string()])
                .args(["--deck", "other.toml"])
                .assert()
                .success();
            card += 1;
        }
    }
    env.cmd(now)
        .args(["study", "--rate", "mini.toml"])
        .write_stdin("one\n4\n:quit\n")
        .assert()
        .success();
    let due = env.card("2026-07-13T10:01:00+02:00")["due"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        due.starts_with("2026-07-") && due.ends_with("T04:00:00+02:00"),
        "{due}"
    );
    due[8..10].parse::<u32>().unwrap() - 13
}

#[test]
fn the_load_balancer_counts_every_deck_of_the_preset() {
    // Easy on a new card: FSRS's 8.3 days, fuzzed within 6-10 days.
    let (lo, hi) = docket::schedule::fuzz::fuzz_bounds(8.0, 3, 36_500);
    assert_eq!((lo, hi), (6, 10));
    // With no load anywhere: plain fuzz picks one day.
    let plain = easy_lands_on([None, None], &[], 0);
    assert!((lo..=hi).contains(&plain), "{plain}");
    // The other deck fills every day of the range but one, a day plain
    // fuzz does not pick.
    let free = if plain == lo { hi } else { lo };
    let loaded: Vec<u32> = (lo..=hi).filter(|d| *d != free).collect();
    // Decks on your own settings share Anki's Default preset: its load
    // counts, and the free day is taken.
    assert_eq!(easy_lands_on([None, None], &loaded, 6), free);
    // So do decks on one named preset.
    assert_eq!(
        easy_lands_on([Some("shared"), Some("shared")], &loaded, 6),
        free
    );
    // A deck on another preset is not counted: plain fuzz again (Anki
    // keeps no load for a preset with nothing due).
    assert_eq!(easy_lands_on([Some("mine"), None], &loaded, 6), plain);
    assert_eq!(
        easy_lands_on([Some("mine"), Some("theirs")], &loaded, 6),
        plain
    );
}

/// The kinds of the log rows of deck `mini`, oldest first.
fn log_kinds(env: &Env) -> Vec<i64> {
    let store = docket::store::SqliteStore::open_dir(&env.dir.path().join("data")).unwrap();
    docket::store::Store::log(&store, "mini", None)
        .unwrap()
        .iter()
        .map(|e| e.answer.kind.number())
        .collect()
}

#[test]
fn a_new_retention_with_reschedule_reschedules_review_cards_as_anki() {
    let env = Env::new();
    env.config("fuzz", "false");
    env.answer("2026-07-13T10:00:00+02:00", 4);
    let c = env.card("2026-07-13T10:01:00+02:00");
    assert_eq!(c["due"], "2026-07-21T04:00:00+02:00", "{c}");
    // Three days later the retention drops to 0.7: FSRS's interval for
    // the same stability (8.2956 days) is now 77 days, counted from the
    // day of the answer.
    let fsrs = fsrs::FSRS::default();
    let ivl = fsrs.next_interval(Some(8.2956), 0.7, 0).round() as i64;
    assert_eq!(ivl, 77);
    let out = env
        .cmd("2026-07-16T10:00:00+02:00")
        .args(["config", "desired_retention", "0.7", "--reschedule"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("deck `mini`: 1 memory state recomputed, 1 review card rescheduled"),
        "{text}"
    );
    let c = env.card("2026-07-16T10:01:00+02:00");
    assert_eq!(c["due"], "2026-09-28T04:00:00+02:00", "{c}");
    // Logged as Anki's kind 5; not an answer, so the optimiser's CSV
    // keeps the one answer.
    assert_eq!(log_kinds(&env), vec![0, 5]);
    let csv = env.log_csv("2026-07-16T10:02:00+02:00");
    assert_eq!(csv.lines().count(), 2, "{csv}");
    // The same retention again changes nothing.
    let out = env
        .cmd("2026-07-17T10:00:00+02:00")
        .args(["config", "desired_retention", "0.7", "--reschedule"])
        .assert()
        .success();
    let e = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(e.contains("nothing rescheduled"), "{e}");
    assert_eq!(log_kinds(&env), vec![0, 5]);
    // Only the retention reschedules from `docket config`.
    let e = env.fails(&["config", "learn_steps", "1m", "--reschedule"]);
    assert!(
        e.contains("--reschedule goes with desired_retention"),
        "{e}"
    );
}

#[test]
fn suspending_saves_the_card_as_anki_does() {
    use docket::schedule::{CardState, Phase, Rating};
    use docket::store::{Answer, ImportedCard, SqliteStore, Store};
    let env = Env::new();
    env.card("2026-07-13T10:00:00+02:00");
    // A review card whose stored stability, 616.79413, moves one f32
    // step when rounded again (Anki rounds at every save).
    let stored = f32::from_bits(1_142_567_635);
    let mut store = SqliteStore::open_dir(&env.dir.path().join("data")).unwrap();
    let row = store.card("mini", "one").unwrap().unwrap();
    let ts = docket::clock::Now::parse("2026-07-13T10:00:00+02:00")
        .unwrap()
        .ms;
    let state = CardState {
        phase: Phase::Review,
        stability: stored,
        difficulty: 3.696,
        interval_days: 617,
        due_ms: ts + 617 * 86_400_000,
        last_review_ms: Some(ts),
        reps: 5,
        ..CardState::NEW
    };
    let answer = Answer {
        deck_id: "mini".into(),
        card_id: "one".into(),
        ts_ms: ts,
        rating: Some(Rating::Good),
        kind: docket::schedule::ReviewKind::Review,
        before: CardState::NEW,
        after: state,
        elapsed_days: 0,
        elapsed_secs: 0,
        r_before: None,
        r_after: None,
        duration_ms: 0,
        content_hash: row.content_hash.clone(),
        session_id: None,
    };
    let card = ImportedCard {
        card_id: "one".into(),
        position: 0,
        content_hash: row.content_hash,
        state,
        log: vec![answer],
    };
    store.import_history("mini", &[card], false).unwrap();
    drop(store);
    let stability = |env: &Env| {
        env.card("2026-07-14T10:00:00+02:00")["stability"]
            .as_f64()
            .unwrap() as f32
    };
    assert_eq!(stability(&env), stored);
    for verb in ["suspend", "unsuspend"] {
        env.cmd("2026-07-14T10:00:00+02:00")
            .args(["card", verb, "one", "--deck", "mini.toml"])
            .assert()
            .success();
    }
    assert_eq!(stability(&env), f32::from_bits(1_142_567_636));
}
