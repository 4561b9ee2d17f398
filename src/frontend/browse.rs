//! `docket browse`: a full-screen list of a deck's cards with their state,
//! due date and retrievability; one filter line (words match the id,
//! prompt, answer and topics; `#topic` a topic; `is:new`, `is:learning`,
//! `is:review`, `is:relearning`, `is:suspended`, `is:buried` a state); the
//! card shown whole beside the list (or on Enter when narrow); and keys to
//! suspend, unsuspend, bury, unbury and reset the selected card. Pure
//! state ([`Browser`], [`Browser::handle_key`], [`draw`]) apart from the
//! terminal loop ([`run`]); the caller carries out each [`Request`], so
//! this module knows no store.

use std::io;

use crossterm::event::Event as TermEvent;
use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use crossterm::event::KeyEventKind;
use crossterm::event::KeyModifiers;
use crossterm::execute;
use crossterm::terminal;
use ratatui::Frame;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Constraint;
use ratatui::layout::Layout;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::text::Span;
use ratatui::text::Text;
use ratatui::widgets::Block;
use ratatui::widgets::Borders;
use ratatui::widgets::Paragraph;
use ratatui::widgets::Row;
use ratatui::widgets::Table;
use ratatui::widgets::TableState;

use super::tui::wrap::wrap;

/// The longest filter line taken (a paste must not grow it without end).
const MAX_FILTER_CHARS: usize = 200;

/// One card as listed (all text already cleaned by the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Card id.
    pub id: String,
    /// Kind name.
    pub kind: String,
    /// The question.
    pub prompt: String,
    /// The answer, written out.
    pub answer: String,
    /// Why.
    pub explanation: Option<String>,
    /// Topics.
    pub topics: Vec<String>,
    /// `new`, `learning`, `review` or `relearning`.
    pub state: String,
    /// When due, in local human words (`-` for new cards).
    pub due: String,
    /// Retrievability now, for cards studied.
    pub retrievability: Option<f32>,
    /// Suspended.
    pub suspended: bool,
    /// Buried until a later day.
    pub buried: bool,
    /// Answers so far.
    pub reps: u32,
    /// Lapses so far.
    pub lapses: u32,
}

/// What the browser asks the caller to do to a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Suspend it.
    Suspend(String),
    /// Lift its suspension.
    Unsuspend(String),
    /// Bury it until tomorrow.
    Bury(String),
    /// Lift its burial.
    Unbury(String),
    /// Start it over.
    Reset(String),
}

/// What a key asks of the loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Redraw only.
    None,
    /// Carry out this request, then hand back the refreshed list.
    Do(Request),
    /// Leave.
    Quit,
}

/// The browser's state.
#[derive(Debug, Clone)]
pub struct Browser {
    /// The deck's title.
    pub title: String,
    /// Every card.
    pub items: Vec<Item>,
    /// The filter line.
    pub filter: String,
    /// Whether keys go to the filter line.
    pub editing: bool,
    /// The selected row among the shown ones.
    pub selected: usize,
    /// Whether the card is shown full screen (narrow terminals).
    pub detail: bool,
    /// A reset waiting for `y`.
    pub confirm_reset: bool,
    /// The last thing done.
    pub message: String,
}

impl Browser {
    /// A browser over these cards.
    pub fn new(title: String, items: Vec<Item>) -> Browser {
        Browser {
            title,
            items,
            filter: String::new(),
            editing: false,
            selected: 0,
            detail: false,
            confirm_reset: false,
            message: String::new(),
        }
    }

    fn matches(item: &Item, filter: &str) -> bool {
        filter.split_whitespace().all(|word| {
            let w = word.to_lowercase();
            if let Some(topic) = w.strip_prefix('#') {
                return item.topics.iter().any(|t| t.to_lowercase().contains(topic));
            }
            if let Some(state) = w.strip_prefix("is:") {
                return match state {
                    "suspended" => item.suspended,
                    "buried" => item.buried,
                    s => item.state == s,
                };
            }
            [&item.id, &item.prompt, &item.answer]
                .iter()
                .any(|t| t.to_lowercase().contains(&w))
                || item.topics.iter().any(|t| t.to_lowercase().contains(&w))
        })
    }

