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

use std::collections::HashMap;
use std::path::Path;
use std::path::PathBuf;

use crate::deck::Deck;
use crate::deck::LoadedDeck;
use crate::deck::parse::ChunkVisitor;
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
    /// Only errors are wanted (import, export, study's first run show no
    /// warnings): the per-card completeness warnings (no evidence, no
    /// explanation), two for most imported cards, are not built. Ignored
    /// with `strict`, where warnings are errors.
    pub errors_only: bool,
}

impl CheckOptions {
    /// The default checks, for a caller that shows only errors.
    pub fn errors_only() -> CheckOptions {
        CheckOptions {
            errors_only: true,
            ..CheckOptions::default()
        }
    }

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
    finish(loaded, options);
    if loaded.has_errors() {
        return None;
    }
    // The checked deck moves out: a 100,000-card deck is too big to copy.
    loaded.deck.take().map(|deck| CheckedDeck { deck })
}

/// How many cards [`check_file`] parses and checks at a time.
const CHUNK_CARDS: usize = 4096;

/// Reads, parses and checks one deck file for `docket check`, with the
/// same diagnostics in the same order as [`crate::deck::read_deck_file`]
/// then [`check_loaded`], but a chunk of cards at a time: the cards are
/// dropped once checked, so memory stays near the file's size however many
/// cards it has. Returns the loaded deck (without its cards), how many
/// cards it has, and its id.
pub fn check_file(path: &Path, options: &CheckOptions) -> (LoadedDeck, usize, Option<String>) {
    check_file_in_chunks(path, options, CHUNK_CARDS)
}

fn check_file_in_chunks(
    path: &Path,
    options: &CheckOptions,
    chunk: usize,
) -> (LoadedDeck, usize, Option<String>) {
    check_in_chunks(options, |visit| {
        crate::deck::read_deck_file_in_chunks(path, chunk, visit)
    })
}

/// Parses and checks a deck's text exactly as [`check_file`] does the
/// file's (the same diagnostics in the same order, a chunk of cards at a
/// time), without the file: an import proves the text it is about to
/// write. The text is borrowed, so the loaded deck returned holds none.
pub fn check_text(
    path: &Path,
    text: &str,
    options: &CheckOptions,
) -> (LoadedDeck, usize, Option<String>) {
    check_in_chunks(options, |visit| {
        crate::deck::parse_deck_str_in_chunks(path, text, CHUNK_CARDS, visit)
    })
}

/// Checks the chunks of cards a parse hands over: the deck's sources are
/// read and indexed in `prepare`, which the parse runs alongside the first
/// chunk's cards, then each chunk is checked against them.
struct ChunkChecker<'o> {
    options: &'o CheckOptions,
    sources: HashMap<String, SourceText>,
    source_diagnostics: Vec<Diagnostic>,
    found: CardFindings,
}

impl ChunkVisitor for ChunkChecker<'_> {
    fn prepare(&mut self, deck: &Deck) {
        self.sources = deck_sources(deck, self.options, &mut self.source_diagnostics);
    }

    fn visit(&mut self, deck: &mut Deck, text: &str) {
        check_cards(deck, text, &self.sources, self.options, &mut self.found);
    }
}

/// Checks each chunk of cards that `parse` hands over, then the deck.
fn check_in_chunks(
    options: &CheckOptions,
    parse: impl FnOnce(&mut dyn ChunkVisitor) -> (LoadedDeck, usize),
) -> (LoadedDeck, usize, Option<String>) {
    let mut checker = ChunkChecker {
        options,
        sources: HashMap::new(),
        source_diagnostics: Vec::new(),
        found: CardFindings::default(),
    };
    let (mut loaded, cards) = parse(&mut checker);
    let id = loaded.deck.as_ref().map(|d| d.meta.id.clone());
    // Checks count only for a usable deck, as in `check_loaded` (a card
    // after those checked may have broken the TOML).
    if loaded.deck.is_some() {
        loaded.diagnostics.extend(checker.source_diagnostics);
        checker.found.append_to(&mut loaded.diagnostics);
    }
    loaded.deck = None;
    finish(&mut loaded, options);
    (loaded, cards, id)
}

