//! Property: linting never panics, and never changes whether `check`
//! passes unless `--strict` is given. Cards are built from words that the
//! rules look for (question words, negations, absolutes, gaps, "all of the
//! above"), mixed with arbitrary text, so that every rule is exercised.

use std::path::Path;

use docket::check::CheckOptions;
use docket::check::check_loaded;
use docket::deck::parse_deck_bytes;
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "which",
    "what",
    "who",
    "when",
    "and",
    "not",
    "NOT",
    "*not*",
    "except",
    "never",
    "all",
    "none",
    "he",
    "it",
    "they",
    "Jin",
    "Zoom",
    "the",
    "of",
    "above",
    "all of the above",
    "?",
    ",",
    ".",
    "True or false:",
    "{{c1::Jin}}",
    "{{c2::Zoom::name}}",
    "{{c3::x|y}}",
    "{{",
    "}}",
    "é",
    "—",
    "“",
    "FBI",
    "the FBI",
    "1989",
    "",
];

fn phrase() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(prop::sample::select(WORDS), 1..24)
            .prop_map(|w| w.join(" ")),
        1 => any::<String>(),
    ]
}

/// A TOML basic string (JSON escapes are valid TOML escapes).
fn toml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn card(kind: u8, prompt: &str, answer: &str, options: &[String]) -> String {
    let p = toml_string(prompt);
    let a = toml_string(answer);
    let opts: Vec<String> = options.iter().map(|o| toml_string(o)).collect();
    let body = match kind % 5 {
        0 => format!("kind = \"basic\"\nprompt = {p}\nanswer = {a}\n"),
        1 => format!(
            "kind = \"choice\"\nprompt = {p}\noptions = [{a}, {}]\nanswer = {a}\n",
            opts.join(", ")
        ),
        2 => format!("kind = \"truefalse\"\nprompt = {p}\nanswer = true\n"),
        3 => format!("kind = \"cloze\"\nprompt = {p}\n"),
        _ => format!(
            "kind = \"order\"\nprompt = {p}\nitems = [{a}, {}]\n",
            opts.join(", ")
        ),
    };
    format!("\n[[card]]\nid = \"c{kind}\"\n{body}explanation = \"why\"\n")
}

fn passes(text: &str, lint: bool, strict: bool) -> (bool, usize) {
    let mut loaded = parse_deck_bytes(Path::new("p.toml"), text.as_bytes().to_vec());
    let options = CheckOptions {
        lint,
        strict,
        notes: true,
        ..CheckOptions::default()
    };
    let checked = check_loaded(&mut loaded, &options);
    assert_eq!(checked.is_some(), !loaded.has_errors());
    let lint_warnings = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("lint["))
        .count();
    (checked.is_some(), lint_warnings)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn lint_never_panics_nor_changes_the_outcome_without_strict(
        kinds in prop::collection::vec(any::<u8>(), 1..4),
        prompts in prop::collection::vec(phrase(), 4),
        answers in prop::collection::vec(phrase(), 4),
        options in prop::collection::vec(phrase(), 1..4),
    ) {
        let mut text = String::from("[deck]\nid = \"p\"\ntitle = \"t\"\ndescription = \"d\"\n");
        for (i, k) in kinds.iter().enumerate() {
            text.push_str(&card(*k, &prompts[i], &answers[i], &options)
                .replace(&format!("id = \"c{k}\""), &format!("id = \"c{i}\"")));
        }
        let (plain, none) = passes(&text, false, false);
        prop_assert_eq!(none, 0, "lint warnings without --lint");
        let (linted, warnings) = passes(&text, true, false);
        prop_assert_eq!(plain, linted, "--lint changed the outcome:\n{}", text);
        // With --strict, lint warnings fail the check (and nothing else changes).
        let (strict_plain, _) = passes(&text, false, true);
        let (strict_linted, _) = passes(&text, true, true);
        if warnings > 0 {
            prop_assert!(!strict_linted);
        } else {
            prop_assert_eq!(strict_plain, strict_linted);
        }
    }
}
