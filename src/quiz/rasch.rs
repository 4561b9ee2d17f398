//! The Rasch model (one-parameter item response theory): each item's
//! difficulty and each student's ability on one logit scale, so a teacher
//! can see which items are hard for *this* class independently of who took
//! them. No Rust crate estimates it, so it is written here:
//!
//! - Item difficulties by **conditional maximum likelihood** (CML): the
//!   students' abilities are conditioned out through their raw scores, using
//!   the elementary symmetric functions γ_r of ε_i = exp(−b_i); solved by
//!   Newton steps on each item until the largest change is below 1e-10;
//!   identified by Σ b_i = 0. Students with every item right or wrong, and
//!   items everyone (or no one) got right, carry no information about the
//!   rest and are set aside first (repeatedly, until none is left), as every
//!   CML program does; they are reported, not estimated.
//! - Standard errors from the information Σ_r N_r π_ri (1 − π_ri).
//! - Abilities by maximum likelihood for each raw score given the
//!   difficulties (Σ_i P_i(θ) = r), with SE 1/sqrt(Σ P(1−P)).
//! - Item fit as infit and outfit mean squares (1 is ideal; 0.5–1.5 is
//!   productive for measurement, above 2 the item distorts it).
//!
//! `tests/rasch.rs` checks the difficulties against Python's `girth`
//! (`rasch_conditional`), an independent implementation, on stored data.

use serde::Serialize;

/// Below this many students the estimates are unstable (said in the report).
pub const STABLE_STUDENTS: usize = 100;

/// One item on the logit scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RaschItem {
    /// Difficulty in logits (`None` for an item everyone or no one got right).
    pub difficulty: Option<f64>,
    /// Its standard error.
    pub se: Option<f64>,
    /// Infit mean square.
    pub infit: Option<f64>,
    /// Outfit mean square.
    pub outfit: Option<f64>,
    /// In words: "easy" … "hard" for this class, or why there is no estimate.
    pub band: String,
}

/// One student on the logit scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RaschPerson {
    /// Ability in logits (`None` for all right or all wrong).
    pub ability: Option<f64>,
    /// Its standard error.
    pub se: Option<f64>,
}

/// The model's estimates for a class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rasch {
    /// Per item, in form order.
    pub items: Vec<RaschItem>,
    /// Per student, in the order given.
    pub persons: Vec<RaschPerson>,
    /// Students whose responses informed the estimates.
    pub students_used: usize,
    /// Newton rounds until convergence.
    pub iterations: usize,
    /// What to keep in mind reading it.
    pub notes: Vec<String>,
}

fn esf(eps: &[f64]) -> Vec<f64> {
    let mut g = vec![0.0; eps.len() + 1];
    g[0] = 1.0;
    for (j, &e) in eps.iter().enumerate() {
        for r in (1..=j + 1).rev() {
            g[r] += e * g[r - 1];
        }
    }
    g
}

fn p(theta: f64, b: f64) -> f64 {
    1.0 / (1.0 + (b - theta).exp())
}