/// With `strict`, warnings become errors; then the diagnostics are put in
/// file order (a stable sort: at one place, the order they were found).
fn finish(loaded: &mut LoadedDeck, options: &CheckOptions) {
    if options.strict {
        // Notes are never failures, not even with --strict.
        for d in loaded.diagnostics.iter_mut().filter(|d| d.is_warning()) {
            d.severity = crate::diagnostic::Severity::Error;
        }
    }
    loaded
        .diagnostics
        .sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
}

/// What the checks of cards found, kept apart by check so that checking a
/// deck in chunks lists them in the same order as checking it whole.
#[derive(Default)]
struct CardFindings {
    citations: Vec<Diagnostic>,
    sole_sources: Vec<Diagnostic>,
    lint: Vec<Diagnostic>,
    completeness: Vec<Diagnostic>,
}

impl CardFindings {
    fn append_to(self, out: &mut Vec<Diagnostic>) {
        out.extend(self.citations);
        out.extend(self.sole_sources);
        out.extend(self.lint);
        out.extend(self.completeness);
    }
}

/// The deck's sources, read and indexed (none for an embedded deck).
fn deck_sources(
    deck: &Deck,
    options: &CheckOptions,
    out: &mut Vec<Diagnostic>,
) -> HashMap<String, SourceText> {
    // A bare file name ("deck.toml") has an empty parent: that is the
    // current directory, where its sources must then be looked up.
    let base = deck
        .path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if options.embedded {
        Default::default()
    } else {
        sources::load_sources(deck, base, options, out)
    }
}

/// The checks that look beyond the deck file: sources, quotes, copying,
/// and the completeness warnings.
pub fn check_deck(deck: &Deck, text: &str, options: &CheckOptions) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let texts = deck_sources(deck, options, &mut out);
    let mut found = CardFindings::default();
    check_cards(deck, text, &texts, options, &mut found);
    found.append_to(&mut out);
    out
}

