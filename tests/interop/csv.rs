//! CSV/TSV: round trips of the cards the format carries, Anki headers and
//! plain spreadsheet files.

use docket::deck::model::Answer;
use docket::deck::model::Card;
use docket::interop::Format;
use docket::interop::export;
use docket::interop::import;
use proptest::prelude::*;

use super::support::card;
use super::support::cards_only;
use super::support::deck;
use super::support::reparse;

/// Cards CSV carries exactly: all but basic cards whose accepted answers
/// repeat or contain `|` (the separator of the accept column).
fn csv_card(c: &Card) -> bool {
    match &c.answer {
        Answer::Basic { answer, accept } => {
            let mut seen = vec![answer];
            accept.iter().all(|a| {
                let ok = !a.contains('|') && !seen.contains(&a);
                seen.push(a);
                ok
            })
        }
        _ => true,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_kind_of_card_survives_csv_and_tsv(mut d in deck(), extra in card()) {
        d.cards.push(extra);
        d.cards.retain(csv_card);
        prop_assume!(!d.cards.is_empty());
        for format in [Format::Csv, Format::Tsv] {
            let (bytes, lossy) = export(format, &d).unwrap();
            prop_assert!(lossy.is_empty());
            let back = import(format, "deck.csv", &bytes).unwrap();
            prop_assert!(back.skipped.is_empty() && back.notes.is_empty(), "{:?} {:?}", back.skipped, back.notes);
            reparse(&back.deck);
            prop_assert_eq!(cards_only(&back.deck), cards_only(&d));
        }
    }
}

#[test]
fn anki_headers_html_and_tags_are_read() {
    let text = "#separator:Semicolon\n#html:true\n#tags column:3\n#deck:Geography\n\
                <b>Capital</b> of France?;Paris <i>city</i>;geo europe\n\
                What does <script>steal()</script>this say?;hi<br>there;\n";
    let got = import(Format::Csv, "x.csv", text.as_bytes()).unwrap();
    let d = &got.deck;
    assert_eq!(d.meta.title, "Geography");
    assert_eq!(d.cards[0].prompt, "Capital of France?");
    assert_eq!(d.cards[0].topics, ["geo", "europe"]);
    assert_eq!(d.cards[1].prompt, "What does this say?");
    assert_eq!(
        d.cards[1].answer,
        Answer::Basic {
            answer: "hi\nthere".into(),
            accept: vec![]
        }
    );
    reparse(d);
}

#[test]
fn plain_two_column_files_as_quizlet_and_spreadsheets_write_them() {
    let quizlet = "mitochondria\tpowerhouse of the cell\nribosome\tmakes proteins\n";
    let got = import(Format::Tsv, "bio.txt", quizlet.as_bytes()).unwrap();
    assert_eq!(got.deck.cards.len(), 2);
    assert_eq!(got.deck.cards[1].prompt, "ribosome");
    let sheet = "Term,Definition,Notes\n\"a, b\",\"two\nlines\",why\n";
    let got = import(Format::Csv, "s.csv", sheet.as_bytes()).unwrap();
    let c = &got.deck.cards[0];
    assert_eq!(c.prompt, "a, b");
    assert_eq!(c.explanation.as_deref(), Some("why"));
    // The same file imported twice gives the same ids.
    let again = import(Format::Csv, "s.csv", sheet.as_bytes()).unwrap();
    assert_eq!(again.deck.cards[0].id, c.id);
}

#[test]
fn rows_without_an_answer_are_reported_by_line() {
    let got = import(Format::Csv, "x.csv", b"q1,a1\nq2,\nq3,a3\n").unwrap();
    assert_eq!(got.deck.cards.len(), 2);
    assert_eq!(got.skipped.len(), 1);
    assert_eq!(got.skipped[0].to_string(), "line 2: no answer");
}

#[test]
fn the_case_deck_survives_tsv_and_csv_except_its_citations() {
    let text = std::fs::read_to_string("decks/case.toml").unwrap();
    let (d, _) = docket::deck::parse::parse_deck(std::path::Path::new("case.toml"), &text);
    let d = d.unwrap();
    for format in [Format::Tsv, Format::Csv] {
        let (bytes, lossy) = export(format, &d).unwrap();
        assert!(lossy.is_empty(), "{lossy:?}");
        let back = import(format, "case.tsv", &bytes).unwrap();
        assert!(
            back.skipped.is_empty() && back.notes.is_empty(),
            "{:?} {:?}",
            back.skipped,
            back.notes
        );
        reparse(&back.deck);
        let (got, want) = (cards_only(&back.deck), cards_only(&d));
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w);
        }
    }
}