/// Estimates the model on right/wrong marks: `marks[s][i]` is 1.0 when
/// student s got item i right. `None` when nothing can be estimated (fewer
/// than two informative items or students, or no convergence).
pub fn estimate(marks: &[Vec<f64>]) -> Option<Rasch> {
    let k = marks.first()?.len();
    let n = marks.len();
    let mut item_in = vec![true; k];
    let mut person_in = vec![true; n];
    // Set aside extreme persons and items until none is left.
    loop {
        let mut changed = false;
        for (s, row) in marks.iter().enumerate() {
            if !person_in[s] {
                continue;
            }
            let used = (0..k).filter(|&i| item_in[i]).count();
            let score: f64 = (0..k).filter(|&i| item_in[i]).map(|i| row[i]).sum();
            if score <= 0.0 || score >= used as f64 {
                person_in[s] = false;
                changed = true;
            }
        }
        for i in 0..k {
            if !item_in[i] {
                continue;
            }
            let (right, of) = marks
                .iter()
                .enumerate()
                .filter(|(s, _)| person_in[*s])
                .fold((0.0, 0.0), |(r, o), (_, row)| (r + row[i], o + 1.0));
            if right <= 0.0 || right >= of {
                item_in[i] = false;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let items: Vec<usize> = (0..k).filter(|&i| item_in[i]).collect();
    let persons: Vec<usize> = (0..n).filter(|&s| person_in[s]).collect();
    let m = items.len();
    if m < 2 || persons.len() < 2 {
        return None;
    }
    // Sufficient statistics: item scores and the count of each raw score.
    let mut item_score = vec![0.0; m];
    let mut score_count = vec![0.0; m + 1];
    for &s in &persons {
        let mut r = 0usize;
        for (j, &i) in items.iter().enumerate() {
            if marks[s][i] > 0.0 {
                item_score[j] += 1.0;
                r += 1;
            }
        }
        score_count[r] += 1.0;
    }
    let mut b = vec![0.0; m];
    let mut iterations = 0;
    let mut info = vec![0.0; m];
    // Gauss–Seidel: one item at a time, each step seeing the others' new
    // values (updating all at once overshoots, as items are coupled
    // through the γ functions).
    for round in 1..=500 {
        iterations = round;
        let mut biggest: f64 = 0.0;
        for j in 0..m {
            let eps: Vec<f64> = b.iter().map(|x: &f64| (-x).exp()).collect();
            let gamma = esf(&eps);
            let mut others = eps.clone();
            others.remove(j);
            let g_minus = esf(&others);
            let (mut expected, mut inf) = (0.0, 0.0);
            for r in 1..m {
                if score_count[r] == 0.0 {
                    continue;
                }
                let pi = eps[j] * g_minus[r - 1] / gamma[r];
                expected += score_count[r] * pi;
                inf += score_count[r] * pi * (1.0 - pi);
            }
            if !expected.is_finite() || inf.is_nan() || inf <= 0.0 {
                return None;
            }
            info[j] = inf;
            // d logL / d b_j = expected − observed; a Newton step on b_j.
            let step = (expected - item_score[j]) / inf;
            biggest = biggest.max(step.abs());
            b[j] += step.clamp(-1.0, 1.0);
        }
        let mean = b.iter().sum::<f64>() / m as f64;
        b.iter_mut().for_each(|x| *x -= mean);
        if biggest < 1e-10 {
            break;
        }
        if round == 500 {
            return None;
        }
    }
    // Abilities for each raw score, given the difficulties.
    let ability_of = |r: usize| -> Option<(f64, f64)> {
        if r == 0 || r >= m {
            return None;
        }
        let mut theta = (r as f64 / (m - r) as f64).ln();
        for _ in 0..100 {
            let (mut e, mut v) = (0.0, 0.0);
            for &bj in &b {
                let pj = p(theta, bj);
                e += pj;
                v += pj * (1.0 - pj);
            }
            let d = (r as f64 - e) / v;
            theta += d.clamp(-1.0, 1.0);
            if d.abs() < 1e-10 {
                let v: f64 = b
                    .iter()
                    .map(|&bj| p(theta, bj) * (1.0 - p(theta, bj)))
                    .sum();
                return Some((theta, 1.0 / v.sqrt()));
            }
        }
        None
    };
    let mut person_out = Vec::with_capacity(n);
    let mut theta_of = vec![None; n];
    for (s, row) in marks.iter().enumerate() {
        let r = items.iter().filter(|&&i| row[i] > 0.0).count();
        let est = if person_in[s] { ability_of(r) } else { None };
        theta_of[s] = est.map(|(t, _)| t);
        person_out.push(RaschPerson {
            ability: est.map(|(t, _)| t),
            se: est.map(|(_, se)| se),
        });
    }
    let mut item_out = Vec::with_capacity(k);
    for i in 0..k {
        let Some(j) = items.iter().position(|&x| x == i) else {
            let right: f64 = marks.iter().map(|row| row[i]).sum();
            item_out.push(RaschItem {
                difficulty: None,
                se: None,
                infit: None,
                outfit: None,
                band: if right <= 0.0 {
                    "nobody got it right: beyond the scale".into()
                } else if right >= n as f64 {
                    "everybody got it right: beyond the scale".into()
                } else {
                    "no estimate (only students with all right or all wrong answered it differently)".into()
                },
            });
            continue;
        };
        let (mut sq, mut var, mut z2, mut cnt) = (0.0, 0.0, 0.0, 0.0);
        for &s in &persons {
            let Some(theta) = theta_of[s] else { continue };
            let pj = p(theta, b[j]);
            let w = pj * (1.0 - pj);
            let resid = marks[s][i] - pj;
            sq += resid * resid;
            var += w;
            z2 += resid * resid / w;
            cnt += 1.0;
        }
        let band = match b[j] {
            d if d < -1.0 => "easy for this class",
            d if d > 1.0 => "hard for this class",
            _ => "about right for this class",
        };
        item_out.push(RaschItem {
            difficulty: Some(b[j]),
            se: Some(1.0 / info[j].sqrt()),
            infit: (var > 0.0).then(|| sq / var),
            outfit: (cnt > 0.0).then(|| z2 / cnt),
            band: band.into(),
        });
    }
    let mut notes = vec![
        "difficulties and abilities are in logits on one scale, centred on the items (mean difficulty 0): a student whose ability equals an item's difficulty has an even chance of getting it right".to_string(),
        "infit and outfit near 1 mean the item behaves as the model expects; above 1.5 it is noisy (guessing, ambiguity, a miskey), below 0.5 it is too predictable".to_string(),
    ];
    if persons.len() < STABLE_STUDENTS {
        notes.push(format!(
            "only {} students informed the estimates: below about {STABLE_STUDENTS} they are unstable, read the bands, not the decimals",
            persons.len()
        ));
    }
    Some(Rasch {
        items: item_out,
        persons: person_out,
        students_used: persons.len(),
        iterations,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_items_have_the_closed_form_solution() {
        // With two items, CML gives b2 − b1 = ln(n10 / n01): the students
        // with exactly one right decide, 3 chose item 1 and 1 chose item 2.
        let marks = vec![
            vec![1.0, 0.0],
            vec![1.0, 0.0],
            vec![1.0, 0.0],
            vec![0.0, 1.0],
            vec![1.0, 1.0],
            vec![0.0, 0.0],
        ];
        let r = estimate(&marks).unwrap();
        let b1 = r.items[0].difficulty.unwrap();
        let b2 = r.items[1].difficulty.unwrap();
        assert!((b2 - b1 - 3f64.ln()).abs() < 1e-9, "{b1} {b2}");
        assert!((b1 + b2).abs() < 1e-12);
        assert_eq!(r.students_used, 4);
        assert!(r.persons[4].ability.is_none() && r.persons[5].ability.is_none());
    }

    #[test]
    fn extreme_items_are_reported_not_estimated() {
        let marks = vec![
            vec![1.0, 1.0, 0.0, 1.0],
            vec![1.0, 0.0, 0.0, 1.0],
            vec![1.0, 1.0, 0.0, 0.0],
            vec![1.0, 0.0, 0.0, 1.0],
        ];
        let r = estimate(&marks).unwrap();
        assert!(r.items[0].band.contains("everybody"));
        assert!(r.items[2].band.contains("nobody"));
        assert!(r.items[1].difficulty.is_some());
    }

    #[test]
    fn nothing_to_estimate_is_none() {
        assert!(estimate(&[]).is_none());
        assert!(estimate(&[vec![1.0, 1.0], vec![0.0, 0.0]]).is_none());
    }
}