/// Checks the deck's cards (all of them, or one chunk).
fn check_cards(
    deck: &Deck,
    text: &str,
    texts: &HashMap<String, SourceText>,
    options: &CheckOptions,
    found: &mut CardFindings,
) {
    citations::check_citations(deck, text, texts, &mut found.citations);
    sole_sources(deck, options, &mut found.sole_sources);
    if options.lint {
        found.lint.extend(lint::lint_deck(deck));
    }
    if options.errors_only && !options.strict {
        return;
    }
    let out = &mut found.completeness;
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `docket check` reports for a file, the whole-deck way.
    fn whole(path: &Path, options: &CheckOptions) -> (Vec<Diagnostic>, usize, Option<String>) {
        let mut l = crate::deck::read_deck_file(path);
        let cards = l.deck.as_ref().map_or(0, |d| d.cards.len());
        let id = l.deck.as_ref().map(|d| d.meta.id.clone());
        check_loaded(&mut l, options);
        (l.diagnostics, cards, id)
    }

    fn chunked(
        path: &Path,
        options: &CheckOptions,
        chunk: usize,
    ) -> (Vec<Diagnostic>, usize, Option<String>) {
        let (l, cards, id) = check_file_in_chunks(path, options, chunk);
        assert!(l.deck.is_none());
        (l.diagnostics, cards, id)
    }

    fn option_sets() -> Vec<CheckOptions> {
        let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/case");
        vec![
            CheckOptions::default(),
            CheckOptions {
                strict: true,
                ..CheckOptions::default()
            },
            CheckOptions {
                lint: true,
                notes: true,
                ..CheckOptions::default()
            },
            CheckOptions {
                sources_dir: case.is_dir().then_some(case),
                lint: true,
                notes: true,
                ..CheckOptions::default()
            },
        ]
    }

    /// The case deck and every fixture deck (good, bad, lint).
    fn fixture_decks() -> Vec<std::path::PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![root.join("decks/case.toml")];
        for dir in [
            "tests/fixtures/good",
            "tests/fixtures/bad",
            "tests/fixtures/lint",
        ] {
            files.extend(crate::deck::deck_files(&root.join(dir)).expect("fixture dir"));
        }
        files
    }

    /// Every fixture deck, the case deck, and a deck of every fixture's
    /// cards at once: checked a chunk at a time (of 1, 2, 3 cards and the
    /// real size), each gives exactly the diagnostics, in the same order,
    /// the card count and the id of checking it whole.
    #[test]
    fn checking_in_chunks_reports_what_checking_whole_does() {
        let mut files = fixture_decks();
        let dir = tempfile::tempdir().expect("tempdir");
        let mut all = String::from(
            "[deck]\nid = \"all\"\ntitle = \"All\"\ndescription = \"Every fixture card.\"\n",
        );
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            if let Some((_, cards)) = text.split_once("[[card]]") {
                all.push_str("\n[[card]]");
                all.push_str(cards);
            }
        }
        let combined = dir.path().join("all.toml");
        std::fs::write(&combined, &all).expect("write");
        files.push(combined);
        let mut compared = 0;
        for options in option_sets() {
            for f in &files {
                let expected = whole(f, &options);
                for chunk in [1, 2, 3, CHUNK_CARDS] {
                    assert_eq!(
                        chunked(f, &options, chunk),
                        expected,
                        "{} in chunks of {chunk}, {options:?}",
                        f.display()
                    );
                    compared += 1;
                }
            }
        }
        assert!(compared > 100, "only {compared} comparisons");
    }

    /// Checking for errors only finds the same errors, in the same order,
    /// and the same checked deck; with `strict` it changes nothing.
    #[test]
    fn errors_only_keeps_every_error() {
        let files = fixture_decks();
        let mut warnings_skipped = 0;
        for base in option_sets() {
            let only = CheckOptions {
                errors_only: true,
                ..base.clone()
            };
            for f in &files {
                let (mut a, mut b) = (
                    crate::deck::read_deck_file(f),
                    crate::deck::read_deck_file(f),
                );
                let (all, some) = (check_loaded(&mut a, &base), check_loaded(&mut b, &only));
                assert_eq!(
                    all.map(|c| c.into_deck().cards.len()),
                    some.map(|c| c.into_deck().cards.len()),
                    "{}",
                    f.display()
                );
                let errors = |l: &LoadedDeck| -> Vec<Diagnostic> {
                    l.diagnostics
                        .iter()
                        .filter(|d| d.is_error())
                        .cloned()
                        .collect()
                };
                assert_eq!(errors(&a), errors(&b), "{} {base:?}", f.display());
                if base.strict {
                    assert_eq!(a.diagnostics, b.diagnostics);
                }
                warnings_skipped += a.diagnostics.len() - b.diagnostics.len();
            }
        }
        assert!(warnings_skipped > 0, "no completeness warning was skipped");
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 64,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Whatever the edit (broken TOML included), checking in chunks and
        /// checking whole report the same.
        #[test]
        fn checking_in_chunks_agrees_on_edited_decks(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, "[\\[\\]{}=\"',.#\\n a-z0-9]{0,5}"), 1..5),
            chunk in 1usize..4,
        ) {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let sample = std::fs::read_to_string(root.join("tests/fixtures/good/sample.toml")).unwrap_or_default();
            let bad = std::fs::read_to_string(root.join("tests/fixtures/bad/many_errors.toml")).unwrap_or_default();
            let mut text = format!("{sample}{}", bad.split_once("[[card]]").map(|(_, c)| format!("[[card]]{c}")).unwrap_or_default());
            for (at, op, insert) in edits {
                let mut i = at.index(text.len() + 1);
                while !text.is_char_boundary(i) { i -= 1; }
                match op {
                    0 => text.insert_str(i, &insert),
                    1 => { let mut end = (i + insert.len()).min(text.len()); while !text.is_char_boundary(end) { end -= 1; } text.replace_range(i..end, ""); }
                    _ => text.insert_str(i, "\n[[card]]\n"),
                }
            }
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("deck.toml");
            std::fs::write(&path, &text).expect("write");
            let options = &option_sets()[3];
            prop_assert_eq!(chunked(&path, options, chunk), whole(&path, options));
        }
    }
}
