//! Import and export: the formats instructors and students already use.
//!
//! Each format lives in its own module and offers an importer (bytes of an
//! untrusted file → [`Imported`]) and/or an exporter (a checked deck →
//! bytes). This module is the registry: [`Format`] names them, picks one
//! from a file extension, and dispatches. Writing files (atomically, never
//! overwriting without `--force`) is [`output`]'s job; the CLI commands in
//! `cli/import_cmd.rs` and `cli/export_cmd.rs` only glue these together.

pub mod aiken;
pub mod apkg;
pub mod build;
pub mod csv;
pub mod gift;
pub mod html;
pub mod limits;
pub mod markdown;
pub mod moodle_xml;
pub mod output;
pub mod quiz_form;

use std::fmt;
use std::path::Path;

use crate::deck::Deck;
use crate::diagnostic::Diagnostic;

/// The formats docket reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Anki package (`.apkg`).
    Apkg,
    /// Comma-separated text, as Anki, spreadsheets and Quizlet write it.
    Csv,
    /// Tab-separated text (Anki's own text export).
    Tsv,
    /// Moodle GIFT.
    Gift,
    /// Aiken (multiple choice only; import).
    Aiken,
    /// A Markdown study sheet (export).
    Md,
    /// Moodle XML, Moodle's own question-bank format.
    MoodleXml,
}

impl Format {
    /// The format's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Apkg => "apkg",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Gift => "gift",
            Format::Aiken => "aiken",
            Format::Md => "md",
            Format::MoodleXml => "moodle-xml",
        }
    }

    /// Guesses the format from a file name's extension.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "apkg" | "colpkg" => Format::Apkg,
            "csv" => Format::Csv,
            "tsv" | "txt" => Format::Tsv,
            "gift" => Format::Gift,
            "aiken" => Format::Aiken,
            "md" | "markdown" => Format::Md,
            "xml" => Format::MoodleXml,
            _ => return None,
        })
    }

    /// Whether docket can read this format.
    pub fn can_import(self) -> bool {
        !matches!(self, Format::Md)
    }

    /// Whether docket can write this format.
    pub fn can_export(self) -> bool {
        !matches!(self, Format::Aiken)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Something in the input that did not become a card (or, on export, a
/// card the format cannot carry), with where it was and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Where: "line 12", "note 1612345678901", "card `charge-x`".
    pub item: String,
    /// Why it was left out.
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.item, self.reason)
    }
}

/// The outcome of reading a file in another format.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The deck built from it.
    pub deck: Deck,
    /// What could not be converted, item by item.
    pub skipped: Vec<Skipped>,
    /// What was converted but not carried in full (partial credit, a
    /// feedback, a unit, a media file…), item by item.
    pub notes: Vec<Skipped>,
}

/// Why an import failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not what it claims, or is unsafe to open; nothing was converted.
    #[error("{0}")]
    Invalid(String),
    /// Syntax errors located in the (text) input, to be rendered with the text.
    #[error("{} syntax error{} in the file", .diagnostics.len(), if .diagnostics.len() == 1 { "" } else { "s" })]
    Syntax {
        /// The file's text, for rendering.
        text: String,
        /// Located errors.
        diagnostics: Vec<Diagnostic>,
    },
}

impl ImportError {
    /// A whole-file failure.
    pub fn invalid(msg: impl Into<String>) -> Self {
        ImportError::Invalid(msg.into())
    }
}

/// Reads `bytes` (the contents of `name`) in `format`. A deck too large
/// for docket to read back (see [`check_deck_size`]) is refused here, so an
/// import never writes a deck that `check` and `study` then refuse.
pub fn import(format: Format, name: &str, bytes: &[u8]) -> Result<Imported, ImportError> {
    let imported = match format {
        Format::Apkg => apkg::import(name, bytes),
        Format::Csv | Format::Tsv => csv::import(name, bytes, format),
        Format::Gift => gift::import(name, bytes),
        Format::Aiken => aiken::import(name, bytes),
        Format::MoodleXml => moodle_xml::import(name, bytes),
        Format::Md => Err(ImportError::invalid(
            "Markdown study sheets are an export only; import the deck they came from",
        )),
    }?;
    let estimate = estimated_deck_bytes(&imported.deck);
    if estimate > crate::deck::MAX_DECK_BYTES {
        return Err(too_large(estimate));
    }
    Ok(imported)
}

fn too_large(bytes: u64) -> ImportError {
    ImportError::invalid(format!(
        "the converted deck would be about {} MiB, more than the {} MiB that `docket check` and `docket study` read; split the file and import it in parts",
        bytes >> 20,
        crate::deck::MAX_DECK_BYTES >> 20
    ))
}

/// A lower bound of the size of a deck written as TOML: its texts and a
/// little per card (keys, quotes). Cheap enough to run before writing.
pub fn estimated_deck_bytes(deck: &Deck) -> u64 {
    use crate::deck::model::Answer;
    deck.cards
        .iter()
        .map(|c| {
            let answer: usize = match &c.answer {
                Answer::Basic { answer, accept } => {
                    answer.len() + accept.iter().map(String::len).sum::<usize>()
                }
                Answer::Choice { options, .. } => options.iter().map(String::len).sum(),
                Answer::Order(items) => items.iter().map(String::len).sum(),
                Answer::Cloze(_) => 0,
                _ => 16,
            };
            (c.id.len()
                + c.prompt.len()
                + answer
                + c.explanation.as_ref().map_or(0, String::len)
                + c.topics.iter().map(String::len).sum::<usize>()
                + 48) as u64
        })
        .sum()
}

/// Checks a deck's TOML text, about to be written, against the size
/// `docket check` and `docket study` read ([`crate::deck::MAX_DECK_BYTES`]).
pub fn check_deck_size(text: &str) -> Result<(), ImportError> {
    if text.len() as u64 > crate::deck::MAX_DECK_BYTES {
        return Err(too_large(text.len() as u64));
    }
    Ok(())
}

/// The bytes of `deck` in `format`, and the cards the format could not carry.
pub fn export(format: Format, deck: &Deck) -> anyhow::Result<(Vec<u8>, Vec<Skipped>)> {
    Ok(match format {
        Format::Apkg => apkg::export(deck)?,
        Format::Csv | Format::Tsv => csv::export(deck, format),
        Format::Gift => gift::export(deck),
        Format::Md => (markdown::export(deck).into_bytes(), Vec::new()),
        Format::MoodleXml => moodle_xml::export(deck),
        Format::Aiken => anyhow::bail!("docket does not write Aiken; use --to gift"),
    })
}
