//! Import/export at scale: 100,000 cards, timed end to end as `docket
//! import` runs them (convert, write TOML, parse and check it), best of 3.
//! For scale, Anki on the reference machine imports a 100,000-line TSV in
//! about 1.1 s and exports or imports a 100,000-note package in about 1.0 s.
//!
//! `cargo bench --bench interop`; set DOCKET_BENCH_APKG to a package made
//! by Anki (tests/anki/make_apkg.py OUT --notes 100000) to time that too.

use std::path::Path;
use std::time::Duration;
use std::time::Instant;

use docket::check::CheckOptions;
use docket::check::check_loaded;
use docket::deck::Deck;
use docket::deck::parse_deck_bytes;
use docket::deck::write::write_deck;
use docket::interop::Format;
use docket::interop::export;
use docket::interop::import;

const CARDS: usize = 100_000;

fn best_of_3<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..3 {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed());
        out = Some(v);
    }
    (best, out.expect("ran"))
}

/// What `docket import` does after reading the file.
fn import_pipeline(format: Format, name: &str, bytes: &[u8]) -> Deck {
    let imported = import(format, name, bytes).expect("imports");
    let text = write_deck(&imported.deck, &[]);
    let mut loaded = parse_deck_bytes(Path::new("bench.toml"), text.into_bytes());
    check_loaded(&mut loaded, &CheckOptions::default()).expect("passes check");
    imported.deck
}

fn main() {
    let mut tsv = String::from("#separator:tab\n#html:false\n");
    for i in 0..CARDS {
        tsv.push_str(&format!(
            "What is the capital of country number {i}?\tCapital city {i}\n"
        ));
    }
    let (t, deck) = best_of_3(|| import_pipeline(Format::Tsv, "big.tsv", tsv.as_bytes()));
    assert_eq!(deck.cards.len(), CARDS);
    println!("import 100,000-line TSV (convert + write + check): {t:.2?}   (Anki: ~1.1 s)");

    let (t, (apkg, _)) = best_of_3(|| export(Format::Apkg, &deck).expect("exports"));
    println!(
        "export 100,000-card .apkg: {t:.2?}, {} bytes   (Anki: ~1.0 s)",
        apkg.len()
    );

    let (t, back) = best_of_3(|| import_pipeline(Format::Apkg, "big.apkg", &apkg));
    assert_eq!(back.cards.len(), CARDS);
    println!("import 100,000-note .apkg (docket-made): {t:.2?}   (Anki: ~1.0 s)");

    if let Some(p) = std::env::var_os("DOCKET_BENCH_APKG") {
        let bytes = std::fs::read(&p).expect("DOCKET_BENCH_APKG is readable");
        let (t, d) = best_of_3(|| import_pipeline(Format::Apkg, "anki.apkg", &bytes));
        println!(
            "import {}-note .apkg made by Anki (anki21b, zstd): {t:.2?}   (Anki: ~1.0 s)",
            d.cards.len()
        );
    }
}