    /// Indexes of the cards the filter lets through.
    pub fn shown(&self) -> Vec<usize> {
        (0..self.items.len())
            .filter(|&i| Self::matches(&self.items[i], &self.filter))
            .collect()
    }

    /// The selected card.
    pub fn current(&self) -> Option<&Item> {
        self.shown().get(self.selected).map(|&i| &self.items[i])
    }

    /// Replaces the list after a request, keeping the selection in place.
    pub fn refresh(&mut self, items: Vec<Item>, message: String) {
        self.items = items;
        self.message = message;
        let n = self.shown().len();
        self.selected = self.selected.min(n.saturating_sub(1));
    }

    /// Handles one key.
    pub fn handle_key(&mut self, key: KeyEvent) -> Action {
        if key.kind == KeyEventKind::Release {
            return Action::None;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(key.code, KeyCode::Char('c' | 'd'))
        {
            return Action::Quit;
        }
        if self.confirm_reset {
            self.confirm_reset = false;
            if let (KeyCode::Char('y'), Some(c)) = (key.code, self.current()) {
                return Action::Do(Request::Reset(c.id.clone()));
            }
            self.message = "kept".into();
            return Action::None;
        }
        if self.editing {
            match key.code {
                KeyCode::Enter | KeyCode::Esc | KeyCode::Down => self.editing = false,
                KeyCode::Backspace => {
                    self.filter.pop();
                }
                KeyCode::Char(c) if !c.is_control() => {
                    if self.filter.chars().count() < MAX_FILTER_CHARS {
                        self.filter.push(c);
                    } else {
                        self.message = format!("a filter is at most {MAX_FILTER_CHARS} characters");
                    }
                }
                _ => {}
            }
            self.selected = 0;
            return Action::None;
        }
        let n = self.shown().len();
        let id = self.current().map(|c| c.id.clone());
        match (key.code, id) {
            (KeyCode::Char('q'), _) => return Action::Quit,
            (KeyCode::Esc, _) if self.detail => self.detail = false,
            (KeyCode::Esc, _) => return Action::Quit,
            (KeyCode::Char('/'), _) => self.editing = true,
            (KeyCode::Down | KeyCode::Char('j'), _) if n > 0 => {
                self.selected = (self.selected + 1).min(n - 1)
            }
            (KeyCode::Up | KeyCode::Char('k'), _) => {
                self.selected = self.selected.saturating_sub(1)
            }
            (KeyCode::PageDown, _) if n > 0 => self.selected = (self.selected + 10).min(n - 1),
            (KeyCode::PageUp, _) => self.selected = self.selected.saturating_sub(10),
            (KeyCode::Home | KeyCode::Char('g'), _) => self.selected = 0,
            (KeyCode::End | KeyCode::Char('G'), _) => self.selected = n.saturating_sub(1),
            (KeyCode::Enter, Some(_)) => self.detail = !self.detail,
            (KeyCode::Char('s'), Some(id)) => {
                let suspended = self.current().is_some_and(|c| c.suspended);
                return Action::Do(if suspended {
                    Request::Unsuspend(id)
                } else {
                    Request::Suspend(id)
                });
            }
            (KeyCode::Char('b'), Some(id)) => {
                let buried = self.current().is_some_and(|c| c.buried);
                return Action::Do(if buried {
                    Request::Unbury(id)
                } else {
                    Request::Bury(id)
                });
            }
            (KeyCode::Char('R'), Some(_)) => self.confirm_reset = true,
            _ => {}
        }
        Action::None
    }
}

fn flags(item: &Item) -> String {
    let mut f = String::new();
    if item.suspended {
        f.push_str("suspended ");
    }
    if item.buried {
        f.push_str("buried");
    }
    f.trim_end().to_string()
}

fn detail_lines(item: &Item) -> Vec<Line<'static>> {
    let dim = Style::new().add_modifier(Modifier::DIM);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = vec![
        Line::styled(item.prompt.clone(), bold),
        Line::raw(""),
        Line::from(vec![
            Span::styled("answer:  ", dim),
            Span::raw(item.answer.clone()),
        ]),
    ];
    if let Some(e) = &item.explanation {
        lines.push(Line::from(vec![
            Span::styled("why:     ", dim),
            Span::raw(e.clone()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "{} card · {} · due {} · {} answers, {} lapses{}",
            item.kind,
            item.state,
            item.due,
            item.reps,
            item.lapses,
            item.retrievability.map_or(String::new(), |r| format!(
                " · recall now {:.0}%",
                r * 100.0
            ))
        ),
        dim,
    ));
    if !item.topics.is_empty() {
        lines.push(Line::styled(
            format!("topics: {}", item.topics.join(", ")),
            dim,
        ));
    }
    let f = flags(item);
    if !f.is_empty() {
        lines.push(Line::styled(f, dim));
    }
    lines
}

/// Draws the browser.
pub fn draw(b: &Browser, frame: &mut Frame) {
    let area = frame.area();
    let [header, body, message, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let shown = b.shown();
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                format!(" {} ", b.title),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!("· {} of {} cards ", shown.len(), b.items.len())),
            Span::styled(
                format!("/ {}{}", b.filter, if b.editing { "▏" } else { "" }),
                if b.editing {
                    Style::new().add_modifier(Modifier::REVERSED)
                } else {
                    Style::new()
                },
            ),
        ])),
        header,
    );
    let side = area.width >= 110;
    let (list_area, detail_area): (Rect, Option<Rect>) = if b.detail && !side {
        (Rect::default(), Some(body))
    } else if side {
        let [l, r] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
            .areas(body);
        (l, Some(r))
    } else {
        (body, None)
    };
    if list_area.area() > 0 {
        let rows = shown.iter().map(|&i| {
            let it = &b.items[i];
            Row::new(vec![
                it.id.clone(),
                it.state.clone(),
                it.due.clone(),
                it.retrievability
                    .map_or("-".to_string(), |r| format!("{:.0}%", r * 100.0)),
                flags(it),
            ])
        });
        let table = Table::new(
            rows,
            [
                Constraint::Fill(3),
                Constraint::Length(10),
                Constraint::Fill(2),
                Constraint::Length(4),
                Constraint::Length(9),
            ],
        )
        .header(
            Row::new(vec!["card", "state", "due", "R", ""])
                .style(Style::new().add_modifier(Modifier::BOLD)),
        )
        .block(Block::default().borders(Borders::ALL).title(" Cards "))
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED));
        let mut ts = TableState::default().with_selected(Some(b.selected));
        frame.render_stateful_widget(table, list_area, &mut ts);
    }
    if let (Some(area), Some(item)) = (detail_area, b.current()) {
        let block = Block::default().borders(Borders::ALL).title(" Card ");
        let width = block.inner(area).width as usize;
        frame.render_widget(
            Paragraph::new(Text::from(wrap(&detail_lines(item), width))).block(block),
            area,
        );
    }
    let msg = if b.confirm_reset {
        "Start this card over as new? y / n".to_string()
    } else {
        b.message.clone()
    };
    frame.render_widget(Paragraph::new(msg), message);
    frame.render_widget(
        Paragraph::new(Line::styled(
            if b.editing {
                "type to filter: words, #topic, is:new|learning|review|relearning|suspended|buried · Enter done"
            } else {
                "↑↓ move · / filter · Enter card · s/b (un)suspend/bury · R reset · q quit"
            },
            Style::new().add_modifier(Modifier::DIM),
        )),
        help,
    );
}

