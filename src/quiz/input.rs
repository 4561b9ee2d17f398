//! What a student can type while taking a quiz: an answer, or a command
//! starting with `:`. Answers are checked for *form* only (a letter that
//! exists, a number that parses), never for rightness: the form holds no
//! answers, and there is no feedback until the teacher's report.

use crate::deck::date::parse_date;
use crate::deck::number::parse_number;
use crate::grade;
use crate::grade::label;
use crate::grade::text::normalize;

use super::form::FormItem;

/// One student action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Answer the current item (and go on to the next).
    Answer(String),
    /// Go to the next item, keeping the current answer.
    Next,
    /// Go to the previous item.
    Back,
    /// Go to item N (1-based).
    Goto(usize),
    /// List every item with its answer.
    Review,
    /// Hand the quiz in; from an item, show the review list first so the
    /// student confirms (a person typing `:submit`).
    Submit,
    /// Hand the quiz in at once (the JSON protocol: the program asked).
    HandIn,
    /// Stop for now; the attempt can be resumed.
    Quit,
    /// Show the commands.
    Help,
}

/// The help text for line-based frontends.
pub const HELP: &str = "Type your answer and press Enter. An empty line skips the item.
Commands: :back  :next  :goto N  :review  :submit  :quit  :help
(To answer with text starting with `:`, type it twice: `::text`.)";

/// Reads one typed line.
pub fn parse_line(line: &str) -> Result<Input, String> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(Input::Next);
    }
    if let Some(rest) = line.strip_prefix("::") {
        return Ok(Input::Answer(format!(":{rest}")));
    }
    let Some(cmd) = line.strip_prefix(':') else {
        return Ok(Input::Answer(line.to_string()));
    };
    let mut words = cmd.split_whitespace();
    let name = words.next().unwrap_or("");
    let arg = words.next();
    match (name, arg) {
        ("back" | "b" | "prev", None) => Ok(Input::Back),
        ("next" | "n" | "skip", None) => Ok(Input::Next),
        ("goto" | "g" | "go", Some(n)) => n
            .parse::<usize>()
            .map(Input::Goto)
            .map_err(|_| format!("`:goto` needs an item number, not `{n}`")),
        ("review" | "r" | "list", None) => Ok(Input::Review),
        ("submit", None) => Ok(Input::Submit),
        ("quit" | "q", None) => Ok(Input::Quit),
        ("help" | "h" | "?", None) => Ok(Input::Help),
        ("goto" | "g" | "go", None) => Err("`:goto` needs an item number, e.g. `:goto 3`".into()),
        _ => Err(format!("unknown command `:{cmd}` (type :help)")),
    }
}

/// How to answer an item, in one line.
pub fn how_to_answer(item: &FormItem) -> String {
    let last = label(item.options.len().saturating_sub(1));
    match item.kind.as_str() {
        "choice" if item.multiple => {
            format!("Choose every right option: letters a–{last}, e.g. `a c`.")
        }
        "choice" => format!("Choose one option: a letter a–{last}."),
        "order" => format!("Put them in order: all letters a–{last}, e.g. `c a b`."),
        "truefalse" => "Answer true or false (t/f).".into(),
        "number" => match &item.unit {
            Some(u) => format!("Answer with a number (in {u})."),
            None => "Answer with a number.".into(),
        },
        "date" => "Answer with a date, e.g. 2020-12-18, December 2020 or 2020.".into(),
        "cloze" if item.gaps > 1 => {
            format!("Fill the {} gaps in order, separated by `;`.", item.gaps)
        }
        "cloze" => "Fill the gap.".into(),
        _ => "Answer in a few words.".into(),
    }
}

/// Letters, digits or an option's full text → shown positions.
fn positions(item: &FormItem, response: &str) -> Result<Vec<usize>, String> {
    grade::chosen_positions(response, &item.options).map_err(|e| e.0)
}

/// Checks that a response is in a form the item can take.
pub fn check_response(item: &FormItem, response: &str) -> Result<(), String> {
    let response = response.trim();
    match item.kind.as_str() {
        "choice" => {
            let picks = positions(item, response)?;
            if picks.is_empty() {
                return Err(how_to_answer(item));
            }
            if !item.multiple && picks.len() > 1 {
                return Err("choose only one option".into());
            }
            Ok(())
        }
        "order" => {
            let picks = positions(item, response)?;
            let mut seen = vec![false; item.options.len()];
            for &p in &picks {
                if std::mem::replace(&mut seen[p], true) {
                    return Err(format!("`{}` is listed twice", label(p)));
                }
            }
            if picks.len() != item.options.len() {
                return Err(how_to_answer(item));
            }
            Ok(())
        }
        "truefalse" => match normalize(response).as_str() {
            "t" | "true" | "y" | "yes" | "right" | "correct" | "f" | "false" | "n" | "no"
            | "wrong" | "incorrect" => Ok(()),
            _ => Err(how_to_answer(item)),
        },
        "number" => parse_number(response)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        "date" => parse_date(response).map(|_| ()).map_err(|e| e.to_string()),
        "cloze" if item.gaps > 1 => {
            let parts = response.split(';').count();
            if parts == item.gaps {
                Ok(())
            } else {
                Err(how_to_answer(item))
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_answers() {
        assert_eq!(parse_line(" b "), Ok(Input::Answer("b".into())));
        assert_eq!(parse_line(""), Ok(Input::Next));
        assert_eq!(parse_line(":goto 3"), Ok(Input::Goto(3)));
        assert_eq!(parse_line("::x"), Ok(Input::Answer(":x".into())));
        assert!(parse_line(":goto x").is_err());
        assert!(parse_line(":frobnicate").is_err());
    }
}
