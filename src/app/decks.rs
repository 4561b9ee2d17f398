//! Decks ready to study: named deck files (directories searched for
//! `*.toml`) or the bundled deck, loaded through the unchanged-file fast
//! path when possible, else parsed, checked and synced into the store.

use std::path::Path;
use std::path::PathBuf;

use rayon::prelude::*;
use sha2::Digest;

use super::AppError;
use super::AppResult;
use crate::check::CheckOptions;
use crate::check::CheckedDeck;
use crate::check::check_loaded;
use crate::deck::Deck;
use crate::deck::deck_files;
use crate::deck::model::DeckMeta;
use crate::deck::read_deck_file;
use crate::session::CardSource;
use crate::session::OneCard;
use crate::session::cards::CachedCards;
use crate::session::cards::DeckCards;
use crate::store::DeckCard;
use crate::store::DeckFile;
use crate::store::Store;
use crate::store::StoreResult;
use crate::store::SyncReport;

/// A deck ready to study: checked now, or unchanged since it was checked.
pub enum StudyDeck {
    /// Parsed and checked in this run.
    Full(CheckedDeck),
    /// Unchanged since last checked: cards are re-read one at a time from the store.
    Cached(CachedCards),
}

impl StudyDeck {
    /// The `[deck]` table.
    pub fn meta(&self) -> &DeckMeta {
        match self {
            StudyDeck::Full(d) => &d.deck().meta,
            StudyDeck::Cached(c) => c.meta(),
        }
    }

    /// Its cards, for a session.
    pub fn source(&self) -> Box<dyn CardSource + '_> {
        match self {
            StudyDeck::Full(d) => Box::new(DeckCards::new(d.deck())),
            StudyDeck::Cached(c) => Box::new(CardsRef(c)),
        }
    }
}

struct CardsRef<'a>(&'a CachedCards);

impl CardSource for CardsRef<'_> {
    fn meta(&self) -> &DeckMeta {
        self.0.meta()
    }

    fn card(&self, store: &dyn Store, card_id: &str) -> Option<OneCard> {
        self.0.card(store, card_id)
    }
}

/// A deck opened for study, with what syncing it into the store found.
pub struct OpenedDeck {
    /// The deck.
    pub deck: StudyDeck,
    /// What the sync found (all unchanged on the fast path).
    pub sync: SyncReport,
}

impl OpenedDeck {
    /// The `[deck]` table.
    pub fn meta(&self) -> &DeckMeta {
        self.deck.meta()
    }
}

/// Which decks to open: files found under the named paths, or (no paths
/// named) the bundled deck.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeckSelection {
    /// The bundled case deck.
    pub bundled: bool,
    /// Deck files, in the order named.
    pub files: Vec<PathBuf>,
}

impl DeckSelection {
    /// The deck files named by `paths` (directories searched for
    /// `*.toml`); no paths at all selects the bundled deck.
    pub fn resolve(paths: &[PathBuf]) -> AppResult<DeckSelection> {
        let mut files = Vec::new();
        for p in paths {
            match deck_files(p) {
                Ok(f) if f.is_empty() => {
                    return Err(AppError::Request(format!(
                        "{}: no `*.toml` decks there",
                        p.display()
                    )));
                }
                Ok(f) => files.extend(f),
                Err(e) => return Err(AppError::Request(format!("{}: {e}", p.display()))),
            }
        }
        Ok(DeckSelection {
            bundled: paths.is_empty(),
            files,
        })
    }
}

/// The identity of an in-memory deck for sync: its id and every card's id and content.
pub fn deck_hash(deck: &Deck) -> String {
    let mut h = sha2::Sha256::new();
    h.update(deck.meta.id.as_bytes());
    h.update(deck.meta.title.as_bytes());
    for c in &deck.cards {
        h.update([0]);
        h.update(c.id.as_bytes());
        h.update([0]);
        h.update(c.content_hash().as_bytes());
    }
    hex::encode(&h.finalize()[..16])
}

/// Up to this many cards are hashed on the calling thread (starting
/// rayon's pool costs more than hashing them).
const SERIAL_HASHES: usize = 256;

/// Syncs a deck into the store; `texts` are the cards' own texts, kept
/// for the unchanged-file fast path.
pub fn sync(
    store: &mut dyn Store,
    deck: &Deck,
    deck_hash: &str,
    texts: Option<Vec<String>>,
    now_ms: i64,
) -> StoreResult<SyncReport> {
    let mut texts = texts.map(|t| t.into_iter());
    // Hashing each card (SHA-256 of its content) is independent work: on
    // every core for a large deck, as parsing is.
    let hashes: Vec<String> = if deck.cards.len() <= SERIAL_HASHES {
        deck.cards.iter().map(|c| c.content_hash()).collect()
    } else {
        deck.cards.par_iter().map(|c| c.content_hash()).collect()
    };
    let cards: Vec<DeckCard> = deck
        .cards
        .iter()
        .zip(hashes)
        .map(|(c, content_hash)| DeckCard {
            card_id: c.id.clone(),
            content_hash,
            text: texts.as_mut().and_then(|t| t.next()),
        })
        .collect();
    store.sync_deck(&deck.meta.id, &deck.meta.title, deck_hash, &cards, now_ms)
}

