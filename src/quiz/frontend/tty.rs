//! The interactive terminal: one screen per item, the answer typed with
//! line editing (and pre-filled when revisiting), the same `:` commands as
//! line mode.

use std::io;

use console::Style;
use console::Term;
use dialoguer::Input as Prompt;

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

/// The interactive frontend.
pub struct Tty {
    term: Term,
}

impl Tty {
    /// Uses the process's terminal (stdout).
    pub fn new() -> Self {
        Tty {
            term: Term::stdout(),
        }
    }
}

impl Default for Tty {
    fn default() -> Self {
        Self::new()
    }
}

impl Frontend for Tty {
    fn draw(&mut self, step: &Step, take: &Take<'_>) -> io::Result<()> {
        let title = Style::new().bold();
        let warn = Style::new().yellow();
        // A rejected input or the help is shown under the item, which
        // stays on screen so the student can answer again.
        match step {
            Step::Invalid(msg) => {
                return self
                    .term
                    .write_line(&warn.apply_to(crate::sanitize::one_line(msg)).to_string());
            }
            Step::Help => return self.term.write_line(HELP),
            _ => {}
        }
        self.term.clear_screen()?;
        self.term.write_line(
            &title
                .apply_to(crate::sanitize::one_line(&take.form().title))
                .to_string(),
        )?;
        match step {
            Step::Item(i) => self.term.write_line(&item_text(take, *i))?,
            Step::Review => self.term.write_line(&review_text(take))?,
            Step::Submitted { receipt, time_up } => self.term.write_line(
                &title
                    .apply_to(submitted_text(receipt, *time_up))
                    .to_string(),
            )?,
            Step::Paused => self.term.write_line(PAUSED_TEXT)?,
            Step::Invalid(_) | Step::Help => {}
        }
        Ok(())
    }

    fn read(&mut self, take: &Take<'_>) -> io::Result<Read> {
        let initial = take
            .current()
            .and_then(|(i, _)| take.answers()[i].clone())
            .unwrap_or_default();
        let line: Result<String, _> = Prompt::new()
            .with_prompt("answer (:help)")
            .with_initial_text(initial)
            .allow_empty(true)
            .interact_text_on(&self.term);
        match line {
            Ok(l) => Ok(match parse_line(&l) {
                Ok(i) => Read::Input(i, None),
                Err(e) => Read::Unreadable(e),
            }),
            // Ctrl-D, or the terminal went away: pause, answers are saved.
            Err(_) => Ok(Read::End),
        }
    }
}
