//! Line mode: one line per answer or command, plain text out. Used when
//! stdin is not a terminal, and by screen readers and scripts.

use std::io;
use std::io::BufRead;
use std::io::Write;

use super::Frontend;
use super::PAUSED_TEXT;
use super::Read;
use super::item_text;
use super::review_text;
use super::submitted_text;
use crate::quiz::input::HELP;
use crate::quiz::input::parse_line;
use crate::quiz::take::Step;
use crate::quiz::take::Take;

/// Line mode over any reader and writer.
pub struct Plain<R, W> {
    input: R,
    output: W,
}

impl<R: BufRead, W: Write> Plain<R, W> {
    /// Reads lines from `input`, writes text to `output`.
    pub fn new(input: R, output: W) -> Self {
        Plain { input, output }
    }
}

impl<R: BufRead, W: Write> Frontend for Plain<R, W> {
    fn draw(&mut self, step: &Step, take: &Take<'_>) -> io::Result<()> {
        let text = match step {
            Step::Item(i) => format!("\n{}", item_text(take, *i)),
            Step::Invalid(msg) => format!("! {}\n", crate::sanitize::one_line(msg)),
            Step::Review => format!("\n{}", review_text(take)),
            Step::Help => format!("{HELP}\n"),
            Step::Submitted { receipt, time_up } => submitted_text(receipt, *time_up),
            Step::Paused => PAUSED_TEXT.to_string(),
        };
        self.output.write_all(text.as_bytes())?;
        if !matches!(step, Step::Submitted { .. } | Step::Paused) {
            self.output.write_all(b"> ")?;
        }
        self.output.flush()
    }

    fn read(&mut self, _take: &Take<'_>) -> io::Result<Read> {
        let line = match super::read_bounded(&mut self.input)? {
            Ok(line) => line,
            Err(read) => return Ok(read),
        };
        Ok(match parse_line(&line) {
            Ok(i) => Read::Input(i, None),
            Err(e) => Read::Unreadable(e),
        })
    }
}
