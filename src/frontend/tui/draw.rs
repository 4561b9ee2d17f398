//! [`draw`]: the study screen from a [`State`], on any ratatui backend.
//! Layout (top to bottom): a header with the counts (new blue, learning
//! red, review green, as in Anki), the card, the answer field or the
//! feedback, the rating buttons with their next intervals, one message
//! line and one line of key help. Text wraps by words with Unicode widths
//! ([`super::wrap`]), so CJK, emoji and combining marks line up.

use ratatui::Frame;
use ratatui::layout::Alignment;
use ratatui::layout::Constraint;
use ratatui::layout::Layout;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::style::Modifier;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::text::Span;
use ratatui::text::Text;
use ratatui::widgets::Block;
use ratatui::widgets::Borders;
use ratatui::widgets::Clear;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::state::State;
use super::state::Tone;
use super::wrap::wrap;
use crate::schedule::Rating;
use crate::session::Awaiting;
use crate::session::view::CardView;
use crate::session::view::FeedbackView;
use crate::session::view::Summary;

/// Width from which the card and its feedback stand side by side.
const SIDE_BY_SIDE: u16 = 110;

struct Theme {
    color: bool,
}

impl Theme {
    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    fn bold(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    fn highlight(&self) -> Style {
        // Reversed shows the highlight without colour too.
        Style::new().add_modifier(Modifier::REVERSED)
    }
}

/// Draws the whole screen.
pub fn draw(state: &State, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Clear, area);
    let t = Theme { color: state.color };
    if area.width < 20 || area.height < 6 {
        frame.render_widget(
            Paragraph::new(wrap(
                &[Line::raw("terminal too small")],
                area.width as usize,
            )),
            area,
        );
        return;
    }
    let rating_rows = if state.feedback.is_some() && state.summary.is_none() {
        2
    } else {
        0
    };
    let [header, body, rating, message, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(rating_rows),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(state, &t, frame, header);
    if let Some(s) = &state.summary {
        draw_summary(s, &t, frame, body);
    } else if let Some(card) = &state.card {
        match &state.feedback {
            None => {
                let typed = !state.is_choice() && !state.is_order();
                let [card_area, answer_area] = Layout::vertical([
                    Constraint::Min(3),
                    Constraint::Length(if typed { 3 } else { 0 }),
                ])
                .areas(body);
                draw_card(state, card, None, &t, frame, card_area);
                if typed {
                    draw_answer_field(state, &t, frame, answer_area);
                }
            }
            Some(f) => {
                let [card_area, fb_area] = if body.width >= SIDE_BY_SIDE {
                    Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                        .areas(body)
                } else {
                    // The card takes what it needs, up to 45% of the
                    // height; the feedback gets the rest.
                    let needed = wrap(
                        &card_lines(state, card, Some(f), &t),
                        body.width.saturating_sub(2) as usize,
                    )
                    .len() as u16
                        + 2;
                    let most = (body.height * 45 / 100).max(3);
                    Layout::vertical([Constraint::Length(needed.min(most)), Constraint::Min(3)])
                        .areas(body)
                };
                draw_card(state, card, Some(f), &t, frame, card_area);
                draw_feedback(state, f, &t, frame, fb_area);
                draw_rating(f, &t, frame, rating);
            }
        }
    }
    draw_message(state, &t, frame, message);
    frame.render_widget(Paragraph::new(Line::styled(state.help(), t.dim())), help);
}

fn draw_header(state: &State, t: &Theme, frame: &mut Frame, area: Rect) {
    let c = state.counts;
    let counts = Line::from(vec![
        Span::styled(
            c.new.to_string(),
            t.fg(Color::Blue).add_modifier(Modifier::BOLD),
        ),
        Span::raw(" new  "),
        Span::styled(
            c.learning.to_string(),
            t.fg(Color::Red).add_modifier(Modifier::BOLD),
        ),
        Span::raw(" learning  "),
        Span::styled(
            c.review.to_string(),
            t.fg(Color::Green).add_modifier(Modifier::BOLD),
        ),
        Span::raw(" review"),
    ]);
    let width = counts.width() as u16;
    let [left, right] = Layout::horizontal([
        Constraint::Min(0),
        Constraint::Length(width.min(area.width)),
    ])
    .areas(area);
    let title = match (&state.card, &state.summary) {
        (_, Some(_)) => " docket · session over".to_string(),
        (Some(card), None) => format!(" docket · {} card", card.kind),
        (None, None) => " docket".to_string(),
    };
    frame.render_widget(Paragraph::new(Line::styled(title, t.bold())), left);
    frame.render_widget(Paragraph::new(counts).alignment(Alignment::Right), right);
}

/// The card's lines: prompt, options (marked after the answer), hint.
fn card_lines(
    state: &State,
    card: &CardView,
    feedback: Option<&FeedbackView>,
    t: &Theme,
) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> =
        vec![Line::styled(card.prompt.clone(), t.bold()), Line::raw("")];
    // After the answer, choice options are marked right (✓) or wrongly picked (✗).
    let right: Vec<char> = feedback
        .map(|f| {
            f.expected_response
                .chars()
                .filter(|c| c.is_alphabetic())
                .collect()
        })
        .unwrap_or_default();
    let answering = feedback.is_none() && state.awaiting == Awaiting::Answer;
    if state.is_order() {
        for (i, &p) in state.arrangement.iter().enumerate() {
            let o = &card.options[p];
            let here = answering && i == state.cursor;
            let text = format!(
                "{}{}. {}) {}",
                if here { "› " } else { "  " },
                i + 1,
                o.label,
                o.text
            );
            lines.push(Line::styled(
                text,
                if here { t.highlight() } else { Style::new() },
            ));
        }
        if let Some(f) = feedback {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!("right order: {}", f.expected_response),
                t.dim(),
            ));
        }
    } else {
        for (i, o) in card.options.iter().enumerate() {
            let picked = state.picked.get(i).copied().unwrap_or(false);
            let box_ = match (card.kind == "choice", card.multiple, picked) {
                (false, _, _) => "  ",
                (true, true, true) => "[x] ",
                (true, true, false) => "[ ] ",
                (true, false, true) => "(•) ",
                (true, false, false) => "( ) ",
            };
            let mark = match feedback {
                Some(_) if right.contains(&o.label) => Span::styled("✓ ", t.fg(Color::Green)),
                Some(_) if picked => Span::styled("✗ ", t.fg(Color::Red)),
                Some(_) => Span::raw("  "),
                None if answering && state.is_choice() && i == state.cursor => Span::raw("› "),
                None => Span::raw("  "),
            };
            let here = answering && state.is_choice() && i == state.cursor;
            let style = if here { t.highlight() } else { Style::new() };
            lines.push(Line::from(vec![
                mark,
                Span::styled(format!("{box_}{}) {}", o.label, o.text), style),
            ]));
        }
    }
    if feedback.is_none() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!("answer: {}", card.hint), t.dim()));
    }
    lines
}

