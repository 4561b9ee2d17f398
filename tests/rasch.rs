//! docket's Rasch estimates against an independent implementation: the
//! item difficulties Python's `girth` (conditional maximum likelihood)
//! found for a simulated class, stored in tests/fixtures/rasch/girth.json
//! by tests/rasch_reference.py. girth stops when no difficulty moves by
//! more than 1e-3 between sweeps, so agreement is asked to 5e-3 logits.

use serde_json::Value;

#[test]
fn difficulties_match_girth_conditional_ml() {
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/rasch/girth.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let marks: Vec<Vec<f64>> = fixture["marks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        })
        .collect();
    let want: Vec<f64> = fixture["difficulty"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let r = docket::quiz::rasch::estimate(&marks).expect("estimable");
    let got: Vec<f64> = r.items.iter().map(|i| i.difficulty.unwrap()).collect();
    let worst = got
        .iter()
        .zip(&want)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(
        worst < 5e-3,
        "largest difference {worst}:\n{got:?}\n{want:?}"
    );
    // The generating difficulties run from −2 to 2: the fit is sensible.
    for it in &r.items {
        let (infit, outfit) = (it.infit.unwrap(), it.outfit.unwrap());
        assert!(
            (0.7..1.4).contains(&infit) && (0.5..2.0).contains(&outfit),
            "{it:?}"
        );
        assert!(it.se.unwrap() > 0.0 && it.se.unwrap() < 0.5);
    }
    // Abilities rise with the raw score.
    let mut by_score: Vec<(usize, f64)> = marks
        .iter()
        .zip(&r.persons)
        .filter_map(|(row, p)| {
            p.ability
                .map(|a| (row.iter().filter(|m| **m > 0.0).count(), a))
        })
        .collect();
    by_score.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    assert!(
        by_score
            .windows(2)
            .all(|w| w[0].0 == w[1].0 || w[0].1 < w[1].1)
    );
    assert!(
        r.notes.iter().all(|n| !n.contains("unstable")),
        "300 students is enough"
    );
}
