//! `docket check`: validates decks and proves their quotes, reporting every
//! problem of every file. Files are checked in parallel.

use std::io::Write;
use std::path::PathBuf;

use codespan_reporting::term::termcolor::ColorChoice;
use codespan_reporting::term::termcolor::StandardStream;
use rayon::prelude::*;

use super::EXIT_FAILURE;
use super::EXIT_OK;
use super::EXIT_USAGE;
use super::args::CheckArgs;
use crate::check::CheckOptions;
use crate::check::check_loaded;
use crate::deck::LoadedDeck;
use crate::deck::deck_files;
use crate::deck::read_deck_file;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity;
use crate::diagnostic::json;
use crate::diagnostic::render;

/// Whether to colour output written to stderr: only on a terminal, and
/// never when NO_COLOR is set.
pub fn stderr_color() -> ColorChoice {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if !no_color && console::Term::stderr().features().is_attended() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    }
}

/// Loads and checks every deck under `paths`, giving each file with its
/// card count. The outer error is a usage problem (a path that does not
/// exist).
pub fn check_paths(
    paths: &[PathBuf],
    options: &CheckOptions,
) -> Result<Vec<(LoadedDeck, usize)>, String> {
    if let Some(dir) = &options.sources_dir
        && !dir.is_dir()
    {
        return Err(format!("--sources {}: not a directory", dir.display()));
    }
    let mut files = Vec::new();
    let mut empty_dirs = Vec::new();
    for p in paths {
        let found = deck_files(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if found.is_empty() {
            empty_dirs.push(p.clone());
        }
        files.extend(found);
    }
    let checked: Vec<(LoadedDeck, usize, Option<String>)> = files
        .par_iter()
        .map(|f| {
            let mut l = read_deck_file(f);
            let cards = l.deck.as_ref().map_or(0, |d| d.cards.len());
            let id = l.deck.as_ref().map(|d| d.meta.id.clone());
            check_loaded(&mut l, options);
            (l, cards, id)
        })
        .collect();
    // Progress is keyed by deck id: two files with one id would share it.
    let mut first_with: std::collections::HashMap<String, PathBuf> = Default::default();
    let mut loaded = Vec::with_capacity(checked.len());
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
        loaded.push((l, cards));
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
        loaded.push((no_decks, 0));
    }
    Ok(loaded)
}

/// The last JSON record of `docket check --json`.
#[derive(serde::Serialize)]
struct Summary {
    #[serde(rename = "type")]
    kind: &'static str,
    decks: usize,
    cards: usize,
    errors: usize,
    warnings: usize,
}

/// Runs `docket check`.
pub fn run(args: &CheckArgs) -> anyhow::Result<u8> {
    let options = CheckOptions {
        sources_dir: args.sources.clone(),
        strict: args.strict,
        lint: args.lint,
        notes: args.json || args.lint,
        ..CheckOptions::default()
    };
    let loaded = match check_paths(&args.paths, &options) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("docket check: {e}");
            return Ok(EXIT_USAGE);
        }
    };
    let (mut errors, mut warnings, mut cards) = (0, 0, 0);
    for (l, n) in &loaded {
        errors += l.diagnostics.iter().filter(|d| d.is_error()).count();
        warnings += l.diagnostics.iter().filter(|d| d.is_warning()).count();
        cards += n;
    }
    if args.json {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        for (l, _) in &loaded {
            for d in &l.diagnostics {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(&json::record(&l.path, &l.text, d))?
                )?;
            }
        }
        let summary = Summary {
            kind: "summary",
            decks: loaded.len(),
            cards,
            errors,
            warnings,
        };
        writeln!(out, "{}", serde_json::to_string(&summary)?)?;
    } else {
        let mut err = StandardStream::stderr(stderr_color());
        let style = if args.short {
            render::Style::Short
        } else {
            render::Style::Rich
        };
        for (l, _) in &loaded {
            render::render(&mut err, &l.path, &l.text, &l.diagnostics, style)?;
        }
        let status = if errors > 0 { "FAILED" } else { "ok" };
        writeln!(
            err,
            "checked {} deck{}, {cards} card{}: {errors} error{}, {warnings} warning{} ({status})",
            loaded.len(),
            if loaded.len() == 1 { "" } else { "s" },
            if cards == 1 { "" } else { "s" },
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" },
        )?;
    }
    Ok(if errors > 0 { EXIT_FAILURE } else { EXIT_OK })
}
