//! The interactive terminal: colour and a clear layout (`console`), arrow
//! keys to pick a choice, single keys after an answer (Enter accepts the
//! proposed rating, 1-4 override, `u` undo, `s` suspend, `b` bury, `q`
//! quit). Ctrl-C and end of input end the session with its summary;
//! every answer is already saved. On a basic card an empty answer reveals
//! it Anki-style (think, reveal, rate).

use std::io;

use console::Key;
use console::Term;
use console::style;

use super::Frontend;
use super::command;
use super::minutes;
use crate::schedule::Rating;
use crate::session::Awaiting;
use crate::session::Event;
use crate::session::View;
use crate::session::view::CardView;

/// The terminal frontend.
pub struct Tty {
    term: Term,
    card: Option<CardView>,
    _keys: CtrlCAsKey,
}

/// While alive, Ctrl-C reaches the session as a key instead of raising
/// SIGINT. Keys are read in raw mode only while a read is under way; a
/// Ctrl-C typed while feedback is still being drawn would otherwise kill
/// the process before it prints the summary.
struct CtrlCAsKey {
    #[cfg(unix)]
    saved: Option<libc::termios>,
}

impl CtrlCAsKey {
    fn new() -> CtrlCAsKey {
        #[cfg(unix)]
        {
            // SAFETY: tcgetattr/tcsetattr only read and write the termios
            // struct we own, for standard input, which outlives us.
            unsafe {
                let mut t: libc::termios = std::mem::zeroed();
                if libc::isatty(libc::STDIN_FILENO) == 1
                    && libc::tcgetattr(libc::STDIN_FILENO, &mut t) == 0
                {
                    let saved = t;
                    t.c_lflag &= !libc::ISIG;
                    if libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &t) == 0 {
                        return CtrlCAsKey { saved: Some(saved) };
                    }
                }
            }
            CtrlCAsKey { saved: None }
        }
        #[cfg(not(unix))]
        CtrlCAsKey {}
    }
}

impl Drop for CtrlCAsKey {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(saved) = &self.saved {
            // SAFETY: restores the settings read in `new` on the same descriptor.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved);
            }
        }
    }
}

impl Tty {
    /// Draws on stdout, reading keys from the terminal; `color` false
    /// (NO_COLOR) keeps the layout without colours.
    pub fn new(color: bool) -> Tty {
        console::set_colors_enabled(color);
        Tty {
            term: Term::stdout(),
            card: None,
            _keys: CtrlCAsKey::new(),
        }
    }

    fn key(&self) -> io::Result<Key> {
        match self.term.read_key_raw() {
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(Key::CtrlC),
            // Ctrl-D (end of input) ends the session like Ctrl-C.
            Ok(Key::Char('\u{4}')) => Ok(Key::CtrlC),
            other => other,
        }
    }

    /// Reads a line with simple editing; `None` on Ctrl-C or end of input.
    fn line(&self, prefill: &str) -> io::Result<Option<String>> {
        let mut buf = String::from(prefill);
        self.term.write_str(&buf)?;
        loop {
            match self.key()? {
                Key::Enter => {
                    self.term.write_line("")?;
                    return Ok(Some(buf));
                }
                Key::Backspace => {
                    if let Some(c) = buf.pop() {
                        let w = console::measure_text_width(c.encode_utf8(&mut [0; 4]));
                        self.term.clear_chars(w.max(1))?;
                    }
                }
                Key::Char(c) if !c.is_control() => {
                    buf.push(c);
                    self.term.write_str(c.encode_utf8(&mut [0; 4]))?;
                }
                Key::CtrlC => {
                    self.term.write_line("")?;
                    return Ok(None);
                }
                _ => {}
            }
        }
    }

    /// Arrow-key selection of one option; returns its label, or a command line.
    fn select(&self, card: &CardView) -> io::Result<Option<String>> {
        let mut at = 0usize;
        let n = card.options.len();
        let draw = |at: usize, redraw: bool| -> io::Result<()> {
            if redraw {
                self.term.clear_last_lines(n)?;
            }
            for (i, o) in card.options.iter().enumerate() {
                let line = format!("{}) {}", o.label, o.text);
                if i == at {
                    self.term.write_line(&format!(
                        "{} {}",
                        style("›").cyan(),
                        style(line).cyan().bold()
                    ))?;
                } else {
                    self.term.write_line(&format!("  {line}"))?;
                }
            }
            Ok(())
        };
        self.term.hide_cursor()?;
        draw(at, false)?;
        let result = loop {
            match self.key()? {
                Key::ArrowUp | Key::Char('k') => at = (at + n - 1) % n,
                Key::ArrowDown | Key::Char('j') | Key::Tab => at = (at + 1) % n,
                Key::Enter => break Some(card.options[at].label.to_string()),
                Key::Char(':') => {
                    self.term.show_cursor()?;
                    return self.line(":");
                }
                Key::Char(c) if card.options.iter().any(|o| o.label == c) => {
                    break Some(c.to_string());
                }
                Key::CtrlC | Key::Escape => break None,
                _ => continue,
            }
            draw(at, true)?;
        };
        self.term.show_cursor()?;
        Ok(result)
    }
}

impl Drop for Tty {
    fn drop(&mut self) {
        let _ = self.term.show_cursor();
    }
}

