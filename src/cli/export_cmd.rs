//! `docket export`: writes a checked deck in another format. The deck must
//! pass `docket check` (warnings allowed); cards the format cannot carry
//! are listed, and the file is written atomically.

use std::path::PathBuf;

use codespan_reporting::term::termcolor::StandardStream;

use super::EXIT_FAILURE;
use super::EXIT_OK;
use super::EXIT_USAGE;
use super::check_cmd::stderr_color;
use super::import_cmd::spinner;
use crate::check::CheckOptions;
use crate::check::check_loaded;
use crate::deck::read_deck_file;
use crate::diagnostic::render;
use crate::interop;
use crate::interop::Format;
use crate::interop::output;

/// Arguments of `docket export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The deck file to export, or a quiz key (`quiz.key.json`) to export its form.
    pub deck: PathBuf,
    /// The format to write (default: from the output's extension).
    #[arg(long, value_name = "FORMAT")]
    pub to: Option<Format>,
    /// The file to write.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs `docket export`.
pub fn run(args: &ExportArgs) -> anyhow::Result<u8> {
    let Some(format) = args.to.or_else(|| Format::from_path(&args.output)) else {
        eprintln!("docket export: pass --to apkg|csv|tsv|gift|md");
        return Ok(EXIT_USAGE);
    };
    if !format.can_export() {
        eprintln!("docket export: docket does not write {format}; try --to gift");
        return Ok(EXIT_USAGE);
    }
    // Even with --force, never write over the deck being exported.
    let same_file = match (args.deck.canonicalize(), args.output.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same_file {
        eprintln!("docket export: the output would replace the deck itself; choose another -o");
        return Ok(EXIT_USAGE);
    }
    if let Err(e) = output::check_target(&args.output, args.force) {
        eprintln!("docket export: {e}");
        return Ok(EXIT_FAILURE);
    }
    let owned;
    let deck = if args.deck.extension().is_some_and(|e| e == "json") {
        // A quiz key: export the quiz form it describes.
        match crate::quiz::form::Key::read(&args.deck) {
            Ok(key) => {
                owned = interop::quiz_form::deck_of_key(&key);
                &owned
            }
            Err(e) => {
                eprintln!("docket export: {e}");
                return Ok(EXIT_FAILURE);
            }
        }
    } else {
        let mut loaded = read_deck_file(&args.deck);
        match check_loaded(&mut loaded, &CheckOptions::default()) {
            Some(checked) => {
                owned = checked.into_deck();
                &owned
            }
            None => {
                let mut err = StandardStream::stderr(stderr_color());
                let errors: Vec<_> = loaded
                    .diagnostics
                    .into_iter()
                    .filter(|d| d.is_error())
                    .collect();
                render::render(
                    &mut err,
                    &args.deck,
                    &loaded.text,
                    &errors,
                    render::Style::Rich,
                )?;
                eprintln!(
                    "docket export: the deck has errors (see docket check); nothing was written"
                );
                return Ok(EXIT_FAILURE);
            }
        }
    };
    let pb = spinner(format!("exporting {} cards", deck.cards.len()));
    let result = interop::export(format, deck);
    pb.finish_and_clear();
    let (bytes, lossy) = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("docket export: {e:#}");
            return Ok(EXIT_FAILURE);
        }
    };
    if let Err(e) = output::write_atomically(&args.output, &bytes, args.force) {
        eprintln!("docket export: {e}");
        return Ok(EXIT_FAILURE);
    }
    for s in &lossy {
        eprintln!("note: {s}");
    }
    eprintln!(
        "exported {} cards to {} ({format}){}",
        deck.cards.len(),
        args.output.display(),
        if lossy.is_empty() {
            String::new()
        } else {
            format!(
                "; {} note{} above",
                lossy.len(),
                if lossy.len() == 1 { "" } else { "s" }
            )
        }
    );
    Ok(EXIT_OK)
}
