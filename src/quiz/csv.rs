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
    let mut s = String::from("student,item,position,response,correct,score,seconds\n");
    for st in &r.students {
        for a in &st.responses {
            s.push_str(&format!(
                "{},{},{},{},{},{},{}\n",
                field(&st.student),
                field(&a.item),
                a.position,
                field(a.response.as_deref().unwrap_or("")),
                a.correct,
                a.score,
                a.seconds
            ));
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
