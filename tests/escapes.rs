//! Escape sequences never reach the terminal: from file names, from deck
//! text (U+061C and U+200E/F included), and from input echoed back in JSON
//! (C1 controls such as U+009B, which serde_json leaves raw, are escaped).

mod study_support;
use study_support as support;

use std::path::Path;

use assert_cmd::Command;

/// Whether text holds anything that drives a terminal.
fn unsafe_text(s: &str) -> bool {
    s.chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || docket::sanitize::is_bidi_control(c))
}

#[test]
fn bidi_marks_and_c1_controls_are_refused_by_the_checker_and_stripped() {
    for c in ['\u{061c}', '\u{200e}', '\u{200f}', '\u{9b}', '\u{2067}'] {
        let deck = support::DECK.replace("Say one", &format!("Say {c}one"));
        let (_, diags) = docket::deck::parse::parse_deck(Path::new("d.toml"), &deck);
        assert!(
            diags.iter().any(|d| d.code == "control-character"),
            "U+{:04X}",
            c as u32
        );
        assert!(!unsafe_text(&docket::sanitize::clean(&deck)));
    }
}

#[test]
fn json_output_escapes_c1_controls_echoed_from_input() {
    let env = support::Env::new();
    // An unknown event type is quoted back in the error message.
    let input = "{\"type\":\"x\u{9b}31m\u{202e}\"}\n{\"type\":\"quit\"}\n";
    let out = env
        .cmd(support::NOW)
        .args(["study", "--json", "--no-fuzz", "--seed", "1"])
        .arg(env.deck())
        .write_stdin(input)
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("\\u009b"), "{stdout}");
    assert!(!unsafe_text(&stdout), "{stdout:?}");
}

#[test]
fn a_rejected_result_file_with_an_escape_in_its_name_is_named_safely() {
    let dir = tempfile::tempdir().unwrap();
    let deck = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quiz/deck.toml");
    let form = dir.path().join("form.json");
    Command::cargo_bin("docket")
        .unwrap()
        .args(["quiz", "make"])
        .arg(&deck)
        .args(["--seed", "7", "-o"])
        .arg(&form)
        .assert()
        .success();
    let results = dir.path().join("results");
    std::fs::create_dir(&results).unwrap();
    std::fs::write(results.join("\u{1b}]0;owned\u{7}\u{9b}2J.json"), "{}").unwrap();
    for json in [false, true] {
        let mut cmd = Command::cargo_bin("docket").unwrap();
        cmd.args(["quiz", "report"]);
        if json {
            cmd.arg("--json");
        }
        let out = cmd
            .arg(dir.path().join("form.key.json"))
            .arg(&results)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        // The whole OSC sequence (title included) is removed.
        assert!(stderr.contains("2J.json"), "{stderr}");
        assert!(!unsafe_text(&stderr), "{stderr:?}");
        assert!(!unsafe_text(&stdout), "{stdout:?}");
    }
}

#[test]
fn quiz_take_echoes_no_escape_from_a_bad_command() {
    let dir = tempfile::tempdir().unwrap();
    let deck = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quiz/deck.toml");
    let form = dir.path().join("form.json");
    Command::cargo_bin("docket")
        .unwrap()
        .args(["quiz", "make"])
        .arg(&deck)
        .args(["--seed", "7", "-o"])
        .arg(&form)
        .assert()
        .success();
    for mode in ["--plain", "--json"] {
        let input = if mode == "--plain" {
            ":\u{1b}]0;owned\u{7}\u{9b}\n:quit\n"
        } else {
            "{\"command\":\"\\u001b]0;owned\\u0007\u{9b}\"}\n{\"command\":\"quit\"}\n"
        };
        let out = Command::cargo_bin("docket")
            .unwrap()
            .args(["quiz", "take", mode, "--student", "Ana", "-o"])
            .arg(dir.path().join(format!("r{mode}.json")))
            .arg(&form)
            .write_stdin(input)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("unknown command"), "{stdout}");
        assert!(!unsafe_text(&stdout), "{mode}: {stdout:?}");
    }
}
