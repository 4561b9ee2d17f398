//! `docket check --lint`: every rule has a fixture in `tests/fixtures/lint`
//! (a card `flawed` that breaks it and its corrected twin `fixed`), rules
//! are silenced per card with `allow`, and lint warnings reach the text and
//! JSON output without changing the exit code unless `--strict`.

use std::path::Path;
use std::path::PathBuf;

use docket::check::CheckOptions;
use docket::check::check_loaded;
use docket::check::lint::RULES;
use docket::deck::LoadedDeck;
use docket::deck::parse_deck_bytes;

fn docket() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("docket").expect("binary builds");
    cmd.env("NO_COLOR", "1").env_remove("DOCKET_DATA_DIR");
    cmd
}

fn fixture(rule: &str) -> PathBuf {
    Path::new("tests/fixtures/lint").join(format!("{rule}.toml"))
}

fn lint_text(name: &str, text: &str) -> LoadedDeck {
    let mut loaded = parse_deck_bytes(Path::new(name), text.as_bytes().to_vec());
    let options = CheckOptions {
        lint: true,
        ..CheckOptions::default()
    };
    check_loaded(&mut loaded, &options);
    loaded
}

/// The lint codes found on the card with this id.
fn lint_codes_on(loaded: &LoadedDeck, card_id: &str) -> Vec<&'static str> {
    let deck_text = &loaded.text;
    let start = deck_text
        .find(&format!("id = \"{card_id}\""))
        .expect("card in fixture");
    let end = deck_text[start..]
        .find("[[card]]")
        .map_or(deck_text.len(), |i| start + i);
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("lint["))
        .filter(|d| {
            d.span
                .as_ref()
                .is_some_and(|s| s.start >= start && s.end <= end)
        })
        .map(|d| d.code)
        .collect()
}

#[test]
fn every_rule_fires_on_its_flawed_card_and_not_on_the_corrected_twin() {
    for rule in RULES {
        let path = fixture(rule.id);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: no fixture for rule {}: {e}", path.display(), rule.id));
        let loaded = lint_text(&path.display().to_string(), &text);
        assert!(
            !loaded.has_errors(),
            "{}: {:#?}",
            rule.id,
            loaded.diagnostics
        );
        assert_eq!(
            lint_codes_on(&loaded, "flawed"),
            vec![rule.code],
            "{}: the flawed card",
            rule.id
        );
        assert_eq!(
            lint_codes_on(&loaded, "fixed"),
            Vec::<&str>::new(),
            "{}: the corrected twin",
            rule.id
        );
    }
}

#[test]
fn every_rule_is_documented_in_the_deck_format() {
    let doc = std::fs::read_to_string("docs/deck-format.md").unwrap();
    for rule in RULES {
        assert!(
            doc.contains(&format!("| `{}` |", rule.id)),
            "{} is not documented",
            rule.id
        );
    }
    assert!(doc.contains("`allow`") && doc.contains("`sole_source`"));
}

#[test]
fn allow_silences_a_rule_for_one_card_only() {
    for rule in RULES {
        let text = std::fs::read_to_string(fixture(rule.id)).unwrap();
        let silenced = text.replacen(
            "id = \"flawed\"\n",
            &format!("id = \"flawed\"\nallow = [\"{}\"]\n", rule.id),
            1,
        );
        let loaded = lint_text("silenced.toml", &silenced);
        assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
        assert!(
            lint_codes_on(&loaded, "flawed").is_empty(),
            "{}: allow did not silence it",
            rule.id
        );
    }
}

#[test]
fn allowing_an_unknown_rule_is_an_error_with_a_suggestion() {
    let text = std::fs::read_to_string(fixture("vague-prompt"))
        .unwrap()
        .replacen(
            "id = \"flawed\"\n",
            "id = \"flawed\"\nallow = [\"vague-promt\"]\n",
            1,
        );
    let loaded = lint_text("typo.toml", &text);
    let d = loaded
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown-lint-rule")
        .expect("an error for the unknown rule");
    assert!(d.is_error());
    assert_eq!(d.help.as_deref(), Some("did you mean `vague-prompt`?"));
}

