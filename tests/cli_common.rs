//! What every command does alike: exit codes (README, "Exit codes"), an
//! unset setting, shell completions and manual pages.

use assert_cmd::Command;
use predicates::str::contains;

fn docket(data: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("docket").unwrap();
    c.env("DOCKET_DATA_DIR", data)
        .env("DOCKET_NOW", "2026-03-02T10:00:00+00:00")
        .env_remove("NO_COLOR");
    c
}

#[test]
fn a_missing_input_file_is_a_usage_error_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases: &[&[&str]] = &[
        &["check", "nope.toml"],
        &["study", "nope.toml"],
        &["stats", "nope.toml"],
        &["cards", "nope.toml"],
        &["reset", "x", "--deck", "nope.toml"],
        &["import", "nope.csv"],
        &["export", "nope.toml", "-o", "out.csv"],
        &["quiz", "make", "nope.toml", "--seed", "1", "-o", "f.json"],
        &[
            "quiz",
            "take",
            "nope.json",
            "--student",
            "a",
            "-o",
            "r.json",
        ],
        &["quiz", "report", "nope.json", "."],
        &["quiz", "print", "nope.json"],
    ];
    for args in cases {
        let out = docket(d)
            .current_dir(d)
            .args(*args)
            .write_stdin("")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("nope."), "{args:?} names the file: {err}");
        assert!(
            !err.contains("does not pass") && !err.contains("has errors"),
            "{args:?} blames the file's content: {err}"
        );
    }
    assert!(!d.join("out.csv").exists() && !d.join("f.json").exists());
}

#[test]
fn an_unset_setting_says_so_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    docket(dir.path())
        .args(["config", "new_per_day"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("new_per_day is not set"));
    docket(dir.path())
        .args(["config", "new_per_day", "12"])
        .assert()
        .code(0);
    docket(dir.path())
        .args(["config", "new_per_day"])
        .assert()
        .code(0)
        .stdout("12\n");
}

#[test]
fn completions_cover_every_shell_and_command() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = docket(dir.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        for sub in ["check", "study", "import", "export", "quiz", "config"] {
            assert!(text.contains(sub), "{shell} completes `{sub}`");
        }
    }
    docket(dir.path())
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[test]
fn the_manual_is_generated_from_the_parser() {
    let dir = tempfile::tempdir().unwrap();
    docket(dir.path())
        .arg("man")
        .assert()
        .success()
        .stdout(contains(".TH docket 1"))
        .stdout(contains("completions"));
    let pages = dir.path().join("man");
    docket(dir.path())
        .args(["man", "--dir"])
        .arg(&pages)
        .assert()
        .success();
    for page in ["docket.1", "docket-study.1", "docket-quiz-report.1"] {
        let text = std::fs::read_to_string(pages.join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
}

#[test]
fn doctor_checks_the_store_and_names_damage() {
    let dir = tempfile::tempdir().unwrap();
    docket(dir.path())
        .arg("doctor")
        .assert()
        .code(2)
        .stderr(contains("progress.sqlite3"));
    docket(dir.path()).arg("stats").assert().success();
    docket(dir.path())
        .arg("doctor")
        .assert()
        .success()
        .stdout(contains("no problems found"));
    // Damage every page after the first: the check must say so and exit 1.
    let db = dir.path().join("progress.sqlite3");
    let mut bytes = std::fs::read(&db).unwrap();
    for b in bytes.iter_mut().skip(4096) {
        *b = 0x5a;
    }
    std::fs::write(&db, &bytes).unwrap();
    let _ = std::fs::remove_file(dir.path().join("progress.sqlite3-wal"));
    docket(dir.path())
        .arg("doctor")
        .assert()
        .code(1)
        .stderr(contains("docket doctor --repair"));
}
