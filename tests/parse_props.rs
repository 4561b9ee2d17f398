//! Property tests: no input makes the deck reader panic, whether arbitrary
//! bytes or a valid deck with random edits.

use std::path::Path;

use docket::check::CheckOptions;
use docket::check::check_loaded;
use docket::deck::parse_deck_bytes;
use proptest::prelude::*;

const VALID: &str = include_str!("fixtures/good/sample.toml");

fn check_bytes(bytes: Vec<u8>) {
    let mut loaded = parse_deck_bytes(Path::new("prop.toml"), bytes);
    // Sources are looked up beside "prop.toml" (the working directory), where there are none.
    check_loaded(&mut loaded, &CheckOptions::default());
    for d in &loaded.diagnostics {
        if let Some(span) = &d.span {
            assert!(span.start <= span.end && span.end <= loaded.text.len() + 1);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check_bytes(bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        check_bytes(text.into_bytes());
    }

    #[test]
    fn mutated_valid_decks_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>(), "[\\[\\]{}=\"'\\\\,.#\\n a-z0-9]{0,6}"), 1..8)
    ) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, op, byte, text) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => { bytes.remove(i); }
                1 => bytes[i] = byte,
                2 => { bytes.splice(i..i, text.bytes()); }
                _ => { let end = (i + text.len()).min(bytes.len()); bytes.drain(i..end); }
            }
        }
        check_bytes(bytes);
    }
}