#[test]
fn without_lint_no_lint_warnings_are_given() {
    let text = std::fs::read_to_string(fixture("self-answering")).unwrap();
    let mut loaded = parse_deck_bytes(Path::new("x.toml"), text.into_bytes());
    check_loaded(&mut loaded, &CheckOptions::default());
    assert!(
        loaded
            .diagnostics
            .iter()
            .all(|d| !d.code.starts_with("lint["))
    );
}

#[test]
fn lint_warnings_are_located_with_help_and_keep_exit_zero_unless_strict() {
    let path = fixture("double-question");
    let out = docket()
        .args(["check", "--lint"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: lint[double-question]: card `flawed`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("tests/fixtures/lint/double-question.toml:12:10"),
        "{stderr}"
    );
    assert!(
        stderr.contains("= help: split it into two cards"),
        "{stderr}"
    );
    docket()
        .args(["check", "--lint", "--strict"])
        .arg(&path)
        .assert()
        .code(1);
    // Without --lint the same deck has no lint warnings at all.
    let plain = docket().args(["check"]).arg(&path).output().unwrap();
    assert!(!String::from_utf8_lossy(&plain.stderr).contains("lint["));
}

#[test]
fn rich_lint_output_is_stable() {
    let out = docket()
        .args(["check", "--lint"])
        .arg(fixture("self-answering"))
        .output()
        .unwrap();
    insta::assert_snapshot!("lint_self_answering", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn json_carries_lint_warnings_like_other_diagnostics() {
    let out = docket()
        .args(["check", "--lint", "--json"])
        .arg(fixture("absolute-word"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let records: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let lint = records
        .iter()
        .find(|r| r["code"] == "lint[absolute-word]")
        .expect("a lint record");
    assert_eq!(lint["severity"], "warning");
    assert_eq!(lint["start"]["line"], 12);
    assert!(
        lint["help"]
            .as_str()
            .unwrap()
            .contains("allow = [\"absolute-word\"]")
    );
    let summary = records.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["errors"], 0);
}

#[test]
fn json_lists_cards_resting_on_one_source_as_notes_that_never_fail() {
    let deck = r#"
[deck]
id = "one-source"
title = "t"
description = "d"

[sources.epoch]
file = "003_8b0e5c2c816c7849.txt"
title = "t"
sha256 = "be87edfe52382398d3a353b97b5efe98a05eea00e646a301749e6806c7e86c4b"

[sources.campbell]
file = "000_3a99727536604362.txt"
title = "t"
sha256 = "85440b05f34a16140755e7a0f926071170b043537a34cca43f1a598099f07b0a"

[[card]]
id = "only-003"
kind = "basic"
prompt = "Which Chinese regulator of the internet gave Jin directives?"
answer = "The Cyberspace Administration of China"
explanation = "Only 003 names it."
evidence = [
  { source = "epoch" },
  { source = "campbell", quote = "serving as primary liaison with PRC authorities" },
]
sole_source = "epoch"
"#;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("one.toml");
    std::fs::write(&path, deck).unwrap();
    let out = docket()
        .args(["check", "--json", "--strict", "--sources", "../shared/case"])
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let note = records
        .iter()
        .find(|r| r["code"] == "sole-source")
        .expect("a note for the card");
    assert_eq!(note["severity"], "info");
    assert!(note["message"].as_str().unwrap().contains("only-003"));
    let summary = records.last().unwrap();
    assert_eq!(
        (summary["errors"].clone(), summary["warnings"].clone()),
        (0.into(), 0.into())
    );

    // A card that names a sole source it does not cite is an error.
    std::fs::write(&path, deck.replace("sole_source = \"epoch\"", "sole_source = \"campbell\"").replace("{ source = \"campbell\", quote = \"serving as primary liaison with PRC authorities\" },", "")).unwrap();
    let out = docket()
        .args(["check", "--sources", "../shared/case"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sole-source-not-cited"));
}
