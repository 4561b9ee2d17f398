//! Stage 1 of the data flow: deck files → parsed [`model::Deck`].
//!
//! [`read_deck_file`] reads one file defensively (size limit, UTF-8, binary
//! detection) and [`parse::parse_deck`] turns its text into a deck plus every
//! diagnostic found on the way.

pub mod cloze;
pub mod date;
pub mod layout;
pub mod model;
pub mod number;
pub mod parse;
pub mod write;

use std::io::Read;
use std::path::Path;
use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity;

pub use layout::MAX_NESTING;
pub use model::Card;
pub use model::Deck;

/// Deck files larger than this are refused unread: a deck of 100,000 cards
/// is about 41 MB, so this leaves room while bounding memory.
pub const MAX_DECK_BYTES: u64 = 128 * 1024 * 1024;

/// One deck file after reading and parsing.
#[derive(Debug, Clone)]
pub struct LoadedDeck {
    /// The path as given.
    pub path: PathBuf,
    /// The file's text ("" when it could not be read as text).
    pub text: String,
    /// The deck, when it parsed well enough to use.
    pub deck: Option<Deck>,
    /// Everything wrong with it.
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadedDeck {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    fn failed(path: &Path, text: String, d: Diagnostic) -> Self {
        LoadedDeck {
            path: path.to_path_buf(),
            text,
            deck: None,
            diagnostics: vec![d],
        }
    }
}

/// Reads and parses one deck file.
pub fn read_deck_file(path: &Path) -> LoadedDeck {
    match read_deck_bytes(path) {
        Ok(bytes) => parse_deck_bytes(path, bytes),
        Err(failed) => *failed,
    }
}

/// Reads and parses one deck file like [`read_deck_file`], with the same
/// diagnostics, but hands its cards to `visit` in chunks and keeps none
/// (see [`parse::parse_deck_in_chunks`]). The loaded deck has no cards
/// (and is `None` exactly when [`read_deck_file`]'s would be); the number
/// is how many cards it has.
pub fn read_deck_file_in_chunks(
    path: &Path,
    chunk: usize,
    visit: &mut dyn parse::ChunkVisitor,
) -> (LoadedDeck, usize) {
    let text = match read_deck_bytes(path).and_then(|bytes| deck_text(path, bytes)) {
        Ok(text) => text,
        Err(failed) => return (*failed, 0),
    };
    let (deck, count, diagnostics) = parse::parse_deck_in_chunks(path, &text, chunk, visit);
    let loaded = loaded(path, text, deck, diagnostics);
    let count = if loaded.deck.is_some() { count } else { 0 };
    (loaded, count)
}

/// Parses a deck's text like [`read_deck_file_in_chunks`] parses a file's,
/// with the same checks of its bytes and the same diagnostics, but borrows
/// the text: an import proves the very buffer it is writing, while it
/// writes it. The loaded deck holds no text (the caller has it; a leading
/// byte-order mark is not part of the text the spans point into).
pub fn parse_deck_str_in_chunks(
    path: &Path,
    text: &str,
    chunk: usize,
    visit: &mut dyn parse::ChunkVisitor,
) -> (LoadedDeck, usize) {
    if let Some(d) = bytes_problem(text.as_bytes()) {
        return (LoadedDeck::failed(path, String::new(), d), 0);
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let (deck, count, diagnostics) = parse::parse_deck_in_chunks(path, text, chunk, visit);
    let loaded = loaded(path, String::new(), deck, diagnostics);
    let count = if loaded.deck.is_some() { count } else { 0 };
    (loaded, count)
}

/// The parsed deck is unusable when its TOML is broken anywhere.
fn loaded(
    path: &Path,
    text: String,
    deck: Option<Deck>,
    diagnostics: Vec<Diagnostic>,
) -> LoadedDeck {
    LoadedDeck {
        path: path.to_path_buf(),
        deck: if diagnostics.iter().any(|d| d.code == "toml-syntax") {
            None
        } else {
            deck
        },
        text,
        diagnostics,
    }
}

/// Reads a deck file's bytes, refusing what is not a regular file or is
/// too large.
fn read_deck_bytes(path: &Path) -> Result<Vec<u8>, Box<LoadedDeck>> {
    let fail = |msg: String, help: &str| {
        Err(Box::new(LoadedDeck::failed(
            path,
            String::new(),
            Diagnostic::whole_file(Severity::Error, "unreadable", msg).with_help(help),
        )))
    };
    // Opening a FIFO or a device could block for ever: only read regular files.
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => {
            return fail(
                "this is not a regular file".into(),
                "name a deck file, or a directory of them",
            );
        }
        Err(e) => {
            return fail(
                format!("cannot read the file: {e}"),
                "check the path and its permissions",
            );
        }
        Ok(_) => {}
    }
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return fail(
                format!("cannot open the file: {e}"),
                "check the path and its permissions",
            );
        }
    };
    // Sized from the file's length up front, so a large deck is read into
    // one allocation rather than a doubling series of them.
    let expected = file
        .metadata()
        .map_or(0, |m| m.len().min(MAX_DECK_BYTES) + 1);
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    if let Err(e) = file.take(MAX_DECK_BYTES + 1).read_to_end(&mut bytes) {
        return fail(
            format!("cannot read the file: {e}"),
            "is it a directory or a special file?",
        );
    }
    if bytes.len() as u64 > MAX_DECK_BYTES {
        return fail(
            format!(
                "the file is larger than the {} MiB limit for decks",
                MAX_DECK_BYTES >> 20
            ),
            "split it into several decks in one directory",
        );
    }
    Ok(bytes)
}

