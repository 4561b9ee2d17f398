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

/// The largest unpacked size of the collection database.
pub const MAX_COLLECTION_BYTES: u64 = 1024 * 1024 * 1024;

/// The largest unpacked size of the small entries read as text (`media`, `meta`).
pub const MAX_SMALL_ENTRY_BYTES: u64 = 16 * 1024 * 1024;

/// The highest unpacked/packed ratio accepted for an entry. SQLite files
/// compress well (a fresh collection is ~40:1), so this is generous, but
/// zip bombs reach 1000:1 and more.
pub const MAX_COMPRESSION_RATIO: u64 = 200;

/// The most cards one import may create.
pub const MAX_CARDS: usize = 1_000_000;
