//! Benchmark of `docket check` on a generated 100,000-card deck (about
//! 41 MB, 8 fields a card), with parsing and checking timed separately and
//! the `toml` crate's own deserialisation as the baseline.
//!
//! Run: `cargo bench --bench check`. It also writes the deck and its source
//! to `target/bench-check/` so the whole process can be timed and its
//! memory measured: `/usr/bin/time -v target/release/docket check
//! target/bench-check/big.toml`.

use std::fmt::Write;
use std::path::Path;

use criterion::Criterion;
use criterion::criterion_group;
use criterion::criterion_main;
use sha2::Digest;

const CARDS: usize = 100_000;

/// A source text whose sentences the cards quote.
fn source_text() -> String {
    (0..500)
        .map(|i| {
            format!(
                "Sentence number {i} says that agency {i} met on day {} of the year.\n",
                i % 365
            )
        })
        .collect()
}

fn deck_text(source: &str) -> String {
    let sha = hex::encode(sha2::Sha256::digest(source.as_bytes()));
    let mut s = format!(
        "[deck]\nid = \"bench\"\ntitle = \"Benchmark\"\ndescription = \"Generated.\"\n\n\
         [sources.src]\nfile = \"source.txt\"\ntitle = \"Source\"\nsha256 = \"{sha}\"\n"
    );
    for i in 0..CARDS {
        let q = i % 500;
        write!(
            s,
            "\n[[card]]\nid = \"card-{i}\"\nkind = \"basic\"\n\
             prompt = \"Which agency is listed at position {i} in the generated benchmark deck, and why?\"\n\
             answer = \"Agency number {q}\"\naccept = [\"agency {q}\", \"#{q}\"]\n\
             explanation = \"Card {i} exists to measure how fast a large deck is parsed and checked by docket.\"\n\
             topics = [\"agencies\", \"numbers\"]\n\
             evidence = [{{ source = \"src\", quote = \"Sentence number {q} says that agency {q} met\" }}]\n"
        )
        .unwrap();
    }
    s
}

fn bench(c: &mut Criterion) {
    let source = source_text();
    let text = deck_text(&source);
    let dir = Path::new("target/bench-check");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("source.txt"), &source).unwrap();
    std::fs::write(dir.join("big.toml"), &text).unwrap();
    eprintln!("deck: {} cards, {:.1} MB", CARDS, text.len() as f64 / 1e6);

    let path = dir.join("big.toml");
    let mut group = c.benchmark_group("check-100k");
    group.sample_size(10);
    group.bench_function("toml-crate-deserialize (baseline)", |b| {
        b.iter(|| toml::from_str::<toml::Table>(&text).unwrap())
    });
    group.bench_function("parse", |b| {
        b.iter(|| docket::deck::parse::parse_deck(&path, &text))
    });
    let (deck, _) = docket::deck::parse::parse_deck(&path, &text);
    let deck = deck.unwrap();
    let options = docket::check::CheckOptions::default();
    group.bench_function("checks", |b| {
        b.iter(|| {
            let d = docket::check::check_deck(&deck, &text, &options);
            assert!(d.is_empty(), "{:?}", d.first());
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
