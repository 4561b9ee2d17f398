//! `docket check` run as a real binary: bad decks (one mistake each) are
//! snapshot-tested, good decks pass, and exit codes follow the contract
//! (0 pass, 1 deck errors, 2 usage errors).

use std::path::Path;

use assert_cmd::Command;

fn docket() -> Command {
    let mut cmd = Command::cargo_bin("docket").expect("binary builds");
    cmd.env("NO_COLOR", "1").env_remove("DOCKET_DATA_DIR");
    cmd
}

const SOURCES: &str = "../shared/case";

/// A temporary directory holding copies of `(file, name)` pairs.
fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (from, name) in files {
        std::fs::copy(from, tmp.path().join(name)).unwrap();
    }
    tmp
}

/// Every file in `tests/fixtures/bad` fails with exit 1 and a diagnostic
/// naming the file, snapshot-tested so that wording changes are reviewed.
#[test]
fn every_bad_deck_fails_with_a_located_diagnostic() {
    let dir = Path::new("tests/fixtures/bad");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    names.sort();
    assert!(names.len() >= 25, "fixtures are missing");
    for path in names {
        let out = docket()
            .args(["check", "--sources", SOURCES])
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}: {stderr}", path.display());
        assert!(
            stderr.contains(&path.display().to_string()),
            "{} is not named:\n{stderr}",
            path.display()
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        insta::with_settings!({snapshot_suffix => name, prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("bad_deck", stderr);
        });
    }
}

#[test]
fn unknown_key_suggests_the_known_one() {
    let out = docket()
        .args(["check", "tests/fixtures/bad/unknown_key_typo.toml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown_key_typo.toml:14:1"), "{stderr}");
    assert!(stderr.contains("did you mean `prompt`?"), "{stderr}");
    assert!(stderr.contains("^^^^^"), "caret under the key: {stderr}");
}

#[test]
fn choice_answer_not_among_options_lists_the_options() {
    let out = docket()
        .args(["check", "tests/fixtures/bad/choice_answer_not_option.toml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the options are: `FBI`, `MSS`, `NSA`"),
        "{stderr}"
    );
}

#[test]
fn all_errors_of_a_file_are_reported_in_one_run() {
    let out = docket()
        .args(["check", "--json", "tests/fixtures/bad/many_errors.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let codes: Vec<&str> = records
        .iter()
        .filter(|r| r["type"] == "diagnostic" && r["severity"] == "error")
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["unknown-key", "empty-text", "wrong-type", "bad-items"]
    );
    let first = &records.iter().find(|r| r["code"] == "unknown-key").unwrap();
    assert_eq!(first["start"]["line"], 14);
    assert_eq!(first["start"]["column"], 1);
    assert_eq!(first["end"]["column"], 6);
    let summary = records.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["errors"], 4);
}

#[test]
fn a_good_deck_passes_with_its_sources() {
    docket()
        .args([
            "check",
            "tests/fixtures/good",
            "--sources",
            SOURCES,
            "--strict",
        ])
        .assert()
        .success()
        .stderr(predicates::str::contains("0 errors, 0 warnings"));
}

#[test]
fn a_missing_source_is_a_warning_unless_sources_or_strict() {
    let tmp = dir_with(&[("tests/fixtures/good/sample.toml", "sample.toml")]);
    docket()
        .arg("check")
        .arg(tmp.path())
        .assert()
        .success()
        .stderr(predicates::str::contains("quotes not verified"));
    docket()
        .arg("check")
        .arg("--strict")
        .arg(tmp.path())
        .assert()
        .code(1);
    // A source beside the deck is found there.
    std::fs::copy(
        "../shared/case/000_3a99727536604362.txt",
        tmp.path().join("000_3a99727536604362.txt"),
    )
    .unwrap();
    docket()
        .arg("check")
        .arg("--strict")
        .arg(tmp.path())
        .assert()
        .success();
}

#[test]
fn a_symlink_out_of_the_sources_dir_is_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let deck = std::fs::read_to_string("tests/fixtures/good/sample.toml").unwrap();
    std::fs::write(tmp.path().join("sample.toml"), deck).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        std::fs::canonicalize("../shared/case/000_3a99727536604362.txt").unwrap(),
        tmp.path().join("000_3a99727536604362.txt"),
    )
    .unwrap();
    docket()
        .arg("check")
        .arg("--strict")
        .arg(tmp.path())
        .assert()
        .code(1)
        .stderr(predicates::str::contains("was not found"));
}

#[test]
fn usage_errors_exit_2() {
    docket().args(["check"]).assert().code(2);
    docket()
        .args(["check", "no/such/deck.toml"])
        .assert()
        .code(2);
    docket().args(["check", "--bogus", "x"]).assert().code(2);
}

