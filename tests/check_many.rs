//! `docket check` of a deck large enough to be checked in several chunks
//! of cards, with problems of every kind spread over it (and a duplicate
//! id across a chunk boundary): the whole report, in order, is pinned by a
//! snapshot, so a faster checker cannot quietly report differently.

use std::fmt::Write;

use assert_cmd::Command;

/// More cards than one chunk of the checker holds (4,096).
const CARDS: usize = 4_300;

fn deck() -> (String, String) {
    let source: String = (0..50)
        .map(|i| format!("Sentence number {i} says that agency {i} met on day {i} of the year.\n"))
        .collect();
    let mut s = String::from(
        "[deck]\nid = \"many\"\ntitle = \"Many\"\ndescription = \"Generated.\"\n\n\
         [sources.src]\nfile = \"source.txt\"\ntitle = \"Source\"\n",
    );
    for i in 0..CARDS {
        let q = i % 50;
        let id = if i == 4_200 {
            // The same id as a card of the first chunk.
            "card-7".to_string()
        } else {
            format!("card-{i}")
        };
        let quote = if i % 1_000 == 3 {
            format!("Sentence number {q} says that agency {} met", q + 1)
        } else {
            format!("Sentence number {q} says that agency {q} met")
        };
        let prompt = if i % 1_000 == 5 {
            // Eight words of the source: copied.
            format!("Sentence number {q} says that agency {q} met on which day?")
        } else if i % 1_000 == 6 {
            format!("Which agency is agency number {q}?")
        } else {
            format!("Which agency is listed at position {i}?")
        };
        write!(
            s,
            "\n[[card]]\nid = \"{id}\"\nkind = \"basic\"\nprompt = \"{prompt}\"\n\
             answer = \"Agency number {q}\"\n"
        )
        .unwrap();
        if i % 1_000 != 9 {
            writeln!(s, "explanation = \"Card {i} is generated.\"").unwrap();
        }
        if i % 1_000 == 11 {
            writeln!(s, "explanaton = \"A typo.\"").unwrap();
        }
        if i % 1_000 == 13 {
            writeln!(s, "sole_source = \"other\"").unwrap();
        }
        if i % 1_000 != 15 {
            writeln!(
                s,
                "evidence = [{{ source = \"src\", quote = \"{quote}\" }}]"
            )
            .unwrap();
        }
    }
    (s, source)
}

#[test]
fn a_deck_of_several_chunks_reports_every_problem_in_file_order() {
    let (deck, source) = deck();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("deck.toml"), deck).unwrap();
    std::fs::write(dir.path().join("source.txt"), source).unwrap();
    let out = Command::cargo_bin("docket")
        .unwrap()
        .env("NO_COLOR", "1")
        .env_remove("DOCKET_DATA_DIR")
        .current_dir(dir.path())
        .args(["check", "--lint", "--short", "deck.toml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.lines().count() > 20, "{stderr}");
    insta::assert_snapshot!("check_many", stderr);
}
