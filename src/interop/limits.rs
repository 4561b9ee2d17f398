//! Limits on untrusted input. An imported file is read whole, so every
//! format is bounded by [`MAX_INPUT_BYTES`]; Anki packages are zip archives
//! and are further bounded in entries, unpacked sizes and compression ratio
//! so that a zip bomb is refused before it is inflated.

/// The largest file `docket import` reads (a 100,000-note package with
/// media stripped is about 20 MB).
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// The most entries a package may hold (Anki packages hold the collection,
/// the media map and one entry per media file).
pub const MAX_ZIP_ENTRIES: usize = 100_000;

/// The largest unpacked size of the collection database (a 100,000-note
/// collection is well under 100 MB; the database is held in memory while
/// it is read).
pub const MAX_COLLECTION_BYTES: u64 = 256 * 1024 * 1024;

/// The most bytes all the entries read from one package may unpack to
/// together: a package that inflates past this is refused, whatever each
/// entry claims.
pub const MAX_TOTAL_INFLATED_BYTES: u64 = 320 * 1024 * 1024;

/// The longest field (question, answer, note…) converted, in bytes before
/// any HTML is removed; a card with a longer one is skipped.
pub const MAX_FIELD_BYTES: usize = 1024 * 1024;

/// HTML nested deeper than this is converted by a one-pass stripper rather
/// than a DOM (whose time grows superlinearly with depth).
pub const MAX_HTML_DEPTH: usize = 256;

/// HTML with more tags than this in one field is converted the same way.
pub const MAX_HTML_TAGS: usize = 20_000;

/// The largest unpacked size of the small entries read as text (`media`, `meta`).
pub const MAX_SMALL_ENTRY_BYTES: u64 = 16 * 1024 * 1024;

/// The highest unpacked/packed ratio accepted for an entry. SQLite files
/// compress well (a fresh collection is ~40:1), so this is generous, but
/// zip bombs reach 1000:1 and more (and a 166:1 package inflated a 6 MB
/// file to 1 GiB).
pub const MAX_COMPRESSION_RATIO: u64 = 100;

/// The most cards one import may create.
pub const MAX_CARDS: usize = 1_000_000;
