//! The commands end to end: what `docket import` writes passes
//! `docket check`; `--update` merges; every export format is written.

use assert_cmd::Command;
use predicates::str::contains;

fn docket() -> Command {
    Command::cargo_bin("docket").unwrap()
}

#[test]
fn imports_pass_docket_check_and_report_what_was_left_out() {
    let dir = tempfile::tempdir().unwrap();
    for (n, (fixture, skipped)) in [
        ("bank.gift", "not converted: line 21: a matching question"),
        ("anki-current.apkg", "0 items not converted"),
        ("bank.aiken", "0 items not converted"),
        ("bank.xml", "(`essay`): left out (essay)"),
        (
            "bank.xml",
            "not carried: question 2 (`rivers`): the partly right option",
        ),
        (
            "moodle-rules.gift",
            "not converted: line 15, column 37: not imported",
        ),
        (
            "anki-notes.txt",
            "not converted: line 10: an Image Occlusion note",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let out = dir.path().join(format!("{n}-{fixture}.toml"));
        docket()
            .args(["import", &format!("tests/fixtures/interop/{fixture}"), "-o"])
            .arg(&out)
            .assert()
            .success()
            .stderr(contains(skipped));
        docket()
            .arg("check")
            .arg(&out)
            .assert()
            .success()
            .stderr(contains("0 errors"));
    }
}

#[test]
fn update_replaces_cards_by_id_and_keeps_their_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let deck = dir.path().join("d.toml");
    let csv1 = dir.path().join("d.csv");
    std::fs::write(&csv1, "#columns:id,Front,Back\nq1,One?,1\nq2,Two?,2\n").unwrap();
    docket()
        .arg("import")
        .arg(&csv1)
        .arg("-o")
        .arg(&deck)
        .assert()
        .success();
    // Hand-added evidence survives the update.
    let text = std::fs::read_to_string(&deck).unwrap().replace(
        "[[card]]\nid = \"q1\"",
        "[sources.s]\nfile = \"s.txt\"\ntitle = \"S\"\n\n[[card]]\nid = \"q1\"",
    );
    let text = text.replacen(
        "answer = \"1\"\n",
        "answer = \"1\"\nevidence = [{ source = \"s\" }]\n",
        1,
    );
    std::fs::write(&deck, text).unwrap();
    std::fs::write(&csv1, "#columns:id,Front,Back\nq1,One!,uno\nq3,Three?,3\n").unwrap();
    docket()
        .arg("import")
        .arg(&csv1)
        .arg("-o")
        .arg(&deck)
        .arg("--update")
        .assert()
        .success()
        .stderr(contains("1 added, 1 updated"));
    let text = std::fs::read_to_string(&deck).unwrap();
    assert!(text.contains("prompt = \"One!\"") && text.contains("answer = \"uno\""));
    assert!(text.contains("evidence = [{ source = \"s\" }]"));
    assert!(text.contains("id = \"q2\"") && text.contains("id = \"q3\""));
    docket().arg("check").arg(&deck).assert().success();
}

#[test]
fn every_export_format_is_written() {
    let dir = tempfile::tempdir().unwrap();
    for to in ["apkg", "csv", "tsv", "gift", "md"] {
        let out = dir.path().join(format!("case.{to}"));
        docket()
            .args(["export", "decks/case.toml", "--to", to, "-o"])
            .arg(&out)
            .assert()
            .success()
            .stderr(contains("exported"));
        assert!(std::fs::metadata(&out).unwrap().len() > 1000, "{to}");
    }
    let md = std::fs::read_to_string(dir.path().join("case.md")).unwrap();
    assert!(md.starts_with("# The Zoom–China case (2020)\n"));
    assert!(md.contains("## charges") && md.contains("> “") && md.contains("## Sources"));
}

