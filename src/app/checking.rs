//! Checking decks without a store: every file under the named paths is
//! read, parsed and checked (in parallel), and problems that span files
//! (two decks with one id, a directory without decks) are added.

use std::path::PathBuf;

use rayon::prelude::*;

use super::AppError;
use super::AppResult;
use crate::check::CheckOptions;
use crate::check::check_file;
use crate::check::check_loaded;
use crate::deck::LoadedDeck;
use crate::deck::deck_files;
use crate::deck::read_deck_file;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity;

/// Every deck checked, with its card count, and the totals.
pub struct CheckRun {
    /// Each file (or empty directory) with its diagnostics and card count.
    pub decks: Vec<(LoadedDeck, usize)>,
    /// Errors in all files.
    pub errors: usize,
    /// Warnings in all files (info notes are not warnings).
    pub warnings: usize,
    /// Cards in all files.
    pub cards: usize,
}

/// Loads and checks every deck under `paths`. A path that does not exist
/// (or a `--sources` that is not a directory) fails the request.
pub fn check_paths(paths: &[PathBuf], options: &CheckOptions) -> AppResult<CheckRun> {
    if let Some(dir) = &options.sources_dir
        && !dir.is_dir()
    {
        return Err(AppError::Request(format!(
            "--sources {}: not a directory",
            dir.display()
        )));
    }
    let mut files = Vec::new();
    let mut empty_dirs = Vec::new();
    for p in paths {
        let found =
            deck_files(p).map_err(|e| AppError::Request(format!("{}: {e}", p.display())))?;
        if found.is_empty() {
            empty_dirs.push(p.clone());
        }
        files.extend(found);
    }
    let checked: Vec<(LoadedDeck, usize, Option<String>)> = files
        .par_iter()
        // A chunk of cards at a time: a large deck is never held whole.
        .map(|f| check_file(f, options))
        .collect();
    // Progress is keyed by deck id: two files with one id would share it.
    let mut first_with: std::collections::HashMap<String, PathBuf> = Default::default();
    let mut decks = Vec::with_capacity(checked.len());
    for (mut l, cards, id) in checked {
        if let Some(id) = id {
            match first_with.get(&id) {
                Some(first) => l.diagnostics.push(
                    Diagnostic::whole_file(
                        Severity::Error,
                        "duplicate-deck-id",
                        format!("the deck id `{id}` is also used by {}", first.display()),
                    )
                    .with_help("progress is keyed by deck id: give each deck its own `[deck] id`"),
                ),
                None => {
                    first_with.insert(id, l.path.clone());
                }
            }
        }
        decks.push((l, cards));
    }
    for dir in empty_dirs {
        let no_decks = LoadedDeck {
            path: dir,
            text: String::new(),
            deck: None,
            diagnostics: vec![
                Diagnostic::whole_file(
                    Severity::Error,
                    "no-decks",
                    "this directory holds no `*.toml` decks",
                )
                .with_help("name a deck file, or a directory that contains some"),
            ],
        };
        decks.push((no_decks, 0));
    }
    let (mut errors, mut warnings, mut cards) = (0, 0, 0);
    for (l, n) in &decks {
        errors += l.diagnostics.iter().filter(|d| d.is_error()).count();
        warnings += l.diagnostics.iter().filter(|d| d.is_warning()).count();
        cards += n;
    }
    Ok(CheckRun {
        decks,
        errors,
        warnings,
        cards,
    })
}

/// Reads and checks one deck file for an operation that needs a valid
/// deck (export, quiz make). `what_failed` says what was not done.
pub fn checked_deck(
    path: &std::path::Path,
    options: &CheckOptions,
    errors_only: bool,
    what_failed: impl Into<String>,
) -> AppResult<(crate::deck::Deck, String)> {
    let mut loaded = read_deck_file(path);
    match check_loaded(&mut loaded, options) {
        Some(checked) => Ok((checked.into_deck(), loaded.text)),
        None => {
            let diagnostics = if errors_only {
                loaded
                    .diagnostics
                    .into_iter()
                    .filter(|d| d.is_error())
                    .collect()
            } else {
                loaded.diagnostics
            };
            Err(AppError::invalid(
                loaded.path,
                loaded.text,
                diagnostics,
                what_failed,
            ))
        }
    }
}