/// Parses deck bytes (already read) from `path`.
pub fn parse_deck_bytes(path: &Path, bytes: Vec<u8>) -> LoadedDeck {
    match deck_text(path, bytes) {
        Ok(text) => {
            let (deck, diagnostics) = parse::parse_deck(path, &text);
            loaded(path, text, deck, diagnostics)
        }
        Err(failed) => *failed,
    }
}

/// What makes bytes no deck before they are even text: too large, empty
/// (or blank) or binary.
fn bytes_problem(bytes: &[u8]) -> Option<Diagnostic> {
    let whole = |code, msg: String, help: &str| {
        Diagnostic::whole_file(Severity::Error, code, msg).with_help(help)
    };
    // The same limit as for files read from disk, so a deck made in memory
    // (by an import) passes only if it can be read back.
    if bytes.len() as u64 > MAX_DECK_BYTES {
        return Some(whole(
            "too-large",
            format!(
                "the deck is larger than the {} MiB limit for decks",
                MAX_DECK_BYTES >> 20
            ),
            "split it into several decks in one directory",
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Some(whole(
            "empty-file",
            "the file is empty".into(),
            "a deck needs a `[deck]` table and `[[card]]` tables; see docs/deck-format.md",
        ));
    }
    if let Some(nul) = memchr::memchr(0, bytes) {
        return Some(whole(
            "binary-file",
            format!("this is a binary file, not a TOML deck (a NUL byte at offset {nul})"),
            "deck files are UTF-8 text",
        ));
    }
    None
}

/// A deck's bytes as text: refused when too large, empty, binary or not
/// UTF-8; without a byte-order mark.
fn deck_text(path: &Path, bytes: Vec<u8>) -> Result<String, Box<LoadedDeck>> {
    if let Some(d) = bytes_problem(&bytes) {
        return Err(Box::new(LoadedDeck::failed(path, String::new(), d)));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
            let d = Diagnostic::error(
                "not-utf8",
                format!("the file is not valid UTF-8 (bad byte at offset {at})"),
                prefix.len()..prefix.len() + '\u{FFFD}'.len_utf8(),
            )
            .with_label("invalid UTF-8 here")
            .with_help("save the file as UTF-8");
            return Err(Box::new(LoadedDeck::failed(path, lossy, d)));
        }
    };
    // A byte-order mark is harmless, and editors do not count it as a
    // column: drop it, so positions on line 1 match what the author sees.
    let mut text = text;
    if text.starts_with('\u{FEFF}') {
        // In place: a copy of a large deck would double its memory.
        text.drain(..'\u{FEFF}'.len_utf8());
    }
    Ok(text)
}

/// The deck files a path names: the file itself, or the `*.toml` files
/// under a directory (recursively, sorted, hidden entries skipped).
pub fn deck_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let p = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let ft = entry.file_type()?;
            if ft.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "toml") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}
