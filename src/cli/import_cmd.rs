//! `docket import`: reads a file in another format, writes a checked TOML
//! deck. Nothing partial is written: the deck is built in memory, written,
//! re-parsed and checked, and only then renamed into place.

use std::io::Read;
use std::path::Path;
use std::path::PathBuf;
use std::time::Duration;

use codespan_reporting::term::termcolor::StandardStream;

use super::EXIT_FAILURE;
use super::EXIT_OK;
use super::EXIT_USAGE;
use super::check_cmd::stderr_color;
use super::import_history;
use crate::check::CheckOptions;
use crate::check::check_loaded;
use crate::deck::Deck;
use crate::deck::parse_deck_bytes;
use crate::deck::read_deck_file;
use crate::deck::write::write_deck;
use crate::diagnostic::render;
use crate::interop;
use crate::interop::Format;
use crate::interop::ImportError;
use crate::interop::limits::MAX_INPUT_BYTES;
use crate::interop::output;

/// Arguments of `docket import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The file to import: .apkg, .csv, .tsv/.txt, .gift, .aiken.
    pub file: PathBuf,
    /// Where to write the deck (default: the file's name with `.toml`).
    #[arg(short, long, value_name = "DECK.toml")]
    pub output: Option<PathBuf>,
    /// The file's format, when its extension does not say.
    #[arg(long, value_name = "FORMAT")]
    pub from: Option<Format>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Update an existing deck: cards with the same id (for Anki notes, the
    /// note id) are replaced, keeping their evidence; new cards are added.
    #[arg(long)]
    pub update: bool,
    /// Also import an Anki package's review history into your progress, so
    /// that studying the deck continues each card's scheduling.
    #[arg(long)]
    pub history: bool,
    /// With --history: replace progress already kept for those cards.
    #[arg(long, requires = "history")]
    pub replace_history: bool,
    /// With --history: the hour your Anki starts a new day ("Next day
    /// starts at" in its preferences). Deck packages do not record it;
    /// default: the package's value, else 4 as in Anki.
    #[arg(long, requires = "history", value_name = "HOUR",
          value_parser = clap::value_parser!(u32).range(0..24))]
    pub rollover_hour: Option<u32>,
}

/// A spinner on stderr for steps that may take a while; hidden when stderr
/// is not a terminal.
pub fn spinner(msg: String) -> indicatif::ProgressBar {
    let pb =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    pb.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    pb.set_message(msg);
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
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

/// Runs `docket import`.
pub fn run(args: &ImportArgs) -> anyhow::Result<u8> {
    let Some(format) = args.from.or_else(|| Format::from_path(&args.file)) else {
        eprintln!(
            "docket import: cannot tell the format of {} from its extension; pass --from apkg|csv|tsv|gift|aiken",
            args.file.display()
        );
        return Ok(EXIT_USAGE);
    };
    if !format.can_import() {
        eprintln!("docket import: {format} is an export format only");
        return Ok(EXIT_USAGE);
    }
    if args.history && format != Format::Apkg {
        eprintln!("docket import: --history reads Anki packages (.apkg, .colpkg) only");
        return Ok(EXIT_USAGE);
    }
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| args.file.with_extension("toml"));
    if out == args.file {
        eprintln!("docket import: the output would replace the input; pass -o");
        return Ok(EXIT_USAGE);
    }
    let update = args.update && out.exists();
    if let Err(e) = output::check_target(&out, args.force || update) {
        eprintln!("docket import: {e} (or --update to merge into it)");
        return Ok(EXIT_FAILURE);
    }
    let bytes = match read_limited(&args.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("docket import: {e}");
            return Ok(EXIT_FAILURE);
        }
    };
    let name = args.file.display().to_string();
    let pb = spinner(format!("importing {name}"));
    let result = interop::import(format, &name, &bytes);
    pb.finish_and_clear();
    let imported = match result {
        Ok(i) => i,
        Err(ImportError::Invalid(msg)) => {
            eprintln!("docket import: {name}: {msg}");
            eprintln!("nothing was written");
            return Ok(EXIT_FAILURE);
        }
        Err(ImportError::Syntax { text, diagnostics }) => {
            let mut err = StandardStream::stderr(stderr_color());
            render::render(
                &mut err,
                &args.file,
                &text,
                &diagnostics,
                render::Style::Rich,
            )?;
            eprintln!(
                "docket import: {name}: {} error{}; nothing was written",
                diagnostics.len(),
                if diagnostics.len() == 1 { "" } else { "s" }
            );
            return Ok(EXIT_FAILURE);
        }
    };
    let history = if args.history {
        match import_history::read(&name, &bytes) {
            Ok(h) => Some(h),
            Err(code) => return Ok(code),
        }
    } else {
        None
    };
    let mut deck = imported.deck;
    let (mut added, mut updated) = (deck.cards.len(), 0);
    if update {
        let mut existing = read_deck_file(&out);
        match existing.deck.take() {
            Some(old) if !existing.has_errors() => {
                (added, updated) = merge_into(&mut deck, old);
            }
            _ => {
                eprintln!(
                    "docket import: {} is not a deck without errors (run docket check on it); nothing was written",
                    out.display()
                );
                return Ok(EXIT_FAILURE);
            }
        }
    }
    let header = vec![format!(
        "Imported from {} by `docket import`.",
        args.file
            .file_name()
            .map_or(name.clone(), |n| n.to_string_lossy().into_owned())
    )];
    let text = write_deck(&deck, &header);
    // Prove the deck passes `docket check` before it reaches the disk.
    let mut loaded = parse_deck_bytes(&out, text.clone().into_bytes());
    let checked = check_loaded(&mut loaded, &CheckOptions::default());
    if loaded.has_errors() {
        let mut err = StandardStream::stderr(stderr_color());
        let errors: Vec<_> = loaded
            .diagnostics
            .into_iter()
            .filter(|d| d.is_error())
            .collect();
        render::render(&mut err, &out, &loaded.text, &errors, render::Style::Short)?;
        eprintln!(
            "docket import: internal error: the converted deck does not pass docket check; nothing was written"
        );
        return Ok(EXIT_FAILURE);
    }
    // The history goes in first, so that its usual failure (progress
    // already kept) leaves no deck file behind either. It is matched
    // against the deck as written (re-parsed), so that ids and content
    // hashes are exactly what `docket study` will see.
    let progress = match (&history, &checked) {
        (Some(h), Some(written)) => {
            match import_history::store(h, written.deck(), args.replace_history, args.rollover_hour)
            {
                Ok(p) => Some(p),
                Err(code) => return Ok(code),
            }
        }
        (Some(_), None) => {
            eprintln!(
                "docket import: internal error: the converted deck is missing; nothing was written"
            );
            return Ok(EXIT_FAILURE);
        }
        _ => None,
    };
    if let Err(e) = output::write_atomically(&out, text.as_bytes(), args.force || update) {
        eprintln!("docket import: {e}");
        if progress.is_some() {
            eprintln!(
                "the review history was imported; run the import again with --replace-history"
            );
        }
        return Ok(EXIT_FAILURE);
    }
    for s in &imported.skipped {
        eprintln!("not converted: {s}");
    }
    let summary = if update {
        format!("{added} added, {updated} updated")
    } else {
        format!("{} cards", deck.cards.len())
    };
    eprintln!(
        "imported {name} into {}: {summary}; {} item{} not converted",
        out.display(),
        imported.skipped.len(),
        if imported.skipped.len() == 1 { "" } else { "s" }
    );
    if let Some(p) = &progress {
        import_history::report(p);
    }
    Ok(EXIT_OK)
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
