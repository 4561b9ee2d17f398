//! CSV in the two shapes teachers ask for: long (one row per student and
//! item) and wide (one row per student, one column per item). Written by
//! hand: quoting per RFC 4180 is a few lines.

use super::report::Report;
use crate::sanitize::one_line;

/// Quotes a field when it needs it. A leading `=`, `+`, `-` or `@` is
/// prefixed with `'` so a spreadsheet never runs a student's text as a
/// formula.
pub fn field(text: &str) -> String {
    let text = one_line(text);
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
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
        assert_eq!(field("=1+1"), "'=1+1");
    }
}
