//! Stage 5 of the data flow: frontends draw [`View`]s and read
//! [`Event`]s; [`drive`] runs a session through one. The full-screen
//! terminal ([`tui`]), line mode for pipes and scripts ([`plain`]) and the
//! JSON-lines protocol ([`json`], see `docs/protocol.md`) are
//! interchangeable.

pub mod browse;
pub mod json;
pub mod plain;
pub mod tui;

use std::io;

use crate::clock::Clock;
use crate::session::Awaiting;
use crate::session::Event;
use crate::session::Session;
use crate::session::SessionError;
use crate::session::View;

/// A way of showing views and reading events.
pub trait Frontend {
    /// Draws one view.
    fn show(&mut self, view: &View) -> io::Result<()>;
    /// Reads the next event; `None` at end of input (treated as quit).
    fn read(&mut self, awaiting: Awaiting) -> io::Result<Option<Event>>;

    /// Like [`Frontend::read`], spending one input of `budget` on every
    /// line read that gives no event (an unreadable line, an unknown
    /// command, an invalid rating, an overlong line), and ending the input
    /// (`None`) once the budget is spent: endless bad input ends too.
    /// Frontends that read lines override it; the default reads unbounded.
    fn read_within(
        &mut self,
        awaiting: Awaiting,
        budget: &mut Budget,
    ) -> io::Result<Option<Event>> {
        let _ = budget;
        self.read(awaiting)
    }
}

/// How many more inputs a session takes: `--limit`, counting every input
/// line, erroneous or not (the rating that completes an answer excepted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    left: Option<u32>,
}

impl Budget {
    /// A budget of `limit` inputs; `None` is unlimited.
    pub fn new(limit: Option<u32>) -> Self {
        Budget { left: limit }
    }

    /// Spends one input.
    pub fn spend(&mut self) {
        if let Some(l) = &mut self.left {
            *l = l.saturating_sub(1);
        }
    }

    /// Whether nothing is left.
    pub fn exhausted(&self) -> bool {
        self.left == Some(0)
    }
}

/// What ended a driven session.
#[derive(Debug, thiserror::Error)]
pub enum DriveError {
    /// The session failed (store or scheduler).
    #[error(transparent)]
    Session(#[from] SessionError),
    /// Reading or writing the terminal failed.
    #[error("terminal: {0}")]
    Io(#[from] io::Error),
}

/// Runs a session to its end: shows `first`, then alternates reading an
/// event and showing what the session answers. End of input quits.
/// `limit` ends the session after that many inputs (answers, commands and
/// every line that gave no event, see [`Budget`]). Returns whether
/// the session was ended early (quit or limit) rather than by finishing
/// the queue.
pub fn drive(
    session: &mut Session<'_>,
    frontend: &mut dyn Frontend,
    clock: &dyn Clock,
    first: Vec<View>,
    limit: Option<u32>,
) -> Result<bool, DriveError> {
    let mut quit = false;
    let mut budget = Budget::new(limit);
    for v in &first {
        frontend.show(v)?;
    }
    while !session.is_finished() {
        let awaiting = session.awaiting();
        if budget.exhausted() {
            for v in session.handle(Event::Quit, clock.now())? {
                frontend.show(&v)?;
            }
            return Ok(true);
        }
        let event = match frontend.read_within(awaiting, &mut budget) {
            Ok(Some(e)) => e,
            Ok(None) => Event::Quit,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Event::Quit,
            Err(e) => {
                // Still close the session so its summary is stored.
                let _ = session.handle(Event::Quit, clock.now());
                return Err(e.into());
            }
        };
        quit = event == Event::Quit;
        // Answers and commands count, so that a script sending only `:undo`
        // for ever ends too; the rating that completes an answer does not.
        // (Lines that gave no event were counted by the frontend.)
        if !(matches!(event, Event::Rate(_)) && matches!(awaiting, Awaiting::Rating { .. })) {
            budget.spend();
        }
        for v in session.handle(event, clock.now())? {
            match frontend.show(&v) {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                    session.handle(Event::Quit, clock.now())?;
                    return Ok(true);
                }
                other => other?,
            }
        }
    }
    Ok(quit)
}

/// Reads a `:command` line into an event.
pub fn command(line: &str) -> Option<Result<Event, String>> {
    let cmd = line.trim().strip_prefix(':')?;
    Some(match cmd.trim() {
        "u" | "undo" => Ok(Event::Undo),
        "s" | "suspend" => Ok(Event::Suspend),
        "b" | "bury" => Ok(Event::Bury),
        "q" | "quit" => Ok(Event::Quit),
        "r" | "reveal" => Ok(Event::Reveal),
        "reset" => Ok(Event::Reset),
        other => Err(format!(
            "unknown command `:{other}`; use :undo, :suspend, :bury, :reset, :reveal or :quit"
        )),
    })
}

/// Formats milliseconds as `m:ss`.
pub fn minutes(ms: i64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}
