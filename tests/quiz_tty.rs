//! `docket quiz take` in a real pseudo-terminal: the interactive frontend
//! shows items, takes answers with line editing, and submits.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use docket::quiz::result_file::ResultFile;
use expectrl::Session;

#[test]
fn interactive_take_answers_and_submits() {
    let dir = tempfile::tempdir().unwrap();
    let deck = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quiz/deck.toml");
    let form = dir.path().join("form.json");
    let made = Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(["quiz", "make"])
        .arg(&deck)
        .args(["--seed", "1", "--kinds", "basic", "-o"])
        .arg(&form)
        .output()
        .unwrap();
    assert!(made.status.success());
    let result = dir.path().join("ana.json");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_docket"));
    cmd.args(["quiz", "take", "--student", "Ana", "-o"])
        .arg(&result)
        .arg(&form)
        .env("DOCKET_NOW", "2026-01-05T09:00:00Z")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut s = Session::spawn(cmd).unwrap();
    // A generous bound for a loaded CI machine; nothing here measures time.
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s.expect("Name the larger of the two moons of Mars.")
        .unwrap();
    s.send_line("Phobos").unwrap();
    s.expect("Your answers:").unwrap();
    s.send_line(":submit").unwrap();
    s.expect("Your receipt code is").unwrap();
    s.expect(expectrl::Eof).unwrap();
    let r = ResultFile::read(&result).unwrap();
    assert!(r.submitted.is_some());
    assert_eq!(r.events[0].response.as_deref(), Some("Phobos"));
}
