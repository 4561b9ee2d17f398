//! The study screen's pure state: what is shown, what is typed or picked,
//! and [`State::handle_key`], which turns one key into an [`Action`].
//! No terminal here, so every key path is testable.

use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use crossterm::event::KeyEventKind;
use crossterm::event::KeyModifiers;

use super::line::Edit;
use super::line::LineEdit;
use super::line::MAX_ANSWER_CHARS;
use crate::schedule::Rating;
use crate::schedule::queue::QueueCounts;
use crate::session::Awaiting;
use crate::session::Event;
use crate::session::View;
use crate::session::view::CardView;
use crate::session::view::FeedbackView;
use crate::session::view::Summary;

/// What a key asks of the terminal loop.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Nothing beyond a redraw.
    None,
    /// Hand this event to the session.
    Send(Event),
    /// Leave the screen (after the end screen).
    Leave,
}

/// How a line of the message area reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Something happened.
    Info,
    /// The input was not taken; say why.
    Warn,
}

/// An action that waits for `y` before it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    /// Suspend the card.
    Suspend,
    /// Bury it until tomorrow.
    Bury,
    /// Start it over.
    Reset,
}

impl Confirm {
    fn event(self) -> Event {
        match self {
            Confirm::Suspend => Event::Suspend,
            Confirm::Bury => Event::Bury,
            Confirm::Reset => Event::Reset,
        }
    }

    /// The question asked.
    pub fn question(self) -> &'static str {
        match self {
            Confirm::Suspend => "Suspend this card until you unsuspend it? y / n",
            Confirm::Bury => "Bury this card until tomorrow? y / n",
            Confirm::Reset => "Start this card over as new? y / n",
        }
    }
}

/// Everything the study screen draws.
#[derive(Debug, Clone)]
pub struct State {
    /// Colours on (false under NO_COLOR: the layout stays, in plain text).
    pub color: bool,
    /// Cards left today.
    pub counts: QueueCounts,
    /// The card shown.
    pub card: Option<CardView>,
    /// Its feedback, once answered or revealed.
    pub feedback: Option<FeedbackView>,
    /// Notices and warnings, newest last (a few are kept).
    pub messages: Vec<(Tone, String)>,
    /// The end of the session.
    pub summary: Option<Summary>,
    /// What the session waits for.
    pub awaiting: Awaiting,
    /// The answer field (typed cards) or a `:command` being typed.
    pub input: LineEdit,
    /// The highlighted row of a choice or order card.
    pub cursor: usize,
    /// Options picked (choice cards): by shown position.
    pub picked: Vec<bool>,
    /// The current arrangement of an order card: shown positions.
    pub arrangement: Vec<usize>,
    /// An action waiting for `y`.
    pub confirm: Option<Confirm>,
    /// How far the feedback is scrolled.
    pub scroll: u16,
}

/// How many messages are kept.
const MESSAGES: usize = 3;

impl State {
    /// An empty screen.
    pub fn new(color: bool) -> State {
        State {
            color,
            counts: QueueCounts::default(),
            card: None,
            feedback: None,
            messages: Vec::new(),
            summary: None,
            awaiting: Awaiting::Answer,
            input: LineEdit::default(),
            cursor: 0,
            picked: Vec::new(),
            arrangement: Vec::new(),
            confirm: None,
            scroll: 0,
        }
    }

    /// Takes in one view of the session.
    pub fn show(&mut self, view: &View) {
        match view {
            View::Card(c) => {
                self.counts = c.remaining;
                self.card = Some(c.clone());
                self.feedback = None;
                self.input.clear();
                self.cursor = 0;
                self.picked = vec![false; c.options.len()];
                self.arrangement = (0..c.options.len()).collect();
                self.confirm = None;
                self.scroll = 0;
                self.awaiting = Awaiting::Answer;
            }
            View::Feedback(f) => {
                self.feedback = Some(f.clone());
                self.input.clear();
                self.scroll = 0;
                self.awaiting = Awaiting::Rating { saved: f.saved };
            }
            View::Retry { message } => self.message(Tone::Warn, format!("{message}; try again")),
            View::Notice { message } => self.message(Tone::Info, message.clone()),
            View::Finished(s) => {
                self.counts = s.remaining;
                self.summary = Some(s.clone());
                self.awaiting = Awaiting::Nothing;
            }
        }
    }

    fn message(&mut self, tone: Tone, text: String) {
        self.messages.push((tone, text));
        let extra = self.messages.len().saturating_sub(MESSAGES);
        self.messages.drain(..extra);
    }

    /// Whether the card shown is answered by picking options.
    pub fn is_choice(&self) -> bool {
        self.card
            .as_ref()
            .is_some_and(|c| c.kind == "choice" && !c.options.is_empty())
    }

    /// Whether the card shown is answered by arranging items.
    pub fn is_order(&self) -> bool {
        self.card
            .as_ref()
            .is_some_and(|c| c.kind == "order" && !c.options.is_empty())
    }