#[test]
fn a_docket_column_that_is_not_an_answer_is_reported() {
    let text = "#separator:comma\n#columns:prompt,answer,docket\nQ?,A,\"kind = \"\"choice\"\"\nprompt = \"\"x\"\"\"\nQ2?,B,\n";
    let got = import(Format::Csv, "x.csv", text.as_bytes()).unwrap();
    assert_eq!(got.deck.cards.len(), 1);
    assert!(
        got.skipped[0]
            .to_string()
            .starts_with("line 3: its docket column is not a card's answer"),
        "{:?}",
        got.skipped
    );
}

#[test]
fn anki_notes_in_plain_text_with_every_header() {
    let bytes = std::fs::read("tests/fixtures/interop/anki-notes.txt").unwrap();
    let got = import(Format::Tsv, "anki-notes.txt", &bytes).unwrap();
    let d = &got.deck;
    reparse(d);
    let reasons: Vec<String> = got
        .skipped
        .iter()
        .chain(&got.notes)
        .map(ToString::to_string)
        .collect();
    // The deck column names the deck, never the prompt; guids are ids.
    assert_eq!(d.meta.title, "Biology");
    assert_eq!(d.cards.len(), 3, "{reasons:?}");
    let mito = &d.cards[0];
    assert_eq!(mito.prompt, "What does the mitochondrion make?");
    assert_eq!(
        mito.answer,
        Answer::Basic {
            answer: "ATP".into(),
            accept: vec![]
        }
    );
    assert_eq!(mito.topics, ["cells", "energy"]);
    assert_eq!(mito.id, "q7lx-2fa9");
    // A cloze note's Back Extra is its explanation; its subdeck a topic.
    let leaf = &d.cards[2];
    assert_eq!(leaf.kind().name(), "cloze");
    assert_eq!(
        leaf.explanation.as_deref(),
        Some("It absorbs red and blue light.")
    );
    assert_eq!(leaf.topics, ["plants", "Biology::Plants"]);
    // Image Occlusion and nested clozes are named, not turned into junk.
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("line 10") && r.contains("Image Occlusion")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("line 11") && r.contains("nested")),
        "{reasons:?}"
    );
    assert_eq!(reasons.len(), 2, "{reasons:?}");
}

#[test]
fn txt_separators_are_guessed_as_anki_does_and_comments_skipped() {
    let bytes = std::fs::read("tests/fixtures/interop/comma.txt").unwrap();
    let got = import(Format::Tsv, "comma.txt", &bytes).unwrap();
    assert_eq!(got.deck.cards.len(), 2, "{:?}", got.skipped);
    assert!(got.skipped.is_empty(), "{:?}", got.skipped);
    let c = &got.deck.cards[1];
    assert_eq!(c.prompt, "adiós");
    // The third, unnamed column is carried as the explanation.
    assert_eq!(c.explanation.as_deref(), Some("said when leaving"));
    let bytes = std::fs::read("tests/fixtures/interop/semicolon.txt").unwrap();
    let got = import(Format::Tsv, "semicolon.txt", &bytes).unwrap();
    assert_eq!(got.deck.cards[1].prompt, "die Katze");
    // Named extra columns keep their name; unknown headers are reported.
    let got = import(
        Format::Csv,
        "x.csv",
        b"#separator:comma\n#columns:Front,Back,Source\n#colour:blue\nsun,Sonne,a dictionary\n",
    )
    .unwrap();
    assert_eq!(
        got.deck.cards[0].explanation.as_deref(),
        Some("Source: a dictionary")
    );
    assert_eq!(got.notes.len(), 1);
    assert!(got.notes[0].to_string().contains("#colour:blue"));
    // `#tags:` applies to every note; `#notetype:` names the note type.
    let got = import(
        Format::Tsv,
        "y.txt",
        b"#separator:tab\n#tags:german a1\n#notetype:Cloze\n{{c1::Hund}} means dog\tfrom the course\n",
    )
    .unwrap();
    let c = &got.deck.cards[0];
    assert_eq!(c.topics, ["german", "a1"]);
    assert_eq!(c.explanation.as_deref(), Some("from the course"));
}

#[test]
fn media_in_html_fields_are_named_not_dropped_silently() {
    let got = import(
        Format::Tsv,
        "m.txt",
        b"#separator:tab\n#html:true\nBark?<img src=\"dog.png\">\tWoof [sound:woof.mp3]\n",
    )
    .unwrap();
    let notes: Vec<String> = got.notes.iter().map(ToString::to_string).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("image `dog.png` in column 1")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("sound `woof.mp3` in column 2")),
        "{notes:?}"
    );
}
