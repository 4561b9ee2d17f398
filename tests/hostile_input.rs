//! Endless and hostile input on stdin: `yes | docket --json`, `yes |
//! docket --plain --rate`, `cat /dev/zero | docket --plain` and the same
//! in `quiz take`. Every input loop and every line is bounded: each input
//! line counts toward `--limit` (or the quiz's input cap), an overlong line
//! is skipped, and a line with no end stops the input.

mod study_support;
use study_support as support;

use std::path::Path;

use assert_cmd::Command;
use support::Env;
use support::NOW;

/// `yes` for `lines` lines.
fn yes(lines: usize) -> Vec<u8> {
    b"y\n".repeat(lines)
}

/// Runs `docket study` with raw bytes on stdin; returns stdout.
fn study_bytes(env: &Env, input: Vec<u8>, extra: &[&str]) -> String {
    let out = env
        .cmd(NOW)
        .args(["study", "--no-fuzz", "--seed", "1"])
        .args(extra)
        .arg(env.deck())
        .write_stdin(input)
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn json_error_lines_count_toward_the_limit() {
    let env = Env::new();
    let out = study_bytes(&env, yes(100_000), &["--json", "--limit", "20"]);
    let errors = out.matches(r#""type":"error""#).count();
    assert_eq!(errors, 20, "{out}");
    assert!(out.contains(r#""type":"finished""#), "{out}");
}

#[test]
fn json_blank_lines_count_toward_the_limit() {
    let env = Env::new();
    let out = study_bytes(&env, b"\n".repeat(100_000), &["--json", "--limit", "20"]);
    assert!(out.contains(r#""type":"finished""#), "{out}");
}

#[test]
fn yes_into_plain_rate_mode_ends_at_the_default_limit() {
    let env = Env::new();
    // Far more than the default limit of 5000 inputs: every `y` at the
    // rating prompt is invalid, and still counts.
    let out = study_bytes(&env, yes(20_000), &["--plain", "--rate"]);
    assert!(out.contains("session: "), "{}", &out[out.len() - 500..]);
    assert!(out.matches("rate with 1-4").count() <= 5000);
}

#[test]
fn a_line_without_end_stops_the_session_in_bounded_memory() {
    let env = Env::new();
    // 17 MiB of zero bytes and no newline: more than the longest line
    // (64 KiB) plus the most that is skipped looking for its end (16 MiB).
    let out = study_bytes(&env, vec![0u8; 17 << 20], &["--plain"]);
    assert!(out.contains("has no end"), "{out}");
    assert!(out.contains("session: "), "{out}");
}

#[test]
fn an_overlong_line_is_skipped_and_the_next_one_read() {
    let env = Env::new();
    let mut input = vec![b'x'; 200_000];
    input.extend_from_slice(b"\none\n:quit\n");
    let out = study_bytes(&env, input, &["--plain"]);
    assert!(out.contains("line too long"), "{out}");
    assert!(out.contains("right\ncard: one\nanswer: one"), "{out}");
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/quiz")
        .join(name)
}

/// A form of the quiz fixture deck in `dir`.
fn make_form(dir: &Path) -> std::path::PathBuf {
    let form = dir.join("form.json");
    Command::cargo_bin("docket")
        .unwrap()
        .env("DOCKET_NOW", "2026-01-05T09:00:00Z")
        .args(["quiz", "make"])
        .arg(fixture("deck.toml"))
        .args(["--seed", "7", "-o"])
        .arg(&form)
        .assert()
        .success();
    form
}

fn take(form: &Path, result: &Path, mode: &str, input: Vec<u8>) -> String {
    let out = Command::cargo_bin("docket")
        .unwrap()
        .env("DOCKET_NOW", "2026-01-05T09:00:00Z")
        .args(["quiz", "take", mode, "--student", "Ana", "-o"])
        .arg(result)
        .arg(form)
        .write_stdin(input)
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn quiz_take_ends_on_endless_and_endless_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let form = make_form(dir.path());
    for (i, (mode, input)) in [
        ("--json", yes(30_000)),
        ("--json", b"\n".repeat(30_000)),
        ("--plain", b":goto x\n".repeat(30_000)),
        ("--plain", vec![0u8; 17 << 20]),
        ("--json", vec![b'{'; 17 << 20]),
    ]
    .into_iter()
    .enumerate()
    {
        let result = dir.path().join(format!("r{i}.json"));
        let out = take(&form, &result, mode, input);
        assert!(
            out.contains("paused") || out.contains("Paused"),
            "{mode} {i}"
        );
        assert!(result.exists(), "the attempt stays resumable");
    }
}

#[test]
fn quiz_take_skips_an_overlong_answer() {
    let dir = tempfile::tempdir().unwrap();
    let form = make_form(dir.path());
    let mut input = vec![b'a'; 100_000];
    input.extend_from_slice(b"\n:quit\n");
    let out = take(&form, &dir.path().join("r.json"), "--plain", input);
    assert!(out.contains("line too long"), "{out}");
}
