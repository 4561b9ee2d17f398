//! Cloze gaps: `{{c1::answer}}`, with alternatives after `|` and an optional
//! hint after a second `::` (`{{c2::1989::year}}`).

use super::model::Gap;

/// A malformed gap, with its byte offset inside the prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClozeError {
    /// Byte offset of the problem inside the prompt text.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

/// A `}}` in text outside every gap: a gap closed twice, or a brace typo.
fn stray_close(text: &str, base: usize) -> Result<(), ClozeError> {
    match text.find("}}") {
        Some(i) => Err(ClozeError {
            offset: base + i,
            message: "this `}}` closes no gap (unbalanced braces)".into(),
        }),
        None => Ok(()),
    }
}

/// Finds the gaps of a cloze prompt, in order of appearance. Malformed
/// markup is refused: an unclosed gap, a `}}` that closes nothing, a gap
/// inside a gap (Anki 23.10's nested clozes, which docket's one-answer-per-
/// gap grading cannot ask), a gap without a number or an answer.
pub fn parse_gaps(prompt: &str) -> Result<Vec<Gap>, ClozeError> {
    let mut gaps = Vec::new();
    let mut rest = prompt;
    let mut base = 0;
    while let Some(start) = rest.find("{{") {
        let offset = base + start;
        stray_close(&rest[..start], base)?;
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or_else(|| ClozeError {
            offset,
            message: "this gap is never closed with `}}`".into(),
        })?;
        let inner = &after[..end];
        if let Some(nested) = inner.find("{{") {
            return Err(ClozeError {
                offset: offset + 2 + nested,
                message: "a gap inside another gap (a nested cloze) is not supported: \
                          write the gaps side by side, or split the card"
                    .into(),
            });
        }
        let bad = |message: &str| ClozeError {
            offset,
            message: message.to_string(),
        };
        let body = inner
            .strip_prefix('c')
            .ok_or_else(|| bad("a gap starts with `{{c1::`"))?;
        let (number, body) = body
            .split_once("::")
            .ok_or_else(|| bad("a gap needs `::` after its number, as in `{{c1::answer}}`"))?;
        let number: u32 = number
            .parse()
            .map_err(|_| bad("the gap number must be a whole number, as in `c1`"))?;
        let (answers, hint) = match body.split_once("::") {
            Some((a, h)) => (a, Some(h.trim().to_string()).filter(|h| !h.is_empty())),
            None => (body, None),
        };
        let answers: Vec<String> = answers
            .split('|')
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        if answers.is_empty() {
            return Err(bad("this gap has no answer"));
        }
        gaps.push(Gap {
            number,
            answers,
            hint,
        });
        let consumed = start + 2 + end + 2;
        base += consumed;
        rest = &rest[consumed..];
    }
    stray_close(rest, base)?;
    if gaps.is_empty() {
        return Err(ClozeError {
            offset: 0,
            message: "a cloze prompt needs at least one gap such as `{{c1::answer}}`".into(),
        });
    }
    Ok(gaps)
}

/// The prompt with every gap replaced by `[...]` or `[hint]`.
pub fn masked(prompt: &str) -> String {
    render(prompt, |gap| match &gap.hint {
        Some(h) => format!("[{h}]"),
        None => "[...]".to_string(),
    })
}

/// The prompt with every gap filled with its first answer.
pub fn filled(prompt: &str) -> String {
    render(prompt, |gap| gap.answers[0].clone())
}

fn render(prompt: &str, fill: impl Fn(&Gap) -> String) -> String {
    let mut out = String::new();
    let mut rest = prompt;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        match parse_gaps(&rest[start..start + end + 2]) {
            Ok(g) => out.push_str(&fill(&g[0])),
            Err(_) => out.push_str(&rest[start..start + end + 2]),
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_with_alternatives_and_hints() {
        let gaps = parse_gaps("The {{c1::MSS|Ministry of State Security}} in {{c2::1989::year}}.")
            .unwrap();
        assert_eq!(gaps.len(), 2);
        assert_eq!(gaps[0].answers, ["MSS", "Ministry of State Security"]);
        assert_eq!(gaps[1].hint.as_deref(), Some("year"));
        assert_eq!(
            masked("The {{c1::MSS}} in {{c2::1989::year}}."),
            "The [...] in [year]."
        );
        assert_eq!(filled("The {{c1::MSS|M}} x"), "The MSS x");
    }

    #[test]
    fn malformed_gaps_are_located() {
        assert_eq!(parse_gaps("ab {{c1::x").unwrap_err().offset, 3);
        assert!(parse_gaps("no gaps").is_err());
        assert!(parse_gaps("{{cx::a}}").is_err());
        assert!(parse_gaps("{{c1::}}").is_err());
        assert!(parse_gaps("{{c1:: | }}").is_err());
    }

    #[test]
    fn nested_and_unbalanced_gaps_are_refused() {
        let e = parse_gaps("{{c1::The {{c2::mitochondrion}} makes ATP}}").unwrap_err();
        assert_eq!(e.offset, 10);
        assert!(e.message.contains("nested"), "{}", e.message);
        let e = parse_gaps("A {{c1::x}} y}} z").unwrap_err();
        assert_eq!(e.offset, 13);
        assert!(e.message.contains("closes no gap"));
        assert_eq!(parse_gaps("x}} {{c1::y}}").unwrap_err().offset, 1);
    }
}
