//! The frontends of `docket quiz take`: interactive terminal ([`tty`]),
//! line mode ([`plain`]) and JSON lines ([`json`]). Each only draws
//! [`Step`]s and reads [`Input`]s; [`drive`] runs the one loop they share,
//! saving the attempt after every change.

pub mod json;
pub mod plain;
pub mod tty;

use std::io;

use chrono::DateTime;
use chrono::Utc;

use super::clock::Clock;
use super::input::Input;
use super::input::how_to_answer;
use super::result_file::ResultFile;
use super::take::Step;
use super::take::Take;
use crate::grade::label;
use crate::sanitize::clean;
use crate::sanitize::one_line;

/// Inputs after which a sitting pauses, whatever they are.
pub const MAX_INPUTS: usize = 10_000;

/// What a frontend read.
#[derive(Debug, Clone, PartialEq)]
pub enum Read {
    /// An input, with the time it happened when the frontend knows it
    /// (JSON lines may carry one); otherwise the clock is asked.
    Input(Input, Option<DateTime<Utc>>),
    /// Something that is not an input; the message says why.
    Unreadable(String),
    /// A line that carries nothing (a blank JSON line): it counts toward
    /// [`MAX_INPUTS`] and is otherwise ignored.
    Nothing,
    /// End of input: pause, the attempt stays resumable.
    End,
}

/// Reads one line for a line-based frontend in bounded memory: an overlong
/// line is unreadable, input with no line end in sight ends the input.
pub fn read_bounded(input: &mut dyn std::io::BufRead) -> io::Result<Result<String, Read>> {
    use crate::sanitize::Line;
    Ok(
        match crate::sanitize::read_line(input, crate::sanitize::MAX_LINE_BYTES)? {
            Line::Text(s) => Ok(s),
            Line::TooLong => Err(Read::Unreadable(crate::sanitize::too_long_message())),
            Line::Endless | Line::End => Err(Read::End),
        },
    )
}

/// A way of showing the quiz and reading the student's actions.
pub trait Frontend {
    /// Draws one step.
    fn draw(&mut self, step: &Step, take: &Take<'_>) -> io::Result<()>;
    /// Reads the next action.
    fn read(&mut self, take: &Take<'_>) -> io::Result<Read>;
}

/// Runs a take to submission or pause. `save` is called whenever the
/// record changed; its failure stops the take (the student must know).
pub fn drive(
    take: &mut Take<'_>,
    frontend: &mut dyn Frontend,
    clock: &dyn Clock,
    save: &mut dyn FnMut(&ResultFile) -> io::Result<()>,
) -> io::Result<Step> {
    save(take.record())?;
    frontend.draw(&take.first_step(), take)?;
    let mut inputs = 0usize;
    loop {
        inputs += 1;
        // A script sending `:next` for ever must end too: pause (the
        // attempt stays resumable) after far more inputs than a quiz needs.
        let read = if inputs > MAX_INPUTS {
            Read::End
        } else {
            frontend.read(take)?
        };
        let (input, at) = match read {
            Read::Input(i, at) => (i, at),
            Read::End => (Input::Quit, None),
            Read::Nothing => continue,
            Read::Unreadable(msg) => {
                frontend.draw(&Step::Invalid(msg), take)?;
                continue;
            }
        };
        // Save whenever the record changed: a new event, the submission,
        // or only where the student is (so a crash reopens there).
        let before = take.record().clone();
        // A time written by the input is honoured only when the clock is
        // fixed (scripted sittings); otherwise a student could fake timings.
        let at = at.filter(|_| clock.is_fixed());
        let step = take.apply(input, at.unwrap_or_else(|| clock.now()));
        if *take.record() != before {
            save(take.record())?;
        }
        frontend.draw(&step, take)?;
        if matches!(step, Step::Submitted { .. } | Step::Paused) {
            return Ok(step);
        }
    }
}

/// An item as text: heading, prompt, options, how to answer, the answer
/// standing on it. Deck text is cleaned of control sequences.
pub fn item_text(take: &Take<'_>, i: usize) -> String {
    let form = take.form();
    let item = &form.items[i];
    let mut s = format!(
        "Item {} of {}  [{}]\n{}\n",
        i + 1,
        form.items.len(),
        item.id,
        clean(&item.prompt)
    );
    for (j, o) in item.options.iter().enumerate() {
        s.push_str(&format!("  {}) {}\n", label(j), one_line(o)));
    }
    s.push_str(&how_to_answer(item));
    s.push('\n');
    if let Some(a) = &take.answers()[i] {
        s.push_str(&format!("Your answer so far: {}\n", one_line(a)));
    }
    if let Some(m) = take.minutes_left_on_arrival() {
        s.push_str(&format!("Time left: about {m} min.\n"));
    }
    s
}

/// The review list: every item with its answer, then what to do.
pub fn review_text(take: &Take<'_>) -> String {
    let form = take.form();
    let mut s = String::from("Your answers:\n");
    for (i, item) in form.items.iter().enumerate() {
        let answer = take.answers()[i]
            .as_deref()
            .map_or_else(|| "(no answer)".to_string(), one_line);
        s.push_str(&format!("  {:>3}. {:<6} {}\n", i + 1, item.id, answer));
    }
    let open = take.unanswered();
    if !open.is_empty() {
        let list: Vec<String> = open.iter().map(|i| (i + 1).to_string()).collect();
        s.push_str(&format!("Unanswered: {}\n", list.join(", ")));
    }
    s.push_str("Type :goto N to change an answer, or :submit to hand the quiz in now.\n");
    s
}

/// The closing message.
pub fn submitted_text(receipt: &str, time_up: bool) -> String {
    let why = if time_up {
        "Time is up: your quiz was submitted."
    } else {
        "Submitted."
    };
    format!("{why}\nYour receipt code is {receipt}. Show it to your teacher.\n")
}

/// The message after pausing.
pub const PAUSED_TEXT: &str =
    "Paused. Your answers are saved; run the same command again to continue.\n";
