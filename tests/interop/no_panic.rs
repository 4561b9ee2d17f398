//! Untrusted input never panics an importer: arbitrary text and bytes, and
//! real packages with bytes flipped, give a deck or an error.

use docket::interop::Format;
use docket::interop::import;
use proptest::prelude::*;

/// Text made of the characters the formats give meaning to.
fn markup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("{".to_string()),
            Just("}".to_string()),
            Just("=".to_string()),
            Just("~".to_string()),
            Just("#".to_string()),
            Just("::".to_string()),
            Just("\\".to_string()),
            Just("%50%".to_string()),
            Just("->".to_string()),
            Just("\n".to_string()),
            Just("\n\n".to_string()),
            Just("A. ".to_string()),
            Just("ANSWER: A".to_string()),
            Just("\"".to_string()),
            Just(",".to_string()),
            Just("\t".to_string()),
            Just("#separator:".to_string()),
            Just("{{c1::".to_string()),
            Just("é".to_string()),
            Just("[html]<b>".to_string()),
            Just("<quiz>".to_string()),
            Just("<question type=\"multianswer\">".to_string()),
            Just("<questiontext><text>".to_string()),
            Just("{1:SHORTANSWER:=".to_string()),
            Just("<answer fraction=\"100\">".to_string()),
            Just("</text>".to_string()),
            Just("]]>".to_string()),
            Just("#deck column:1\n".to_string()),
            Just("{#=%100%".to_string()),
            "[a-z ]{0,6}",
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn text_importers_never_panic(text in markup(), bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        for format in [Format::Csv, Format::Tsv, Format::Gift, Format::Aiken, Format::MoodleXml] {
            if let Ok(i) = import(format, "x", text.as_bytes()) {
                super::support::reparse(&i.deck);
            }
            let _ = import(format, "x", &bytes);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn damaged_packages_never_panic(flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        for fixture in ["anki-current.apkg", "anki-legacy.apkg"] {
            let mut bytes = std::fs::read(format!("tests/fixtures/interop/{fixture}")).unwrap();
            for (at, b) in &flips {
                let i = at.index(bytes.len());
                bytes[i] = *b;
            }
            if let Ok(i) = import(Format::Apkg, fixture, &bytes) {
                super::support::reparse(&i.deck);
            }
        }
    }
}
