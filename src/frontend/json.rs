//! The JSON-lines protocol for other programs and UIs (`--json`), as
//! documented in `docs/protocol.md`: one view object per output line, one
//! event object per input line.

use std::io;
use std::io::BufRead;
use std::io::Write;

use serde::Deserialize;

use super::Budget;
use super::Frontend;
use crate::sanitize::Line;
use crate::sanitize::MAX_LINE_BYTES;
use crate::sanitize::endless_message;
use crate::sanitize::read_line;
use crate::sanitize::too_long_message;
use crate::schedule::Rating;
use crate::session::Awaiting;
use crate::session::Event;
use crate::session::View;

/// An input line.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum Input {
    Answer {
        text: String,
    },
    Reveal,
    Rate {
        #[serde(default)]
        rating: Option<RatingIn>,
    },
    Undo,
    Suspend,
    Bury,
    Reset,
    Quit,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RatingIn {
    Number(u8),
    Name(Rating),
}

/// The protocol version announced in the first line (`hello`); see
/// `docs/protocol.md` for what changed between versions.
pub const PROTOCOL_VERSION: u32 = 2;

/// The JSON-lines frontend.
pub struct Json<R, W> {
    input: R,
    out: W,
    greeted: bool,
}

impl<R: BufRead, W: Write> Json<R, W> {
    /// Reads events from `input`, writes views to `out`.
    pub fn new(input: R, out: W) -> Self {
        Json {
            input,
            out,
            greeted: false,
        }
    }

    fn error(&mut self, message: String) -> io::Result<()> {
        let line = crate::sanitize::json(&serde_json::json!({"type": "error", "message": message}))
            .map_err(io::Error::other)?;
        writeln!(self.out, "{line}")?;
        self.out.flush()
    }

    /// Reports a line that gave no event and spends one input on it; true
    /// when the budget is now spent (the input then counts as ended).
    fn waste(&mut self, budget: &mut Budget, message: String) -> io::Result<bool> {
        self.error(message)?;
        budget.spend();
        Ok(budget.exhausted())
    }
}

impl<R: BufRead, W: Write> Frontend for Json<R, W> {
    fn show(&mut self, view: &View) -> io::Result<()> {
        if !self.greeted {
            self.greeted = true;
            writeln!(
                self.out,
                "{}",
                serde_json::json!({"type": "hello", "protocol": PROTOCOL_VERSION, "program": "docket"})
            )?;
        }
        // Escaped so that no C1 or bidi control reaches a terminal raw.
        let line = crate::sanitize::json(view).map_err(io::Error::other)?;
        writeln!(self.out, "{line}")?;
        self.out.flush()
    }

    fn read(&mut self, awaiting: Awaiting) -> io::Result<Option<Event>> {
        self.read_within(awaiting, &mut Budget::new(None))
    }

    fn read_within(
        &mut self,
        _awaiting: Awaiting,
        budget: &mut Budget,
    ) -> io::Result<Option<Event>> {
        loop {
            let buf = match read_line(&mut self.input, MAX_LINE_BYTES)? {
                Line::Text(s) => s,
                Line::End => return Ok(None),
                Line::Endless => {
                    self.error(endless_message())?;
                    return Ok(None);
                }
                Line::TooLong => {
                    if self.waste(budget, too_long_message())? {
                        return Ok(None);
                    }
                    continue;
                }
            };
            if buf.trim().is_empty() {
                // Blank lines are allowed between events, but count: a
                // stream of them must end too.
                budget.spend();
                if budget.exhausted() {
                    return Ok(None);
                }
                continue;
            }
            let event = match serde_json::from_str::<Input>(&buf) {
                Ok(Input::Answer { text }) => Event::Answer(text),
                Ok(Input::Reveal) => Event::Reveal,
                Ok(Input::Rate { rating: None }) => Event::Rate(None),
                Ok(Input::Rate {
                    rating: Some(RatingIn::Name(r)),
                }) => Event::Rate(Some(r)),
                Ok(Input::Rate {
                    rating: Some(RatingIn::Number(n)),
                }) => match Rating::from_number(n) {
                    Some(r) => Event::Rate(Some(r)),
                    None => {
                        if self.waste(budget, format!("rating {n} is not 1-4"))? {
                            return Ok(None);
                        }
                        continue;
                    }
                },
                Ok(Input::Undo) => Event::Undo,
                Ok(Input::Suspend) => Event::Suspend,
                Ok(Input::Bury) => Event::Bury,
                Ok(Input::Reset) => Event::Reset,
                Ok(Input::Quit) => Event::Quit,
                Err(e) => {
                    if self.waste(budget, format!("unreadable event: {e}"))? {
                        return Ok(None);
                    }
                    continue;
                }
            };
            return Ok(Some(event));
        }
    }
}
