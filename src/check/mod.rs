//! Stage 2 of the data flow: a parsed [`Deck`] → a [`CheckedDeck`], proven
//! against its sources.
//!
//! Parsing already refused what is malformed. Checking looks outward: are
//! the source files where the deck says, unchanged (SHA-256), and does every
//! quote occur in its source? Does any card copy a source's wording outside
//! a quote? And it warns about cards a student would learn less from (no
//! evidence, no explanation). With `lint`, [`lint`] adds warnings about how
//! cards are written; with `notes`, cards marked `sole_source` are listed as
//! info-level notes. Only this module builds a [`CheckedDeck`].

pub mod citations;
pub mod lint;
pub mod sources;

use std::path::Path;
use std::path::PathBuf;

use crate::deck::Deck;
use crate::deck::LoadedDeck;
use crate::diagnostic::Diagnostic;

pub use sources::SourceText;

/// Where to look for source files, and how strict to be.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// `--sources DIR`: source files are looked up here first.
    pub sources_dir: Option<PathBuf>,
    /// `--strict`: warnings become errors and missing sources are errors.
    pub strict: bool,
    /// Do not look for source files at all: the deck is embedded and its
    /// sources were proven when it was built (the bundled deck).
    pub embedded: bool,
    /// `--lint`: also warn about badly written cards (see [`lint`]).
    pub lint: bool,
    /// Report notes (info-level diagnostics, never failures): which cards
    /// rest on one source alone (`sole_source`). On with `--json` and
    /// `--lint`.
    pub notes: bool,
}

impl CheckOptions {
    /// Whether a source that cannot be found is an error.
    pub fn sources_required(&self) -> bool {
        self.sources_dir.is_some() || self.strict
    }
}

/// A deck that passed every check: the only kind of deck later stages use.
#[derive(Debug, Clone)]
pub struct CheckedDeck {
    deck: Deck,
}

impl CheckedDeck {
    /// The checked deck.
    pub fn deck(&self) -> &Deck {
        &self.deck
    }

    /// Gives the deck back.
    pub fn into_deck(self) -> Deck {
        self.deck
    }
}

/// Runs every check on a loaded deck, appending to its diagnostics.
/// Returns the checked deck, moved out of `loaded`, when there are no
/// errors (and, with `strict`, no warnings).
pub fn check_loaded(loaded: &mut LoadedDeck, options: &CheckOptions) -> Option<CheckedDeck> {
    if let Some(deck) = &loaded.deck {
        let found = check_deck(deck, &loaded.text, options);
        loaded.diagnostics.extend(found);
    }
    if options.strict {
        // Notes are never failures, not even with --strict.
        for d in loaded.diagnostics.iter_mut().filter(|d| d.is_warning()) {
            d.severity = crate::diagnostic::Severity::Error;
        }
    }
    loaded
        .diagnostics
        .sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
    if loaded.has_errors() {
        return None;
    }
    // The checked deck moves out: a 100,000-card deck is too big to copy.
    loaded.deck.take().map(|deck| CheckedDeck { deck })
}

/// The checks that look beyond the deck file: sources, quotes, copying,
/// and the completeness warnings.
pub fn check_deck(deck: &Deck, text: &str, options: &CheckOptions) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // A bare file name ("deck.toml") has an empty parent: that is the
    // current directory, where its sources must then be looked up.
    let base = deck
        .path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let texts = if options.embedded {
        Default::default()
    } else {
        sources::load_sources(deck, base, options, &mut out)
    };
    citations::check_citations(deck, text, &texts, &mut out);
    sole_sources(deck, options, &mut out);
    if options.lint {
        out.extend(lint::lint_deck(deck));
    }
    for card in &deck.cards {
        if card.evidence.iter().all(|e| e.quote.is_none()) {
            out.push(
                Diagnostic::warning(
                    "no-evidence",
                    format!("card `{}` quotes no evidence", card.id),
                    card.spans.id.clone(),
                )
                .with_label("no quote proves this card")
                .with_help("add evidence = [{ source = \"id\", quote = \"...\" }] with a short verbatim quote"),
            );
        }
        if card.explanation.is_none() {
            out.push(
                Diagnostic::warning(
                    "no-explanation",
                    format!("card `{}` has no explanation", card.id),
                    card.spans.id.clone(),
                )
                .with_label("no explanation")
                .with_help("explain why the answer is right: students learn from the why"),
            );
        }
    }
    out
}

/// A card marked `sole_source = "id"` must cite that source; with
/// `notes`, each such card is reported as a note, so that a reader can list
/// the facts that no second article confirms.
fn sole_sources(deck: &Deck, options: &CheckOptions, out: &mut Vec<Diagnostic>) {
    for card in &deck.cards {
        let Some((source, span)) = &card.spans.sole_source else {
            continue;
        };
        if !card.evidence.iter().any(|e| &e.source == source) {
            out.push(
                Diagnostic::error(
                    "sole-source-not-cited",
                    format!(
                        "card `{}` rests on source `{source}` but does not cite it",
                        card.id
                    ),
                    span.clone(),
                )
                .with_label("not in this card's evidence")
                .with_help(format!(
                    "add {{ source = \"{source}\" }} to the card's evidence"
                )),
            );
        } else if options.notes {
            out.push(
                Diagnostic::info(
                    "sole-source",
                    format!(
                        "card `{}` rests on source `{source}` alone: no other source states its fact",
                        card.id
                    ),
                    span.clone(),
                )
                .with_label("only this source reports it")
                .with_help("say so in the card (`differs` or the explanation); prefer a second source when one appears"),
            );
        }
    }
}

/// Checks an already parsed deck, for callers that hold a `Deck` (such as
/// the bundled deck). Errors are returned as diagnostics.
pub fn check_parsed(
    deck: Deck,
    text: &str,
    options: &CheckOptions,
) -> Result<CheckedDeck, Vec<Diagnostic>> {
    let diagnostics = check_deck(&deck, text, options);
    if diagnostics
        .iter()
        .any(|d| d.is_error() || (options.strict && d.is_warning()))
    {
        Err(diagnostics)
    } else {
        Ok(CheckedDeck { deck })
    }
}
