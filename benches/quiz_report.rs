//! Benchmark: `docket quiz report` work for 1,000 students × 100 items
//! (target: under 1 s). Setup writes a 100-item form and key and 1,000
//! submitted result files to `target/quiz-bench/` (kept, so the real
//! binary can be timed on them too); the measured part reads, verifies and
//! grades every file, computes the statistics and renders text and CSV.
//!
//! Run: `cargo bench --bench quiz_report`, then for the whole command:
//! `time target/release/docket quiz report target/quiz-bench/key.json target/quiz-bench/results > /dev/null`

use std::path::Path;
use std::path::PathBuf;

use chrono::DateTime;
use chrono::Duration;
use criterion::Criterion;
use criterion::criterion_group;
use criterion::criterion_main;
use docket::deck::parse::parse_deck;
use docket::grade::expected_response;
use docket::quiz::collect::collect;
use docket::quiz::collect::result_files;
use docket::quiz::form;
use docket::quiz::form::Key;
use docket::quiz::form::MakeOptions;
use docket::quiz::report;
use docket::quiz::result_file::ResultFile;
use docket::quiz::selection::Selection;

const STUDENTS: usize = 1000;
const ITEMS: usize = 100;

fn deck_text() -> String {
    let mut s = String::from(
        "[deck]\nid = \"bench\"\ntitle = \"Benchmark deck\"\ndescription = \"Generated.\"\n",
    );
    for i in 0..ITEMS {
        let card = match i % 4 {
            0 => format!(
                "kind = \"choice\"\nprompt = \"Pick option {i}\"\noptions = [\"alpha {i}\", \"beta {i}\", \"gamma {i}\", \"delta {i}\"]\nanswer = \"alpha {i}\""
            ),
            1 => format!("kind = \"truefalse\"\nprompt = \"Statement {i} holds\"\nanswer = true"),
            2 => format!(
                "kind = \"basic\"\nprompt = \"Name thing {i}\"\nanswer = \"Thing number {i}\""
            ),
            _ => format!(
                "kind = \"number\"\nprompt = \"How many {i}?\"\nanswer = {}",
                i * 10
            ),
        };
        s.push_str(&format!("\n[[card]]\nid = \"c{i}\"\n{card}\n"));
    }
    s
}

fn setup(dir: &Path) -> (Key, Vec<PathBuf>) {
    let text = deck_text();
    let (deck, diagnostics) = parse_deck(Path::new("bench.toml"), &text);
    let deck = deck.unwrap_or_else(|| panic!("bench deck: {diagnostics:?}"));
    let options = MakeOptions {
        selection: Selection {
            seed: 1,
            ..Selection::default()
        },
        time_limit_minutes: None,
    };
    let (form, key) = form::make(&deck, &text, &options).unwrap();
    let results = dir.join("results");
    std::fs::create_dir_all(&results).unwrap();
    std::fs::write(dir.join("form.json"), form::to_json_bytes(&form)).unwrap();
    std::fs::write(dir.join("key.json"), form::to_json_bytes(&key)).unwrap();
    let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let graded: Vec<_> = (0..ITEMS).map(|i| key.graded_item(i)).collect();
    for s in 0..STUDENTS {
        let mut r = ResultFile::new(&form.fingerprint, &format!("student{s:04}"), start);
        for (i, (card, shown)) in graded.iter().enumerate() {
            // Ability rises with s, difficulty with i: a realistic spread.
            let right = (s * 7 + i * 13) % 100 < 30 + s * 60 / STUDENTS;
            let response = if right {
                expected_response(card, shown)
            } else {
                match i % 4 {
                    0 => "b".into(),
                    1 => "false".into(),
                    2 => "something else".into(),
                    _ => "7".into(),
                }
            };
            let t = start + Duration::seconds(10 * (i as i64 + 1));
            r.push(&form.items[i].id, Some(&response), 10, t);
        }
        r.submit(start + Duration::seconds(1200), false);
        r.write(&results.join(format!("student{s:04}.json")))
            .unwrap();
    }
    (key, result_files(&results).unwrap())
}

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/quiz-bench");
    let _ = std::fs::remove_dir_all(&dir);
    let (key, files) = setup(&dir);
    let mut group = c.benchmark_group("quiz");
    group.sample_size(10);
    group.bench_function("report 1000 students x 100 items", |b| {
        b.iter(|| {
            let collected = collect(&key, &files);
            assert_eq!(collected.attempts.len(), STUDENTS);
            let r = report::build(&key, collected, 10);
            let text = docket::quiz::text_report::render_text(&r);
            let csv = docket::quiz::csv::long(&r);
            (text.len(), csv.len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