/// Runs the browser in the terminal until the student leaves. `act`
/// carries out a request and returns the refreshed list and what was done.
pub fn run(
    mut browser: Browser,
    mut act: impl FnMut(&Request) -> Result<(Vec<Item>, String), String>,
) -> io::Result<()> {
    terminal::enable_raw_mode()?;
    let mut out = io::stdout();
    if let Err(e) = execute!(out, terminal::EnterAlternateScreen) {
        let _ = terminal::disable_raw_mode();
        return Err(e);
    }
    let result = (|| -> io::Result<()> {
        let mut term = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        loop {
            term.draw(|f| draw(&browser, f))?;
            match crossterm::event::read()? {
                TermEvent::Key(k) => match browser.handle_key(k) {
                    Action::Quit => return Ok(()),
                    Action::Do(r) => match act(&r) {
                        Ok((items, message)) => browser.refresh(items, message),
                        Err(message) => browser.message = message,
                    },
                    Action::None => {}
                },
                TermEvent::Resize(..) => term.autoresize()?,
                _ => {}
            }
        }
    })();
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    result
}

#[cfg(test)]
mod tests {
    use ratatui::backend::TestBackend;

    use super::*;

    fn item(id: &str, state: &str, topics: &[&str]) -> Item {
        Item {
            id: id.into(),
            kind: "basic".into(),
            prompt: format!("What about {id}? A longer question that wraps in the detail pane."),
            answer: format!("{id} answer"),
            explanation: Some("Because the source says so.".into()),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            state: state.into(),
            due: if state == "new" {
                "-".into()
            } else {
                "tomorrow at 09:12".into()
            },
            retrievability: (state == "review").then_some(0.93),
            suspended: false,
            buried: false,
            reps: 3,
            lapses: 1,
        }
    }

