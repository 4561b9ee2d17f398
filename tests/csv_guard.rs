//! Spreadsheet formula injection: no cell docket writes to a CSV reads as
//! a formula (OWASP: a leading `=`, `+`, `-`, `@`, tab or CR is prefixed
//! with `'`, and cells holding a separator such as `;` are quoted); and
//! docket's own export comes back exactly on import.

use docket::interop::Format;
use docket::interop::export;
use docket::interop::import;
use docket::sanitize::csv_cell;
use docket::sanitize::csv_unguard;
use proptest::prelude::*;

/// The cells a spreadsheet splitting on `delimiter` reads from one line.
fn cells(line: &str, delimiter: u8) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let mut rec = csv::StringRecord::new();
    assert!(r.read_record(&mut rec).unwrap());
    rec.iter().map(str::to_string).collect()
}

fn dangerous(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn guarded_cells_are_never_formulas_and_unguard_exactly(
        a in r#"[=+\-@'\t;,"a-z0-9 \r\n]{0,12}"#,
        b in r#"[=+\-@'\t;,"a-z0-9 ]{0,12}"#,
    ) {
        let line = format!("{},{}", csv_cell(&a), csv_cell(&b));
        // Read with the right separator: two cells, guard undone exactly.
        let got = cells(&line, b',');
        prop_assert_eq!(got.len(), 2);
        prop_assert_eq!(csv_unguard(&got[0]), a.as_str());
        prop_assert_eq!(csv_unguard(&got[1]), b.as_str());
        for c in &got {
            prop_assert!(!dangerous(c), "{:?} from {:?}", c, line);
        }
        // A cell read by a spreadsheet splitting on `;` or a tab instead
        // stays one cell: whatever holds a separator is quoted.
        for d in [b',', b';', b'\t'] {
            if b.is_empty() {
                break;
            }
            for c in cells(&csv_cell(&b), d) {
                prop_assert!(!dangerous(&c), "{:?} from {:?}", c, b);
            }
        }
    }
}

#[test]
fn exported_csv_guards_formulas_and_round_trips() {
    let deck = r#"
[deck]
id = "evil"
title = "Evil"
description = "Cells that look like formulas."

[[card]]
id = "c1"
kind = "basic"
prompt = "=HYPERLINK(\"http://x\",\"y\")"
answer = "+1"
explanation = "@SUM(A1)"

[[card]]
id = "c2"
kind = "basic"
prompt = "a;=1+1"
answer = "'tis"

[[card]]
id = "c3"
kind = "basic"
prompt = "-2"
answer = "''=x"
"#;
    let (d, diags) = docket::deck::parse::parse_deck(std::path::Path::new("evil.toml"), deck);
    let d = d.unwrap_or_else(|| panic!("{diags:?}"));
    for format in [Format::Csv, Format::Tsv] {
        let (bytes, _) = export(format, &d).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let body: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        let delim = if format == Format::Csv { b',' } else { b'\t' };
        for line in &body {
            for c in cells(line, delim) {
                assert!(!dangerous(&c), "{c:?} in {line:?} ({format:?})");
            }
        }
        assert!(text.contains("\"a;=1+1\""), "{text}");
        let back = import(format, "evil.csv", &bytes).unwrap();
        let prompts: Vec<&str> = back.deck.cards.iter().map(|c| c.prompt.as_str()).collect();
        assert_eq!(
            prompts,
            ["=HYPERLINK(\"http://x\",\"y\")", "a;=1+1", "-2"],
            "{format:?}"
        );
        let key = |c: &docket::deck::model::Card| {
            (
                c.id.clone(),
                c.prompt.clone(),
                c.answer.clone(),
                c.explanation.clone(),
            )
        };
        let got: Vec<_> = back.deck.cards.iter().map(key).collect();
        let want: Vec<_> = d.cards.iter().map(key).collect();
        assert_eq!(got, want, "{format:?}: {text}");
    }
}
