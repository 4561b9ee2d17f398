//! The entry points every fuzz target drives, shared with the stable
//! regression test `tests/fuzz_corpus.rs` (which includes this file), so
//! the committed corpus runs through exactly what the fuzzer exercises.
//! Each takes arbitrary bytes and must neither panic nor hang.

#![allow(dead_code)]

use std::path::Path;

use docket::interop::Format;

/// The deck parser, from bytes (as a file is read) and from text.
pub fn deck_parser(data: &[u8]) {
    let loaded = docket::deck::parse_deck_bytes(Path::new("fuzz.toml"), data.to_vec());
    // Rendering the diagnostics exercises the byte spans they carry.
    let _ = render(&loaded);
    if let Some(deck) = &loaded.deck {
        // A parsed deck written back must parse again.
        let text = docket::deck::write::write_deck(deck, &[]);
        let (again, _) = docket::deck::parse::parse_deck(Path::new("again.toml"), &text);
        assert!(again.is_some(), "a written deck did not parse:\n{text}");
    }
}

/// Renders a loaded deck's diagnostics to a string, as `docket check` does.
fn render(loaded: &docket::deck::LoadedDeck) -> String {
    let mut buf = codespan_reporting::term::termcolor::Buffer::no_color();
    let _ = docket::diagnostic::render::render(
        &mut buf,
        &loaded.path,
        &loaded.text,
        &loaded.diagnostics,
        docket::diagnostic::render::Style::Rich,
    );
    String::from_utf8_lossy(buf.as_slice()).into_owned()
}

/// The GIFT importer.
pub fn import_gift(data: &[u8]) {
    let _ = docket::interop::import(Format::Gift, "fuzz.gift", data);
}

/// The CSV and TSV importers (Anki headers, sniffed separators, HTML).
pub fn import_csv(data: &[u8]) {
    let _ = docket::interop::import(Format::Csv, "fuzz.csv", data);
    let _ = docket::interop::import(Format::Tsv, "fuzz.tsv", data);
}

/// The Anki package importer (zip, zstd, SQLite, notes and templates).
pub fn import_apkg(data: &[u8]) {
    let _ = docket::interop::import(Format::Apkg, "fuzz.apkg", data);
}

/// The quiz result-file reader: parse, verify the chain, check the times,
/// read the answers.
pub fn result_file(data: &[u8]) {
    if let Ok(r) = docket::quiz::result_file::ResultFile::parse(data) {
        let _ = r.verify();
        let _ = r.timing_problems(Some(30));
        let _ = r.answers(&["q01".to_string(), "q02".to_string()]);
        let _ = docket::quiz::names::key(&r.student);
    }
}
