//! Anki packages (`.apkg`): a zip holding a collection (an SQLite
//! database), a media map and, in current packages, a `meta` entry.
//!
//! Import prefers `collection.anki21b` (zstd-compressed, schema 18, beside
//! a dummy `collection.anki2` that only says "please upgrade"), then
//! `collection.anki21`, then `collection.anki2` (schema 11). Export writes
//! a schema-11 `collection.anki2`, which every Anki since 2.1 imports, with
//! a note type named after docket so it never collides with "Basic".

pub mod archive;
pub mod collection;
pub mod export;
pub mod history;
pub mod import;
mod note;
pub mod progress;
pub mod protobuf;
pub mod replay;
pub mod templates;

pub use export::export;
pub use import::import;

/// The name of the note type docket's packages use.
pub const NOTETYPE_NAME: &str = "docket";

/// The fields of docket's note type, in order. `Options` lists a choice
/// card's options or an order card's items for Anki to show; `Type` is what
/// Anki asks to type for number and date cards; `Docket` (shown by no
/// template) holds the card's kind and answer keys as TOML, so that docket
/// reads every kind back exactly.
pub const FIELDS: [&str; 8] = [
    "Prompt",
    "Answer",
    "Explanation",
    "Source",
    "Quote",
    "Options",
    "Type",
    "Docket",
];

/// The cloze note type docket's packages use for cloze cards.
pub const CLOZE_NOTETYPE_NAME: &str = "docket cloze";

/// The fields of docket's cloze note type.
pub const CLOZE_FIELDS: [&str; 4] = ["Text", "Explanation", "Source", "Quote"];
