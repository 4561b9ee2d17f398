//! Aiken: single-answer multiple choice, one question per paragraph —
//! the question on one line, options `A. text` or `B) text`, then
//! `ANSWER: X`. Errors carry a span into the file (line:column).

use std::path::PathBuf;

use super::ImportError;
use super::Imported;
use super::build::DeckBuilder;
use super::build::RawCard;
use super::csv::stem;
use super::csv::utf8;
use crate::deck::model::Answer;
use crate::diagnostic::Diagnostic;

/// Whether a line is an option (`A. text`, `B) text`, or `A)text`: as
/// Moodle's reader, only the letter and its mark are required); returns
/// its letter and text.
fn option(line: &str) -> Option<(char, &str)> {
    let mut chars = line.chars();
    let letter = chars.next().filter(char::is_ascii_uppercase)?;
    chars.next().filter(|c| *c == '.' || *c == ')')?;
    let rest = line[2..].trim();
    (!rest.is_empty()).then_some((letter, rest))
}

/// Reads an Aiken file.
pub fn import(name: &str, bytes: &[u8]) -> Result<Imported, ImportError> {
    let text = utf8(bytes)?;
    let stem = stem(name);
    let mut deck = DeckBuilder::new(&stem, &stem, "");
    let mut errors = Vec::new();
    // (line number, offset, text) of the current question's lines.
    let mut para: Vec<(usize, usize, &str)> = Vec::new();
    let mut offset = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (n, raw) in lines.iter().enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        let at = offset;
        offset += raw.len();
        if !line.trim().is_empty() {
            para.push((n + 1, at, line));
        }
        let last = n + 1 == lines.len();
        if (line.trim().is_empty() || last) && !para.is_empty() {
            question(&para, &mut deck, &mut errors);
            para.clear();
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Syntax {
            text: text.to_string(),
            diagnostics: errors,
        });
    }
    if deck.is_empty() {
        return Err(ImportError::invalid("the file holds no Aiken question"));
    }
    Ok(deck.finish(PathBuf::from(format!("{stem}.toml"))))
}

fn question(para: &[(usize, usize, &str)], deck: &mut DeckBuilder, errors: &mut Vec<Diagnostic>) {
    let err = |at: usize, len: usize, msg: &str, help: &str| {
        Diagnostic::error("aiken-syntax", msg.to_string(), at..at + len.max(1))
            .with_label("here")
            .with_help(help.to_string())
    };
    let (first_line, first_at, first) = para[0];
    let mut prompt = first.trim().to_string();
    let mut options = Vec::new();
    let mut answer = None;
    for &(_, at, line) in &para[1..] {
        if answer.is_some() {
            errors.push(err(
                at,
                line.len(),
                "text after the ANSWER line",
                "leave a blank line between questions",
            ));
            return;
        }
        if let Some(rest) = line.strip_prefix("ANSWER:") {
            let letter = rest.trim();
            let mut cs = letter.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) if c.is_ascii_uppercase() => answer = Some((c, at)),
                _ => {
                    errors.push(err(
                        at + 7,
                        rest.len(),
                        "the answer must be one capital letter",
                        "write `ANSWER: B`",
                    ));
                    return;
                }
            }
        } else if let Some((letter, t)) = option(line) {
            let expected = (b'A' + options.len() as u8) as char;
            if letter != expected {
                errors.push(err(
                    at,
                    1,
                    &format!("expected option {expected} here, found {letter}"),
                    "letter the options A, B, C… in order",
                ));
                return;
            }
            options.push(t.to_string());
        } else if options.is_empty() {
            // As Moodle's reader: lines before the first option continue
            // the question.
            prompt.push('\n');
            prompt.push_str(line.trim());
        } else {
            errors.push(err(
                at,
                line.len(),
                "not an option or an ANSWER line",
                "options look like `A. text` or `A) text`, and the answer like `ANSWER: A`",
            ));
            return;
        }
    }
    let Some((letter, at)) = answer else {
        let (_, last_at, last) = para[para.len() - 1];
        errors.push(err(
            last_at + last.len(),
            1,
            "the question has no `ANSWER:` line",
            "end it with `ANSWER: A` (the right option's letter)",
        ));
        return;
    };
    let index = (letter as u8 - b'A') as usize;
    if index >= options.len() {
        errors.push(err(
            at,
            9,
            &format!("ANSWER names {letter}, but there is no option {letter}"),
            "name one of the options",
        ));
        return;
    }
    if options.len() < 2 {
        errors.push(err(
            first_at,
            first.len(),
            "a question needs at least two options",
            "add options A. and B.",
        ));
        return;
    }
    deck.add(
        &format!("line {first_line}"),
        RawCard {
            id: None,
            prompt,
            answer: Answer::Choice {
                options,
                correct: vec![index],
            },
            explanation: None,
            topics: Vec::new(),
            html: false,
        },
    );
}
