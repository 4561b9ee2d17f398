//! Import and export: a file in another format becomes a checked TOML deck
//! (nothing partial is written: the deck is built in memory, written,
//! re-parsed and checked, and only then renamed into place), and a checked
//! deck or a quiz key is written in another format, atomically.

use std::io::Read;
use std::path::Path;
use std::path::PathBuf;

use super::AppError;
use super::AppResult;
use super::InvalidInput;
use super::Progress;
use super::checking::checked_deck;
use super::history;
use super::history::ImportedHistory;
use crate::check::CheckOptions;
use crate::check::check_loaded;
use crate::check::check_text;
use crate::deck::Deck;
use crate::deck::parse_deck_bytes;
use crate::deck::read_deck_file;
use crate::deck::write::write_deck;
use crate::interop;
use crate::interop::Format;
use crate::interop::ImportError;
use crate::interop::limits::MAX_INPUT_BYTES;
use crate::interop::output;

/// What to import, and how.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// The file to import.
    pub file: PathBuf,
    /// Its format.
    pub format: Format,
    /// Where to write the deck (default: the file's name with `.toml`).
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists.
    pub force: bool,
    /// Merge into an existing deck at the output.
    pub update: bool,
    /// Also bring an Anki package's review history into the user's progress.
    pub history: bool,
    /// With `history`: replace progress already kept for those cards.
    pub replace_history: bool,
    /// With `history`: the hour the user's Anki starts a new day.
    pub rollover_hour: Option<u32>,
}

/// What an import did.
pub struct Imported {
    /// How the input is named in messages.
    pub name: String,
    /// The deck written.
    pub output: PathBuf,
    /// Cards in the deck written.
    pub cards: usize,
    /// With an update: cards added and cards updated.
    pub merged: Option<(usize, usize)>,
    /// Items of the input that were not converted, each with why.
    pub skipped: Vec<crate::interop::Skipped>,
    /// What of the converted items was not carried in full, each with why.
    pub notes: Vec<crate::interop::Skipped>,
    /// The review history stored, when asked for.
    pub history: Option<ImportedHistory>,
}

/// Reads at most [`MAX_INPUT_BYTES`] of a file.
pub fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(format!(
            "{} is larger than the {} MiB import limit",
            path.display(),
            MAX_INPUT_BYTES >> 20
        ));
    }
    Ok(bytes)
}

/// Imports a file as a TOML deck (and, if asked, its review history).
pub fn import(req: &ImportRequest, progress: &mut dyn Progress) -> AppResult<Imported> {
    let out = req
        .output
        .clone()
        .unwrap_or_else(|| req.file.with_extension("toml"));
    if out == req.file {
        return Err(AppError::Request(
            "the output would replace the input; pass -o".into(),
        ));
    }
    super::inputs::require(&req.file)?;
    let update = req.update && out.exists();
    output::check_target(&out, req.force || update)
        .map_err(|e| AppError::Failed(format!("{e} (or --update to merge into it)")))?;
    let bytes = read_limited(&req.file).map_err(AppError::Failed)?;
    let name = crate::sanitize::path(&req.file);
    progress.begin(format!("importing {name}"));
    let result = interop::import(req.format, &name, &bytes);
    progress.end();
    let imported = match result {
        Ok(i) => i,
        Err(ImportError::Invalid(msg)) => {
            return Err(AppError::Failed(format!(
                "{name}: {msg}\nnothing was written"
            )));
        }
        Err(ImportError::Syntax { text, diagnostics }) => {
            let message = format!(
                "{name}: {} error{}; nothing was written",
                diagnostics.len(),
                if diagnostics.len() == 1 { "" } else { "s" }
            );
            return Err(AppError::invalid(
                req.file.clone(),
                text,
                diagnostics,
                message,
            ));
        }
    };
    let history = if req.history {
        Some(history::read(&name, &bytes)?)
    } else {
        None
    };
    let mut deck = imported.deck;
    let mut merged = None;
    if update {
        let mut existing = read_deck_file(&out);
        match existing.deck.take() {
            Some(old) if !existing.has_errors() => merged = Some(merge_into(&mut deck, old)),
            _ => {
                return Err(AppError::Failed(format!(
                    "{} is not a deck without errors (run docket check on it); nothing was written",
                    out.display()
                )));
            }
        }
    }
    let header = vec![format!(
        "Imported from {} by `docket import`.",
        req.file
            .file_name()
            .map_or(name.clone(), |n| n.to_string_lossy().into_owned())
    )];
    let text = write_deck(&deck, &header);
    let cards = deck.cards.len();
    // Freed before the proof, whose parse then reuses its memory.
    drop(deck);
    // A deck docket itself would refuse to read is never written.
    interop::check_deck_size(&text)
        .map_err(|e| AppError::Failed(format!("{name}: {e}; nothing was written")))?;
    let force = req.force || update;
    let stored = match &history {
        None => {
            prove_and_write(&out, &text, force)?;
            None
        }
        Some(h) => Some(prove_store_and_write(req, h, &out, text, force)?),
    };
    Ok(Imported {
        name,
        output: out,
        cards,
        merged,
        skipped: imported.skipped,
        notes: imported.notes,
        history: stored,
    })
}

/// The error for a converted deck that does not pass `docket check`.
fn not_proven(
    out: &Path,
    text: String,
    diagnostics: Vec<crate::diagnostic::Diagnostic>,
) -> AppError {
    AppError::Invalid(Box::new(InvalidInput {
        path: out.to_path_buf(),
        text,
        diagnostics: diagnostics.into_iter().filter(|d| d.is_error()).collect(),
        brief: true,
        message:
            "internal error: the converted deck does not pass docket check; nothing was written"
                .into(),
    }))
}