fn card_block(card: &CardView, t: &Theme) -> Block<'static> {
    let mut title = vec![Span::raw(" Question ")];
    if card.changed {
        title.push(Span::styled(
            "changed since last time ",
            t.fg(Color::Yellow),
        ));
    }
    Block::default()
        .borders(Borders::ALL)
        .title(Line::from(title))
        .border_style(t.dim())
}

fn draw_card(
    state: &State,
    card: &CardView,
    feedback: Option<&FeedbackView>,
    t: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let block = card_block(card, t);
    let width = block.inner(area).width as usize;
    let lines = card_lines(state, card, feedback, t);
    frame.render_widget(
        Paragraph::new(Text::from(wrap(&lines, width))).block(block),
        area,
    );
}

fn draw_answer_field(state: &State, t: &Theme, frame: &mut Frame, area: Rect) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Your answer ")
        .border_style(t.fg(Color::Cyan));
    let inner = block.inner(area);
    let prefix = "› ";
    let room = (inner.width as usize).saturating_sub(prefix.width());
    // The part of the line around the cursor, cut at whole characters.
    let (shown, col) = state.input.window(room);
    frame.render_widget(
        Paragraph::new(Line::raw(format!("{prefix}{shown}"))).block(block),
        area,
    );
    if state.confirm.is_none() && state.summary.is_none() {
        frame.set_cursor_position((
            inner.x + (prefix.width() + col).min(inner.width.saturating_sub(1) as usize) as u16,
            inner.y,
        ));
    }
}

