//! Untrusted input through the command line: every bad file gets a clear
//! message and a non-zero exit, and writes nothing.

use assert_cmd::Command;
use predicates::str::contains;

fn import_fails(fixture: &str, message: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.toml");
    Command::cargo_bin("docket")
        .unwrap()
        .args(["import", &format!("tests/fixtures/interop/{fixture}"), "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(contains(message))
        .stderr(contains("nothing was written"));
    assert!(!out.exists(), "{fixture} wrote {}", out.display());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary files left"
    );
}

#[test]
fn a_zip_entry_that_climbs_out_is_refused() {
    import_fails("traversal.apkg", "points outside the package");
    import_fails("absolute.apkg", "points outside the package");
}

#[test]
fn zip_bombs_are_refused_before_inflating() {
    import_fails("bomb.apkg", "zip bomb");
    import_fails("zstd-bomb.apkg", "zip bomb");
}

#[test]
fn corrupt_and_unknown_packages_are_refused() {
    import_fails("corrupt-db.apkg", "corrupt or not a database");
    import_fails("unknown-version.apkg", "schema version 99");
    import_fails("no-collection.apkg", "holds no collection");
    import_fails("not-a-zip.apkg", "not a valid Anki package");
}

#[test]
fn ragged_and_badly_encoded_csv_is_refused_with_its_line() {
    import_fails("ragged.csv", "ragged.csv:3:1");
    import_fails(
        "latin1.csv",
        "not valid UTF-8: bad byte 0xE9 at line 2, column 4",
    );
}

#[test]
fn gift_and_aiken_syntax_errors_show_line_and_column() {
    import_fails("syntax.gift", "syntax.gift:4:3");
    import_fails("syntax.gift", "syntax.gift:6:31");
    import_fails("bad.aiken", "bad.aiken:4:1");
}

#[test]
fn an_existing_file_is_not_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("deck.toml");
    std::fs::write(&out, "precious").unwrap();
    let import = || {
        let mut c = Command::cargo_bin("docket").unwrap();
        c.args(["import", "tests/fixtures/interop/bank.aiken", "-o"])
            .arg(&out);
        c
    };
    import().assert().code(1).stderr(contains("already exists"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious");
    import().arg("--force").assert().success();
    assert!(std::fs::read_to_string(&out).unwrap().contains("[[card]]"));
    let exported = dir.path().join("x.gift");
    std::fs::write(&exported, "precious").unwrap();
    Command::cargo_bin("docket")
        .unwrap()
        .args(["export"])
        .arg(&out)
        .arg("-o")
        .arg(&exported)
        .assert()
        .code(1)
        .stderr(contains("already exists"));
    assert_eq!(std::fs::read_to_string(&exported).unwrap(), "precious");
}

#[cfg(unix)]
#[test]
fn written_files_are_ordinary_files_not_private_temporaries() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("deck.toml");
    Command::cargo_bin("docket")
        .unwrap()
        .args(["import", "tests/fixtures/interop/bank.aiken", "-o"])
        .arg(&out)
        .assert()
        .success();
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
}
