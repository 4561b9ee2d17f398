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
