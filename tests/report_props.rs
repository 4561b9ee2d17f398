//! Invariance of the class report: renaming the students or reordering
//! their result files never changes a statistic, a flag or the response
//! analysis (property tests over random classes on the fixture deck).

use std::path::Path;
use std::path::PathBuf;

use docket::quiz::collect::Attempt;
use docket::quiz::collect::Collected;
use docket::quiz::collect::Response;
use docket::quiz::form::Key;
use docket::quiz::form::MakeOptions;
use docket::quiz::report::build;
use docket::quiz::selection::Selection;
use proptest::prelude::*;
use serde_json::Value;

fn key() -> Key {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quiz/deck.toml");
    let mut loaded = docket::deck::read_deck_file(&path);
    let checked = docket::check::check_loaded(&mut loaded, &Default::default()).unwrap();
    let options = MakeOptions {
        selection: Selection {
            seed: 5,
            ..Selection::default()
        },
        time_limit_minutes: None,
    };
    docket::quiz::form::make(checked.deck(), &loaded.text, &options)
        .unwrap()
        .1
}

/// A student's answers: per item, right or wrong, and which wrong text.
fn attempt(name: &str, marks: &[(bool, u8)]) -> Attempt {
    Attempt {
        student: name.to_string(),
        file: PathBuf::from(format!("{name}.json")),
        receipt: String::new(),
        started: String::new(),
        submitted: String::new(),
        time_up: false,
        responses: marks
            .iter()
            .map(|&(correct, wrong)| Response {
                text: Some(if correct {
                    "right".into()
                } else {
                    format!("wrong {wrong}")
                }),
                seconds: 10,
                correct,
                note: None,
            })
            .collect(),
        timing: Vec::new(),
    }
}

/// Everything in the report that is about the class, not about names.
fn statistics(key: &Key, attempts: Vec<Attempt>) -> Value {
    let r = build(
        key,
        Collected {
            attempts,
            rejected: Vec::new(),
        },
        2,
    );
    let v = serde_json::to_value(&r).unwrap();
    let items: Vec<Value> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            serde_json::json!([
                i["stats"],
                i["flags"],
                i["distractors"],
                i["responses"],
                i["blank"],
                i["needs_checking"]
            ])
        })
        .collect();
    serde_json::json!({"test": v["test"], "items": items, "topics": v["topics"]})
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn renaming_and_reordering_students_changes_no_statistic(
        rows in prop::collection::vec(prop::collection::vec((any::<bool>(), 0u8..3), 4), 1..25),
        shuffle in any::<u64>(),
    ) {
        let key = key();
        let n = key.items.len();
        let rows: Vec<Vec<(bool, u8)>> = rows.into_iter().map(|r| r.into_iter().cycle().take(n).collect()).collect();
        let first: Vec<Attempt> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| attempt(&format!("s{i:03}"), r))
            .collect();
        // The same answers under other names, in another order.
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let mut state = shuffle | 1;
        for i in (1..order.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let second: Vec<Attempt> = order
            .iter()
            .map(|&i| attempt(&format!("z{:03}", 999 - i), &rows[i]))
            .collect();
        prop_assert_eq!(statistics(&key, first), statistics(&key, second));
    }
}