/// Opens the bundled deck and syncs it.
pub(super) fn open_bundled(store: &mut dyn Store, now_ms: i64) -> AppResult<OpenedDeck> {
    let d = crate::bundled::case_deck().map_err(|e| AppError::Failed(e.to_string()))?;
    let hash = deck_hash(d.deck());
    let sync = sync(store, d.deck(), &hash, None, now_ms)?;
    Ok(OpenedDeck {
        deck: StudyDeck::Full(d),
        sync,
    })
}

/// Opens one deck file: the fast path when it is unchanged, else parse,
/// check, sync and remember it.
pub(super) fn open_file(store: &mut dyn Store, path: &Path, now_ms: i64) -> AppResult<OpenedDeck> {
    if let Some(c) = cached(store, path)? {
        return Ok(OpenedDeck {
            deck: StudyDeck::Cached(c),
            sync: SyncReport {
                unchanged: true,
                ..SyncReport::default()
            },
        });
    }
    let mut loaded = read_deck_file(path);
    let checked = check_loaded(&mut loaded, &CheckOptions::errors_only());
    let Some(checked) = checked else {
        let errors = loaded
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        return Err(AppError::invalid(
            loaded.path,
            loaded.text,
            errors,
            "fix the deck errors above (see `docket check`)",
        ));
    };
    let deck = checked.deck();
    let file_hash = sha256_hex(loaded.text.as_bytes());
    // The head is kept apart so that the cards' texts (a quarter of a
    // large file) move into the sync instead of being copied.
    let (head, bodies) = match card_texts(deck, &loaded.text) {
        Some((head, bodies)) => (Some(head), Some(bodies)),
        None => (None, None),
    };
    let report = sync(store, deck, &format!("file:{file_hash}"), bodies, now_ms)?;
    if let (Some(head), Ok(md)) = (head, std::fs::metadata(path)) {
        let mtime = mtime_ns(&md);
        // A file modified within the last seconds could change again within
        // the same mtime tick: make the next run compare its hash.
        let wall_ns = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        let racy = (wall_ns - mtime as i128).abs() < 3_000_000_000;
        let rec = DeckFile {
            path: file_key(path),
            deck_id: deck.meta.id.clone(),
            size: md.len() as i64,
            mtime_ns: if racy { 0 } else { mtime },
            file_hash,
            head,
            first_card: deck.cards.first().map(|c| c.id.clone()).unwrap_or_default(),
        };
        store.set_deck_file(&rec)?;
    }
    Ok(OpenedDeck {
        deck: StudyDeck::Full(checked),
        sync: report,
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The key a deck file is remembered under: its canonical path, so the
/// same file named from another directory is recognised.
fn file_key(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

fn mtime_ns(md: &std::fs::Metadata) -> i64 {
    md.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos().min(i64::MAX as u128) as i64)
}

/// The unchanged-file fast path: the file has the size and mtime (or,
/// failing that, the content hash) it had when it was last checked.
fn cached(store: &mut dyn Store, path: &Path) -> StoreResult<Option<CachedCards>> {
    let key = file_key(path);
    let Some(mut rec) = store.deck_file(&key)? else {
        return Ok(None);
    };
    let Ok(md) = std::fs::metadata(path) else {
        return Ok(None);
    };
    if rec.size != md.len() as i64 {
        return Ok(None);
    }
    if rec.mtime_ns == 0 || rec.mtime_ns != mtime_ns(&md) {
        let Ok(bytes) = std::fs::read(path) else {
            return Ok(None);
        };
        if sha256_hex(&bytes) != rec.file_hash {
            return Ok(None);
        }
        rec.mtime_ns = mtime_ns(&md);
        store.set_deck_file(&rec)?;
    }
    let Some((text, _)) = store.card_text(&rec.deck_id, &rec.first_card)? else {
        return Ok(None);
    };
    Ok(CachedCards::new(path, rec.head, &text))
}

/// Each card's own text: from its `[[card]]` header to the next card's.
/// `None` when the layout does not allow it (a table after the first card).
fn card_texts(deck: &Deck, text: &str) -> Option<(String, Vec<String>)> {
    let first = deck.cards.first()?.spans.card.start;
    if deck.sources.iter().any(|s| s.file_span.start > first) {
        return None;
    }
    let starts: Vec<usize> = deck.cards.iter().map(|c| c.spans.card.start).collect();
    let mut out = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        out.push(text.get(start..end)?.to_string());
    }
    Some((text.get(..first)?.to_string(), out))
}