    fn browser() -> Browser {
        Browser::new(
            "Test deck".into(),
            vec![
                item("alpha", "new", &["dates"]),
                item("beta", "review", &["people"]),
                item("gamma", "learning", &["people", "dates"]),
            ],
        )
    }

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn filters_by_text_topic_and_state() {
        let mut b = browser();
        b.filter = "#people".into();
        assert_eq!(b.shown(), [1, 2]);
        b.filter = "#people is:review".into();
        assert_eq!(b.shown(), [1]);
        b.filter = "GAMMA".into();
        assert_eq!(b.shown(), [2]);
        b.items[0].suspended = true;
        b.filter = "is:suspended".into();
        assert_eq!(b.shown(), [0]);
    }

    #[test]
    fn keys_select_filter_and_act() {
        let mut b = browser();
        b.handle_key(key(KeyCode::Char('/')));
        for c in "#dates".chars() {
            b.handle_key(key(KeyCode::Char(c)));
        }
        b.handle_key(key(KeyCode::Enter));
        assert_eq!(b.shown(), [0, 2]);
        b.handle_key(key(KeyCode::Down));
        assert_eq!(b.current().unwrap().id, "gamma");
        assert_eq!(
            b.handle_key(key(KeyCode::Char('s'))),
            Action::Do(Request::Suspend("gamma".into()))
        );
        b.items[2].suspended = true;
        assert_eq!(
            b.handle_key(key(KeyCode::Char('s'))),
            Action::Do(Request::Unsuspend("gamma".into()))
        );
        assert_eq!(
            b.handle_key(key(KeyCode::Char('b'))),
            Action::Do(Request::Bury("gamma".into()))
        );
        assert_eq!(b.handle_key(key(KeyCode::Char('R'))), Action::None);
        assert_eq!(
            b.handle_key(key(KeyCode::Char('y'))),
            Action::Do(Request::Reset("gamma".into()))
        );
        assert_eq!(b.handle_key(key(KeyCode::Char('q'))), Action::Quit);
    }

    #[test]
    fn the_filter_line_is_bounded() {
        let mut b = browser();
        b.handle_key(key(KeyCode::Char('/')));
        for _ in 0..MAX_FILTER_CHARS + 20 {
            b.handle_key(key(KeyCode::Char('x')));
        }
        assert_eq!(b.filter.chars().count(), MAX_FILTER_CHARS);
        assert!(b.message.contains("at most 200"), "{}", b.message);
    }

    #[test]
    fn frames() {
        let mut b = browser();
        b.selected = 1;
        for (w, h) in [(80u16, 24u16), (120, 40)] {
            let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
            t.draw(|f| draw(&b, f)).unwrap();
            insta::assert_snapshot!(format!("browse_{w}x{h}"), t.backend());
        }
        b.detail = true;
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| draw(&b, f)).unwrap();
        insta::assert_snapshot!("browse_detail_80x24", t.backend());
    }
}
