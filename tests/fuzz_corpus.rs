//! The fuzz targets' committed seed corpus (`fuzz/corpus/<target>/`), run
//! through the very entry points the fuzzer drives (`fuzz/targets.rs`) on
//! the stable toolchain: no file may make a parser panic. Inputs the fuzzer
//! finds (`fuzz/artifacts/`) are added to the corpus once fixed, and so
//! stay fixed. See fuzz/README.md.

#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::Path;

fn run(target: &str, entry: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{target}: empty corpus");
    let mut failed = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        if std::panic::catch_unwind(|| entry(&bytes)).is_err() {
            failed.push(f.display().to_string());
        }
    }
    assert!(failed.is_empty(), "{target}: panicked on {failed:?}");
}

#[test]
fn deck_parser_corpus() {
    run("deck_parser", targets::deck_parser);
}

#[test]
fn import_gift_corpus() {
    run("import_gift", targets::import_gift);
}

#[test]
fn import_csv_corpus() {
    run("import_csv", targets::import_csv);
}

#[test]
fn import_apkg_corpus() {
    run("import_apkg", targets::import_apkg);
}

#[test]
fn result_file_corpus() {
    run("result_file", targets::result_file);
}
