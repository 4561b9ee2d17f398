//! `docket export`: writes a checked deck (or a quiz key's form) in
//! another format, listing what the format cannot carry.

use super::args::ExportArgs;
use super::output;
use super::output::EXIT_OK;
use super::output::EXIT_USAGE;
use crate::app::transfer;
use crate::interop::Format;

/// Runs `docket export`.
pub fn run(args: &ExportArgs) -> anyhow::Result<u8> {
    let Some(format) = args.to.or_else(|| Format::from_path(&args.output)) else {
        eprintln!("docket export: pass --to apkg|csv|tsv|gift|moodle-xml|md");
        return Ok(EXIT_USAGE);
    };
    if !format.can_export() {
        eprintln!("docket export: docket does not write {format}; try --to gift");
        return Ok(EXIT_USAGE);
    }
    let done = match transfer::export(
        &args.deck,
        format,
        &args.output,
        args.force,
        &mut output::Spinner::default(),
    ) {
        Ok(d) => d,
        Err(e) => return Ok(output::report("docket export", &e)),
    };
    for s in &done.notes {
        eprintln!("note: {s}");
    }
    eprintln!(
        "exported {} cards to {} ({format}){}",
        done.cards,
        crate::sanitize::path(&args.output),
        if done.notes.is_empty() {
            String::new()
        } else {
            format!(
                "; {} note{} above",
                done.notes.len(),
                if done.notes.len() == 1 { "" } else { "s" }
            )
        }
    );
    Ok(EXIT_OK)
}
