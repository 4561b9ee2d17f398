//! CSV in the two shapes teachers ask for: long (one row per student and
//! item) and wide (one row per student, one column per item). Every cell
//! goes through [`field`], which guards against formula injection.

use super::report::Report;
use crate::sanitize::one_line;

/// One cell: folded onto one line, cleaned of control characters, guarded
/// against formula injection and quoted ([`crate::sanitize::csv_cell`]).
pub fn field(text: &str) -> String {
    crate::sanitize::csv_cell(&one_line(text))
}

/// Long shape: student, item, position, response, correct, score, seconds.
pub fn long(r: &Report) -> String {
    use std::fmt::Write;
    let mut s = String::from("student,item,position,response,correct,score,seconds\n");
    // Each student's name and each item id is made a cell once, not once
    // per row.
    let mut items: std::collections::HashMap<&str, String> = Default::default();
    for st in &r.students {
        let student = field(&st.student);
        for a in &st.responses {
            let item = items.entry(&a.item).or_insert_with(|| field(&a.item));
            let _ = writeln!(
                s,
                "{student},{item},{},{},{},{},{}",
                a.position,
                field(a.response.as_deref().unwrap_or("")),
                a.correct,
                a.score,
                a.seconds
            );
        }
    }
    s
}

/// Wide shape: student, score, percent, seconds, then each item's mark.
pub fn wide(r: &Report) -> String {
    let mut s = String::from("student,score,percent,seconds");
    for it in &r.items {
        s.push(',');
        s.push_str(&field(&it.id));
    }
    s.push('\n');
    for st in &r.students {
        s.push_str(&format!(
            "{},{},{:.1},{}",
            field(&st.student),
            st.score,
            st.percent,
            st.seconds
        ));
        for a in &st.responses {
            s.push_str(&format!(",{}", a.score));
        }
        s.push('\n');
    }
    s
}

/// A number for a statistics table: empty when undefined.
fn stat(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| format!("{v:.4}"))
}

/// The item statistics table: one row per item, every index of the
/// report (empty where undefined), the blank count and the flag codes.
pub fn items(r: &Report) -> String {
    let mut s = String::from(
        "position,item,card,kind,n,blank,facility,sd,random_guess,intended_weight,effective_weight,negative_covariance,discrimination_index,point_biserial,discriminative_efficiency,upper_lower,needs_checking,mean_seconds,flags\n",
    );
    for it in &r.items {
        let st = &it.stats;
        let row = [
            it.position.to_string(),
            field(&it.id),
            field(&it.card_id),
            field(&it.kind),
            st.n.to_string(),
            it.blank.to_string(),
            stat(st.facility),
            stat(st.sd),
            stat(st.random_guess),
            stat(Some(st.intended_weight)),
            stat(st.effective_weight),
            st.negative_covariance.to_string(),
            stat(st.discrimination_index),
            stat(st.point_biserial),
            stat(st.discriminative_efficiency),
            stat(st.upper_lower),
            it.needs_checking.unwrap_or("").to_string(),
            stat(it.mean_seconds),
            field(&super::text_report::flag_codes(it)),
        ];
        s.push_str(&row.join(","));
        s.push('\n');
    }
    s
}

/// The whole-test statistics as a two-column table (statistic, value).
pub fn test(r: &Report) -> String {
    let t = &r.test;
    let mut s = String::from("statistic,value\n");
    let rows = [
        ("n", Some(t.n as f64)),
        ("items", Some(t.items as f64)),
        ("mean", t.mean),
        ("median", t.median),
        ("sd", t.sd),
        ("skewness", t.skewness),
        ("kurtosis", t.kurtosis),
        ("cic", t.cic),
        ("error_ratio", t.error_ratio),
        ("standard_error", t.standard_error),
    ];
    for (name, v) in rows {
        s.push_str(&format!("{name},{}\n", stat(v)));
    }
    for note in &t.notes {
        s.push_str(&format!("note,{}\n", field(note)));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn quoting() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, \"b\""), "\"a, \"\"b\"\"\"");
        assert_eq!(field("=1+1"), "\"'=1+1\"");
        assert_eq!(field("a;=1+1"), "\"a;=1+1\"");
        assert_eq!(field("@SUM(A1)"), "\"'@SUM(A1)\"");
    }
}
