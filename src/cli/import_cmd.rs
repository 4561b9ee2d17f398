//! `docket import`: reads a file in another format and writes a checked
//! TOML deck (and, with `--history`, brings an Anki package's review
//! history into the user's progress).

use super::args::ImportArgs;
use super::output;
use super::output::EXIT_OK;
use super::output::EXIT_USAGE;
use crate::app::history::ImportedHistory;
use crate::app::history::RolloverSource;
use crate::app::transfer;
use crate::app::transfer::ImportRequest;
use crate::interop::Format;

/// Runs `docket import`.
pub fn run(args: &ImportArgs) -> anyhow::Result<u8> {
    let Some(format) = args.from.or_else(|| Format::from_path(&args.file)) else {
        eprintln!(
            "docket import: cannot tell the format of {} from its extension; pass --from apkg|csv|tsv|gift|aiken|moodle-xml",
            crate::sanitize::path(&args.file)
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
    let request = ImportRequest {
        file: args.file.clone(),
        format,
        output: args.output.clone(),
        force: args.force,
        update: args.update,
        history: args.history,
        replace_history: args.replace_history,
        rollover_hour: args.rollover_hour,
    };
    let done = match transfer::import(&request, &mut output::Spinner::default()) {
        Ok(d) => d,
        Err(e) => return Ok(output::report("docket import", &e)),
    };
    for s in &done.skipped {
        eprintln!("not converted: {s}");
    }
    for s in &done.notes {
        eprintln!("not carried: {s}");
    }
    let summary = match done.merged {
        Some((added, updated)) => format!("{added} added, {updated} updated"),
        None => format!("{} cards", done.cards),
    };
    eprintln!(
        "imported {} into {}: {summary}; {} item{} not converted{}",
        done.name,
        crate::sanitize::path(&done.output),
        done.skipped.len(),
        plural(done.skipped.len()),
        if done.notes.is_empty() {
            String::new()
        } else {
            format!(
                "; {} thing{} not carried in full (listed above)",
                done.notes.len(),
                plural(done.notes.len())
            )
        }
    );
    if let Some(h) = &done.history {
        print_history(h);
    }
    Ok(EXIT_OK)
}

/// Prints what review history was imported and what was not.
fn print_history(done: &ImportedHistory) {
    let imported = &done.progress;
    for s in &imported.skipped {
        eprintln!("history not imported: {s}");
    }
    let source = match done.rollover_source {
        RolloverSource::Given => "as given",
        RolloverSource::Package => "the collection's rollover",
        RolloverSource::Default => {
            "Anki's default; pass --rollover-hour if your Anki's day starts at another hour"
        }
    };
    eprintln!(
        "imported review history: {} card{}, {} review{} (days start at {}:00 local time, {}; \
         FSRS parameters: the preset's for {}, the defaults for {}); \
         {} log row{} not part of FSRS histories (manual changes, cram, before a reset); \
         {} item{} not imported",
        imported.cards.len(),
        plural(imported.cards.len()),
        imported.reviews,
        plural(imported.reviews),
        done.rollover,
        source,
        imported.preset_params,
        imported.cards.len() - imported.preset_params,
        imported.left_out,
        plural(imported.left_out),
        imported.skipped.len(),
        plural(imported.skipped.len()),
    );
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
