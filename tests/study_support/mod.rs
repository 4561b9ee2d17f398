//! Shared helpers for the study tests.
#![allow(dead_code)]

use std::path::Path;
use std::path::PathBuf;

use assert_cmd::Command;

pub const NOW: &str = "2026-03-02T10:00:00+00:00";

pub const DECK: &str = r#"
[deck]
id = "mini"
title = "Mini"
description = "Three small cards."

[[card]]
id = "one"
kind = "basic"
prompt = "Say one"
answer = "one"
explanation = "It is one."

[[card]]
id = "two"
kind = "truefalse"
prompt = "Two is even?"
answer = true

[[card]]
id = "three"
kind = "basic"
prompt = "Say three"
answer = "three"

[[card]]
id = "four"
kind = "basic"
prompt = "Say four"
answer = "four"
"#;

pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        env.write_deck(DECK);
        env
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn deck(&self) -> PathBuf {
        self.dir.path().join("mini.toml")
    }

    pub fn write_deck(&self, text: &str) {
        std::fs::write(self.deck(), text).unwrap();
    }

    pub fn cmd(&self, now: &str) -> Command {
        let mut c = Command::cargo_bin("docket").unwrap();
        c.env("DOCKET_DATA_DIR", self.data())
            .env("DOCKET_NOW", now)
            .env_remove("DOCKET_SEED")
            .env("NO_COLOR", "1");
        c
    }

    /// Runs a plain-mode study session with `input` on stdin; returns stdout.
    pub fn study(&self, now: &str, input: &str, extra: &[&str]) -> String {
        let out = self
            .cmd(now)
            .args(["study", "--no-fuzz", "--seed", "1"])
            .args(extra)
            .arg(self.deck())
            .write_stdin(input)
            .assert()
            .success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }

    /// `docket cards --json` as values.
    pub fn cards(&self, now: &str) -> Vec<serde_json::Value> {
        let out = self
            .cmd(now)
            .args(["cards", "--json"])
            .arg(self.deck())
            .assert()
            .success();
        String::from_utf8(out.get_output().stdout.clone())
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    pub fn card(&self, now: &str, id: &str) -> serde_json::Value {
        self.cards(now)
            .into_iter()
            .find(|c| c["card"] == id)
            .unwrap()
    }
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}
