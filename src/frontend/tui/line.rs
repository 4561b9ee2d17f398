//! The answer field's line editor: a cursor that moves by grapheme (what a
//! reader sees as one character, so an accent or an emoji sequence is
//! never split), editing at the cursor with readline's keys, a bound on
//! the length (a pasted file must not grow memory without end), and the
//! part of the line that fits a width, measured in display columns (a CJK
//! character takes two).

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The longest answer the field takes, in characters: far beyond any
/// answer, small enough that a paste or a stuck key costs nothing.
pub const MAX_ANSWER_CHARS: usize = 1000;

/// A line being edited: its text and the cursor, a byte offset that is
/// always on a grapheme boundary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEdit {
    text: String,
    cursor: usize,
}

/// What an edit did, when it was not simply done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Done.
    Done,
    /// Not taken: the line is at [`MAX_ANSWER_CHARS`].
    Full,
}

impl LineEdit {
    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor, a byte offset into [`LineEdit::text`].
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Replaces the text; the cursor goes to its end.
    pub fn set(&mut self, text: &str) {
        self.text = text.to_string();
        self.cursor = self.text.len();
    }

    /// Empties the line, handing back what it held.
    pub fn take(&mut self) -> String {
        self.cursor = 0;
        std::mem::take(&mut self.text)
    }

    /// Empties the line.
    pub fn clear(&mut self) {
        self.take();
    }

    /// Inserts a character at the cursor, unless the line is full.
    pub fn insert(&mut self, c: char) -> Edit {
        if self.text.chars().count() >= MAX_ANSWER_CHARS {
            return Edit::Full;
        }
        self.text.insert(self.cursor, c);
        self.cursor += c.len_utf8();
        // A combining mark joins the grapheme before it: keep the cursor
        // on a boundary (after the grapheme it now belongs to).
        self.cursor = self.next_boundary(self.cursor.saturating_sub(c.len_utf8()));
        Edit::Done
    }