fn draw_feedback(state: &State, f: &FeedbackView, t: &Theme, frame: &mut Frame, area: Rect) {
    let (title, style) = match f.correct {
        Some(true) => (" ✓ right ", t.fg(Color::Green).add_modifier(Modifier::BOLD)),
        Some(false) => (" ✗ wrong ", t.fg(Color::Red).add_modifier(Modifier::BOLD)),
        None => (" Answer ", t.bold()),
    };
    // The card id is shown once the card is answered, where it is always
    // in view however far the feedback scrolls.
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title, style))
        .title_bottom(Line::styled(format!(" card {} ", f.card_id), t.dim()).right_aligned())
        .border_style(style);
    let label = |l: &'static str| Span::styled(l, t.dim());
    let mut lines: Vec<Line> = Vec::new();
    if let Some(r) = &f.response {
        lines.push(Line::from(vec![label("you:     "), Span::raw(r.clone())]));
    }
    if let Some(n) = &f.note {
        lines.push(Line::styled(n.clone(), t.fg(Color::Yellow)));
    }
    lines.push(Line::from(vec![
        label("answer:  "),
        Span::styled(f.expected.clone(), t.bold()),
    ]));
    if f.expected_response != f.expected {
        lines.push(Line::from(vec![
            label("type:    "),
            Span::raw(f.expected_response.clone()),
        ]));
    }
    if let Some(e) = &f.explanation {
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![label("why:     "), Span::raw(e.clone())]));
    }
    for e in &f.evidence {
        lines.push(Line::raw(""));
        if let Some(q) = &e.quote {
            lines.push(Line::styled(
                format!("“{q}”"),
                Style::new().add_modifier(Modifier::ITALIC),
            ));
        }
        let mut src = e.title.clone();
        for extra in [&e.publisher, &e.date].into_iter().flatten() {
            src.push_str(", ");
            src.push_str(extra);
        }
        lines.push(Line::styled(format!("— {src}"), t.dim()));
    }
    if let Some(d) = &f.differs {
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled("differs: ", t.fg(Color::Yellow)),
            Span::raw(d.clone()),
        ]));
    }
    let inner = block.inner(area);
    let lines = wrap(&lines, inner.width as usize);
    // Scroll no further than the last line.
    let top = state
        .scroll
        .min((lines.len() as u16).saturating_sub(inner.height));
    let block = if (lines.len() as u16).saturating_sub(top) > inner.height {
        block.title_bottom(Line::styled(" ↓ more: j / ↓ ", t.fg(Color::Cyan)))
    } else if top > 0 {
        block.title_bottom(Line::styled(" ↑ k / ↑ ", t.fg(Color::Cyan)))
    } else {
        block
    };
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .block(block)
            .scroll((top, 0)),
        area,
    );
}

fn draw_rating(f: &FeedbackView, t: &Theme, frame: &mut Frame, area: Rect) {
    let [buttons, reason] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    let colours = [Color::Red, Color::Yellow, Color::Green, Color::Blue];
    let mut spans = Vec::new();
    for (i, r) in Rating::ALL.into_iter().enumerate() {
        let name = match r {
            Rating::Again => "Again",
            Rating::Hard => "Hard",
            Rating::Good => "Good",
            Rating::Easy => "Easy",
        };
        let text = format!(" {} {name} {} ", r.number(), f.intervals[i]);
        let mut style = t.fg(colours[i]);
        if f.proposed == Some(r) {
            style = style.add_modifier(Modifier::REVERSED | Modifier::BOLD);
        }
        spans.push(Span::styled(text, style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), buttons);
    let why = match (&f.proposed, &f.reason) {
        (Some(_), Some(r)) => format!("proposed {r} (Enter accepts)"),
        (Some(p), None) => format!("proposed {} (Enter accepts)", p.name()),
        (None, _) => "how well did you know it? rate it 1-4".to_string(),
    };
    frame.render_widget(Paragraph::new(Line::styled(why, t.dim())), reason);
}

fn draw_message(state: &State, t: &Theme, frame: &mut Frame, area: Rect) {
    let line = if let Some(c) = state.confirm {
        Line::styled(
            c.question(),
            t.fg(Color::Yellow).add_modifier(Modifier::BOLD),
        )
    } else if state.input.text().starts_with(':') {
        Line::raw(state.input.text().to_string())
    } else if let Some((tone, m)) = state.messages.last() {
        let style = match tone {
            Tone::Info => t.fg(Color::Cyan),
            Tone::Warn => t.fg(Color::Yellow),
        };
        Line::styled(m.clone(), style)
    } else {
        Line::raw("")
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_summary(s: &Summary, t: &Theme, frame: &mut Frame, area: Rect) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(" Session over ", t.bold()))
        .border_style(t.fg(Color::Cyan));
    let r = s.remaining;
    let next = match s.next_due_ms {
        Some(ms) => s.now.human(ms),
        None => "nothing scheduled".to_string(),
    };
    let lines = vec![
        Line::from(vec![
            Span::styled("cards:      ", t.dim()),
            Span::raw(format!(
                "{} answered, {} right, {} again",
                s.seen, s.correct, s.again
            )),
        ]),
        Line::from(vec![
            Span::styled("time:       ", t.dim()),
            Span::raw(super::super::minutes(s.elapsed_ms)),
        ]),
        Line::from(vec![
            Span::styled("left today: ", t.dim()),
            Span::raw(format!(
                "{} new · {} learning · {} review",
                r.new, r.learning, r.review
            )),
        ]),
        Line::from(vec![
            Span::styled("next card:  ", t.dim()),
            Span::styled(next, t.bold()),
        ]),
        Line::raw(""),
        Line::styled("Every answer is saved.", t.dim()),
    ];
    let width = block.inner(area).width as usize;
    frame.render_widget(
        Paragraph::new(Text::from(wrap(&lines, width))).block(block),
        area,
    );
}