    fn labels(&self, positions: impl Iterator<Item = usize>) -> String {
        let Some(card) = &self.card else {
            return String::new();
        };
        positions
            .filter_map(|p| card.options.get(p).map(|o| o.label.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Handles one key.
    pub fn handle_key(&mut self, key: KeyEvent) -> Action {
        if key.kind == KeyEventKind::Release {
            return Action::None;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c' | 'd')) {
            return Action::Send(Event::Quit);
        }
        if self.summary.is_some() {
            return Action::Leave;
        }
        if let Some(c) = self.confirm.take() {
            return match key.code {
                KeyCode::Char('y' | 'Y') => Action::Send(c.event()),
                _ => {
                    self.message(Tone::Info, "kept".into());
                    Action::None
                }
            };
        }
        // A `:command` being typed (any phase).
        if self.input.text().starts_with(':') {
            return self.edit_line(key);
        }
        match self.awaiting {
            Awaiting::Nothing => Action::Leave,
            Awaiting::Rating { saved } => self.rating_key(key, saved),
            Awaiting::Answer if self.is_choice() => self.choice_key(key),
            Awaiting::Answer if self.is_order() => self.order_key(key),
            Awaiting::Answer => self.edit_line(key),
        }
    }

    fn rating_key(&mut self, key: KeyEvent, saved: bool) -> Action {
        match key.code {
            KeyCode::Char(c @ '1'..='4') => {
                Action::Send(Event::Rate(Rating::from_number(c as u8 - b'0')))
            }
            KeyCode::Enter | KeyCode::Char(' ') if saved => Action::Send(Event::Rate(None)),
            KeyCode::Enter | KeyCode::Char(' ') => {
                self.message(
                    Tone::Warn,
                    "how well did you know it? press 1 again, 2 hard, 3 good or 4 easy".into(),
                );
                Action::None
            }
            KeyCode::Char('u') => Action::Send(Event::Undo),
            KeyCode::Char('s') => self.ask(Confirm::Suspend),
            KeyCode::Char('b') => self.ask(Confirm::Bury),
            KeyCode::Char('R') => self.ask(Confirm::Reset),
            KeyCode::Char('q') => Action::Send(Event::Quit),
            KeyCode::Char(':') => {
                self.input.set(":");
                Action::None
            }
            KeyCode::Down | KeyCode::PageDown | KeyCode::Char('j') => {
                self.scroll = self.scroll.saturating_add(1);
                Action::None
            }
            KeyCode::Up | KeyCode::PageUp | KeyCode::Char('k') => {
                self.scroll = self.scroll.saturating_sub(1);
                Action::None
            }
            _ => Action::None,
        }
    }

    fn ask(&mut self, c: Confirm) -> Action {
        self.confirm = Some(c);
        Action::None
    }

    /// The answer field: typing and editing at the cursor (←→, Home/End
    /// or Ctrl-A/Ctrl-E, Backspace/Delete, Ctrl-W a word, Ctrl-U to the
    /// start, Ctrl-K to the end), Esc clears, Enter sends; `:` starts a
    /// command.
    fn edit_line(&mut self, key: KeyEvent) -> Action {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('a') if ctrl => self.input.home(),
            KeyCode::Char('e') if ctrl => self.input.end(),
            KeyCode::Char('b') if ctrl => self.input.left(),
            KeyCode::Char('f') if ctrl => self.input.right(),
            KeyCode::Char('w') if ctrl => self.input.delete_word(),
            KeyCode::Char('u') if ctrl => self.input.delete_to_start(),
            KeyCode::Char('k') if ctrl => self.input.delete_to_end(),
            KeyCode::Char('h') if ctrl => self.input.backspace(),
            KeyCode::Char(_) if ctrl => {}
            KeyCode::Char(c) if !c.is_control() => self.type_char(c),
            KeyCode::Left => self.input.left(),
            KeyCode::Right => self.input.right(),
            KeyCode::Home => self.input.home(),
            KeyCode::End => self.input.end(),
            KeyCode::Backspace => self.input.backspace(),
            KeyCode::Delete => self.input.delete(),
            KeyCode::Esc => self.input.clear(),
            KeyCode::Enter => {
                let line = self.input.take();
                if let Some(cmd) = super::super::command(&line) {
                    return match cmd {
                        Ok(e) => Action::Send(e),
                        Err(msg) => {
                            self.message(Tone::Warn, msg);
                            Action::None
                        }
                    };
                }
                if !matches!(self.awaiting, Awaiting::Answer) {
                    return Action::None;
                }
                let can_reveal = self.card.as_ref().is_some_and(|c| c.can_reveal);
                if line.trim().is_empty() {
                    if can_reveal {
                        return Action::Send(Event::Reveal);
                    }
                    self.message(Tone::Warn, "type an answer first".into());
                    return Action::None;
                }
                return Action::Send(Event::Answer(line));
            }
            _ => {}
        }
        Action::None
    }

    /// Types a character into the field, or says why it was not taken.
    fn type_char(&mut self, c: char) {
        if self.input.insert(c) == Edit::Full {
            self.message(
                Tone::Warn,
                format!(
                    "an answer is at most {MAX_ANSWER_CHARS} characters; the rest was not taken"
                ),
            );
        }
    }

    fn choice_key(&mut self, key: KeyEvent) -> Action {
        let Some(card) = &self.card else {
            return Action::None;
        };
        let n = card.options.len();
        let multiple = card.multiple;
        match key.code {
            KeyCode::Up | KeyCode::Char('k') if n > 0 => self.cursor = (self.cursor + n - 1) % n,
            KeyCode::Down | KeyCode::Tab | KeyCode::Char('j') if n > 0 => {
                self.cursor = (self.cursor + 1) % n
            }
            KeyCode::Char(':') => self.input.set(":"),
            KeyCode::Char(' ') => self.pick(self.cursor, multiple),
            KeyCode::Char(c) => match card.options.iter().position(|o| o.label == c) {
                Some(p) => {
                    self.cursor = p;
                    self.pick(p, multiple);
                }
                None => self.message(Tone::Warn, format!("no option {c}")),
            },
            KeyCode::Enter => {
                if !multiple {
                    // Enter takes the highlighted option (the pick, after a letter).
                    return Action::Send(Event::Answer(self.labels(std::iter::once(self.cursor))));
                }
                let chosen: Vec<usize> = (0..n).filter(|&p| self.picked[p]).collect();
                if chosen.is_empty() {
                    self.message(
                        Tone::Warn,
                        "toggle every right option with its letter or Space, then Enter".into(),
                    );
                    return Action::None;
                }
                return Action::Send(Event::Answer(self.labels(chosen.into_iter())));
            }
            _ => {}
        }
        Action::None
    }

    fn pick(&mut self, p: usize, multiple: bool) {
        if multiple {
            if let Some(x) = self.picked.get_mut(p) {
                *x = !*x;
            }
        } else {
            self.picked.iter_mut().for_each(|x| *x = false);
            if let Some(x) = self.picked.get_mut(p) {
                *x = true;
            }
        }
    }

    fn order_key(&mut self, key: KeyEvent) -> Action {
        let n = self.arrangement.len();
        if n == 0 {
            return Action::None;
        }
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        // Shift+arrow, or K/J, or -/+ move the highlighted item.
        let up = matches!(key.code, KeyCode::Char('K' | '-')) || (shift && key.code == KeyCode::Up);
        let down =
            matches!(key.code, KeyCode::Char('J' | '+')) || (shift && key.code == KeyCode::Down);
        if up || down {
            let to = if up {
                self.cursor.checked_sub(1)
            } else {
                Some(self.cursor + 1).filter(|&t| t < n)
            };
            if let Some(to) = to {
                self.arrangement.swap(self.cursor, to);
                self.cursor = to;
            }
            return Action::None;
        }
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                self.cursor = (self.cursor + 1).min(n - 1)
            }
            KeyCode::Char(':') => self.input.set(":"),
            KeyCode::Enter => {
                return Action::Send(Event::Answer(
                    self.labels(self.arrangement.clone().into_iter()),
                ));
            }
            _ => {}
        }
        Action::None
    }