    /// Byte offsets of every grapheme boundary, 0 and the end included.
    fn boundaries(&self) -> impl Iterator<Item = usize> + '_ {
        self.text
            .grapheme_indices(true)
            .map(|(i, _)| i)
            .chain(std::iter::once(self.text.len()))
    }

    fn prev_boundary(&self, at: usize) -> usize {
        self.boundaries()
            .take_while(|&b| b < at)
            .last()
            .unwrap_or(0)
    }

    fn next_boundary(&self, at: usize) -> usize {
        self.boundaries()
            .find(|&b| b > at)
            .unwrap_or(self.text.len())
    }

    /// One grapheme left.
    pub fn left(&mut self) {
        self.cursor = self.prev_boundary(self.cursor);
    }

    /// One grapheme right.
    pub fn right(&mut self) {
        self.cursor = self.next_boundary(self.cursor);
    }

    /// To the start (Home, Ctrl-A).
    pub fn home(&mut self) {
        self.cursor = 0;
    }

    /// To the end (End, Ctrl-E).
    pub fn end(&mut self) {
        self.cursor = self.text.len();
    }

    /// Deletes the grapheme before the cursor (Backspace).
    pub fn backspace(&mut self) {
        let from = self.prev_boundary(self.cursor);
        self.text.replace_range(from..self.cursor, "");
        self.cursor = from;
    }

    /// Deletes the grapheme under the cursor (Delete).
    pub fn delete(&mut self) {
        let to = self.next_boundary(self.cursor);
        self.text.replace_range(self.cursor..to, "");
    }

    /// Deletes the word before the cursor and the spaces after it
    /// (Ctrl-W, as in a shell).
    pub fn delete_word(&mut self) {
        let before = &self.text[..self.cursor];
        let trimmed = before.trim_end();
        let from = trimmed
            .unicode_word_indices()
            .next_back()
            .map_or(0, |(i, _)| i)
            .min(trimmed.len());
        // Punctuation after the last word goes with it.
        self.text.replace_range(from..self.cursor, "");
        self.cursor = from;
    }

    /// Deletes everything before the cursor (Ctrl-U).
    pub fn delete_to_start(&mut self) {
        self.text.replace_range(..self.cursor, "");
        self.cursor = 0;
    }

    /// Deletes everything from the cursor on (Ctrl-K).
    pub fn delete_to_end(&mut self) {
        self.text.truncate(self.cursor);
    }

    /// The part of the line shown in `width` columns, and the cursor's
    /// column in it: the line scrolls by whole graphemes so the cursor is
    /// always in view, with a column left for it at the end.
    pub fn window(&self, width: usize) -> (&str, usize) {
        let room = width.saturating_sub(1).max(1);
        let before = &self.text[..self.cursor];
        let mut start = 0;
        let mut col = before.width();
        // Drop whole graphemes from the left until the cursor fits.
        if col > room {
            for (i, g) in before.grapheme_indices(true) {
                if col <= room {
                    break;
                }
                col -= g.width();
                start = i + g.len();
            }
        }
        // Then as much of the rest as fits.
        let mut end = start;
        let mut used = 0;
        for (i, g) in self.text[start..].grapheme_indices(true) {
            if used + g.width() > width {
                break;
            }
            used += g.width();
            end = start + i + g.len();
        }
        (&self.text[start..end], col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, cursor: usize) -> LineEdit {
        let mut l = LineEdit::default();
        l.set(text);
        l.cursor = cursor;
        l
    }

    #[test]
    fn the_cursor_moves_by_grapheme() {
        // "é" as e + combining acute, a CJK character, a family emoji.
        let mut l = line("e\u{301}漢👨\u{200d}👩\u{200d}👧x", 0);
        l.right();
        assert_eq!(l.cursor(), 3, "past e and its accent together");
        l.right();
        assert_eq!(l.cursor(), 6);
        l.right();
        assert_eq!(&l.text()[l.cursor()..], "x", "the whole emoji sequence");
        l.left();
        assert_eq!(l.cursor(), 6);
        l.home();
        assert_eq!(l.cursor(), 0);
        l.left();
        assert_eq!(l.cursor(), 0, "nothing before the start");
        l.end();
        l.right();
        assert_eq!(l.cursor(), l.text().len(), "nothing after the end");
    }

    #[test]
    fn editing_happens_at_the_cursor() {
        let mut l = line("Pars", 3);
        assert_eq!(l.insert('i'), Edit::Done);
        assert_eq!((l.text(), l.cursor()), ("Paris", 4));
        l.home();
        l.delete();
        assert_eq!(l.text(), "aris");
        l.end();
        l.backspace();
        assert_eq!((l.text(), l.cursor()), ("ari", 3));
        let mut l = line("漢字e\u{301}", 0);
        l.end();
        l.backspace();
        assert_eq!(l.text(), "漢字", "the accent goes with its letter");
        l.home();
        l.delete();
        assert_eq!(l.text(), "字");
        // A combining mark typed after a letter keeps the cursor after both.
        let mut l = line("e", 1);
        l.insert('\u{301}');
        assert_eq!(l.cursor(), 3);
    }

    #[test]
    fn ctrl_w_u_and_k_delete_words_and_halves() {
        let mut l = line("the battle of Hastings  ", 24);
        l.delete_word();
        assert_eq!(l.text(), "the battle of ");
        l.delete_word();
        assert_eq!(l.text(), "the battle ");
        let mut l = line("the battle of Hastings", 10);
        l.delete_to_start();
        assert_eq!((l.text(), l.cursor()), (" of Hastings", 0));
        l.right();
        l.delete_to_end();
        assert_eq!(l.text(), " ");
        let mut l = line("   ", 3);
        l.delete_word();
        assert_eq!(l.text(), "");
    }

    #[test]
    fn the_line_is_bounded() {
        let mut l = LineEdit::default();
        for _ in 0..MAX_ANSWER_CHARS {
            assert_eq!(l.insert('漢'), Edit::Done);
        }
        assert_eq!(l.insert('x'), Edit::Full);
        assert_eq!(l.text().chars().count(), MAX_ANSWER_CHARS);
    }

    #[test]
    fn the_window_keeps_the_cursor_in_view_by_display_width() {
        let l = line("abc", 3);
        assert_eq!(l.window(10), ("abc", 3));
        // Ten CJK characters are twenty columns; in 9 columns the cursor at
        // the end needs one column, so four characters (8 columns) show.
        let cjk = "一二三四五六七八九十";
        let l = line(cjk, cjk.len());
        assert_eq!(l.window(9), ("七八九十", 8));
        // At the start, the beginning shows and no half character.
        let l = line(cjk, 0);
        assert_eq!(l.window(9), ("一二三四", 0));
        let l = line(cjk, 3 * 5);
        let (shown, col) = l.window(9);
        assert!(shown.starts_with('二'), "{shown}");
        assert_eq!(col, 8);
    }
}
