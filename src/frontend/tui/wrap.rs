//! Word wrapping by display width: lines of styled text broken at spaces
//! (and beside wide CJK characters, where a line may break without a
//! space), never past the width. Widths are those of `unicode-width` over
//! grapheme clusters, so combining marks and emoji sequences count as
//! the terminal draws them. Used instead of ratatui's own wrapping, which
//! lets a wide character spill one column over the edge.

use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::text::Span;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

struct Cell<'a> {
    g: &'a str,
    width: usize,
    style: Style,
}

/// Wraps one line into lines no wider than `width` columns.
pub fn wrap_line(line: &Line<'_>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(2);
    let cells: Vec<Cell> = line
        .spans
        .iter()
        .flat_map(|s| {
            let style = line.style.patch(s.style);
            s.content.graphemes(true).map(move |g| Cell {
                g,
                width: g.width(),
                style,
            })
        })
        .collect();
    let mut out: Vec<Vec<&Cell>> = vec![Vec::new()];
    let mut used = 0usize;
    for cell in &cells {
        let space = cell.g.chars().all(char::is_whitespace);
        let lines = out.len();
        let cur = out.last_mut().expect("one line at least");
        if space && cur.is_empty() && lines > 1 {
            // No spaces at the start of a wrapped line.
            continue;
        }
        if used + cell.width > width {
            if space {
                out.push(Vec::new());
                used = 0;
                continue;
            }
            // Carry the word being written over, from its last break.
            let cut = last_break(cur);
            let carried: Vec<&Cell> = match cut {
                Some(i) => cur.split_off(i),
                None => Vec::new(),
            };
            while cur
                .last()
                .is_some_and(|c| c.g.chars().all(char::is_whitespace))
            {
                cur.pop();
            }
            used = carried.iter().map(|c| c.width).sum();
            out.push(carried);
        }
        out.last_mut().expect("one line at least").push(cell);
        used += cell.width;
    }
    out.into_iter().map(|cells| to_line(&cells)).collect()
}

/// Where the current line may break: after its last space, or beside a
/// wide character.
fn last_break(cells: &[&Cell]) -> Option<usize> {
    (1..=cells.len()).rev().find(|&i| {
        let before = cells[i - 1];
        let after_wide = cells.get(i).is_some_and(|c| c.width > 1);
        before.g.chars().all(char::is_whitespace) || before.width > 1 || after_wide
    })
}

fn to_line(cells: &[&Cell]) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut text = String::new();
    let mut style = None;
    for c in cells {
        if style.is_some_and(|s| s != c.style) {
            spans.push(Span::styled(
                std::mem::take(&mut text),
                style.unwrap_or_default(),
            ));
        }
        style = Some(c.style);
        text.push_str(c.g);
    }
    if let Some(s) = style {
        spans.push(Span::styled(text, s));
    }
    Line::from(spans)
}

/// Wraps every line; returns the lines to draw.
pub fn wrap(lines: &[Line<'_>], width: usize) -> Vec<Line<'static>> {
    lines.iter().flat_map(|l| wrap_line(l, width)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, width: usize) -> Vec<String> {
        wrap_line(&Line::raw(text.to_string()), width)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn words_are_not_split_and_lines_fit() {
        assert_eq!(texts("the quick brown fox", 10), ["the quick", "brown fox"]);
        let k = "漢字".repeat(17);
        for (text, w) in [
            (format!("abcdefghij {k}"), 78),
            (format!("naïve e\u{301} 🗼 👩‍👩‍👧 {k}"), 20),
            ("a verylongwordthatcannotfit here".to_string(), 8),
        ] {
            for line in texts(&text, w) {
                assert!(line.width() <= w, "{line:?} wider than {w}");
            }
        }
        assert_eq!(
            texts("abcdefghij 漢字漢字", 14),
            ["abcdefghij 漢", "字漢字"]
        );
        assert_eq!(
            texts("e\u{301}e\u{301}e\u{301}", 2),
            ["e\u{301}e\u{301}", "e\u{301}"]
        );
    }
}
