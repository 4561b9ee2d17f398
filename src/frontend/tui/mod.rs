//! The interactive terminal: a full-screen study screen on ratatui and
//! crossterm. [`state`] holds what is shown and turns keys into actions,
//! [`draw`] paints a state on any backend, and [`Tui`] is the thin loop
//! between them and the real terminal (raw mode, alternate screen, redraw
//! on resize). Ctrl-C and Ctrl-D end the session with its summary; every
//! answer is already saved. When the screen closes, the summary is also
//! printed to the normal screen so it stays in the scrollback.

pub mod draw;
pub mod line;
pub mod state;
pub mod wrap;

#[cfg(test)]
mod tests;

use std::io;
use std::io::Stdout;
use std::io::Write;

use crossterm::event::Event as TermEvent;
use crossterm::event::KeyEventKind;
use crossterm::execute;
use crossterm::terminal;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::Frontend;
use super::minutes;
use crate::session::Awaiting;
use crate::session::Event;
use crate::session::View;
use state::Action;
use state::State;

/// The full-screen terminal frontend.
pub struct Tui {
    terminal: Terminal<CrosstermBackend<Stdout>>,
    state: State,
    /// Set once the student asked to quit: the end screen then does not
    /// wait for a key.
    quitting: bool,
    /// Summaries to print on the normal screen when the study screen closes.
    after: Vec<String>,
}

impl Tui {
    /// Takes over the terminal (raw mode, alternate screen); `color` false
    /// (NO_COLOR) keeps the layout without colours.
    pub fn new(color: bool) -> io::Result<Tui> {
        terminal::enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(out, terminal::EnterAlternateScreen) {
            let _ = terminal::disable_raw_mode();
            return Err(e);
        }
        let terminal = match Terminal::new(CrosstermBackend::new(out)) {
            Ok(t) => t,
            Err(e) => {
                restore();
                return Err(e);
            }
        };
        Ok(Tui {
            terminal,
            state: State::new(color),
            quitting: false,
            after: Vec::new(),
        })
    }

    fn redraw(&mut self) -> io::Result<()> {
        let state = &self.state;
        self.terminal.draw(|f| draw::draw(state, f))?;
        Ok(())
    }

    /// Waits for the next key and returns what it asks; redraws on resize.
    fn next_action(&mut self) -> io::Result<Action> {
        loop {
            self.redraw()?;
            match crossterm::event::read()? {
                TermEvent::Key(k) if k.kind != KeyEventKind::Release => {
                    let action = self.state.handle_key(k);
                    if action != Action::None {
                        return Ok(action);
                    }
                }
                TermEvent::Resize(..) => self.terminal.autoresize()?,
                _ => {}
            }
        }
    }
}

/// Gives the terminal back: normal screen, cooked mode, cursor shown.
fn restore() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

impl Drop for Tui {
    fn drop(&mut self) {
        restore();
        let mut out = io::stdout();
        for line in &self.after {
            let _ = writeln!(out, "{line}");
        }
        let _ = out.flush();
    }
}

impl Frontend for Tui {
    fn show(&mut self, view: &View) -> io::Result<()> {
        self.state.show(view);
        if let View::Finished(s) = view {
            let r = s.remaining;
            self.after.push(format!(
                "Session over: {} seen, {} correct, {} again, {}",
                s.seen,
                s.correct,
                s.again,
                minutes(s.elapsed_ms)
            ));
            self.after.push(format!(
                "Left today: {} new, {} learning, {} review. Next due: {}",
                r.new,
                r.learning,
                r.review,
                s.next_due_ms
                    .map_or("nothing scheduled".to_string(), |ms| s.now.human(ms))
            ));
            if !self.quitting {
                // The end screen stays until a key is pressed.
                self.next_action()?;
            }
        }
        Ok(())
    }

    fn read(&mut self, awaiting: Awaiting) -> io::Result<Option<Event>> {
        if awaiting == Awaiting::Nothing {
            return Ok(None);
        }
        self.state.awaiting = awaiting;
        match self.next_action()? {
            Action::Send(e) => {
                self.quitting = e == Event::Quit;
                Ok(Some(e))
            }
            Action::Leave | Action::None => {
                self.quitting = true;
                Ok(None)
            }
        }
    }
}