    /// The key help for the current moment, one line.
    pub fn help(&self) -> &'static str {
        if self.summary.is_some() {
            return "any key: leave";
        }
        if self.confirm.is_some() {
            return "y: yes · any other key: no";
        }
        if self.input.text().starts_with(':') {
            return ":u undo · :s suspend · :b bury · :reset · :q quit · Enter run · Esc cancel";
        }
        match self.awaiting {
            Awaiting::Rating { saved: true } => {
                "Enter/Space accept · 1-4 rate · u undo · s suspend · b bury · R reset · q quit"
            }
            Awaiting::Rating { saved: false } => {
                "1 again · 2 hard · 3 good · 4 easy · u undo · s suspend · b bury · q quit"
            }
            Awaiting::Answer
                if self.is_choice() && self.card.as_ref().is_some_and(|c| c.multiple) =>
            {
                "letter/Space toggle · ↑↓ move · Enter answer · : command · Ctrl-C quit"
            }
            Awaiting::Answer if self.is_choice() => {
                "letter or ↑↓ pick · Enter answer · : command (:u :s :b :q) · Ctrl-C quit"
            }
            Awaiting::Answer if self.is_order() => {
                "↑↓ select · Shift+↑↓ (K/J) move item · Enter answer · : command · Ctrl-C quit"
            }
            Awaiting::Answer if self.card.as_ref().is_some_and(|c| c.can_reveal) => {
                "type, Enter · empty Enter reveals · :u undo :s suspend :b bury :q quit"
            }
            _ => "type, Enter · :u undo · :s suspend · :b bury · :q quit · Ctrl-C quit",
        }
    }
}

/// A key press, for tests and the loop.
pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}
