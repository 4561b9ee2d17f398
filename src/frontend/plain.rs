//! Line mode: for pipes, scripts and screen readers. No colour and no
//! escape sequences. Each card reads one line, the answer; the proposed
//! rating is applied unless `--rate` asks for a rating line too; a
//! revealed card (`:reveal`) always reads a rating, 1-4, and has no
//! default. Lines starting with `:` are commands (`:undo`, `:suspend`,
//! `:bury`, `:reset`, `:reveal`, `:quit`); any other line is an answer.
//! Nothing that could give the answer away (the card id) is written
//! before the card is answered.

use std::io;
use std::io::BufRead;
use std::io::Write;

use super::Budget;
use super::Frontend;
use super::command;
use super::minutes;
use crate::sanitize::Line;
use crate::sanitize::MAX_LINE_BYTES;
use crate::sanitize::endless_message;
use crate::sanitize::read_line;
use crate::sanitize::too_long_message;
use crate::schedule::Rating;
use crate::session::Awaiting;
use crate::session::Event;
use crate::session::View;

/// The line-mode frontend.
pub struct Plain<R, W> {
    input: R,
    out: W,
    ask_rating: bool,
}

impl<R: BufRead, W: Write> Plain<R, W> {
    /// Reads from `input`, writes to `out`; `ask_rating` is `--rate`.
    pub fn new(input: R, out: W, ask_rating: bool) -> Self {
        Plain {
            input,
            out,
            ask_rating,
        }
    }

    /// The next line that is not too long; overlong lines are reported
    /// and spent from the budget. `None` at end of input, for input with
    /// no line end in sight, and when the budget is spent.
    fn line(&mut self, budget: &mut Budget) -> io::Result<Option<String>> {
        loop {
            match read_line(&mut self.input, MAX_LINE_BYTES)? {
                Line::Text(s) => return Ok(Some(s)),
                Line::End => return Ok(None),
                Line::Endless => {
                    writeln!(self.out, "? {}", endless_message())?;
                    return Ok(None);
                }
                Line::TooLong => {
                    writeln!(self.out, "? {}", too_long_message())?;
                    if self.waste(budget) {
                        return Ok(None);
                    }
                }
            }
        }
    }

    /// Spends one input on a line that gave no event; true when the budget
    /// is now spent (the input then counts as ended).
    fn waste(&mut self, budget: &mut Budget) -> bool {
        budget.spend();
        budget.exhausted()
    }
}