impl Frontend for Tty {
    fn show(&mut self, view: &View) -> io::Result<()> {
        let t = &self.term;
        match view {
            View::Card(c) => {
                let r = c.remaining;
                t.write_line("")?;
                t.write_line(&format!(
                    "{}  {}{}",
                    style(format!(
                        "{} new · {} learning · {} review",
                        r.new, r.learning, r.review
                    ))
                    .dim(),
                    style(&c.card_id).dim(),
                    if c.changed {
                        style("  changed since last time").yellow().to_string()
                    } else {
                        String::new()
                    }
                ))?;
                t.write_line(&style(&c.prompt).bold().to_string())?;
                let choose = c.kind == "choice" && !c.multiple;
                if !choose {
                    for o in &c.options {
                        t.write_line(&format!("  {}) {}", style(o.label).cyan(), o.text))?;
                    }
                }
                let hint = if c.can_reveal {
                    format!(
                        "{} (Enter alone reveals; :u undo, :s suspend, :b bury, :q quit)",
                        c.hint
                    )
                } else if choose {
                    "↑↓ and Enter, or the letter; : for a command".to_string()
                } else {
                    format!("{} (:u undo, :s suspend, :b bury, :q quit)", c.hint)
                };
                t.write_line(&style(hint).dim().to_string())?;
                self.card = Some(c.clone());
            }
            View::Feedback(f) => {
                match f.correct {
                    Some(true) => t.write_line(&style("✓ right").green().bold().to_string())?,
                    Some(false) => t.write_line(&style("✗ wrong").red().bold().to_string())?,
                    None => {}
                }
                if let Some(n) = &f.note {
                    t.write_line(&style(n).yellow().to_string())?;
                }
                t.write_line(&format!(
                    "{} {}",
                    style("answer:").dim(),
                    style(&f.expected).bold()
                ))?;
                if let Some(e) = &f.explanation {
                    t.write_line(&format!("{} {e}", style("why:").dim()))?;
                }
                for e in &f.evidence {
                    let mut src = e.title.clone();
                    for extra in [&e.publisher, &e.date].into_iter().flatten() {
                        src.push_str(", ");
                        src.push_str(extra);
                    }
                    if let Some(q) = &e.quote {
                        t.write_line(&format!("  “{}”", style(q).italic()))?;
                    }
                    t.write_line(&format!("  {}", style(format!("— {src}")).dim()))?;
                }
                if let Some(d) = &f.differs {
                    t.write_line(&format!("{} {d}", style("differs:").yellow()))?;
                }
                let i = &f.intervals;
                let mark = |r: Rating, s: &str| {
                    let text = format!("{} {} {}", r.number(), r.name(), s);
                    if Some(r) == f.proposed {
                        style(format!("[{text}]")).bold().to_string()
                    } else {
                        text
                    }
                };
                t.write_line(&format!(
                    "{}  {}  {}  {}   {}",
                    mark(Rating::Again, &i[0]),
                    mark(Rating::Hard, &i[1]),
                    mark(Rating::Good, &i[2]),
                    mark(Rating::Easy, &i[3]),
                    style("Enter accepts · u undo · s suspend · b bury · q quit").dim()
                ))?;
            }
            View::Retry { message } => {
                t.write_line(&style(format!("{message}; try again")).yellow().to_string())?
            }
            View::Notice { message } => t.write_line(&style(message).cyan().to_string())?,
            View::Finished(s) => {
                t.write_line("")?;
                t.write_line(&format!(
                    "{} {} seen, {} correct, {}",
                    style("Session over:").bold(),
                    s.seen,
                    s.correct,
                    minutes(s.elapsed_ms)
                ))?;
                t.write_line(&format!(
                    "Left today: {} new, {} learning, {} review. Next due: {}",
                    s.remaining.new,
                    s.remaining.learning,
                    s.remaining.review,
                    s.next_due.as_deref().unwrap_or("nothing scheduled")
                ))?;
            }
        }
        Ok(())
    }

    fn read(&mut self, awaiting: Awaiting) -> io::Result<Option<Event>> {
        match awaiting {
            Awaiting::Nothing => Ok(None),
            Awaiting::Rating { .. } => loop {
                return Ok(Some(match self.key()? {
                    Key::Enter => Event::Rate(None),
                    Key::Char(c @ '1'..='4') => Event::Rate(Rating::from_number(c as u8 - b'0')),
                    Key::Char('u') => Event::Undo,
                    Key::Char('s') => Event::Suspend,
                    Key::Char('b') => Event::Bury,
                    Key::Char('q') | Key::Escape | Key::CtrlC => Event::Quit,
                    _ => continue,
                }));
            },
            Awaiting::Answer => {
                let Some(card) = self.card.clone() else {
                    return Ok(None);
                };
                loop {
                    let line =
                        if card.kind == "choice" && !card.multiple && !card.options.is_empty() {
                            self.select(&card)?
                        } else {
                            self.term.write_str(&style("› ").cyan().to_string())?;
                            self.line("")?
                        };
                    let Some(line) = line else {
                        return Ok(Some(Event::Quit));
                    };
                    if let Some(cmd) = command(&line) {
                        match cmd {
                            Ok(e) => return Ok(Some(e)),
                            Err(msg) => {
                                self.term.write_line(&style(msg).yellow().to_string())?;
                                continue;
                            }
                        }
                    }
                    if line.trim().is_empty() && card.can_reveal {
                        return Ok(Some(Event::Reveal));
                    }
                    return Ok(Some(Event::Answer(line)));
                }
            }
        }
    }
}