#[test]
fn a_directory_without_decks_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    docket()
        .arg("check")
        .arg(tmp.path())
        .assert()
        .code(1)
        .stderr(predicates::str::contains("holds no `*.toml` decks"));
}

#[test]
fn other_files_are_still_checked_after_a_bad_one() {
    let out = docket()
        .args([
            "check",
            "tests/fixtures/bad/empty.toml",
            "tests/fixtures/good/sample.toml",
            "--sources",
            SOURCES,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("checked 2 decks, 2 cards: 1 error"),
        "{stderr}"
    );
}

#[test]
fn absurd_nesting_is_refused_not_overflowed() {
    let tmp = tempfile::tempdir().unwrap();
    let deep = tmp.path().join("deep.toml");
    std::fs::write(
        &deep,
        format!("a = {}{}\n", "[".repeat(200_000), "]".repeat(200_000)),
    )
    .unwrap();
    let dotted = tmp.path().join("dotted.toml");
    std::fs::write(&dotted, format!("[{}]\n", vec!["a"; 100_000].join("."))).unwrap();
    for f in [deep, dotted] {
        docket().arg("check").arg(&f).assert().code(1);
    }
}

#[test]
fn colour_is_never_used_with_no_color_or_off_a_terminal() {
    let out = docket()
        .args(["check", "tests/fixtures/bad/empty_prompt.toml"])
        .output()
        .unwrap();
    assert!(
        !out.stderr.contains(&0x1b),
        "escape sequences in piped output"
    );
}

#[test]
fn control_characters_from_a_deck_never_reach_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let deck = tmp.path().join("evil.toml");
    std::fs::write(
        &deck,
        "[deck]\nid = \"x\"\ntitle = \"t\"\ndescription = \"d\"\n\"\\u001b]0;pwned\\u0007\" = 1\n# \u{1b}[2J raw escape in a comment\n",
    )
    .unwrap();
    let out = docket().arg("check").arg(&deck).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !out.stderr.contains(&0x1b),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.stderr.contains(&0x07));
}

#[test]
fn a_file_over_the_size_limit_is_refused_unparsed() {
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("big.toml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(docket::deck::MAX_DECK_BYTES + 1).unwrap();
    docket()
        .arg("check")
        .arg(&big)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("larger than the 128 MiB limit"));
}

#[test]
fn windows_line_ends_in_multiline_strings_are_not_control_characters() {
    let tmp = tempfile::tempdir().unwrap();
    let deck = std::fs::read_to_string("tests/fixtures/good/sample.toml")
        .unwrap()
        .replace(
            "explanation = \"An English name used at work.\"",
            "explanation = \"\"\"An English name\nused at work.\"\"\"",
        )
        .replace('\n', "\r\n");
    let path = tmp.path().join("crlf.toml");
    std::fs::write(&path, deck).unwrap();
    docket()
        .arg("check")
        .arg(&path)
        .args(["--sources", SOURCES])
        .assert()
        .success()
        .stderr(predicates::str::contains("0 errors"));
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_deck_is_refused_not_waited_on() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("deck.toml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    docket()
        .arg("check")
        .arg(tmp.path())
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(1)
        .stderr(predicates::str::contains("not a regular file"));
}

#[test]
fn a_bare_deck_file_name_finds_its_sources_in_the_current_directory() {
    let tmp = dir_with(&[
        ("tests/fixtures/bad/quote_not_found.toml", "r.toml"),
        (
            "../shared/case/000_3a99727536604362.txt",
            "000_3a99727536604362.txt",
        ),
    ]);
    docket()
        .current_dir(tmp.path())
        .args(["check", "r.toml"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("quote-not-found"));
}

#[test]
fn an_empty_card_array_is_a_deck_without_cards() {
    let tmp = tempfile::tempdir().unwrap();
    let deck = tmp.path().join("empty_cards.toml");
    std::fs::write(
        &deck,
        "card = []\n[deck]\nid = \"x\"\ntitle = \"t\"\ndescription = \"d\"\n",
    )
    .unwrap();
    docket()
        .arg("check")
        .arg(&deck)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("the deck has no cards"));
}

#[test]
fn two_deck_files_with_one_deck_id_are_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["a.toml", "b.toml"] {
        std::fs::copy("tests/fixtures/good/sample.toml", tmp.path().join(name)).unwrap();
    }
    docket()
        .arg("check")
        .arg(tmp.path())
        .args(["--sources", SOURCES])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "the deck id `sample` is also used by",
        ));
}

#[test]
fn a_byte_order_mark_does_not_shift_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let deck = tmp.path().join("bom.toml");
    std::fs::write(
        &deck,
        "\u{feff}promt = 1\n[deck]\nid = \"x\"\ntitle = \"t\"\ndescription = \"d\"\n",
    )
    .unwrap();
    docket()
        .arg("check")
        .arg("--short")
        .arg(&deck)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "bom.toml:1:1: error[unknown-key]",
        ));
}