/// Proves that `text` passes `docket check` (errors only), exactly as
/// `docket check` reads a file, a chunk of cards at a time, and meanwhile
/// writes and syncs those very bytes beside `out` on another thread; the
/// file is renamed into place only once the proof passed, and removed
/// otherwise. The two overlap because writing is mostly waiting for the
/// disk.
fn prove_and_write(out: &Path, text: &str, force: bool) -> AppResult<()> {
    let (staged, (loaded, _, _)) = std::thread::scope(|s| {
        let writer = s.spawn(|| output::stage(out, text.as_bytes(), force));
        let proof = check_text(out, text, &CheckOptions::errors_only());
        (writer.join(), proof)
    });
    if loaded.has_errors() {
        // The spans point into the text without a byte-order mark.
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text).to_string();
        return Err(not_proven(out, text, loaded.diagnostics));
    }
    let staged = staged
        .map_err(|_| AppError::Failed("internal error: writing the deck failed".into()))?
        .map_err(|e| AppError::Failed(e.to_string()))?;
    staged.commit().map_err(|e| AppError::Failed(e.to_string()))
}

/// With the review history: the deck is parsed whole (the history is
/// matched against its cards) and proven, then the history stored, then
/// the deck written.
fn prove_store_and_write(
    req: &ImportRequest,
    history: &crate::interop::apkg::history::AnkiHistory,
    out: &Path,
    text: String,
    force: bool,
) -> AppResult<ImportedHistory> {
    // The text moves into the check and is written from there (a copy of
    // a 100,000-card deck is tens of megabytes).
    let mut loaded = parse_deck_bytes(out, text.into_bytes());
    let checked = check_loaded(&mut loaded, &CheckOptions::errors_only());
    if loaded.has_errors() {
        return Err(not_proven(out, loaded.text, loaded.diagnostics));
    }
    // The history goes in first, so that its usual failure (progress
    // already kept) leaves no deck file behind either. It is matched
    // against the deck as written (re-parsed), so that ids and content
    // hashes are exactly what `docket study` will see.
    let Some(written) = &checked else {
        return Err(AppError::Failed(
            "internal error: the converted deck is missing; nothing was written".into(),
        ));
    };
    let stored = history::store(
        history,
        written.deck(),
        req.replace_history,
        req.rollover_hour,
    )?;
    if let Err(e) = output::write_atomically(out, loaded.text.as_bytes(), force) {
        let mut msg = e.to_string();
        msg.push_str(
            "\nthe review history was imported; run the import again with --replace-history",
        );
        return Err(AppError::Failed(msg));
    }
    Ok(stored)
}

/// Merges a fresh import into the deck it updates: the old deck's metadata,
/// sources and card order are kept; a card with the same id takes the new
/// content but keeps its evidence and `differs` note; new cards go last.
/// Returns (added, updated).
pub fn merge_into(fresh: &mut Deck, mut old: Deck) -> (usize, usize) {
    let index: std::collections::HashMap<String, usize> = old
        .cards
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.clone(), i))
        .collect();
    let (mut added, mut updated) = (0, 0);
    for mut new in fresh.cards.drain(..) {
        match index.get(&new.id) {
            Some(&i) => {
                let card = &mut old.cards[i];
                new.evidence = std::mem::take(&mut card.evidence);
                new.differs = card.differs.take();
                *card = new;
                updated += 1;
            }
            None => {
                old.cards.push(new);
                added += 1;
            }
        }
    }
    fresh.meta = old.meta;
    fresh.sources = old.sources;
    fresh.cards = old.cards;
    (added, updated)
}

/// What an export did.
pub struct Exported {
    /// Cards written.
    pub cards: usize,
    /// What the format could not carry, one line each.
    pub notes: Vec<crate::interop::Skipped>,
}

/// Writes a checked deck, or the form a quiz key describes (a `.json`
/// input), to `output` in `format`.
pub fn export(
    input: &Path,
    format: Format,
    output_path: &Path,
    force: bool,
    progress: &mut dyn Progress,
) -> AppResult<Exported> {
    super::inputs::require(input)?;
    // Even with --force, never write over the deck being exported.
    let same_file = match (input.canonicalize(), output_path.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same_file {
        return Err(AppError::Request(
            "the output would replace the deck itself; choose another -o".into(),
        ));
    }
    output::check_target(output_path, force).map_err(|e| AppError::Failed(e.to_string()))?;
    let deck = if input.extension().is_some_and(|e| e == "json") {
        // A quiz key: export the quiz form it describes.
        let key =
            crate::quiz::form::Key::read(input).map_err(|e| AppError::Failed(e.to_string()))?;
        interop::quiz_form::deck_of_key(&key)
    } else {
        checked_deck(
            input,
            &CheckOptions::errors_only(),
            true,
            "the deck has errors (see docket check); nothing was written",
        )?
        .0
    };
    progress.begin(format!("exporting {} cards", deck.cards.len()));
    let result = interop::export(format, &deck);
    progress.end();
    let (bytes, notes) = result.map_err(|e| AppError::Failed(format!("{e:#}")))?;
    let cards = deck.cards.len();
    // A large deck takes a while to free: on another core while the file
    // is written and synced (both done before this returns).
    std::thread::scope(|scope| {
        scope.spawn(move || drop(deck));
        output::write_atomically(output_path, &bytes, force)
    })
    .map_err(|e| AppError::Failed(e.to_string()))?;
    Ok(Exported { cards, notes })
}