/// Writes a view as plain text.
pub fn render(out: &mut dyn Write, view: &View) -> io::Result<()> {
    match view {
        View::Card(c) => {
            let r = c.remaining;
            writeln!(out)?;
            writeln!(
                out,
                "[{} new, {} learning, {} review]{}",
                r.new,
                r.learning,
                r.review,
                if c.changed {
                    " (changed since last time)"
                } else {
                    ""
                }
            )?;
            writeln!(out, "{}", c.prompt)?;
            for o in &c.options {
                writeln!(out, "  {}) {}", o.label, o.text)?;
            }
            writeln!(out, "answer ({}):", c.hint)?;
        }
        View::Feedback(f) => {
            match f.correct {
                Some(true) => writeln!(out, "right")?,
                Some(false) => writeln!(out, "wrong")?,
                None => {}
            }
            writeln!(out, "card: {}", f.card_id)?;
            if let Some(n) = &f.note {
                writeln!(out, "note: {n}")?;
            }
            writeln!(out, "answer: {}", f.expected)?;
            if f.expected_response != f.expected {
                writeln!(out, "type: {}", f.expected_response)?;
            }
            if let Some(e) = &f.explanation {
                writeln!(out, "why: {e}")?;
            }
            for e in &f.evidence {
                let mut src = e.title.clone();
                for extra in [&e.publisher, &e.date].into_iter().flatten() {
                    src.push_str(", ");
                    src.push_str(extra);
                }
                match &e.quote {
                    Some(q) => writeln!(out, "source: \"{q}\" ({src})")?,
                    None => writeln!(out, "source: {src}")?,
                }
            }
            if let Some(d) = &f.differs {
                writeln!(out, "differs: {d}")?;
            }
            let i = &f.intervals;
            let waits = format!(
                "again {}, hard {}, good {}, easy {}",
                i[0], i[1], i[2], i[3]
            );
            match (f.proposed, &f.reason) {
                (Some(p), Some(why)) => writeln!(out, "rating: {} ({why}; {waits})", p.name())?,
                (Some(p), None) => writeln!(out, "rating: {} ({waits})", p.name())?,
                (None, _) => writeln!(out, "rate it yourself: {waits}")?,
            }
        }
        View::Retry { message } => writeln!(out, "? {message}; try again")?,
        View::Notice { message } => writeln!(out, "* {message}")?,
        View::Finished(s) => {
            writeln!(out)?;
            writeln!(
                out,
                "session: {} seen, {} correct, {} again, {}; left today: {} new, {} learning, {} review",
                s.seen,
                s.correct,
                s.again,
                minutes(s.elapsed_ms),
                s.remaining.new,
                s.remaining.learning,
                s.remaining.review
            )?;
            match s.next_due_ms {
                Some(ms) => writeln!(out, "next due: {}", s.now.human(ms))?,
                None => writeln!(out, "next due: nothing scheduled")?,
            }
        }
    }
    Ok(())
}

impl<R: BufRead, W: Write> Frontend for Plain<R, W> {
    fn show(&mut self, view: &View) -> io::Result<()> {
        render(&mut self.out, view)?;
        self.out.flush()
    }

    fn read(&mut self, awaiting: Awaiting) -> io::Result<Option<Event>> {
        self.read_within(awaiting, &mut Budget::new(None))
    }

    fn read_within(
        &mut self,
        awaiting: Awaiting,
        budget: &mut Budget,
    ) -> io::Result<Option<Event>> {
        loop {
            if awaiting == (Awaiting::Rating { saved: true }) && !self.ask_rating {
                return Ok(Some(Event::Rate(None)));
            }
            match awaiting {
                Awaiting::Rating { saved: true } => writeln!(
                    self.out,
                    "rate (Enter accepts, 1 again, 2 hard, 3 good, 4 easy):"
                )?,
                Awaiting::Rating { saved: false } => {
                    writeln!(self.out, "rate (1 again, 2 hard, 3 good, 4 easy):")?
                }
                _ => {}
            }
            self.out.flush()?;
            let Some(line) = self.line(budget)? else {
                return Ok(None);
            };
            if let Some(cmd) = command(&line) {
                match cmd {
                    Ok(e) => return Ok(Some(e)),
                    Err(msg) => {
                        writeln!(self.out, "? {}", crate::sanitize::one_line(&msg))?;
                        if self.waste(budget) {
                            return Ok(None);
                        }
                        continue;
                    }
                }
            }
            match awaiting {
                Awaiting::Answer => return Ok(Some(Event::Answer(line))),
                Awaiting::Rating { saved: true } if line.trim().is_empty() => {
                    return Ok(Some(Event::Rate(None)));
                }
                Awaiting::Rating { saved: false } if line.trim().is_empty() => {
                    writeln!(
                        self.out,
                        "? nothing is proposed after a reveal; rate with 1-4"
                    )?;
                    if self.waste(budget) {
                        return Ok(None);
                    }
                }
                Awaiting::Rating { .. } => match Rating::parse(&line) {
                    Some(r) => return Ok(Some(Event::Rate(Some(r)))),
                    None => {
                        writeln!(self.out, "? rate with 1-4 or Enter")?;
                        if self.waste(budget) {
                            return Ok(None);
                        }
                    }
                },
                Awaiting::Nothing => return Ok(None),
            }
        }
    }
}
