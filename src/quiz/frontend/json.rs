//! JSON lines, for programs driving a quiz. Each input line is an object:
//! `{"answer": "b"}` or `{"command": "back" | "next" | "review" | "submit"
//! | "quit" | "help"}` or `{"command": "goto", "item": 3}`, optionally with
//! `"at": "<RFC 3339>"` giving the time of the action (scripted sittings
//! and tests use it for deterministic timings). Each output line is an
//! object with a `type`: `item`, `invalid`, `review`, `help`, `submitted`
//! or `paused`.

use std::io;
use std::io::BufRead;
use std::io::Write;

use serde_json::Value;
use serde_json::json;

use super::Frontend;
use super::Read;
use crate::grade::label;
use crate::quiz::clock::parse_instant;
use crate::quiz::input::HELP;
use crate::quiz::input::Input;
use crate::quiz::input::how_to_answer;
use crate::quiz::take::Step;
use crate::quiz::take::Take;
use crate::sanitize::clean;

/// JSON lines over any reader and writer.
pub struct JsonLines<R, W> {
    input: R,
    output: W,
}

impl<R: BufRead, W: Write> JsonLines<R, W> {
    /// Reads JSON lines from `input`, writes JSON lines to `output`.
    pub fn new(input: R, output: W) -> Self {
        JsonLines { input, output }
    }
}

fn answers_json(take: &Take<'_>) -> Value {
    Value::Array(
        take.form()
            .items
            .iter()
            .zip(take.answers())
            .enumerate()
            .map(|(i, (item, a))| json!({"position": i + 1, "id": item.id, "answer": a}))
            .collect(),
    )
}

/// Reads one input object.
pub fn parse_input(line: &str) -> Read {
    let v: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return Read::Unreadable(format!("not a JSON object: {e}")),
    };
    let at = match v.get("at").and_then(Value::as_str).map(parse_instant) {
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => return Read::Unreadable(format!("`at`: {e}")),
        None => None,
    };
    if let Some(a) = v.get("answer") {
        return match a.as_str() {
            Some(s) => Read::Input(Input::Answer(s.to_string()), at),
            None => Read::Unreadable("`answer` must be a string".into()),
        };
    }
    let input = match v.get("command").and_then(Value::as_str) {
        Some("back") => Input::Back,
        Some("next") => Input::Next,
        Some("review") => Input::Review,
        Some("submit") => Input::HandIn,
        Some("quit") => Input::Quit,
        Some("help") => Input::Help,
        Some("goto") => match v.get("item").and_then(Value::as_u64) {
            Some(n) => Input::Goto(n as usize),
            None => return Read::Unreadable("`goto` needs a numeric `item`".into()),
        },
        Some(other) => return Read::Unreadable(format!("unknown command `{other}`")),
        None => return Read::Unreadable("expected `answer` or `command`".into()),
    };
    Read::Input(input, at)
}

impl<R: BufRead, W: Write> Frontend for JsonLines<R, W> {
    fn draw(&mut self, step: &Step, take: &Take<'_>) -> io::Result<()> {
        let v = match step {
            Step::Item(i) => {
                let item = &take.form().items[*i];
                let options: Vec<Value> = item
                    .options
                    .iter()
                    .enumerate()
                    .map(|(j, o)| json!({"label": label(j).to_string(), "text": clean(o)}))
                    .collect();
                json!({
                    "type": "item",
                    "position": i + 1,
                    "total": take.form().items.len(),
                    "id": item.id,
                    "kind": item.kind,
                    // Deck text is untrusted even in JSON: a UI may print it raw.
                    "prompt": clean(&item.prompt),
                    "options": options,
                    "multiple": item.multiple,
                    "how": how_to_answer(item),
                    "answer": take.answers()[*i],
                })
            }
            Step::Invalid(msg) => json!({"type": "invalid", "message": msg}),
            Step::Review => json!({
                "type": "review",
                "answers": answers_json(take),
                "unanswered": take.unanswered().iter().map(|i| i + 1).collect::<Vec<_>>(),
            }),
            Step::Help => json!({"type": "help", "text": HELP}),
            Step::Submitted { receipt, time_up } => json!({
                "type": "submitted",
                "receipt": receipt,
                "time_up": time_up,
                "answers": answers_json(take),
            }),
            Step::Paused => json!({"type": "paused"}),
        };
        // Escaped so that no C1 or bidi control reaches a terminal raw.
        let line = crate::sanitize::json(&v).map_err(io::Error::other)?;
        writeln!(self.output, "{line}")?;
        self.output.flush()
    }

    fn read(&mut self, _take: &Take<'_>) -> io::Result<Read> {
        let line = match super::read_bounded(&mut self.input)? {
            Ok(line) => line,
            Err(read) => return Ok(read),
        };
        // A blank line is allowed, but counts: endless blank lines end too.
        Ok(if line.trim().is_empty() {
            Read::Nothing
        } else {
            parse_input(&line)
        })
    }
}