#[test]
fn formats_must_be_known() {
    docket()
        .args(["import", "deck.xyz"])
        .assert()
        .code(2)
        .stderr(contains("--from"));
    docket()
        .args([
            "export",
            "decks/case.toml",
            "--to",
            "aiken",
            "-o",
            "x.aiken",
        ])
        .assert()
        .code(2);
}

#[test]
fn a_quiz_form_exports_to_gift_in_form_order() {
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("quiz.json");
    docket()
        .args([
            "quiz",
            "make",
            "decks/case.toml",
            "--items",
            "12",
            "--seed",
            "3",
            "-o",
        ])
        .arg(&form)
        .assert()
        .success();
    let gift = dir.path().join("quiz.gift");
    docket()
        .arg("export")
        .arg(dir.path().join("quiz.key.json"))
        .args(["--to", "gift", "-o"])
        .arg(&gift)
        .assert()
        .success();
    let back = docket::interop::import(
        docket::interop::Format::Gift,
        "quiz.gift",
        &std::fs::read(&gift).unwrap(),
    )
    .unwrap();
    let ids: Vec<&str> = back.deck.cards.iter().map(|c| c.id.as_str()).collect();
    let form: serde_json::Value = serde_json::from_slice(&std::fs::read(&form).unwrap()).unwrap();
    let items = form["items"].as_array().unwrap();
    // Order cards and cloze cards of several gaps have no GIFT form; every
    // other item arrives, in form order, with its options in the order the
    // students saw them.
    let expected: Vec<&serde_json::Value> = items
        .iter()
        .filter(|i| i["kind"] != "order" && i["gaps"].as_u64().unwrap_or(0) <= 1)
        .collect();
    assert_eq!(
        ids,
        expected
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect::<Vec<_>>()
    );
    for (card, item) in back.deck.cards.iter().zip(&expected) {
        if let docket::deck::model::Answer::Choice { options, .. } = &card.answer {
            let shown: Vec<&str> = item["options"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o.as_str().unwrap())
                .collect();
            assert_eq!(options, &shown);
        }
    }
}

#[test]
fn reimporting_an_anki_package_updates_instead_of_duplicating() {
    let dir = tempfile::tempdir().unwrap();
    let deck = dir.path().join("anki.toml");
    let import = || {
        let mut c = docket();
        c.args(["import", "tests/fixtures/interop/anki-current.apkg", "-o"])
            .arg(&deck);
        c
    };
    import().assert().success();
    let first = std::fs::read_to_string(&deck).unwrap();
    import()
        .arg("--update")
        .assert()
        .success()
        .stderr(contains("0 added, 5 updated"));
    let second = std::fs::read_to_string(&deck).unwrap();
    assert_eq!(
        first.matches("[[card]]").count(),
        second.matches("[[card]]").count()
    );
}

#[test]
fn export_never_writes_over_the_deck_it_exports() {
    let dir = tempfile::tempdir().unwrap();
    let deck = dir.path().join("self.toml");
    std::fs::copy("tests/fixtures/good/sample.toml", &deck).unwrap();
    let before = std::fs::read(&deck).unwrap();
    docket()
        .arg("export")
        .arg(&deck)
        .args(["--to", "csv", "--force", "-o"])
        .arg(&deck)
        .assert()
        .code(2)
        .stderr(contains("would replace the deck itself"));
    assert_eq!(std::fs::read(&deck).unwrap(), before);
}

#[test]
fn moodle_xml_export_imports_back_from_its_extension() {
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("case.xml");
    docket()
        .args(["export", "decks/case.toml", "-o"])
        .arg(&xml)
        .assert()
        .success()
        .stderr(contains("(moodle-xml)"));
    let back = dir.path().join("back.toml");
    docket()
        .arg("import")
        .arg(&xml)
        .arg("-o")
        .arg(&back)
        .assert()
        .success()
        .stderr(contains("0 items not converted"));
    docket()
        .args(["import", "--from", "moodle-xml"])
        .arg(&xml)
        .arg("-o")
        .arg(&back)
        .arg("--force")
        .assert()
        .success();
}
